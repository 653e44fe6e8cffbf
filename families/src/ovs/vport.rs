//! Vports: add, get, set, delete, dump.

use nlwire::AttrSet;
use nlwire::zerocopy::native_endian::U32;

use super::attrs::{Vport, VportOptions};
use super::dpif::Dpif;
use super::error::{Error, Result};
use super::request::OvsRequest;
use crate::ovs_vport::VportType;
use crate::ovs_vport::msg::{DelRequest, GetRequest, NewRequest, SetRequest};

/// A port to add: its type, name, optional number, tunnel options and upcall port ids.
///
/// ```
/// use nlwire_families::ovs::VportSpec;
/// let p = VportSpec::internal("vp1").with_upcall_pids(&[1234]);
/// assert_eq!(p.upcall_pids, vec![1234]);
/// let v = VportSpec::vxlan("vx0", 4789);
/// assert_eq!(v.options.unwrap().dst_port, Some(4789));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VportSpec {
    /// `OVS_VPORT_TYPE_*`.
    pub vport_type: VportType,
    /// Name (at most 15 characters): the netdev to attach (netdev) or to create.
    pub name: String,
    /// A port number to ask for; `None`: the kernel picks the lowest free one.
    pub port_no: Option<u32>,
    /// Tunnel options (UDP destination port, VXLAN extensions).
    pub options: Option<VportOptions>,
    /// Where misses on this port go (per-vport dispatch); empty sends `[0]`: none.
    pub upcall_pids: Vec<u32>,
}

impl VportSpec {
    /// A port of type `t`.
    ///
    /// ```
    /// use nlwire_families::{ovs::VportSpec, ovs_vport::VportType};
    /// assert_eq!(VportSpec::new(VportType::GRE, "gre0").vport_type, VportType::GRE);
    /// ```
    pub fn new(t: VportType, name: &str) -> VportSpec {
        VportSpec {
            vport_type: t,
            name: name.into(),
            port_no: None,
            options: None,
            upcall_pids: Vec::new(),
        }
    }

    /// An internal port: the kernel creates a netdev of that name.
    ///
    /// ```
    /// assert_eq!(nlwire_families::ovs::VportSpec::internal("p").vport_type.0, 2);
    /// ```
    pub fn internal(name: &str) -> VportSpec {
        Self::new(VportType::INTERNAL, name)
    }

    /// An existing netdev attached to the datapath.
    ///
    /// ```
    /// assert_eq!(nlwire_families::ovs::VportSpec::netdev("eth1").vport_type.0, 1);
    /// ```
    pub fn netdev(name: &str) -> VportSpec {
        Self::new(VportType::NETDEV, name)
    }

    /// A VXLAN tunnel port on UDP port `dst_port` (needs the `vport-vxlan` module).
    ///
    /// ```
    /// assert_eq!(nlwire_families::ovs::VportSpec::vxlan("vx0", 4789).vport_type.0, 4);
    /// ```
    pub fn vxlan(name: &str, dst_port: u16) -> VportSpec {
        VportSpec {
            options: Some(VportOptions {
                dst_port: Some(dst_port),
                extension: None,
            }),
            ..Self::new(VportType::VXLAN, name)
        }
    }

    /// A Geneve tunnel port on UDP port `dst_port` (needs `vport-geneve`).
    ///
    /// ```
    /// assert_eq!(nlwire_families::ovs::VportSpec::geneve("gnv0", 6081).vport_type.0, 5);
    /// ```
    pub fn geneve(name: &str, dst_port: u16) -> VportSpec {
        VportSpec {
            options: Some(VportOptions {
                dst_port: Some(dst_port),
                extension: None,
            }),
            ..Self::new(VportType::GENEVE, name)
        }
    }

    /// Asks for port number `n`.
    ///
    /// ```
    /// assert_eq!(nlwire_families::ovs::VportSpec::internal("p").with_port_no(7).port_no, Some(7));
    /// ```
    pub fn with_port_no(mut self, n: u32) -> Self {
        self.port_no = Some(n);
        self
    }

    /// Sets the upcall port ids.
    ///
    /// ```
    /// let s = nlwire_families::ovs::VportSpec::internal("p").with_upcall_pids(&[1, 2]);
    /// assert_eq!(s.upcall_pids, [1, 2]);
    /// ```
    pub fn with_upcall_pids(mut self, pids: &[u32]) -> Self {
        self.upcall_pids = pids.to_vec();
        self
    }
}

