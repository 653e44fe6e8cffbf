//! The Open vSwitch kernel datapath, dpif style: what OVS's `lib/dpif-netlink.c` does,
//! over nlwire's transport and the schema-generated OVS families.
//!
//! | what | API |
//! |---|---|
//! | families | [`Families::resolve`]: `ovs_datapath`, `ovs_vport`, `ovs_flow`, `ovs_packet`, `ovs_meter`, `ovs_ct_limit` ids from `nlctrl`, once per process |
//! | datapaths | [`Dpif::create`] / [`Dpif::open`] (user-features negotiation as dpif-netlink: probe with an unknown bit, per-CPU dispatch, per-vport fallback; [`Negotiation`]), [`Dpif::get`], [`Dpif::set_dispatch`], [`Dpif::set_features`], [`Dpif::set_masks_cache_size`], [`Dpif::destroy`], [`Dpif::delete_by_name`], [`Dpif::list`] |
//! | vports | [`Dpif::vport_add`] ([`VportSpec`]: internal, netdev, vxlan, geneve, any type; upcall pids), [`Dpif::vport_get`], [`Dpif::vport_set_upcall_pids`], [`Dpif::vport_set`], [`Dpif::vport_del`], [`Dpif::vport_dump`] |
//! | flows | [`Dpif::flow_put`] ([`FlowPut`]: key, mask, actions, UFID, [`PutMode`]), [`Dpif::flow_get`], [`Dpif::flow_del`], [`Dpif::flow_del_echo`], [`Dpif::flow_flush`], [`Dpif::flow_dump`] (full or terse; [`FlowEntry`] views borrow the receive buffer), [`Dpif::flow_operate`] (batches through `transact_multiple`) |
//! | packets | [`Dpif::execute`] ([`Execute`]); [`UpcallSocket`]: `MISS` and `ACTION` upcalls as [`Upcall`] views, the frame not copied |
//! | meters, ct limits | [`Dpif::meter_features`], [`Dpif::meter_set`], [`Dpif::meter_get`], [`Dpif::meter_del`]; [`Dpif::ct_limit_set`], [`Dpif::ct_limit_get`], [`Dpif::ct_limit_del`] |
//! | text | [`odp`]: keys, masks and actions printed and parsed as `ovs-dpctl` does; [`dpctl`]: `ovs-dpctl show` / `dump-flows` output |
//! | wire types | [`attrs`]: the generated `ovs_flow`/`ovs_packet`/`ovs_datapath`/`ovs_vport`/`ovs_meter`/`ovs_ct_limit` types ([`attrs::Packet`] holds `ovs_flow`'s keys and actions) plus [`attrs::Ufid`] |
//!
//! Requests are the generated `ovs_*::msg` messages, encoded and checked against their
//! policy by [`Transaction::set_request`](nlwire::sock::Transaction::set_request) (a
//! request that breaks it is [`Error::InvalidRequest`], naming the attribute), and replies
//! and dumps are read as their generated views. Flow puts and the
//! [`Dpif::flow_operate`] batch are the same generated messages, encoded with
//! [`Transaction::encode_request`](nlwire::sock::Transaction::encode_request) so that they
//! carry exactly the flags they need: a batch asks for neither `NLM_F_ACK` nor
//! `NLM_F_ECHO`, so the kernel answers only the operations that fail; a single put asks
//! for an acknowledgement, or with [`FlowPut::echo`] for the installed flow. Their attributes
//! are in the generated order (KEY, ACTIONS, MASK, UFID), not dpif-netlink's (UFID, KEY,
//! MASK, ACTIONS); the kernel does not depend on the order.
//!
//! Keys, masks and actions are the generated attribute sets ([`attrs::KeyAttrs`],
//! [`attrs::ActionAttrs`]): build them as values, or from ODP text with
//! [`odp::parse_key`] / [`odp::parse_actions`]; read them as zero-copy views from dumps,
//! gets and upcalls, or as owned values (`to_match`, `actions`, `into_owned`).
//!
//! ```no_run
//! use std::time::Duration;
//! use nlwire_families::ovs::{Dpif, FlowPut, UpcallSocket, VportSpec, attrs::Ufid, odp};
//!
//! let mut dp = Dpif::create("dp0")?;
//! let mut upcalls = UpcallSocket::open()?;
//! let p1 = dp.vport_add(&VportSpec::internal("vp1").with_upcall_pids(&[upcalls.port_id()]))?;
//! let p2 = dp.vport_add(&VportSpec::internal("vp2"))?;
//!
//! // A flow from ODP text, with a UFID.
//! let m = odp::parse_key(&format!("in_port({p1}),eth(),eth_type(0x0806),arp(op=1)")).unwrap();
//! let acts = odp::parse_actions(&format!("push_vlan(vid=10,pcp=0),{p2}")).unwrap();
//! dp.flow_put(&FlowPut::from_match(m, acts).with_ufid(Ufid::from_u128(1)))?;
//!
//! // Dump it back: each entry is a view of the kernel's message.
//! let mut dump = dp.flow_dump(false)?;
//! while let Some(f) = dump.next() {
//!     let f = f?;
//!     let m = f.to_match();
//!     println!("{} actions:{}", odp::format_key(&m.key, m.mask.as_ref(), false),
//!              odp::format_actions(&f.actions().unwrap_or_default()));
//! }
//! drop(dump);
//!
//! // Misses on vp1 arrive on the upcall socket.
//! if let Some(u) = upcalls.recv_timeout(Duration::from_secs(1))? {
//!     println!("{:?}: {} bytes, key {:?}", u.kind, u.packet().len(), u.key().in_port);
//! }
//! dp.destroy()?;
//! # Ok::<(), nlwire_families::ovs::Error>(())
//! ```
//!
//! Tested against the real `openvswitch` module and `ovs-dpctl` in the VM harness:
//! `families/tests/ovs_vm.rs`.

pub mod attrs;
pub mod ct_limit;
pub mod dpctl;
mod dpif;
mod error;
pub mod flow;
mod meter;
pub mod odp;
mod packet;
mod request;
mod vport;

pub use ct_limit::ZoneLimit;
pub use dpif::{
    DatapathInfo, Direction, Dispatch, Dpif, Families, Negotiation, OpenOptions, Trace, features,
};
pub use error::{Error, Result};
pub use flow::{FlowDump, FlowEntry, FlowId, FlowOp, FlowPut, PutMode};
pub use meter::DropBand;
pub use packet::{Execute, Upcall, UpcallKind, UpcallSocket};
pub use vport::{VportId, VportSpec};
