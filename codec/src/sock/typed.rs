//! Typed exchanges in one call: a [`Request`] message is encoded, checked against its own
//! policy, sent to its family (resolved and cached on first use) and its answer decoded as
//! the request's [`Response`] type, a view into the socket's receive buffer.
//!
//! - [`Socket::request`]: one request, its reply.
//! - [`Socket::dump_typed`]: a dump, read as typed views ([`TypedDump`], lending).
//! - [`Socket::batch`]: many requests in one `transact_multiple` round trip, one typed
//!   result each ([`Batch`], [`Answers`]).
//!
//! Errors keep everything: a request that breaks its policy is
//! [`Error::InvalidRequest`] naming the field and the rule, before anything is sent; a
//! kernel refusal is [`Error::Kernel`] with the ext-ack message, the offending
//! attribute's path (named from the request's policy), the policy and cookie; a reply that
//! does not decode is [`Error::Malformed`] naming the attribute.

use core::marker::PhantomData;

use super::dump::Dump;
use super::error::Error;
use super::socket::Socket;
use super::transport::Transport;
use super::txn::Transaction;
use crate::consts::{NLM_F_ACK, NLM_F_ECHO, NLM_F_REQUEST};
use crate::limits::Limits;
use crate::request::{Request, Response};

fn check_policy<R: Request>(msg: &[u8]) -> Result<(), Error> {
    let attrs = msg.get(R::ATTRS_AT..).unwrap_or_default();
    R::POLICY.validate(attrs).map_err(invalid::<R>)
}

/// A codec error of request `R`, its attribute named from `R`'s policy.
fn invalid<R: Request>(e: crate::Error) -> Error {
    Error::InvalidRequest(e.named_by(R::POLICY))
}

fn decode<'a, M: Response>(msg: Option<crate::Msg<'a>>) -> Result<M::View<'a>, Error> {
    M::decode_response(msg, &Limits::DEFAULT).map_err(Error::Malformed)
}

impl Transaction {
    /// Makes `req` this transaction's request (cleared first), for family id `family`
    /// with `NLM_F_REQUEST | NLM_F_ACK` (and `NLM_F_ECHO` when a reply message is
    /// expected) plus `flags`: encodes it, checks it against its policy
    /// ([`Error::InvalidRequest`] naming the field, nothing to send), and attaches the
    /// policy so kernel errors name the offending attribute. The building block of
    /// [`Socket::request`] and [`Socket::batch`], for callers that keep their own
    /// transactions.
    ///
    /// ```
    /// # #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// # struct Ctrl { #[nla(type = 2, string, max_len = 15)] name: Option<String> }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 3, version = 2, family = "nlctrl")]
    /// # struct GetFamily { #[nla(attrs)] attrs: Ctrl }
    /// use nlwire::consts::*;
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.set_request(&GetFamily { attrs: Ctrl { name: Some("nlctrl".into()) } }, GENL_ID_CTRL, 0)?;
    /// let m = nlwire::Msg::parse(t.request())?;
    /// assert_eq!((m.ty(), m.flags()), (GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_request<R: Request>(
        &mut self,
        req: &R,
        family: u16,
        flags: u16,
    ) -> Result<(), Error> {
        let echo = if R::Reply::IS_MESSAGE { NLM_F_ECHO } else { 0 };
        self.encode_request(req, family, NLM_F_ACK | echo | flags)
    }

    /// Like [`set_request`](Self::set_request) with exactly `NLM_F_REQUEST | flags`: no
    /// acknowledgement or echo is asked for unless `flags` holds them, so the kernel
    /// answers only failures. For batches that expect no answer from what succeeds (OVS's
    /// flow puts); the request is still encoded, checked and given its policy.
    ///
    /// ```
    /// # #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// # struct Ctrl { #[nla(type = 2, string, max_len = 15)] name: Option<String> }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 3, version = 2, family = "nlctrl")]
    /// # struct GetFamily { #[nla(attrs)] attrs: Ctrl }
    /// use nlwire::consts::*;
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.encode_request(&GetFamily { attrs: Ctrl { name: None } }, GENL_ID_CTRL, 0)?;
    /// assert_eq!(nlwire::Msg::parse(t.request())?.flags(), NLM_F_REQUEST);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn encode_request<R: Request>(
        &mut self,
        req: &R,
        family: u16,
        flags: u16,
    ) -> Result<(), Error> {
        self.clear();
        req.encode(self.request_mut(), family, NLM_F_REQUEST | flags)
            .map_err(invalid::<R>)?;
        check_policy::<R>(self.request())?;
        self.set_policy(R::POLICY, R::ATTRS_AT);
        Ok(())
    }

    /// The answer to this transaction's request decoded as `M` (a request's
    /// `R::Reply`): its view, or the kernel's error for it.
    ///
    /// ```
    /// # #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// # struct Ctrl { #[nla(type = 2, string)] name: Option<String> }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 3, version = 2, family = "nlctrl")]
    /// # struct GetFamily { #[nla(attrs)] attrs: Ctrl }
    /// let mut sock = nlwire::sock::FakePeer::new(|_, out| out.error(libc::EPERM)).into_socket();
    /// let mut t = nlwire::sock::Transaction::new();
    /// t.set_request(&GetFamily { attrs: Ctrl { name: None } }, 0x10, 0)?;
    /// sock.transact_multiple(std::slice::from_mut(&mut t))?;
    /// assert_eq!(t.decode_reply::<()>().unwrap_err().errno(), Some(libc::EPERM));
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn decode_reply<M: Response>(&self) -> Result<M::View<'_>, Error> {
        decode::<M>(self.result()?.first())
    }
}

