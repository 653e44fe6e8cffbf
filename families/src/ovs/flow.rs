//! Flows: put (create or modify), get, delete, flush, dump (full or terse), and
//! batches of puts and deletes through `transact_multiple`.

use nlwire::consts::{NLM_F_ACK, NLM_F_CREATE, NLM_F_ECHO};
use nlwire::sock::Transaction;
use nlwire::{AttrSet, MsgBuf};

use super::attrs::{ActionAttrs, FlowAttrs, FlowAttrsView, KeyAttrs, OvsFlowStats, Ufid};
use super::dpif::{Direction, Dpif};
use super::error::{Error, Result};
use super::odp::FlowMatch;
use super::request::{OvsDump, OvsRequest};
use crate::ovs_flow::msg::{DelRequest, GetRequest, NewRequest, SetRequest};
use crate::ovs_flow::{FAMILY_NAME, OvsUfidFlags, cmd};

/// How a put treats an existing flow.
///
/// ```
/// use nlwire_families::ovs::{FlowPut, PutMode, attrs::KeyAttrs};
/// let p = FlowPut::new(KeyAttrs::default(), vec![]).with_mode(PutMode::Modify);
/// assert_eq!(p.mode, PutMode::Modify);
/// assert_eq!(PutMode::default(), PutMode::Create);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PutMode {
    /// Create; `EEXIST` if the flow exists (`NEW` with `NLM_F_CREATE`: the kernel takes
    /// it for `NLM_F_EXCL`, which generic netlink would read as half a dump).
    #[default]
    Create,
    /// Create, or replace the actions of the existing flow (`NEW` without flags).
    CreateOrModify,
    /// Replace the actions of an existing flow; `ENOENT` otherwise (`SET`).
    Modify,
}

/// A flow to install: key, mask, actions, and optionally a UFID.
///
/// ```
/// use nlwire_families::ovs::{FlowPut, attrs::*, odp};
/// let m = odp::parse_key("in_port(1),eth_type(0x0800),ipv4(dst=10.0.0.0/255.0.0.0,frag=no)")?;
/// let put = FlowPut::new(m.key, vec![ActionAttrs::Output(2)])
///     .with_mask(m.mask.unwrap())
///     .with_ufid(Ufid::from_u128(7));
/// assert_eq!(put.ufid.unwrap().as_u128(), 7);
/// # Ok::<(), odp::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlowPut {
    /// The flow id; without one the kernel identifies the flow by its key.
    pub ufid: Option<Ufid>,
    /// The key (`packet_type`, userspace only, must not be set).
    pub key: KeyAttrs,
    /// The mask; `None`: every attribute of the key exact.
    pub mask: Option<KeyAttrs>,
    /// The actions; empty drops.
    pub actions: Vec<ActionAttrs>,
    /// Create, modify or either.
    pub mode: PutMode,
    /// Clear the flow's statistics (on modify).
    pub clear: bool,
    /// Ask the kernel not to log errors.
    pub probe: bool,
    /// Ask for the installed flow back (`NLM_F_ECHO`); otherwise the kernel answers
    /// only errors, which is what lets a batch run at full speed.
    pub echo: bool,
}

impl FlowPut {
    /// A flow creation with an exact key.
    ///
    /// ```
    /// use nlwire_families::ovs::{FlowPut, attrs::*};
    /// let p = FlowPut::new(KeyAttrs { in_port: Some(1), ..Default::default() }, vec![ActionAttrs::Output(2)]);
    /// assert!(p.mask.is_none() && p.ufid.is_none());
    /// ```
    pub fn new(key: KeyAttrs, actions: Vec<ActionAttrs>) -> FlowPut {
        FlowPut {
            key,
            actions,
            ..Default::default()
        }
    }

    /// From a [`FlowMatch`].
    ///
    /// ```
    /// use nlwire_families::ovs::{FlowPut, odp};
    /// let p = FlowPut::from_match(odp::parse_key("in_port(1),eth_type(0x0806),arp(op=1)")?, vec![]);
    /// assert!(p.mask.is_some());
    /// # Ok::<(), odp::ParseError>(())
    /// ```
    pub fn from_match(m: FlowMatch, actions: Vec<ActionAttrs>) -> FlowPut {
        FlowPut {
            key: m.key,
            mask: m.mask,
            actions,
            ..Default::default()
        }
    }

