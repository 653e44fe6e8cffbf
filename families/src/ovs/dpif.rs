//! [`Dpif`]: one open datapath — the families, the socket, datapath commands and
//! user-features negotiation. Vports, flows, packets, meters and conntrack limits are
//! in their own modules as further `impl Dpif` blocks.

use std::sync::Arc;

use nlwire::consts::{NETLINK_GENERIC, NLM_F_ACK, NLM_F_ECHO, NLM_F_REQUEST};
use nlwire::sock::{self, Kernel, Socket, Transaction};
use nlwire::zerocopy::IntoBytes;
use nlwire::zerocopy::native_endian::U32;
use nlwire::{AttrSet, Encode, Msg, MsgBuf, OvsHeader};

use super::attrs::Datapath;
use super::error::{Error, Result};

/// `OVS_DP_F_*`: the user features a datapath is told about (the same bits as the
/// generated `ovs_datapath::UserFeatures`, which `tests/consts_agree.rs` checks).
pub mod features {
    /// The last attribute of an upcall may be unaligned (`OVS_DP_F_UNALIGNED`).
    pub const UNALIGNED: u32 = 1 << 0;
    /// Vports carry an array of upcall port ids (`OVS_DP_F_VPORT_PIDS`).
    pub const VPORT_PIDS: u32 = 1 << 1;
    /// Share recirculation ids with tc (`OVS_DP_F_TC_RECIRC_SHARING`).
    pub const TC_RECIRC_SHARING: u32 = 1 << 2;
    /// Upcalls go to one port id per CPU (`OVS_DP_F_DISPATCH_UPCALL_PER_CPU`).
    pub const DISPATCH_UPCALL_PER_CPU: u32 = 1 << 3;
    /// A bit no kernel knows: dpif-netlink's probe for kernels that accept anything.
    pub const PROBE_UNSUPPORTED: u32 = 1 << 31;
}

/// The generic netlink ids of the OVS families, resolved once per process through
/// `nlctrl` (and cached by [`nlwire::sock::genl`]).
///
/// ```no_run
/// let f = nlwire_families::ovs::Families::resolve()?;
/// println!("ovs_flow is {}", f.flow);
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Families {
    /// `ovs_datapath`.
    pub datapath: u16,
    /// `ovs_vport`.
    pub vport: u16,
    /// `ovs_flow`.
    pub flow: u16,
    /// `ovs_packet`.
    pub packet: u16,
    /// `ovs_meter` (absent on old kernels).
    pub meter: Option<u16>,
    /// `ovs_ct_limit` (absent on old kernels).
    pub ct_limit: Option<u16>,
    /// The `ovs_vport` multicast group (port notifications).
    pub vport_mcgroup: Option<u32>,
}

impl Families {
    /// Looks the families up (once per process; later calls hit the cache).
    ///
    /// ```no_run
    /// let f = nlwire_families::ovs::Families::resolve()?;
    /// assert_ne!(f.flow, f.packet);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn resolve() -> Result<Families> {
        let req = |name: &str| -> Result<Arc<sock::genl::Family>> {
            sock::genl::family(name).map_err(Error::from)
        };
        let opt = |name: &str| sock::genl::family(name).ok().map(|f| f.id);
        let vport = req(crate::ovs_vport::FAMILY_NAME)?;
        Ok(Families {
            datapath: req(crate::ovs_datapath::FAMILY_NAME)?.id,
            vport: vport.id,
            flow: req(crate::ovs_flow::FAMILY_NAME)?.id,
            packet: req(crate::ovs_packet::FAMILY_NAME)?.id,
            meter: opt(crate::ovs_meter::FAMILY_NAME),
            ct_limit: opt(crate::ovs_ct_limit::FAMILY_NAME),
            vport_mcgroup: vport.mcast_group("ovs_vport"),
        })
    }
}

