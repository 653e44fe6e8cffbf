//! Canonical forms, so that two descriptions of one flow compare equal as values.

use nlwire::zerocopy::{FromBytes, Immutable, IntoBytes};

use super::super::attrs::*;
use super::{FlowMatch, TCP_FLAGS_MASK, join_masked, split_masked};
use crate::ovs_flow::CtStateFlags;
use nlwire::zerocopy::network_endian::U32 as BeU32;

/// `k & m` byte by byte.
fn and<T: FromBytes + IntoBytes + Immutable + Copy>(k: &T, m: &T) -> T {
    let mut out = *k;
    for (o, b) in out.as_mut_bytes().iter_mut().zip(m.as_bytes()) {
        *o &= *b;
    }
    out
}

fn zero<T: IntoBytes + Immutable>(t: &T) -> bool {
    t.as_bytes().iter().all(|b| *b == 0)
}

fn ones<T: FromBytes + IntoBytes + Copy>(like: &T) -> T {
    let mut out = *like;
    out.as_mut_bytes().fill(0xff);
    out
}

/// A fixed-size attribute: value and mask ANDed, dropped when the mask is zero. With
/// `exact` (no mask at all) the mask is all ones.
fn fixed<T: FromBytes + IntoBytes + Immutable + Copy>(
    k: &mut Option<T>,
    m: &mut Option<T>,
    exact: bool,
) {
    let Some(kv) = *k else {
        *m = None;
        return;
    };
    let mv = if exact {
        ones(&kv)
    } else {
        match *m {
            Some(x) => x,
            None => {
                let mut z = kv;
                z.as_mut_bytes().fill(0);
                z
            }
        }
    };
    if zero(&mv) {
        *k = None;
        *m = None;
    } else {
        *k = Some(and(&kv, &mv));
        *m = Some(mv);
    }
}

impl FlowMatch {
    /// The canonical form: a mask for every attribute (all ones where the match had
    /// none), key bits outside the mask cleared, attributes whose mask is zero removed
    /// (from key and mask), masks limited to the bits a field has (TCP flags: 12, IPv6
    /// flow label: 20, ARP opcode: 8 as the kernel keeps it). Attributes present only
    /// in the mask are dropped.
    ///
    /// ```
    /// use nlwire_families::ovs::odp;
    /// // What ovs-dpctl prints for a flow and what was put agree once normalized.
    /// let printed = odp::parse_key("in_port(1),eth(),eth_type(0x0800),ipv4(dst=10.0.0.0/255.0.0.0,frag=no)")?;
    /// let put = odp::parse_key("in_port(1),eth_type(0x0800),ipv4(src=0.0.0.0/0.0.0.0,dst=10.1.2.3/255.0.0.0,frag=no)")?;
    /// assert_eq!(printed.normalized(), put.normalized());
    /// # Ok::<(), odp::ParseError>(())
    /// ```
    pub fn normalized(&self) -> FlowMatch {
        let mut key = self.key.clone();
        let mut mask = self.mask.clone().unwrap_or_default();
        norm_key(&mut key, &mut mask, self.mask.is_none());
        FlowMatch {
            key,
            mask: Some(mask),
        }
    }
}

fn scalar<T: Copy + Default + PartialEq + core::ops::BitAnd<Output = T>>(
    k: &mut Option<T>,
    m: &mut Option<T>,
    exact: bool,
    full: T,
) {
    let Some(kv) = *k else {
        *m = None;
        return;
    };
    let mv = if exact {
        full
    } else {
        m.unwrap_or_default() & full
    };
    if mv == T::default() {
        *k = None;
        *m = None;
    } else {
        *k = Some(kv & mv);
        *m = Some(mv);
    }
}

