//! The generated OVS request messages (`ovs_*::msg::*`) as the dpif uses them: each is
//! an `ovs_header` and one attribute set, and the kernel answers with the same command
//! and layout, so one trait makes any of them from a `dp_ifindex` and attributes and
//! takes its reply view apart.

use nlwire::consts::{NLM_F_DUMP, NLM_F_REQUEST};
use nlwire::sock::{Kernel, TypedDump};
use nlwire::{AttrSet, Request, Response};

use super::dpif::{Direction, Dpif, Trace};
use super::error::{Error, Result};

/// A generated OVS request whose reply is its own message type.
pub(crate) trait OvsRequest: Request<Reply = Self> {
    /// The message's attribute set (`Datapath`, `Vport`, `FlowAttrs`, ...).
    type Attrs: AttrSet;

    /// The request for datapath `dp_ifindex` (0: not datapath-specific).
    fn request(dp_ifindex: i32, attrs: Self::Attrs) -> Self;

    /// A reply view's `dp_ifindex` and attributes.
    fn parts(view: <Self as Response>::View<'_>) -> (i32, <Self::Attrs as AttrSet>::View<'_>);
}

macro_rules! ovs_requests {
    ($family:ident, $attrs:ident: $($msg:ident),+) => {$(
        impl OvsRequest for crate::$family::msg::$msg {
            type Attrs = crate::$family::$attrs;

            fn request(dp_ifindex: i32, attrs: Self::Attrs) -> Self {
                let header = crate::$family::OvsHeader { dp_ifindex: dp_ifindex.into() };
                Self { header, attrs }
            }

            fn parts(
                view: <Self as Response>::View<'_>,
            ) -> (i32, <Self::Attrs as AttrSet>::View<'_>) {
                (view.header.dp_ifindex.get(), view.attrs)
            }
        }
    )+};
}

ovs_requests!(ovs_datapath, Datapath: NewRequest, SetRequest, GetRequest, DelRequest);
ovs_requests!(ovs_vport, Vport: NewRequest, SetRequest, GetRequest, DelRequest);
ovs_requests!(ovs_flow, FlowAttrs: NewRequest, SetRequest, GetRequest, DelRequest);
ovs_requests!(ovs_meter, Meter: FeaturesRequest, SetRequest, GetRequest, DelRequest);
ovs_requests!(ovs_ct_limit, CtLimit: SetRequest, GetRequest, DelRequest);

impl Dpif {
    /// Sends `req` from the dpif's own transaction (its reply stays there, for views):
    /// encoded by its generated type, checked against its policy, traced.
    pub(crate) fn exchange<R: Request>(&mut self, req: &R) -> Result<()> {
        let family = self.fam.id(R::FAMILY)?;
        self.txn.set_request(req, family, 0)?;
        self.transact_traced(R::FAMILY, R::CMD)
    }

    /// The reply to the last [`exchange`](Self::exchange) of an `R`.
    pub(crate) fn reply<R: OvsRequest>(&self) -> Result<(i32, <R::Attrs as AttrSet>::View<'_>)> {
        Ok(R::parts(self.txn.decode_reply::<R>()?))
    }

    /// Runs the request in `self.txn` (family `family`, command `cmd`), showing it and
    /// its reply to the trace.
    pub(crate) fn transact_traced(&mut self, family: &'static str, cmd: u8) -> Result<()> {
        self.last_request = (family, cmd);
        if let Some(t) = &mut self.trace {
            t(family, cmd, Direction::Request, self.txn.request());
        }
        self.sock.transact(&mut self.txn)?;
        if let (Some(t), Ok(r)) = (&mut self.trace, self.txn.result())
            && !r.bytes().is_empty()
        {
            t(family, cmd, Direction::Reply, r.bytes());
        }
        Ok(())
    }

    /// Starts a dump of `R` for datapath `dp_ifindex`, its request and its messages
    /// traced.
    pub(crate) fn dump<R: OvsRequest>(
        &mut self,
        dp_ifindex: i32,
        attrs: R::Attrs,
    ) -> Result<OvsDump<'_, R>> {
        let req = R::request(dp_ifindex, attrs);
        if let Some(t) = &mut self.trace {
            self.scratch.clear();
            let family = self.fam.id(R::FAMILY)?;
            req.encode(&mut self.scratch, family, NLM_F_REQUEST | NLM_F_DUMP)
                .map_err(Error::InvalidRequest)?;
            t(
                R::FAMILY,
                R::CMD,
                Direction::Request,
                self.scratch.as_slice(),
            );
        }
        Ok(OvsDump {
            dump: self.sock.dump_typed(&req)?,
            trace: &mut self.trace,
        })
    }
}

/// A dump of `R` started by [`Dpif::dump`]: each message is shown to the dpif's trace
/// and handed out as its `dp_ifindex` and attribute view (borrowing the receive buffer
/// until the next call).
pub(crate) struct OvsDump<'d, R> {
    dump: TypedDump<'d, Kernel, R>,
    trace: &'d mut Option<Trace>,
}

impl<R: OvsRequest> OvsDump<'_, R> {
    /// The next message, `None` at the end, or the error that ended the dump.
    #[allow(clippy::type_complexity)]
    pub(crate) fn next(&mut self) -> Option<Result<(i32, <R::Attrs as AttrSet>::View<'_>)>> {
        Some(match self.dump.next_with_bytes()? {
            Ok((bytes, view)) => {
                if let Some(t) = self.trace {
                    t(R::FAMILY, R::CMD, Direction::Reply, bytes);
                }
                Ok(R::parts(view))
            }
            Err(e) => Err(e.into()),
        })
    }
}
