//! YNL specs compiled through `nlwire::schema!`: the loader's checks, the generator, the
//! derives and rustc.
//!
//! - Always: the project's specs (`schemas/specs/*.yaml`) and the test specs that cover the
//!   format's corners (`schemas/tests/specs/*.yaml`), one module per file, plus two variants
//!   of `ovs_flow` (its actions as a list; its key set taken from [`ovs_flow`]).
//! - Opt-in, in the `kernel` module: every spec of the kernel spec conformance corpus, when
//!   `NLWIRE_KERNEL_SPECS` names a directory at build time (see `build.rs`).
//!
//! `tests/specs.rs` checks that every file has a module and reports per file. A spec the
//! compiler cannot handle fails the build of this crate.
//!
//! The crate denies warnings in generated code (`missing_docs` included), so the generated
//! items are also checked to be warning-free in a user crate.
#![forbid(unsafe_code)]
#![deny(warnings, missing_docs)]

/// `schemas/specs/nlctrl.yaml`.
pub mod nlctrl {
    nlwire::schema!("../specs/nlctrl.yaml");
}

/// `schemas/specs/ovs_ct_limit.yaml`.
pub mod ovs_ct_limit {
    nlwire::schema!("../specs/ovs_ct_limit.yaml");
}

/// `schemas/specs/ovs_datapath.yaml`.
pub mod ovs_datapath {
    nlwire::schema!("../specs/ovs_datapath.yaml");
}

/// `schemas/specs/ovs_flow.yaml`.
pub mod ovs_flow {
    nlwire::schema!("../specs/ovs_flow.yaml");
}

/// `schemas/specs/ovs_meter.yaml`.
pub mod ovs_meter {
    nlwire::schema!("../specs/ovs_meter.yaml");
}

/// `schemas/specs/ovs_packet.yaml`.
pub mod ovs_packet {
    nlwire::schema!("../specs/ovs_packet.yaml");
}

/// `schemas/specs/ovs_vport.yaml`.
pub mod ovs_vport {
    nlwire::schema!("../specs/ovs_vport.yaml");
}

/// `schemas/specs/rt-addr.yaml`.
pub mod rt_addr {
    nlwire::schema!("../specs/rt-addr.yaml");
}

/// `schemas/specs/rt-link.yaml`.
pub mod rt_link {
    nlwire::schema!("../specs/rt-link.yaml");
}

/// `schemas/specs/rt-neigh.yaml`.
pub mod rt_neigh {
    nlwire::schema!("../specs/rt-neigh.yaml");
}

/// `schemas/specs/rt-route.yaml`.
pub mod rt_route {
    nlwire::schema!("../specs/rt-route.yaml");
}

/// `schemas/specs/rt-rule.yaml`.
pub mod rt_rule {
    nlwire::schema!("../specs/rt-rule.yaml");
}

/// `schemas/specs/tc.yaml`.
pub mod tc {
    nlwire::schema!("../specs/tc.yaml");
}

/// `schemas/tests/specs/corner-enums.yaml`.
pub mod corner_enums {
    nlwire::schema!("../tests/specs/corner-enums.yaml");
}

/// `schemas/tests/specs/corner-genl.yaml`.
pub mod corner_genl {
    nlwire::schema!("../tests/specs/corner-genl.yaml");
}

/// `schemas/tests/specs/corner-legacy.yaml`.
pub mod corner_legacy {
    nlwire::schema!("../tests/specs/corner-legacy.yaml");
}

/// `schemas/tests/specs/corner-link.yaml`.
pub mod corner_link {
    nlwire::schema!("../tests/specs/corner-link.yaml");
}

/// `schemas/tests/specs/corner-qdisc.yaml`.
pub mod corner_qdisc {
    nlwire::schema!("../tests/specs/corner-qdisc.yaml");
}

/// `ovs_flow.yaml` with `action-attrs` as an ordered list of actions (`Vec<ActionAttrs>`),
/// the shape OVS needs.
pub mod ovs_flow_lists {
    nlwire::schema!("../specs/ovs_flow.yaml", list_sets = ["action-attrs"]);
}

/// `ovs_flow.yaml` again, with its key set taken from [`ovs_flow`] (`extern_sets`): the
/// flow attributes of this module hold `ovs_flow::KeyAttrs`, and the key's own sets and
/// structs are not generated a second time.
pub mod ovs_flow_shared_keys {
    nlwire::schema!(
        "../specs/ovs_flow.yaml",
        extern_sets = ["key-attrs" = "crate::ovs_flow::KeyAttrs"]
    );
}

/// The kernel spec conformance corpus (`NLWIRE_KERNEL_SPECS` at build time), one module per
/// spec file, named after the file (`rt-link.yaml` is `rt_link`).
#[cfg(nlwire_kernel_specs)]
pub mod kernel {
    include!(concat!(env!("OUT_DIR"), "/kernel_specs.rs"));
}