fn norm_key(k: &mut KeyAttrs, m: &mut KeyAttrs, exact: bool) {
    scalar(&mut k.priority, &mut m.priority, exact, u32::MAX);
    scalar(&mut k.in_port, &mut m.in_port, exact, u32::MAX);
    scalar(&mut k.vlan, &mut m.vlan, exact, u16::MAX);
    scalar(&mut k.ethertype, &mut m.ethertype, exact, u16::MAX);
    scalar(&mut k.skb_mark, &mut m.skb_mark, exact, u32::MAX);
    scalar(&mut k.tcp_flags, &mut m.tcp_flags, exact, TCP_FLAGS_MASK);
    scalar(&mut k.dp_hash, &mut m.dp_hash, exact, u32::MAX);
    scalar(&mut k.recirc_id, &mut m.recirc_id, exact, u32::MAX);
    scalar(
        &mut k.ct_state,
        &mut m.ct_state,
        exact,
        CtStateFlags(u32::MAX),
    );
    scalar(&mut k.ct_zone, &mut m.ct_zone, exact, u16::MAX);
    scalar(&mut k.ct_mark, &mut m.ct_mark, exact, u32::MAX);
    scalar(&mut k.packet_type, &mut m.packet_type, exact, u32::MAX);
    fixed(&mut k.ethernet, &mut m.ethernet, exact);
    fixed(&mut k.ipv4, &mut m.ipv4, exact);
    // The flow label has 20 bits.
    if let Some(mi) = &mut m.ipv6 {
        mi.ipv6_label = (mi.ipv6_label.get() & 0xfffff).into();
    }
    fixed(&mut k.ipv6, &mut m.ipv6, exact);
    if let Some(mi) = &mut m.ipv6 {
        mi.ipv6_label = (mi.ipv6_label.get() & 0xfffff).into();
    }
    fixed(&mut k.tcp, &mut m.tcp, exact);
    fixed(&mut k.udp, &mut m.udp, exact);
    fixed(&mut k.icmp, &mut m.icmp, exact);
    fixed(&mut k.icmpv6, &mut m.icmpv6, exact);
    fixed(&mut k.arp, &mut m.arp, exact);
    fixed(&mut k.nd, &mut m.nd, exact);
    fixed(&mut k.sctp, &mut m.sctp, exact);
    fixed(&mut k.ct_labels, &mut m.ct_labels, exact);
    fixed(&mut k.ct_orig_tuple_ipv4, &mut m.ct_orig_tuple_ipv4, exact);
    fixed(&mut k.ct_orig_tuple_ipv6, &mut m.ct_orig_tuple_ipv6, exact);
    fixed(&mut k.nd_extensions, &mut m.nd_extensions, exact);
    fixed(&mut k.ipv6_exthdrs, &mut m.ipv6_exthdrs, exact);
    // The kernel keeps the ARP opcode in 8 bits of its flow key (and refuses larger
    // ones), so its masks come back as 0x00ff: an opcode mask covers 8 bits.
    for a in [&mut k.arp, &mut m.arp].into_iter().flatten() {
        a.arp_op = (a.arp_op.get() & 0x00ff).into();
    }
    // C tail padding is not a field.
    for a in [&mut k.arp, &mut m.arp].into_iter().flatten() {
        a.pad = [0; 2];
    }
    for a in [&mut k.ct_orig_tuple_ipv4, &mut m.ct_orig_tuple_ipv4]
        .into_iter()
        .flatten()
    {
        a.pad = [0; 3];
    }
    for a in [&mut k.ct_orig_tuple_ipv6, &mut m.ct_orig_tuple_ipv6]
        .into_iter()
        .flatten()
    {
        a.pad = [0; 3];
    }
    for a in [&mut k.nd_extensions, &mut m.nd_extensions]
        .into_iter()
        .flatten()
    {
        a.pad = [0; 3];
    }
    // MPLS: the label stack entry by entry.
    match (&mut k.mpls, exact) {
        (None, _) => m.mpls = None,
        (Some(stack), true) => m.mpls = Some(vec![BeU32::new(u32::MAX); stack.len()]),
        (Some(stack), false) => {
            let ms = m.mpls.get_or_insert_with(Vec::new);
            ms.resize(stack.len(), BeU32::new(0));
            for (e, x) in stack.iter_mut().zip(ms.iter()) {
                *e = BeU32::new(e.get() & x.get());
            }
            if ms.iter().all(|x| x.get() == 0) {
                k.mpls = None;
                m.mpls = None;
            }
        }
    }
    k.tunnel_info = None;
    m.tunnel_info = None;
    // Nested sets.
    match &mut k.encap {
        None => m.encap = None,
        Some(inner) => {
            let mut im = m.encap.as_deref().cloned().unwrap_or_default();
            norm_key(inner, &mut im, exact);
            if im == KeyAttrs::default() {
                k.encap = None;
                m.encap = None;
            } else {
                m.encap = Some(Box::new(im));
            }
        }
    }
    match &mut k.tunnel {
        None => m.tunnel = None,
        Some(t) => {
            let mut tm = m.tunnel.clone().unwrap_or_default();
            norm_tunnel(t, &mut tm, exact);
            if tm == TunnelKeyAttrs::default() {
                k.tunnel = None;
                m.tunnel = None;
            } else {
                m.tunnel = Some(tm);
            }
        }
    }
    match &mut k.nsh {
        None => m.nsh = None,
        Some(n) => {
            let mut nm = m.nsh.clone().unwrap_or_default();
            fixed(&mut n.base, &mut nm.base, exact);
            fixed(&mut n.md1, &mut nm.md1, exact);
            if nm.base.is_none() && nm.md1.is_none() && n.md2.is_none() {
                k.nsh = None;
                m.nsh = None;
            } else {
                m.nsh = Some(nm);
            }
        }
    }
}

