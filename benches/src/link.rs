//! rtnetlink RTM_GETLINK dump decode: every peer fills the same [`Link`] record (what
//! `ip -s link show` prints) from the datagrams recorded in a namespace holding lo, a
//! bridge and veth pairs (data/rtnl-getlink.bin).

/// IFLA_* read here.
pub mod ifla {
    pub const ADDRESS: u16 = 1;
    pub const BROADCAST: u16 = 2;
    pub const IFNAME: u16 = 3;
    pub const MTU: u16 = 4;
    pub const LINK: u16 = 5;
    pub const QDISC: u16 = 6;
    pub const MASTER: u16 = 10;
    pub const TXQLEN: u16 = 13;
    pub const OPERSTATE: u16 = 16;
    pub const LINKMODE: u16 = 17;
    pub const LINKINFO: u16 = 18;
    pub const STATS64: u16 = 23;
    pub const GROUP: u16 = 27;
    pub const PROMISCUITY: u16 = 30;
    pub const NUM_TX_QUEUES: u16 = 31;
    pub const NUM_RX_QUEUES: u16 = 32;
    pub const CARRIER: u16 = 33;
    pub const INFO_KIND: u16 = 1;
}

/// What `ip -s link` reads from one link.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Link {
    /// `1 << IFLA_*` for every attribute read.
    pub present: u64,
    pub index: i32,
    pub flags: u32,
    pub ifi_type: u16,
    pub addr_len: u8,
    pub brd_len: u8,
    pub operstate: u8,
    pub linkmode: u8,
    pub carrier: u8,
    pub _pad: u8,
    pub mtu: u32,
    pub txqlen: u32,
    pub group: u32,
    pub promiscuity: u32,
    pub num_tx_queues: u32,
    pub num_rx_queues: u32,
    pub master: u32,
    pub link: u32,
    pub ifname: [u8; 16],
    pub qdisc: [u8; 16],
    pub kind: [u8; 16],
    pub address: [u8; 32],
    pub broadcast: [u8; 32],
    /// rx/tx packets, rx/tx bytes, rx/tx errors, rx/tx dropped.
    pub stats: [u64; 8],
}

/// Copies a string (up to its first NUL, at most 16 bytes) into `dst`.
#[inline]
pub fn set_str(dst: &mut [u8; 16], s: &[u8]) {
    let s = crate::ctrl::strip_nul(s);
    let n = s.len().min(16);
    dst[..n].copy_from_slice(&s[..n]);
}

/// Copies a hardware address (at most 32 bytes) and returns its length.
#[inline]
pub fn set_addr(dst: &mut [u8; 32], s: &[u8]) -> u8 {
    let n = s.len().min(32);
    dst[..n].copy_from_slice(&s[..n]);
    n as u8
}

/// A fold the benches feed to `black_box`.
#[inline]
pub fn fold(acc: u64, l: &Link) -> u64 {
    acc.wrapping_mul(31)
        .wrapping_add(l.index as u64 + l.stats[0] + l.mtu as u64)
}

