//! The binary against the live kernel (nlctrl, netdev, ethtool and rtnetlink exist in
//! every kernel), with the built-in specs and the test specs of `tests/specs`. Tests that
//! need root (network namespaces, admin-only ops) are `#[nlwire_testkit::test(root)]`:
//! ignored, with the reason, when built without root. Tests marked `kernel_specs` repeat
//! the checks with the kernel's own YNL specs (the directory named by
//! `NLWIRE_KERNEL_SPECS`).

mod common;

use std::process::Command;

use common::{json_ok, kernel_spec, nlwire, stderr, stdout, test_spec, test_specs};
use nlwire_testkit::netns;
use serde_json::Value;

#[test]
fn families_lists_the_kernels_genl_families() {
    let o = nlwire(&["families"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("  ID  NAME"), "{text}");
    for name in ["nlctrl", "netdev", "ethtool"] {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(name)),
            "{name} missing:\n{text}"
        );
    }
    let v = json_ok(&["families", "-o", "json"]);
    let all = v.as_array().unwrap();
    let ctrl = all.iter().find(|f| f["name"] == "nlctrl").unwrap();
    assert_eq!(ctrl["id"], 16);
    assert_eq!(ctrl["mcast-groups"]["notify"], 16);
    let getfamily = ctrl["ops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == 3)
        .unwrap();
    assert_eq!(
        getfamily["flags"],
        serde_json::json!(["do", "dump", "has-policy"])
    );
    let ethtool = all.iter().find(|f| f["name"] == "ethtool").unwrap();
    assert!(ethtool["ops"].as_array().unwrap().len() > 20);
    // One family, with its ops named from a spec found in --spec-dir.
    let dir = test_specs().display().to_string();
    let o = nlwire(&["families", "netdev", "--spec-dir", &dir]);
    let text = stdout(&o);
    assert!(
        text.contains("netdev ops:") && text.contains("dev-get"),
        "{text}"
    );
}

#[test]
fn dump_nlctrl_getfamily_by_name() {
    // `nlctrl` is the project's own schema, built into the binary.
    let v = json_ok(&["dump", "--spec", "nlctrl", "getfamily", "-o", "json"]);
    let all = v.as_array().unwrap();
    let ctrl = all
        .iter()
        .find(|f| f["family-name"] == "nlctrl")
        .expect("nlctrl");
    assert_eq!(ctrl["family-id"], 16);
    let ops = ctrl["ops"].as_array().unwrap();
    assert!(ops.iter().any(|o| {
        o["id"] == 3
            && o["flags"]
                .as_array()
                .unwrap()
                .contains(&Value::from("cmd-cap-do"))
    }));
    assert!(all.iter().any(|f| f["family-name"] == "netdev"));
    assert!(all.iter().all(|f| f.get("!errors").is_none()));
    // do, by name.
    let v = json_ok(&[
        "do",
        "--spec",
        "nlctrl",
        "getfamily",
        "--json",
        r#"{"family-name": "ethtool"}"#,
        "-o",
        "json",
    ]);
    assert_eq!(v["family-name"], "ethtool");
    assert_eq!(v["mcast-groups"][0]["name"], "monitor");
}

#[test]
fn dump_netdev_dev_get_from_a_spec_file() {
    check_netdev_dump_and_do(&test_spec("netdev"));
}

/// netdev dev-get, dumped (JSON and tree) and for one device.
fn check_netdev_dump_and_do(spec: &str) {
    let v = json_ok(&["dump", "--spec", spec, "dev-get", "-o", "json"]);
    let devs = v.as_array().unwrap();
    assert!(devs.iter().any(|d| d["ifindex"] == 1), "{v}");
    for d in devs {
        assert!(d["ifindex"].as_u64().unwrap() >= 1);
        assert!(
            d["xdp-features"].is_array(),
            "flags decode as a list of names: {d}"
        );
    }
    // The tree form.
    let o = nlwire(&["dump", "--spec", spec, "dev-get", "-o", "tree"]);
    assert!(
        stdout(&o).lines().any(|l| l == "ifindex: 1"),
        "{}",
        stdout(&o)
    );
    // A do for one device.
    let v = json_ok(&[
        "do",
        "--spec",
        spec,
        "dev-get",
        "--json",
        r#"{"ifindex": 1}"#,
    ]);
    assert_eq!(v["ifindex"], 1);
}