    /// Sets the mask.
    ///
    /// ```
    /// use nlwire_families::ovs::{FlowPut, attrs::KeyAttrs};
    /// let p = FlowPut::new(KeyAttrs::default(), vec![]).with_mask(KeyAttrs::default());
    /// assert!(p.mask.is_some());
    /// ```
    pub fn with_mask(mut self, mask: KeyAttrs) -> Self {
        self.mask = Some(mask);
        self
    }

    /// Sets the UFID.
    ///
    /// ```
    /// use nlwire_families::ovs::{FlowPut, attrs::{KeyAttrs, Ufid}};
    /// let p = FlowPut::new(KeyAttrs::default(), vec![]).with_ufid(Ufid::from_u128(5));
    /// assert_eq!(p.ufid, Some(Ufid::from_u128(5)));
    /// ```
    pub fn with_ufid(mut self, u: Ufid) -> Self {
        self.ufid = Some(u);
        self
    }

    /// Sets the mode.
    ///
    /// ```
    /// use nlwire_families::ovs::{FlowPut, PutMode, attrs::KeyAttrs};
    /// let p = FlowPut::new(KeyAttrs::default(), vec![]).with_mode(PutMode::CreateOrModify);
    /// assert_eq!(p.mode, PutMode::CreateOrModify);
    /// ```
    pub fn with_mode(mut self, m: PutMode) -> Self {
        self.mode = m;
        self
    }

    fn check(&self) -> Result<()> {
        match self.key.packet_type {
            Some(_) => Err(Error::BadRequest("packet_type is userspace-only")),
            None => Ok(()),
        }
    }

    fn cmd_flags(&self) -> (u8, u16) {
        let echo = if self.echo { NLM_F_ECHO } else { 0 };
        match self.mode {
            PutMode::Create => (cmd::NEW, NLM_F_CREATE | echo),
            PutMode::CreateOrModify => (cmd::NEW, echo),
            PutMode::Modify => (cmd::SET, echo),
        }
    }
}

/// Which flow: by UFID, or by (exact, unmasked) key.
///
/// ```
/// use nlwire_families::ovs::{FlowId, attrs::{KeyAttrs, Ufid}};
/// let k = KeyAttrs::default();
/// let ids = [FlowId::Ufid(Ufid::from_u128(1)), FlowId::Key(&k)];
/// assert_ne!(ids[0], ids[1]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowId<'a> {
    /// The flow's UFID.
    Ufid(Ufid),
    /// The flow's key.
    Key(&'a KeyAttrs),
}

impl FlowId<'_> {
    fn attrs(&self) -> FlowAttrs {
        match self {
            FlowId::Ufid(u) => FlowAttrs {
                ufid: Some(u.to_bytes()),
                ..Default::default()
            },
            FlowId::Key(k) => FlowAttrs {
                key: Some((*k).clone()),
                ..Default::default()
            },
        }
    }
}

/// The owned flow requests puts and batch operations are encoded from, reused from one
/// operation to the next: each operation is copied in with `clone_from`, so the key,
/// mask, action list and UFID keep their storage and a warm batch encodes without
/// allocating (as long as keys and actions have no heap parts of their own: `encap`,
/// MPLS label stacks, nested action lists and userdata are cloned afresh).
pub(crate) struct FlowRequests {
    new: NewRequest,
    set: SetRequest,
    del: DelRequest,
    /// A UFID buffer parked while the request that had it carries none.
    spare_ufid: Vec<u8>,
}

impl Default for FlowRequests {
    fn default() -> Self {
        FlowRequests {
            new: NewRequest::request(0, FlowAttrs::default()),
            set: SetRequest::request(0, FlowAttrs::default()),
            del: DelRequest::request(0, FlowAttrs::default()),
            spare_ufid: Vec::new(),
        }
    }
}

