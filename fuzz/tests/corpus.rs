//! Runs every fuzz target over its seed corpus (fuzz/corpus/<target>/*) and a few thousand
//! generated inputs, so CI exercises the targets on stable Rust without a fuzzer.

use std::path::Path;

use nlwire_testkit::XorShift;

/// Up to `max` deterministic bytes: the same inputs on every run.
fn bytes_up_to(rng: &mut XorShift, max: usize) -> Vec<u8> {
    let n = rng.below(max + 1);
    rng.bytes(n)
}

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
    }
    if target == "schema_load" {
        // The project's specs and test specs; the kernel's corpus too when the opt-in
        // conformance variable names it.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let kernel = std::env::var_os("NLWIRE_KERNEL_SPECS").map(std::path::PathBuf::from);
        let dirs = [root.join("schemas/specs"), root.join("schemas/tests/specs")];
        for extra in dirs.into_iter().chain(kernel) {
            let Ok(entries) = std::fs::read_dir(&extra) else {
                continue;
            };
            for e in entries {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "yaml") {
                    out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
                }
            }
        }
    }
    out.sort();
    out
}

/// Mutations of a seed: bit flips, truncations and splices keep inputs near valid ones.
fn mutate(rng: &mut XorShift, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    match rng.next_u64() % 4 {
        0 if !v.is_empty() => {
            let i = rng.next_u64() as usize % v.len();
            v[i] ^= 1 << (rng.next_u64() % 8);
        }
        1 if !v.is_empty() => v.truncate(rng.next_u64() as usize % v.len()),
        2 if !v.is_empty() => {
            let i = rng.next_u64() as usize % v.len();
            v[i] = rng.next_u64() as u8;
        }
        _ => v.extend(bytes_up_to(rng, 16)),
    }
    v
}

#[test]
fn every_target_survives_its_corpus_and_generated_inputs() {
    for (name, target) in nlwire_fuzz::TARGETS {
        let seeds = seeds(name);
        assert!(!seeds.is_empty(), "fuzz/corpus/{name} has no seeds");
        for (path, data) in &seeds {
            let r = std::panic::catch_unwind(|| target(data));
            assert!(r.is_ok(), "target {name} panicked on seed {path}");
        }
        let mut rng = XorShift::new(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
        for i in 0..3000 {
            let input = if i % 2 == 0 {
                bytes_up_to(&mut rng, 512)
            } else {
                let s = &seeds[rng.next_u64() as usize % seeds.len()].1;
                mutate(&mut rng, s)
            };
            let r = std::panic::catch_unwind(|| target(&input));
            assert!(
                r.is_ok(),
                "target {name} panicked on generated input #{i}: {input:02x?}"
            );
        }
    }
}

#[test]
fn policy_seeds_cover_valid_and_each_kind_of_invalid() {
    for (path, data) in seeds("policy_check") {
        let limits = nlwire::Limits {
            max_depth: 1 + (data[0] as usize % 6),
            ..nlwire::Limits::DEFAULT
        };
        let r = nlwire_fuzz::POLICY_CHECK_POLICY.validate_with(&data[1..], &limits, None);
        let want_ok = path.contains("valid_");
        assert_eq!(r.is_ok(), want_ok, "{path}: {r:?}");
        nlwire_fuzz::policy_check(&data);
    }
}

#[test]
fn schema_seeds_load_or_fail_as_intended() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/schema_load");
    for (file, ok) in [
        ("genl_minimal.yaml", true),
        ("legacy_struct.yaml", true),
        ("broken_refs.yaml", false),
    ] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let r = nlwire_schema::load_str(&text, file);
        assert_eq!(
            r.is_ok(),
            ok,
            "{file}: {:?}",
            r.err().map(|e| e.to_string())
        );
    }
}

#[test]
fn ovs_seed_decodes_to_the_flow_it_encodes() {
    use nlwire::{AttrSet, Message};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/ovs_decode");
    let msg = std::fs::read(dir.join("flow_new_msg")).unwrap();
    let new = ovs_handwritten::FlowNew::decode_owned(&msg).unwrap();
    assert_eq!(new.header.dp_ifindex.get(), 5);
    let flow = ovs_handwritten::Flow::decode_owned(&std::fs::read(dir.join("flow_attrs")).unwrap())
        .unwrap();
    assert_eq!(flow, new.flow);
    assert_eq!(flow.key.as_ref().and_then(|k| k.in_port), Some(1));
    assert_eq!(flow.actions.as_ref().map(Vec::len), Some(5));
}

