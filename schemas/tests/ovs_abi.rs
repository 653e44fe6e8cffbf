//! The kernel's OVS specs against the compiled OVS uAPI header (reference/ovs-abi-dump.txt):
//! every enum value and struct size that both name must agree, except for the known defects of
//! the kernel's 7.2 spec files listed in `KNOWN`.

use std::collections::HashMap;

use nlwire_schema::{DefKind, Family};

fn c_upper(s: &str) -> String {
    s.to_uppercase().replace('-', "_")
}

/// C name → value of every attribute, op and enum entry of a family.
fn c_names(f: &Family, out: &mut HashMap<String, i128>) {
    for s in f.attr_sets.iter().filter(|s| s.subset_of.is_none()) {
        for a in &s.attrs {
            let prefix = a.name_prefix.as_deref().unwrap_or(&s.name_prefix);
            out.insert(c_upper(&format!("{prefix}{}", a.name)), a.value.into());
        }
    }
    for op in &f.ops.list {
        if let Some(v) = op.req_value.or(op.rsp_value) {
            out.insert(
                c_upper(&format!("{}{}", f.ops.name_prefix, op.name)),
                v.into(),
            );
        }
    }
    for d in &f.definitions {
        if let DefKind::Enum(e) = &d.kind {
            for x in &e.entries {
                out.insert(
                    c_upper(&format!("{}{}", e.name_prefix, x.name)),
                    e.user_value(x),
                );
            }
        }
    }
}

/// Where the kernel's ovs_flow.yaml disagrees with the header:
/// - it has no `drop` action (24), so `psample` is numbered 24 instead of 25;
/// - `ovs-action-add-mpls` types `mpls-ethertype` as u32 where the header has `__be16`;
/// - YNL structs are packed, and these two C structs end in padding that the spec leaves out
///   (the kernel checks key lengths against `sizeof`, so a packed encoding is rejected).
const KNOWN: &[&str] = &[
    "OVS_ACTION_ATTR_PSAMPLE: header 25, spec 24",
    "sizeof ovs_key_arp: header 24, spec 22",
    "sizeof ovs_key_ct_tuple_ipv4: header 16, spec 13",
    "sizeof ovs_action_add_mpls: header 8, spec 10",
];

#[test]
fn ovs_specs_match_the_uapi_header() {
    let base = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared");
    let dump = std::fs::read_to_string(format!("{base}/reference/ovs-abi-dump.txt")).unwrap();
    let mut names = HashMap::new();
    let mut families = Vec::new();
    for file in ["ovs_datapath", "ovs_flow", "ovs_packet", "ovs_vport"] {
        let f = nlwire_schema::load(format!("{base}/ynl-specs/{file}.yaml")).unwrap();
        c_names(&f, &mut names);
        families.push(f);
    }
    let (mut matched, mut mismatches) = (0, Vec::new());
    for line in dump.lines() {
        if let Some(rest) = line.strip_prefix("sizeof(struct ") {
            let (c, size) = rest.split_once(") = ").unwrap();
            let spec_name = c.replace('_', "-");
            let def = families.iter().find_map(|f| f.def(&spec_name));
            if let Some(s) = def.and_then(|d| d.as_struct()) {
                matched += 1;
                if s.size.to_string() != size {
                    mismatches.push(format!("sizeof {c}: header {size}, spec {}", s.size));
                }
            }
            continue;
        }
        let Some((name, value)) = line.split_once(" = ") else {
            continue;
        };
        let (Some(&ours), Ok(theirs)) = (names.get(name), value.parse::<i128>()) else {
            continue;
        };
        matched += 1;
        if ours != theirs {
            mismatches.push(format!("{name}: header {theirs}, spec {ours}"));
        }
    }
    println!("{matched} names compared");
    assert_eq!(mismatches, KNOWN, "{}", mismatches.join("\n"));
    assert!(matched > 150, "only {matched} names compared");
}
