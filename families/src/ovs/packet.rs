//! Packets: execute (userspace to kernel) and upcalls (kernel to userspace, `MISS` and
//! `ACTION`), received on a socket of their own with the frame handed out in place.

use std::time::Duration;

use nlwire::consts::NETLINK_GENERIC;
use nlwire::sock::{self, Kernel, RecvBuf, Socket};
use nlwire::{AttrSet, Limits, Message, Msg};

use super::attrs::{ActionAttrs, KeyAttrs, OvsKeyEthernet, Packet, PacketView};
use super::dpif::Dpif;
use super::error::{Error, Result};
use crate::ovs_packet::msg::{Action, ExecuteRequest, Miss};
use crate::ovs_packet::{OvsHeader, cmd};

/// A packet to run through actions in the kernel (`OVS_PACKET_CMD_EXECUTE`).
///
/// ```
/// use nlwire_families::ovs::{Execute, attrs::ActionAttrs};
/// let frame = [0u8; 60];
/// let e = Execute::ethernet(&frame, vec![ActionAttrs::Output(1)]).in_port(2);
/// assert_eq!(e.key.in_port, Some(2));
/// assert!(e.key.ethernet.is_some()); // marks the frame as Ethernet
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Execute<'p> {
    /// The frame (copied into the request).
    pub packet: &'p [u8],
    /// Metadata: `in_port`, `priority`, `skb_mark`, `recirc_id`, tunnel; an
    /// `ethernet` attribute (any value) says the frame starts with an Ethernet header.
    pub key: KeyAttrs,
    /// The actions.
    pub actions: Vec<ActionAttrs>,
    /// Maximum received fragment size (for refragmentation).
    pub mru: Option<u16>,
    /// The skb hash to use.
    pub hash: Option<u64>,
    /// Do not log errors.
    pub probe: bool,
}

impl<'p> Execute<'p> {
    /// An Ethernet frame and its actions.
    ///
    /// ```
    /// use nlwire_families::ovs::{Execute, attrs::ActionAttrs};
    /// let e = Execute::ethernet(&[0u8; 60], vec![ActionAttrs::Output(1)]);
    /// assert_eq!(e.packet.len(), 60);
    /// ```
    pub fn ethernet(packet: &'p [u8], actions: Vec<ActionAttrs>) -> Execute<'p> {
        Execute {
            packet,
            key: KeyAttrs {
                ethernet: Some(OvsKeyEthernet::default()),
                ..Default::default()
            },
            actions,
            mru: None,
            hash: None,
            probe: false,
        }
    }

    /// Sets the input port.
    ///
    /// ```
    /// use nlwire_families::ovs::Execute;
    /// assert_eq!(Execute::ethernet(&[0u8; 60], vec![]).in_port(3).key.in_port, Some(3));
    /// ```
    pub fn in_port(mut self, port: u32) -> Self {
        self.key.in_port = Some(port);
        self
    }

    /// The request for datapath `dp_ifindex` (the frame copied into it).
    fn request(&self, dp_ifindex: i32) -> ExecuteRequest {
        let attrs = Packet {
            packet: Some(self.packet.to_vec()),
            key: Some(self.key.clone()),
            actions: Some(self.actions.clone()),
            probe: self.probe,
            mru: self.mru,
            hash: self.hash,
            ..Default::default()
        };
        let header = OvsHeader {
            dp_ifindex: dp_ifindex.into(),
        };
        ExecuteRequest { header, attrs }
    }
}

impl Dpif {
    /// Runs a packet through actions (waits for the kernel's acknowledgement).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, Execute, attrs::ActionAttrs};
    /// let mut dp = Dpif::open("dp0")?;
    /// let frame = [0xffu8; 64];
    /// dp.execute(&Execute::ethernet(&frame, vec![ActionAttrs::Output(1)]))?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn execute(&mut self, e: &Execute<'_>) -> Result<()> {
        self.exchange(&e.request(self.dp_ifindex))
    }
}

