//! Several operations in one request (`do --multi`, as the kernel's cli.py `--multi`),
//! against nfnetlink on the live kernel, in network namespaces made for the tests:
//! nftables tables and chains created in one transaction (`batch-begin` ... `batch-end`),
//! listed back, deleted; a failing transaction applies nothing. Also conntrack's
//! statistics. The specs are the small test specs of `tests/specs` (nftables.yaml,
//! conntrack.yaml), written from the uAPI headers.

mod common;

use common::{NamedNetns, json_ok, nlwire, stderr, stdout, test_spec};
use serde_json::Value;

/// `nlwire do --netns NS --spec nftables --multi OP JSON ... -o json`: the status and the
/// per-operation results.
fn batch(ns: &NamedNetns, ops: &[(&str, &str)]) -> (std::process::Output, Vec<Value>) {
    let spec = test_spec("nftables");
    let mut args = vec!["do", "--netns", &ns.name, "--spec", &spec];
    for (op, json) in ops {
        args.extend(["--multi", op, json]);
    }
    args.extend(["-o", "json"]);
    let o = nlwire(&args);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&o), stderr(&o)));
    (o, v.as_array().unwrap().clone())
}

fn dump(ns: &NamedNetns, op: &str) -> Vec<Value> {
    ns.dump(&test_spec("nftables"), op)
}

