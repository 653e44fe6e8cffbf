//! Broken specs give errors that name the file, the line and the offending key.

use nlwire_schema::{ErrorKind, SchemaError, load_str};

const HEAD: &str = "name: demo\ndoc: d\n";

fn fail(spec: &str) -> SchemaError {
    match load_str(spec, "demo.yaml") {
        Ok(_) => panic!("spec loaded:\n{spec}"),
        Err(e) => e,
    }
}

fn one(spec: &str) -> (u32, ErrorKind, String) {
    let e = fail(spec);
    assert_eq!(e.errors.len(), 1, "{e}");
    let d = &e.errors[0];
    (d.pos.line, d.kind.clone(), d.to_string())
}

fn line_of(text: &str, needle: &str) -> u32 {
    let i = text.find(needle).unwrap();
    text[..i].matches('\n').count() as u32 + 1
}

#[test]
fn unknown_nested_set_in_a_real_spec() {
    let text = nlwire_schema::builtin::get("ovs_flow").unwrap().text;
    let broken = text.replacen(
        "nested-attributes: key-attrs",
        "nested-attributes: no-such-set",
        1,
    );
    let line = line_of(&broken, "no-such-set");
    let e = load_str(&broken, "ovs_flow.yaml").unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "ovs_flow.yaml:{line}: attribute-set \"flow-attrs\" attribute \"key\": nested-attributes \"no-such-set\" does not exist"
        )
    );
    assert!(matches!(
        &e.errors[0].kind,
        ErrorKind::UnknownAttrSet { key: "nested-attributes", name } if name == "no-such-set"
    ));
}

#[test]
fn bad_type() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    attributes:\n      - name: x\n        type: u33\noperations: {{list: []}}\n"
    );
    let (line, kind, text) = one(&spec);
    assert_eq!(line, 7);
    assert_eq!(
        kind,
        ErrorKind::UnknownType {
            key: "type",
            name: "u33".into()
        }
    );
    assert_eq!(
        text,
        "demo.yaml:7: attribute-set \"a\" attribute \"x\": type \"u33\" is not a known type"
    );
}

#[test]
fn bad_sub_type_and_member_type() {
    let spec = format!(
        "{HEAD}protocol: genetlink-legacy\ndefinitions:\n  - name: s\n    type: struct\n    members:\n      - {{name: m, type: u24}}\nattribute-sets:\n  - name: a\n    attributes:\n      - {{name: x, type: indexed-array, sub-type: nestt}}\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    let kinds: Vec<_> = e
        .errors
        .iter()
        .map(|d| (d.pos.line, d.kind.clone()))
        .collect();
    assert!(
        kinds.contains(&(
            8,
            ErrorKind::UnknownType {
                key: "type",
                name: "u24".into()
            }
        )),
        "{e}"
    );
    assert!(
        kinds.contains(&(
            12,
            ErrorKind::UnknownType {
                key: "sub-type",
                name: "nestt".into()
            }
        )),
        "{e}"
    );
}

#[test]
fn duplicate_attribute_value() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    attributes:\n      - name: x\n        type: u8\n      - name: y\n        type: u8\n        value: 1\noperations: {{list: []}}\n"
    );
    let (line, kind, text) = one(&spec);
    assert_eq!(line, 8);
    assert_eq!(
        kind,
        ErrorKind::DuplicateValue {
            what: "attribute value",
            value: 1,
            other: "x".into(),
            other_line: 6
        }
    );
    assert_eq!(
        text,
        "demo.yaml:8: attribute-set \"a\" attribute \"y\": attribute value 1 is already used by \"x\" (line 6)"
    );
}

#[test]
fn duplicate_op_and_entry_values() {
    let spec = format!(
        "{HEAD}definitions:\n  - name: e\n    type: enum\n    entries:\n      - a\n      - {{name: b, value: 0}}\nattribute-sets: []\noperations:\n  list:\n    - {{name: one, doc: d, value: 4}}\n    - {{name: two, doc: d, value: 4}}\n"
    );
    let e = fail(&spec);
    assert_eq!(e.errors.len(), 2, "{e}");
    assert_eq!(
        e.errors[0].kind,
        ErrorKind::DuplicateValue {
            what: "entry value",
            value: 0,
            other: "a".into(),
            other_line: 7
        }
    );
    assert_eq!(e.errors[0].pos.line, 8);
    assert_eq!(
        e.errors[1].kind,
        ErrorKind::DuplicateValue {
            what: "op value",
            value: 4,
            other: "one".into(),
            other_line: 12
        }
    );
    assert_eq!(e.errors[1].pos.line, 13);
}