/// Why an upcall came.
///
/// ```
/// use nlwire_families::ovs::UpcallKind;
/// assert_ne!(UpcallKind::Miss, UpcallKind::Action);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpcallKind {
    /// No flow matched (`OVS_PACKET_CMD_MISS`).
    Miss,
    /// A `userspace` action sent it (`OVS_PACKET_CMD_ACTION`).
    Action,
}

/// An upcall, viewed in the upcall socket's receive buffer: the frame is not copied.
///
/// ```no_run
/// let mut up = nlwire_families::ovs::UpcallSocket::open()?;
/// if let Some(u) = up.try_recv()? {
///     let frame: &[u8] = u.packet(); // in the socket's buffer, not copied
///     println!("{:?} {} bytes", u.kind, frame.len());
/// }
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Upcall<'a> {
    /// Miss or action.
    pub kind: UpcallKind,
    /// The datapath it came from.
    pub dp_ifindex: i32,
    /// Its attributes: `packet` (the frame, in place), `key` (the flow key the kernel
    /// extracted), `userdata`, `actions`, `egress_tun_key`, `mru`, `len`, `hash`.
    pub attrs: PacketView<'a>,
    /// The whole message, as received.
    pub bytes: &'a [u8],
}

impl<'a> Upcall<'a> {
    /// The frame (empty if the kernel sent none).
    ///
    /// ```no_run
    /// let mut up = nlwire_families::ovs::UpcallSocket::open()?;
    /// if let Some(u) = up.try_recv()? {
    ///     assert!(u.packet().len() >= 14);
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn packet(&self) -> &'a [u8] {
        self.attrs.packet.unwrap_or(&[])
    }

    /// The key, owned.
    ///
    /// ```no_run
    /// let mut up = nlwire_families::ovs::UpcallSocket::open()?;
    /// if let Some(u) = up.try_recv()? {
    ///     println!("in_port {:?}", u.key().in_port);
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn key(&self) -> KeyAttrs {
        self.attrs.key.map(KeyAttrs::from_view).unwrap_or_default()
    }

    /// Decodes an upcall message.
    ///
    /// ```
    /// use nlwire::{Message, MsgBuf};
    /// use nlwire_families::ovs::{Upcall, UpcallKind, attrs::Packet};
    /// use nlwire_families::ovs_packet::{OvsHeader, msg::Miss};
    /// let miss = Miss {
    ///     header: OvsHeader { dp_ifindex: 5.into() },
    ///     attrs: Packet { packet: Some(vec![0; 14]), ..Default::default() },
    /// };
    /// let mut b = MsgBuf::new();
    /// miss.encode(&mut b, 0x20, 0)?;
    /// let u = Upcall::decode(&nlwire::Msg::parse(b.as_slice())?)?;
    /// assert_eq!((u.kind, u.dp_ifindex, u.packet().len()), (UpcallKind::Miss, 5, 14));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decode(m: &Msg<'a>) -> Result<Upcall<'a>> {
        let limits = &Limits::DEFAULT;
        let (kind, header, attrs) = match m.genl()?.0.cmd {
            cmd::MISS => {
                let v = Miss::decode_msg(*m, limits)?;
                (UpcallKind::Miss, v.header, v.attrs)
            }
            cmd::ACTION => {
                let v = Action::decode_msg(*m, limits)?;
                (UpcallKind::Action, v.header, v.attrs)
            }
            _ => return Err(Error::BadReply("not an upcall (MISS or ACTION)")),
        };
        Ok(Upcall {
            kind,
            dp_ifindex: header.dp_ifindex.get(),
            attrs,
            bytes: m.bytes(),
        })
    }
}

