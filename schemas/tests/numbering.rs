//! Numbering and reference resolution on the kernel's specs, against values from the kernel
//! uAPI headers.

use nlwire_schema::{AttrType, ByteOrder, DefKind, EnumModel, Family, IntType, Protocol};

fn kernel(file: &str) -> Family {
    let path = format!(
        "{}/../../shared/ynl-specs/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    nlwire_schema::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn attr_value(f: &Family, set: &str, attr: &str) -> u16 {
    f.set(set).unwrap().attr(attr).unwrap().value
}

#[test]
fn nlctrl() {
    let f = kernel("nlctrl.yaml");
    assert_eq!(f.protocol, Protocol::GenetlinkLegacy);
    assert_eq!(f.ops.enum_model, EnumModel::Directional);
    let get = f.op("getfamily").unwrap();
    assert_eq!((get.req_value, get.rsp_value), (Some(3), Some(1)));
    let pol = f.op("getpolicy").unwrap();
    assert_eq!((pol.req_value, pol.rsp_value), (Some(10), Some(10)));
    assert_eq!(attr_value(&f, "ctrl-attrs", "family-id"), 1);
    assert_eq!(attr_value(&f, "ctrl-attrs", "policy"), 8);
    assert_eq!(attr_value(&f, "ctrl-attrs", "op-policy"), 9);
    assert_eq!(attr_value(&f, "ctrl-attrs", "op"), 10);
    let ops = f.set("ctrl-attrs").unwrap().attr("ops").unwrap();
    assert_eq!(
        (ops.ty, ops.sub_type),
        (AttrType::IndexedArray, Some(AttrType::Nest))
    );
    assert_eq!(f[ops.nested.unwrap()].name, "op-attrs");
    let policy = f.set("ctrl-attrs").unwrap().attr("policy").unwrap();
    assert_eq!(policy.ty, AttrType::NestTypeValue);
    assert_eq!(policy.type_value, ["policy-id", "attr-id"]);
    assert_eq!(f.set("ctrl-attrs").unwrap().name_prefix, "ctrl-attr-");
    assert_eq!(f.ops.name_prefix, "ctrl-cmd-");
    assert_eq!(f.netlink_protocol(), 16);
}

#[test]
fn ovs_flow() {
    let f = kernel("ovs_flow.yaml");
    assert_eq!(f[f.ops.fixed_header.unwrap()].name, "ovs-header");
    let get = f.op("get").unwrap();
    assert_eq!(get.value(), Some(3));
    assert_eq!(f[get.fixed_header.unwrap()].name, "ovs-header");
    assert_eq!(f.op("new").unwrap().value(), Some(1));
    assert_eq!(attr_value(&f, "flow-attrs", "ufid-flags"), 10);
    assert_eq!(attr_value(&f, "key-attrs", "tunnel"), 16);
    assert_eq!(attr_value(&f, "key-attrs", "ct-state"), 22);
    let tunnel = f.set("tunnel-key-attrs").unwrap();
    assert_eq!(tunnel.attr("id").unwrap().value, 0);
    assert_eq!(tunnel.attr("ipv4-src").unwrap().value, 1);
    assert_eq!(tunnel.attr("pad").unwrap().value, 14);
    assert_eq!(tunnel.attr("id").unwrap().byte_order, ByteOrder::BigEndian);
    let stats = f.set("flow-attrs").unwrap().attr("stats").unwrap();
    assert_eq!(f[stats.struct_.unwrap()].name, "ovs-flow-stats");
    let ipv4 = f.def("ovs-key-ipv4").unwrap().as_struct().unwrap();
    assert_eq!(ipv4.size, 12);
    assert_eq!(ipv4.member("ipv4-proto").unwrap().offset, 8);
    let dump = get.dump.as_ref().unwrap();
    let set = &f[get.attr_set.unwrap()];
    let names: Vec<_> = dump
        .reply
        .as_ref()
        .unwrap()
        .attrs
        .iter()
        .map(|&i| set.attrs[i].name.as_str())
        .collect();
    assert_eq!(names, ["key", "ufid", "mask", "stats", "actions"]);
}

#[test]
fn ovs_datapath_version_and_flags() {
    let f = kernel("ovs_datapath.yaml");
    assert_eq!(f.version, 2);
    let DefKind::Enum(e) = &f.def("user-features").unwrap().kind else {
        panic!("user-features is not flags")
    };
    assert!(e.flags);
    assert_eq!(e.user_value(e.entry("unaligned").unwrap()), 1);
    assert_eq!(e.user_value(e.entry("vport-pids").unwrap()), 2);
}

#[test]
fn rt_link_directional_and_sub_messages() {
    let f = kernel("rt-link.yaml");
    assert_eq!(f.protocol, Protocol::NetlinkRaw);
    assert_eq!(f.protonum, Some(0));
    let new = f.op("newlink").unwrap();
    assert_eq!((new.req_value, new.rsp_value), (Some(16), None));
    assert_eq!(f[new.fixed_header.unwrap()].name, "ifinfomsg");
    let get = f.op("getlink").unwrap();
    assert_eq!((get.req_value, get.rsp_value), (Some(18), Some(16)));
    let ntf = f.op("newlink-ntf").unwrap();
    assert_eq!((ntf.req_value, ntf.rsp_value), (None, Some(16)));
    assert_eq!(ntf.notify, f.op_id("getlink"));
    assert_eq!(ntf.attr_set, get.attr_set);
    let stats = f.op("getstats").unwrap();
    assert_eq!((stats.req_value, stats.rsp_value), (Some(94), Some(92)));
    assert_eq!(f.ops_by_reply_value(16).count(), 2);

    let linkinfo = f.set("linkinfo-attrs").unwrap();
    let data = linkinfo.attr("data").unwrap();
    assert_eq!(data.ty, AttrType::SubMessage);
    assert_eq!(data.selector.as_deref(), Some("kind"));
    let msg = &f[data.sub_message.unwrap()];
    assert_eq!(msg.name, "linkinfo-data-msg");
    let bond = msg.format("bond").unwrap();
    assert_eq!(f[bond.attr_set.unwrap()].name, "linkinfo-bond-attrs");
    assert_eq!(f.mcast_group("rtnlgrp-link").unwrap().value, Some(1));
    let ifinfomsg = f.def("ifinfomsg").unwrap().as_struct().unwrap();
    assert_eq!(ifinfomsg.size, 16);
}

#[test]
fn tc_sub_messages() {
    let f = kernel("tc.yaml");
    assert_eq!(f.sub_messages.len(), 3);
    let options = f.set("attrs").unwrap().attr("options").unwrap();
    assert_eq!(options.ty, AttrType::SubMessage);
    assert_eq!(options.value, 2);
    let msg = &f[options.sub_message.unwrap()];
    let netem = msg.format("netem").unwrap();
    assert_eq!(f[netem.fixed_header.unwrap()].name, "tc-netem-qopt");
    assert_eq!(f[netem.attr_set.unwrap()].name, "netem-attrs");
    let bfifo = msg.format("bfifo").unwrap();
    assert!(bfifo.attr_set.is_none());
    assert_eq!(f[bfifo.fixed_header.unwrap()].as_struct().unwrap().size, 4);
    assert_eq!(
        f[f.op("newqdisc").unwrap().fixed_header.unwrap()].name,
        "tcmsg"
    );
}

#[test]
fn dpll_sint_and_enums() {
    let f = kernel("dpll.yaml");
    assert_eq!(f.protocol, Protocol::Genetlink);
    let pin = f.set("pin").unwrap();
    assert_eq!(
        pin.attr("fractional-frequency-offset").unwrap().ty,
        AttrType::Sint
    );
    assert_eq!(
        pin.attr("phase-offset").unwrap().ty,
        AttrType::Int(IntType::S64)
    );
    let mode = f.def("mode").unwrap().as_enum().unwrap();
    assert_eq!(mode.entry("manual").unwrap().value, 1);
}

#[test]
fn netdev_enums_and_uint() {
    let f = kernel("netdev.yaml");
    let xdp = f.def("xdp-act").unwrap().as_enum().unwrap();
    assert!(xdp.flags && xdp.render_max);
    assert_eq!(xdp.entry("basic").unwrap().value, 0);
    assert_eq!(xdp.user_value(xdp.entry("basic").unwrap()), 1);
    assert_eq!(xdp.user_value(xdp.entry("rx-sg").unwrap()), 32);
    assert_eq!(xdp.name_prefix, "netdev-xdp-act-");
    let qt = f.def("queue-type").unwrap().as_enum().unwrap();
    assert_eq!(
        (qt.entry("rx").unwrap().value, qt.entry("tx").unwrap().value),
        (0, 1)
    );
    let dev = f.set("dev").unwrap();
    assert_eq!(dev.attr("ifindex").unwrap().value, 1);
    assert_eq!(dev.attr("ifindex").unwrap().checks.min, Some(1));
    assert_eq!(dev.name_prefix, "netdev-a-dev-");
    let xdp_features = dev.attr("xdp-features").unwrap();
    assert_eq!(f[xdp_features.enum_.unwrap()].name, "xdp-act");
    assert_eq!(
        f.set("page-pool").unwrap().attr("id").unwrap().ty,
        AttrType::Uint
    );
    assert_eq!(
        f.set("page-pool").unwrap().attr("id").unwrap().checks.max,
        Some(u32::MAX.into())
    );
    assert_eq!(f.op("dev-get").unwrap().value(), Some(1));
    assert_eq!(f.ops.name_prefix, "netdev-cmd-");
}

#[test]
fn ethtool_directional() {
    let f = kernel("ethtool.yaml");
    let ids = |name: &str| {
        let op = f.op(name).unwrap();
        (op.req_value, op.rsp_value)
    };
    assert_eq!(ids("strset-get"), (Some(1), Some(1)));
    assert_eq!(ids("linkinfo-get"), (Some(2), Some(2)));
    assert_eq!(ids("linkinfo-set"), (Some(3), None));
    assert_eq!(ids("linkinfo-ntf"), (None, Some(3)));
    assert_eq!(ids("linkmodes-get"), (Some(4), Some(4)));
    let ntf = f.op("linkinfo-ntf").unwrap();
    assert!(ntf.is_async() && !ntf.is_call());
    assert_eq!(f[ntf.attr_set.unwrap()].name, "linkinfo");
    let header = f.set("strset").unwrap().attr("header").unwrap();
    assert_eq!(f[header.nested.unwrap()].name, "header");
}

#[test]
fn value_start_and_const_limits() {
    let drm = kernel("drm_ras.yaml");
    let e = drm.definitions[0].as_enum().unwrap();
    assert_eq!(e.entries[0].value, 1);
    let hs = kernel("handshake.yaml");
    let status = hs.set("done").unwrap().attr("status").unwrap();
    assert_eq!(status.checks.max, Some(4095));
    let fou = kernel("fou.yaml");
    assert_eq!(fou.op("unspec").unwrap().value(), Some(0));
    assert!(fou.op("unspec").unwrap().is_reserved());
    assert_eq!(
        fou.set("fou")
            .unwrap()
            .attr("local-v6")
            .unwrap()
            .checks
            .exact_len,
        Some(16)
    );
}

#[test]
fn subsets_take_superset_values() {
    let mut subsets = 0;
    for file in ["dpll.yaml", "ethtool.yaml", "netdev.yaml", "rt-link.yaml"] {
        let f = kernel(file);
        for set in f.attr_sets.iter().filter(|s| s.subset_of.is_some()) {
            subsets += 1;
            let sup = &f[set.subset_of.unwrap()];
            assert_eq!(set.name_prefix, sup.name_prefix);
            for a in &set.attrs {
                let real = sup.attr(&a.name).unwrap();
                assert_eq!(a.value, real.value, "{file} {} {}", set.name, a.name);
            }
        }
    }
    assert_eq!(subsets, 11);
    let rt = kernel("rt-link.yaml");
    let ip6tnl = rt.set("linkinfo-ip6tnl-attrs").unwrap();
    let sup = &rt[ip6tnl.subset_of.unwrap()];
    assert_eq!(
        ip6tnl.attr("flags").unwrap().ty,
        AttrType::Int(IntType::U32)
    );
    assert_eq!(sup.attr("flags").unwrap().ty, AttrType::Int(IntType::U16));
    let dpll = kernel("dpll.yaml");
    let parent = dpll.set("pin-parent-device").unwrap();
    assert_eq!(dpll[parent.subset_of.unwrap()].name, "pin");
    assert_eq!(
        parent.attr("parent-id").unwrap().value,
        dpll.set("pin").unwrap().attr("parent-id").unwrap().value
    );
}

#[test]
fn every_attribute_reference_resolves() {
    for file in [
        "ovs_flow.yaml",
        "rt-link.yaml",
        "tc.yaml",
        "ethtool.yaml",
        "nlctrl.yaml",
    ] {
        let f = kernel(file);
        for s in &f.attr_sets {
            for a in &s.attrs {
                if a.ty == AttrType::Nest {
                    assert!(a.nested.is_some(), "{file} {} {}", s.name, a.name);
                }
                if a.ty == AttrType::SubMessage {
                    assert!(a.sub_message.is_some() && a.selector.is_some());
                }
            }
        }
        for op in &f.ops.list {
            if op.is_call() {
                assert!(op.attr_set.is_some(), "{file} {}", op.name);
            }
        }
    }
}

#[test]
fn hex_values_and_yaml_1_1_names() {
    let spec = r#"
name: ct
doc: conntrack-like
protocol: netlink-raw
protonum: 12
definitions:
  - name: nfgenmsg
    type: struct
    members:
      - {name: nfgen-family, type: u8}
      - {name: version, type: u8}
      - {name: res-id, type: u16, byte-order: big-endian}
  - name: words
    type: enum
    entries: ["no", "off", yes]
attribute-sets:
  - name: attrs
    attributes:
      - {name: "no", type: u32, value: 0x10}
      - {name: next, type: u32}
operations:
  enum-model: directional
  fixed-header: nfgenmsg
  list:
    - name: get
      doc: get
      attribute-set: attrs
      do:
        request: {value: 0x101, attributes: ["no"]}
        reply: {value: 0x100, attributes: [next]}
      dump:
        request: {value: 0x101}
        reply: {value: 0x100}
    - name: stats
      doc: stats
      attribute-set: attrs
      dump:
        request: {}
        reply: {}
mcast-groups:
  list:
    - {name: grp, value: 0x3}
"#;
    let f = nlwire_schema::load_str(spec, "ct.yaml").unwrap_or_else(|e| panic!("{e}"));
    let get = f.op("get").unwrap();
    assert_eq!((get.req_value, get.rsp_value), (Some(0x101), Some(0x100)));
    let stats = f.op("stats").unwrap();
    assert_eq!(
        (stats.req_value, stats.rsp_value),
        (Some(0x102), Some(0x101))
    );
    assert_eq!(f.set("attrs").unwrap().attr("no").unwrap().value, 16);
    assert_eq!(f.set("attrs").unwrap().attr("next").unwrap().value, 17);
    let words = f.def("words").unwrap().as_enum().unwrap();
    let names: Vec<_> = words.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["no", "off", "yes"]);
    assert_eq!(f.def("nfgenmsg").unwrap().as_struct().unwrap().size, 4);
    assert_eq!(f.mcast_group("grp").unwrap().value, Some(3));
    assert_eq!(f.netlink_protocol(), 12);
}

#[test]
fn unified_numbering_with_resets() {
    let spec = "
name: u
doc: genetlink-legacy.rst example
attribute-sets: [{name: s, attributes: []}]
operations:
  list:
    - {name: a, doc: d, value: 1, attribute-set: s, do: {}}
    - {name: b, doc: d, attribute-set: s, do: {}}
    - {name: c, doc: d, value: 4, notify: a}
    - {name: d, doc: d, attribute-set: s, dump: {}}
";
    let f = nlwire_schema::load_str(spec, "u.yaml").unwrap_or_else(|e| panic!("{e}"));
    let v: Vec<_> = f.ops.list.iter().map(|o| o.value()).collect();
    assert_eq!(v, [Some(1), Some(2), Some(4), Some(5)]);
    assert_eq!(f.op("c").unwrap().attr_set, f.set_id("s"));
    assert_eq!(f.ops.name_prefix, "u-cmd-");
    assert_eq!(f.set("s").unwrap().name_prefix, "u-a-s-");
}
