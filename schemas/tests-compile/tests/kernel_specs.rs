//! Per-file report over the kernel's YNL specs: each file loads and checks (IR), generates
//! code that parses as Rust, and has a module in `src/lib.rs` (so rustc and the derives
//! compiled it when this crate was built). A file that fails any step fails the test; a
//! file without a module fails it too, so a new spec cannot be skipped silently.
//!
//! Then a few values go through the compiled modules, one per construct that only the
//! kernel's specs use: sub-messages with attribute sets and with fixed headers, nested
//! indexed arrays, bitfield32, `sint`, `unterminated-ok` strings, checks.

use std::path::{Path, PathBuf};

use nlwire::{AttrSet, Encode};
use nlwire_schema_compile_tests as k;

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ynl-specs")
}

/// Counts of what one spec generated.
#[derive(Default)]
struct Counts {
    structs: usize,
    enums: usize,
    consts: usize,
    messages: usize,
}

fn count(items: &[syn::Item], c: &mut Counts, in_msg: bool) {
    for it in items {
        match it {
            syn::Item::Struct(_) if in_msg => c.messages += 1,
            syn::Item::Struct(_) => c.structs += 1,
            syn::Item::Enum(_) => c.enums += 1,
            syn::Item::Const(_) => c.consts += 1,
            syn::Item::Impl(i) => {
                c.consts += i
                    .items
                    .iter()
                    .filter(|x| matches!(x, syn::ImplItem::Const(_)))
                    .count();
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    count(inner, c, m.ident == "msg");
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_kernel_spec_checks_generates_and_compiles() {
    let lib = include_str!("../src/lib.rs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(spec_dir())
        .unwrap_or_else(|e| panic!("{}: {e}", spec_dir().display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let f = match nlwire_schema::load(path) {
            Ok(f) => f,
            Err(e) => {
                println!("FAIL {file}: load\n{e}");
                failures.push(format!("{file} (load)"));
                continue;
            }
        };
        let tokens = match nlwire_schema::codegen::to_tokens(&f, &Default::default()) {
            Ok(t) => t,
            Err(e) => {
                println!("FAIL {file}: generate: {e}");
                failures.push(format!("{file} (generate)"));
                continue;
            }
        };
        let parsed: syn::File = match syn::parse2(tokens) {
            Ok(p) => p,
            Err(e) => {
                println!("FAIL {file}: generated code does not parse: {e}");
                failures.push(format!("{file} (parse)"));
                continue;
            }
        };
        let mut c = Counts::default();
        count(&parsed.items, &mut c, false);
        let module = file.trim_end_matches(".yaml").replace('-', "_");
        let invocation = format!("nlwire::schema!(\"../../../shared/ynl-specs/{file}\")");
        if !lib.contains(&invocation) {
            println!("FAIL {file}: no `{invocation}` in src/lib.rs, so rustc never saw it");
            failures.push(format!("{file} (not compiled)"));
            continue;
        }
        let lines = nlwire_schema::codegen::to_string(&f).lines().count();
        println!(
            "ok   {file:<20} {:<16} {:<16} {:>3} sets, {:>2} sub-msgs, {:>3} defs, {:>2} ops -> \
             {:>3} structs, {:>2} enums, {:>4} consts, {:>3} messages, {lines:>5} lines; module `{module}`",
            f.name,
            f.protocol.as_str(),
            f.attr_sets.len(),
            f.sub_messages.len(),
            f.definitions.len(),
            f.ops.list.len(),
            c.structs,
            c.enums,
            c.consts,
            c.messages,
        );
    }
    println!("{} spec files, {} failed", files.len(), failures.len());
    assert!(
        failures.is_empty(),
        "specs that fail: {}",
        failures.join(", ")
    );
    assert!(
        files.len() >= 23,
        "expected the 23 kernel specs, found {}",
        files.len()
    );
}

#[test]
fn rt_link_sub_message_follows_its_selector() {
    use k::rt_link::{LinkinfoAttrs, LinkinfoAttrsView, LinkinfoDataMsg, LinkinfoDataMsgView};
    use k::rt_link::{LinkinfoBondAttrs, LinkinfoVlanAttrs};
    let info = LinkinfoAttrs {
        kind: Some("vlan".into()),
        data: Some(LinkinfoDataMsg::Vlan(LinkinfoVlanAttrs {
            id: Some(42),
            ..Default::default()
        })),
        ..Default::default()
    };
    let bytes = info.encode_to_vec().unwrap();
    let v: LinkinfoAttrsView<'_> = LinkinfoAttrs::decode(&bytes).unwrap();
    assert!(matches!(v.data, Some(LinkinfoDataMsgView::Vlan(d)) if d.id == Some(42)));
    assert_eq!(LinkinfoAttrs::decode_owned(&bytes).unwrap(), info);

    // rt-link's bond ARP targets: an indexed array of big-endian u32.
    let bond = LinkinfoBondAttrs {
        arp_ip_target: Some(vec![0x0a00_0001, 0x0a00_0002]),
        ..Default::default()
    };
    let bytes = bond.encode_to_vec().unwrap();
    // Entries are written in network order.
    assert_eq!(&bytes[8..12], &[10, 0, 0, 1]);
    let got: Vec<u32> = LinkinfoBondAttrs::decode(&bytes)
        .unwrap()
        .arp_ip_target
        .unwrap()
        .iter()
        .collect();
    assert_eq!(got, [0x0a00_0001, 0x0a00_0002]);
}

#[test]
fn tc_fixed_header_sub_message_and_bitfield32() {
    use k::tc::{Attrs, NetemAttrs, OptionsMsg, TcNetemQopt};
    let qdisc = Attrs {
        kind: Some("netem".into()),
        options: Some(OptionsMsg::Netem(
            TcNetemQopt {
                latency: 1000.into(),
                limit: 10.into(),
                ..Default::default()
            },
            NetemAttrs {
                delay_dist: Some(vec![(-3).into(), 4.into()]),
                ..Default::default()
            },
        )),
        dump_flags: Some(nlwire::derive_support::Bitfield32 {
            value: 1,
            selector: 1,
        }),
        ..Default::default()
    };
    let bytes = qdisc.encode_to_vec().unwrap();
    assert_eq!(Attrs::decode_owned(&bytes).unwrap(), qdisc);
    let v = Attrs::decode(&bytes).unwrap();
    assert_eq!(v.dump_flags.unwrap().selector, 1);
}

#[test]
fn sint_unterminated_strings_and_checks() {
    // dpll: a `sint` is 4 or 8 bytes on the wire.
    let pin = k::dpll::Pin {
        fractional_frequency_offset: Some(-5),
        ..Default::default()
    };
    let bytes = pin.encode_to_vec().unwrap();
    assert_eq!(bytes.len(), 8);
    assert_eq!(
        k::dpll::Pin::decode(&bytes)
            .unwrap()
            .fractional_frequency_offset,
        Some(-5)
    );

    // team: `unterminated-ok` strings decode without a NUL.
    let raw = [8u8, 0, 1, 0, b'a', b'b', b'c', b'd'];
    assert_eq!(
        k::team::AttrOption::decode(&raw).unwrap().name,
        Some("abcd")
    );

    // netdev: `checks: min: 1` on ifindex rejects 0 on decode.
    let zero = k::netdev::Dev {
        ifindex: Some(0),
        ..Default::default()
    }
    .encode_to_vec()
    .unwrap();
    assert!(k::netdev::Dev::decode(&zero).is_err());
}

#[test]
fn nlctrl_nest_type_value_from_the_kernel_spec() {
    use k::nlctrl::{CtrlAttrs, PolicyAttrs};
    let attrs = CtrlAttrs {
        policy: Some(vec![(
            0,
            vec![(
                3,
                PolicyAttrs {
                    type_: Some(u32::from(k::nlctrl::AttrType::U32)),
                    ..Default::default()
                },
            )],
        )]),
        ..Default::default()
    };
    let bytes = attrs.encode_to_vec().unwrap();
    assert_eq!(CtrlAttrs::decode_owned(&bytes).unwrap(), attrs);
}

#[test]
fn extern_sets_hold_the_other_modules_types() {
    let key = k::ovs_flow::KeyAttrs {
        in_port: Some(4),
        ethertype: Some(0x0800),
        ..Default::default()
    };
    let shared = k::ovs_flow_shared_keys::FlowAttrs {
        key: Some(key.clone()),
        ..Default::default()
    };
    let own = k::ovs_flow::FlowAttrs {
        key: Some(key.clone()),
        ..Default::default()
    };
    let bytes = shared.encode_to_vec().unwrap();
    assert_eq!(bytes, own.encode_to_vec().unwrap());
    let v = k::ovs_flow_shared_keys::FlowAttrs::decode(&bytes).unwrap();
    let back: k::ovs_flow::KeyAttrs = k::ovs_flow::KeyAttrs::from_view(v.key.unwrap());
    assert_eq!(back, key);
}
