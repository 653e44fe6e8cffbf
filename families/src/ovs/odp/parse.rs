//! Reading ODP text (what `ovs-dpctl` prints and accepts) into the wire types.

use std::net::{Ipv4Addr, Ipv6Addr};

use nlwire::view::RawAttr;
use nlwire::zerocopy::network_endian::U32 as BeU32;

use super::super::attrs::*;
use super::{
    CT_STATE_NAMES, FRAG_NAMES, FlowMatch, ParseError, TCP_FLAG_NAMES, TCP_FLAGS_MASK, TNL_F_CSUM,
    TNL_F_DF, TNL_F_KEY, TNL_F_OAM, TUN_FLAG_NAMES, VLAN_CFI,
};
use crate::ovs_flow::{CtStateFlags, XlateError};

type R<T> = Result<T, ParseError>;

/// Parses a flow key in ODP syntax into a key and its mask: a field without `/mask` is
/// exact, a field that is not written is wildcarded (mask 0), an attribute that is not
/// written is absent from both.
///
/// ```
/// use nlwire_families::ovs::odp;
/// let m = odp::parse_key("in_port(1),eth(src=00:01:02:03:04:05),eth_type(0x0800),\
///                         ipv4(src=10.0.0.1,dst=10.0.0.0/255.0.0.0,proto=6,frag=no),tcp(dst=80)")?;
/// let ip = m.key.ipv4.unwrap();
/// assert_eq!(ip.ipv4_proto, 6);
/// let mask = m.mask.unwrap();
/// assert_eq!(mask.ipv4.unwrap().ipv4_dst.get(), 0xff00_0000);
/// assert_eq!(mask.tcp.unwrap().tcp_src.get(), 0); // not written: wildcarded
/// assert_eq!(mask.ethernet.unwrap().eth_dst, [0; 6]);
/// # Ok::<(), odp::ParseError>(())
/// ```
pub fn parse_key(s: &str) -> R<FlowMatch> {
    let mut key = KeyAttrs::default();
    let mut mask = KeyAttrs::default();
    parse_key_into(s, &mut key, &mut mask)?;
    Ok(FlowMatch {
        key,
        mask: Some(mask),
    })
}

/// Parses a list of actions in ODP syntax (`drop` alone is the empty list).
///
/// ```
/// use nlwire_families::ovs::{attrs::ActionAttrs, odp};
/// let acts = odp::parse_actions("set(ipv4(src=10.0.0.1)),sample(sample=50.0%,actions(userspace(pid=7))),3")?;
/// assert_eq!(acts.len(), 3);
/// assert!(matches!(acts[0], ActionAttrs::SetMasked(_))); // the other ipv4 fields keep their value
/// assert_eq!(acts[2], ActionAttrs::Output(3));
/// assert_eq!(odp::parse_actions("drop")?, vec![]);
/// # Ok::<(), odp::ParseError>(())
/// ```
pub fn parse_actions(s: &str) -> R<Vec<ActionAttrs>> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("drop") {
        return Ok(Vec::new());
    }
    split_top(s)?.into_iter().map(parse_action).collect()
}

/// Parses `ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (the prefix is optional).
///
/// ```
/// use nlwire_families::ovs::odp;
/// let u = odp::parse_ufid("ufid:01234567-89ab-cdef-0123-456789abcdef")?;
/// assert_eq!(u.0[1], 0x89abcdef);
/// assert_eq!(u.to_string(), "ufid:01234567-89ab-cdef-0123-456789abcdef");
/// # Ok::<(), odp::ParseError>(())
/// ```
pub fn parse_ufid(s: &str) -> R<Ufid> {
    let t = s.trim();
    let t = t.strip_prefix("ufid:").unwrap_or(t);
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    let groups: Vec<usize> = t.split('-').map(str::len).collect();
    if hex.len() != 32 || groups != [8, 4, 4, 4, 12] {
        return Err(ParseError::new("expected a UUID", s));
    }
    let word = |i: usize| u32::from_str_radix(&hex[i * 8..i * 8 + 8], 16);
    let mut parts = [0u32; 4];
    for (i, p) in parts.iter_mut().enumerate() {
        *p = word(i).map_err(|_| ParseError::new("bad hex digit in UUID", s))?;
    }
    Ok(Ufid(parts))
}

// ---------------------------------------------------------------------------------------
// Lexical helpers
// ---------------------------------------------------------------------------------------

/// Splits at commas outside parentheses; trims items; drops empty ones.
pub(crate) fn split_top(s: &str) -> R<Vec<&str>> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return Err(ParseError::new("unbalanced ')'", &s[i..]));
                }
            }
            ',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err(ParseError::new("unbalanced '('", s));
    }
    out.push(s[start..].trim());
    out.retain(|x| !x.is_empty());
    Ok(out)
}

/// `name(inner)` → `(name, inner)`.
pub(crate) fn call(item: &str) -> Option<(&str, &str)> {
    let open = item.find('(')?;
    let inner = item.strip_suffix(')')?;
    Some((item[..open].trim(), &inner[open + 1..]))
}