#[test]
fn every_libfuzzer_binary_is_a_target_with_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("libfuzzer/Cargo.toml")).unwrap();
    let mut bins: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "nlwire-libfuzzer")
        .collect();
    bins.sort_unstable();
    let mut targets: Vec<&str> = nlwire_fuzz::TARGETS.iter().map(|t| t.0).collect();
    targets.sort_unstable();
    assert_eq!(
        bins, targets,
        "fuzz/libfuzzer binaries vs nlwire_fuzz::TARGETS"
    );
    for t in targets {
        let body = std::fs::read_to_string(root.join(format!("libfuzzer/fuzz_targets/{t}.rs")))
            .unwrap_or_else(|e| panic!("fuzz_targets/{t}.rs: {e}"));
        assert!(
            body.contains(&format!("nlwire_fuzz::{t}(")),
            "fuzz_targets/{t}.rs does not call nlwire_fuzz::{t}"
        );
        assert!(!seeds(t).is_empty(), "fuzz/corpus/{t} has no seeds");
    }
}

#[test]
fn families_roundtrip_seeds_pick_every_type() {
    let mut picked = [false; nlwire_fuzz::FAMILIES_ROUNDTRIP_TYPES];
    for (_, data) in seeds("families_roundtrip") {
        if let Some(&b) = data.first() {
            let n = picked.len();
            picked[usize::from(b) % n] = true;
        }
    }
    let missing: Vec<usize> = (0..picked.len()).filter(|&i| !picked[i]).collect();
    assert!(missing.is_empty(), "no seed picks types {missing:?}");
}

/// The recorded OVS seeds (`<test>-<family>-cmd<N>-<req|rep>-<n>`, see
/// examples/record_seeds.rs) are real messages: each data message decodes through the
/// generated type of its family.
#[test]
fn recorded_ovs_seeds_decode_through_their_generated_family() {
    use nlwire::Message;
    use nlwire_families::*;
    let mut checked = 0;
    for (path, data) in seeds("families_decode") {
        let name = Path::new(&path).file_name().unwrap().to_str().unwrap();
        let Some(family) = name.split('-').nth(1).filter(|f| f.starts_with("ovs_")) else {
            continue;
        };
        let m = nlwire::Msg::parse(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
        if m.ty() == nlwire::consts::NLMSG_ERROR {
            continue;
        }
        let r = match family {
            "ovs_datapath" => ovs_datapath::msg::NewRequest::decode_any_cmd(&data).map(drop),
            "ovs_vport" => ovs_vport::msg::NewRequest::decode_any_cmd(&data).map(drop),
            "ovs_flow" => ovs_flow::msg::NewRequest::decode_any_cmd(&data).map(drop),
            "ovs_packet" => ovs_packet::msg::Miss::decode_any_cmd(&data).map(drop),
            "ovs_meter" => ovs_meter::msg::SetRequest::decode_any_cmd(&data).map(drop),
            "ovs_ct_limit" => ovs_ct_limit::msg::SetRequest::decode_any_cmd(&data).map(drop),
            other => panic!("{name}: unknown family {other}"),
        };
        r.unwrap_or_else(|e| panic!("{name}: {e}"));
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} recorded OVS seeds");
}

/// The recorded captures decode with no problem but the one the recording provokes
/// (an nlctrl request with a 1-byte family-id, which the kernel refuses).
#[test]
fn recorded_captures_decode_cleanly() {
    use nlwire_cli::cmd::decode::Decoder;
    let mut dec = Decoder::builtin();
    for (path, data) in seeds("pcap_decode") {
        if path.contains("hostile-") {
            continue;
        }
        let records = nlwire_cli::capture::records(&data).unwrap();
        dec.forget_capture();
        dec.learn_ids(&records);
        let mut problems = Vec::new();
        for r in &records {
            for e in dec.entries(r) {
                if let Some(errs) = e.get("errors").and_then(|v| v.as_array()) {
                    problems.extend(errs.iter().map(|v| v.to_string()));
                }
                assert!(
                    e.get("error").is_none() || e.get("message").is_some(),
                    "{path}: {e}"
                );
                if let Some(f) = e.get("family").and_then(|v| v.as_str()) {
                    assert!(!f.starts_with('#'), "{path}: family id not learnt: {e}");
                }
            }
        }
        let expected: &[&str] = if path.contains("/host") {
            &["\"family-id: length 1, expected 2\""]
        } else {
            &[]
        };
        assert_eq!(problems, expected, "{path}");
    }
}
