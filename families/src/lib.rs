//! Typed netlink families, generated from the project's YNL specs (`schemas/specs`,
//! embedded in `nlwire-schema` as `nlwire_schema::builtin`) at build time: one module per
//! family, one cargo feature per family (all on by default).
//!
//! Each module holds what `nlwire_schema::codegen` emits for the spec: `FAMILY_NAME`,
//! `VERSION`, `PROTOCOL`; the spec's definitions (enum and flags newtypes, `#[nlwire::wire]`
//! structs such as `OvsHeader`); one `#[derive(nlwire::AttrSet)]` type per attribute set
//! (`ovs_flow::FlowAttrs`, `ovs_flow::KeyAttrs`; OVS actions as `Vec<ovs_flow::ActionAttrs>`);
//! `cmd::*` / `reply::*` message ids, `mcgrp::*` group names, and `msg::*` messages with the
//! `ovs_header` fixed header (`#[derive(nlwire::Message)]`).
//!
//! ```
//! use nlwire::{Message, MsgBuf, consts::NLM_F_REQUEST};
//! use nlwire_families::ovs_datapath::{self as dp, msg::GetRequest};
//!
//! let req = GetRequest {
//!     header: dp::OvsHeader::default(),
//!     attrs: dp::Datapath { name: Some("ovs-system".into()), ..Default::default() },
//! };
//! let mut buf = MsgBuf::new();
//! req.encode(&mut buf, 0x1c, NLM_F_REQUEST)?;
//! let view = GetRequest::decode(buf.as_slice())?;
//! assert_eq!((view.genl.cmd, view.genl.version), (dp::cmd::GET, dp::VERSION));
//! assert_eq!(view.attrs.name, Some("ovs-system"));
//! # Ok::<(), nlwire::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// `ovs_datapath`: OVS datapaths (create, delete, get, set; stats, user features).
#[cfg(feature = "ovs_datapath")]
pub mod ovs_datapath {
    include!(concat!(env!("OUT_DIR"), "/ovs_datapath.rs"));
}

/// `ovs_vport`: OVS datapath ports.
#[cfg(feature = "ovs_vport")]
pub mod ovs_vport {
    include!(concat!(env!("OUT_DIR"), "/ovs_vport.rs"));
}

/// `ovs_flow`: OVS flows (keys, masks, actions as an ordered `Vec<ActionAttrs>`).
#[cfg(feature = "ovs_flow")]
pub mod ovs_flow {
    include!(concat!(env!("OUT_DIR"), "/ovs_flow.rs"));
}

/// `ovs_packet`: OVS packet upcalls (miss, action) and execute. Its key, action and
/// tunnel-key sets are [`ovs_flow`]'s types (`ovs_flow::KeyAttrs`, ...), not copies.
#[cfg(feature = "ovs_packet")]
pub mod ovs_packet {
    include!(concat!(env!("OUT_DIR"), "/ovs_packet.rs"));
}

/// `ovs_meter`: OVS meters and their bands.
#[cfg(feature = "ovs_meter")]
pub mod ovs_meter {
    include!(concat!(env!("OUT_DIR"), "/ovs_meter.rs"));
}

/// `ovs_ct_limit`: OVS conntrack zone limits (a packed array of `OvsZoneLimit`).
#[cfg(feature = "ovs_ct_limit")]
pub mod ovs_ct_limit {
    include!(concat!(env!("OUT_DIR"), "/ovs_ct_limit.rs"));
}

/// `nlctrl`: the generic netlink controller (families, ops, groups, policies).
#[cfg(feature = "nlctrl")]
pub mod nlctrl {
    include!(concat!(env!("OUT_DIR"), "/nlctrl.rs"));
}

/// `rt-link`: rtnetlink links (`ifinfomsg`, `IFLA_*`, per-kind link data as sub-messages,
/// link statistics). A netlink-raw family: constants, structs, sets and sub-messages.
#[cfg(feature = "rt_link")]
pub mod rt_link {
    include!(concat!(env!("OUT_DIR"), "/rt_link.rs"));
}

/// `rt-addr`: rtnetlink interface addresses (`ifaddrmsg`, `IFA_*`, `ifa_cacheinfo`,
/// `IFA_F_*`).
#[cfg(feature = "rt_addr")]
pub mod rt_addr {
    include!(concat!(env!("OUT_DIR"), "/rt_addr.rs"));
}

/// `rt-route`: rtnetlink routes (`rtmsg`, `RTA_*`, `RTAX_*` metrics, `rta_cacheinfo`;
/// multipath kept as bytes).
#[cfg(feature = "rt_route")]
pub mod rt_route {
    include!(concat!(env!("OUT_DIR"), "/rt_route.rs"));
}

/// `rt-neigh`: rtnetlink neighbours and FDB entries (`ndmsg`, `NDA_*`, `nda_cacheinfo`, `NUD_*`
/// states, `NTF_*` flags) and neighbour tables (`ndtmsg`, `NDTA_*`, `NDTPA_*`).
#[cfg(feature = "rt_neigh")]
pub mod rt_neigh {
    include!(concat!(env!("OUT_DIR"), "/rt_neigh.rs"));
}

/// `rt-rule`: rtnetlink policy routing rules (`fib_rule_hdr`, `FRA_*`, `FR_ACT_*`,
/// `FIB_RULE_*`).
#[cfg(feature = "rt_rule")]
pub mod rt_rule {
    include!(concat!(env!("OUT_DIR"), "/rt_rule.rs"));
}

/// `tc`: rtnetlink traffic control (`tcmsg`, `TCA_*`, statistics; qdisc options and
/// extended statistics as sub-messages: fq_codel, htb, fifos, prio, ingress/clsact).
#[cfg(feature = "tc")]
pub mod tc {
    include!(concat!(env!("OUT_DIR"), "/tc.rs"));
}

// The dpif-style OVS datapath API (docs in the module).
#[cfg(feature = "ovs")]
pub mod ovs;

/// The top-level README's Rust examples, compiled and run as doctests so they stay true
/// (here, where the generated families they start from are in scope).
#[cfg(all(doctest, feature = "nlctrl"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
