//! Numbering and reference resolution on the project's specs (`specs/`, against values from
//! the kernel's uAPI headers) and on the test specs in `tests/specs/` (the corners the
//! project's specs do not use: netlink-raw, sub-messages, the genetlink-only types, C names).

use nlwire_schema::{
    AttrType, ByteOrder, DefKind, DisplayHint, EnumModel, Family, IntType, KernelPolicy,
    MemberType, Protocol,
};

fn project(name: &str) -> Family {
    nlwire_schema::builtin::load(name)
        .unwrap()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn test_spec(file: &str) -> Family {
    let path = format!("{}/tests/specs/{file}", env!("CARGO_MANIFEST_DIR"));
    nlwire_schema::load(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn attr_value(f: &Family, set: &str, attr: &str) -> u16 {
    f.set(set).unwrap().attr(attr).unwrap().value
}

#[test]
fn nlctrl() {
    let f = project("nlctrl");
    assert_eq!(f.protocol, Protocol::GenetlinkLegacy);
    assert_eq!(f.ops.enum_model, EnumModel::Directional);
    let get = f.op("getfamily").unwrap();
    assert_eq!((get.req_value, get.rsp_value), (Some(3), Some(1)));
    let pol = f.op("getpolicy").unwrap();
    assert_eq!((pol.req_value, pol.rsp_value), (Some(10), Some(10)));
    let ntf = f.op("newfamily").unwrap();
    assert_eq!((ntf.req_value, ntf.rsp_value), (None, Some(1)));
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
    assert_eq!(f[policy.nested.unwrap()].name, "policy-attrs");
    let op_policy = f.set("ctrl-attrs").unwrap().attr("op-policy").unwrap();
    assert_eq!(op_policy.type_value, ["op-id"]);
    assert_eq!(f.set("ctrl-attrs").unwrap().name_prefix, "ctrl-attr-");
    assert_eq!(f.ops.name_prefix, "ctrl-cmd-");
    assert_eq!(f.netlink_protocol(), 16);
}

#[test]
fn ovs_flow() {
    let f = project("ovs_flow");
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
    assert_eq!(
        names,
        [
            "ufid",
            "key",
            "mask",
            "used",
            "stats",
            "tcp-flags",
            "actions"
        ]
    );
}

#[test]
fn ovs_datapath_version_and_flags() {
    let f = project("ovs_datapath");
    assert_eq!(f.version, 2);
    let DefKind::Enum(e) = &f.def("user-features").unwrap().kind else {
        panic!("user-features is not flags")
    };
    assert!(e.flags);
    assert_eq!(e.user_value(e.entry("unaligned").unwrap()), 1);
    assert_eq!(e.user_value(e.entry("vport-pids").unwrap()), 2);
}

#[test]
fn netlink_raw_directional_and_sub_messages() {
    let f = test_spec("corner-link.yaml");
    assert_eq!(f.protocol, Protocol::NetlinkRaw);
    assert_eq!(f.protonum, Some(0));
    let new = f.op("newlink").unwrap();
    assert_eq!((new.req_value, new.rsp_value), (Some(16), None));
    assert_eq!(f[new.fixed_header.unwrap()].name, "link-msg");
    let get = f.op("getlink").unwrap();
    assert_eq!((get.req_value, get.rsp_value), (Some(18), Some(16)));
    // do and dump share the anchored reply.
    assert_eq!(
        get.do_.as_ref().unwrap().reply,
        get.dump.as_ref().unwrap().reply
    );
    let ntf = f.op("newlink-ntf").unwrap();
    assert_eq!((ntf.req_value, ntf.rsp_value), (None, Some(16)));
    assert_eq!(ntf.notify, f.op_id("getlink"));
    assert_eq!(ntf.attr_set, get.attr_set);
    assert_eq!(ntf.mcgrp, f.mcast_group_id("link"));
    // The request counter went on from getlink's 18.
    let set = f.op("setlink").unwrap();
    assert_eq!((set.req_value, set.rsp_value), (Some(19), None));
    // Explicit values restart both counters; the op's own fixed header wins.
    let stats = f.op("getstats").unwrap();
    assert_eq!((stats.req_value, stats.rsp_value), (Some(94), Some(92)));
    assert_eq!(f[stats.fixed_header.unwrap()].name, "stats-msg");
    let replies: Vec<_> = f.ops_by_reply_value(16).map(|o| o.name.as_str()).collect();
    assert_eq!(replies, ["getlink", "newlink-ntf"]);

    let linkinfo = f.set("linkinfo-attrs").unwrap();
    let data = linkinfo.attr("data").unwrap();
    assert_eq!(data.ty, AttrType::SubMessage);
    assert_eq!(data.selector.as_deref(), Some("kind"));
    let msg = &f[data.sub_message.unwrap()];
    assert_eq!(msg.name, "linkinfo-data-msg");
    let bond = msg.format("bond").unwrap();
    assert_eq!(f[bond.attr_set.unwrap()].name, "bond-attrs");
    assert!(bond.fixed_header.is_none());
    let dummy = msg.format("dummy").unwrap();
    assert!(dummy.attr_set.is_none() && dummy.fixed_header.is_none());
    assert_eq!(f.mcast_group("link").unwrap().value, Some(1));
    assert_eq!(f.mcast_group("stats").unwrap().value, Some(36));
    let link_msg = f.def("link-msg").unwrap().as_struct().unwrap();
    assert_eq!(link_msg.size, 16);
    assert_eq!(link_msg.member("pad").unwrap().ty, MemberType::Pad);
    assert_eq!(link_msg.member("index").unwrap().offset, 4);
    assert_eq!(f.def("stats-msg").unwrap().as_struct().unwrap().size, 12);

    // An indexed array of big-endian u32 addresses.
    let targets = f.set("bond-attrs").unwrap().attr("arp-ip-target").unwrap();
    assert_eq!(targets.value, 8);
    assert_eq!(
        (targets.ty, targets.sub_type, targets.byte_order),
        (
            AttrType::IndexedArray,
            Some(AttrType::Int(IntType::U32)),
            ByteOrder::BigEndian
        )
    );
    assert_eq!(targets.display_hint, Some(DisplayHint::Ipv4));
    assert_eq!(f.set("link-attrs").unwrap().name_prefix, "ifla-");
    assert_eq!(f.ops.name_prefix, "rtm-");
}

#[test]
fn fixed_header_sub_messages() {
    let f = test_spec("corner-qdisc.yaml");
    assert_eq!(f.sub_messages.len(), 2);
    let options = f.set("qdisc-attrs").unwrap().attr("options").unwrap();
    assert_eq!(options.ty, AttrType::SubMessage);
    assert_eq!(options.value, 2);
    let msg = &f[options.sub_message.unwrap()];
    let netem = msg.format("netem").unwrap();
    assert_eq!(f[netem.fixed_header.unwrap()].name, "netem-qopt");
    assert_eq!(f[netem.attr_set.unwrap()].name, "netem-attrs");
    assert_eq!(f[netem.fixed_header.unwrap()].as_struct().unwrap().size, 24);
    let bfifo = msg.format("bfifo").unwrap();
    assert!(bfifo.attr_set.is_none());
    assert_eq!(f[bfifo.fixed_header.unwrap()].as_struct().unwrap().size, 4);
    let fq = msg.format("fq").unwrap();
    assert!(fq.fixed_header.is_none());
    assert_eq!(f[fq.attr_set.unwrap()].name, "fq-attrs");
    let ingress = msg.format("ingress").unwrap();
    assert!(ingress.fixed_header.is_none() && ingress.attr_set.is_none());
    let newqdisc = f.op("newqdisc").unwrap();
    assert_eq!(f[newqdisc.fixed_header.unwrap()].name, "qdisc-msg");
    assert_eq!(f.def("qdisc-msg").unwrap().as_struct().unwrap().size, 20);
    let get = f.op("getqdisc").unwrap();
    assert_eq!((get.req_value, get.rsp_value), (Some(38), Some(36)));

    // The selector of stats-attrs.app is in the set that nests stats-attrs.
    let app = f.set("stats-attrs").unwrap().attr("app").unwrap();
    assert_eq!(app.selector.as_deref(), Some("kind"));
    assert!(f.set("stats-attrs").unwrap().attr("kind").is_none());
    assert_eq!(f[app.sub_message.unwrap()].name, "stats-app-msg");

    let attrs = f.set("qdisc-attrs").unwrap();
    assert_eq!(attrs.attr("dump-flags").unwrap().ty, AttrType::Bitfield32);
    assert_eq!(attrs.attr("dump-flags").unwrap().value, 15);
    assert_eq!(attrs.attr("chain").unwrap().value, 11);
    let netem_attrs = f.set("netem-attrs").unwrap();
    let dist = netem_attrs.attr("delay-dist").unwrap();
    assert_eq!(
        (dist.ty, dist.sub_type),
        (AttrType::Binary, Some(AttrType::Int(IntType::S16)))
    );
    assert_eq!(netem_attrs.attr("pad").unwrap().ty, AttrType::Pad);
    assert_eq!(netem_attrs.attr("latency64").unwrap().value, 10);
    let corr = netem_attrs.attr("corr").unwrap();
    assert_eq!(f[corr.struct_.unwrap()].name, "netem-corr");
    assert_eq!(f.mcast_group("tc").unwrap().value, Some(4));
}

#[test]
fn genetlink_sint_and_enums() {
    let f = test_spec("corner-genl.yaml");
    // `protocol:` is left out.
    assert_eq!(f.protocol, Protocol::Genetlink);
    let dev = f.set("dev").unwrap();
    assert_eq!(dev.attr("offset").unwrap().ty, AttrType::Sint);
    assert_eq!(dev.attr("phase").unwrap().ty, AttrType::Int(IntType::S64));
    let mode = f.def("mode").unwrap().as_enum().unwrap();
    assert_eq!(mode.entry("manual").unwrap().value, 1);
    // Sparse: an explicit value.
    assert_eq!(mode.entry("external").unwrap().value, 8);
    assert_eq!(mode.range(), Some((1, 8)));
    let mode_attr = dev.attr("mode").unwrap();
    assert_eq!(f[mode_attr.enum_.unwrap()].name, "mode");
}

#[test]
fn genetlink_flags_and_uint() {
    let f = test_spec("corner-genl.yaml");
    let features = f.def("features").unwrap().as_enum().unwrap();
    assert!(features.flags && features.render_max);
    assert_eq!(features.entry("basic").unwrap().value, 0);
    assert_eq!(features.user_value(features.entry("basic").unwrap()), 1);
    assert_eq!(features.user_value(features.entry("checksum").unwrap()), 32);
    assert_eq!(features.mask(), 0x3f);
    assert_eq!(features.name_prefix, "corner-genl-features-");
    let lane = f.def("lane").unwrap().as_enum().unwrap();
    assert_eq!(
        (
            lane.entry("rx").unwrap().value,
            lane.entry("tx").unwrap().value
        ),
        (0, 1)
    );
    let dev = f.set("dev").unwrap();
    assert_eq!(dev.attr("ifindex").unwrap().value, 1);
    assert_eq!(dev.attr("ifindex").unwrap().checks.min, Some(1));
    assert_eq!(dev.attr("pad").unwrap().ty, AttrType::Pad);
    assert_eq!(dev.name_prefix, "corner-genl-a-dev-");
    let feature_attr = dev.attr("features").unwrap();
    assert_eq!(f[feature_attr.enum_.unwrap()].name, "features");
    assert!(!feature_attr.enum_as_flags);
    let lanes = dev.attr("lanes").unwrap();
    assert_eq!(f[lanes.enum_.unwrap()].name, "lane");
    assert!(lanes.enum_as_flags);
    let count = dev.attr("count").unwrap();
    assert_eq!(count.ty, AttrType::Uint);
    assert_eq!(count.checks.min, Some(1));
    assert_eq!(count.checks.max, Some(u32::MAX.into()));
    assert_eq!(
        f.set("queue").unwrap().attr("depth").unwrap().ty,
        AttrType::Uint
    );
    let queues = dev.attr("queues").unwrap();
    assert_eq!(
        (queues.ty, queues.sub_type),
        (AttrType::IndexedArray, Some(AttrType::Nest))
    );
    assert_eq!(f[queues.nested.unwrap()].name, "queue");
    let vlans = dev.attr("vlans").unwrap();
    assert_eq!(vlans.sub_type, Some(AttrType::Int(IntType::U16)));
    assert!(vlans.nested.is_none());
    let hints: Vec<_> = ["mac", "addr6", "cookie", "uuid"]
        .iter()
        .map(|a| dev.attr(a).unwrap().display_hint.unwrap())
        .collect();
    assert_eq!(
        hints,
        [
            DisplayHint::Mac,
            DisplayHint::Ipv6,
            DisplayHint::Hex,
            DisplayHint::Uuid
        ]
    );
    assert_eq!(f.op("dev-get").unwrap().value(), Some(1));
    assert_eq!(f.ops.name_prefix, "corner-genl-cmd-");
}

#[test]
fn genetlink_unified_ops_and_groups() {
    let f = test_spec("corner-genl.yaml");
    let values: Vec<_> = f
        .ops
        .list
        .iter()
        .map(|o| (o.name.as_str(), o.value()))
        .collect();
    assert_eq!(
        values,
        [
            ("unspec", Some(0)),
            ("dev-get", Some(1)),
            ("dev-set", Some(2)),
            ("dev-add-ntf", Some(3)),
            ("state-event", Some(10)),
            ("dev-del", Some(11)),
        ]
    );
    let set = f.op("dev-set").unwrap();
    assert!(set.flags.admin_perm && set.dont_validate.strict && !set.dont_validate.dump);
    let ntf = f.op("dev-add-ntf").unwrap();
    assert_eq!(ntf.notify, f.op_id("dev-get"));
    assert_eq!(f[ntf.attr_set.unwrap()].name, "dev");
    let event = f.op("state-event").unwrap();
    assert!(event.is_async() && !event.is_call());
    let brief = &f[event.attr_set.unwrap()];
    let names: Vec<_> = event
        .event
        .as_ref()
        .unwrap()
        .attrs
        .iter()
        .map(|&i| brief.attrs[i].name.as_str())
        .collect();
    assert_eq!(names, ["ifindex", "name", "state"]);
    assert_eq!(event.mcgrp, f.mcast_group_id("events"));
    let admin = f.mcast_group("admin").unwrap();
    assert!(admin.flags.uns_admin_perm && admin.value.is_none());
}

#[test]
fn directional_numbering_without_values() {
    let f = test_spec("corner-legacy.yaml");
    let ids = |name: &str| {
        let op = f.op(name).unwrap();
        (op.req_value, op.rsp_value)
    };
    assert_eq!(ids("info-get"), (Some(1), Some(1)));
    assert_eq!(ids("info-set"), (Some(2), None));
    assert_eq!(ids("info-ntf"), (None, Some(2)));
    assert_eq!(ids("modes-get"), (Some(3), Some(3)));
    assert_eq!(ids("modes-set"), (Some(4), None));
    assert_eq!(ids("modes-ntf"), (None, Some(4)));
    let ntf = f.op("info-ntf").unwrap();
    assert!(ntf.is_async() && !ntf.is_call());
    assert_eq!(f[ntf.attr_set.unwrap()].name, "info");
    let header = f.set("modes").unwrap().attr("header").unwrap();
    assert_eq!(f[header.nested.unwrap()].name, "header");
    assert_eq!(
        f.set("modes").unwrap().attr("advertise").unwrap().ty,
        AttrType::Bitfield32
    );
}

#[test]
fn legacy_c_names_and_structs() {
    let f = test_spec("corner-legacy.yaml");
    assert_eq!((f.version, f.kernel_policy), (2, KernelPolicy::PerOp));
    assert_eq!(
        f.c_names.family_name.as_deref(),
        Some("corner-legacy-genl-name")
    );
    let alen = f.def("eth-alen").unwrap();
    assert_eq!(alen.header.as_deref(), Some("linux/if_ether.h"));
    assert_eq!(alen.as_const_int(), Some(6));
    let duplex = f.def("duplex").unwrap().as_enum().unwrap();
    assert_eq!(duplex.enum_name, None);
    assert_eq!(duplex.name_prefix, "duplex-");
    let flags = f.def("header-flags").unwrap().as_enum().unwrap();
    assert_eq!(flags.enum_name.as_deref(), Some("corner-legacy-hdr-flags"));
    assert_eq!(flags.name_prefix, "corner-legacy-flag-");
    let hdr_flags = f.set("header").unwrap().attr("flags").unwrap();
    assert_eq!(hdr_flags.checks.flags_mask, f.def_id("header-flags"));
    let option = f.set("option").unwrap();
    assert_eq!(option.name_prefix, "corner-legacy-attr-option-");
    assert_eq!(option.enum_name, None);
    let name = option.attr("name").unwrap();
    assert!(name.checks.unterminated_ok);
    assert_eq!(name.checks.max_len, Some(32));
    let info = f.set("info").unwrap();
    assert_eq!(info.name_prefix, "corner-legacy-a-info-");
    assert_eq!(
        info.attr_cnt_name.as_deref(),
        Some("--corner-legacy-a-info-cnt")
    );
    assert_eq!(
        info.attr_max_name.as_deref(),
        Some("corner-legacy-a-info-max")
    );
    assert!(info.attr("option").unwrap().multi);
    let mac = info.attr("mac").unwrap();
    assert_eq!(mac.name_prefix.as_deref(), Some("corner-legacy-a-"));
    assert_eq!(mac.checks.exact_len, Some(6));
    assert_eq!(
        f.set("modes").unwrap().header.as_deref(),
        Some("linux/corner_legacy_modes.h")
    );

    // A struct nested in a struct, big-endian members, binary padding.
    let tunnel = f.def("tunnel").unwrap().as_struct().unwrap();
    assert_eq!(tunnel.size, 20);
    let remote = tunnel.member("remote").unwrap();
    assert_eq!((remote.offset, remote.size), (8, 8));
    assert_eq!(f[remote.struct_.unwrap()].name, "endpoint");
    assert_eq!(tunnel.member("proto").unwrap().offset, 16);
    let endpoint = f.def("endpoint").unwrap().as_struct().unwrap();
    let port = endpoint.member("port").unwrap();
    assert_eq!(
        (port.ty, port.byte_order, port.offset),
        (MemberType::Int(IntType::U16), ByteOrder::BigEndian, 4)
    );
    assert_eq!(
        endpoint.member("addr").unwrap().display_hint,
        Some(DisplayHint::Ipv4)
    );
    let pad = endpoint.member("pad").unwrap();
    assert_eq!((pad.ty, pad.len), (MemberType::Binary, Some(2)));
    let attr = info.attr("tunnel").unwrap();
    assert_eq!(attr.struct_, f.def_id("tunnel"));
}

#[test]
fn value_start_and_const_limits() {
    let f = test_spec("corner-genl.yaml");
    let state = f.def("state").unwrap().as_enum().unwrap();
    assert_eq!(state.entries[0].value, 1);
    assert_eq!(state.entry("failed").unwrap().value, 3);
    let dev = f.set("dev").unwrap();
    assert_eq!(dev.attr("status").unwrap().checks.max, Some(4095));
    assert_eq!(dev.attr("name").unwrap().checks.max_len, Some(15));
    assert_eq!(dev.attr("addr6").unwrap().checks.exact_len, Some(16));
    let cookie = &dev.attr("cookie").unwrap().checks;
    assert_eq!((cookie.min_len, cookie.max_len), (Some(4), Some(32)));
    let weight = &dev.attr("weight").unwrap().checks;
    assert_eq!((weight.min, weight.max), (Some(0), Some(16)));
    assert_eq!(f.op("unspec").unwrap().value(), Some(0));
    assert!(f.op("unspec").unwrap().is_reserved());
    assert_eq!(
        f.def("events-group").unwrap().scope,
        nlwire_schema::Scope::Kernel
    );
}

#[test]
fn subsets_take_superset_values() {
    let mut subsets = 0;
    for file in ["corner-genl.yaml", "corner-link.yaml"] {
        let f = test_spec(file);
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
    assert_eq!(subsets, 2);
    let link = test_spec("corner-link.yaml");
    let tunnel6 = link.set("tunnel6-attrs").unwrap();
    let sup = &link[tunnel6.subset_of.unwrap()];
    assert_eq!(sup.name, "tunnel-attrs");
    assert_eq!(
        tunnel6.attr("flags").unwrap().ty,
        AttrType::Int(IntType::U32)
    );
    assert_eq!(sup.attr("flags").unwrap().ty, AttrType::Int(IntType::U16));
    assert_eq!(tunnel6.attr("flags").unwrap().value, 8);
    // Narrowed: `ttl` is the superset's only.
    assert!(tunnel6.attr("ttl").is_none() && sup.attr("ttl").is_some());
    // Keys the subset does not give come from the superset.
    assert_eq!(
        tunnel6.attr("local").unwrap().display_hint,
        Some(DisplayHint::Ipv4OrV6)
    );
    let genl = test_spec("corner-genl.yaml");
    let brief = genl.set("dev-brief").unwrap();
    assert_eq!(genl[brief.subset_of.unwrap()].name, "dev");
    assert_eq!(
        brief.attr("state").unwrap().value,
        genl.set("dev").unwrap().attr("state").unwrap().value
    );
    assert_eq!(brief.attr("name").unwrap().checks.max_len, Some(15));
}

#[test]
fn every_attribute_reference_resolves() {
    let families = ["nlctrl", "ovs_flow", "ovs_packet", "ovs_vport", "ovs_meter"]
        .map(|n| (n.to_owned(), project(n)))
        .into_iter()
        .chain(
            [
                "corner-genl.yaml",
                "corner-legacy.yaml",
                "corner-link.yaml",
                "corner-qdisc.yaml",
            ]
            .map(|n| (n.to_owned(), test_spec(n))),
        );
    for (file, f) in families {
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
