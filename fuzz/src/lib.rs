//! Fuzz target bodies. Each `pub fn name(data: &[u8])` panics only on a real bug; it is
//! called by the libFuzzer binaries in `fuzz/libfuzzer` and, on stable Rust, by
//! `tests/corpus.rs` over the checked-in seed corpus plus generated inputs.
#![forbid(unsafe_code)]

mod buffer_model;
mod families;
mod ovs_derived;
mod pcap_decode;
mod policy_check;
mod schema_load;

pub use buffer_model::buffer_model;
pub use families::{FAMILIES_ROUNDTRIP_TYPES, families_decode, families_roundtrip};
pub use ovs_derived::{ovs_decode, ovs_roundtrip};
pub use pcap_decode::{PCAP_OUTPUT_BASE, PCAP_OUTPUT_PER_BYTE, pcap_decode};
pub use policy_check::{TOP as POLICY_CHECK_POLICY, policy_check};
pub use schema_load::schema_load;

/// A target: its name (the corpus folder under `fuzz/corpus/`) and its body.
pub type Target = (&'static str, fn(&[u8]));

/// Every target, for the corpus runner.
pub const TARGETS: &[Target] = &[
    ("buffer_model", buffer_model),
    ("policy_check", policy_check),
    ("schema_load", schema_load),
    ("ovs_decode", ovs_decode),
    ("ovs_roundtrip", ovs_roundtrip),
    ("families_decode", families_decode),
    ("families_roundtrip", families_roundtrip),
    ("pcap_decode", pcap_decode),
];