/// `key=value` → `(key, value)`; a bare word → `(word, "")`.
fn kv(item: &str) -> (&str, &str) {
    match item.find('=') {
        Some(i) if !item[..i].contains('(') => (item[..i].trim(), item[i + 1..].trim()),
        _ => (item, ""),
    }
}

/// `value/mask` → `(value, Some(mask))`.
fn vm(v: &str) -> (&str, Option<&str>) {
    match v.find('/') {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    }
}

/// An integer as C's `%i` reads it: `0x` hex, else decimal.
fn int(s: &str) -> R<u64> {
    let t = s.trim();
    let r = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16)
    } else {
        t.parse()
    };
    r.map_err(|_| ParseError::new("expected a number", s))
}

fn num<T: TryFrom<u64>>(s: &str) -> R<T> {
    T::try_from(int(s)?).map_err(|_| ParseError::new("number out of range", s))
}

/// `value[/mask]` of an integer field; the mask defaults to `full`.
fn num_masked<T: TryFrom<u64> + Copy>(v: &str, full: T) -> R<(T, T)> {
    let (a, m) = vm(v);
    Ok((num(a)?, m.map(num).transpose()?.unwrap_or(full)))
}

fn mac(s: &str) -> R<[u8; 6]> {
    let mut out = [0u8; 6];
    let parts: Vec<&str> = s.trim().split(':').collect();
    if parts.len() != 6 {
        return Err(ParseError::new("expected a MAC address", s));
    }
    for (o, p) in out.iter_mut().zip(parts) {
        *o = u8::from_str_radix(p, 16).map_err(|_| ParseError::new("expected a MAC address", s))?;
    }
    Ok(out)
}

fn mac_masked(v: &str) -> R<([u8; 6], [u8; 6])> {
    let (a, m) = vm(v);
    Ok((mac(a)?, m.map(mac).transpose()?.unwrap_or([0xff; 6])))
}

fn ip4(s: &str) -> R<u32> {
    s.trim()
        .parse::<Ipv4Addr>()
        .map(u32::from)
        .map_err(|_| ParseError::new("expected an IPv4 address", s))
}

fn ip4_masked(v: &str) -> R<(u32, u32)> {
    let (a, m) = vm(v);
    Ok((ip4(a)?, m.map(ip4).transpose()?.unwrap_or(u32::MAX)))
}

fn ip6(s: &str) -> R<[u8; 16]> {
    let t = s.trim().trim_start_matches('[').trim_end_matches(']');
    t.parse::<Ipv6Addr>()
        .map(|a| a.octets())
        .map_err(|_| ParseError::new("expected an IPv6 address", s))
}

fn ip6_masked(v: &str) -> R<([u8; 16], [u8; 16])> {
    let (a, m) = vm(v);
    Ok((ip6(a)?, m.map(ip6).transpose()?.unwrap_or([0xff; 16])))
}

/// Hex bytes, with or without spaces or a `0x` prefix.
fn hex_bytes(s: &str) -> R<Vec<u8>> {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.strip_prefix("0x").unwrap_or(&t);
    if !t.len().is_multiple_of(2) {
        return Err(ParseError::new("odd number of hex digits", s));
    }
    (0..t.len() / 2)
        .map(|i| {
            u8::from_str_radix(&t[2 * i..2 * i + 2], 16)
                .map_err(|_| ParseError::new("expected hex bytes", s))
        })
        .collect()
}

/// A 128-bit value in hex (`0x...`, leading zeros optional) as the raw `ovs_u128`
/// payload (four host-order `u32`).
fn u128_raw(s: &str) -> R<[u8; 16]> {
    let t = s.trim();
    let v = match t.strip_prefix("0x") {
        Some(h) => u128::from_str_radix(h, 16),
        None => t.parse::<u128>(),
    }
    .map_err(|_| ParseError::new("expected a 128-bit number", s))?;
    Ok(v.to_ne_bytes())
}

/// Flags as OVS's `parse_flags` reads them: `a|b`, `0`, `+a-b` (masked), or numbers
/// `0x12[/0xff]`. Returns `(value, mask)`; names without signs are exact (`full`).
fn flag_set(s: &str, names: &[(u32, &str)], full: u32) -> R<(u32, u32)> {
    let t = s.trim();
    if t.is_empty() {
        return Ok((0, full));
    }
    if t.starts_with(|c: char| c.is_ascii_digit()) {
        let (a, m) = vm(t);
        return Ok((num(a)?, m.map(num).transpose()?.unwrap_or(full)));
    }
    let lookup = |n: &str| {
        names
            .iter()
            .find(|x| x.1 == n)
            .map(|x| x.0)
            .ok_or_else(|| ParseError::new("unknown flag", n))
    };
    if t.starts_with('+') || t.starts_with('-') {
        let (mut v, mut m) = (0, 0);
        let mut rest = t;
        while let Some(c) = rest.chars().next() {
            let end = rest[1..].find(['+', '-']).map_or(rest.len(), |i| i + 1);
            let bit = lookup(&rest[1..end])?;
            m |= bit;
            if c == '+' {
                v |= bit;
            } else if c != '-' {
                return Err(ParseError::new("expected + or -", rest));
            }
            rest = &rest[end..];
        }
        return Ok((v, m));
    }
    let mut v = 0;
    for n in t.split('|') {
        v |= lookup(n.trim())?;
    }
    Ok((v, full))
}