#[test]
fn bad_subset_of() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: main\n    attributes:\n      - {{name: x, type: u8}}\n  - name: sub\n    subset-of: main\n    attributes:\n      - name: x\n      - name: nope\noperations: {{list: []}}\n"
    );
    let (line, kind, text) = one(&spec);
    assert_eq!(line, 11);
    assert_eq!(
        kind,
        ErrorKind::NotInSuperset {
            name: "nope".into(),
            superset: "main".into()
        }
    );
    assert_eq!(
        text,
        "demo.yaml:11: attribute-set \"sub\" attribute \"nope\": subset-of: attribute \"nope\" is not in attribute-set \"main\""
    );

    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: sub\n    subset-of: no-main\n    attributes:\n      - name: x\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    assert_eq!(e.errors[0].pos.line, 5);
    assert_eq!(
        e.errors[0].kind,
        ErrorKind::UnknownAttrSet {
            key: "subset-of",
            name: "no-main".into()
        }
    );
}

#[test]
fn subset_cycle() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    subset-of: b\n    attributes: []\n  - name: b\n    subset-of: a\n    attributes: []\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    assert!(
        e.errors.iter().all(|d| matches!(
            d.kind,
            ErrorKind::Cycle {
                key: "subset-of",
                ..
            }
        )),
        "{e}"
    );
}

#[test]
fn misspelt_key_is_rejected_with_its_line() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    attributes:\n      - name: x\n        type: nest\n        nested-attribute: a\noperations: {{list: []}}\n"
    );
    let (line, kind, text) = one(&spec);
    assert_eq!(line, 8);
    let ErrorKind::Yaml { message } = kind else {
        panic!("{text}")
    };
    assert!(
        message.contains("unknown field `nested-attribute`"),
        "{message}"
    );
    assert!(text.starts_with("demo.yaml:8: "), "{text}");
}

#[test]
fn unknown_and_wrong_definitions() {
    let spec = format!(
        "{HEAD}protocol: genetlink-legacy\ndefinitions:\n  - {{name: e, type: enum, entries: [a]}}\nattribute-sets:\n  - name: a\n    attributes:\n      - {{name: x, type: binary, struct: nope}}\n      - {{name: y, type: binary, struct: e}}\n      - {{name: z, type: u32, enum: missing}}\noperations:\n  fixed-header: hdr\n  list: []\n"
    );
    let e = fail(&spec);
    let got: Vec<_> = e
        .errors
        .iter()
        .map(|d| (d.pos.line, d.kind.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                9,
                ErrorKind::UnknownDefinition {
                    key: "struct",
                    name: "nope".into()
                }
            ),
            (
                10,
                ErrorKind::WrongDefinitionKind {
                    key: "struct",
                    name: "e".into(),
                    expected: "struct",
                    found: "enum"
                }
            ),
            (
                11,
                ErrorKind::UnknownDefinition {
                    key: "enum",
                    name: "missing".into()
                }
            ),
            (
                13,
                ErrorKind::UnknownDefinition {
                    key: "fixed-header",
                    name: "hdr".into()
                }
            ),
        ],
        "{e}"
    );
}

#[test]
fn checks_referring_to_definitions() {
    let spec = format!(
        "{HEAD}definitions:\n  - {{name: lim, type: const, value: 10}}\n  - {{name: word, type: const, value: text}}\nattribute-sets:\n  - name: a\n    attributes:\n      - {{name: x, type: u32, checks: {{max: lim}}}}\n      - {{name: y, type: u32, checks: {{max: no-such-const}}}}\n      - {{name: z, type: string, checks: {{max-len: word}}}}\n      - {{name: w, type: u8, checks: {{max: u16-max}}}}\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    let got: Vec<_> = e
        .errors
        .iter()
        .map(|d| (d.pos.line, d.kind.clone()))
        .collect();
    assert_eq!(got.len(), 3, "{e}");
    assert!(
        matches!(&got[0], (10, ErrorKind::BadLimit { key: "max", text, .. }) if text == "no-such-const")
    );
    assert!(
        matches!(&got[1], (11, ErrorKind::BadLimit { key: "max-len", text, .. }) if text == "word")
    );
    assert!(matches!(
        &got[2],
        (
            12,
            ErrorKind::OutOfRange {
                key: "max",
                value: 65535,
                min: 0,
                max: 255
            }
        )
    ));
}

#[test]
fn op_references() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    attributes:\n      - {{name: x, type: u8}}\noperations:\n  list:\n    - name: get\n      doc: d\n      attribute-set: a\n      do:\n        request:\n          attributes: [x, y]\n    - {{name: ntf, doc: d, notify: gett, mcgrp: nope}}\n    - {{name: other, doc: d, attribute-set: b, dump: {{}}}}\n"
    );
    let e = fail(&spec);
    let got: Vec<_> = e
        .errors
        .iter()
        .map(|d| (d.pos.line, d.kind.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                14,
                ErrorKind::UnknownAttr {
                    key: "attributes",
                    name: "y".into(),
                    set: "a".into()
                }
            ),
            (
                15,
                ErrorKind::UnknownOp {
                    key: "notify",
                    name: "gett".into()
                }
            ),
            (
                15,
                ErrorKind::UnknownMcastGroup {
                    key: "mcgrp",
                    name: "nope".into()
                }
            ),
            (
                16,
                ErrorKind::UnknownAttrSet {
                    key: "attribute-set",
                    name: "b".into()
                }
            ),
        ],
        "{e}"
    );
    assert_eq!(e.errors[0].context, "op \"get\" do request");
}

