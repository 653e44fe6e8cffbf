//! Printing keys, masks and actions as `ovs-dpctl` does (`lib/odp-util.c`).

use core::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::super::attrs::*;
use super::{
    CT_STATE_NAMES, FRAG_NAMES, TCP_FLAG_NAMES, TCP_FLAGS_MASK, TNL_F_CSUM, TNL_F_DF, TNL_F_KEY,
    TNL_F_OAM, TUN_FLAG_NAMES, VLAN_CFI,
};

/// Writes with `write!` into a `String` cannot fail.
macro_rules! w {
    ($s:expr, $($arg:tt)*) => {{ let _ = write!($s, $($arg)*); }};
}

/// Prints a flow key and its mask as `ovs-dpctl dump-flows` does: attributes in the
/// order of the key (nlwire encodes in the kernel's order), fully wildcarded attributes
/// and fields left out unless `verbose`, partial masks as `value/mask`. `mask: None`
/// means exact.
///
/// ```
/// use nlwire_families::ovs::{attrs::*, odp};
/// let key = KeyAttrs {
///     in_port: Some(1),
///     ethertype: Some(0x0806),
///     arp: Some(OvsKeyArp { arp_op: 1.into(), ..Default::default() }),
///     ..Default::default()
/// };
/// let mask = KeyAttrs {
///     in_port: Some(u32::MAX),
///     ethertype: Some(0xffff),
///     arp: Some(OvsKeyArp { arp_op: 0xffff.into(), ..Default::default() }),
///     ..Default::default()
/// };
/// assert_eq!(odp::format_key(&key, Some(&mask), false), "in_port(1),eth_type(0x0806),arp(op=1)");
/// ```
pub fn format_key(key: &KeyAttrs, mask: Option<&KeyAttrs>, verbose: bool) -> String {
    let mut s = String::new();
    Keys {
        out: &mut s,
        verbose,
        first: true,
    }
    .key(key, mask);
    if s.is_empty() {
        s.push_str("<empty>");
    }
    s
}

/// Prints actions as `ovs-dpctl` does; an empty list is `drop`.
///
/// ```
/// use nlwire_families::ovs::{attrs::*, odp};
/// let acts = vec![
///     ActionAttrs::Ct(CtAttrs { commit: true, zone: Some(5), ..Default::default() }),
///     ActionAttrs::Recirc(1),
/// ];
/// assert_eq!(odp::format_actions(&acts), "ct(commit,zone=5),recirc(0x1)");
/// assert_eq!(odp::format_actions(&[]), "drop");
/// ```
pub fn format_actions(actions: &[ActionAttrs]) -> String {
    let mut s = String::new();
    put_actions(&mut s, actions);
    s
}

/// `%#x`: C prints 0 without the prefix.
fn hex32(v: u32) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

/// A 128-bit label as OVS prints it (`ds_put_hex` of the `ovs_u128` in network order):
/// the `u32[4]` host-order payload as one number, hex without leading zeros.
pub(crate) fn hex128(raw: &[u8; 16]) -> String {
    let v = u128::from_ne_bytes(*raw);
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

fn mac(a: &[u8; 6]) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        a[0], a[1], a[2], a[3], a[4], a[5]
    )
}

fn chomp(s: &mut String, c: char) {
    if s.ends_with(c) {
        s.pop();
    }
}

/// Field printers: `name=value[/mask],` unless the mask is zero (and not verbose). A
/// `None` mask is exact.
struct Fields<'s> {
    out: &'s mut String,
    verbose: bool,
}