// ---------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------

fn parse_key_into(s: &str, key: &mut KeyAttrs, mask: &mut KeyAttrs) -> R<()> {
    for item in split_top(s)? {
        let (name, inner) =
            call(item).ok_or_else(|| ParseError::new("expected name(...)", item))?;
        key_attr(name, inner, key, mask).map_err(|mut e| {
            if !e.near.contains(name) {
                e.msg = format!("{name}: {}", e.msg);
            }
            e
        })?;
    }
    Ok(())
}

/// One key attribute `name(inner)` into `key` and `mask`.
fn key_attr(name: &str, inner: &str, key: &mut KeyAttrs, mask: &mut KeyAttrs) -> R<()> {
    let fields = || -> R<Vec<(&str, &str)>> { Ok(split_top(inner)?.into_iter().map(kv).collect()) };
    let unknown = |f: &str| Err(ParseError::new(format!("unknown field of {name}"), f));
    match name {
        "in_port" => (key.in_port, mask.in_port) = opt2(num_masked(inner, u32::MAX)?),
        "recirc_id" => (key.recirc_id, mask.recirc_id) = opt2(num_masked(inner, u32::MAX)?),
        "dp_hash" => (key.dp_hash, mask.dp_hash) = opt2(num_masked(inner, u32::MAX)?),
        "skb_priority" => (key.priority, mask.priority) = opt2(num_masked(inner, u32::MAX)?),
        "skb_mark" => (key.skb_mark, mask.skb_mark) = opt2(num_masked(inner, u32::MAX)?),
        "ct_mark" => (key.ct_mark, mask.ct_mark) = opt2(num_masked(inner, u32::MAX)?),
        "ct_zone" => (key.ct_zone, mask.ct_zone) = opt2(num_masked(inner, u16::MAX)?),
        "ct_state" => {
            let (k, m) = flag_set(inner, CT_STATE_NAMES, u32::MAX)?;
            (key.ct_state, mask.ct_state) = opt2((CtStateFlags(k), CtStateFlags(m)))
        }
        "ct_label" => {
            let (a, m) = vm(inner);
            key.ct_labels = Some(OvsKeyCtLabels {
                ct_labels: u128_raw(a)?,
            });
            mask.ct_labels = Some(OvsKeyCtLabels {
                ct_labels: m.map(u128_raw).transpose()?.unwrap_or([0xff; 16]),
            });
        }
        "eth_type" => {
            (key.ethertype, mask.ethertype) = opt2(num_masked(inner, u16::MAX)?);
        }
        "eth" => {
            let (mut k, mut m) = (OvsKeyEthernet::default(), OvsKeyEthernet::default());
            for (f, v) in fields()? {
                match f {
                    "src" => (k.eth_src, m.eth_src) = mac_masked(v)?,
                    "dst" => (k.eth_dst, m.eth_dst) = mac_masked(v)?,
                    _ => return unknown(f),
                }
            }
            (key.ethernet, mask.ethernet) = (Some(k), Some(m));
        }
        "vlan" => {
            let (mut tci, mut tm) = (0u16, 0u16);
            let mut cfi_given = false;
            for (f, v) in fields()? {
                match f {
                    "vid" => {
                        let (a, m) = num_masked::<u16>(v, 0x0fff)?;
                        tci |= a & 0x0fff;
                        tm |= m & 0x0fff;
                    }
                    "pcp" => {
                        let (a, m) = num_masked::<u16>(v, 7)?;
                        tci |= (a & 7) << 13;
                        tm |= (m & 7) << 13;
                    }
                    "cfi" => {
                        let (a, m) = num_masked::<u16>(v, 1)?;
                        tci |= (a & 1) << 12;
                        tm |= (m & 1) << 12;
                        cfi_given = true;
                    }
                    _ => return unknown(f),
                }
            }
            if !cfi_given {
                tci |= VLAN_CFI;
                tm |= VLAN_CFI;
            }
            (key.vlan, mask.vlan) = (Some(tci), Some(tm));
        }
        "encap" => {
            let (mut k, mut m) = (KeyAttrs::default(), KeyAttrs::default());
            parse_key_into(inner, &mut k, &mut m)?;
            (key.encap, mask.encap) = (Some(Box::new(k)), Some(Box::new(m)));
        }
        "ipv4" => {
            let (mut k, mut m) = (OvsKeyIpv4::default(), OvsKeyIpv4::default());
            for (f, v) in fields()? {
                match f {
                    "src" => {
                        let (a, b) = ip4_masked(v)?;
                        (k.ipv4_src, m.ipv4_src) = (a.into(), b.into());
                    }
                    "dst" => {
                        let (a, b) = ip4_masked(v)?;
                        (k.ipv4_dst, m.ipv4_dst) = (a.into(), b.into());
                    }
                    "proto" => (k.ipv4_proto, m.ipv4_proto) = num_masked(v, 0xff)?,
                    "tos" => (k.ipv4_tos, m.ipv4_tos) = num_masked(v, 0xff)?,
                    "ttl" => (k.ipv4_ttl, m.ipv4_ttl) = num_masked(v, 0xff)?,
                    "frag" => (k.ipv4_frag, m.ipv4_frag) = (frag(v)?, 0xff),
                    _ => return unknown(f),
                }
            }
            (key.ipv4, mask.ipv4) = (Some(k), Some(m));
        }
        "ipv6" => {
            let (mut k, mut m) = (OvsKeyIpv6::default(), OvsKeyIpv6::default());
            for (f, v) in fields()? {
                match f {
                    "src" => (k.ipv6_src, m.ipv6_src) = ip6_masked(v)?,
                    "dst" => (k.ipv6_dst, m.ipv6_dst) = ip6_masked(v)?,
                    "label" => {
                        let (a, b) = num_masked::<u32>(v, 0xfffff)?;
                        (k.ipv6_label, m.ipv6_label) = (a.into(), b.into());
                    }
                    "proto" => (k.ipv6_proto, m.ipv6_proto) = num_masked(v, 0xff)?,
                    "tclass" => (k.ipv6_tclass, m.ipv6_tclass) = num_masked(v, 0xff)?,
                    "hlimit" => (k.ipv6_hlimit, m.ipv6_hlimit) = num_masked(v, 0xff)?,
                    "frag" => (k.ipv6_frag, m.ipv6_frag) = (frag(v)?, 0xff),
                    _ => return unknown(f),
                }
            }
            (key.ipv6, mask.ipv6) = (Some(k), Some(m));
        }
        "tcp" | "udp" | "sctp" => {
            let (mut s, mut d, mut ms, mut md) = (0u16, 0u16, 0u16, 0u16);
            for (f, v) in fields()? {
                match f {
                    "src" => (s, ms) = num_masked(v, u16::MAX)?,
                    "dst" => (d, md) = num_masked(v, u16::MAX)?,
                    _ => return unknown(f),
                }
            }
            match name {
                "tcp" => {
                    key.tcp = Some(OvsKeyTcp {
                        tcp_src: s.into(),
                        tcp_dst: d.into(),
                    });
                    mask.tcp = Some(OvsKeyTcp {
                        tcp_src: ms.into(),
                        tcp_dst: md.into(),
                    });
                }
                "udp" => {
                    key.udp = Some(OvsKeyUdp {
                        udp_src: s.into(),
                        udp_dst: d.into(),
                    });
                    mask.udp = Some(OvsKeyUdp {
                        udp_src: ms.into(),
                        udp_dst: md.into(),
                    });
                }
                _ => {
                    key.sctp = Some(OvsKeySctp {
                        sctp_src: s.into(),
                        sctp_dst: d.into(),
                    });
                    mask.sctp = Some(OvsKeySctp {
                        sctp_src: ms.into(),
                        sctp_dst: md.into(),
                    });
                }
            }
        }
        "tcp_flags" => {
            let (v, m) = flag_set(inner, TCP_FLAG_NAMES, TCP_FLAGS_MASK.into())?;
            key.tcp_flags = Some(num(&v.to_string())?);
            mask.tcp_flags = Some(num(&m.to_string())?);
        }
        "icmp" | "icmpv6" => {
            let (mut k, mut m) = (OvsKeyIcmp::default(), OvsKeyIcmp::default());
            for (f, v) in fields()? {
                match f {
                    "type" => (k.icmp_type, m.icmp_type) = num_masked(v, 0xff)?,
                    "code" => (k.icmp_code, m.icmp_code) = num_masked(v, 0xff)?,
                    _ => return unknown(f),
                }
            }
            if name == "icmp" {
                (key.icmp, mask.icmp) = (Some(k), Some(m));
            } else {
                let v6 = |x: OvsKeyIcmp| OvsKeyIcmpv6 {
                    icmpv6_type: x.icmp_type,
                    icmpv6_code: x.icmp_code,
                };
                (key.icmpv6, mask.icmpv6) = (Some(v6(k)), Some(v6(m)));
            }
        }
        "arp" => {
            let (mut k, mut m) = (OvsKeyArp::default(), OvsKeyArp::default());
            for (f, v) in fields()? {
                match f {
                    "sip" => {
                        let (a, b) = ip4_masked(v)?;
                        (k.arp_sip, m.arp_sip) = (a.into(), b.into());
                    }
                    "tip" => {
                        let (a, b) = ip4_masked(v)?;
                        (k.arp_tip, m.arp_tip) = (a.into(), b.into());
                    }
                    "op" => {
                        let (a, b) = num_masked::<u16>(v, u16::MAX)?;
                        (k.arp_op, m.arp_op) = (a.into(), b.into());
                    }
                    "sha" => (k.arp_sha, m.arp_sha) = mac_masked(v)?,
                    "tha" => (k.arp_tha, m.arp_tha) = mac_masked(v)?,
                    _ => return unknown(f),
                }
            }
            (key.arp, mask.arp) = (Some(k), Some(m));
        }
        "nd" => {
            let (mut k, mut m) = (OvsKeyNd::default(), OvsKeyNd::default());
            for (f, v) in fields()? {
                match f {
                    "target" => (k.nd_target, m.nd_target) = ip6_masked(v)?,
                    "sll" => (k.nd_sll, m.nd_sll) = mac_masked(v)?,
                    "tll" => (k.nd_tll, m.nd_tll) = mac_masked(v)?,
                    _ => return unknown(f),
                }
            }
            (key.nd, mask.nd) = (Some(k), Some(m));
        }
        "mpls" => {
            let (mut v, mut mm) = (0u32, 0u32);
            for (f, x) in fields()? {
                let (shift, width) = match f {
                    "label" => (12, 0xfffff),
                    "tc" => (9, 7),
                    "ttl" => (0, 0xff),
                    "bos" => (8, 1),
                    _ => return unknown(f),
                };
                let (a, b) = vm(x);
                let a: u32 = num(a)?;
                // The formatter prints tc and bos masks in hex without a prefix.
                let b: u32 = match b {
                    None => width,
                    Some(b) if !b.starts_with("0x") && (f == "tc" || f == "bos") => {
                        u32::from_str_radix(b, 16)
                            .map_err(|_| ParseError::new("expected hex", b))?
                    }
                    Some(b) => num(b)?,
                };
                v |= (a & width) << shift;
                mm |= (b & width) << shift;
            }
            key.mpls = Some(vec![BeU32::new(v)]);
            mask.mpls = Some(vec![BeU32::new(mm)]);
        }
        "tunnel" => {
            let (k, m) = tunnel(inner)?;
            (key.tunnel, mask.tunnel) = (Some(k), Some(m));
        }
        n if n.starts_with("key") => {
            let ty: u16 = num(&n[3..])?;
            let (a, m) = vm(inner);
            let (a, m) = (hex_bytes(a)?, m.map(hex_bytes).transpose()?);
            match (ty, a.as_slice()) {
                (32, [x, y]) => {
                    key.ipv6_exthdrs = Some(OvsKeyIpv6Exthdrs {
                        hdrs: u16::from_ne_bytes([*x, *y]).into(),
                    });
                    let m = m.unwrap_or_else(|| vec![0xff, 0xff]);
                    let mb: [u8; 2] = m
                        .as_slice()
                        .try_into()
                        .map_err(|_| ParseError::new("key32 mask must be 2 bytes", inner))?;
                    mask.ipv6_exthdrs = Some(OvsKeyIpv6Exthdrs {
                        hdrs: u16::from_ne_bytes(mb).into(),
                    });
                }
                _ => return Err(ParseError::new("unsupported key attribute", n)),
            }
        }
        _ => return Err(ParseError::new("unknown key attribute", name)),
    }
    Ok(())
}

