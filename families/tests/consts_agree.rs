//! The numbers the codec and the OVS API write by hand agree with the ones generated from
//! the project's specs: each constant is checked against bytes a generated encoder wrote
//! (attribute types) or against a generated constant (commands, feature bits). The live
//! kernel checks the same numbers again in `codec/tests/sock_kernel.rs` and the VM tests.

use nlwire::sock::genl;
use nlwire::{Attrs, Encode};
use nlwire_families::{nlctrl, ovs, ovs_datapath};

/// The attribute types, in order, of what `set` encodes to.
fn types_of(set: &impl Encode) -> Vec<u16> {
    let bytes = set.encode_to_vec().unwrap();
    Attrs::new(&bytes).map(|a| a.unwrap().ty()).collect()
}

#[test]
fn ctrl_attribute_types_match_the_nlctrl_spec() {
    let attrs = nlctrl::CtrlAttrs {
        family_id: Some(16),
        family_name: Some("nlctrl".into()),
        version: Some(2),
        hdrsize: Some(0),
        maxattr: Some(0),
        ops: Some(vec![nlctrl::OpAttrs::default()]),
        mcast_groups: Some(vec![nlctrl::McastGroupAttrs::default()]),
        ..Default::default()
    };
    assert_eq!(
        types_of(&attrs),
        [
            genl::CTRL_ATTR_FAMILY_ID,
            genl::CTRL_ATTR_FAMILY_NAME,
            genl::CTRL_ATTR_VERSION,
            genl::CTRL_ATTR_HDRSIZE,
            genl::CTRL_ATTR_MAXATTR,
            genl::CTRL_ATTR_OPS,
            genl::CTRL_ATTR_MCAST_GROUPS,
        ]
    );
    let group = nlctrl::McastGroupAttrs {
        name: Some("notify".into()),
        id: Some(16),
    };
    assert_eq!(
        types_of(&group),
        [genl::CTRL_ATTR_MCAST_GRP_NAME, genl::CTRL_ATTR_MCAST_GRP_ID]
    );
}

#[test]
fn ctrl_commands_match_the_nlctrl_spec() {
    assert_eq!(genl::CTRL_CMD_GETFAMILY, nlctrl::cmd::GETFAMILY);
    assert_eq!(genl::CTRL_CMD_NEWFAMILY, nlctrl::reply::GETFAMILY);
    assert_eq!(
        u32::from(nlwire::consts::GENL_ID_CTRL),
        nlctrl::GENL_ID_CTRL
    );
}

#[test]
fn ovs_feature_bits_match_the_ovs_datapath_spec() {
    use ovs::features::*;
    let spec = ovs_datapath::UserFeatures::ENTRIES;
    let named = |n: &str| spec.iter().find(|(name, _)| *name == n).unwrap().1.bits();
    assert_eq!(UNALIGNED, named("unaligned"));
    assert_eq!(VPORT_PIDS, named("vport-pids"));
    assert_eq!(TC_RECIRC_SHARING, named("tc-recirc-sharing"));
    assert_eq!(DISPATCH_UPCALL_PER_CPU, named("dispatch-upcall-per-cpu"));
    // The probe bit is one the spec does not define.
    assert!(spec.iter().all(|(_, f)| f.bits() & PROBE_UNSUPPORTED == 0));
}
