//! nlctrl CTRL_CMD_GETFAMILY dump decode: every peer fills the same [`Family`] record
//! from the recorded datagrams of this host's kernel (data/nlctrl-getfamily.bin).

/// CTRL_ATTR_*.
pub mod attr {
    pub const FAMILY_ID: u16 = 1;
    pub const FAMILY_NAME: u16 = 2;
    pub const VERSION: u16 = 3;
    pub const HDRSIZE: u16 = 4;
    pub const MAXATTR: u16 = 5;
    pub const OPS: u16 = 6;
    pub const MCAST_GROUPS: u16 = 7;
    pub const OP_ID: u16 = 1;
    pub const OP_FLAGS: u16 = 2;
    pub const MCAST_GRP_NAME: u16 = 1;
    pub const MCAST_GRP_ID: u16 = 2;
}

/// What a consumer reads from one family: every scalar, the name, and every op and
/// multicast group (folded, since their number varies per family).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Family {
    /// `1 << CTRL_ATTR_*` for every attribute present.
    pub present: u32,
    pub id: u16,
    pub name_len: u16,
    pub version: u32,
    pub hdrsize: u32,
    pub maxattr: u32,
    pub n_ops: u32,
    pub n_mcgrps: u32,
    pub name: [u8; 16],
    pub ops_fold: u64,
    pub mcgrps_fold: u64,
}

impl Family {
    #[inline]
    pub fn set_name(&mut self, s: &[u8]) {
        let s = strip_nul(s);
        let n = s.len().min(16);
        self.name[..n].copy_from_slice(&s[..n]);
        self.name_len = n as u16;
    }
    #[inline]
    pub fn add_op(&mut self, id: u32, flags: u32) {
        self.n_ops += 1;
        self.ops_fold = self
            .ops_fold
            .wrapping_mul(31)
            .wrapping_add((id as u64) << 32 | flags as u64);
    }
    #[inline]
    pub fn add_mcgrp(&mut self, name: &[u8], id: u32) {
        self.n_mcgrps += 1;
        let mut h = self.mcgrps_fold.wrapping_mul(31).wrapping_add(id as u64);
        for b in strip_nul(name) {
            h = h.wrapping_mul(31).wrapping_add(*b as u64);
        }
        self.mcgrps_fold = h;
    }
}

/// The bytes before the first NUL.
#[inline]
pub fn strip_nul(s: &[u8]) -> &[u8] {
    match s.iter().position(|b| *b == 0) {
        Some(i) => &s[..i],
        None => s,
    }
}

/// A fold the benches feed to `black_box`.
#[inline]
pub fn fold(acc: u64, f: &Family) -> u64 {
    acc.wrapping_mul(31)
        .wrapping_add(f.id as u64 + f.ops_fold + f.mcgrps_fold)
}

pub mod nlwire_impl {
    use super::{Family, attr::*};
    use nlwire::{AttrIndex, Attrs, Messages, MsgKind, Result};