/// Which port: by number or by name.
///
/// ```
/// use nlwire_families::ovs::VportId;
/// assert_eq!(VportId::from(3), VportId::Number(3));
/// assert_eq!(VportId::from("vp1"), VportId::Name("vp1"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VportId<'a> {
    /// Port number in the datapath.
    Number(u32),
    /// Netdev name.
    Name(&'a str),
}

impl From<u32> for VportId<'_> {
    fn from(n: u32) -> Self {
        VportId::Number(n)
    }
}

impl<'a> From<&'a str> for VportId<'a> {
    fn from(n: &'a str) -> Self {
        VportId::Name(n)
    }
}

fn pids(p: &[u32]) -> Vec<U32> {
    if p.is_empty() {
        vec![U32::new(0)]
    } else {
        p.iter().map(|x| U32::new(*x)).collect()
    }
}

fn id_attrs(id: VportId<'_>) -> Vport {
    match id {
        VportId::Number(n) => Vport {
            port_no: Some(n),
            ..Default::default()
        },
        VportId::Name(n) => Vport {
            name: Some(n.into()),
            ..Default::default()
        },
    }
}

impl Dpif {
    /// Sends an `R` for this datapath; the port in the reply.
    fn vport_exchange<R: OvsRequest<Attrs = Vport>>(&mut self, attrs: Vport) -> Result<Vport> {
        self.exchange(&R::request(self.dp_ifindex, attrs))?;
        Ok(Vport::from_view(self.reply::<R>()?.1))
    }

    /// Adds a port; returns its number.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, VportSpec};
    /// let mut dp = Dpif::open("dp0")?;
    /// let n = dp.vport_add(&VportSpec::internal("vp1"))?;
    /// assert_eq!(dp.vport_get("vp1".into())?.port_no, Some(n));
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn vport_add(&mut self, spec: &VportSpec) -> Result<u32> {
        // dpif-netlink order: PORT_NO, TYPE, NAME, OPTIONS, UPCALL_PID.
        let attrs = Vport {
            port_no: spec.port_no,
            type_: Some(spec.vport_type),
            name: Some(spec.name.clone()),
            options: spec.options.clone(),
            upcall_pid: Some(pids(&spec.upcall_pids)),
            ..Default::default()
        };
        self.vport_exchange::<NewRequest>(attrs)?
            .port_no
            .ok_or(Error::BadReply("vport reply without a port number"))
    }

    /// A port's attributes: number, type, name, upcall port ids, statistics, ifindex,
    /// options.
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let v = dp.vport_get("vp1".into())?;
    /// println!("port {:?} tx {:?}", v.port_no, v.stats.map(|s| s.tx_packets.get()));
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn vport_get(&mut self, id: VportId<'_>) -> Result<Vport> {
        self.vport_exchange::<GetRequest>(id_attrs(id))
    }

    /// Sets a port's upcall port ids (per-vport dispatch).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// dp.vport_set_upcall_pids(1.into(), &[4321])?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn vport_set_upcall_pids(&mut self, id: VportId<'_>, upcall_pids: &[u32]) -> Result<()> {
        let mut attrs = id_attrs(id);
        attrs.upcall_pid = Some(pids(upcall_pids));
        self.exchange(&SetRequest::request(self.dp_ifindex, attrs))
    }

    /// Sets arbitrary attributes of a port (`OVS_VPORT_CMD_SET`): `attrs` must name the
    /// port (number or name); the kernel applies `upcall_pid` and `options`.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::attrs::Vport;
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let v = dp.vport_set(&Vport { port_no: Some(1), ..Default::default() })?;
    /// # let _ = v;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn vport_set(&mut self, attrs: &Vport) -> Result<Vport> {
        self.vport_exchange::<SetRequest>(attrs.clone())
    }

    /// Deletes a port (the kernel destroys an internal or tunnel port's netdev).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// dp.vport_del("vp1".into())?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn vport_del(&mut self, id: VportId<'_>) -> Result<()> {
        self.exchange(&DelRequest::request(self.dp_ifindex, id_attrs(id)))
    }

    /// Every port of the datapath, in the kernel's order.
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// for v in dp.vport_dump()? {
    ///     println!("port {:?}: {:?}", v.port_no, v.name);
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn vport_dump(&mut self) -> Result<Vec<Vport>> {
        let mut dump = self.dump::<GetRequest>(self.dp_ifindex, Vport::default())?;
        let mut out = Vec::new();
        while let Some(v) = dump.next() {
            out.push(Vport::from_view(v?.1));
        }
        Ok(out)
    }
}