/// Which way the kernel sends a flow miss to userspace.
///
/// ```
/// use nlwire_families::ovs::Dispatch;
/// let per_cpu = Dispatch::PerCpu(vec![4321; 2]); // CPU 0 and 1 to port id 4321
/// assert_ne!(per_cpu, Dispatch::PerVport);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dispatch {
    /// To the port ids of the vport the packet came in on (`OVS_DP_F_VPORT_PIDS`).
    PerVport,
    /// To one port id per CPU, the CPU that handled the packet
    /// (`OVS_DP_F_DISPATCH_UPCALL_PER_CPU`); the list is indexed by CPU number.
    PerCpu(Vec<u32>),
}

/// How a datapath is opened: the dispatch mode to ask for, and whether to probe the
/// kernel's honesty about features first (as dpif-netlink does).
///
/// ```
/// use nlwire_families::ovs::{Dispatch, OpenOptions};
/// let o = OpenOptions::default();
/// assert_eq!(o.dispatch, None); // per-CPU if the kernel has it, else per-vport (OVS's choice)
/// let o = OpenOptions { dispatch: Some(Dispatch::PerVport), ..OpenOptions::default() };
/// # let _ = o;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// `None`: per-CPU when the kernel supports it (with no port ids yet), else
    /// per-vport — dpif-netlink's order. `Some`: that mode (per-CPU falls back to
    /// per-vport on `EOPNOTSUPP`).
    pub dispatch: Option<Dispatch>,
    /// Extra feature bits to ask for (e.g. [`features::TC_RECIRC_SHARING`]).
    pub extra_features: u32,
    /// Skip the probe with an unknown feature bit.
    pub no_probe: bool,
}

/// What happened during feature negotiation.
///
/// ```no_run
/// let dp = nlwire_families::ovs::Dpif::create("dp0")?;
/// let n = dp.negotiation();
/// println!("old kernel: {}, features {:#x}, tried {:?}", n.old_kernel, n.features, n.attempts);
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Negotiation {
    /// The kernel accepted the unknown probe bit: it does not check features (old
    /// kernel), so features were set without trusting it.
    pub old_kernel: bool,
    /// The features the datapath has now.
    pub features: u32,
    /// Every feature set tried, in order, with its errno (0 = accepted).
    pub attempts: Vec<(u32, i32)>,
}

/// Which way a traced message went.
///
/// ```
/// use nlwire_families::ovs::Direction;
/// assert_ne!(Direction::Request, Direction::Reply);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// A request to the kernel.
    Request,
    /// A reply (or dump message, or upcall) from the kernel.
    Reply,
}

/// A callback seeing every message a [`Dpif`] sends and receives (family name, command,
/// direction, bytes): for debugging and for recording fuzz seeds.
///
/// ```
/// use nlwire_families::ovs::{Direction, Trace};
/// let t: Trace = Box::new(|family, cmd, dir, bytes| {
///     if dir == Direction::Request {
///         eprintln!("{family} cmd {cmd}: {} bytes", bytes.len());
///     }
/// });
/// # drop(t);
/// ```
pub type Trace = Box<dyn FnMut(&str, u8, Direction, &[u8]) + Send>;

/// An open OVS datapath, with one netlink socket for requests and dumps.
///
/// ```no_run
/// use nlwire_families::ovs::{Dpif, VportSpec};
///
/// let mut dp = Dpif::create("dp0")?;
/// let p1 = dp.vport_add(&VportSpec::internal("vp1"))?;
/// println!("vp1 is port {p1}, datapath ifindex {}", dp.dp_ifindex());
/// dp.destroy()?;
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
pub struct Dpif {
    pub(crate) sock: Socket<Kernel>,
    pub(crate) fam: Families,
    pub(crate) dp_ifindex: i32,
    pub(crate) name: String,
    pub(crate) features: u32,
    pub(crate) negotiation: Negotiation,
    /// Scratch transaction for single requests (its reply is what views borrow).
    pub(crate) txn: Transaction,
    /// Transactions reused by batches.
    pub(crate) batch: Vec<Transaction>,
    /// Scratch request buffer for dumps.
    pub(crate) scratch: MsgBuf<'static>,
    pub(crate) trace: Option<Trace>,
}

impl core::fmt::Debug for Dpif {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dpif")
            .field("name", &self.name)
            .field("dp_ifindex", &self.dp_ifindex)
            .field("features", &format_args!("{:#x}", self.features))
            .field("families", &self.fam)
            .finish()
    }
}