impl<T: Transport> Socket<T> {
    /// Sends `req` to its family and returns the kernel's answer as the request's reply
    /// type: a view into this socket's buffer, valid until the next call on the socket.
    /// Requests the kernel only acknowledges (`Reply = ()`) return `()`. The request asks
    /// for an acknowledgement (`NLM_F_ACK`) and, when a reply message is expected, for the
    /// echo some families send it as (`NLM_F_ECHO`).
    ///
    /// With a generated family (`nlwire-families`) against the kernel:
    ///
    /// ```text
    /// let mut sock = Socket::open(NETLINK_GENERIC)?;
    /// let req = GetfamilyRequest { attrs: CtrlAttrs { family_name: Some("nlctrl".into()), ..Default::default() } };
    /// println!("nlctrl is family {:?}", sock.request(&req)?.attrs.family_id);
    /// ```
    ///
    /// The same shape with a peer standing in for the kernel; a name longer than the
    /// policy's 15 bytes is refused before anything is sent:
    ///
    /// ```
    /// # use nlwire::{Message, MsgBuf};
    /// # #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// # struct Ctrl { #[nla(type = 2, string, max_len = 15)] name: Option<String> }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 1, version = 2)]
    /// # struct NewFamily { #[nla(attrs)] attrs: Ctrl }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 3, version = 2, family = "nlctrl", reply = NewFamily)]
    /// # struct GetFamily { #[nla(attrs)] attrs: Ctrl }
    /// # fn get(name: &str) -> GetFamily { GetFamily { attrs: Ctrl { name: Some(name.into()) } } }
    /// # fn family(name: &str) -> Vec<u8> {
    /// #     let mut b = MsgBuf::new();
    /// #     NewFamily { attrs: Ctrl { name: Some(name.into()) } }.encode(&mut b, 0x10, 0).unwrap();
    /// #     b.as_slice()[16..].to_vec()
    /// # }
    /// use nlwire::sock::{Error, FakePeer};
    /// let mut sock = FakePeer::new(|req, out| {
    ///     out.data(req.ty(), 0, &family("nlctrl"));
    ///     out.ack();
    /// })
    /// .into_socket();
    /// let reply = sock.request(&get("nlctrl"))?;
    /// assert_eq!(reply.attrs.name, Some("nlctrl"));
    /// let too_long = sock.request(&get("a-name-of-twenty-chars")).unwrap_err();
    /// assert!(matches!(too_long, Error::InvalidRequest(_)), "{too_long}");
    /// assert!(too_long.to_string().contains("name"), "{too_long}");
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn request<R: Request>(
        &mut self,
        req: &R,
    ) -> Result<<R::Reply as Response>::View<'_>, Error> {
        self.request_with_flags(req, 0)
    }

    /// [`request`](Self::request) with more `nlmsghdr` flags (`NLM_F_CREATE`,
    /// `NLM_F_EXCL`, `NLM_F_REPLACE`, ...).
    pub fn request_with_flags<R: Request>(
        &mut self,
        req: &R,
        flags: u16,
    ) -> Result<<R::Reply as Response>::View<'_>, Error> {
        let id = self.request_family::<R>()?;
        let mut txn = self.typed_txn.take().unwrap_or_default();
        let sent = txn
            .set_request(req, id, flags)
            .and_then(|()| self.transact_multiple(core::slice::from_mut(&mut txn)));
        let txn = self.typed_txn.insert(txn);
        sent?;
        txn.decode_reply::<R::Reply>()
    }

    /// Starts a dump of `req`'s family (`NLM_F_DUMP`) and returns it as typed views of the
    /// request's reply type; see [`TypedDump`].
    ///
    /// ```
    /// # use nlwire::{Message, MsgBuf};
    /// # #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// # struct Ctrl { #[nla(type = 2, string, max_len = 15)] name: Option<String> }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 1, version = 2)]
    /// # struct NewFamily { #[nla(attrs)] attrs: Ctrl }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 3, version = 2, family = "nlctrl", reply = NewFamily)]
    /// # struct GetFamily { #[nla(attrs)] attrs: Ctrl }
    /// # fn get(name: &str) -> GetFamily { GetFamily { attrs: Ctrl { name: Some(name.into()) } } }
    /// # fn family(name: &str) -> Vec<u8> {
    /// #     let mut b = MsgBuf::new();
    /// #     NewFamily { attrs: Ctrl { name: Some(name.into()) } }.encode(&mut b, 0x10, 0).unwrap();
    /// #     b.as_slice()[16..].to_vec()
    /// # }
    /// let mut sock = nlwire::sock::FakePeer::new(|req, out| {
    ///     out.dump(req.ty(), &[&family("nlctrl"), &family("ovs_flow")], 1);
    /// })
    /// .into_socket();
    /// let mut families = sock.dump_typed(&GetFamily { attrs: Ctrl { name: None } })?;
    /// let mut names = Vec::new();
    /// while let Some(f) = families.next() {
    ///     names.push(f?.attrs.name.unwrap().to_owned());
    /// }
    /// assert_eq!(names, ["nlctrl", "ovs_flow"]);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn dump_typed<R: Request>(&mut self, req: &R) -> Result<TypedDump<'_, T, R::Reply>, Error> {
        self.dump_typed_with_flags(req, 0)
    }

    /// [`dump_typed`](Self::dump_typed) with more `nlmsghdr` flags.
    pub fn dump_typed_with_flags<R: Request>(
        &mut self,
        req: &R,
        flags: u16,
    ) -> Result<TypedDump<'_, T, R::Reply>, Error> {
        let id = self.request_family::<R>()?;
        let buf = &mut self.typed_dump_req;
        buf.clear();
        req.encode(buf, id, NLM_F_REQUEST | flags)
            .map_err(invalid::<R>)?;
        check_policy::<R>(buf.as_slice())?;
        self.dump_req.clear();
        self.dump_req
            .extend_from_slice(self.typed_dump_req.as_slice());
        let dump = self.start_dump()?.policy(R::POLICY, R::ATTRS_AT);
        Ok(TypedDump {
            dump,
            _m: PhantomData,
        })
    }

    /// [`dump_typed`](Self::dump_typed) with up to `attempts` tries: when `f` sees the
    /// dump interrupted (`NLM_F_DUMP_INTR`) or overrun, the dump starts again and `f`
    /// runs afresh (see [`Socket::dump_retry`]).
    ///
    /// ```
    /// # use nlwire::{Message, MsgBuf};
    /// # #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// # struct Ctrl { #[nla(type = 2, string, max_len = 15)] name: Option<String> }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 1, version = 2)]
    /// # struct NewFamily { #[nla(attrs)] attrs: Ctrl }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 3, version = 2, family = "nlctrl", reply = NewFamily)]
    /// # struct GetFamily { #[nla(attrs)] attrs: Ctrl }
    /// # fn get(name: &str) -> GetFamily { GetFamily { attrs: Ctrl { name: Some(name.into()) } } }
    /// # fn family(name: &str) -> Vec<u8> {
    /// #     let mut b = MsgBuf::new();
    /// #     NewFamily { attrs: Ctrl { name: Some(name.into()) } }.encode(&mut b, 0x10, 0).unwrap();
    /// #     b.as_slice()[16..].to_vec()
    /// # }
    /// // The first dump is interrupted by a concurrent change, the second is not.
    /// let mut first = true;
    /// let mut sock = nlwire::sock::FakePeer::new(move |req, out| {
    ///     let intr = std::mem::take(&mut first);
    ///     out.dump_with(req.ty(), &[&family("nlctrl")], 1, intr);
    /// })
    /// .into_socket();
    /// let names = sock.dump_typed_retry(&GetFamily { attrs: Ctrl { name: None } }, 3, |d| {
    ///     let mut names = Vec::new();
    ///     while let Some(f) = d.next() {
    ///         names.extend(f?.attrs.name.map(str::to_owned));
    ///     }
    ///     Ok(names)
    /// })?;
    /// assert_eq!(names, ["nlctrl"]);
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn dump_typed_retry<R: Request, O>(
        &mut self,
        req: &R,
        attempts: u32,
        mut f: impl FnMut(&mut TypedDump<'_, T, R::Reply>) -> Result<O, Error>,
    ) -> Result<O, Error> {
        let attempts = attempts.max(1);
        let mut attempt = 1;
        loop {
            let mut dump = self.dump_typed(req)?;
            dump.dump.attempts = attempt;
            let r = f(&mut dump).and_then(|r| dump.dump.finish().map(|()| r));
            match r {
                Err(e) if e.is_retryable() && attempt < attempts => attempt += 1,
                r => return r,
            }
        }
    }

    /// The `nlmsg_type` family id `R` is encoded with: resolved for generic netlink, none
    /// (0, unused) for a netlink-raw message, which carries its own type.
    fn request_family<R: Request>(&mut self) -> Result<u16, Error> {
        if R::RAW_TYPE.is_some() {
            return Ok(0);
        }
        self.family_id(R::FAMILY)
    }

    /// A batch of typed requests sent together ([`Socket::transact_multiple`]): push
    /// requests, [`run`](Batch::run) it, then read each result by the [`Ticket`] its
    /// push returned. The socket keeps the batch's buffers, so a warm batch allocates
    /// nothing.
    ///
    /// ```
    /// # use nlwire::{Message, MsgBuf};
    /// # #[derive(Debug, PartialEq, nlwire::AttrSet)]
    /// # struct Ctrl { #[nla(type = 2, string, max_len = 15)] name: Option<String> }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 1, version = 2)]
    /// # struct NewFamily { #[nla(attrs)] attrs: Ctrl }
    /// # #[derive(Debug, PartialEq, nlwire::Message)]
    /// # #[nla(cmd = 3, version = 2, family = "nlctrl", reply = NewFamily)]
    /// # struct GetFamily { #[nla(attrs)] attrs: Ctrl }
    /// # fn get(name: &str) -> GetFamily { GetFamily { attrs: Ctrl { name: Some(name.into()) } } }
    /// # fn family(name: &str) -> Vec<u8> {
    /// #     let mut b = MsgBuf::new();
    /// #     NewFamily { attrs: Ctrl { name: Some(name.into()) } }.encode(&mut b, 0x10, 0).unwrap();
    /// #     b.as_slice()[16..].to_vec()
    /// # }
    /// // A peer that knows one family and refuses every other name.
    /// let mut sock = nlwire::sock::FakePeer::new(|req, out| {
    ///     if req.payload().windows(6).any(|w| w == b"nlctrl") {
    ///         out.data(req.ty(), 0, &family("nlctrl"));
    ///         out.ack();
    ///     } else {
    ///         out.error_ext(libc::ENOENT, "no such family", Some(20));
    ///     }
    /// })
    /// .into_socket();
    /// let mut batch = sock.batch();
    /// let a = batch.push(&get("nlctrl"))?;
    /// let b = batch.push(&get("nosuch"))?;
    /// let answers = batch.run()?;
    /// assert_eq!(answers.get(a)?.attrs.name, Some("nlctrl"));
    /// let e = answers.get(b).unwrap_err();
    /// assert_eq!(e.errno(), Some(libc::ENOENT));
    /// assert!(e.to_string().contains("name"), "{e}"); // the offending attribute, named
    /// # Ok::<(), nlwire::sock::Error>(())
    /// ```
    pub fn batch(&mut self) -> Batch<'_, T> {
        let txns = core::mem::take(&mut self.batch_txns);
        Batch {
            sock: self,
            txns,
            len: 0,
        }
    }
}

