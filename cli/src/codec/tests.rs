//! Round trips and hostile input for the run-time codec, against the built-in specs and
//! the test specs of `tests/specs/` (small netdev, rt-link, ... schemas written for these
//! tests). The kernel's own specs are the opt-in conformance corpus: the tests marked
//! `#[nlwire_testkit::test(kernel_specs)]` read the directory named by
//! `NLWIRE_KERNEL_SPECS`.

use nlwire::Messages;
use nlwire::consts::{GENL_ID_CTRL, NLM_F_REQUEST};
use nlwire_schema::Family;
use serde_json::{Value, json};

use super::message::{Decoded, build_request, decode_msg};

/// A built-in spec (`nlwire_schema::builtin`): `nlctrl`, `ovs_flow`, ...
fn builtin(name: &str) -> Family {
    let s = crate::specs::builtin(name).unwrap_or_else(|| panic!("{name} is not built in"));
    nlwire_schema::load_str(s.text, s.file).unwrap_or_else(|e| panic!("{e}"))
}

/// The test specs' directory, `tests/specs` in this package.
fn test_specs_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs")
}

/// A test spec by name (`netdev` → `tests/specs/netdev.yaml`).
fn test_spec(name: &str) -> Family {
    nlwire_schema::load(test_specs_dir().join(format!("{name}.yaml")))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Builds the request of `op` from `input` and decodes it back.
fn round_trip(fam: &Family, op: &str, input: Value) -> (Vec<u8>, Decoded) {
    let op = fam.op(op).unwrap();
    let req = build_request(fam, op, 0x20, NLM_F_REQUEST, input.as_object().unwrap()).unwrap();
    let m = Messages::new(&req.bytes).next().unwrap().unwrap();
    let d = decode_msg(fam, &m, Some(op));
    (req.bytes, d)
}

#[test]
fn netdev_request_round_trips() {
    check_netdev_request(&test_spec("netdev"));
}

/// netdev dev-get: one u32 attribute, encoded and decoded back.
fn check_netdev_request(fam: &Family) {
    let (bytes, d) = round_trip(fam, "dev-get", json!({"ifindex": 7}));
    assert_eq!(bytes.len(), 16 + 4 + 8);
    assert_eq!(d.op.as_deref(), Some("dev-get"));
    assert_eq!(Value::Object(d.body), json!({"ifindex": 7}));
    assert!(d.problems.is_empty());
}

#[test]
fn ovs_flow_structs_hints_and_enums_round_trip() {
    // The project's ovs_flow shows the ufid (1 to 16 bytes) as hex; the kernel's spec, as a
    // UUID. Both hints are also in `every_attribute_type_round_trips`.
    check_ovs_flow_key(&builtin("ovs_flow"), "123456789abcdef0123456789abcdef0");
}

/// ovs_flow get: the fixed header, nests, structs with display hints, an enum, and the
/// ufid in the form `fam`'s display hint gives it.
fn check_ovs_flow_key(fam: &Family, ufid: &str) {
    let input = json!({
        "dp-ifindex": 3,
        "key": {
            "in-port": 1,
            "ethernet": {"eth-src": "00:11:22:33:44:55", "eth-dst": "66:77:88:99:aa:bb"},
            "ipv4": {"ipv4-src": "10.0.0.1", "ipv4-dst": "10.0.0.2", "ipv4-proto": 6,
                     "ipv4-tos": 0, "ipv4-ttl": 64, "ipv4-frag": "none"}
        },
        "ufid": ufid
    });
    let (_, d) = round_trip(fam, "get", input.clone());
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(Value::Object(d.body), input);
}

#[test]
fn rt_link_sub_message_with_fixed_header_round_trips() {
    check_rt_link_sub_message(&test_spec("rt-link"));
}

/// rt-link newlink: ifinfomsg, then a VLAN sub-message chosen by the link kind.
fn check_rt_link_sub_message(fam: &Family) {
    let input = json!({
        "ifi-family": 0, "ifi-type": 0, "ifi-index": 0, "ifi-flags": 0, "ifi-change": 0,
        "ifname": "v0",
        "linkinfo": {"kind": "vlan", "data": {"id": 5, "protocol": "8021q"}}
    });
    let (bytes, d) = round_trip(fam, "newlink", input.clone());
    assert_eq!(&bytes[4..6], &16u16.to_ne_bytes(), "RTM_NEWLINK");
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    let body = Value::Object(d.body);
    assert_eq!(body["linkinfo"]["data"]["id"], 5);
    assert_eq!(body["ifname"], "v0");
    assert_eq!(
        body["linkinfo"]["data"]["protocol"],
        input["linkinfo"]["data"]["protocol"]
    );
}

/// A CTRL_CMD_NEWFAMILY reply as the kernel writes it.
fn newfamily_reply() -> Vec<u8> {
    let mut b = nlwire::MsgBuf::new();
    let m = b.start_genl_msg(GENL_ID_CTRL, 0, 1, 2);
    b.put_attr_str(2, "nlctrl").unwrap();
    b.put_attr_u16(1, 0x10).unwrap();
    let ops = b.start_nested(6);
    for (i, (id, flags)) in [(3u32, 0x0eu32), (10, 0x0c)].into_iter().enumerate() {
        let e = b.start_nested(i as u16 + 1);
        b.put_attr_u32(1, id).unwrap();
        b.put_attr_u32(2, flags).unwrap();
        b.end_nested(e).unwrap();
    }
    b.end_nested(ops).unwrap();
    b.end_msg(m).unwrap();
    b.to_vec()
}

#[test]
fn nlctrl_reply_indexed_array_and_enum_as_flags() {
    check_nlctrl_reply(&builtin("nlctrl"));
}

/// nlctrl's NEWFAMILY: indexed arrays of nests and an enum used as flags.
fn check_nlctrl_reply(fam: &Family) {
    let bytes = newfamily_reply();
    let m = Messages::new(&bytes).next().unwrap().unwrap();
    let d = decode_msg(fam, &m, None);
    assert_eq!(d.op.as_deref(), Some("getfamily"));
    assert!(d.problems.is_empty());
    assert_eq!(
        Value::Object(d.body),
        json!({"family-name": "nlctrl", "family-id": 16, "ops": [
            {"id": 3, "flags": ["cmd-cap-do", "cmd-cap-dump", "cmd-cap-haspol"]},
            {"id": 10, "flags": ["cmd-cap-dump", "cmd-cap-haspol"]}]})
    );
}

#[test]
fn malformed_attributes_are_reported_with_their_path_and_never_panic() {
    let fam = test_spec("netdev");
    let mut b = nlwire::MsgBuf::new();
    let m = b.start_genl_msg(0x20, 0, 1, 1);
    b.put_attr(1, &[1, 2, 3]).unwrap(); // ifindex: u32 of 3 bytes
    b.put_attr(99, &[0xaa]).unwrap(); // unknown
    b.put_attr(2, &[]).unwrap(); // pad: skipped
    b.end_msg(m).unwrap();
    let mut bytes = b.to_vec();
    bytes.extend([9, 0, 3, 0, 1]); // an attribute running past the end
    let len = bytes.len() as u32;
    bytes[..4].copy_from_slice(&len.to_ne_bytes());
    let m = Messages::new(&bytes).next().unwrap().unwrap();
    let d = decode_msg(&fam, &m, None);
    let body = Value::Object(d.body);
    assert_eq!(body["ifindex"]["!malformed"], "length 3, expected 4");
    assert_eq!(body["ifindex"]["raw"], "010203");
    assert_eq!(body["#99"], "aa");
    let msgs: Vec<String> = d.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(msgs[0], "ifindex: length 3, expected 4");
    assert!(
        msgs[1].starts_with("<top>: attribute at offset 20 has nla_len 9"),
        "{}",
        msgs[1]
    );

    // Every prefix and every single-byte corruption of a real reply decodes without panic.
    let fam = builtin("nlctrl");
    let good = newfamily_reply();
    for n in 0..good.len() {
        for m in Messages::new(&good[..n]).flatten() {
            let _ = decode_msg(&fam, &m, None);
        }
        let mut bad = good.clone();
        bad[n] ^= 0xff;
        for m in Messages::new(&bad).flatten() {
            let _ = decode_msg(&fam, &m, None);
        }
    }
}

#[test]
fn deep_nesting_stops_at_the_limit() {
    let fam = builtin("nlctrl");
    let mut b = nlwire::MsgBuf::new();
    let m = b.start_genl_msg(GENL_ID_CTRL, 0, 1, 2);
    let mut nests = Vec::new();
    for _ in 0..200 {
        nests.push(b.start_nested_flagged(99));
    }
    while let Some(n) = nests.pop() {
        b.end_nested(n).unwrap();
    }
    b.end_msg(m).unwrap();
    let bytes = b.to_vec();
    let m = Messages::new(&bytes).next().unwrap().unwrap();
    let d = decode_msg(&fam, &m, None);
    assert!(
        d.problems
            .iter()
            .any(|p| p.message.contains("nesting deeper than the limit"))
    );
}

#[test]
fn encode_errors_name_the_key_and_the_choices() {
    let fam = test_spec("netdev");
    let op = fam.op("dev-get").unwrap();
    let e = build_request(&fam, op, 0x20, 1, json!({"ifidx": 1}).as_object().unwrap()).unwrap_err();
    assert_eq!(e.path, "ifidx");
    assert!(
        e.message.contains("has no attribute \"ifidx\"") && e.message.contains("ifindex"),
        "{e}"
    );
    let e = build_request(
        &fam,
        op,
        0x20,
        1,
        json!({"ifindex": -1}).as_object().unwrap(),
    )
    .unwrap_err();
    assert!(e.message.contains("does not fit in u32"), "{e}");
    let fam = builtin("ovs_flow");
    let op = fam.op("get").unwrap();
    let e = build_request(
        &fam,
        op,
        0x20,
        1,
        json!({"key": {"ipv4": {"ipv4-frag": "sometimes"}}})
            .as_object()
            .unwrap(),
    )
    .unwrap_err();
    assert_eq!(e.path, "key.ipv4");
    assert!(
        e.message
            .contains("\"sometimes\" is not an entry of ovs-frag-type"),
        "{e}"
    );
}

#[test]
fn spans_locate_every_attribute_of_the_request() {
    let fam = builtin("ovs_flow");
    let op = fam.op("get").unwrap();
    let req = build_request(
        &fam,
        op,
        0x20,
        1,
        json!({"dp-ifindex": 0, "key": {"in-port": 1, "priority": 2}})
            .as_object()
            .unwrap(),
    )
    .unwrap();
    let paths: Vec<(usize, &str)> = req
        .spans
        .iter()
        .map(|s| (s.start, s.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [(24, "key"), (28, "key.in-port"), (36, "key.priority")]
    );
}

#[test]
fn offsets_map_to_paths_through_nests_and_sub_messages() {
    check_offsets_map_to_paths(&test_spec("rt-link"));
}

/// Every attribute written in rt-link newlink, found again from its offset.
fn check_offsets_map_to_paths(fam: &Family) {
    use super::path::path_at_offset;
    let op = fam.op("newlink").unwrap();
    let input = json!({"ifname": "v0", "linkinfo": {"kind": "vlan", "data": {"id": 5}}});
    let req = build_request(fam, op, 0, 1, input.as_object().unwrap()).unwrap();
    for s in &req.spans {
        assert_eq!(
            path_at_offset(fam, op.attr_set, &req.bytes, 32, s.start).as_deref(),
            Some(s.path.as_str())
        );
    }
    assert_eq!(req.spans.last().unwrap().path, "linkinfo.data.id");
    assert_eq!(path_at_offset(fam, op.attr_set, &req.bytes, 32, 33), None);
}

/// Conformance corpus: the round trips above, with the kernel's own netdev, ovs_flow,
/// rt-link and nlctrl specs.
#[nlwire_testkit::test(kernel_specs)]
fn kernel_specs_round_trip() {
    let dir = nlwire_testkit::kernel_specs_dir();
    let spec = |name: &str| {
        nlwire_schema::load(dir.join(format!("{name}.yaml"))).unwrap_or_else(|e| panic!("{e}"))
    };
    check_netdev_request(&spec("netdev"));
    check_ovs_flow_key(&spec("ovs_flow"), "12345678-9abc-def0-1234-56789abcdef0");
    check_rt_link_sub_message(&spec("rt-link"));
    check_offsets_map_to_paths(&spec("rt-link"));
    check_nlctrl_reply(&spec("nlctrl"));
}

/// The test kit's generator, drawing `u64` bounds as the hostile-input tests use them.
struct Rng(nlwire_testkit::XorShift);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(nlwire_testkit::XorShift::new(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Random attributes shaped like set `set` of `fam`: real types (and nests of the right
/// sets) with random lengths and contents, some unknown types, some broken lengths.
fn random_attrs(
    fam: &Family,
    set: Option<nlwire_schema::SetId>,
    rng: &mut Rng,
    depth: u32,
    out: &mut Vec<u8>,
) {
    let n = rng.below(6);
    for _ in 0..n {
        let ir = set.and_then(|s| {
            let attrs = &fam[s].attrs;
            (!attrs.is_empty()).then(|| &attrs[rng.below(attrs.len() as u64) as usize])
        });
        let ty = match ir {
            Some(a) if rng.below(8) != 0 => a.value,
            _ => rng.below(40) as u16,
        };
        let start = out.len();
        out.extend([0, 0]);
        out.extend(ty.to_ne_bytes());
        let nested = ir
            .and_then(|a| a.nested)
            .filter(|_| depth < 6 && rng.below(3) != 0);
        if let Some(inner) = nested {
            if ir.is_some_and(|a| a.ty == nlwire_schema::AttrType::IndexedArray) {
                let mut entries = Vec::new();
                random_attrs(fam, Some(inner), rng, depth + 1, &mut entries);
                out.extend([(entries.len() + 4) as u8, 0, 0, 0]);
                out.extend(entries);
            } else {
                random_attrs(fam, Some(inner), rng, depth + 1, out);
            }
        } else {
            for _ in 0..rng.below(20) {
                out.push(rng.next() as u8);
            }
        }
        let mut len = (out.len() - start) as u16;
        if rng.below(16) == 0 {
            len = len.wrapping_add(rng.below(9) as u16).wrapping_sub(4);
        }
        out[start..start + 2].copy_from_slice(&len.to_ne_bytes());
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
    }
}

/// 100 random messages per op of `fam` (requests and replies, with random fixed headers
/// and attributes shaped by [`random_attrs`]) decode without panic, and what comes out
/// serialises.
fn random_messages_decode_without_panic(fam: &Family, rng: &mut Rng) {
    for op in fam.ops.list.iter().filter(|o| o.attr_set.is_some()) {
        for round in 0..100 {
            let mut b = nlwire::MsgBuf::new();
            let m = if fam.protocol.is_genetlink() {
                b.start_genl_msg(
                    0x20,
                    if round % 2 == 0 { NLM_F_REQUEST } else { 0 },
                    op.req_value.or(op.rsp_value).unwrap_or(1) as u8,
                    1,
                )
            } else {
                b.start_msg(op.rsp_value.or(op.req_value).unwrap_or(16), 0)
            };
            let size = super::message::struct_size(fam, op.fixed_header);
            for _ in 0..size {
                b.put(&[rng.next() as u8]);
            }
            let mut attrs = Vec::new();
            random_attrs(fam, op.attr_set, rng, 0, &mut attrs);
            b.put(&attrs);
            b.end_msg(m).unwrap();
            let bytes = b.to_vec();
            let msg = Messages::new(&bytes).next().unwrap().unwrap();
            let d = decode_msg(fam, &msg, Some(op));
            // Whatever came out serialises.
            serde_json::to_string(&d.body).unwrap();
        }
    }
}

/// The YNL files in `dir`, sorted.
fn yaml_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn random_messages_for_every_test_spec_decode_without_panic() {
    let mut rng = Rng::new(0x9e3779b97f4a7c15);
    let files = yaml_files(&test_specs_dir());
    assert!(files.len() >= 4, "{files:?}");
    for path in files {
        let fam = nlwire_schema::load(&path).unwrap_or_else(|e| panic!("{e}"));
        random_messages_decode_without_panic(&fam, &mut rng);
    }
}

/// Conformance corpus: every kernel spec that loads.
#[nlwire_testkit::test(kernel_specs)]
fn random_messages_for_every_kernel_spec_decode_without_panic() {
    let dir = nlwire_testkit::kernel_specs_dir();
    let mut rng = Rng::new(0x9e3779b97f4a7c15);
    let mut specs = 0;
    for path in yaml_files(&dir) {
        let Ok(fam) = nlwire_schema::load(&path) else {
            continue;
        };
        specs += 1;
        random_messages_decode_without_panic(&fam, &mut rng);
    }
    assert!(
        specs >= 20,
        "only {specs} kernel specs loaded from {}",
        dir.display()
    );
}

#[test]
fn every_attribute_type_round_trips() {
    let spec = r#"
name: demo
doc: Every type.
protocol: genetlink-legacy
definitions:
  - {name: colour, type: enum, entries: [red, green, blue]}
  - {name: bits, type: flags, entries: [a, b, c]}
attribute-sets:
  - name: main
    attributes:
      - {name: flag, type: flag}
      - {name: small, type: s8}
      - {name: big, type: u64}
      - {name: var, type: uint}
      - {name: neg, type: sint}
      - {name: be, type: u16, byte-order: big-endian}
      - {name: colour, type: u32, enum: colour}
      - {name: bits, type: u32, enum: bits}
      - {name: bf, type: bitfield32, enum: bits}
      - {name: words, type: binary, sub-type: u32}
      - {name: blob, type: binary}
      - {name: mac, type: binary, display-hint: mac}
      - {name: names, type: string, multi-attr: true}
      - {name: list, type: indexed-array, sub-type: nest, nested-attributes: item}
      - {name: ids, type: indexed-array, sub-type: u32}
      - {name: item, type: nest, nested-attributes: item}
      - {name: uuid, type: binary, display-hint: uuid}
  - name: item
    attributes:
      - {name: id, type: u32}
      - {name: label, type: string}
operations:
  list:
    - {name: set, doc: x, attribute-set: main, do: {request: {attributes: [flag]}}}
"#;
    let fam = nlwire_schema::load_str(spec, "demo.yaml").unwrap();
    let input = json!({
        "flag": true, "small": -5, "big": u64::MAX, "var": 1u64 << 40, "neg": -7,
        "be": 258, "colour": "blue", "bits": ["a", "c"], "bf": {"value": ["b"], "selector": ["a", "b"]},
        "words": [1, 2, 3], "blob": "00ff10", "mac": "00:11:22:33:44:55", "names": ["x", "y"],
        "list": [{"id": 1, "label": "one"}, {"id": 2}], "ids": [7, 8], "item": {"id": 9},
        "uuid": "12345678-9abc-def0-1234-56789abcdef0"
    });
    let (bytes, d) = round_trip(&fam, "set", input.clone());
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(Value::Object(d.body), input);
    // big-endian on the wire, the index in the type field of indexed-array entries.
    let attrs: Vec<_> = nlwire::Attrs::new(&bytes[20..])
        .map(|a| a.unwrap())
        .collect();
    assert_eq!(attrs[5].payload(), [1, 2]);
    let ids: Vec<u16> = attrs[14].nested().map(|a| a.unwrap().ty()).collect();
    assert_eq!(ids, [0, 1]);
    // A flag set to false is left out.
    let (bytes, _) = round_trip(&fam, "set", json!({"flag": false}));
    assert_eq!(bytes.len(), 20);
}

#[test]
fn builtin_specs_load_and_survive_random_messages() {
    let mut rng = Rng::new(0x2545f4914f6cdd1d);
    for s in crate::specs::builtins() {
        let fam =
            nlwire_schema::load_str(s.text, s.file).unwrap_or_else(|e| panic!("{}: {e}", s.file));
        for op in fam.ops.list.iter().filter(|o| o.attr_set.is_some()) {
            for _ in 0..50 {
                let mut b = nlwire::MsgBuf::new();
                let cmd = op.rsp_value.or(op.req_value).unwrap_or(1);
                let m = if fam.protocol.is_genetlink() {
                    b.start_genl_msg(0x20, 0, cmd as u8, 1)
                } else {
                    b.start_msg(cmd, 0)
                };
                for _ in 0..super::message::struct_size(&fam, op.fixed_header) {
                    b.put(&[rng.next() as u8]);
                }
                let mut attrs = Vec::new();
                random_attrs(&fam, op.attr_set, &mut rng, 0, &mut attrs);
                b.put(&attrs);
                b.end_msg(m).unwrap();
                let bytes = b.to_vec();
                let msg = Messages::new(&bytes).next().unwrap().unwrap();
                serde_json::to_string(&decode_msg(&fam, &msg, Some(op)).body).unwrap();
            }
        }
    }
}

#[test]
fn builtin_ovs_flow_round_trips_a_flow_with_actions() {
    let fam = builtin("ovs_flow");
    let input = json!({
        "dp-ifindex": 7,
        "key": {
            "in-port": 2,
            "ethernet": {"eth-src": "00:11:22:33:44:55", "eth-dst": "66:77:88:99:aa:bb"},
            "ethertype": "0x800"
        },
        "actions": {"output": 3}
    });
    let (_, d) = round_trip(&fam, "new", input.clone());
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(Value::Object(d.body), input);
}

#[test]
fn builtin_ovs_ct_limit_zone_limits_are_a_list_of_structs() {
    let fam = builtin("ovs_ct_limit");
    let input = json!({
        "dp-ifindex": 4,
        "zone-limit": [
            {"zone-id": -1, "limit": 100, "count": 0},
            {"zone-id": 7, "limit": 5, "count": 0}
        ]
    });
    let (bytes, d) = round_trip(&fam, "set", input.clone());
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(Value::Object(d.body), input);
    // One attribute of two 12-byte structs after nlmsghdr, genlmsghdr and ovs_header.
    assert_eq!(bytes.len(), 16 + 4 + 4 + 4 + 24);
    assert_eq!(&bytes[24..28], &[28, 0, 1, 0]);
    assert_eq!(&bytes[28..32], &(-1i32).to_ne_bytes());

    // A trailing partial struct is reported with its path, not decoded as a shorter list.
    let mut cut = bytes.clone();
    cut.truncate(bytes.len() - 4);
    let len = cut.len() as u32;
    cut[0..4].copy_from_slice(&len.to_ne_bytes());
    cut[24..26].copy_from_slice(&24u16.to_ne_bytes());
    let m = Messages::new(&cut).next().unwrap().unwrap();
    let d = decode_msg(&fam, &m, fam.op("set"));
    assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
    let p = d.problems[0].to_string();
    assert!(
        p.contains("zone-limit") && p.contains("multiple of 12"),
        "{p}"
    );

    // Encoding names the element that is wrong.
    let op = fam.op("set").unwrap();
    let bad = json!({"zone-limit": [{"zone-id": 1, "limit": 2}, {"zone": 3}]});
    let e = build_request(&fam, op, 0x20, NLM_F_REQUEST, bad.as_object().unwrap()).unwrap_err();
    assert!(e.to_string().contains("zone-limit[1]"), "{e}");
}

/// Found by fuzz/tests/hostile.rs: the third repeat of a single attribute was wrapped
/// with the list of the first two (`[[a, b], c]`), one level per repeat, so 16,000 OVS
/// POP_VLAN actions nested 16,000 deep and overflowed the stack when printed.
#[test]
fn regression_fuzz_hostile_repeats_nested_one_list_level_per_repeat() {
    let fam = builtin("ovs_flow");
    let actions = |n: usize| {
        let mut b = nlwire::MsgBuf::new();
        let m = b.start_genl_msg(0x20, NLM_F_REQUEST, 1, 1);
        b.put(&3i32.to_ne_bytes());
        let acts = b.start_nested(2);
        for _ in 0..n {
            b.put_attr_flag(5).unwrap(); // OVS_ACTION_ATTR_POP_VLAN
        }
        b.end_nested(acts).unwrap();
        b.end_msg(m).unwrap();
        b.to_vec()
    };
    let bytes = actions(3);
    let m = Messages::new(&bytes).next().unwrap().unwrap();
    let d = decode_msg(&fam, &m, fam.op("new"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert_eq!(
        Value::Object(d.body),
        json!({"dp-ifindex": 3, "actions": {"pop-vlan": [true, true, true]}})
    );

    let bytes = actions(16_000);
    let m = Messages::new(&bytes).next().unwrap().unwrap();
    let d = decode_msg(&fam, &m, fam.op("new"));
    let pops = &d.body["actions"]["pop-vlan"];
    assert_eq!(pops.as_array().map(Vec::len), Some(16_000));
    assert!(serde_json::to_string(&d.body).is_ok());
    assert!(crate::tree::render(&Value::Object(d.body)).lines().count() > 1);
}

/// The decoder's checks are the codec's policy checks of each attribute's wire shape
/// (`nlwire_schema::rules::shape`), reported with the attribute's path; NUL padding after
/// a string and a struct longer than the schema's pass, as kernels send them; the spec's
/// `checks` (what the kernel accepts as input) do not make a decoded attribute malformed.
#[test]
fn decoding_checks_the_wire_shape_through_the_codecs_policy() {
    let spec = r#"
name: demo
doc: Shapes.
protocol: genetlink-legacy
definitions:
  - {name: pair, type: struct, members: [{name: a, type: u32}, {name: b, type: u32}]}
attribute-sets:
  - name: main
    attributes:
      - {name: flag, type: flag}
      - {name: bf, type: bitfield32}
      - {name: pair, type: binary, struct: pair}
      - {name: name, type: string}
      - {name: label, type: string, checks: {unterminated-ok: true}}
      - {name: small, type: u8, checks: {max: 3}}
      - {name: var, type: uint}
      - {name: inner, type: nest, nested-attributes: main}
operations:
  list:
    - {name: set, doc: x, attribute-set: main, do: {request: {attributes: [flag]}}}
"#;
    let fam = nlwire_schema::load_str(spec, "demo.yaml").unwrap();
    let decode = |attrs: &dyn Fn(&mut nlwire::MsgBuf<'static>)| {
        let mut b = nlwire::MsgBuf::new();
        let m = b.start_genl_msg(0x20, 0, 1, 1);
        attrs(&mut b);
        b.end_msg(m).unwrap();
        let bytes = b.to_vec();
        let m = Messages::new(&bytes).next().unwrap().unwrap();
        let d = decode_msg(&fam, &m, fam.op("set"));
        let problems: Vec<String> = d.problems.iter().map(|p| p.to_string()).collect();
        (Value::Object(d.body), problems)
    };

    let (body, problems) = decode(&|b| {
        b.put_attr(4, b"eth0\0\0\0\0").unwrap();
        b.put_attr(5, b"no-nul").unwrap();
        b.put_attr(3, &[1, 0, 0, 0, 2, 0, 0, 0, 9, 9, 9, 9])
            .unwrap();
        b.put_attr_u8(6, 200).unwrap();
    });
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(body["name"], "eth0");
    assert_eq!(body["label"], "no-nul");
    assert_eq!(body["pair"], json!({"a": 1, "b": 2}));
    assert_eq!(body["small"], 200);

    let (body, problems) = decode(&|b| {
        b.put_attr(1, &[0, 0, 0, 0]).unwrap();
        b.put_attr(2, &[0; 6]).unwrap();
        b.put_attr(3, &[0; 4]).unwrap();
        b.put_attr(4, b"eth0").unwrap();
        b.put_attr(7, &[0; 5]).unwrap();
        let n = b.start_nested(8);
        b.put_attr(4, b"a\0b\0").unwrap();
        b.end_nested(n).unwrap();
    });
    assert_eq!(
        problems,
        [
            "flag: length 4, expected 0",
            "bf: length 6, expected 8",
            "pair: length 4, expected at least 8",
            "name: string does not end in NUL",
            "var: length 5, expected 4..=8",
            "inner.name: string has a NUL before its end",
        ]
    );
    assert_eq!(body["flag"]["!malformed"], "length 4, expected 0");
    assert_eq!(body["inner"]["name"]["raw"], "61006200");
}
