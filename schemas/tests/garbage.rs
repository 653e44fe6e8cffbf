//! The loader never panics and bounds its work on arbitrary input: mutated specs (the
//! project's and the test specs), random bytes, and inputs built to blow up (alias bombs, deep nesting, long chains).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

// xorshift64*: deterministic inputs (`below(n)` is `next % n`, as before).
use nlwire_testkit::XorShift as Rng;

const TOKENS: &[&str] = &[
    "\n",
    " ",
    "  ",
    "-",
    ":",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "*b",
    "&b ",
    "#",
    "'",
    "\"",
    "|",
    ">-",
    "0",
    "1",
    "0x101",
    "-1",
    "65536",
    "99999999999999999999999",
    "null",
    "~",
    "true",
    "no",
    "nest",
    "u8",
    "sint",
    "binary",
    "sub-message",
    "indexed-array",
    "struct",
    "enum",
    "value: ",
    "type: ",
    "name: ",
    "subset-of: ",
    "nested-attributes: ",
    "selector: ",
    "\t",
    "\u{0}",
    "é",
    "!!binary ",
    "!tag ",
    "<<: ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for _ in 0..1 + rng.below(4) {
        if lines.is_empty() {
            break;
        }
        let i = rng.below(lines.len());
        match rng.below(12) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(rng.below(lines.len()), l);
            }
            2 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            3 => {
                let l = &mut lines[i];
                if rng.below(2) == 0 {
                    l.insert(0, ' ');
                } else if l.starts_with(' ') {
                    l.remove(0);
                }
            }
            4 | 5 => {
                let l = &mut lines[i];
                let mut at = rng.below(l.len() + 1);
                while !l.is_char_boundary(at) {
                    at -= 1;
                }
                l.insert_str(at, TOKENS[rng.below(TOKENS.len())]);
            }
            6 => swap_value(rng, text, &mut lines[i]),
            7 => lines.truncate(i),
            _ => {
                let i = rng.below(lines.len());
                if lines[i].contains(": ") {
                    swap_value(rng, text, &mut lines[i]);
                }
            }
        }
    }
    lines.join("\n")
}

/// Replaces the value of a `key: value` line with a plain word of the spec or a number.
fn swap_value(rng: &mut Rng, text: &str, line: &mut String) {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .collect();
    let word = match rng.below(4) {
        0 => rng.below(70000).to_string(),
        _ => words[rng.below(words.len())].to_owned(),
    };
    if let Some(pos) = line.rfind(": ") {
        line.truncate(pos + 2);
        line.push_str(&word);
    }
}

/// Changes only values, so that most inputs parse and reach the resolver and the checks.
fn swap_values(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let candidates: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains(": "))
        .collect();
    for _ in 0..1 + rng.below(3) {
        let i = candidates[rng.below(candidates.len())];
        swap_value(rng, text, &mut lines[i]);
    }
    lines.join("\n")
}

fn garbage(rng: &mut Rng) -> String {
    let len = rng.below(400);
    (0..len)
        .map(|_| match rng.below(3) {
            0 => TOKENS[rng.below(TOKENS.len())].to_owned(),
            _ => char::from(32 + rng.below(95) as u8).to_string(),
        })
        .collect()
}

fn must_not_panic(input: &str, what: &str) {
    let start = Instant::now();
    let r = catch_unwind(AssertUnwindSafe(|| {
        nlwire_schema::load_str(input, "fuzz.yaml")
    }));
    assert!(r.is_ok(), "panic on {what}:\n{input}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{what} took {:?}",
        start.elapsed()
    );
}