fn opt2<A, B>(p: (A, B)) -> (Option<A>, Option<B>) {
    (Some(p.0), Some(p.1))
}

fn frag(v: &str) -> R<u8> {
    FRAG_NAMES
        .iter()
        .find(|f| f.1.eq_ignore_ascii_case(v.trim()))
        .map(|f| f.0)
        .ok_or_else(|| ParseError::new("expected frag no, first or later", v))
}

/// `tunnel(...)` fields into a key and a mask.
fn tunnel(inner: &str) -> R<(TunnelKeyAttrs, TunnelKeyAttrs)> {
    let (mut k, mut m) = (TunnelKeyAttrs::default(), TunnelKeyAttrs::default());
    let mut tun_flags: Option<(u32, u32)> = None;
    for item in split_top(inner)? {
        if let Some((n, sub)) = call(item) {
            match n {
                "flags" => tun_flags = Some(flag_set(sub, TUN_FLAG_NAMES, 0xf)?),
                "vxlan" => {
                    let (gn, g) =
                        call(sub).ok_or_else(|| ParseError::new("expected gbp(...)", sub))?;
                    if gn != "gbp" {
                        return Err(ParseError::new("expected gbp(...)", sub));
                    }
                    let (mut id, mut fl) = (0u32, 0u32);
                    for (f, v) in split_top(g)?.into_iter().map(kv) {
                        match f {
                            "id" => id = num(vm(v).0)?,
                            "flags" => fl = num(vm(v).0)?,
                            _ => return Err(ParseError::new("unknown gbp field", f)),
                        }
                    }
                    k.vxlan_opts = Some(VxlanExtAttrs {
                        gbp: Some((fl << 16) | id),
                        gpe: false,
                    });
                    m.vxlan_opts = Some(VxlanExtAttrs {
                        gbp: Some(u32::MAX),
                        gpe: false,
                    });
                }
                "geneve" => {
                    k.geneve_opts = Some(hex_bytes(vm(sub).0)?);
                    m.geneve_opts = Some(vec![0xff; k.geneve_opts.as_ref().map_or(0, Vec::len)]);
                }
                _ => return Err(ParseError::new("unknown tunnel field", item)),
            }
            continue;
        }
        let (f, v) = kv(item);
        match f {
            "tun_id" => (k.id, m.id) = opt2(num_masked(v, u64::MAX)?),
            "src" => (k.ipv4_src, m.ipv4_src) = opt2(ip4_masked(v)?),
            "dst" => (k.ipv4_dst, m.ipv4_dst) = opt2(ip4_masked(v)?),
            "ipv6_src" => {
                let (a, b) = ip6_masked(v)?;
                (k.ipv6_src, m.ipv6_src) = (Some(a.to_vec()), Some(b.to_vec()));
            }
            "ipv6_dst" => {
                let (a, b) = ip6_masked(v)?;
                (k.ipv6_dst, m.ipv6_dst) = (Some(a.to_vec()), Some(b.to_vec()));
            }
            "tos" => (k.tos, m.tos) = opt2(num_masked(v, u8::MAX)?),
            "ttl" => (k.ttl, m.ttl) = opt2(num_masked(v, u8::MAX)?),
            "tp_src" => (k.tp_src, m.tp_src) = opt2(num_masked(v, u16::MAX)?),
            "tp_dst" => (k.tp_dst, m.tp_dst) = opt2(num_masked(v, u16::MAX)?),
            _ => return Err(ParseError::new("unknown tunnel field", item)),
        }
    }
    if let Some((fl, fm)) = tun_flags {
        // OVS writes the tunnel id only with the `key` flag.
        if fl & TNL_F_KEY == 0 {
            k.id = None;
        }
        if fm & TNL_F_KEY == 0 {
            m.id = None;
        }
        k.dont_fragment = fl & TNL_F_DF != 0;
        k.csum = fl & TNL_F_CSUM != 0;
        k.oam = fl & TNL_F_OAM != 0;
        m.dont_fragment = fm & TNL_F_DF != 0;
        m.csum = fm & TNL_F_CSUM != 0;
        m.oam = fm & TNL_F_OAM != 0;
    }
    Ok((k, m))
}