/// A dump read as typed views: call [`next`](Self::next) until it returns `None`. Each
/// view borrows the socket's dump buffer until the next call (a lending iterator). The
/// rules of [`Dump`] apply: `NLM_F_DUMP_INTR` ends it with [`Error::DumpInterrupted`]
/// after every message was delivered, and dropping it early drains the rest.
pub struct TypedDump<'s, T: Transport, M> {
    dump: Dump<'s, T>,
    _m: PhantomData<fn() -> M>,
}

impl<T: Transport, M: Response> TypedDump<'_, T, M> {
    /// The next message, decoded; `None` once the dump is done.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<M::View<'_>, Error>> {
        Some(self.dump.next_msg()?.and_then(|m| decode::<M>(Some(m))))
    }

    /// [`next`](Self::next) with the message's bytes beside its view (for traces and
    /// captures).
    #[allow(clippy::type_complexity)]
    pub fn next_with_bytes(&mut self) -> Option<Result<(&[u8], M::View<'_>), Error>> {
        Some(
            self.dump
                .next_msg()?
                .and_then(|m| decode::<M>(Some(m)).map(|v| (m.bytes(), v))),
        )
    }

    /// Reads the rest of the dump, failing on the first error (including an interrupted
    /// dump).
    pub fn finish(self) -> Result<(), Error> {
        self.dump.finish()
    }

    /// The dump's sequence number.
    pub fn seq(&self) -> u32 {
        self.dump.seq()
    }
}