impl Fields<'_> {
    fn show<T: PartialEq + Default>(&self, mask: Option<&T>) -> bool {
        self.verbose || mask.is_none_or(|m| *m != T::default())
    }

    fn eth(&mut self, name: &str, key: &[u8; 6], mask: Option<&[u8; 6]>) {
        if !self.show(mask) {
            return;
        }
        match mask {
            Some(m) if *m != [0xff; 6] => w!(self.out, "{name}={}/{},", mac(key), mac(m)),
            _ => w!(self.out, "{name}={},", mac(key)),
        }
    }

    fn ipv4(&mut self, name: &str, key: u32, mask: Option<u32>) {
        if !self.show(mask.as_ref()) {
            return;
        }
        w!(self.out, "{name}={}", Ipv4Addr::from(key));
        if let Some(m) = mask.filter(|m| *m != u32::MAX) {
            w!(self.out, "/{}", Ipv4Addr::from(m));
        }
        self.out.push(',');
    }

    fn in6(&mut self, name: &str, key: &[u8; 16], mask: Option<&[u8; 16]>) {
        if !self.show(mask) {
            return;
        }
        w!(self.out, "{name}={}", Ipv6Addr::from(*key));
        if let Some(m) = mask.filter(|m| **m != [0xff; 16]) {
            w!(self.out, "/{}", Ipv6Addr::from(*m));
        }
        self.out.push(',');
    }

    fn label(&mut self, name: &str, key: u32, mask: Option<u32>) {
        if !self.show(mask.as_ref()) {
            return;
        }
        w!(self.out, "{name}={}", hex32(key));
        if let Some(m) = mask.filter(|m| m & 0xfffff != 0xfffff) {
            w!(self.out, "/{}", hex32(m));
        }
        self.out.push(',');
    }

    fn u8u(&mut self, name: &str, key: u8, mask: Option<u8>) {
        if !self.show(mask.as_ref()) {
            return;
        }
        w!(self.out, "{name}={key}");
        if let Some(m) = mask.filter(|m| *m != u8::MAX) {
            w!(self.out, "/{}", hex32(m.into()));
        }
        self.out.push(',');
    }

    fn u8x(&mut self, name: &str, key: u8, mask: Option<u8>) {
        if !self.show(mask.as_ref()) {
            return;
        }
        w!(self.out, "{name}={}", hex32(key.into()));
        if let Some(m) = mask.filter(|m| *m != u8::MAX) {
            w!(self.out, "/{}", hex32(m.into()));
        }
        self.out.push(',');
    }

    fn be16(&mut self, name: &str, key: u16, mask: Option<u16>) {
        if !self.show(mask.as_ref()) {
            return;
        }
        w!(self.out, "{name}={key}");
        if let Some(m) = mask.filter(|m| *m != u16::MAX) {
            w!(self.out, "/{}", hex32(m.into()));
        }
        self.out.push(',');
    }

    fn be64(&mut self, name: &str, key: u64, mask: Option<u64>) {
        if !self.show(mask.as_ref()) {
            return;
        }
        w!(self.out, "{name}={key:#x}");
        if let Some(m) = mask.filter(|m| *m != u64::MAX) {
            w!(self.out, "/{m:#x}");
        }
        self.out.push(',');
    }

    fn frag(&mut self, name: &str, key: u8, mask: Option<u8>) {
        match mask {
            Some(0) => {}
            Some(m) if m != u8::MAX => w!(
                self.out,
                "error: partial mask not supported for frag ({}),",
                hex32(m.into())
            ),
            _ => match FRAG_NAMES.iter().find(|f| f.0 == key) {
                Some((_, n)) => w!(self.out, "{name}={n},"),
                None => w!(self.out, "{name}=<error>,"),
            },
        }
    }
}

/// `format_flags`: `a|b|c`, `0` for none, unknown bits as hex.
fn flags(out: &mut String, names: &[(u32, &str)], mut v: u32) {
    if v == 0 {
        out.push('0');
        return;
    }
    let mut bad = 0;
    let mut first = true;
    while v != 0 {
        let bit = v & v.wrapping_neg();
        match names.iter().find(|n| n.0 == bit) {
            Some((_, n)) => {
                if !first {
                    out.push('|');
                }
                out.push_str(n);
                first = false;
            }
            None => bad |= bit,
        }
        v &= !bit;
    }
    if bad != 0 {
        if !first {
            out.push('|');
        }
        w!(out, "{bad:#x}");
    }
}

/// `format_flags_masked`: `+a-b` for a partial mask, `0/0` for none, plain flags when
/// the mask is `max`.
fn flags_masked(out: &mut String, names: &[(u32, &str)], v: u32, mut mask: u32, max: u32) {
    if mask == max {
        flags(out, names, v);
        return;
    }
    if mask == 0 {
        out.push_str("0/0");
        return;
    }
    while mask != 0 {
        let bit = mask & mask.wrapping_neg();
        out.push(if v & bit != 0 { '+' } else { '-' });
        out.push_str(
            names
                .iter()
                .find(|n| n.0 == bit)
                .map_or("[Unknown]", |n| n.1),
        );
        mask &= !bit;
    }
}

fn vlan_tci(out: &mut String, tci: u16, mask: u16, verbose: bool) {
    let vid = |t: u16| t & 0x0fff;
    let pcp = |t: u16| t >> 13;
    if verbose || vid(tci) != 0 || vid(mask) != 0 {
        w!(out, "vid={}", vid(tci));
        if vid(mask) != 0x0fff {
            w!(out, "/{:#x}", vid(mask));
        }
        out.push(',');
    }
    if verbose || pcp(tci) != 0 || pcp(mask) != 0 {
        w!(out, "pcp={}", pcp(tci));
        if pcp(mask) != 7 {
            w!(out, "/{}", hex32(pcp(mask).into()));
        }
        out.push(',');
    }
    if tci & VLAN_CFI == 0 {
        out.push_str("cfi=0,");
    }
    chomp(out, ',');
}