fn norm_tunnel(t: &mut TunnelKeyAttrs, m: &mut TunnelKeyAttrs, exact: bool) {
    scalar(&mut t.id, &mut m.id, exact, u64::MAX);
    scalar(&mut t.ipv4_src, &mut m.ipv4_src, exact, u32::MAX);
    scalar(&mut t.ipv4_dst, &mut m.ipv4_dst, exact, u32::MAX);
    scalar(&mut t.tos, &mut m.tos, exact, u8::MAX);
    scalar(&mut t.ttl, &mut m.ttl, exact, u8::MAX);
    scalar(&mut t.tp_src, &mut m.tp_src, exact, u16::MAX);
    scalar(&mut t.tp_dst, &mut m.tp_dst, exact, u16::MAX);
    for (kv, mv) in [
        (&mut t.ipv6_src, &mut m.ipv6_src),
        (&mut t.ipv6_dst, &mut m.ipv6_dst),
    ] {
        match kv {
            None => *mv = None,
            Some(b) => {
                let mb = if exact {
                    vec![0xff; b.len()]
                } else {
                    mv.clone().unwrap_or_default()
                };
                let anded: Vec<u8> = b
                    .iter()
                    .zip(mb.iter().chain(std::iter::repeat(&0)))
                    .map(|(x, y)| x & y)
                    .collect();
                if mb.iter().all(|x| *x == 0) {
                    *kv = None;
                    *mv = None;
                } else {
                    *kv = Some(anded);
                    *mv = Some(mb);
                }
            }
        }
    }
    for (kf, mf) in [
        (&mut t.dont_fragment, &mut m.dont_fragment),
        (&mut t.csum, &mut m.csum),
        (&mut t.oam, &mut m.oam),
    ] {
        if exact {
            *mf = true;
        }
        *kf &= *mf;
        if !*kf && !exact {
            // A flag the key lacks: only its mask bit says anything.
        }
    }
    if t.vxlan_opts.is_none() {
        m.vxlan_opts = None;
    } else if exact {
        m.vxlan_opts = t.vxlan_opts.clone();
    }
    if t.geneve_opts.is_none() {
        m.geneve_opts = None;
    }
    fixed(&mut t.erspan_opts, &mut m.erspan_opts, exact);
    t.ipv4_info_bridge = false;
    m.ipv4_info_bridge = false;
}

/// The canonical form of an action list: a masked set whose mask is all ones becomes
/// a plain set, value bits outside a masked set's mask are cleared, nested lists
/// (sample, clone, check_pkt_len, dec_ttl) are normalized in turn.
///
/// ```
/// use nlwire_families::ovs::{attrs::*, odp};
/// let masked = ActionAttrs::SetMasked(MaskedKeyAttrs {
///     skb_mark: Some(U32Masked { value: 7.into(), mask: u32::MAX.into() }),
///     ..Default::default()
/// });
/// let plain = ActionAttrs::Set(KeyAttrs { skb_mark: Some(7), ..Default::default() });
/// assert_eq!(odp::normalize_actions(&[masked]), vec![plain]);
/// ```
pub fn normalize_actions(actions: &[ActionAttrs]) -> Vec<ActionAttrs> {
    actions.iter().map(norm_action).collect()
}

fn norm_action(a: &ActionAttrs) -> ActionAttrs {
    use ActionAttrs as A;
    let list = |l: &Option<Vec<ActionAttrs>>| Some(normalize_actions(l.as_deref().unwrap_or(&[])));
    match a {
        A::SetMasked(sm) => {
            let (k, m) = split_masked(sm);
            let given = FlowMatch {
                key: k.clone(),
                mask: Some(m),
            }
            .normalized();
            let full = FlowMatch {
                key: k.clone(),
                mask: None,
            }
            .normalized();
            if given == full {
                A::Set(k)
            } else {
                let mask = given.mask.unwrap_or_default();
                A::SetMasked(join_masked(&given.key, &mask))
            }
        }
        A::Sample(s) => A::Sample(SampleAttrs {
            probability: s.probability,
            actions: list(&s.actions),
        }),
        A::Clone(c) => A::Clone(normalize_actions(c)),
        A::CheckPktLen(c) => A::CheckPktLen(CheckPktLenAttrs {
            pkt_len: c.pkt_len,
            actions_if_greater: list(&c.actions_if_greater),
            actions_if_less_equal: list(&c.actions_if_less_equal),
        }),
        A::DecTtl(d) => A::DecTtl(DecTtlAttrs {
            action: list(&d.action),
        }),
        A::Ct(c) => {
            let mut c = c.clone();
            if c.zone == Some(0) {
                c.zone = None;
            }
            A::Ct(c)
        }
        other => other.clone(),
    }
}
