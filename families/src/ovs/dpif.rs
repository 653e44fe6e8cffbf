//! [`Dpif`]: one open datapath — the families, the socket, datapath commands and
//! user-features negotiation. Vports, flows, packets, meters and conntrack limits are
//! in their own modules as further `impl Dpif` blocks.

use std::sync::Arc;

use nlwire::consts::NETLINK_GENERIC;
use nlwire::sock::{self, Kernel, Socket, Transaction};
use nlwire::zerocopy::native_endian::U32;
use nlwire::{AttrSet, MsgBuf};

use super::attrs::{Datapath, DatapathView};
use super::error::{Error, Result};
use super::flow::FlowRequests;
use super::request::OvsRequest;
use crate::ovs_datapath::UserFeatures;
use crate::ovs_datapath::msg as dp;

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

    /// The id of family `name` (one of the six).
    pub(crate) fn id(&self, name: &str) -> Result<u16> {
        match name {
            crate::ovs_datapath::FAMILY_NAME => Ok(self.datapath),
            crate::ovs_vport::FAMILY_NAME => Ok(self.vport),
            crate::ovs_flow::FAMILY_NAME => Ok(self.flow),
            crate::ovs_packet::FAMILY_NAME => Ok(self.packet),
            crate::ovs_meter::FAMILY_NAME => self
                .meter
                .ok_or(Error::BadRequest("the kernel has no ovs_meter family")),
            crate::ovs_ct_limit::FAMILY_NAME => self
                .ct_limit
                .ok_or(Error::BadRequest("the kernel has no ovs_ct_limit family")),
            _ => Err(Error::BadRequest("not an OVS family")),
        }
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

/// A callback seeing the messages a [`Dpif`] exchanges (family name, command, direction,
/// bytes): for debugging and for recording fuzz seeds. It sees every request, the
/// answer to each single request and every message of a dump; the answers to a
/// [`flow_operate`](Dpif::flow_operate) batch (errors only) are not shown.
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
    /// Family and command of the request in `txn`.
    pub(crate) last_request: (&'static str, u8),
    /// Transactions reused by batches.
    pub(crate) batch: Vec<Transaction>,
    /// Owned flow requests reused by puts and batches.
    pub(crate) flow_reqs: FlowRequests,
    /// Scratch buffer: dump requests encoded for the trace.
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

impl Dpif {
    fn blank(name: &str) -> Result<Dpif> {
        let fam = Families::resolve()?;
        let sock = Socket::open(NETLINK_GENERIC)?;
        Ok(Dpif {
            sock,
            fam,
            dp_ifindex: 0,
            name: name.into(),
            features: 0,
            negotiation: Negotiation::default(),
            txn: Transaction::new(),
            last_request: ("", 0),
            batch: Vec::new(),
            flow_reqs: FlowRequests::default(),
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
        d.features = info.attrs.user_features.map_or(0, u32::from);
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
        d.features = info.attrs.user_features.map_or(0, u32::from);
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

    /// Installs a callback that sees the requests and replies (see [`Trace`]).
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
            user_features: Some(UserFeatures(features)),
            per_cpu_pids: per_cpu,
            ..Default::default()
        };
        let r = if create {
            self.dp_set::<dp::NewRequest>(0, attrs)
        } else {
            self.dp_set::<dp::SetRequest>(self.dp_ifindex, attrs)
        };
        self.negotiation.attempts.push((
            features,
            r.as_ref().err().and_then(Error::errno).unwrap_or(0),
        ));
        let (dp_ifindex, got) = r?;
        self.dp_ifindex = dp_ifindex;
        self.features = got.unwrap_or(features);
        Ok(())
    }

    /// Sends a NEW or SET; the datapath's ifindex and user features from the reply.
    fn dp_set<R: OvsRequest<Attrs = Datapath>>(
        &mut self,
        dp_ifindex: i32,
        attrs: Datapath,
    ) -> Result<(i32, Option<u32>)> {
        self.exchange(&R::request(dp_ifindex, attrs))?;
        let (dp_ifindex, attrs) = self.reply::<R>()?;
        Ok((dp_ifindex, attrs.user_features.map(u32::from)))
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
        self.exchange(&dp::GetRequest::request(self.dp_ifindex, attrs))?;
        let (dp_ifindex, attrs) = self.reply::<dp::GetRequest>()?;
        Ok(DatapathInfo::from_view(dp_ifindex, attrs))
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
            user_features: Some(UserFeatures(self.features)),
            masks_cache_size: Some(size),
            ..Default::default()
        };
        self.exchange(&dp::SetRequest::request(self.dp_ifindex, attrs))
    }

    /// Deletes the datapath (and its ports and flows).
    ///
    /// ```no_run
    /// let dp = nlwire_families::ovs::Dpif::create("dp9")?;
    /// dp.destroy()?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn destroy(mut self) -> Result<()> {
        let req = dp::DelRequest::request(self.dp_ifindex, Datapath::default());
        self.exchange(&req)
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
        match d.exchange(&dp::DelRequest::request(0, attrs)) {
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
        let mut dump = d.dump::<dp::GetRequest>(0, Datapath::default())?;
        let mut out = Vec::new();
        while let Some(v) = dump.next() {
            let (dp_ifindex, attrs) = v?;
            out.push(DatapathInfo::from_view(dp_ifindex, attrs));
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

impl DatapathInfo {
    fn from_view(dp_ifindex: i32, attrs: DatapathView<'_>) -> DatapathInfo {
        DatapathInfo {
            dp_ifindex,
            attrs: Datapath::from_view(attrs),
        }
    }
}