fn mpls_lse(out: &mut String, lse: u32) {
    w!(
        out,
        "label={},tc={},ttl={},bos={}",
        lse >> 12,
        (lse >> 9) & 7,
        lse & 0xff,
        (lse >> 8) & 1
    );
}

fn hex_bytes(out: &mut String, b: &[u8], sep: &str) {
    for (i, x) in b.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        w!(out, "{x:02x}");
    }
}

/// Is a whole key attribute's mask zero (`odp_mask_attr_is_wildcard`)?
trait Wild {
    fn wild(&self) -> bool;
}
impl<T: nlwire::zerocopy::IntoBytes + nlwire::zerocopy::Immutable> Wild for T {
    fn wild(&self) -> bool {
        self.as_bytes().iter().all(|b| *b == 0)
    }
}
impl Wild for crate::ovs_flow::CtStateFlags {
    fn wild(&self) -> bool {
        self.is_empty()
    }
}

struct Keys<'s> {
    out: &'s mut String,
    verbose: bool,
    first: bool,
}

impl Keys<'_> {
    /// Starts attribute `name(` with the separating comma.
    fn open(&mut self, name: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push_str(name);
        self.out.push('(');
    }

    /// Whether to print a non-nested attribute whose mask (if any) is `m`.
    fn want<T: Wild>(&self, m: Option<Option<&T>>) -> bool {
        // m: None = no mask at all (exact); Some(None) = mask lacks the attribute.
        self.verbose
            || match m {
                None => true,
                Some(None) => false,
                Some(Some(x)) => !x.wild(),
            }
    }

    fn fields(&mut self) -> Fields<'_> {
        Fields {
            out: self.out,
            verbose: self.verbose,
        }
    }

    /// A u32 attribute printed as `%#x` with an optional mask.
    fn u32x(&mut self, name: &str, k: Option<u32>, m: Option<Option<u32>>) {
        let Some(k) = k else { return };
        if !self.want(m.as_ref().map(|x| x.as_ref())) {
            return;
        }
        self.open(name);
        w!(self.out, "{}", hex32(k));
        let mv = m.map(|x| x.unwrap_or(0));
        if let Some(mv) = mv.filter(|x| *x != u32::MAX) {
            w!(self.out, "/{}", hex32(mv));
        }
        self.out.push(')');
    }

    fn key(&mut self, k: &KeyAttrs, mask: Option<&KeyAttrs>) {
        // `m!(field)`: None = exact (no mask given), Some(None) = not in the mask.
        macro_rules! m {
            ($f:ident) => {
                mask.map(|m| m.$f.as_ref())
            };
        }
        macro_rules! mv {
            ($f:ident) => {
                mask.map(|m| m.$f)
            };
        }
        let has_packet_type = k.packet_type.is_some();

        self.u32x("recirc_id", k.recirc_id, mv!(recirc_id));
        self.u32x("dp_hash", k.dp_hash, mv!(dp_hash));
        self.u32x("skb_priority", k.priority, mv!(priority));
        if let Some(t) = &k.tunnel {
            // Nested: always printed (its own fields decide what shows).
            self.open("tunnel");
            let tm = mask.map(|m| m.tunnel.clone().unwrap_or_default());
            tunnel(self.out, t, tm.as_ref(), self.verbose);
            self.out.push(')');
        }
        if let Some(p) = k.in_port
            && self.want(m!(in_port))
        {
            self.open("in_port");
            let mp = mv!(in_port).map(|x| x.unwrap_or(0));
            match mp.filter(|x| *x != u32::MAX) {
                None => w!(self.out, "{p}"),
                Some(mp) => w!(self.out, "{p}/{}", hex32(mp)),
            }
            self.out.push(')');
        }
        self.u32x("skb_mark", k.skb_mark, mv!(skb_mark));
        if let Some(st) = k.ct_state.map(u32::from)
            && self.want(m!(ct_state))
        {
            self.open("ct_state");
            let ms = mv!(ct_state).map(|x| x.map_or(0, u32::from));
            let exact = ms.is_none_or(|x| x == u32::MAX);
            if self.verbose {
                w!(self.out, "{}", hex32(st));
                if let Some(ms) = ms.filter(|_| !exact) {
                    w!(self.out, "/{}", hex32(ms));
                }
            } else if !exact {
                flags_masked(self.out, CT_STATE_NAMES, st, ms.unwrap_or(0), u32::MAX);
            } else {
                flags(self.out, CT_STATE_NAMES, st);
            }
            self.out.push(')');
        }
        if let Some(z) = k.ct_zone
            && self.want(m!(ct_zone))
        {
            self.open("ct_zone");
            w!(self.out, "{}", hex32(z.into()));
            if let Some(mz) = mv!(ct_zone)
                .map(|x| x.unwrap_or(0))
                .filter(|x| *x != u16::MAX)
            {
                w!(self.out, "/{}", hex32(mz.into()));
            }
            self.out.push(')');
        }
        self.u32x("ct_mark", k.ct_mark, mv!(ct_mark));
        if let Some(l) = k.ct_labels.as_ref().map(|l| &l.ct_labels)
            && self.want(m!(ct_labels))
        {
            self.open("ct_label");
            let ml = mask.map(|m| m.ct_labels.unwrap_or_default().ct_labels);
            // format_u128: printed only when verbose or the mask is not zero.
            if self.verbose || ml.is_none_or(|m| m != [0; 16]) {
                self.out.push_str(&hex128(l));
                if let Some(ml) = ml.filter(|x| *x != [0xff; 16]) {
                    w!(self.out, "/{}", hex128(&ml));
                }
            }
            self.out.push(')');
        }
        if let Some(t) = &k.ct_orig_tuple_ipv4
            && self.want(m!(ct_orig_tuple_ipv4))
        {
            self.open("ct_tuple4");
            let tm = mask.map(|m| m.ct_orig_tuple_ipv4.unwrap_or_default());
            let mut f = self.fields();
            f.ipv4("src", t.ipv4_src.get(), tm.map(|m| m.ipv4_src.get()));
            f.ipv4("dst", t.ipv4_dst.get(), tm.map(|m| m.ipv4_dst.get()));
            f.u8u("proto", t.ipv4_proto, tm.map(|m| m.ipv4_proto));
            f.be16("tp_src", t.src_port.get(), tm.map(|m| m.src_port.get()));
            f.be16("tp_dst", t.dst_port.get(), tm.map(|m| m.dst_port.get()));
            chomp(self.out, ',');
            self.out.push(')');
        }
        if let Some(e) = &k.ethernet {
            if self.want(m!(ethernet)) {
                self.open("eth");
                let em = mask.map(|m| m.ethernet.unwrap_or_default());
                let mut f = self.fields();
                f.eth("src", &e.eth_src, em.as_ref().map(|m| &m.eth_src));
                f.eth("dst", &e.eth_dst, em.as_ref().map(|m| &m.eth_dst));
                chomp(self.out, ',');
                self.out.push(')');
            } else if !has_packet_type {
                if !self.first {
                    self.out.push(',');
                }
                self.first = false;
                self.out.push_str("eth()");
            }
        }
        if let Some(t) = k.ethertype
            && self.want(m!(ethertype))
        {
            self.open("eth_type");
            w!(self.out, "0x{t:04x}");
            if let Some(mt) = mv!(ethertype)
                .map(|x| x.unwrap_or(0))
                .filter(|x| *x != 0xffff)
            {
                w!(self.out, "/0x{mt:04x}");
            }
            self.out.push(')');
        }
        if let Some(tci) = k.vlan
            && self.want(m!(vlan))
        {
            self.open("vlan");
            let mt = mv!(vlan).map_or(0xffff, |x| x.unwrap_or(0));
            vlan_tci(self.out, tci, mt, self.verbose);
            self.out.push(')');
        }
        if let Some(inner) = &k.encap {
            self.open("encap");
            let im = mask.map(|m| m.encap.as_deref().cloned().unwrap_or_default());
            let mut sub = Keys {
                out: self.out,
                verbose: self.verbose,
                first: true,
            };
            sub.key(inner, im.as_ref());
            self.out.push(')');
        }
        if let Some(ip) = &k.ipv4
            && self.want(m!(ipv4))
        {
            self.open("ipv4");
            let im = mask.map(|m| m.ipv4.unwrap_or_default());
            let mut f = self.fields();
            f.ipv4("src", ip.ipv4_src.get(), im.map(|m| m.ipv4_src.get()));
            f.ipv4("dst", ip.ipv4_dst.get(), im.map(|m| m.ipv4_dst.get()));
            f.u8u("proto", ip.ipv4_proto, im.map(|m| m.ipv4_proto));
            f.u8x("tos", ip.ipv4_tos, im.map(|m| m.ipv4_tos));
            f.u8u("ttl", ip.ipv4_ttl, im.map(|m| m.ipv4_ttl));
            f.frag("frag", ip.ipv4_frag, im.map(|m| m.ipv4_frag));
            chomp(self.out, ',');
            self.out.push(')');
        }
        if let Some(ip) = &k.ipv6
            && self.want(m!(ipv6))
        {
            self.open("ipv6");
            let im = mask.map(|m| m.ipv6.unwrap_or_default());
            let mut f = self.fields();
            f.in6("src", &ip.ipv6_src, im.as_ref().map(|m| &m.ipv6_src));
            f.in6("dst", &ip.ipv6_dst, im.as_ref().map(|m| &m.ipv6_dst));
            f.label("label", ip.ipv6_label.get(), im.map(|m| m.ipv6_label.get()));
            f.u8u("proto", ip.ipv6_proto, im.map(|m| m.ipv6_proto));
            f.u8x("tclass", ip.ipv6_tclass, im.map(|m| m.ipv6_tclass));
            f.u8u("hlimit", ip.ipv6_hlimit, im.map(|m| m.ipv6_hlimit));
            f.frag("frag", ip.ipv6_frag, im.map(|m| m.ipv6_frag));
            chomp(self.out, ',');
            self.out.push(')');
        }
        if let Some(x) = &k.ipv6_exthdrs {
            // Unknown to OVS 3.1: printed generically, always with the mask.
            self.open("key32");
            hex_bytes(self.out, nlwire::zerocopy::IntoBytes::as_bytes(x), " ");
            if let Some(m) = mask {
                self.out.push('/');
                let mx = m.ipv6_exthdrs.unwrap_or_default();
                hex_bytes(self.out, nlwire::zerocopy::IntoBytes::as_bytes(&mx), " ");
            }
            self.out.push(')');
        }
        if let Some(a) = &k.arp
            && self.want(m!(arp))
        {
            self.open("arp");
            let am = mask.map(|m| m.arp.unwrap_or_default());
            let mut f = self.fields();
            f.ipv4("sip", a.arp_sip.get(), am.map(|m| m.arp_sip.get()));
            f.ipv4("tip", a.arp_tip.get(), am.map(|m| m.arp_tip.get()));
            f.be16("op", a.arp_op.get(), am.map(|m| m.arp_op.get()));
            f.eth("sha", &a.arp_sha, am.as_ref().map(|m| &m.arp_sha));
            f.eth("tha", &a.arp_tha, am.as_ref().map(|m| &m.arp_tha));
            chomp(self.out, ',');
            self.out.push(')');
        }
        if let Some(stack) = &k.mpls {
            let ms: Option<Vec<u32>> =
                mask.map(|m| m.mpls.iter().flatten().map(|x| x.get()).collect());
            let wild = ms.as_ref().is_some_and(|m| m.iter().all(|e| *e == 0));
            if self.verbose || !wild {
                self.open("mpls");
                for (i, e) in stack.iter().enumerate() {
                    let lse = e.get();
                    let mm = ms.as_ref().map(|m| m.get(i).copied().unwrap_or(0));
                    match mm.filter(|m| *m != u32::MAX) {
                        None => mpls_lse(self.out, lse),
                        Some(m) => w!(
                            self.out,
                            "label={}/{:#x},tc={}/{:x},ttl={}/{:#x},bos={}/{:x}",
                            lse >> 12,
                            m >> 12,
                            (lse >> 9) & 7,
                            (m >> 9) & 7,
                            lse & 0xff,
                            m & 0xff,
                            (lse >> 8) & 1,
                            (m >> 8) & 1
                        ),
                    }
                    self.out.push(',');
                }
                chomp(self.out, ',');
                self.out.push(')');
            }
        }
        self.ports(
            "tcp",
            k.tcp.map(|t| (t.tcp_src.get(), t.tcp_dst.get())),
            mask.map(|m| m.tcp.map(|t| (t.tcp_src.get(), t.tcp_dst.get()))),
        );
        if let Some(fl) = k.tcp_flags {
            let mf = mv!(tcp_flags).map(|x| x.unwrap_or(0) & TCP_FLAGS_MASK);
            if self.verbose || mf != Some(0) {
                self.open("tcp_flags");
                match mf.filter(|m| *m != TCP_FLAGS_MASK) {
                    None => flags(self.out, TCP_FLAG_NAMES, fl.into()),
                    Some(m) => flags_masked(
                        self.out,
                        TCP_FLAG_NAMES,
                        fl.into(),
                        m.into(),
                        TCP_FLAGS_MASK.into(),
                    ),
                }
                self.out.push(')');
            }
        }
        self.ports(
            "udp",
            k.udp.map(|t| (t.udp_src.get(), t.udp_dst.get())),
            mask.map(|m| m.udp.map(|t| (t.udp_src.get(), t.udp_dst.get()))),
        );
        self.ports(
            "sctp",
            k.sctp.map(|t| (t.sctp_src.get(), t.sctp_dst.get())),
            mask.map(|m| m.sctp.map(|t| (t.sctp_src.get(), t.sctp_dst.get()))),
        );
        let v6 = |x: OvsKeyIcmpv6| OvsKeyIcmp {
            icmp_type: x.icmpv6_type,
            icmp_code: x.icmpv6_code,
        };
        for (name, ic, icm) in [
            ("icmp", k.icmp, mask.map(|m| m.icmp)),
            ("icmpv6", k.icmpv6.map(v6), mask.map(|m| m.icmpv6.map(v6))),
        ] {
            let Some(ic) = ic else { continue };
            if !self.want(icm.as_ref().map(|x| x.as_ref())) {
                continue;
            }
            self.open(name);
            let im = icm.map(Option::unwrap_or_default);
            let mut f = self.fields();
            f.u8u("type", ic.icmp_type, im.map(|m| m.icmp_type));
            f.u8u("code", ic.icmp_code, im.map(|m| m.icmp_code));
            chomp(self.out, ',');
            self.out.push(')');
        }
        if let Some(nd) = &k.nd
            && self.want(m!(nd))
        {
            self.open("nd");
            let nm = mask.map(|m| m.nd.unwrap_or_default());
            let mut f = self.fields();
            f.in6("target", &nd.nd_target, nm.as_ref().map(|m| &m.nd_target));
            f.eth("sll", &nd.nd_sll, nm.as_ref().map(|m| &m.nd_sll));
            f.eth("tll", &nd.nd_tll, nm.as_ref().map(|m| &m.nd_tll));
            chomp(self.out, ',');
            self.out.push(')');
        }
    }

    fn ports(&mut self, name: &str, k: Option<(u16, u16)>, m: Option<Option<(u16, u16)>>) {
        let Some((src, dst)) = k else { return };
        let wild = matches!(m, Some(None) | Some(Some((0, 0))));
        if !self.verbose && wild {
            return;
        }
        self.open(name);
        let mm = m.map(|x| x.unwrap_or((0, 0)));
        let mut f = self.fields();
        f.be16("src", src, mm.map(|x| x.0));
        f.be16("dst", dst, mm.map(|x| x.1));
        chomp(self.out, ',');
        self.out.push(')');
    }
}