/// Builds one OVS request: `nlmsghdr`, `genlmsghdr`, `ovs_header`, then `attrs`.
pub(crate) fn build(
    buf: &mut MsgBuf<'_>,
    family: u16,
    flags: u16,
    cmd: u8,
    version: u8,
    dp_ifindex: i32,
    attrs: impl FnOnce(&mut MsgBuf<'_>) -> nlwire::Result<()>,
) -> Result<()> {
    buf.clear();
    let m = buf.start_genl_msg(family, NLM_F_REQUEST | flags, cmd, version);
    buf.put(OvsHeader::new(dp_ifindex).as_bytes());
    attrs(buf).map_err(build_err)?;
    buf.end_msg(m).map_err(build_err)?;
    Ok(())
}

/// A codec error while building a request.
pub(crate) fn build_err(_e: nlwire::Error) -> Error {
    Error::BadRequest("an attribute does not fit a netlink message (64 KiB)")
}

/// Offset of the attributes in an OVS message.
pub(crate) const ATTRS_AT: usize = 16 + 4 + 4;

/// Splits an OVS message into its command, `dp_ifindex` and attribute bytes.
pub(crate) fn ovs_parts<'a>(msg: &Msg<'a>) -> Result<(u8, i32, &'a [u8])> {
    let (g, h, attrs) = msg.genl_fixed::<OvsHeader>("ovs_header")?;
    Ok((g.cmd, h.dp_ifindex.get(), attrs))
}

/// The family name of an id, for traces.
pub(crate) fn family_name(f: &Families, id: u16) -> &'static str {
    match id {
        x if x == f.datapath => "ovs_datapath",
        x if x == f.vport => "ovs_vport",
        x if x == f.flow => "ovs_flow",
        x if x == f.packet => "ovs_packet",
        x if Some(x) == f.meter => "ovs_meter",
        x if Some(x) == f.ct_limit => "ovs_ct_limit",
        _ => "genl",
    }
}

impl Dpif {
    fn blank(name: &str) -> Result<Dpif> {
        let fam = Families::resolve()?;
        let sock = Socket::open(NETLINK_GENERIC)?;
        let mut txn = Transaction::new();
        txn.set_attrs_at(ATTRS_AT);
        Ok(Dpif {
            sock,
            fam,
            dp_ifindex: 0,
            name: name.into(),
            features: 0,
            negotiation: Negotiation::default(),
            txn,
            batch: Vec::new(),
            scratch: MsgBuf::new(),
            trace: None,
        })
    }