const BEGIN: (&str, &str) = ("batch-begin", r#"{"res-id": 10}"#);
const END: (&str, &str) = ("batch-end", r#"{"res-id": 10}"#);

#[nlwire_testkit::test(root)]
fn nftables_table_and_chains_in_one_transaction() {
    let ns = NamedNetns::new("nft");
    let (o, r) = batch(
        &ns,
        &[
            BEGIN,
            ("newtable", r#"{"nfgen-family": "inet", "name": "nlw"}"#),
            (
                "newchain",
                r#"{"nfgen-family": "inet", "table": "nlw", "name": "plain"}"#,
            ),
            (
                "newchain",
                r#"{"nfgen-family": "inet", "table": "nlw", "name": "in",
                    "hook": {"num": "input", "priority": -5}, "type": "filter", "policy": "drop"}"#,
            ),
            END,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // One result per operation, in order; nothing failed.
    let names: Vec<&str> = r.iter().map(|x| x["op"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "batch-begin",
            "newtable",
            "newchain",
            "newchain",
            "batch-end"
        ]
    );
    assert!(
        r.iter()
            .all(|x| x["reply"].is_null() && x.get("error").is_none()),
        "{r:?}"
    );

    // Listed back.
    let tables = dump(&ns, "gettable");
    assert_eq!(tables.len(), 1, "{tables:?}");
    assert_eq!(tables[0]["name"], "nlw");
    assert_eq!(tables[0]["nfgen-family"], "inet");
    assert_eq!(tables[0]["use"], 2, "two chains: {tables:?}");
    let chains = dump(&ns, "getchain");
    assert_eq!(chains.len(), 2, "{chains:?}");
    let base = chains.iter().find(|c| c["name"] == "in").unwrap();
    assert_eq!(base["table"], "nlw");
    assert_eq!(base["type"], "filter");
    assert_eq!(base["policy"], "drop");
    assert_eq!(base["hook"]["num"], "input");
    assert_eq!(base["hook"]["priority"], -5);
    assert_eq!(base["flags"], serde_json::json!(["base"]));
    let plain = chains.iter().find(|c| c["name"] == "plain").unwrap();
    assert!(plain.get("hook").is_none(), "{plain}");
    // A do for one table.
    let spec = test_spec("nftables");
    let v = json_ok(&[
        "do",
        "--netns",
        &ns.name,
        "--spec",
        &spec,
        "gettable",
        "--json",
        r#"{"nfgen-family": "inet", "name": "nlw"}"#,
        "-o",
        "json",
    ]);
    assert_eq!(v["name"], "nlw");
    // The caller's namespace has no such table.
    let o = nlwire(&[
        "do",
        "--spec",
        &spec,
        "gettable",
        "--json",
        r#"{"nfgen-family": "inet", "name": "nlw"}"#,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("ENOENT"), "{}", stderr(&o));

    // Deleted in a second transaction: chain first, then the table with the other.
    let (o, r) = batch(
        &ns,
        &[
            BEGIN,
            (
                "delchain",
                r#"{"nfgen-family": "inet", "table": "nlw", "name": "plain"}"#,
            ),
            ("deltable", r#"{"nfgen-family": "inet", "name": "nlw"}"#),
            END,
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(r.len(), 4);
    assert!(dump(&ns, "gettable").is_empty());
    assert!(dump(&ns, "getchain").is_empty());
}

#[nlwire_testkit::test(root)]
fn a_failing_operation_aborts_the_whole_transaction() {
    let ns = NamedNetns::new("nftabort");
    // The chain's table does not exist: the kernel refuses it and rolls back the table
    // it had accepted before.
    let (o, r) = batch(
        &ns,
        &[
            BEGIN,
            ("newtable", r#"{"nfgen-family": "ipv4", "name": "kept"}"#),
            (
                "newchain",
                r#"{"nfgen-family": "ipv4", "table": "missing", "name": "c"}"#,
            ),
            END,
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(r.len(), 4);
    assert_eq!(r[2]["errno"], 2, "{r:?}");
    let e = r[2]["error"].as_str().unwrap();
    assert!(
        e.contains("the kernel rejected nftables newchain")
            && e.contains("offending attribute: table"),
        "{e}"
    );
    for i in [0, 1, 3] {
        assert_eq!(r[i]["aborted"], true, "{r:?}");
    }
    assert!(
        stderr(&o).contains("the kernel aborted the transaction, so nothing in it was applied"),
        "{}",
        stderr(&o)
    );
    assert!(
        dump(&ns, "gettable").is_empty(),
        "the table was rolled back"
    );
    // The tree form says the same.
    let spec = test_spec("nftables");
    let o = nlwire(&[
        "do",
        "--netns",
        &ns.name,
        "--spec",
        &spec,
        "--multi",
        BEGIN.0,
        BEGIN.1,
        "--multi",
        "newtable",
        r#"{"nfgen-family": "ipv4", "name": "kept"}"#,
        "--multi",
        "newchain",
        r#"{"nfgen-family": "ipv4", "table": "missing", "name": "c"}"#,
        "--multi",
        END.0,
        END.1,
        "-o",
        "tree",
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("newtable: aborted (the transaction failed; not applied)")
            && text.contains("newchain: error: the kernel rejected nftables newchain"),
        "{text}"
    );
    // Outside a batch nf_tables takes no changes at all.
    let o = nlwire(&[
        "do",
        "--netns",
        &ns.name,
        "--spec",
        &spec,
        "newtable",
        "--json",
        r#"{"nfgen-family": "ipv4", "name": "alone"}"#,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(dump(&ns, "gettable").is_empty());
}

/// Reads a hex column of /proc/net/stat/nf_conntrack, one value per CPU.
fn proc_stat(ns: &NamedNetns, column: &str) -> Vec<u64> {
    let text = ns.run("cat", &["/proc/net/stat/nf_conntrack"]);
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    let i = head.iter().position(|h| *h == column).unwrap();
    lines
        .map(|l| u64::from_str_radix(l.split_whitespace().nth(i).unwrap(), 16).unwrap())
        .collect()
}

#[nlwire_testkit::test(root)]
fn conntrack_statistics_match_procfs() {
    let ns = NamedNetns::new("ct");
    let spec = test_spec("conntrack");
    let cpus = ns.dump(&spec, "get-stats-cpu");
    // One reply per possible CPU, numbered in res-id, as procfs has one line per CPU.
    let possible = proc_stat(&ns, "found").len();
    assert_eq!(cpus.len(), possible, "{cpus:?}");
    for (i, c) in cpus.iter().enumerate() {
        assert_eq!(c["res-id"], i, "{c}");
    }
    for (attr, column) in [
        ("found", "found"),
        ("invalid", "invalid"),
        ("insert", "insert"),
        ("insert-failed", "insert_failed"),
        ("drop", "drop"),
        ("early-drop", "early_drop"),
        ("error", "icmp_error"),
        ("search-restart", "search_restart"),
        ("clash-resolve", "clashres"),
        ("chain-toolong", "chainlength"),
    ] {
        let ours: Vec<u64> = cpus.iter().map(|c| c[attr].as_u64().unwrap()).collect();
        assert_eq!(ours, proc_stat(&ns, column), "{attr}");
    }
    let g = json_ok(&[
        "do",
        "--netns",
        &ns.name,
        "--spec",
        &spec,
        "get-stats",
        "-o",
        "json",
    ]);
    let sysctl = |name: &str| -> u64 {
        ns.run("cat", &[&format!("/proc/sys/net/netfilter/{name}")])
            .trim()
            .parse()
            .unwrap()
    };
    assert_eq!(g["max-entries"], sysctl("nf_conntrack_max"), "{g}");
    assert_eq!(g["entries"], sysctl("nf_conntrack_count"), "{g}");
}