/// `format_odp_tun_attr`. `mask: None` = exact (a `set(tunnel(...))`).
fn tunnel(out: &mut String, t: &TunnelKeyAttrs, mask: Option<&TunnelKeyAttrs>, verbose: bool) {
    let mut fl = 0;
    let mut mfl = 0;
    {
        let mut f = Fields { out, verbose };
        if let Some(id) = t.id {
            f.be64("tun_id", id, mask.map(|m| m.id.unwrap_or(0)));
            fl |= TNL_F_KEY;
            if mask.is_some_and(|m| m.id.is_some()) {
                mfl |= TNL_F_KEY;
            }
        }
        if let Some(a) = t.ipv4_src {
            f.ipv4("src", a, mask.map(|m| m.ipv4_src.unwrap_or(0)));
        }
        if let Some(a) = t.ipv4_dst {
            f.ipv4("dst", a, mask.map(|m| m.ipv4_dst.unwrap_or(0)));
        }
        let a16 = |v: &Option<Vec<u8>>| v.as_deref().and_then(|b| <[u8; 16]>::try_from(b).ok());
        if let Some(a) = a16(&t.ipv6_src) {
            let mm = mask.map(|m| a16(&m.ipv6_src).unwrap_or_default());
            f.in6("ipv6_src", &a, mm.as_ref());
        }
        if let Some(a) = a16(&t.ipv6_dst) {
            let mm = mask.map(|m| a16(&m.ipv6_dst).unwrap_or_default());
            f.in6("ipv6_dst", &a, mm.as_ref());
        }
        if let Some(v) = t.tos {
            f.u8x("tos", v, mask.map(|m| m.tos.unwrap_or(0)));
        }
        if let Some(v) = t.ttl {
            f.u8u("ttl", v, mask.map(|m| m.ttl.unwrap_or(0)));
        }
        if let Some(v) = t.tp_src {
            f.be16("tp_src", v, mask.map(|m| m.tp_src.unwrap_or(0)));
        }
        if let Some(v) = t.tp_dst {
            f.be16("tp_dst", v, mask.map(|m| m.tp_dst.unwrap_or(0)));
        }
    }
    if let Some(v) = &t.vxlan_opts {
        out.push_str("vxlan(");
        if let Some(g) = v.gbp {
            let gm = mask.and_then(|m| m.vxlan_opts.as_ref()).and_then(|x| x.gbp);
            let (id, fl) = (g & 0xffff, (g >> 16) & 0xff);
            w!(out, "gbp(id={id},flags={fl})");
            let _ = gm;
        }
        out.push_str("),");
    }
    if let Some(g) = &t.geneve_opts {
        out.push_str("geneve(");
        hex_bytes(out, g, "");
        out.push_str("),");
    }
    if t.dont_fragment {
        fl |= TNL_F_DF;
    }
    if t.csum {
        fl |= TNL_F_CSUM;
    }
    if t.oam {
        fl |= TNL_F_OAM;
    }
    if let Some(m) = mask {
        if m.dont_fragment {
            mfl |= TNL_F_DF;
        }
        if m.csum {
            mfl |= TNL_F_CSUM;
        }
        if m.oam {
            mfl |= TNL_F_OAM;
        }
    }
    // format_tun_flags
    if verbose || mask.is_none() || mfl != 0 {
        out.push_str("flags(");
        match mask {
            Some(_) => flags_masked(out, TUN_FLAG_NAMES, fl, mfl & 0xf, 0xf),
            None => {
                // format_flags with '|' (fully masked)
                flags(out, TUN_FLAG_NAMES, fl);
            }
        }
        out.push_str("),");
    }
    chomp(out, ',');
}