#[test]
fn errors_through_an_alias_name_both_places() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    attributes:\n      - {{name: x, type: u8}}\noperations:\n  list:\n    - name: get\n      doc: d\n      attribute-set: a\n      do: &get\n        request:\n          attributes: [nope]\n      dump: *get\n"
    );
    let e = fail(&spec);
    assert_eq!(e.errors.len(), 2, "{e}");
    assert_eq!(e.errors[0].pos.line, 14);
    assert_eq!(e.errors[0].used_at, None);
    assert_eq!(e.errors[1].pos.line, 14);
    assert_eq!(e.errors[1].used_at.map(|p| p.line), Some(15));
    assert_eq!(
        e.errors[1].to_string(),
        "demo.yaml:14: op \"get\" dump request: attributes: attribute \"nope\" is not in attribute-set \"a\" (used through an alias at line 15)"
    );
}

#[test]
fn keys_outside_the_protocol_level() {
    let spec = format!(
        "{HEAD}definitions:\n  - name: s\n    type: struct\n    members: [{{name: a, type: u32}}]\nattribute-sets:\n  - name: a\n    attributes:\n      - {{name: m, type: sub-message, sub-message: sm, selector: k}}\nsub-messages:\n  - {{name: sm, formats: [{{value: v}}]}}\noperations:\n  enum-model: directional\n  list: []\n"
    );
    let e = fail(&spec);
    let keys: Vec<_> = e
        .errors
        .iter()
        .filter_map(|d| match &d.kind {
            ErrorKind::NotAllowed { key, .. } => Some((d.pos.line, *key)),
            _ => None,
        })
        .collect();
    assert!(keys.contains(&(5, "type: struct")), "{e}");
    assert!(keys.contains(&(6, "members")), "{e}");
    assert!(keys.contains(&(10, "type: sub-message")), "{e}");
    assert!(keys.contains(&(12, "sub-messages")), "{e}");
    assert!(keys.contains(&(14, "enum-model: directional")), "{e}");
}

#[test]
fn type_and_key_mismatches() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    attributes:\n      - {{name: n, type: nest}}\n      - {{name: u, type: u32, nested-attributes: a}}\n      - {{name: i, type: indexed-array}}\n      - {{name: s, type: string, checks: {{min: 1}}}}\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    let got: Vec<_> = e
        .errors
        .iter()
        .map(|d| {
            let key = match &d.kind {
                ErrorKind::Missing { key, .. } | ErrorKind::NotAllowed { key, .. } => *key,
                _ => "?",
            };
            (d.pos.line, key)
        })
        .collect();
    assert_eq!(
        got,
        [
            (6, "nested-attributes"),
            (7, "nested-attributes"),
            (8, "sub-type"),
            (9, "min")
        ],
        "{e}"
    );
}

#[test]
fn out_of_range_values() {
    let spec = format!(
        "{HEAD}definitions:\n  - {{name: f, type: flags, entries: [{{name: hi, value: 64}}]}}\nattribute-sets:\n  - name: a\n    attributes:\n      - {{name: x, type: u8, value: 16384}}\noperations:\n  list:\n    - {{name: op, doc: d, value: 256}}\n"
    );
    let e = fail(&spec);
    let got: Vec<_> = e
        .errors
        .iter()
        .map(|d| match d.kind {
            ErrorKind::OutOfRange { value, max, .. } => (d.pos.line, value, max),
            _ => panic!("{e}"),
        })
        .collect();
    assert_eq!(got, [(4, 64, 63), (8, 16384, 0x3fff), (11, 256, 255)]);
}

#[test]
fn struct_cycle() {
    let spec = format!(
        "{HEAD}protocol: genetlink-legacy\ndefinitions:\n  - name: a\n    type: struct\n    members: [{{name: m, type: binary, struct: b}}]\n  - name: b\n    type: struct\n    members: [{{name: m, type: binary, struct: a}}]\nattribute-sets: []\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    assert!(
        matches!(&e.errors[0].kind, ErrorKind::Cycle { key: "struct", .. }),
        "{e}"
    );
}