    /// Decodes the families of every datagram.
    pub fn decode(datagrams: &[Vec<u8>], mut sink: impl FnMut(&Family)) -> Result<usize> {
        let mut n = 0;
        for d in datagrams {
            for m in Messages::new(d) {
                let m = m?;
                match m.kind()? {
                    MsgKind::Data => {}
                    MsgKind::Done(_) => break,
                    MsgKind::Error(e) if e.errno != 0 => {
                        return Err(nlwire::Error::Unexpected {
                            expected: "a family",
                            found: e.errno as u32,
                        });
                    }
                    _ => continue,
                }
                let (_, attrs) = m.genl()?;
                let idx = AttrIndex::<8>::parse(attrs)?;
                let mut f = Family::default();
                if let Some(a) = idx.get(FAMILY_ID) {
                    f.id = a.get_u16()?;
                    f.present |= 1 << FAMILY_ID;
                }
                if let Some(a) = idx.get(FAMILY_NAME) {
                    f.set_name(a.get_cstr()?.to_bytes());
                    f.present |= 1 << FAMILY_NAME;
                }
                if let Some(a) = idx.get(VERSION) {
                    f.version = a.get_u32()?;
                    f.present |= 1 << VERSION;
                }
                if let Some(a) = idx.get(HDRSIZE) {
                    f.hdrsize = a.get_u32()?;
                    f.present |= 1 << HDRSIZE;
                }
                if let Some(a) = idx.get(MAXATTR) {
                    f.maxattr = a.get_u32()?;
                    f.present |= 1 << MAXATTR;
                }
                if let Some(a) = idx.get(OPS) {
                    for op in a.nested() {
                        let (mut id, mut flags) = (0, 0);
                        for x in op?.nested() {
                            let x = x?;
                            match x.ty() {
                                OP_ID => id = x.get_u32()?,
                                OP_FLAGS => flags = x.get_u32()?,
                                _ => {}
                            }
                        }
                        f.add_op(id, flags);
                    }
                    f.present |= 1 << OPS;
                }
                if let Some(a) = idx.get(MCAST_GROUPS) {
                    for g in a.nested() {
                        let (mut name, mut id) = (&b""[..], 0);
                        for x in Attrs::new(g?.payload()) {
                            let x = x?;
                            match x.ty() {
                                MCAST_GRP_NAME => name = x.get_cstr()?.to_bytes(),
                                MCAST_GRP_ID => id = x.get_u32()?,
                                _ => {}
                            }
                        }
                        f.add_mcgrp(name, id);
                    }
                    f.present |= 1 << MCAST_GROUPS;
                }
                sink(&f);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod typed_impl {
    //! nlwire's typed layer: `nlwire-families`' generated nlctrl types
    //! (`GetfamilyReply::decode_msg`, zero-copy views).
    use super::{Family, attr::*};
    use nlwire::{Limits, Message, Messages, MsgKind, Result};
    use nlwire_families::nlctrl::msg::GetfamilyReply;

    /// Decodes the families of every datagram.
    pub fn decode(datagrams: &[Vec<u8>], mut sink: impl FnMut(&Family)) -> Result<usize> {
        let mut n = 0;
        for d in datagrams {
            for m in Messages::new(d) {
                let m = m?;
                match m.kind()? {
                    MsgKind::Data => {}
                    MsgKind::Done(_) => break,
                    MsgKind::Error(e) if e.errno != 0 => {
                        return Err(nlwire::Error::Unexpected {
                            expected: "a family",
                            found: e.errno as u32,
                        });
                    }
                    _ => continue,
                }
                let v = GetfamilyReply::decode_msg(m, &Limits::DEFAULT)?;
                let a = &v.attrs;
                let mut f = Family::default();
                if let Some(id) = a.family_id {
                    f.id = id;
                    f.present |= 1 << FAMILY_ID;
                }
                if let Some(name) = a.family_name {
                    f.set_name(name.as_bytes());
                    f.present |= 1 << FAMILY_NAME;
                }
                if let Some(x) = a.version {
                    f.version = x;
                    f.present |= 1 << VERSION;
                }
                if let Some(x) = a.hdrsize {
                    f.hdrsize = x;
                    f.present |= 1 << HDRSIZE;
                }
                if let Some(x) = a.maxattr {
                    f.maxattr = x;
                    f.present |= 1 << MAXATTR;
                }
                if let Some(ops) = a.ops {
                    for op in ops {
                        f.add_op(op.id.unwrap_or(0), op.flags.map_or(0, u32::from));
                    }
                    f.present |= 1 << OPS;
                }
                if let Some(groups) = a.mcast_groups {
                    for g in groups {
                        f.add_mcgrp(g.name.unwrap_or("").as_bytes(), g.id.unwrap_or(0));
                    }
                    f.present |= 1 << MCAST_GROUPS;
                }
                sink(&f);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod nb_impl {
    //! netlink-bindings `nlctrl`: one pass over `IterableCtrlAttrs`.
    use super::{Family, attr::*};
    use netlink_bindings::builtin::Nlmsghdr;
    use netlink_bindings::nlctrl::{CtrlAttrs, McastGroupAttrs, OpAttrs, OpGetfamilyDump};
    use netlink_bindings::traits::NetlinkRequest;
    use netlink_bindings::utils::ErrorContext;

    pub fn decode(
        datagrams: &[Vec<u8>],
        mut sink: impl FnMut(&Family),
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
                let attrs = OpGetfamilyDump::decode_reply(&rest[Nlmsghdr::len()..len]);
                let mut f = Family::default();
                for a in attrs {
                    let t = match a? {
                        CtrlAttrs::FamilyId(v) => {
                            f.id = v;
                            FAMILY_ID
                        }
                        CtrlAttrs::FamilyName(s) => {
                            f.set_name(s.to_bytes());
                            FAMILY_NAME
                        }
                        CtrlAttrs::Version(v) => {
                            f.version = v;
                            VERSION
                        }
                        CtrlAttrs::Hdrsize(v) => {
                            f.hdrsize = v;
                            HDRSIZE
                        }
                        CtrlAttrs::Maxattr(v) => {
                            f.maxattr = v;
                            MAXATTR
                        }
                        CtrlAttrs::Ops(ops) => {
                            for op in ops {
                                let (mut id, mut flags) = (0, 0);
                                for x in op? {
                                    match x? {
                                        OpAttrs::Id(v) => id = v,
                                        OpAttrs::Flags(v) => flags = v,
                                    }
                                }
                                f.add_op(id, flags);
                            }
                            OPS
                        }
                        CtrlAttrs::McastGroups(gs) => {
                            for g in gs {
                                let (mut name, mut id) = (&b""[..], 0);
                                for x in g? {
                                    match x? {
                                        McastGroupAttrs::Name(s) => name = s.to_bytes(),
                                        McastGroupAttrs::Id(v) => id = v,
                                    }
                                }
                                f.add_mcgrp(name, id);
                            }
                            MCAST_GROUPS
                        }
                        _ => continue,
                    };
                    f.present |= 1 << t;
                }
                sink(&f);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod neli_impl {
    //! neli: `Genlmsghdr<CtrlCmd, CtrlAttr>` (owned attributes), nested handles.
    use std::io::Cursor;

    use super::{Family, attr::*};
    use neli::FromBytes;
    use neli::attr::Attribute;
    use neli::consts::genl::{CtrlAttr, CtrlAttrMcastGrp, CtrlCmd};
    use neli::err::DeError;
    use neli::genl::Genlmsghdr;
    use neli::nl::{NlPayload, Nlmsghdr};

    type Msg = Nlmsghdr<u16, Genlmsghdr<CtrlCmd, CtrlAttr>>;

    pub fn decode(datagrams: &[Vec<u8>], mut sink: impl FnMut(&Family)) -> Result<usize, DeError> {
        let mut n = 0;
        for d in datagrams {
            let mut cur = Cursor::new(&d[..]);
            while (cur.position() as usize) < d.len() {
                let m = Msg::from_bytes(&mut cur)?;
                let g = match m.nl_payload() {
                    NlPayload::Payload(g) => g,
                    NlPayload::Err(_) => panic!("NLMSG_ERROR"),
                    _ => continue,
                };
                let mut f = Family::default();
                for a in g.attrs().iter() {
                    let t = match a.nla_type().nla_type() {
                        CtrlAttr::FamilyId => {
                            f.id = a.get_payload_as::<u16>()?;
                            FAMILY_ID
                        }
                        CtrlAttr::FamilyName => {
                            f.set_name(a.get_payload_as_with_len_borrowed::<&[u8]>()?);
                            FAMILY_NAME
                        }
                        CtrlAttr::Version => {
                            f.version = a.get_payload_as::<u32>()?;
                            VERSION
                        }
                        CtrlAttr::Hdrsize => {
                            f.hdrsize = a.get_payload_as::<u32>()?;
                            HDRSIZE
                        }
                        CtrlAttr::Maxattr => {
                            f.maxattr = a.get_payload_as::<u32>()?;
                            MAXATTR
                        }
                        CtrlAttr::Ops => {
                            let ops = a.get_attr_handle::<u16>()?;
                            for op in ops.iter() {
                                let (mut id, mut flags) = (0, 0);
                                for x in op.get_attr_handle::<u16>()?.iter() {
                                    match *x.nla_type().nla_type() {
                                        OP_ID => id = x.get_payload_as::<u32>()?,
                                        OP_FLAGS => flags = x.get_payload_as::<u32>()?,
                                        _ => {}
                                    }
                                }
                                f.add_op(id, flags);
                            }
                            OPS
                        }
                        CtrlAttr::McastGroups => {
                            let gs = a.get_attr_handle::<u16>()?;
                            for g in gs.iter() {
                                let h = g.get_attr_handle::<CtrlAttrMcastGrp>()?;
                                let (mut name, mut id) = (&b""[..], 0);
                                for x in h.iter() {
                                    match x.nla_type().nla_type() {
                                        CtrlAttrMcastGrp::Name => name = x.nla_payload().as_ref(),
                                        CtrlAttrMcastGrp::Id => id = x.get_payload_as::<u32>()?,
                                        _ => {}
                                    }
                                }
                                f.add_mcgrp(name, id);
                            }
                            MCAST_GROUPS
                        }
                        _ => continue,
                    };
                    f.present |= 1 << t;
                }
                sink(&f);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod rtnl_impl {
    //! rust-netlink: netlink-packet-generic's own `ctrl` types (`GenlCtrl`).
    use super::{Family, attr::*};
    use netlink_packet_core::{DecodeError, NetlinkMessage, NetlinkPayload};
    use netlink_packet_generic::GenlMessage;
    use netlink_packet_generic::ctrl::GenlCtrl;
    use netlink_packet_generic::ctrl::nlas::{GenlCtrlAttrs, McastGrpAttrs, OpAttrs};

    pub fn decode(
        datagrams: &[Vec<u8>],
        mut sink: impl FnMut(&Family),
    ) -> Result<usize, DecodeError> {
        let mut n = 0;
        for d in datagrams {
            let mut pos = 0;
            while pos < d.len() {
                let m = NetlinkMessage::<GenlMessage<GenlCtrl>>::deserialize(&d[pos..])?;
                pos += (m.header.length as usize + 3) & !3;
                let g = match m.payload {
                    NetlinkPayload::InnerMessage(g) => g,
                    NetlinkPayload::Done(_) => break,
                    NetlinkPayload::Error(e) => return Err(DecodeError::from(format!("{e}"))),
                    _ => continue,
                };
                let mut f = Family::default();
                for a in &g.payload.nlas {
                    let t = match a {
                        GenlCtrlAttrs::FamilyId(v) => {
                            f.id = *v;
                            FAMILY_ID
                        }
                        GenlCtrlAttrs::FamilyName(s) => {
                            f.set_name(s.as_bytes());
                            FAMILY_NAME
                        }
                        GenlCtrlAttrs::Version(v) => {
                            f.version = *v;
                            VERSION
                        }
                        GenlCtrlAttrs::HdrSize(v) => {
                            f.hdrsize = *v;
                            HDRSIZE
                        }
                        GenlCtrlAttrs::MaxAttr(v) => {
                            f.maxattr = *v;
                            MAXATTR
                        }
                        GenlCtrlAttrs::Ops(ops) => {
                            for op in ops {
                                let (mut id, mut flags) = (0, 0);
                                for x in op {
                                    match x {
                                        OpAttrs::Id(v) => id = *v,
                                        OpAttrs::Flags(v) => flags = *v,
                                    }
                                }
                                f.add_op(id, flags);
                            }
                            OPS
                        }
                        GenlCtrlAttrs::McastGroups(gs) => {
                            for g in gs {
                                let (mut name, mut id) = (&b""[..], 0);
                                for x in g {
                                    match x {
                                        McastGrpAttrs::Name(s) => name = s.as_bytes(),
                                        McastGrpAttrs::Id(v) => id = *v,
                                    }
                                }
                                f.add_mcgrp(name, id);
                            }
                            MCAST_GROUPS
                        }
                        _ => continue,
                    };
                    f.present |= 1 << t;
                }
                sink(&f);
                n += 1;
            }
        }
        Ok(n)
    }
}

pub mod mnl_impl {
    //! The libmnl walk in csrc/mnl_rt.c.
    use super::Family;
    use core::ffi::c_void;

    type Sink = unsafe extern "C" fn(*const Family, *mut c_void);
    unsafe extern "C" {
        fn nlwb_sizeof_family() -> usize;
        fn nlwb_mnl_ctrl_decode(
            buf: *const c_void,
            len: usize,
            sink: Sink,
            data: *mut c_void,
        ) -> libc::c_long;
    }

    pub fn layout_matches() -> bool {
        unsafe { nlwb_sizeof_family() == size_of::<Family>() }
    }

    unsafe extern "C" fn trampoline<F: FnMut(&Family)>(f: *const Family, data: *mut c_void) {
        unsafe { (*(data as *mut F))(&*f) }
    }

    pub fn decode<F: FnMut(&Family)>(datagrams: &[Vec<u8>], mut sink: F) -> Option<usize> {
        let mut n = 0;
        for d in datagrams {
            let r = unsafe {
                nlwb_mnl_ctrl_decode(
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
