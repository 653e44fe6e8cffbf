//! Every kernel YNL spec in `../shared/ynl-specs` (beside the repository) compiled through
//! `nlwire::schema!`: the loader's checks, the generator, the derives and rustc. One module
//! per file; `tests/kernel_specs.rs` checks that every file in the directory has one, and
//! reports per file. A spec the compiler cannot handle fails the build of this crate.
//!
//! The crate denies warnings in generated code (`missing_docs` included), so the generated
//! items are also checked to be warning-free in a user crate.
#![forbid(unsafe_code)]
#![deny(warnings, missing_docs)]

/// `dev-energymodel.yaml`.
pub mod dev_energymodel {
    nlwire::schema!("../../../shared/ynl-specs/dev-energymodel.yaml");
}

/// `dpll.yaml`.
pub mod dpll {
    nlwire::schema!("../../../shared/ynl-specs/dpll.yaml");
}

/// `drm_ras.yaml`.
pub mod drm_ras {
    nlwire::schema!("../../../shared/ynl-specs/drm_ras.yaml");
}

/// `ethtool.yaml`.
pub mod ethtool {
    nlwire::schema!("../../../shared/ynl-specs/ethtool.yaml");
}

/// `fou.yaml`.
pub mod fou {
    nlwire::schema!("../../../shared/ynl-specs/fou.yaml");
}

/// `handshake.yaml`.
pub mod handshake {
    nlwire::schema!("../../../shared/ynl-specs/handshake.yaml");
}

/// `lockd.yaml`.
pub mod lockd {
    nlwire::schema!("../../../shared/ynl-specs/lockd.yaml");
}

/// `mptcp_pm.yaml`.
pub mod mptcp_pm {
    nlwire::schema!("../../../shared/ynl-specs/mptcp_pm.yaml");
}

/// `netdev.yaml`.
pub mod netdev {
    nlwire::schema!("../../../shared/ynl-specs/netdev.yaml");
}

/// `nlctrl.yaml`.
pub mod nlctrl {
    nlwire::schema!("../../../shared/ynl-specs/nlctrl.yaml");
}

/// `ovs_datapath.yaml`.
pub mod ovs_datapath {
    nlwire::schema!("../../../shared/ynl-specs/ovs_datapath.yaml");
}

/// `ovs_flow.yaml`.
pub mod ovs_flow {
    nlwire::schema!("../../../shared/ynl-specs/ovs_flow.yaml");
}

/// `ovs_packet.yaml`.
pub mod ovs_packet {
    nlwire::schema!("../../../shared/ynl-specs/ovs_packet.yaml");
}

/// `ovs_vport.yaml`.
pub mod ovs_vport {
    nlwire::schema!("../../../shared/ynl-specs/ovs_vport.yaml");
}

/// `rt-addr.yaml`.
pub mod rt_addr {
    nlwire::schema!("../../../shared/ynl-specs/rt-addr.yaml");
}

/// `rt-link.yaml`.
pub mod rt_link {
    nlwire::schema!("../../../shared/ynl-specs/rt-link.yaml");
}

/// `rt-neigh.yaml`.
pub mod rt_neigh {
    nlwire::schema!("../../../shared/ynl-specs/rt-neigh.yaml");
}

/// `rt-route.yaml`.
pub mod rt_route {
    nlwire::schema!("../../../shared/ynl-specs/rt-route.yaml");
}

/// `rt-rule.yaml`.
pub mod rt_rule {
    nlwire::schema!("../../../shared/ynl-specs/rt-rule.yaml");
}

/// `sunrpc_cache.yaml`.
pub mod sunrpc_cache {
    nlwire::schema!("../../../shared/ynl-specs/sunrpc_cache.yaml");
}

/// `tc.yaml`.
pub mod tc {
    nlwire::schema!("../../../shared/ynl-specs/tc.yaml");
}

/// `tcp_metrics.yaml`.
pub mod tcp_metrics {
    nlwire::schema!("../../../shared/ynl-specs/tcp_metrics.yaml");
}

/// `team.yaml`.
pub mod team {
    nlwire::schema!("../../../shared/ynl-specs/team.yaml");
}

/// `ovs_flow.yaml` with `action-attrs` as an ordered list of actions (`Vec<ActionAttrs>`),
/// the shape OVS needs.
pub mod ovs_flow_lists {
    nlwire::schema!(
        "../../../shared/ynl-specs/ovs_flow.yaml",
        list_sets = ["action-attrs"]
    );
}

/// `ovs_flow.yaml` again, with its key set taken from [`ovs_flow`] (`extern_sets`): the
/// flow attributes of this module hold `ovs_flow::KeyAttrs`, and the key's own sets and
/// structs are not generated a second time.
pub mod ovs_flow_shared_keys {
    nlwire::schema!(
        "../../../shared/ynl-specs/ovs_flow.yaml",
        extern_sets = ["key-attrs" = "crate::ovs_flow::KeyAttrs"]
    );
}
