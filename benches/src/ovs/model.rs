//! The values a consumer of an OVS flow dump reads, as plain `repr(C)` records.
//!
//! Every decoder in this crate (nlwire, netlink-bindings, neli, rust-netlink, C libmnl)
//! fills the same [`Flow`] from the same bytes, so the work per peer is equal and the
//! results can be compared for equality. The records hold no heap data, so filling
//! them costs no allocation in itself; whatever a peer allocates is its own.
//! `csrc/ovs_model.h` mirrors these layouts for the C reference.

/// OVS_FLOW_ATTR_* (include/uapi/linux/openvswitch.h).
pub mod flow_attr {
    pub const KEY: u16 = 1;
    pub const ACTIONS: u16 = 2;
    pub const STATS: u16 = 3;
    pub const TCP_FLAGS: u16 = 4;
    pub const USED: u16 = 5;
    pub const CLEAR: u16 = 6;
    pub const MASK: u16 = 7;
    pub const PROBE: u16 = 8;
    pub const UFID: u16 = 9;
    pub const UFID_FLAGS: u16 = 10;
    pub const PAD: u16 = 11;
}

/// OVS_KEY_ATTR_*.
pub mod key_attr {
    pub const ENCAP: u16 = 1;
    pub const PRIORITY: u16 = 2;
    pub const IN_PORT: u16 = 3;
    pub const ETHERNET: u16 = 4;
    pub const VLAN: u16 = 5;
    pub const ETHERTYPE: u16 = 6;
    pub const IPV4: u16 = 7;
    pub const IPV6: u16 = 8;
    pub const TCP: u16 = 9;
    pub const UDP: u16 = 10;
    pub const SKB_MARK: u16 = 15;
    pub const TUNNEL: u16 = 16;
    pub const TCP_FLAGS: u16 = 18;
    pub const DP_HASH: u16 = 19;
    pub const RECIRC_ID: u16 = 20;
    pub const CT_STATE: u16 = 22;
    pub const CT_ZONE: u16 = 23;
    pub const CT_MARK: u16 = 24;
    pub const CT_LABELS: u16 = 25;
}

/// OVS_TUNNEL_KEY_ATTR_* (numbered from 0).
pub mod tun_attr {
    pub const ID: u16 = 0;
    pub const IPV4_SRC: u16 = 1;
    pub const IPV4_DST: u16 = 2;
    pub const TOS: u16 = 3;
    pub const TTL: u16 = 4;
    pub const DONT_FRAGMENT: u16 = 5;
    pub const CSUM: u16 = 6;
    pub const TP_SRC: u16 = 9;
    pub const TP_DST: u16 = 10;
}

/// OVS_ACTION_ATTR_*.
pub mod action_attr {
    pub const OUTPUT: u16 = 1;
    pub const USERSPACE: u16 = 2;
    pub const SET: u16 = 3;
    pub const PUSH_VLAN: u16 = 4;
    pub const POP_VLAN: u16 = 5;
    pub const RECIRC: u16 = 7;
    pub const CT: u16 = 12;
}

/// OVS_USERSPACE_ATTR_*.
pub mod userspace_attr {
    pub const PID: u16 = 1;
    pub const USERDATA: u16 = 2;
    pub const ACTIONS: u16 = 4;
}

/// OVS_CT_ATTR_*.
pub mod ct_attr {
    pub const COMMIT: u16 = 1;
    pub const ZONE: u16 = 2;
}

/// OVS_FLOW_CMD_*.
pub const OVS_FLOW_CMD_NEW: u8 = 1;
/// OVS_FLOW_VERSION.
pub const OVS_FLOW_VERSION: u8 = 1;
/// The family id used in generated messages (dynamic on a real host).
pub const OVS_FLOW_FAMILY: u16 = 0x1d;

/// Most actions a [`Flow`] records.
pub const MAX_ACTIONS: usize = 8;
/// Largest userspace USERDATA a [`Flow`] records.
pub const MAX_USERDATA: usize = 16;