fn put_actions(out: &mut String, actions: &[ActionAttrs]) {
    if actions.is_empty() {
        out.push_str("drop");
        return;
    }
    for (i, a) in actions.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        action(out, a);
    }
}

fn generic(out: &mut String, ty: u16, payload: &[u8]) {
    w!(out, "action{ty}");
    if !payload.is_empty() {
        out.push('(');
        hex_bytes(out, payload, " ");
        out.push(')');
    }
}

fn action(out: &mut String, a: &ActionAttrs) {
    use ActionAttrs as A;
    let none = Vec::new();
    match a {
        A::Output(p) => w!(out, "{p}"),
        A::Userspace(u) => {
            let Some(pid) = u.pid else {
                out.push_str("userspace(error)");
                return;
            };
            w!(out, "userspace(pid={pid}");
            if let Some(d) = &u.userdata {
                out.push_str(",userdata(");
                hex_bytes(out, d, "");
                out.push(')');
            }
            if u.actions {
                out.push_str(",actions");
            }
            if let Some(p) = u.egress_tun_port {
                w!(out, ",tunnel_out_port={p}");
            }
            out.push(')');
        }
        A::Set(k) => {
            out.push_str("set(");
            Keys {
                out,
                verbose: true,
                first: true,
            }
            .key(k, None);
            out.push(')');
        }
        A::SetMasked(k) => {
            out.push_str("set(");
            set_masked_key(out, k);
            out.push(')');
        }
        A::PushVlan(v) => {
            out.push_str("push_vlan(");
            if v.vlan_tpid.get() != 0x8100 {
                w!(out, "tpid=0x{:04x},", v.vlan_tpid.get());
            }
            vlan_tci(out, v.vlan_tci.get(), 0xffff, false);
            out.push(')');
        }
        A::PopVlan => out.push_str("pop_vlan"),
        A::Sample(s) => {
            let (Some(p), Some(acts)) = (s.probability, &s.actions) else {
                out.push_str("sample(error)");
                return;
            };
            let pct = 100.0 * f64::from(p) / f64::from(u32::MAX);
            w!(out, "sample(sample={pct:.1}%,actions(");
            put_actions(out, acts);
            out.push_str("))");
        }
        A::Recirc(r) => w!(out, "recirc({})", hex32(*r)),
        A::Hash(h) => match h.hash_alg.get() {
            0 => w!(out, "hash(l4({}))", h.hash_basis.get()),
            1 => w!(out, "hash(sym_l4({}))", h.hash_basis.get()),
            n => w!(out, "hash(Unknown hash algorithm({n}))"),
        },
        A::PushMpls(m) => {
            out.push_str("push_mpls(");
            mpls_lse(out, m.mpls_lse.get());
            w!(out, ",eth_type={:#x})", m.mpls_ethertype.get());
        }
        A::PopMpls(t) => w!(out, "pop_mpls(eth_type={t:#x})"),
        A::Ct(c) => ct(out, c),
        A::Trunc(t) => w!(out, "trunc({})", t.max_len.get()),
        A::PushEth(e) => w!(
            out,
            "push_eth(src={},dst={})",
            mac(&e.addresses.eth_src),
            mac(&e.addresses.eth_dst)
        ),
        A::PopEth => out.push_str("pop_eth"),
        A::CtClear => out.push_str("ct_clear"),
        A::PushNsh(_) => out.push_str("push_nsh(...)"),
        A::PopNsh => out.push_str("pop_nsh()"),
        A::Meter(m) => w!(out, "meter({m})"),
        A::Clone(acts) => {
            out.push_str("clone(");
            put_actions(out, acts);
            out.push(')');
        }
        A::CheckPktLen(c) => {
            let (Some(len), Some(gt), Some(le)) =
                (c.pkt_len, &c.actions_if_greater, &c.actions_if_less_equal)
            else {
                out.push_str("check_pkt_len(error)");
                return;
            };
            w!(out, "check_pkt_len(size={len},gt(");
            put_actions(out, gt);
            out.push_str("),le(");
            put_actions(out, le);
            out.push_str("))");
        }
        A::AddMpls(m) => {
            out.push_str("add_mpls(");
            mpls_lse(out, m.mpls_lse.get());
            w!(out, ",eth_type={:#x})", m.mpls_ethertype.get());
        }
        A::DecTtl(d) => {
            out.push_str("dec_ttl(le_1(");
            put_actions(out, d.action.as_ref().unwrap_or(&none));
            out.push_str("))");
        }
        A::Drop(_) => out.push_str("drop"),
        A::Psample(p) => {
            w!(out, "psample(group={}", p.group.unwrap_or(0));
            if let Some(c) = &p.cookie {
                out.push_str(",cookie=0x");
                hex_bytes(out, c, "");
            }
            out.push(')');
        }
        A::TunnelPush(b) => generic(out, 26, b),
        A::TunnelPop(p) => w!(out, "tnl_pop({p})"),
        A::LbOutput(b) => w!(out, "lb_output({b})"),
        A::Other(r) => generic(out, r.ty & 0x3fff, &r.payload),
    }
}