/// A request's place in a [`Batch`]: give it to [`Answers::get`] for its typed result.
pub struct Ticket<R> {
    index: usize,
    _r: PhantomData<fn() -> R>,
}

impl<R> Clone for Ticket<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Ticket<R> {}

impl<R> core::fmt::Debug for Ticket<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Ticket({})", self.index)
    }
}

/// Typed requests gathered for one [`Socket::transact_multiple`]; see [`Socket::batch`].
/// A batch dropped without [`run`](Self::run) sends nothing (its buffers are freed rather
/// than kept by the socket).
pub struct Batch<'s, T: Transport> {
    sock: &'s mut Socket<T>,
    txns: Vec<Transaction>,
    len: usize,
}

impl<'s, T: Transport> Batch<'s, T> {
    /// Adds `req`: resolves its family, encodes it and checks it against its policy (a
    /// request that breaks it is refused here, with nothing sent).
    pub fn push<R: Request>(&mut self, req: &R) -> Result<Ticket<R>, Error> {
        self.push_with_flags(req, 0)
    }

    /// [`push`](Self::push) with more `nlmsghdr` flags.
    pub fn push_with_flags<R: Request>(&mut self, req: &R, flags: u16) -> Result<Ticket<R>, Error> {
        let id = self.sock.request_family::<R>()?;
        if self.len == self.txns.len() {
            self.txns.push(Transaction::new());
        }
        self.txns[self.len].set_request(req, id, flags)?;
        self.len += 1;
        Ok(Ticket {
            index: self.len - 1,
            _r: PhantomData,
        })
    }

