//! The OVS specs against the OVS ABI: the C name (prefix + name, as C generation forms it)
//! of every attribute, command and enum or flags entry, and the size of every struct, must
//! have the number OVS's `include/linux/openvswitch.h` gives it.
//!
//! - `project_specs_match_the_golden_abi` (always): the project's specs (`specs/ovs_*.yaml`)
//!   against `tests/ovs_abi_golden.txt`, the numbers of that header the project's specs name.
//! - `project_specs_match_the_abi_dump` (opt-in, `NLWIRE_OVS_ABI_DUMP=FILE`, run with
//!   `--ignored`): the same specs against a dump compiled from the header itself, and the
//!   golden file against that dump, so the golden numbers cannot go stale.
//! - `kernel_specs_match_the_golden_abi` (the kernel spec corpus, `NLWIRE_KERNEL_SPECS`): the
//!   kernel's OVS specs against the golden numbers, except for the known defects of the
//!   kernel's 7.2 spec files listed in `KNOWN`.

use std::collections::HashMap;

use nlwire_schema::{DefKind, Family};

/// The variable naming the OVS ABI dump: `NAME = value` per enum entry and
/// `sizeof(struct name) = N` per struct, from compiling OVS's `openvswitch.h`.
const DUMP_ENV: &str = "NLWIRE_OVS_ABI_DUMP";

const GOLDEN: &str = include_str!("ovs_abi_golden.txt");

const PROJECT_OVS: [&str; 6] = [
    "ovs_ct_limit",
    "ovs_datapath",
    "ovs_flow",
    "ovs_meter",
    "ovs_packet",
    "ovs_vport",
];

/// One number of the ABI.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fact {
    /// An enum entry (or a define in an enum's place): C name and value.
    Value(String, i128),
    /// `sizeof(struct <name>)`.
    Size(String, u32),
}

impl Fact {
    fn number(&self) -> i128 {
        match self {
            Fact::Value(_, v) => *v,
            Fact::Size(_, s) => (*s).into(),
        }
    }
}

/// The facts of a dump or of the golden file, in file order; other lines (`#` comments,
/// `== enum` headers, struct layouts) are skipped.
fn parse_abi(text: &str) -> Vec<Fact> {
    let mut facts = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("sizeof(struct ") {
            let (c, size) = rest.split_once(") = ").expect("sizeof line");
            facts.push(Fact::Size(c.into(), size.parse().expect("struct size")));
        } else if let Some((name, value)) = line.split_once(" = ")
            && !name.starts_with(['#', ' '])
            && let Ok(v) = value.parse::<i128>()
        {
            facts.push(Fact::Value(name.into(), v));
        }
    }
    facts
}

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

/// What some specs say about the ABI's facts.
struct Specs {
    families: Vec<Family>,
    names: HashMap<String, i128>,
}

impl Specs {
    fn new(families: Vec<Family>) -> Specs {
        let mut names = HashMap::new();
        for f in &families {
            c_names(f, &mut names);
        }
        Specs { families, names }
    }

    fn project() -> Specs {
        Specs::new(
            PROJECT_OVS
                .iter()
                .map(|n| nlwire_schema::builtin::load(n).unwrap().unwrap())
                .collect(),
        )
    }

    /// The number the specs give a fact's name, if they name it.
    fn number(&self, fact: &Fact) -> Option<i128> {
        match fact {
            Fact::Value(name, _) => self.names.get(name).copied(),
            Fact::Size(c, _) => {
                let spec_name = c.replace('_', "-");
                let def = self.families.iter().find_map(|f| f.def(&spec_name));
                def.and_then(|d| d.as_struct()).map(|s| s.size.into())
            }
        }
    }

    /// The facts the specs name, and the mismatches among them (as
    /// `NAME: header N, spec M`), in the facts' order.
    fn compare<'a>(&self, facts: &'a [Fact]) -> (Vec<&'a Fact>, Vec<String>) {
        let (mut matched, mut mismatches) = (Vec::new(), Vec::new());
        for fact in facts {
            let Some(ours) = self.number(fact) else {
                continue;
            };
            matched.push(fact);
            if ours != fact.number() {
                let theirs = fact.number();
                mismatches.push(match fact {
                    Fact::Value(name, _) => format!("{name}: header {theirs}, spec {ours}"),
                    Fact::Size(c, _) => format!("sizeof {c}: header {theirs}, spec {ours}"),
                });
            }
        }
        (matched, mismatches)
    }
}