fn ct(out: &mut String, c: &CtAttrs) {
    out.push_str("ct");
    let any = c.commit
        || c.force_commit
        || c.zone.is_some_and(|z| z != 0)
        || c.mark.is_some()
        || c.labels.is_some()
        || c.helper.is_some()
        || c.timeout.is_some()
        || c.nat.is_some();
    if !any {
        return;
    }
    out.push('(');
    if c.commit {
        out.push_str("commit,");
    }
    if c.force_commit {
        out.push_str("force_commit,");
    }
    if let Some(z) = c.zone.filter(|z| *z != 0) {
        w!(out, "zone={z},");
    }
    if let Some(m) = &c.mark {
        w!(
            out,
            "mark={}/{},",
            hex32(m.value.get()),
            hex32(m.mask.get())
        );
    }
    if let Some(l) = &c.labels {
        // format_u128 (verbose): the value, and the mask unless all ones.
        out.push_str("label=");
        out.push_str(&hex128(&l.value.ct_labels));
        if l.mask.ct_labels != [0xff; 16] {
            w!(out, "/{}", hex128(&l.mask.ct_labels));
        }
        out.push(',');
    }
    if let Some(h) = &c.helper {
        w!(out, "helper={h},");
    }
    if let Some(t) = &c.timeout {
        w!(out, "timeout={t},");
    }
    if let Some(n) = &c.nat {
        nat(out, n);
    }
    chomp(out, ',');
    out.push(')');
}