    /// Creates datapath `name` (at most 15 characters), negotiating user features as
    /// dpif-netlink does: probe with an unknown bit, then per-CPU dispatch, falling back
    /// to per-vport.
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::create("dp0")?;
    /// assert!(dp.dp_ifindex() > 0);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn create(name: &str) -> Result<Dpif> {
        Self::create_with(name, &OpenOptions::default())
    }

    /// [`create`](Self::create) with options.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dispatch, Dpif, OpenOptions};
    /// let opts = OpenOptions { dispatch: Some(Dispatch::PerVport), ..OpenOptions::default() };
    /// let dp = Dpif::create_with("dp0", &opts)?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn create_with(name: &str, opts: &OpenOptions) -> Result<Dpif> {
        let mut d = Self::blank(name)?;
        d.negotiate(true, opts)?;
        Ok(d)
    }

    /// Opens the existing datapath `name` and negotiates features on it (as
    /// `ovs-dpctl` does when it opens one: `GET`, then `SET`).
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// println!("{dp:?}");
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn open(name: &str) -> Result<Dpif> {
        Self::open_with(name, &OpenOptions::default())
    }

    /// [`open`](Self::open) with options.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dispatch, Dpif, OpenOptions};
    /// let opts = OpenOptions { dispatch: Some(Dispatch::PerVport), no_probe: true, ..Default::default() };
    /// let dp = Dpif::open_with("dp0", &opts)?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn open_with(name: &str, opts: &OpenOptions) -> Result<Dpif> {
        let mut d = Self::blank(name)?;
        let info = d.get()?;
        d.dp_ifindex = info.dp_ifindex;
        d.features = info.attrs.user_features.unwrap_or(0);
        d.negotiate(false, opts)?;
        Ok(d)
    }

    /// Opens datapath `name` without touching its features (a `GET` only).
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::open_existing("dp0")?; // features untouched
    /// println!("features {:#x}", dp.features());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn open_existing(name: &str) -> Result<Dpif> {
        let mut d = Self::blank(name)?;
        let info = d.get()?;
        d.dp_ifindex = info.dp_ifindex;
        d.features = info.attrs.user_features.unwrap_or(0);
        Ok(d)
    }

    /// The datapath's name.
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// assert_eq!(dp.name(), "dp0");
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The datapath's interface index (its local port's netdev), which every request
    /// carries in `ovs_header`.
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// assert!(std::path::Path::new(&format!("/sys/class/net/{}", dp.name())).exists());
    /// println!("ifindex {}", dp.dp_ifindex());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn dp_ifindex(&self) -> i32 {
        self.dp_ifindex
    }

    /// The user features in force (`features::*` bits).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, features};
    /// let dp = Dpif::open("dp0")?;
    /// let per_cpu = dp.features() & features::DISPATCH_UPCALL_PER_CPU != 0;
    /// # let _ = per_cpu;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn features(&self) -> u32 {
        self.features
    }

    /// How the last negotiation went.
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// assert!(!dp.negotiation().attempts.is_empty());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn negotiation(&self) -> &Negotiation {
        &self.negotiation
    }

    /// The family ids in use.
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// println!("ovs_flow is family {}", dp.families().flow);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn families(&self) -> &Families {
        &self.fam
    }

    /// The port id of the request socket.
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// assert_ne!(dp.port_id(), 0);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn port_id(&self) -> u32 {
        self.sock.port_id()
    }

    /// Installs a callback that sees every request and reply (see [`Trace`]).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// dp.set_trace(Some(Box::new(|fam, cmd, dir, b| eprintln!("{fam} {cmd} {dir:?} {}", b.len()))));
    /// dp.get()?; // traced
    /// dp.set_trace(None);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn set_trace(&mut self, trace: Option<Trace>) {
        self.trace = trace;
    }

    pub(crate) fn trace(&mut self, family: u16, cmd: u8, dir: Direction, bytes: &[u8]) {
        if let Some(t) = &mut self.trace {
            t(family_name(&self.fam, family), cmd, dir, bytes);
        }
    }

    /// Runs the request built in `self.txn` (its reply stays there, for views).
    pub(crate) fn run(&mut self, family: u16) -> Result<()> {
        let cmd = self.txn.request().get(16).copied().unwrap_or(0);
        let name = family_name(&self.fam, family);
        if let Some(t) = &mut self.trace {
            t(name, cmd, Direction::Request, self.txn.request());
        }
        self.sock.transact(&mut self.txn)?;
        if let (Some(t), Ok(r)) = (&mut self.trace, self.txn.result())
            && !r.bytes().is_empty()
        {
            t(name, cmd, Direction::Reply, r.bytes());
        }
        Ok(())
    }

    /// The first data message of the last reply.
    pub(crate) fn reply_msg(&self) -> Result<Msg<'_>> {
        self.txn
            .result()?
            .first()
            .ok_or(Error::BadReply("no data message in the reply"))
    }

    /// A datapath request in `self.txn`.
    fn dp_request(&mut self, cmd: u8, flags: u16, dp_ifindex: i32, attrs: &Datapath) -> Result<()> {
        self.txn.clear();
        build(
            self.txn.request_mut(),
            self.fam.datapath,
            flags,
            cmd,
            crate::ovs_datapath::VERSION,
            dp_ifindex,
            |b| attrs.encode(b),
        )?;
        self.txn.set_policy(<Datapath as AttrSet>::POLICY, ATTRS_AT);
        let fam = self.fam.datapath;
        self.run(fam)
    }

    /// Sends NEW (creating) or SET with `features`; on success records the datapath.
    fn dp_with_features(&mut self, create: bool, features: u32, opts: &OpenOptions) -> Result<()> {
        let per_cpu = match &opts.dispatch {
            Some(Dispatch::PerCpu(pids)) if features & features::DISPATCH_UPCALL_PER_CPU != 0 => {
                Some(pids.iter().map(|p| U32::new(*p)).collect())
            }
            _ => None,
        };
        let attrs = Datapath {
            name: Some(self.name.clone()),
            // NEW: the local port's upcall port id (0: no upcalls), as OVS sends.
            upcall_pid: create.then_some(0),
            user_features: Some(features),
            per_cpu_pids: per_cpu,
            ..Default::default()
        };
        let cmd = if create {
            crate::ovs_datapath::cmd::NEW
        } else {
            crate::ovs_datapath::cmd::SET
        };
        let dpi = if create { 0 } else { self.dp_ifindex };
        let r = self.dp_request(cmd, NLM_F_ECHO, dpi, &attrs);
        self.negotiation.attempts.push((
            features,
            r.as_ref().err().and_then(Error::errno).unwrap_or(0),
        ));
        r?;
        let (_, dpi, a) = ovs_parts(&self.reply_msg()?)?;
        let got = Datapath::decode(a)?.user_features.unwrap_or(features);
        self.dp_ifindex = dpi;
        self.features = got;
        Ok(())
    }

    /// dpif-netlink's negotiation ("Datapath open").
    fn negotiate(&mut self, create: bool, opts: &OpenOptions) -> Result<()> {
        use features::*;
        let base = (if create { 0 } else { self.features }) | UNALIGNED | opts.extra_features;
        self.negotiation = Negotiation::default();
        if !opts.no_probe {
            let probe = (base | VPORT_PIDS | PROBE_UNSUPPORTED) & !DISPATCH_UPCALL_PER_CPU;
            match self.dp_with_features(create, probe, opts) {
                Ok(()) => {
                    // The kernel took a bit it cannot know: it checks nothing. Set
                    // what OVS sets on such kernels.
                    self.negotiation.old_kernel = true;
                    self.dp_with_features(
                        false,
                        (base | VPORT_PIDS) & !DISPATCH_UPCALL_PER_CPU,
                        opts,
                    )?;
                    self.negotiation.features = self.features;
                    return Ok(());
                }
                Err(e) if e.is_not_supported() || e.errno() == Some(22) => {}
                Err(e) => return Err(e),
            }
        }
        let want_per_cpu = !matches!(opts.dispatch, Some(Dispatch::PerVport));
        if want_per_cpu {
            let f = (base | DISPATCH_UPCALL_PER_CPU) & !VPORT_PIDS;
            match self.dp_with_features(create, f, opts) {
                Ok(()) => {
                    self.negotiation.features = self.features;
                    return Ok(());
                }
                Err(e) if e.is_not_supported() => {}
                Err(e) => return Err(e),
            }
        }
        let f = (base | VPORT_PIDS) & !DISPATCH_UPCALL_PER_CPU;
        self.dp_with_features(create, f, opts)?;
        self.negotiation.features = self.features;
        Ok(())
    }

    /// Switches the upcall dispatch mode (a `SET` of the user features, and of the
    /// per-CPU port ids).
    ///
    /// ```no_run
    /// # let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// use nlwire_families::ovs::Dispatch;
    /// let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    /// dp.set_dispatch(&Dispatch::PerCpu(vec![1234; n]))?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn set_dispatch(&mut self, d: &Dispatch) -> Result<()> {
        use features::*;
        let keep = self.features & !(VPORT_PIDS | DISPATCH_UPCALL_PER_CPU);
        let f = match d {
            Dispatch::PerVport => keep | VPORT_PIDS,
            Dispatch::PerCpu(_) => keep | DISPATCH_UPCALL_PER_CPU,
        };
        let opts = OpenOptions {
            dispatch: Some(d.clone()),
            ..OpenOptions::default()
        };
        self.dp_with_features(false, f, &opts)
    }

    /// Sets the user features to exactly `features` (a `SET`).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, features::*};
    /// let mut dp = Dpif::open("dp0")?;
    /// dp.set_features(UNALIGNED | VPORT_PIDS)?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn set_features(&mut self, features: u32) -> Result<()> {
        self.dp_with_features(false, features, &OpenOptions::default())
    }

    /// The datapath's attributes now (name, statistics, features, masks cache size).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let info = dp.get()?;
    /// if let Some(s) = info.attrs.stats {
    ///     println!("hit {} missed {} flows {}", s.n_hit.get(), s.n_missed.get(), s.n_flows.get());
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn get(&mut self) -> Result<DatapathInfo> {
        let attrs = Datapath {
            name: (self.dp_ifindex == 0).then(|| self.name.clone()),
            ..Default::default()
        };
        let dpi = self.dp_ifindex;
        self.dp_request(crate::ovs_datapath::cmd::GET, 0, dpi, &attrs)?;
        let (_, dp_ifindex, a) = ovs_parts(&self.reply_msg()?)?;
        Ok(DatapathInfo {
            dp_ifindex,
            attrs: Datapath::decode_owned(a)?,
        })
    }

    /// Sets the masks cache size (`OVS_DP_ATTR_MASKS_CACHE_SIZE`).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// dp.set_masks_cache_size(512)?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn set_masks_cache_size(&mut self, size: u32) -> Result<()> {
        let attrs = Datapath {
            name: Some(self.name.clone()),
            user_features: Some(self.features),
            masks_cache_size: Some(size),
            ..Default::default()
        };
        let dpi = self.dp_ifindex;
        self.dp_request(crate::ovs_datapath::cmd::SET, NLM_F_ACK, dpi, &attrs)
    }

    /// Deletes the datapath (and its ports and flows).
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::create("dp9")?;
    /// dp.destroy()?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn destroy(mut self) -> Result<()> {
        let dpi = self.dp_ifindex;
        self.dp_request(
            crate::ovs_datapath::cmd::DEL,
            NLM_F_ACK,
            dpi,
            &Datapath::default(),
        )
    }

    /// Deletes datapath `name` if it exists; `Ok(false)` when there was none.
    ///
    /// ```no_run
    /// let existed = nlwire_families::ovs::Dpif::delete_by_name("dp9")?;
    /// # let _ = existed;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn delete_by_name(name: &str) -> Result<bool> {
        let mut d = Self::blank(name)?;
        let attrs = Datapath {
            name: Some(name.into()),
            ..Default::default()
        };
        match d.dp_request(crate::ovs_datapath::cmd::DEL, NLM_F_ACK, 0, &attrs) {
            Ok(()) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Every datapath of the kernel (a dump).
    ///
    /// ```no_run
    /// for d in nlwire_families::ovs::Dpif::list()? {
    ///     println!("{:?} ifindex {}", d.attrs.name, d.dp_ifindex);
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn list() -> Result<Vec<DatapathInfo>> {
        let mut d = Self::blank("")?;
        let fam = d.fam.datapath;
        build(
            &mut d.scratch,
            fam,
            0,
            crate::ovs_datapath::cmd::GET,
            crate::ovs_datapath::VERSION,
            0,
            |_| Ok(()),
        )?;
        let mut out = Vec::new();
        let Dpif { sock, scratch, .. } = &mut d;
        let mut dump = sock.dump(scratch.as_slice())?;
        while let Some(m) = dump.next_msg() {
            let (_, dp_ifindex, a) = ovs_parts(&m?)?;
            out.push(DatapathInfo {
                dp_ifindex,
                attrs: Datapath::decode_owned(a)?,
            });
        }
        Ok(out)
    }
}

/// A datapath as the kernel describes it.
///
/// ```no_run
/// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
/// let info: nlwire_families::ovs::DatapathInfo = dp.get()?;
/// assert_eq!(info.attrs.name.as_deref(), Some("dp0"));
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatapathInfo {
    /// Its interface index.
    pub dp_ifindex: i32,
    /// Name, statistics (`stats`, `megaflow_stats`), `user_features`,
    /// `masks_cache_size`.
    pub attrs: Datapath,
}