/// A project spec (`ovs_flow.yaml`, from `specs/`) or a test spec (`corner-*.yaml`, from
/// `tests/specs/`).
fn spec(name: &str) -> String {
    let dir = if name.starts_with("corner-") {
        "tests/specs"
    } else {
        "specs"
    };
    let path = format!("{}/{dir}/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn mutated_small_specs() {
    let small = [
        "corner-genl.yaml",
        "corner-legacy.yaml",
        "corner-link.yaml",
        "corner-qdisc.yaml",
        "nlctrl.yaml",
        "ovs_ct_limit.yaml",
        "ovs_datapath.yaml",
        "ovs_meter.yaml",
        "ovs_vport.yaml",
    ];
    let texts: Vec<String> = small.iter().map(|n| spec(n)).collect();
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let (mut ok, mut failed, mut semantic) = (0, 0, 0);
    for i in 0..3000 {
        let t = &texts[i % texts.len()];
        let input = if i % 2 == 0 {
            swap_values(&mut rng, t)
        } else {
            mutate(&mut rng, t)
        };
        must_not_panic(
            &input,
            &format!("mutation {i} of {}", small[i % small.len()]),
        );
        match nlwire_schema::load_str(&input, "fuzz.yaml") {
            Ok(_) => ok += 1,
            Err(e) => {
                failed += 1;
                if !matches!(e.errors[0].kind, nlwire_schema::ErrorKind::Yaml { .. }) {
                    semantic += 1;
                }
            }
        }
    }
    println!("{ok} mutations loaded, {failed} rejected, {semantic} of them past the parser");
    assert!(
        ok > 100 && semantic > 500,
        "mutations too tame or too wild: {ok} ok, {failed} rejected, {semantic} semantic"
    );
}

#[test]
fn mutated_big_specs() {
    let mut rng = Rng::new(42);
    for name in ["ovs_flow.yaml", "ovs_packet.yaml"] {
        let t = spec(name);
        for i in 0..40 {
            must_not_panic(&mutate(&mut rng, &t), &format!("mutation {i} of {name}"));
        }
    }
}

#[test]
fn random_text() {
    let mut rng = Rng::new(7);
    for i in 0..2000 {
        let input = garbage(&mut rng);
        must_not_panic(&input, &format!("garbage {i}"));
    }
}

#[test]
fn hostile_shapes() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        let p = i - 1;
        bomb += &format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        );
    }
    let mut spec_bomb = String::from(
        "name: x\ndoc: x\nattribute-sets:\n  - name: s\n    attributes: &l0\n      - {name: a, type: u8}\n",
    );
    for i in 1..25 {
        let p = i - 1;
        spec_bomb += &format!(
            "  - name: s{i}\n    attributes: &l{i} [*l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}, *l{p}]\n"
        );
    }
    spec_bomb += "operations: {list: []}\n";
    let deep = "a: ".to_owned() + &"[".repeat(100_000) + &"]".repeat(100_000);
    let deep_map = (0..5000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect::<String>();
    let mut chain = String::from("name: x\ndoc: x\nprotocol: genetlink-legacy\ndefinitions:\n");
    for i in 0..3000 {
        chain += &format!(
            "  - {{name: s{i}, type: struct, members: [{{name: m, type: binary, struct: s{}}}]}}\n",
            i + 1
        );
    }
    chain += "  - {name: s3000, type: struct, members: [{name: m, type: u8}]}\n";
    let mut subsets = String::from(
        "name: x\ndoc: x\nattribute-sets:\n  - {name: s0, attributes: [{name: a, type: u8}]}\n",
    );
    for i in 1..3000 {
        subsets += &format!(
            "  - {{name: s{i}, subset-of: s{}, attributes: [{{name: a}}]}}\n",
            i - 1
        );
    }
    chain += "attribute-sets: []\noperations: {list: []}\n";
    subsets += "operations: {list: []}\n";
    let many_attrs = format!(
        "name: x\ndoc: x\nattribute-sets:\n  - name: s\n    attributes:\n{}operations: {{list: []}}\n",
        (0..20000)
            .map(|i| format!("      - {{name: a{i}, type: u8}}\n"))
            .collect::<String>()
    );
    let huge = "a".repeat(nlwire_schema::MAX_SPEC_BYTES + 1);
    let fan = format!(
        "name: x\ndoc: x\nprotocol: netlink-raw\nprotonum: 0\nattribute-sets:\n  - name: s\n    attributes:\n      - {{name: k, type: string}}\n{}sub-messages:\n  - name: m\n    formats:\n{}operations: {{list: []}}\n",
        (0..8000)
            .map(|i| format!(
                "      - {{name: a{i}, type: sub-message, sub-message: m, selector: k{}}}\n",
                i % 2
            ))
            .collect::<String>(),
        (0..8000)
            .map(|i| format!("      - {{value: v{i}, attribute-set: s}}\n"))
            .collect::<String>(),
    );
    let mut nest_chain = String::from(
        "name: x\ndoc: x\nprotocol: netlink-raw\nprotonum: 0\nsub-messages: [{name: m, formats: [{value: v}]}]\nattribute-sets:\n",
    );
    for i in 0..4000 {
        nest_chain += &format!(
            "  - {{name: s{i}, attributes: [{{name: n, type: nest, nested-attributes: s{}}}, {{name: d, type: sub-message, sub-message: m, selector: nowhere}}]}}\n",
            i + 1
        );
    }
    nest_chain += "  - {name: s4000, attributes: [{name: k, type: u8}]}\noperations: {list: []}\n";
    for (what, input) in [
        ("alias bomb", bomb),
        ("alias bomb in a spec", spec_bomb),
        ("deep flow nesting", deep),
        ("deep block nesting", deep_map),
        ("struct chain", chain),
        ("subset chain", subsets),
        ("many attributes", many_attrs),
        ("oversized input", huge),
        ("sub-message fan-out", fan),
        ("selectors over a long nest chain", nest_chain),
    ] {
        must_not_panic(&input, what);
        assert!(
            nlwire_schema::load_str(&input, "x.yaml").is_err(),
            "{what} loaded"
        );
    }
}