fn ip_of(b: &[u8]) -> Option<std::net::IpAddr> {
    match b.len() {
        4 => Some(Ipv4Addr::new(b[0], b[1], b[2], b[3]).into()),
        16 => <[u8; 16]>::try_from(b)
            .ok()
            .map(|a| Ipv6Addr::from(a).into()),
        _ => None,
    }
}

fn nat(out: &mut String, n: &NatAttrs) {
    out.push_str("nat");
    if n.src || n.dst {
        out.push('(');
        out.push_str(if n.src { "src" } else { "dst" });
        let v6 = n.ip_min.as_ref().is_some_and(|a| a.len() == 16);
        if let Some(min) = n.ip_min.as_deref().and_then(ip_of) {
            out.push('=');
            let br = |ip: std::net::IpAddr| match ip {
                std::net::IpAddr::V6(a) if n.proto_min.is_some() => format!("[{a}]"),
                a => a.to_string(),
            };
            out.push_str(&br(min));
            if let Some(max) = n.ip_max.as_deref().and_then(ip_of) {
                let zero = match max {
                    std::net::IpAddr::V4(a) => a.is_unspecified(),
                    std::net::IpAddr::V6(a) => a.is_unspecified(),
                };
                if max != min && !zero {
                    out.push('-');
                    out.push_str(&br(max));
                }
            }
            let _ = v6;
            if let Some(p) = n.proto_min.filter(|p| *p != 0) {
                w!(out, ":{p}");
                if let Some(q) = n.proto_max.filter(|q| *q != 0 && *q != p) {
                    w!(out, "-{q}");
                }
            }
        }
        out.push(',');
        if n.persistent {
            out.push_str("persistent,");
        }
        if n.proto_hash {
            out.push_str("hash,");
        }
        if n.proto_random {
            out.push_str("random,");
        }
        chomp(out, ',');
        out.push(')');
    }
    out.push(',');
}

/// A masked `set(...)`: the key with its mask, not verbose (a wildcarded attribute is
/// still printed, empty).
fn set_masked_key(out: &mut String, m: &MaskedKeyAttrs) {
    let (key, mask) = super::split_masked(m);
    let mut s = String::new();
    Keys {
        out: &mut s,
        verbose: false,
        first: true,
    }
    .key(&key, Some(&mask));
    if s.is_empty() {
        // Every field wildcarded: name the attribute anyway.
        let mut v = String::new();
        Keys {
            out: &mut v,
            verbose: true,
            first: true,
        }
        .key(&key, None);
        s = match v.find('(') {
            Some(i) => format!("{}()", &v[..i]),
            None => v,
        };
    }
    out.push_str(&s);
}