    /// Requests pushed so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True before the first push.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sends every request and receives every answer. `Err` only when the transport
    /// failed; each request's own outcome is read with [`Answers::get`].
    pub fn run(self) -> Result<Answers<'s, T>, Error> {
        let Batch {
            sock,
            mut txns,
            len,
        } = self;
        let r = sock.transact_multiple(&mut txns[..len]);
        let answers = Answers { sock, txns, len };
        r.map(|()| answers)
    }
}

/// The results of a [`Batch`], read by [`Ticket`]. Dropping it hands the buffers back to
/// the socket.
pub struct Answers<'s, T: Transport> {
    sock: &'s mut Socket<T>,
    txns: Vec<Transaction>,
    len: usize,
}

impl<T: Transport> Answers<'_, T> {
    /// The typed result of the request `ticket` stands for: its reply view, or the kernel's
    /// error for it (with ext-ack text and the attribute path named from its policy).
    pub fn get<R: Request>(
        &self,
        ticket: Ticket<R>,
    ) -> Result<<R::Reply as Response>::View<'_>, Error> {
        let txn = self.txns[..self.len]
            .get(ticket.index)
            .ok_or(Error::BadRequest {
                reason: "the ticket belongs to another batch",
            })?;
        txn.decode_reply::<R::Reply>()
    }

    /// Number of requests in the batch.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True for an empty batch.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<T: Transport> Drop for Answers<'_, T> {
    fn drop(&mut self) {
        let txns = core::mem::take(&mut self.txns);
        give_back(self.sock, txns);
    }
}

fn give_back<T: Transport>(sock: &mut Socket<T>, txns: Vec<Transaction>) {
    if txns.capacity() >= sock.batch_txns.capacity() {
        sock.batch_txns = txns;
    }
}