/// A socket the kernel sends upcalls to: give its [`port_id`](Self::port_id) to a
/// vport ([`Dpif::vport_set_upcall_pids`]), to per-CPU dispatch
/// ([`Dispatch::PerCpu`](super::Dispatch::PerCpu)) or to a `userspace` action.
///
/// ```no_run
/// use nlwire_families::ovs::{Dpif, UpcallSocket};
/// let mut dp = Dpif::open("dp0")?;
/// let mut up = UpcallSocket::open()?;
/// dp.vport_set_upcall_pids(1.into(), &[up.port_id()])?;
/// if let Some(u) = up.recv_timeout(std::time::Duration::from_secs(2))? {
///     println!("{:?}: {} bytes from port {:?}", u.kind, u.packet().len(), u.key().in_port);
/// }
/// # Ok::<(), nlwire_families::ovs::Error>(())
/// ```
pub struct UpcallSocket {
    sock: Socket<Kernel>,
    buf: RecvBuf,
    packet_family: u16,
    /// Times the kernel reported upcalls lost to a full receive buffer (`ENOBUFS`).
    pub lost: u64,
}

impl core::fmt::Debug for UpcallSocket {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UpcallSocket")
            .field("port_id", &self.port_id())
            .field("lost", &self.lost)
            .finish()
    }
}

impl UpcallSocket {
    /// Opens a generic netlink socket for upcalls.
    ///
    /// ```no_run
    /// let up = nlwire_families::ovs::UpcallSocket::open()?;
    /// println!("send upcalls to port id {}", up.port_id());
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn open() -> Result<UpcallSocket> {
        let packet_family = sock::genl::family_id(crate::ovs_packet::FAMILY_NAME)?;
        Ok(UpcallSocket {
            sock: Socket::open(NETLINK_GENERIC)?,
            buf: RecvBuf::with_capacity(64 << 10),
            packet_family,
            lost: 0,
        })
    }

    /// The port id to send upcalls to.
    ///
    /// ```no_run
    /// let up = nlwire_families::ovs::UpcallSocket::open()?;
    /// assert_ne!(up.port_id(), 0);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn port_id(&self) -> u32 {
        self.sock.port_id()
    }

    /// Waits up to `timeout` for an upcall; `Ok(None)` when none came. An overflowed
    /// receive buffer is counted in [`lost`](Self::lost) and receiving goes on.
    ///
    /// ```no_run
    /// let mut up = nlwire_families::ovs::UpcallSocket::open()?;
    /// match up.recv_timeout(std::time::Duration::from_millis(100))? {
    ///     Some(u) => println!("{:?}", u.kind),
    ///     None => println!("nothing in 100 ms"),
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<Option<Upcall<'_>>> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            self.sock.set_read_timeout(Some(left))?;
            if self.receive(true)? {
                break;
            }
        }
        self.decode_last()
    }

    /// The next upcall if one is queued, without waiting.
    ///
    /// ```no_run
    /// let mut up = nlwire_families::ovs::UpcallSocket::open()?;
    /// while let Some(u) = up.try_recv()? {
    ///     println!("{:?}", u.kind);
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn try_recv(&mut self) -> Result<Option<Upcall<'_>>> {
        if self.receive(false)? {
            self.decode_last()
        } else {
            Ok(None)
        }
    }

    /// Receives one datagram holding an upcall into the buffer; false when none came.
    fn receive(&mut self, wait: bool) -> Result<bool> {
        loop {
            self.buf.clear();
            match self.sock.recv_raw(&mut self.buf, wait) {
                Ok(Some(_)) => {}
                Ok(None) => return Ok(false),
                Err(e) if e.errno() == Some(105) => {
                    // ENOBUFS: upcalls were dropped; the next ones are still good.
                    self.lost += 1;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            let family = self.packet_family;
            let has = nlwire::Messages::new(self.buf.as_slice())
                .filter_map(core::result::Result::ok)
                .any(|m| m.ty() == family);
            if has {
                return Ok(true);
            }
        }
    }

    /// The upcall in the buffer.
    fn decode_last(&self) -> Result<Option<Upcall<'_>>> {
        let family = self.packet_family;
        for m in nlwire::Messages::new(self.buf.as_slice()) {
            let m = m?;
            if m.ty() == family {
                return Upcall::decode(&m).map(Some);
            }
        }
        Err(Error::BadReply("a datagram without an ovs_packet message"))
    }
}