// ---------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------

fn parse_action(item: &str) -> R<ActionAttrs> {
    use ActionAttrs as A;
    if item.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(A::Output(num(item)?));
    }
    match item {
        "pop_vlan" => return Ok(A::PopVlan),
        "pop_eth" => return Ok(A::PopEth),
        "ct_clear" => return Ok(A::CtClear),
        "pop_nsh" | "pop_nsh()" => return Ok(A::PopNsh),
        "ct" => return Ok(A::Ct(CtAttrs::default())),
        "drop" => return Ok(A::Drop(XlateError::OK)),
        _ => {}
    }
    let (name, inner) = call(item).ok_or_else(|| ParseError::new("unknown action", item))?;
    let a = match name {
        "set" => set_action(inner)?,
        "push_vlan" => {
            let (mut tpid, mut tci, mut cfi) = (0x8100u16, 0u16, true);
            for (f, v) in split_top(inner)?.into_iter().map(kv) {
                match f {
                    "vid" => tci |= num::<u16>(v)? & 0x0fff,
                    "pcp" => tci |= (num::<u16>(v)? & 7) << 13,
                    "cfi" => cfi = num::<u16>(v)? != 0,
                    "tpid" => tpid = num(v)?,
                    _ => return Err(ParseError::new("unknown push_vlan field", f)),
                }
            }
            if cfi {
                tci |= VLAN_CFI;
            }
            A::PushVlan(OvsActionPushVlan {
                vlan_tpid: tpid.into(),
                vlan_tci: tci.into(),
            })
        }
        "userspace" => {
            let mut u = UserspaceAttrs::default();
            for it in split_top(inner)? {
                if let Some((n, sub)) = call(it) {
                    match n {
                        "userdata" => u.userdata = Some(hex_bytes(sub)?),
                        _ => {
                            return Err(ParseError::new(
                                "userspace cookies other than userdata(...) are not supported",
                                it,
                            ));
                        }
                    }
                    continue;
                }
                match kv(it) {
                    ("pid", v) => u.pid = Some(num(v)?),
                    ("actions", "") => u.actions = true,
                    ("tunnel_out_port", v) => u.egress_tun_port = Some(num(v)?),
                    _ => return Err(ParseError::new("unknown userspace field", it)),
                }
            }
            A::Userspace(u)
        }
        "sample" => {
            let mut s = SampleAttrs::default();
            for it in split_top(inner)? {
                if let Some(("actions", sub)) = call(it) {
                    s.actions = Some(parse_actions(sub)?);
                } else if let ("sample", v) = kv(it) {
                    let pct: f64 = v
                        .trim_end_matches('%')
                        .parse()
                        .map_err(|_| ParseError::new("expected a percentage", v))?;
                    s.probability = Some(probability(pct));
                } else {
                    return Err(ParseError::new("unknown sample field", it));
                }
            }
            A::Sample(s)
        }
        "ct" => A::Ct(ct(inner)?),
        "clone" => A::Clone(parse_actions(inner)?),
        "check_pkt_len" => {
            let mut c = CheckPktLenAttrs::default();
            for it in split_top(inner)? {
                match call(it) {
                    Some(("gt", sub)) => c.actions_if_greater = Some(parse_actions(sub)?),
                    Some(("le", sub)) => c.actions_if_less_equal = Some(parse_actions(sub)?),
                    _ => match kv(it) {
                        ("size", v) => c.pkt_len = Some(num(v)?),
                        _ => return Err(ParseError::new("unknown check_pkt_len field", it)),
                    },
                }
            }
            A::CheckPktLen(c)
        }
        "recirc" => A::Recirc(num(inner)?),
        "meter" => A::Meter(num(inner)?),
        "trunc" => A::Trunc(OvsActionTrunc {
            max_len: num::<u32>(inner)?.into(),
        }),
        "tnl_pop" => A::TunnelPop(num(inner)?),
        "lb_output" => A::LbOutput(num(inner)?),
        "hash" => {
            let (alg, basis) = match call(inner) {
                Some(("l4", b)) => (0u32, b),
                Some(("sym_l4", b)) => (1, b),
                _ => return Err(ParseError::new("expected l4(...) or sym_l4(...)", inner)),
            };
            A::Hash(OvsActionHash {
                hash_alg: alg.into(),
                hash_basis: num::<u32>(basis)?.into(),
            })
        }
        "push_eth" => {
            let mut e = OvsKeyEthernet::default();
            for (f, v) in split_top(inner)?.into_iter().map(kv) {
                match f {
                    "src" => e.eth_src = mac(v)?,
                    "dst" => e.eth_dst = mac(v)?,
                    _ => return Err(ParseError::new("unknown push_eth field", f)),
                }
            }
            A::PushEth(OvsActionPushEth { addresses: e })
        }
        "push_mpls" | "add_mpls" => {
            let (mut lse, mut et) = (0u32, 0u16);
            for (f, v) in split_top(inner)?.into_iter().map(kv) {
                match f {
                    "label" => lse |= (num::<u32>(v)? & 0xfffff) << 12,
                    "tc" => lse |= (num::<u32>(v)? & 7) << 9,
                    "ttl" => lse |= num::<u32>(v)? & 0xff,
                    "bos" => lse |= (num::<u32>(v)? & 1) << 8,
                    "eth_type" => et = num(v)?,
                    _ => return Err(ParseError::new("unknown mpls field", f)),
                }
            }
            if name == "push_mpls" {
                A::PushMpls(OvsActionPushMpls {
                    mpls_lse: lse.into(),
                    mpls_ethertype: et.into(),
                    pad: [0; 2],
                })
            } else {
                A::AddMpls(OvsActionAddMpls {
                    mpls_lse: lse.into(),
                    mpls_ethertype: et.into(),
                    tun_flags: 0.into(),
                })
            }
        }
        "pop_mpls" => match kv(inner) {
            ("eth_type", v) => A::PopMpls(num(v)?),
            _ => return Err(ParseError::new("expected eth_type=", inner)),
        },
        "dec_ttl" => match call(inner) {
            Some(("le_1", sub)) => A::DecTtl(DecTtlAttrs {
                action: Some(parse_actions(sub)?),
            }),
            _ => return Err(ParseError::new("expected le_1(...)", inner)),
        },
        "psample" => {
            let mut p = PsampleAttrs::default();
            for (f, v) in split_top(inner)?.into_iter().map(kv) {
                match f {
                    "group" => p.group = Some(num(v)?),
                    "cookie" => p.cookie = Some(hex_bytes(v)?),
                    _ => return Err(ParseError::new("unknown psample field", f)),
                }
            }
            A::Psample(p)
        }
        n if n.starts_with("action") => {
            let ty: u16 = num(&n[6..])?;
            A::Other(RawAttr {
                ty,
                payload: hex_bytes(inner)?,
            })
        }
        _ => return Err(ParseError::new("unknown action", item)),
    };
    Ok(a)
}