#[test]
fn rtnetlink_specs_use_their_protocol_fixed_header_and_sub_messages() {
    check_rtnetlink_dumps(&test_spec("rt-link"), &test_spec("rt-addr"));
}

/// rt-link getlink and rt-addr getaddr dumps: netlink-raw, a fixed header, display hints.
fn check_rtnetlink_dumps(rt_link: &str, rt_addr: &str) {
    let v = json_ok(&["dump", "--spec", rt_link, "getlink"]);
    let lo = v
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ifname"] == "lo")
        .unwrap();
    assert_eq!(lo["ifi-index"], 1);
    assert_eq!(lo["address"], "00:00:00:00:00:00");
    let v = json_ok(&["dump", "--spec", rt_addr, "getaddr"]);
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|a| a["local"] == "127.0.0.1"),
        "{v}"
    );
}

#[test]
fn kernel_rejection_shows_the_ext_ack_message_and_attribute_path() {
    check_kernel_rejections(&test_spec("netdev"), &test_spec("ethtool"));
}

/// Ext-ack messages, offsets and attribute paths of requests the kernel refuses.
fn check_kernel_rejections(spec: &str, eth: &str) {
    // ifindex 0 breaks netdev's policy (min 1): ERANGE, message and offset.
    let o = nlwire(&[
        "do",
        "--spec",
        spec,
        "dev-get",
        "--json",
        r#"{"ifindex": 0}"#,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains(
            "the kernel rejected netdev dev-get: Numerical result out of range (ERANGE, errno 34)"
        ),
        "{e}"
    );
    assert!(e.contains("kernel says: integer out of range"), "{e}");
    assert!(
        e.contains("offending attribute: ifindex (offset 20)"),
        "{e}"
    );
    assert!(
        e.contains("the kernel's policy for it: u32 in 1..=4294967295"),
        "{e}"
    );
    // A missing required attribute.
    let e = stderr(&nlwire(&["do", "--spec", spec, "dev-get", "--json", "{}"]));
    assert!(e.contains("missing attribute: ifindex"), "{e}");
    // A raw attribute of the wrong size.
    let e = stderr(&nlwire(&[
        "do",
        "--spec",
        spec,
        "dev-get",
        "--json",
        r##"{"#1": "0100"}"##,
    ]));
    assert!(
        e.contains("kernel says: invalid attribute length")
            && e.contains("offending attribute: #1 (offset 20)"),
        "{e}"
    );
    // A nested path: ethtool's request header.
    let e = stderr(&nlwire(&[
        "do",
        "--spec",
        eth,
        "rings-get",
        "--json",
        r#"{"header": {"dev-index": 999}}"#,
    ]));
    assert!(e.contains("No such device (ENODEV, errno 19)"), "{e}");
    assert!(e.contains("kernel says: no device matches ifindex"), "{e}");
    assert!(
        e.contains("offending attribute: header.dev-index (offset 24)"),
        "{e}"
    );
    let e = stderr(&nlwire(&[
        "do",
        "--spec",
        eth,
        "rings-get",
        "--json",
        r#"{"header": {"dev-name": "lo", "flags": 99}}"#,
    ]));
    assert!(
        e.contains("kernel says: reserved bit set")
            && e.contains("offending attribute: header.flags"),
        "{e}"
    );
    // ethtool checks the flags by hand, not by policy: no policy is attached.
    assert!(!e.contains("policy for it"), "{e}");
}