impl FlowRequests {
    /// Encodes `put` for datapath `dp_ifindex` into `t` with exactly `NLM_F_REQUEST`,
    /// the put mode's flags and `flags` (checked against the policy, which `t` keeps
    /// for naming attributes in kernel errors); returns its command.
    pub(crate) fn put(
        &mut self,
        t: &mut Transaction,
        (family, dp_ifindex): (u16, i32),
        put: &FlowPut,
        flags: u16,
    ) -> Result<u8> {
        put.check()?;
        let (c, mode) = put.cmd_flags();
        let flags = mode | flags;
        let spare = &mut self.spare_ufid;
        if c == cmd::SET {
            let r = &mut self.set;
            r.header.dp_ifindex = dp_ifindex.into();
            fill_put(&mut r.attrs, spare, put);
            t.encode_request(r, family, flags)?;
        } else {
            let r = &mut self.new;
            r.header.dp_ifindex = dp_ifindex.into();
            fill_put(&mut r.attrs, spare, put);
            t.encode_request(r, family, flags)?;
        }
        Ok(c)
    }

    /// Encodes a delete of `id` into `t` with exactly `NLM_F_REQUEST` (the batch's form:
    /// the kernel answers only a failure).
    pub(crate) fn del(
        &mut self,
        t: &mut Transaction,
        (family, dp_ifindex): (u16, i32),
        id: &FlowId<'_>,
    ) -> Result<()> {
        let r = &mut self.del;
        r.header.dp_ifindex = dp_ifindex.into();
        match id {
            FlowId::Ufid(u) => {
                r.attrs.key = None;
                set_ufid(&mut r.attrs.ufid, &mut self.spare_ufid, Some(u));
            }
            FlowId::Key(k) => {
                clone_into(&mut r.attrs.key, k);
                set_ufid(&mut r.attrs.ufid, &mut self.spare_ufid, None);
            }
        }
        t.encode_request(r, family, 0)?;
        Ok(())
    }
}

/// Makes `a` the attributes of `put` (the fields a put never sets stay as they are:
/// empty).
fn fill_put(a: &mut FlowAttrs, spare_ufid: &mut Vec<u8>, put: &FlowPut) {
    set_ufid(&mut a.ufid, spare_ufid, put.ufid.as_ref());
    clone_into(&mut a.key, &put.key);
    a.mask.clone_from(&put.mask);
    clone_into(&mut a.actions, &put.actions);
    a.clear = put.clear;
    a.probe = put.probe;
}

/// `*slot = Some(v.clone())`, reusing what `slot` holds.
fn clone_into<T: Clone>(slot: &mut Option<T>, v: &T) {
    match slot {
        Some(s) => s.clone_from(v),
        None => *slot = Some(v.clone()),
    }
}

/// Sets the UFID attribute to `u`'s 16 bytes or to none, its buffer kept in `spare`
/// while unused.
fn set_ufid(slot: &mut Option<Vec<u8>>, spare: &mut Vec<u8>, u: Option<&Ufid>) {
    match u {
        Some(u) => {
            let b = slot.get_or_insert_with(|| core::mem::take(spare));
            b.clear();
            b.extend_from_slice(&u.to_array());
        }
        None => {
            if let Some(b) = slot.take() {
                *spare = b;
            }
        }
    }
}

/// A flow as the kernel sent it: a zero-copy view of the reply or dump message.
///
/// ```no_run
/// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
/// let mut dump = dp.flow_dump(false)?;
/// while let Some(f) = dump.next() {
///     let f = f?; // borrows the receive buffer
///     let key = f.attrs.key.unwrap();
///     println!("in_port {:?}", key.in_port);
/// }
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlowEntry<'a> {
    /// The datapath it belongs to.
    pub dp_ifindex: i32,
    /// Its attributes: `ufid`, `key`, `mask`, `actions` (views into the message),
    /// `stats`, `used`, `tcp_flags`.
    pub attrs: FlowAttrsView<'a>,
}