#[test]
fn directional_op_without_messages() {
    let spec = format!(
        "{HEAD}protocol: genetlink-legacy\nattribute-sets: []\noperations:\n  enum-model: directional\n  list:\n    - {{name: resv, doc: d}}\n"
    );
    let (line, kind, _) = one(&spec);
    assert_eq!(line, 8);
    assert!(matches!(
        kind,
        ErrorKind::Missing {
            key: "do, dump, notify or event",
            ..
        }
    ));
}

#[test]
fn selector_must_be_in_scope() {
    let spec = format!(
        "{HEAD}protocol: netlink-raw\nprotonum: 0\nattribute-sets:\n  - name: a\n    attributes:\n      - {{name: kind, type: string}}\n      - {{name: data, type: sub-message, sub-message: m, selector: knd}}\n  - name: b\n    attributes: [{{name: x, type: u8}}]\nsub-messages:\n  - name: m\n    formats:\n      - {{value: one, attribute-set: b}}\n      - {{value: two, attribute-set: c}}\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    let got: Vec<_> = e
        .errors
        .iter()
        .map(|d| (d.pos.line, d.kind.clone()))
        .collect();
    assert_eq!(got.len(), 2, "{e}");
    assert_eq!(
        got[0],
        (
            9,
            ErrorKind::UnknownSelector {
                name: "knd".into(),
                set: "a".into()
            }
        )
    );
    assert_eq!(
        got[1],
        (
            16,
            ErrorKind::UnknownAttrSet {
                key: "attribute-set",
                name: "c".into()
            }
        )
    );
}

#[test]
fn bad_names_and_missing_keys() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: Bad_Set\n    attributes:\n      - {{name: x}}\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    let got: Vec<_> = e
        .errors
        .iter()
        .map(|d| (d.pos.line, d.kind.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                4,
                ErrorKind::BadName {
                    name: "Bad_Set".into(),
                    pattern: "^[0-9a-z-]+$"
                }
            ),
            (
                6,
                ErrorKind::Missing {
                    key: "type",
                    why: "only subset attributes inherit their type"
                }
            ),
        ],
        "{e}"
    );
}

#[test]
fn several_errors_in_file_order() {
    let spec = format!(
        "{HEAD}attribute-sets:\n  - name: a\n    attributes:\n      - {{name: x, type: nest, nested-attributes: n1}}\n      - {{name: y, type: u99}}\n      - {{name: z, type: nest, nested-attributes: n2}}\noperations: {{list: []}}\n"
    );
    let e = fail(&spec);
    let lines: Vec<_> = e.errors.iter().map(|d| d.pos.line).collect();
    assert_eq!(lines, [6, 7, 8]);
    assert_eq!(e.to_string().lines().count(), 3);
}

#[test]
fn yaml_syntax_error_has_a_line() {
    let spec = format!("{HEAD}attribute-sets:\n  - name: [a\n");
    let (line, kind, _) = one(&spec);
    assert!(line >= 4, "{line}");
    assert!(matches!(kind, ErrorKind::Yaml { .. }));
}

#[test]
fn missing_file() {
    let e = nlwire_schema::load("/nonexistent/x.yaml").unwrap_err();
    assert!(matches!(e.errors[0].kind, ErrorKind::Io { .. }));
    assert!(
        e.to_string()
            .starts_with("/nonexistent/x.yaml:0: cannot read")
    );
}

#[test]
fn struct_array_and_nested_flag_tag_misused() {
    let spec = format!(
        "{HEAD}protocol: genetlink-legacy
definitions:
  - {{name: pair, type: struct, members: [{{name: a, type: u32}}]}}
attribute-sets:
  - name: a
    attributes:
      - {{name: arr, type: binary, sub-type: binary}}
      - {{name: ok, type: binary, sub-type: binary, struct: pair}}
      - {{name: n, type: u32, doc: '[nla-f-nested] Not a nest.'}}
      - {{name: s, type: string, sub-type: binary}}
operations: {{list: []}}
"
    );
    let e = fail(&spec);
    let got: Vec<_> = e.errors.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        got,
        [
            "demo.yaml:9: attribute-set \"a\" attribute \"arr\": struct is required: sub-type binary on a binary attribute is a packed array of a struct",
            "demo.yaml:11: attribute-set \"a\" attribute \"n\": doc is not allowed: the [nla-f-nested] tag marks nests, not u32 attributes",
            "demo.yaml:12: attribute-set \"a\" attribute \"s\": sub-type is not allowed: type string does not take sub-type binary",
        ],
        "{e}"
    );
}
