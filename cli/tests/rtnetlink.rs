//! rtnetlink out of the box: `nlwire dump --spec rt-link getlink` and the other built-in
//! rtnetlink specs (rt-addr, rt-route, rt-neigh, rt-rule, tc) against the live kernel, in
//! a network namespace made for the test with `ip netns add` and reached with
//! `--netns NAME`. iproute2 (`ip -j`, `tc -j`) is the independent witness: the objects
//! are created with it and what nlwire dumps is compared with what it shows.

mod common;

use std::collections::BTreeSet;

use common::{NamedNetns, json_ok, nlwire, stderr};
use serde_json::Value;

/// A namespace with lo up, a veth pair v0/v1 (v0 up, mtu 1400, a fixed address), a
/// bridge br0 with v1 as its port, IPv4 and IPv6 addresses, a route through a gateway,
/// permanent neighbours, a policy rule and qdiscs.
fn populated(tag: &str) -> NamedNetns {
    let ns = NamedNetns::new(tag);
    for args in [
        "link set lo up",
        "link add v0 type veth peer name v1",
        "link set v0 address 02:11:22:33:44:55 mtu 1400",
        "link add br0 type bridge",
        "link set v1 master br0",
        "link set v0 up",
        "link set br0 up",
        "addr add 10.11.0.1/24 dev v0",
        "addr add 2001:db8::1/64 dev v0 nodad",
        "route add 198.51.100.0/24 via 10.11.0.2",
        "neigh add 10.11.0.9 lladdr 02:00:00:00:00:09 dev v0 nud permanent",
        "neigh add 2001:db8::9 lladdr 02:00:00:00:00:0a dev v0 nud permanent",
        "rule add from 10.9.0.0/16 table 100 pref 1000",
    ] {
        ns.ip(&args.split(' ').collect::<Vec<_>>());
    }
    ns.run(
        "tc",
        &[
            "qdisc", "add", "dev", "v0", "root", "handle", "1:", "htb", "default", "10",
        ],
    );
    ns.run("tc", &["qdisc", "add", "dev", "v1", "ingress"]);
    ns
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Lower case without separators, for comparing `LOWERLAYERDOWN` with `lowerlayerdown`.
fn norm(t: &str) -> String {
    t.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn by_index(links: &[Value]) -> std::collections::BTreeMap<u64, String> {
    links
        .iter()
        .map(|l| (l["ifi-index"].as_u64().unwrap(), s(&l["ifname"])))
        .collect()
}

#[nlwire_testkit::test(root)]
fn getlink_matches_ip_link_show() {
    let ns = populated("links");
    let links = ns.dump("rt-link", "getlink");
    let ip = ns.json("ip", &["-d", "link", "show"]);
    let ip = ip.as_array().unwrap();
    assert_eq!(links.len(), ip.len(), "{links:?}\n{ip:?}");
    assert_eq!(links.len(), 4, "lo, v0, v1, br0");
    let names = by_index(&links);
    for w in ip {
        let idx = w["ifindex"].as_u64().unwrap();
        let l = links
            .iter()
            .find(|l| l["ifi-index"] == idx)
            .unwrap_or_else(|| panic!("no link {idx} in {links:?}"));
        assert_eq!(l["ifname"], w["ifname"]);
        assert_eq!(l["mtu"], w["mtu"]);
        assert_eq!(l["address"], w["address"]);
        assert_eq!(l["broadcast"], w["broadcast"]);
        assert_eq!(l["txqlen"], w["txqlen"]);
        assert_eq!(norm(&s(&l["operstate"])), norm(&s(&w["operstate"])), "{l}");
        // The flags ip shows that come from ifi_flags, by name.
        let kernel_flags: BTreeSet<String> = l["ifi-flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| norm(&s(f)))
            .collect();
        for f in w["flags"].as_array().unwrap() {
            let f = norm(&s(f));
            if [
                "up",
                "broadcast",
                "multicast",
                "loopback",
                "lowerup",
                "noarp",
            ]
            .contains(&f.as_str())
            {
                assert!(kernel_flags.contains(&f), "{f} missing in {l}");
            }
        }
        assert_eq!(
            l["ifi-flags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("up")),
            w["flags"].as_array().unwrap().contains(&Value::from("UP")),
            "{l}"
        );
        // Kind (linkinfo) and bridge master, by name.
        assert_eq!(
            s(&l["linkinfo"]["kind"]),
            s(&w["linkinfo"]["info_kind"]),
            "{l}"
        );
        let master = l["master"].as_u64().map(|m| names[&m].clone());
        assert_eq!(master.unwrap_or_default(), s(&w["master"]), "{l}");
    }
    let v1 = links.iter().find(|l| l["ifname"] == "v1").unwrap();
    assert_eq!(v1["linkinfo"]["slave-kind"], "bridge");
    let br = links.iter().find(|l| l["ifname"] == "br0").unwrap();
    assert_eq!(br["linkinfo"]["data"]["stp-state"], 0, "{br}");
}

#[nlwire_testkit::test(root)]
fn getaddr_matches_ip_addr_show() {
    let ns = populated("addrs");
    let links = ns.dump("rt-link", "getlink");
    let names = by_index(&links);
    let addrs = ns.dump("rt-addr", "getaddr");
    let ours: BTreeSet<(String, u64, String, u64, String)> = addrs
        .iter()
        .map(|a| {
            let local = if a["local"].is_null() {
                &a["address"]
            } else {
                &a["local"]
            };
            let scope = match s(&a["ifa-scope"]).as_str() {
                "universe" => "global".to_string(),
                other => other.to_string(),
            };
            (
                names[&a["ifa-index"].as_u64().unwrap()].clone(),
                a["ifa-family"].as_u64().unwrap(),
                s(local),
                a["ifa-prefixlen"].as_u64().unwrap(),
                scope,
            )
        })
        .collect();
    let mut theirs = BTreeSet::new();
    for l in ns.json("ip", &["addr", "show"]).as_array().unwrap() {
        for a in l["addr_info"].as_array().unwrap() {
            let family = if a["family"] == "inet" { 2 } else { 10 };
            theirs.insert((
                s(&l["ifname"]),
                family,
                s(&a["local"]),
                a["prefixlen"].as_u64().unwrap(),
                s(&a["scope"]),
            ));
        }
    }
    assert_eq!(ours, theirs);
    assert!(ours.contains(&("v0".into(), 2, "10.11.0.1".into(), 24, "global".into())));
    assert!(ours.contains(&("v0".into(), 10, "2001:db8::1".into(), 64, "global".into())));
    let v4 = addrs.iter().find(|a| a["local"] == "10.11.0.1").unwrap();
    assert_eq!(v4["label"], "v0");
    assert_eq!(v4["broadcast"], Value::Null, "no broadcast was given: {v4}");
}

#[nlwire_testkit::test(root)]
fn getroute_matches_ip_route_show() {
    let ns = populated("routes");
    let names = by_index(&ns.dump("rt-link", "getlink"));
    let routes = ns.dump("rt-route", "getroute");
    // ip route show: IPv4, main table.
    let ours: BTreeSet<(String, String, String)> = routes
        .iter()
        .filter(|r| r["rtm-family"] == 2 && r["table"] == 254)
        .map(|r| {
            let len = r["rtm-dst-len"].as_u64().unwrap();
            let dst = match len {
                0 => "default".to_string(),
                32 => s(&r["dst"]),
                n => format!("{}/{n}", s(&r["dst"])),
            };
            let dev = r["oif"]
                .as_u64()
                .map(|i| names[&i].clone())
                .unwrap_or_default();
            (dst, s(&r["gateway"]), dev)
        })
        .collect();
    let theirs: BTreeSet<(String, String, String)> = ns
        .json("ip", &["route", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (s(&r["dst"]), s(&r["gateway"]), s(&r["dev"])))
        .collect();
    assert_eq!(ours, theirs);
    assert!(ours.contains(&("198.51.100.0/24".into(), "10.11.0.2".into(), "v0".into())));
    let via = routes.iter().find(|r| r["dst"] == "198.51.100.0").unwrap();
    assert_eq!(via["rtm-protocol"], "boot", "{via}");
    assert_eq!(via["rtm-type"], "unicast", "{via}");
    // IPv6 routes are in the same dump (ip shows them with -6).
    let theirs6 = ns.json("ip", &["-6", "route", "show", "table", "all"]);
    let ours6 = routes.iter().filter(|r| r["rtm-family"] == 10).count();
    assert_eq!(
        ours6,
        theirs6.as_array().unwrap().len(),
        "{routes:?}\n{theirs6}"
    );
}

#[nlwire_testkit::test(root)]
fn getneigh_matches_ip_neigh_show() {
    let ns = populated("neigh");
    let names = by_index(&ns.dump("rt-link", "getlink"));
    let neigh = ns.dump("rt-neigh", "getneigh");
    let permanent = |states: &Value, name: &str| {
        states
            .as_array()
            .unwrap()
            .iter()
            .any(|x| norm(&s(x)) == name)
    };
    let ours: BTreeSet<(String, String, String)> = neigh
        .iter()
        .filter(|n| permanent(&n["ndm-state"], "permanent"))
        .map(|n| {
            (
                s(&n["dst"]),
                names[&n["ndm-ifindex"].as_u64().unwrap()].clone(),
                s(&n["lladdr"]),
            )
        })
        .collect();
    let mut theirs = BTreeSet::new();
    for fam in ["-4", "-6"] {
        for n in ns.json("ip", &[fam, "neigh", "show"]).as_array().unwrap() {
            if permanent(&n["state"], "permanent") {
                theirs.insert((s(&n["dst"]), s(&n["dev"]), s(&n["lladdr"])));
            }
        }
    }
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 2, "{ours:?}");
    let v4 = neigh.iter().find(|n| n["dst"] == "10.11.0.9").unwrap();
    assert_eq!(v4["ndm-family"], 2);
    assert_eq!(v4["ndm-type"], "unicast", "{v4}");
}

#[nlwire_testkit::test(root)]
fn getrule_matches_ip_rule_show() {
    let ns = populated("rules");
    let rules = ns.dump("rt-rule", "getrule");
    let table = |n: u64| match n {
        255 => "local".to_string(),
        254 => "main".to_string(),
        253 => "default".to_string(),
        n => n.to_string(),
    };
    let ours: BTreeSet<(u64, String, String)> = rules
        .iter()
        .filter(|r| r["family"] == 2)
        .map(|r| {
            let src = match r["src-len"].as_u64().unwrap() {
                0 => "all".to_string(),
                n => format!("{}/{n}", s(&r["src"])),
            };
            // FRA_PRIORITY is left out for priority 0; FRA_TABLE is there when the
            // table does not fit the header's byte.
            let t = r["table"].as_u64().unwrap();
            (r["priority"].as_u64().unwrap_or(0), src, table(t))
        })
        .collect();
    let theirs: BTreeSet<(u64, String, String)> = ns
        .json("ip", &["rule", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let src = match r["srclen"].as_u64() {
                Some(n) => format!("{}/{n}", s(&r["src"])),
                None => s(&r["src"]),
            };
            (r["priority"].as_u64().unwrap(), src, s(&r["table"]))
        })
        .collect();
    assert_eq!(ours, theirs);
    assert!(ours.contains(&(1000, "10.9.0.0/16".into(), "100".into())));
}

#[nlwire_testkit::test(root)]
fn getqdisc_matches_tc_qdisc_show() {
    let ns = populated("qdisc");
    let names = by_index(&ns.dump("rt-link", "getlink"));
    let qdiscs = ns.dump("tc", "getqdisc");
    let handle = |h: u64| format!("{:x}:", h >> 16);
    let ours: BTreeSet<(String, String, String)> = qdiscs
        .iter()
        .map(|q| {
            (
                names[&q["tcm-ifindex"].as_u64().unwrap()].clone(),
                s(&q["kind"]),
                handle(q["tcm-handle"].as_u64().unwrap()),
            )
        })
        .collect();
    let theirs: BTreeSet<(String, String, String)> = ns
        .json("tc", &["qdisc", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (s(&q["dev"]), s(&q["kind"]), s(&q["handle"])))
        .collect();
    assert_eq!(ours, theirs);
    assert!(ours.contains(&("v0".into(), "htb".into(), "1:".into())));
    assert!(ours.contains(&("v1".into(), "ingress".into(), "ffff:".into())));
    // htb's options, through the kind's sub-message: `default 10` is class 0x10.
    let htb = qdiscs.iter().find(|q| q["kind"] == "htb").unwrap();
    assert_eq!(htb["tcm-parent"], 0xffff_ffffu64, "root: {htb}");
    assert_eq!(htb["options"]["init"]["defcls"], 0x10, "{htb}");
    assert_eq!(htb["options"]["init"]["rate2quantum"], 10, "{htb}");
}

#[nlwire_testkit::test(root)]
fn do_and_monitor_take_the_namespace_too() {
    let ns = populated("do");
    // A do in the namespace: link 1 there is lo; v0 exists only there.
    let v = json_ok(&[
        "do",
        "--netns",
        &ns.name,
        "--spec",
        "rt-link",
        "getlink",
        "--json",
        r#"{"ifname": "v0"}"#,
        "-o",
        "json",
    ]);
    assert_eq!(v["ifname"], "v0");
    assert_eq!(v["address"], "02:11:22:33:44:55");
    let o = nlwire(&[
        "do",
        "--spec",
        "rt-link",
        "getlink",
        "--json",
        r#"{"ifname": "nlwire-no-such"}"#,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // By path as well.
    let path = format!("/run/netns/{}", ns.name);
    let v = json_ok(&[
        "dump",
        "--netns-path",
        &path,
        "--spec",
        "rt-addr",
        "getaddr",
        "-o",
        "json",
    ]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|a| a["local"] == "10.11.0.1"),
        "{v}"
    );
    // monitor in the namespace sees a change made there, and stops after --count.
    let script = format!(
        "{bin} monitor --netns {n} --spec rt-link --group rtnlgrp-link --count 1 --timeout 20 -o json & P=$!; \
         while kill -0 $P 2>/dev/null; do ip -n {n} link set v0 mtu 1300; ip -n {n} link set v0 mtu 1400; sleep 0.2; done; wait $P",
        bin = env!("CARGO_BIN_EXE_nlwire"),
        n = ns.name,
    );
    let o = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let line = String::from_utf8_lossy(&o.stdout);
    let v: Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(v["name"], "newlink-ntf", "{v}");
    assert_eq!(v["msg"]["ifname"], "v0", "{v}");
    // A namespace that does not exist is an error naming it.
    let o = nlwire(&[
        "dump",
        "--netns",
        "nlwire-no-such-ns",
        "--spec",
        "rt-link",
        "getlink",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/run/netns/nlwire-no-such-ns"),
        "{}",
        stderr(&o)
    );
}

/// Conformance corpus: the kernel's own rt-link, rt-addr, rt-route, rt-neigh, rt-rule
/// and tc specs dump the same namespace without a decoding problem and with as many
/// replies as the built-in specs (their member names differ: tc's `tcm-ifindex` is
/// `ifindex` there), and rt-link's names match.
#[nlwire_testkit::test(root, kernel_specs)]
fn kernel_rtnetlink_specs_dump_the_same_objects() {
    let ns = populated("kspecs");
    for (spec, op) in [
        ("rt-link", "getlink"),
        ("rt-addr", "getaddr"),
        ("rt-route", "getroute"),
        ("rt-neigh", "getneigh"),
        ("rt-rule", "getrule"),
        ("tc", "getqdisc"),
    ] {
        let ours = ns.dump(spec, op);
        let theirs = ns.dump(&common::kernel_spec(spec), op);
        assert_eq!(ours.len(), theirs.len(), "{spec} {op}");
    }
    let links = ns.dump(&common::kernel_spec("rt-link"), "getlink");
    let v0 = links.iter().find(|l| l["ifname"] == "v0").unwrap();
    assert_eq!(v0["address"], "02:11:22:33:44:55", "{v0}");
    assert_eq!(v0["mtu"], 1400, "{v0}");
}