impl<'a> FlowEntry<'a> {
    fn new((dp_ifindex, attrs): (i32, FlowAttrsView<'a>)) -> FlowEntry<'a> {
        FlowEntry { dp_ifindex, attrs }
    }

    /// The UFID, if the flow has one of 16 bytes.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid};
    /// let mut dp = Dpif::open("dp0")?;
    /// let f = dp.flow_get(FlowId::Ufid(Ufid::from_u128(1)))?;
    /// assert_eq!(f.ufid(), Some(Ufid::from_u128(1)));
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn ufid(&self) -> Option<Ufid> {
        self.attrs.ufid.and_then(Ufid::from_bytes)
    }

    /// Packets and bytes matched.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid};
    /// let mut dp = Dpif::open("dp0")?;
    /// let s = dp.flow_get(FlowId::Ufid(Ufid::from_u128(1)))?.stats();
    /// println!("{} packets, {} bytes", s.n_packets.get(), s.n_bytes.get());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn stats(&self) -> OvsFlowStats {
        self.attrs.stats.copied().unwrap_or_default()
    }

    /// The key and mask, owned (for comparison, printing, re-installing).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid, odp};
    /// let mut dp = Dpif::open("dp0")?;
    /// let m = dp.flow_get(FlowId::Ufid(Ufid::from_u128(1)))?.to_match();
    /// println!("{}", odp::format_key(&m.key, m.mask.as_ref(), false));
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn to_match(&self) -> FlowMatch {
        FlowMatch {
            key: self.attrs.key.map(KeyAttrs::from_view).unwrap_or_default(),
            mask: self.attrs.mask.map(KeyAttrs::from_view),
        }
    }

    /// The actions, owned (`None` when the reply omitted them).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid, odp};
    /// let mut dp = Dpif::open("dp0")?;
    /// let a = dp.flow_get(FlowId::Ufid(Ufid::from_u128(1)))?.actions().unwrap_or_default();
    /// println!("actions:{}", odp::format_actions(&a));
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn actions(&self) -> Option<Vec<ActionAttrs>> {
        self.attrs.actions.map(<Vec<ActionAttrs>>::from_view)
    }

    /// The whole flow, owned.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid};
    /// let mut dp = Dpif::open("dp0")?;
    /// let owned = dp.flow_get(FlowId::Ufid(Ufid::from_u128(1)))?.into_owned();
    /// dp.flow_flush()?; // `owned` outlives the reply buffer
    /// # let _ = owned;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn into_owned(self) -> FlowAttrs {
        self.attrs.into_owned()
    }
}

/// A flow dump in progress: call [`next`](Self::next) until `None`. Each entry borrows
/// the receive buffer until the next call.
///
/// ```no_run
/// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
/// println!("{} flows", dp.flow_dump(true)?.count()?);
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
pub struct FlowDump<'d> {
    dump: OvsDump<'d, GetRequest>,
}

impl FlowDump<'_> {
    /// The next flow, `None` at the end, or the error that ended the dump.
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let mut dump = dp.flow_dump(true)?;
    /// while let Some(f) = dump.next() {
    ///     println!("{:?}", f?.ufid());
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    #[allow(clippy::should_implement_trait)] // a lending iterator: entries borrow `self`
    pub fn next(&mut self) -> Option<Result<FlowEntry<'_>>> {
        Some(self.dump.next()?.map(FlowEntry::new))
    }

    /// Reads to the end, counting flows: how a caller checks a dump is complete.
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let n = dp.flow_dump(true)?.count()?;
    /// # let _ = n;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn count(mut self) -> Result<usize> {
        let mut n = 0;
        while let Some(e) = self.next() {
            e?;
            n += 1;
        }
        Ok(n)
    }
}