#[test]
fn ethtool_replies_decode_their_nested_header() {
    // A genetlink-legacy family whose request and reply have different command numbers,
    // and a nested header in both.
    let eth = test_spec("ethtool");
    let v = json_ok(&[
        "do",
        "--spec",
        &eth,
        "linkstate-get",
        "--json",
        r#"{"header": {"dev-name": "lo"}}"#,
    ]);
    assert_eq!(v["header"]["dev-index"], 1, "{v}");
    assert_eq!(v["header"]["dev-name"], "lo", "{v}");
    assert!(v["link"] == 0 || v["link"] == 1, "{v}");
    let v = json_ok(&["dump", "--spec", &eth, "linkstate-get"]);
    let devs = v.as_array().unwrap();
    assert!(devs.iter().any(|d| d["header"]["dev-name"] == "lo"), "{v}");
    assert!(devs.iter().all(|d| d.get("!errors").is_none()), "{v}");
}

#[test]
fn bad_input_is_a_usage_error_naming_the_choices() {
    check_bad_input(&test_spec("netdev"));
}

/// Usage errors (exit code 2) that name what is wrong and the choices.
fn check_bad_input(spec: &str) {
    let o = nlwire(&["do", "--spec", spec, "dev-gett"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no op \"dev-gett\" (ops: dev-get, page-pool-get"),
        "{}",
        stderr(&o)
    );
    let o = nlwire(&["do", "--spec", spec, "dev-get", "--json", r#"{"ifidx": 1}"#]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("ifidx: attribute set dev has no attribute \"ifidx\" (it has: ifindex"),
        "{}",
        stderr(&o)
    );
    let o = nlwire(&["do", "--spec", spec, "dev-get", "--json", "{"]);
    assert!(
        stderr(&o).contains("--json is not valid JSON"),
        "{}",
        stderr(&o)
    );
    let o = nlwire(&["dump", "--spec", spec, "napi-set"]);
    assert!(
        stderr(&o).contains("op napi-set of netdev has no dump; use `nlwire do`"),
        "{}",
        stderr(&o)
    );
    let o = nlwire(&["do", "--spec", "no-such-family", "get"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no spec \"no-such-family\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn policy_check_netdev() {
    check_policy_check_netdev(&test_spec("netdev"));
}

/// The netdev spec against the kernel's policies. The test spec lists napi-threaded's
/// `busy-poll` (2), which kernels newer than 6.18 accept; the kernel spec corpus is from
/// Linux 7.2 and has it too. That is the one difference allowed. Returns true when
/// policy-check found it (see `napi_set_busy_poll_is_refused_where_policy_check_says_so`).
fn check_policy_check_netdev(spec: &str) -> bool {
    let o = nlwire(&["policy-check", "--spec", spec, "-o", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["compared"].as_u64().unwrap() > 10, "{v}");
    let mismatches: Vec<(String, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] == "mismatch")
        .map(|r| {
            (
                r["op"].as_str().unwrap().to_string(),
                r["attribute"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for m in &mismatches {
        assert_eq!(
            m,
            &("napi-set do".to_string(), "threaded".to_string()),
            "{v}"
        );
    }
    if mismatches.is_empty() {
        assert!(o.status.success());
    } else {
        assert_eq!(o.status.code(), Some(1));
    }
    // The matching attributes are there too, e.g. dev-get's ifindex with its range.
    let ok = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["op"] == "dev-get do")
        .unwrap();
    assert_eq!(ok["result"], "ok");
    assert_eq!(ok["kernel"], "u32 1..4294967295");
    !mismatches.is_empty()
}

/// Where policy-check says the kernel refuses napi-threaded `busy-poll`, it really does
/// (napi-set is admin-only).
#[nlwire_testkit::test(root)]
fn napi_set_busy_poll_is_refused_where_policy_check_says_so() {
    check_napi_set_busy_poll(&test_spec("netdev"));
}

fn check_napi_set_busy_poll(spec: &str) {
    if !check_policy_check_netdev(spec) {
        // This kernel accepts busy-poll: nothing to refuse.
        return;
    }
    let e = stderr(&nlwire(&[
        "do",
        "--spec",
        spec,
        "napi-set",
        "--json",
        r#"{"id": 1, "threaded": "busy-poll"}"#,
    ]));
    assert!(
        e.contains("ERANGE") && e.contains("offending attribute: threaded"),
        "{e}"
    );
}

#[test]
fn policy_check_nlctrl() {
    // The project's own schema (schemas/specs/nlctrl.yaml, built in) agrees with the
    // kernel exactly, unstated bounds included.
    let o = nlwire(&["policy-check", "--spec", "nlctrl", "--all", "--strict"]);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("nlctrl: 7 comparison(s), 0 mismatch(es), 0 note(s)"),
        "{text}"
    );
    assert!(
        text.contains("getfamily do    family-name  nul-string len ..15  string len ..15    ok"),
        "{text}"
    );
    // The same schema with family-name's bound left out (as the kernel's own nlctrl.yaml
    // leaves it): the kernel allows 15 bytes (GENL_NAMSIZ - 1), so a note, or with
    // --strict the only mismatch.
    let builtin = nlwire_cli::specs::builtin("nlctrl").unwrap().text;
    let bound = "        doc: Family name.\n        checks:\n          max-len: genl-namsiz - 1\n";
    assert!(
        builtin.contains(bound),
        "family-name's bound moved in {builtin}"
    );
    let unbounded = common::tmp("nlctrl-unbounded.yaml");
    std::fs::write(
        &unbounded,
        builtin.replace(bound, "        doc: Family name.\n"),
    )
    .unwrap();
    check_policy_check_unbounded_nlctrl(unbounded.to_str().unwrap());
}

/// policy-check of an nlctrl spec that states no bound on family-name.
fn check_policy_check_unbounded_nlctrl(k: &str) {
    let v = json_ok(&["policy-check", "--spec", k, "-o", "json"]);
    assert_eq!(v["mismatches"], 0, "{v}");
    assert_eq!(v["notes"], 3, "{v}");
    let o = nlwire(&["policy-check", "--spec", k, "-o", "json", "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for r in v["rows"].as_array().unwrap() {
        if r["result"] == "mismatch" {
            assert_eq!(r["attribute"], "family-name", "{r}");
            assert_eq!(r["kernel"], "nul-string len ..15");
        }
    }
    assert_eq!(v["mismatches"], 3, "{v}");
}

#[nlwire_testkit::test(root)]
fn monitor_prints_link_notifications_in_a_fresh_netns() {
    // In a new network namespace: start the monitor, then toggle lo until it has seen
    // one notification.
    let script = format!(
        "{bin} monitor --spec {spec} --group rtnlgrp-link --count 1 --timeout 20 -o json & P=$!; \
         while kill -0 $P 2>/dev/null; do ip link set lo down; ip link set lo up; sleep 0.2; done; wait $P",
        bin = env!("CARGO_BIN_EXE_nlwire"),
        spec = test_spec("rt-link"),
    );
    let o = netns::command("sh").args(["-c", &script]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let line = stdout(&o);
    let v: Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(v["name"], "newlink-ntf");
    assert_eq!(v["msg"]["ifname"], "lo");
    assert!(stderr(&o).contains("listening to rt-link group(s) rtnlgrp-link"));
}

#[nlwire_testkit::test(root)]
fn monitor_reports_lost_events_and_keeps_listening() {
    // A small receive buffer and a reader that stalls for 3 s while 100 veth pairs are
    // created: the kernel drops notifications (ENOBUFS). Once the reader drains, the
    // monitor says so and goes on: a later change of lo is still printed.
    let out = common::tmp("monitor-lost.out");
    let err = common::tmp("monitor-lost.err");
    let script = format!(
        "{bin} monitor --spec {spec} --group rtnlgrp-link --rcvbuf 4096 --timeout 3 -o json 2>{err} \
           | (sleep 3; cat) >{out} & \
         sleep 0.5; for i in $(seq 1 100); do ip link add a$i type veth peer name b$i; done; \
         sleep 4; ip link set lo up; wait",
        bin = env!("CARGO_BIN_EXE_nlwire"),
        spec = test_spec("rt-link"),
        err = err.display(),
        out = out.display(),
    );
    let o = netns::command("sh").args(["-c", &script]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let e = std::fs::read_to_string(&err).unwrap();
    assert!(
        e.contains("lost events: the receive buffer overflowed (ENOBUFS)"),
        "{e}"
    );
    assert!(e.contains("error: no notification within 3 s"), "{e}");
    let lines: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lost = lines
        .iter()
        .position(|l| l["lost-events"] == true)
        .expect("a lost-events line");
    assert!(lost > 0, "notifications before the overrun");
    assert!(
        lines[lost + 1..].iter().any(|l| l["msg"]["ifname"] == "lo"),
        "lo's change after the overrun is printed: {lines:?}"
    );
}

#[test]
fn monitor_unknown_group() {
    let spec = test_spec("netdev");
    let o = nlwire(&["monitor", "--spec", &spec, "--group", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("netdev has no multicast group \"nope\" (groups: mgmt, page-pool)"),
        "{}",
        stderr(&o)
    );
}

#[nlwire_testkit::test(root)]
fn monitor_timeout_in_a_fresh_netns() {
    let spec = test_spec("netdev");
    let o = netns::command(env!("CARGO_BIN_EXE_nlwire"))
        .args([
            "monitor",
            "--spec",
            &spec,
            "--group",
            "mgmt",
            "--timeout",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no notification within 1 s (0 received)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn gen_prints_the_generated_rust() {
    let o = nlwire(&["gen", &test_spec("netdev")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let code = stdout(&o);
    assert!(
        code.starts_with("// Generated by nlwire-schema from the `netdev` spec."),
        "{code}"
    );
    assert!(
        code.contains("pub const FAMILY_NAME: &str = \"netdev\";"),
        "{code}"
    );
    assert!(
        code.contains("derive(") && code.contains("AttrSet"),
        "{code}"
    );
    // Options: OVS actions as an ordered list, a renamed runtime crate (the built-in
    // ovs_flow, by name).
    let o = nlwire(&[
        "gen",
        "ovs_flow",
        "--list-set",
        "action-attrs",
        "--crate-path",
        "::nl",
    ]);
    let code = stdout(&o);
    assert!(code.contains("pub enum ActionAttrs"), "{code}");
    assert!(code.contains("::nl::"), "{code}");
    // A set the spec does not have, and a broken spec, are clear errors.
    let o = nlwire(&["gen", "ovs_flow", "--list-set", "no-such-set"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-set"), "{}", stderr(&o));
    let bad = common::tmp("bad.yaml");
    std::fs::write(&bad, "name: x\ndoc: x\nattribute-sets: []\noperations:\n  list:\n    - {name: get, doc: x, attribute-set: nope, do: {}}\n").unwrap();
    let o = nlwire(&["gen", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.yaml:6: op \"get\": attribute-set \"nope\" does not exist"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn specs_lists_the_built_in_schemas() {
    let o = nlwire(&["specs"]);
    let text = stdout(&o);
    for name in [
        "nlctrl",
        "ovs_datapath",
        "ovs_flow",
        "ovs_vport",
        "ovs_packet",
        "ovs_meter",
        "ovs_ct_limit",
    ] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name}: {text}");
    }
    let o = nlwire(&["specs", "ovs_flow"]);
    assert!(
        stdout(&o).contains("get                      do,dump"),
        "{}",
        stdout(&o)
    );
    // A family the kernel does not have here: a clear error, not a crash.
    let o = nlwire(&["dump", "--spec", "ovs_flow", "get"]);
    if !o.status.success() {
        assert!(
            stderr(&o).contains("no generic netlink family \"ovs_flow\""),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn request_from_a_file_or_stdin() {
    let spec = test_spec("netdev");
    let f = common::tmp("req.json");
    std::fs::write(&f, r#"{"ifindex": 1}"#).unwrap();
    let at = format!("@{}", f.display());
    let v = json_ok(&["do", "--spec", &spec, "dev-get", "--json", &at]);
    assert_eq!(v["ifindex"], 1);
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlwire"))
        .args(["do", "--spec", &spec, "dev-get", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"ifindex": 1}"#)
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ifindex"], 1);
}

/// Conformance corpus: the checks above with the kernel's own netdev, ethtool, rt-link,
/// rt-addr and nlctrl specs.
#[nlwire_testkit::test(kernel_specs)]
fn kernel_specs_against_the_live_kernel() {
    let netdev = kernel_spec("netdev");
    check_netdev_dump_and_do(&netdev);
    check_rtnetlink_dumps(&kernel_spec("rt-link"), &kernel_spec("rt-addr"));
    check_kernel_rejections(&netdev, &kernel_spec("ethtool"));
    check_bad_input(&netdev);
    check_policy_check_netdev(&netdev);
    // The kernel's nlctrl.yaml states no bound on family-name.
    check_policy_check_unbounded_nlctrl(&kernel_spec("nlctrl"));
    let dir = nlwire_testkit::kernel_specs_dir().display().to_string();
    let o = nlwire(&["families", "netdev", "--spec-dir", &dir]);
    assert!(stdout(&o).contains("dev-get"), "{}", stdout(&o));
}

/// Conformance corpus, as root: napi-set with the kernel's netdev spec.
#[nlwire_testkit::test(root, kernel_specs)]
fn kernel_specs_napi_set_busy_poll() {
    check_napi_set_busy_poll(&kernel_spec("netdev"));
}

/// One meaning per flag: `--json` is the request (do, dump), `-o json` the output format
/// everywhere.
#[test]
fn json_is_the_request_and_o_json_the_output_everywhere() {
    let spec = test_spec("netdev");
    // `--json` without a request says what to write for JSON output.
    let o = nlwire(&["dump", "--spec", &spec, "dev-get", "--json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--json is the request") && stderr(&o).contains("-o json"),
        "{}",
        stderr(&o)
    );
    for args in [
        vec!["families", "--json"],
        vec!["policy-check", "--spec", "nlctrl", "--json"],
        vec!["specs", "--json"],
        vec!["decode", "/nonexistent.pcap", "--json"],
        vec!["monitor", "--spec", &spec, "--group", "mgmt", "--json"],
    ] {
        let o = nlwire(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("for JSON output write `-o json`"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // `-o json` (and `--output json`) on every subcommand that prints.
    assert!(json_ok(&["families", "-o", "json"]).is_array());
    assert!(json_ok(&["families", "--output", "json"]).is_array());
    assert!(json_ok(&["dump", "--spec", &spec, "dev-get", "-o", "json"]).is_array());
    assert_eq!(
        json_ok(&["policy-check", "--spec", "nlctrl", "-o", "json"])["family"],
        "nlctrl"
    );
    assert!(json_ok(&["specs", "-o", "json"]).is_array());
    assert_eq!(
        json_ok(&["specs", "rt-link", "-o", "json"])["family"],
        "rt-link"
    );
    // Text forms: a table by default even when piped, for the table commands.
    let o = nlwire(&["families", "-o", "tree"]);
    assert!(stdout(&o).starts_with("  ID  NAME"), "{}", stdout(&o));
    assert!(stdout(&nlwire(&["families"])).starts_with("  ID  NAME"));
}

#[test]
fn specs_lists_attributes_messages_and_definitions() {
    // The built-in rt-addr: its set, with types in words.
    let o = nlwire(&["specs", "rt-addr", "--attrs"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("attribute set addr-attrs:"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["2", "local", "binary,", "shown", "as", "ipv4-or-v6"]),
        "{text}"
    );
    assert!(
        text.contains("cacheinfo") && text.contains("struct ifa-cacheinfo"),
        "{text}"
    );
    assert!(!text.contains("ops:"), "only what was asked: {text}");
    // Messages: request and reply types, fixed header, attributes.
    let text = stdout(&nlwire(&["specs", "rt-addr", "--messages"]));
    assert!(
        text.contains("  getaddr dump request (type 22, ifaddrmsg): target-netnsid"),
        "{text}"
    );
    assert!(
        text.lines().any(
            |l| l.starts_with("  getaddr dump reply (type 20, ifaddrmsg): ") && l.contains("local")
        ),
        "{text}"
    );
    assert!(
        text.contains("newaddr-ntf notify (type 20, ifaddrmsg, group rtnlgrp-ipv4-ifaddr)"),
        "{text}"
    );
    // A genetlink family: command numbers.
    let text = stdout(&nlwire(&["specs", "nlctrl", "--messages"]));
    assert!(
        text.contains("getfamily do reply (cmd 1): family-name, family-id"),
        "{text}"
    );
    // One set, as JSON, from a spec file.
    let v = json_ok(&[
        "specs",
        &test_spec("nftables"),
        "--attrs",
        "hook-attrs",
        "-o",
        "json",
    ]);
    let sets = v["attribute-sets"].as_array().unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0]["name"], "hook-attrs");
    assert_eq!(
        sets[0]["attributes"][0],
        serde_json::json!({"value": 1, "name": "num", "type": "u32", "enum": "inet-hook",
                           "byte-order": "big-endian"})
    );
    // Definitions: struct layout and enum values.
    let text = stdout(&nlwire(&["specs", &test_spec("nftables"), "--defs"]));
    assert!(text.contains("  struct nfgenmsg (4 bytes):"), "{text}");
    assert!(
        text.contains("@2   res-id               u16 big-endian"),
        "{text}"
    );
    assert!(
        text.contains("enum nfproto: unspec=0 inet=1 ipv4=2"),
        "{text}"
    );
    // Messages with 0x-style types, as JSON.
    let v = json_ok(&["specs", &test_spec("nftables"), "--messages", "-o", "json"]);
    let m = v["messages"].as_array().unwrap();
    let get = m
        .iter()
        .find(|x| x["op"] == "gettable" && x["kind"] == "dump" && x["direction"] == "reply")
        .unwrap();
    assert_eq!(get["type"], 0xa00);
    assert_eq!(get["fixed-header"], "nfgenmsg");
    // A set the spec does not have.
    let o = nlwire(&["specs", "rt-addr", "--attrs", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("has no attribute set \"nope\" (sets: addr-attrs)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn monitor_stops_after_its_duration() {
    // netdev's mgmt group is quiet here; the monitor ends with success on time.
    let spec = test_spec("netdev");
    let t = std::time::Instant::now();
    let o = nlwire(&[
        "monitor",
        "--spec",
        &spec,
        "--group",
        "mgmt",
        "--duration",
        "0.7",
        "-o",
        "json",
    ]);
    let took = t.elapsed();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(took >= std::time::Duration::from_millis(700), "{took:?}");
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    let o = nlwire(&[
        "monitor",
        "--spec",
        &spec,
        "--group",
        "mgmt",
        "--duration",
        "0",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("positive number of seconds"),
        "{}",
        stderr(&o)
    );
}

#[nlwire_testkit::test(root)]
fn monitor_duration_and_count_with_events_in_a_fresh_netns() {
    // Changes of lo every 0.1 s: a 1.5 s monitor prints several and ends with success;
    // --count 3 stops after exactly three.
    let script = format!(
        "{bin} monitor --spec rt-link --group rtnlgrp-link --duration 1.5 -o json & P=$!; \
         while kill -0 $P 2>/dev/null; do ip link set lo down; ip link set lo up; sleep 0.1; done; wait $P",
        bin = env!("CARGO_BIN_EXE_nlwire"),
    );
    let o = netns::command("sh").args(["-c", &script]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let n = stdout(&o).lines().count();
    assert!(n >= 2, "{}", stdout(&o));
    let script = format!(
        "{bin} monitor --spec rt-link --group rtnlgrp-link --count 3 --duration 30 -o json & P=$!; \
         while kill -0 $P 2>/dev/null; do ip link set lo down; ip link set lo up; sleep 0.1; done; wait $P",
        bin = env!("CARGO_BIN_EXE_nlwire"),
    );
    let o = netns::command("sh").args(["-c", &script]).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 3, "{}", stdout(&o));
}

/// Attributes the spec does not know are shown (`"#<type>"`), never dropped: the
/// getlink dump decoded with the small test rt-link spec has, for every attribute the
/// built-in spec names but the test spec lacks, a `#<value>` entry.
#[test]
fn unknown_attributes_are_shown_not_dropped() {
    let small = json_ok(&[
        "dump",
        "--spec",
        &test_spec("rt-link"),
        "getlink",
        "-o",
        "json",
    ]);
    let full = json_ok(&["dump", "--spec", "rt-link", "getlink", "-o", "json"]);
    let builtin = nlwire_schema::builtin::load("rt-link").unwrap().unwrap();
    let set = builtin.set("link-attrs").unwrap();
    let test = nlwire_schema::load(test_spec("rt-link")).unwrap();
    let test_set = test.set("link-attrs").unwrap();
    let header = [
        "ifi-family",
        "ifi-type",
        "ifi-index",
        "ifi-flags",
        "ifi-change",
    ];
    let lo = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|l| l["ifi-index"] == 1)
            .unwrap()
            .as_object()
            .unwrap()
            .clone()
    };
    let (small, full) = (lo(&small), lo(&full));
    let mut unknown = 0;
    for key in full.keys() {
        if header.contains(&key.as_str()) {
            continue;
        }
        let value = match key.strip_prefix('#') {
            Some(n) => n.parse::<u16>().unwrap(),
            None => set.attr(key).unwrap().value,
        };
        match test_set.attr_by_value(value) {
            Some(a) => assert!(small.contains_key(&a.name), "{key} ({value}) missing"),
            None => {
                unknown += 1;
                let k = format!("#{value}");
                assert!(small.contains_key(&k), "{key} ({value}) dropped: {small:?}");
            }
        }
    }
    assert!(
        unknown >= 3,
        "the test spec lacks stats, stats64, af-spec: {small:?}"
    );
    // IFLA_STATS (7): shown as hex, 24 u32 counters.
    assert_eq!(small["#7"].as_str().unwrap().len(), 2 * 96, "{small:?}");
}

#[test]
fn multi_sends_several_operations_with_one_result_each() {
    let v = json_ok_status(
        &[
            "do",
            "--spec",
            "nlctrl",
            "--multi",
            "getfamily",
            r#"{"family-name": "nlctrl"}"#,
            "--multi",
            "getfamily",
            r#"{"family-name": "nlwire-no-such"}"#,
            "--multi",
            "getfamily",
            r#"{"family-name": "netdev"}"#,
            "-o",
            "json",
        ],
        1,
    );
    let r = v.as_array().unwrap();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0]["op"], "getfamily");
    assert_eq!(r[0]["reply"]["family-id"], 16);
    assert_eq!(r[1]["errno"], 2);
    assert!(
        r[1]["error"]
            .as_str()
            .unwrap()
            .contains("No such file or directory (ENOENT"),
        "{r:?}"
    );
    assert_eq!(r[2]["reply"]["family-name"], "netdev");
    // Usage errors: an unknown op stops everything before sending; dump has no --multi;
    // an op name and --multi together.
    let o = nlwire(&[
        "do",
        "--spec",
        "nlctrl",
        "--multi",
        "getfamily",
        "{}",
        "--multi",
        "nope",
        "{}",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has no op \"nope\""), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let o = nlwire(&["dump", "--spec", "nlctrl", "--multi", "getfamily", "{}"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nlwire do --multi"), "{}", stderr(&o));
    let o = nlwire(&[
        "do",
        "--spec",
        "nlctrl",
        "getfamily",
        "--multi",
        "getfamily",
        "{}",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// Runs `nlwire`, expects exit code `code` and JSON on stdout.
fn json_ok_status(args: &[&str], code: i32) -> Value {
    let o = nlwire(args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}