/// `OVS_KEY_ATTR_TUNNEL` (and a `set(tunnel(...))` action), all fields host order.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TunnelKey {
    pub id: u64,
    pub ipv4_src: u32,
    pub ipv4_dst: u32,
    pub tp_src: u16,
    pub tp_dst: u16,
    pub tos: u8,
    pub ttl: u8,
    /// `1 << OVS_TUNNEL_KEY_ATTR_*` for every attribute present (flags included).
    pub present: u16,
}

/// A flow key or mask (`OVS_KEY_ATTR_*`), all fields host order.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowKey {
    /// `1 << OVS_KEY_ATTR_*` for every attribute present.
    pub present: u32,
    pub priority: u32,
    pub in_port: u32,
    pub skb_mark: u32,
    pub recirc_id: u32,
    pub dp_hash: u32,
    pub ct_state: u32,
    pub ct_mark: u32,
    pub ct_zone: u16,
    pub eth_type: u16,
    pub vlan_tci: u16,
    pub tcp_flags: u16,
    pub ct_labels: [u8; 16],
    pub eth_src: [u8; 6],
    pub eth_dst: [u8; 6],
    pub ipv4_src: u32,
    pub ipv4_dst: u32,
    pub ipv6_src: [u8; 16],
    pub ipv6_dst: [u8; 16],
    pub ipv6_label: u32,
    /// ipv4 proto / ipv6 proto.
    pub ip_proto: u8,
    /// ipv4 tos / ipv6 tclass.
    pub ip_tos: u8,
    /// ipv4 ttl / ipv6 hlimit.
    pub ip_ttl: u8,
    pub ip_frag: u8,
    /// TCP or UDP ports.
    pub tp_src: u16,
    pub tp_dst: u16,
    pub tunnel: TunnelKey,
}

/// One action: `kind` is the OVS_ACTION_ATTR_* type.
/// OUTPUT: arg = port. PUSH_VLAN: sub = tpid, arg = tci. RECIRC: arg = id.
/// USERSPACE: arg = pid, sub = 1 if the ACTIONS flag is set (userdata in [`Flow`]).
/// SET: sub = the key attribute set (TUNNEL: value in [`Flow::set_tunnel`]).
/// CT: sub = 1 if COMMIT, arg = zone.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Action {
    pub kind: u16,
    pub sub: u16,
    pub arg: u32,
}

/// Everything a consumer reads from one OVS_FLOW_CMD_NEW reply of a dump.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    /// `1 << OVS_FLOW_ATTR_*` for every attribute present.
    pub attrs: u32,
    pub dp_ifindex: u32,
    pub ufid: [u8; 16],
    pub key: FlowKey,
    pub mask: FlowKey,
    pub n_packets: u64,
    pub n_bytes: u64,
    pub used: u64,
    pub tcp_flags: u8,
    pub n_actions: u8,
    pub userdata_len: u8,
    pub _pad: u8,
    pub upcall_pid: u32,
    pub userdata: [u8; MAX_USERDATA],
    pub set_tunnel: TunnelKey,
    pub actions: [Action; MAX_ACTIONS],
}

impl Flow {
    /// Appends an action; returns false (and records nothing) when the record is full.
    #[inline]
    pub fn push_action(&mut self, a: Action) -> bool {
        let n = self.n_actions as usize;
        if n >= MAX_ACTIONS {
            return false;
        }
        self.actions[n] = a;
        self.n_actions += 1;
        true
    }

    /// Records USERDATA; returns false when it is longer than the record holds.
    #[inline]
    pub fn set_userdata(&mut self, d: &[u8]) -> bool {
        if d.len() > MAX_USERDATA {
            return false;
        }
        self.userdata[..d.len()].copy_from_slice(d);
        self.userdata_len = d.len() as u8;
        true
    }

    /// The recorded actions.
    pub fn actions(&self) -> &[Action] {
        &self.actions[..self.n_actions as usize]
    }
}

/// A cheap fold of a decoded flow that the benches feed to `black_box`, so the
/// optimiser cannot drop work whose result nobody reads.
#[inline]
pub fn fold(acc: u64, f: &Flow) -> u64 {
    acc.wrapping_mul(31)
        .wrapping_add(f.key.in_port as u64)
        .wrapping_add(f.n_packets)
        .wrapping_add(f.n_actions as u64)
}

const _: () = assert!(core::mem::size_of::<TunnelKey>() == 24);