pub mod nlwire_impl {
    use super::{Link, ifla::*, set_addr, set_str};
    use nlwire::zerocopy::native_endian::{I32, U16, U32, U64};
    use nlwire::zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};
    use nlwire::{AttrIndex, Attrs, Messages, MsgKind, Result};

    /// `struct ifinfomsg`.
    #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
    #[repr(C)]
    pub struct IfInfoMsg {
        pub family: u8,
        pub pad: u8,
        pub ifi_type: U16,
        pub index: I32,
        pub flags: U32,
        pub change: U32,
    }

    /// `struct rtnl_link_stats64` (the first 8 counters, then the rest).
    #[derive(FromBytes, KnownLayout, Immutable, Unaligned)]
    #[repr(C)]
    pub struct LinkStats64 {
        pub rx_packets: U64,
        pub tx_packets: U64,
        pub rx_bytes: U64,
        pub tx_bytes: U64,
        pub rx_errors: U64,
        pub tx_errors: U64,
        pub rx_dropped: U64,
        pub tx_dropped: U64,
        pub rest: [U64; 17],
    }

    pub fn decode(datagrams: &[Vec<u8>], mut sink: impl FnMut(&Link)) -> Result<usize> {
        let mut n = 0;
        for d in datagrams {
            for m in Messages::new(d) {
                let m = m?;
                match m.kind()? {
                    MsgKind::Data => {}
                    MsgKind::Done(_) => break,
                    MsgKind::Error(e) if e.errno != 0 => {
                        return Err(nlwire::Error::Unexpected {
                            expected: "a link",
                            found: e.errno as u32,
                        });
                    }
                    _ => continue,
                }
                let (hdr, attrs) =
                    nlwire::header::view_prefix::<IfInfoMsg>(m.payload(), "ifinfomsg")?;
                let mut l = Link {
                    index: hdr.index.get(),
                    flags: hdr.flags.get(),
                    ifi_type: hdr.ifi_type.get(),
                    ..Link::default()
                };
                let idx = AttrIndex::<64>::parse(attrs)?;
                let mut p = 0u64;
                macro_rules! u32_attr {
                    ($t:expr, $f:ident) => {
                        if let Some(a) = idx.get($t) {
                            l.$f = a.get_u32()?;
                            p |= 1 << $t;
                        }
                    };
                }
                macro_rules! u8_attr {
                    ($t:expr, $f:ident) => {
                        if let Some(a) = idx.get($t) {
                            l.$f = a.get_u8()?;
                            p |= 1 << $t;
                        }
                    };
                }
                if let Some(a) = idx.get(IFNAME) {
                    set_str(&mut l.ifname, a.get_cstr()?.to_bytes());
                    p |= 1 << IFNAME;
                }
                if let Some(a) = idx.get(QDISC) {
                    set_str(&mut l.qdisc, a.get_cstr()?.to_bytes());
                    p |= 1 << QDISC;
                }
                if let Some(a) = idx.get(ADDRESS) {
                    l.addr_len = set_addr(&mut l.address, a.payload());
                    p |= 1 << ADDRESS;
                }
                if let Some(a) = idx.get(BROADCAST) {
                    l.brd_len = set_addr(&mut l.broadcast, a.payload());
                    p |= 1 << BROADCAST;
                }
                u32_attr!(MTU, mtu);
                u32_attr!(LINK, link);
                u32_attr!(MASTER, master);
                u32_attr!(TXQLEN, txqlen);
                u32_attr!(GROUP, group);
                u32_attr!(PROMISCUITY, promiscuity);
                u32_attr!(NUM_TX_QUEUES, num_tx_queues);
                u32_attr!(NUM_RX_QUEUES, num_rx_queues);
                u8_attr!(OPERSTATE, operstate);
                u8_attr!(LINKMODE, linkmode);
                u8_attr!(CARRIER, carrier);
                if let Some(a) = idx.get(LINKINFO) {
                    for x in Attrs::new(a.payload()) {
                        let x = x?;
                        if x.ty() == INFO_KIND {
                            set_str(&mut l.kind, x.get_cstr()?.to_bytes());
                        }
                    }
                    p |= 1 << LINKINFO;
                }
                if let Some(a) = idx.get(STATS64) {
                    let s: &LinkStats64 = a.get_struct()?;
                    l.stats = [
                        s.rx_packets.get(),
                        s.tx_packets.get(),
                        s.rx_bytes.get(),
                        s.tx_bytes.get(),
                        s.rx_errors.get(),
                        s.tx_errors.get(),
                        s.rx_dropped.get(),
                        s.tx_dropped.get(),
                    ];
                    p |= 1 << STATS64;
                }
                l.present = p;
                sink(&l);
                n += 1;
            }
        }
        Ok(n)
    }
    /// The same decode with one `match` over `Attrs` instead of an `AttrIndex`.
    pub fn decode_loop(datagrams: &[Vec<u8>], mut sink: impl FnMut(&Link)) -> Result<usize> {
        let mut n = 0;
        for d in datagrams {
            for m in Messages::new(d) {
                let m = m?;
                match m.kind()? {
                    MsgKind::Data => {}
                    MsgKind::Done(_) => break,
                    MsgKind::Error(e) if e.errno != 0 => {
                        return Err(nlwire::Error::Unexpected {
                            expected: "a link",
                            found: e.errno as u32,
                        });
                    }
                    _ => continue,
                }
                let (hdr, attrs) =
                    nlwire::header::view_prefix::<IfInfoMsg>(m.payload(), "ifinfomsg")?;
                let mut l = Link {
                    index: hdr.index.get(),
                    flags: hdr.flags.get(),
                    ifi_type: hdr.ifi_type.get(),
                    ..Link::default()
                };
                for a in Attrs::new(attrs) {
                    let a = a?;
                    let t = a.ty();
                    match t {
                        IFNAME => set_str(&mut l.ifname, a.get_cstr()?.to_bytes()),
                        QDISC => set_str(&mut l.qdisc, a.get_cstr()?.to_bytes()),
                        ADDRESS => l.addr_len = set_addr(&mut l.address, a.payload()),
                        BROADCAST => l.brd_len = set_addr(&mut l.broadcast, a.payload()),
                        MTU => l.mtu = a.get_u32()?,
                        LINK => l.link = a.get_u32()?,
                        MASTER => l.master = a.get_u32()?,
                        TXQLEN => l.txqlen = a.get_u32()?,
                        GROUP => l.group = a.get_u32()?,
                        PROMISCUITY => l.promiscuity = a.get_u32()?,
                        NUM_TX_QUEUES => l.num_tx_queues = a.get_u32()?,
                        NUM_RX_QUEUES => l.num_rx_queues = a.get_u32()?,
                        OPERSTATE => l.operstate = a.get_u8()?,
                        LINKMODE => l.linkmode = a.get_u8()?,
                        CARRIER => l.carrier = a.get_u8()?,
                        LINKINFO => {
                            for x in Attrs::new(a.payload()) {
                                let x = x?;
                                if x.ty() == INFO_KIND {
                                    set_str(&mut l.kind, x.get_cstr()?.to_bytes());
                                }
                            }
                        }
                        STATS64 => {
                            let s: &LinkStats64 = a.get_struct()?;
                            l.stats = [
                                s.rx_packets.get(),
                                s.tx_packets.get(),
                                s.rx_bytes.get(),
                                s.tx_bytes.get(),
                                s.rx_errors.get(),
                                s.tx_errors.get(),
                                s.rx_dropped.get(),
                                s.tx_dropped.get(),
                            ];
                        }
                        _ => continue,
                    }
                    l.present |= 1 << t;
                }
                sink(&l);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod nb_impl {
    //! netlink-bindings `rt-link`: one pass over `IterableLinkAttrs`.
    use super::{Link, ifla::*, set_addr, set_str};
    use netlink_bindings::builtin::Nlmsghdr;
    use netlink_bindings::rt_link::{LinkAttrs, LinkinfoAttrs, OpGetlinkDump};
    use netlink_bindings::traits::NetlinkRequest;
    use netlink_bindings::utils::ErrorContext;

    pub fn decode(
        datagrams: &[Vec<u8>],
        mut sink: impl FnMut(&Link),
    ) -> Result<usize, ErrorContext> {
        let mut n = 0;
        for d in datagrams {
            let mut pos = 0;
            while pos < d.len() {
                let rest = &d[pos..];
                assert!(rest.len() >= Nlmsghdr::len(), "short nlmsghdr");
                let h = Nlmsghdr::new_from_zeroed(&rest[..Nlmsghdr::len()]);
                let len = h.len as usize;
                assert!(len >= Nlmsghdr::len() && len <= rest.len(), "bad nlmsg_len");
                pos += (len + 3) & !3;
                match h.r#type {
                    1 => continue,
                    2 => panic!("NLMSG_ERROR"),
                    3 => break,
                    _ => {}
                }
                let (hdr, attrs) = OpGetlinkDump::decode_reply(&rest[Nlmsghdr::len()..len]);
                let mut l = Link {
                    index: hdr.ifi_index,
                    flags: hdr.ifi_flags,
                    ifi_type: hdr.ifi_type,
                    ..Link::default()
                };
                for a in attrs {
                    let t = match a? {
                        LinkAttrs::Ifname(s) => {
                            set_str(&mut l.ifname, s.to_bytes());
                            IFNAME
                        }
                        LinkAttrs::Qdisc(s) => {
                            set_str(&mut l.qdisc, s.to_bytes());
                            QDISC
                        }
                        LinkAttrs::Address(b) => {
                            l.addr_len = set_addr(&mut l.address, b);
                            ADDRESS
                        }
                        LinkAttrs::Broadcast(b) => {
                            l.brd_len = set_addr(&mut l.broadcast, b);
                            BROADCAST
                        }
                        LinkAttrs::Mtu(v) => {
                            l.mtu = v;
                            MTU
                        }
                        LinkAttrs::Link(v) => {
                            l.link = v;
                            LINK
                        }
                        LinkAttrs::Master(v) => {
                            l.master = v;
                            MASTER
                        }
                        LinkAttrs::Txqlen(v) => {
                            l.txqlen = v;
                            TXQLEN
                        }
                        LinkAttrs::Group(v) => {
                            l.group = v;
                            GROUP
                        }
                        LinkAttrs::Promiscuity(v) => {
                            l.promiscuity = v;
                            PROMISCUITY
                        }
                        LinkAttrs::NumTxQueues(v) => {
                            l.num_tx_queues = v;
                            NUM_TX_QUEUES
                        }
                        LinkAttrs::NumRxQueues(v) => {
                            l.num_rx_queues = v;
                            NUM_RX_QUEUES
                        }
                        LinkAttrs::Operstate(v) => {
                            l.operstate = v;
                            OPERSTATE
                        }
                        LinkAttrs::Linkmode(v) => {
                            l.linkmode = v;
                            LINKMODE
                        }
                        LinkAttrs::Carrier(v) => {
                            l.carrier = v;
                            CARRIER
                        }
                        LinkAttrs::Linkinfo(li) => {
                            for x in li {
                                if let LinkinfoAttrs::Kind(k) = x? {
                                    set_str(&mut l.kind, k.to_bytes());
                                }
                            }
                            LINKINFO
                        }
                        LinkAttrs::Stats64(s) => {
                            l.stats = [
                                s.rx_packets,
                                s.tx_packets,
                                s.rx_bytes,
                                s.tx_bytes,
                                s.rx_errors,
                                s.tx_errors,
                                s.rx_dropped,
                                s.tx_dropped,
                            ];
                            STATS64
                        }
                        _ => continue,
                    };
                    l.present |= 1 << t;
                }
                sink(&l);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod neli_impl {
    //! neli: `Nlmsghdr<Rtm, Ifinfomsg>` with owned `RtBuffer<Ifla, Buffer>`.
    use std::io::Cursor;

    use super::{Link, ifla::*, set_addr, set_str};
    use neli::FromBytes;
    use neli::attr::Attribute;
    use neli::consts::rtnl::{Ifla, IflaInfo, Rtm};
    use neli::err::DeError;
    use neli::nl::{NlPayload, Nlmsghdr};
    use neli::rtnl::Ifinfomsg;

    type Msg = Nlmsghdr<Rtm, Ifinfomsg>;

    pub fn decode(datagrams: &[Vec<u8>], mut sink: impl FnMut(&Link)) -> Result<usize, DeError> {
        let mut n = 0;
        for d in datagrams {
            let mut cur = Cursor::new(&d[..]);
            while (cur.position() as usize) < d.len() {
                let m = Msg::from_bytes(&mut cur)?;
                let ifi = match m.nl_payload() {
                    NlPayload::Payload(p) => p,
                    NlPayload::Err(_) => panic!("NLMSG_ERROR"),
                    _ => continue,
                };
                let mut l = Link {
                    index: *ifi.ifi_index(),
                    flags: ifi.ifi_flags().bits(),
                    ifi_type: u16::from(*ifi.ifi_type()),
                    ..Link::default()
                };
                for a in ifi.rtattrs().iter() {
                    let t = match a.rta_type() {
                        Ifla::Ifname => {
                            set_str(&mut l.ifname, a.rta_payload().as_ref());
                            IFNAME
                        }
                        Ifla::Qdisc => {
                            set_str(&mut l.qdisc, a.rta_payload().as_ref());
                            QDISC
                        }
                        Ifla::Address => {
                            l.addr_len = set_addr(&mut l.address, a.rta_payload().as_ref());
                            ADDRESS
                        }
                        Ifla::Broadcast => {
                            l.brd_len = set_addr(&mut l.broadcast, a.rta_payload().as_ref());
                            BROADCAST
                        }
                        Ifla::Mtu => {
                            l.mtu = a.get_payload_as::<u32>()?;
                            MTU
                        }
                        Ifla::Link => {
                            l.link = a.get_payload_as::<u32>()?;
                            LINK
                        }
                        Ifla::Master => {
                            l.master = a.get_payload_as::<u32>()?;
                            MASTER
                        }
                        Ifla::Txqlen => {
                            l.txqlen = a.get_payload_as::<u32>()?;
                            TXQLEN
                        }
                        Ifla::Group => {
                            l.group = a.get_payload_as::<u32>()?;
                            GROUP
                        }
                        Ifla::Promiscuity => {
                            l.promiscuity = a.get_payload_as::<u32>()?;
                            PROMISCUITY
                        }
                        Ifla::NumTxQueues => {
                            l.num_tx_queues = a.get_payload_as::<u32>()?;
                            NUM_TX_QUEUES
                        }
                        Ifla::NumRxQueues => {
                            l.num_rx_queues = a.get_payload_as::<u32>()?;
                            NUM_RX_QUEUES
                        }
                        Ifla::Operstate => {
                            l.operstate = a.get_payload_as::<u8>()?;
                            OPERSTATE
                        }
                        Ifla::Linkmode => {
                            l.linkmode = a.get_payload_as::<u8>()?;
                            LINKMODE
                        }
                        Ifla::Carrier => {
                            l.carrier = a.get_payload_as::<u8>()?;
                            CARRIER
                        }
                        Ifla::Linkinfo => {
                            for x in a.get_attr_handle::<IflaInfo>()?.iter() {
                                if *x.rta_type() == IflaInfo::Kind {
                                    set_str(&mut l.kind, x.rta_payload().as_ref());
                                }
                            }
                            LINKINFO
                        }
                        Ifla::Stats64 => {
                            let p = a.rta_payload().as_ref();
                            if p.len() < 64 {
                                return Err(DeError::InvalidInput(p.len()));
                            }
                            for (i, c) in p[..64].chunks_exact(8).enumerate() {
                                l.stats[i] = u64::from_ne_bytes(c.try_into().unwrap());
                            }
                            STATS64
                        }
                        _ => continue,
                    };
                    l.present |= 1 << t;
                }
                sink(&l);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod rtnl_impl {
    //! rust-netlink: netlink-packet-route's `LinkMessage` (every attribute parsed into
    //! owned enums; the crate has no way to skip the ones a consumer does not read).
    use super::{Link, ifla::*, set_addr, set_str};
    use netlink_packet_core::{DecodeError, NetlinkMessage, NetlinkPayload};
    use netlink_packet_route::RouteNetlinkMessage;
    use netlink_packet_route::link::{LinkAttribute, LinkInfo};

    struct Fixed<'a>(&'a mut [u8; 16], usize);
    impl std::fmt::Write for Fixed<'_> {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for b in s.bytes() {
                if self.1 < 16 {
                    self.0[self.1] = b;
                    self.1 += 1;
                }
            }
            Ok(())
        }
    }

    pub fn decode(
        datagrams: &[Vec<u8>],
        mut sink: impl FnMut(&Link),
    ) -> Result<usize, DecodeError> {
        let mut n = 0;
        for d in datagrams {
            let mut pos = 0;
            while pos < d.len() {
                let m = NetlinkMessage::<RouteNetlinkMessage>::deserialize(&d[pos..])?;
                pos += (m.header.length as usize + 3) & !3;
                let lm = match m.payload {
                    NetlinkPayload::InnerMessage(RouteNetlinkMessage::NewLink(lm)) => lm,
                    NetlinkPayload::Done(_) => break,
                    NetlinkPayload::Error(e) => return Err(DecodeError::from(format!("{e}"))),
                    _ => continue,
                };
                let mut l = Link {
                    index: lm.header.index as i32,
                    flags: lm.header.flags.bits(),
                    ifi_type: u16::from(lm.header.link_layer_type),
                    ..Link::default()
                };
                for a in &lm.attributes {
                    let t = match a {
                        LinkAttribute::IfName(s) => {
                            set_str(&mut l.ifname, s.as_bytes());
                            IFNAME
                        }
                        LinkAttribute::Qdisc(s) => {
                            set_str(&mut l.qdisc, s.as_bytes());
                            QDISC
                        }
                        LinkAttribute::Address(b) => {
                            l.addr_len = set_addr(&mut l.address, b);
                            ADDRESS
                        }
                        LinkAttribute::Broadcast(b) => {
                            l.brd_len = set_addr(&mut l.broadcast, b);
                            BROADCAST
                        }
                        LinkAttribute::Mtu(v) => {
                            l.mtu = *v;
                            MTU
                        }
                        LinkAttribute::Link(v) => {
                            l.link = *v;
                            LINK
                        }
                        LinkAttribute::Controller(v) => {
                            l.master = *v;
                            MASTER
                        }
                        LinkAttribute::TxQueueLen(v) => {
                            l.txqlen = *v;
                            TXQLEN
                        }
                        LinkAttribute::Group(v) => {
                            l.group = *v;
                            GROUP
                        }
                        LinkAttribute::Promiscuity(v) => {
                            l.promiscuity = *v;
                            PROMISCUITY
                        }
                        LinkAttribute::NumTxQueues(v) => {
                            l.num_tx_queues = *v;
                            NUM_TX_QUEUES
                        }
                        LinkAttribute::NumRxQueues(v) => {
                            l.num_rx_queues = *v;
                            NUM_RX_QUEUES
                        }
                        LinkAttribute::OperState(s) => {
                            l.operstate = u8::from(*s);
                            OPERSTATE
                        }
                        LinkAttribute::Mode(m) => {
                            l.linkmode = u8::from(*m);
                            LINKMODE
                        }
                        LinkAttribute::Carrier(v) => {
                            l.carrier = *v;
                            CARRIER
                        }
                        LinkAttribute::LinkInfo(infos) => {
                            for i in infos {
                                if let LinkInfo::Kind(k) = i {
                                    use std::fmt::Write;
                                    let mut w = Fixed(&mut l.kind, 0);
                                    let _ = write!(w, "{k}");
                                }
                            }
                            LINKINFO
                        }
                        LinkAttribute::Stats64(s) => {
                            l.stats = [
                                s.rx_packets,
                                s.tx_packets,
                                s.rx_bytes,
                                s.tx_bytes,
                                s.rx_errors,
                                s.tx_errors,
                                s.rx_dropped,
                                s.tx_dropped,
                            ];
                            STATS64
                        }
                        _ => continue,
                    };
                    l.present |= 1 << t;
                }
                sink(&l);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod mnl_impl {
    //! The libmnl walk in csrc/mnl_rt.c.
    use super::Link;
    use core::ffi::c_void;

    type Sink = unsafe extern "C" fn(*const Link, *mut c_void);
    unsafe extern "C" {
        fn nlwb_sizeof_link() -> usize;
        fn nlwb_mnl_link_decode(
            buf: *const c_void,
            len: usize,
            sink: Sink,
            data: *mut c_void,
        ) -> libc::c_long;
    }

    pub fn layout_matches() -> bool {
        unsafe { nlwb_sizeof_link() == size_of::<Link>() }
    }

    unsafe extern "C" fn trampoline<F: FnMut(&Link)>(l: *const Link, data: *mut c_void) {
        unsafe { (*(data as *mut F))(&*l) }
    }

    pub fn decode<F: FnMut(&Link)>(datagrams: &[Vec<u8>], mut sink: F) -> Option<usize> {
        let mut n = 0;
        for d in datagrams {
            let r = unsafe {
                nlwb_mnl_link_decode(
                    d.as_ptr().cast(),
                    d.len(),
                    trampoline::<F>,
                    (&mut sink as *mut F).cast(),
                )
            };
            n += usize::try_from(r).ok()?;
        }
        Some(n)
    }
}