/// The sample probability for a percentage, as OVS computes it.
///
/// ```
/// # use nlwire_families::ovs::odp::probability;
/// assert_eq!(probability(100.0), u32::MAX);
/// assert_eq!(probability(50.0), 1 << 31);
/// ```
pub fn probability(percent: f64) -> u32 {
    let p = (f64::from(u32::MAX) * (percent / 100.0) + 0.5).floor();
    if p >= f64::from(u32::MAX) {
        u32::MAX
    } else if p <= 0.0 {
        0
    } else {
        // In range: checked above.
        p as u32
    }
}

fn ct(inner: &str) -> R<CtAttrs> {
    let mut c = CtAttrs::default();
    for it in split_top(inner)? {
        if it == "nat" {
            c.nat = Some(NatAttrs::default());
            continue;
        }
        if let Some(("nat", sub)) = call(it) {
            c.nat = Some(nat(sub)?);
            continue;
        }
        match kv(it) {
            ("commit", "") => c.commit = true,
            ("force_commit", "") => c.force_commit = true,
            ("zone", v) => c.zone = Some(num(v)?),
            ("mark", v) => {
                let (a, m) = num_masked::<u32>(v, u32::MAX)?;
                c.mark = Some(U32Masked {
                    value: a.into(),
                    mask: m.into(),
                });
            }
            ("label", v) => {
                let (a, m) = vm(v);
                c.labels = Some(OvsKeyCtLabelsMasked {
                    value: OvsKeyCtLabels {
                        ct_labels: u128_raw(a)?,
                    },
                    mask: OvsKeyCtLabels {
                        ct_labels: m.map(u128_raw).transpose()?.unwrap_or([0xff; 16]),
                    },
                });
            }
            ("helper", v) => c.helper = Some(v.into()),
            ("timeout", v) => c.timeout = Some(v.into()),
            _ => return Err(ParseError::new("unknown ct field", it)),
        }
    }
    Ok(c)
}