/// One operation of a [`Dpif::flow_operate`] batch.
///
/// ```
/// use nlwire_families::ovs::{FlowId, FlowOp, FlowPut, attrs::*};
/// let p = FlowPut::new(KeyAttrs::default(), vec![]);
/// let ops = [FlowOp::Put(&p), FlowOp::Del(FlowId::Ufid(Ufid::from_u128(3)))];
/// assert_eq!(ops.len(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlowOp<'a> {
    /// Install a flow.
    Put(&'a FlowPut),
    /// Delete a flow.
    Del(FlowId<'a>),
}

/// Transactions per batch round (reused between rounds).
const BATCH_TXNS: usize = 256;
/// Requests per `sendmsg` within a round.
const BATCH_SENDMSG: usize = 64;

impl Dpif {
    /// Sends a flow request `R` for this datapath.
    fn flow_exchange<R: OvsRequest<Attrs = FlowAttrs>>(&mut self, attrs: FlowAttrs) -> Result<()> {
        self.exchange(&R::request(self.dp_ifindex, attrs))
    }

    /// The reply to the last flow request `R`, as an entry.
    fn flow_entry<R: OvsRequest<Attrs = FlowAttrs>>(&self) -> Result<FlowEntry<'_>> {
        self.reply::<R>().map(FlowEntry::new)
    }

    /// Installs a flow. With [`FlowPut::echo`] the installed flow comes back (see
    /// [`flow_last_reply`](Self::flow_last_reply)).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowPut, attrs::*, odp};
    /// let mut dp = Dpif::open("dp0")?;
    /// let m = odp::parse_key("in_port(1),eth(),eth_type(0x0806)").unwrap();
    /// let acts = odp::parse_actions("push_vlan(vid=10,pcp=0),2").unwrap();
    /// dp.flow_put(&FlowPut::from_match(m, acts).with_ufid(Ufid::from_u128(1)))?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_put(&mut self, put: &FlowPut) -> Result<()> {
        // Without ECHO, ask for an ACK: a single put should report success for certain.
        let ack = if put.echo { 0 } else { NLM_F_ACK };
        let to = (self.fam.flow, self.dp_ifindex);
        let c = self.flow_reqs.put(&mut self.txn, to, put, ack)?;
        self.transact_traced(FAMILY_NAME, c)
    }

    /// The flow the last echoed put, get or delete returned.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowPut, attrs::*};
    /// let mut dp = Dpif::open("dp0")?;
    /// let mut p = FlowPut::new(KeyAttrs { in_port: Some(1), ..Default::default() }, vec![]);
    /// p.echo = true;
    /// dp.flow_put(&p)?;
    /// println!("{:?}", dp.flow_last_reply()?.to_match());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_last_reply(&self) -> Result<FlowEntry<'_>> {
        match self.last_request {
            (FAMILY_NAME, cmd::NEW) => self.flow_entry::<NewRequest>(),
            (FAMILY_NAME, cmd::SET) => self.flow_entry::<SetRequest>(),
            (FAMILY_NAME, cmd::GET) => self.flow_entry::<GetRequest>(),
            (FAMILY_NAME, cmd::DEL) => self.flow_entry::<DelRequest>(),
            _ => Err(Error::BadReply("the last request was not a flow request")),
        }
    }

    /// Gets one flow by UFID or key. The entry is a view of the reply, valid until the
    /// next request on this `Dpif`.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid};
    /// let mut dp = Dpif::open("dp0")?;
    /// let f = dp.flow_get(FlowId::Ufid(Ufid::from_u128(1)))?;
    /// println!("{} packets", f.stats().n_packets.get());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_get(&mut self, id: FlowId<'_>) -> Result<FlowEntry<'_>> {
        self.flow_exchange::<GetRequest>(id.attrs())?;
        self.flow_entry::<GetRequest>()
    }

    /// Deletes one flow.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid};
    /// let mut dp = Dpif::open("dp0")?;
    /// dp.flow_del(FlowId::Ufid(Ufid::from_u128(1)))?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_del(&mut self, id: FlowId<'_>) -> Result<()> {
        self.flow_exchange::<DelRequest>(id.attrs())
    }

    /// Deletes one flow and returns it as it was (statistics included).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowId, attrs::Ufid};
    /// let mut dp = Dpif::open("dp0")?;
    /// let last = dp.flow_del_echo(FlowId::Ufid(Ufid::from_u128(1)))?;
    /// println!("it had matched {} packets", last.stats().n_packets.get());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_del_echo(&mut self, id: FlowId<'_>) -> Result<FlowEntry<'_>> {
        self.flow_exchange::<DelRequest>(id.attrs())?;
        self.flow_entry::<DelRequest>()
    }

    /// Deletes every flow of the datapath.
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// dp.flow_flush()?;
    /// assert_eq!(dp.flow_dump(true)?.count()?, 0);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_flush(&mut self) -> Result<()> {
        self.flow_exchange::<DelRequest>(FlowAttrs::default())
    }

    /// Dumps the flows. `terse`: only UFIDs and statistics (key, mask and actions
    /// omitted by the kernel — flows without a UFID still carry their key).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let mut dump = dp.flow_dump(false)?;
    /// while let Some(f) = dump.next() {
    ///     let f = f?;
    ///     println!("{:?}: {} actions", f.ufid(), f.attrs.actions.map_or(0, |a| a.iter().count()));
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_dump(&mut self, terse: bool) -> Result<FlowDump<'_>> {
        let attrs = FlowAttrs {
            ufid_flags: terse.then_some(OvsUfidFlags::ALL),
            ..Default::default()
        };
        let dump = self.dump::<GetRequest>(self.dp_ifindex, attrs)?;
        Ok(FlowDump { dump })
    }

    /// Runs flow puts and deletes as batches through `transact_multiple` (many
    /// requests per `sendmsg`, the kernel answering only errors), one result per
    /// operation in order.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, FlowOp, FlowPut, attrs::*};
    /// let mut dp = Dpif::open("dp0")?;
    /// let puts: Vec<FlowPut> = (0..100u32)
    ///     .map(|i| FlowPut::new(KeyAttrs { in_port: Some(1), skb_mark: Some(i), ..Default::default() }, vec![]))
    ///     .collect();
    /// let ops: Vec<FlowOp> = puts.iter().map(FlowOp::Put).collect();
    /// for r in dp.flow_operate(&ops)? {
    ///     r?;
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn flow_operate(&mut self, ops: &[FlowOp<'_>]) -> Result<Vec<Result<()>>> {
        let mut results = Vec::with_capacity(ops.len());
        self.sock.set_max_batch(Some(BATCH_SENDMSG));
        let r = self.flow_operate_inner(ops, &mut results);
        self.sock.set_max_batch(None);
        r.map(|()| results)
    }

    fn flow_operate_inner(
        &mut self,
        ops: &[FlowOp<'_>],
        results: &mut Vec<Result<()>>,
    ) -> Result<()> {
        for chunk in ops.chunks(BATCH_TXNS) {
            self.batch_encode(chunk)?;
            let txns = &mut self.batch[..chunk.len()];
            // Transport failures are in every unsettled result too.
            let _ = self.sock.transact_multiple(txns);
            for t in txns.iter() {
                results.push(t.result().map(|_| ()).map_err(Error::from));
            }
        }
        Ok(())
    }

    /// Encodes `chunk` into the batch transactions (added as needed), traced.
    fn batch_encode(&mut self, chunk: &[FlowOp<'_>]) -> Result<()> {
        while self.batch.len() < chunk.len() {
            let mut t = Transaction::new();
            t.set_reply_capacity(512);
            self.batch.push(t);
        }
        let to = (self.fam.flow, self.dp_ifindex);
        for (t, op) in self.batch.iter_mut().zip(chunk) {
            // No ACK or ECHO: the kernel answers only the operations that fail.
            let c = match op {
                FlowOp::Put(p) => self.flow_reqs.put(t, to, p, 0)?,
                FlowOp::Del(id) => self.flow_reqs.del(t, to, id).map(|()| cmd::DEL)?,
            };
            if let Some(tr) = self.trace.as_mut() {
                tr(FAMILY_NAME, c, Direction::Request, t.request());
            }
        }
        Ok(())
    }
}

/// Builds a flow put request into `buf` (for tests and for seed corpora): the bytes a
/// batch sends for it, `NLM_F_REQUEST` and the put mode's flags, checked against the
/// policy.
///
/// ```
/// use nlwire_families::ovs::{FlowPut, attrs::*, flow::encode_put};
/// let mut buf = nlwire::MsgBuf::new();
/// let p = FlowPut::new(KeyAttrs { in_port: Some(1), ..Default::default() }, vec![ActionAttrs::Output(2)]);
/// encode_put(&mut buf, 0x1e, 5, &p)?;
/// let m = nlwire::Msg::parse(buf.as_slice())?;
/// assert_eq!(m.ty(), 0x1e);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_put(buf: &mut MsgBuf<'_>, family: u16, dp_ifindex: i32, p: &FlowPut) -> Result<()> {
    let mut t = Transaction::new();
    FlowRequests::default().put(&mut t, (family, dp_ifindex), p, 0)?;
    buf.clear();
    buf.put(t.request());
    Ok(())
}

#[cfg(test)]
mod tests {
    use nlwire::Msg;
    use nlwire::consts::NLM_F_REQUEST;
    use nlwire_testkit::alloc::{CountingAlloc, allocations_in};

    use super::*;
    use crate::ovs::attrs::{OvsKeyEthernet, OvsKeyIpv4};
    use crate::ovs::odp;

    #[global_allocator]
    static ALLOC: CountingAlloc = CountingAlloc;

    fn puts(n: u32) -> Vec<FlowPut> {
        let mask = odp::parse_key("in_port(1),eth(),eth_type(0x0800),ipv4(src=0.0.0.0,frag=no)")
            .unwrap()
            .mask
            .unwrap();
        (0..n)
            .map(|i| {
                let key = KeyAttrs {
                    in_port: Some(3),
                    ethernet: Some(OvsKeyEthernet::default()),
                    ethertype: Some(0x0800),
                    ipv4: Some(OvsKeyIpv4 {
                        ipv4_src: (0x0a00_0000 | i).into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                };
                let put = FlowPut::new(
                    key,
                    vec![ActionAttrs::Output(3 + i % 3); 1 + i as usize % 2],
                )
                .with_mask(mask.clone());
                // Some with a UFID, some without; every mode.
                let put = if i % 3 == 0 {
                    put
                } else {
                    put.with_ufid(Ufid::from_u128(i.into()))
                };
                put.with_mode(
                    [PutMode::Create, PutMode::CreateOrModify, PutMode::Modify][i as usize % 3],
                )
            })
            .collect()
    }

    /// What a batch round does to its transactions: puts, then deletes by UFID and by key.
    fn round(reqs: &mut FlowRequests, txns: &mut [Transaction], puts: &[FlowPut]) {
        let to = (0x1e, 5);
        for (t, p) in txns.iter_mut().zip(puts) {
            reqs.put(t, to, p, 0).unwrap();
        }
        for (i, (t, p)) in txns.iter_mut().zip(puts).enumerate() {
            let id = match p.ufid {
                Some(u) if i % 2 == 0 => FlowId::Ufid(u),
                _ => FlowId::Key(&p.key),
            };
            reqs.del(t, to, &id).unwrap();
        }
    }

    #[test]
    fn warm_batch_encoding_allocates_nothing() {
        let puts = puts(64);
        let mut txns: Vec<Transaction> = (0..puts.len()).map(|_| Transaction::new()).collect();
        let mut reqs = FlowRequests::default();
        round(&mut reqs, &mut txns, &puts);
        let n = allocations_in(|| round(&mut reqs, &mut txns, &puts));
        assert_eq!(
            n, 0,
            "a warm round of 64 puts and 64 deletes allocated {n} times"
        );
    }

    #[test]
    fn batch_requests_carry_exactly_the_mode_flags() {
        let puts = puts(3);
        let mut reqs = FlowRequests::default();
        let mut t = Transaction::new();
        for p in &puts {
            let c = reqs.put(&mut t, (0x1e, 5), p, 0).unwrap();
            let m = Msg::parse(t.request()).unwrap();
            assert_eq!(
                (m.genl().unwrap().0.cmd, m.flags()),
                (c, NLM_F_REQUEST | p.cmd_flags().1)
            );
            // A reused request holds this put's attributes and no earlier one's.
            let (_, h, attrs) = m.genl_fixed::<nlwire::OvsHeader>("ovs_header").unwrap();
            assert_eq!(h.dp_ifindex.get(), 5);
            let f = FlowAttrs::decode(attrs).unwrap().into_owned();
            assert_eq!(f.ufid.as_deref().and_then(Ufid::from_bytes), p.ufid);
            assert_eq!(
                (f.key.as_ref(), f.mask.as_ref()),
                (Some(&p.key), p.mask.as_ref())
            );
            assert_eq!(f.actions.as_ref(), Some(&p.actions));
        }
        reqs.del(&mut t, (0x1e, 5), &FlowId::Ufid(Ufid::from_u128(9)))
            .unwrap();
        let m = Msg::parse(t.request()).unwrap();
        assert_eq!(
            (m.genl().unwrap().0.cmd, m.flags()),
            (cmd::DEL, NLM_F_REQUEST)
        );
        let (_, _, attrs) = m.genl_fixed::<nlwire::OvsHeader>("ovs_header").unwrap();
        let f = FlowAttrs::decode(attrs).unwrap().into_owned();
        assert_eq!(
            f,
            FlowAttrs {
                ufid: Some(Ufid::from_u128(9).to_bytes()),
                ..Default::default()
            }
        );
    }
}