#[test]
fn project_specs_match_the_golden_abi() {
    let golden = parse_abi(GOLDEN);
    let specs = Specs::project();
    let (matched, mismatches) = specs.compare(&golden);
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    // Every golden number is named by the project's specs (that is how the file was cut).
    let unnamed: Vec<_> = golden.iter().filter(|f| !matched.contains(f)).collect();
    assert!(
        unnamed.is_empty(),
        "golden facts the specs do not name: {unnamed:?}"
    );
    let sizes = golden
        .iter()
        .filter(|f| matches!(f, Fact::Size(..)))
        .count();
    println!(
        "{} golden numbers, {sizes} of them struct sizes",
        golden.len()
    );
    assert!(golden.len() > 250 && sizes > 25, "golden file cut short");

    // Among them, the numbers the kernel's 7.2 specs get wrong (`KNOWN`).
    for fact in [
        Fact::Value("OVS_ACTION_ATTR_DROP".into(), 24),
        Fact::Value("OVS_ACTION_ATTR_PSAMPLE".into(), 25),
        Fact::Size("ovs_key_arp".into(), 24),
        Fact::Size("ovs_key_ct_tuple_ipv4".into(), 16),
        Fact::Size("ovs_action_add_mpls".into(), 8),
    ] {
        assert!(golden.contains(&fact), "{fact:?} is not in the golden file");
        assert_eq!(specs.number(&fact), Some(fact.number()), "{fact:?}");
    }
}

#[test]
#[ignore = "needs the OVS ABI dump: set NLWIRE_OVS_ABI_DUMP to a dump compiled from OVS's \
            include/linux/openvswitch.h (`NAME = value`, `sizeof(struct x) = N` lines) and run \
            with --ignored"]
fn project_specs_match_the_abi_dump() {
    let path = std::env::var_os(DUMP_ENV)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| panic!("{DUMP_ENV} is not set: point it at the OVS ABI dump"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{DUMP_ENV}={}: {e}", path.to_string_lossy()));
    let dump = parse_abi(&text);
    let specs = Specs::project();
    let (matched, mismatches) = specs.compare(&dump);
    println!(
        "{} of the dump's {} numbers compared",
        matched.len(),
        dump.len()
    );
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert!(matched.len() > 250, "only {} names compared", matched.len());

    // The golden file is exactly the part of the dump the specs name, in the dump's order.
    let expected: Vec<Fact> = matched.into_iter().cloned().collect();
    let golden = parse_abi(GOLDEN);
    if golden != expected {
        let want: String = expected
            .iter()
            .map(|f| match f {
                Fact::Value(n, v) => format!("{n} = {v}\n"),
                Fact::Size(c, s) => format!("sizeof(struct {c}) = {s}\n"),
            })
            .collect();
        let out = std::env::temp_dir().join("ovs_abi_golden.txt");
        std::fs::write(&out, &want).unwrap();
        panic!(
            "tests/ovs_abi_golden.txt is not the dump's part that the specs name; the facts \
             it should list (after its comment header) are in {}",
            out.display()
        );
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

#[nlwire_testkit::test(kernel_specs)]
fn kernel_specs_match_the_golden_abi() {
    let dir = nlwire_testkit::kernel_specs_dir();
    let families = ["ovs_datapath", "ovs_flow", "ovs_packet", "ovs_vport"]
        .iter()
        .map(|file| {
            let path = dir.join(format!("{file}.yaml"));
            nlwire_schema::load(&path).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    let kernel = Specs::new(families);
    let golden = parse_abi(GOLDEN);
    let (matched, mismatches) = kernel.compare(&golden);
    println!("{} names compared", matched.len());
    assert_eq!(mismatches, KNOWN, "{}", mismatches.join("\n"));
    assert!(matched.len() > 150, "only {} names compared", matched.len());
}