fn nat(inner: &str) -> R<NatAttrs> {
    let mut n = NatAttrs::default();
    for it in split_top(inner)? {
        match kv(it) {
            ("src", v) | ("dst", v) => {
                if it.starts_with("src") {
                    n.src = true;
                } else {
                    n.dst = true;
                }
                if !v.is_empty() {
                    nat_range(v, &mut n)?;
                }
            }
            ("persistent", "") => n.persistent = true,
            ("hash", "") => n.proto_hash = true,
            ("random", "") => n.proto_random = true,
            _ => return Err(ParseError::new("unknown nat field", it)),
        }
    }
    Ok(n)
}

/// `ip[-ip][:port[-port]]`, IPv6 addresses in brackets when ports follow.
fn nat_range(v: &str, n: &mut NatAttrs) -> R<()> {
    let (ips, ports) = if v.starts_with('[') {
        // [a]-[b]:p-q
        match v.rfind("]:") {
            Some(i) => (&v[..=i], Some(&v[i + 2..])),
            None => (v, None),
        }
    } else if v.matches(':').count() == 1 {
        let i = v.find(':').unwrap_or(v.len());
        (&v[..i], Some(&v[i + 1..]))
    } else {
        (v, None)
    };
    let (lo, hi) = match ips.find("]-[") {
        Some(i) => (&ips[..=i], Some(&ips[i + 2..])),
        // Addresses contain no '-': it separates the range.
        None => match ips.find('-') {
            Some(i) => (&ips[..i], Some(&ips[i + 1..])),
            None => (ips, None),
        },
    };
    let addr = |s: &str| -> R<Vec<u8>> {
        if s.contains(':') {
            Ok(ip6(s)?.to_vec())
        } else {
            Ok(ip4(s)?.to_be_bytes().to_vec())
        }
    };
    n.ip_min = Some(addr(lo)?);
    n.ip_max = hi.map(addr).transpose()?;
    if let Some(p) = ports {
        let (a, b) = match p.find('-') {
            Some(i) => (&p[..i], Some(&p[i + 1..])),
            None => (p, None),
        };
        n.proto_min = Some(num(a)?);
        n.proto_max = b.map(num).transpose()?;
    }
    Ok(())
}

/// `set(attr(...))`: a plain set when every field is given exactly, else a masked set.
fn set_action(inner: &str) -> R<ActionAttrs> {
    let (name, sub) =
        call(inner).ok_or_else(|| ParseError::new("expected set(key(...))", inner))?;
    if name == "tunnel" {
        return Ok(ActionAttrs::Set(KeyAttrs {
            tunnel: Some(tunnel(sub)?.0),
            ..Default::default()
        }));
    }
    let mut k = KeyAttrs::default();
    let mut m = KeyAttrs::default();
    key_attr(name, sub, &mut k, &mut m)?;
    let given = FlowMatch {
        key: k.clone(),
        mask: Some(m.clone()),
    };
    let exact = FlowMatch {
        key: k.clone(),
        mask: None,
    };
    if given.normalized() == exact.normalized() {
        return Ok(ActionAttrs::Set(k));
    }
    let masked = super::join_masked(&k, &m);
    if masked == MaskedKeyAttrs::default() {
        return Err(ParseError::new(
            "this key cannot be set under a mask",
            inner,
        ));
    }
    Ok(ActionAttrs::SetMasked(masked))
}
