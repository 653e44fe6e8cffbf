//! Helpers shared by the CLI's integration tests: run the built binary, find the test
//! specs (`tests/specs`) or the kernel's (the opt-in conformance corpus).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The test specs: small netdev, ethtool, rt-link and rt-addr schemas written for these
/// tests, in `tests/specs` of this package.
pub fn test_specs() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs"))
}

/// A test spec file by name (`netdev` → `.../tests/specs/netdev.yaml`).
pub fn test_spec(name: &str) -> String {
    test_specs()
        .join(format!("{name}.yaml"))
        .display()
        .to_string()
}

/// A kernel spec file by name, from the directory named by `NLWIRE_KERNEL_SPECS`: for
/// tests marked `#[nlwire_testkit::test(kernel_specs)]`.
pub fn kernel_spec(name: &str) -> String {
    nlwire_testkit::kernel_specs_dir()
        .join(format!("{name}.yaml"))
        .display()
        .to_string()
}

/// Runs `nlwire` with `args`.
pub fn nlwire(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nlwire"))
        .args(args)
        .output()
        .expect("run nlwire")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `nlwire` and parses its stdout as one JSON document, asserting success.
pub fn json_ok(args: &[&str]) -> serde_json::Value {
    let o = nlwire(args);
    assert!(
        o.status.success(),
        "nlwire {args:?} failed: {}\n{}",
        o.status,
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("nlwire {args:?}: stdout is not JSON ({e}):\n{}", stdout(&o)))
}

/// A scratch directory for this test binary.
pub fn tmp(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("nlwire-cli-tests");
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// A network namespace made with `ip netns add` (so `--netns NAME` finds it under
/// /run/netns), named after the test and this process, deleted on drop. Needs root.
pub struct NamedNetns {
    /// The name `ip netns` knows it by.
    pub name: String,
}

impl NamedNetns {
    /// Creates `nlwire-<tag>-<pid>` (removing a leftover of that name first).
    pub fn new(tag: &str) -> Self {
        let name = format!("nlwire-{tag}-{}", std::process::id());
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        let o = Command::new("ip")
            .args(["netns", "add", &name])
            .output()
            .expect("run ip netns add");
        assert!(
            o.status.success(),
            "ip netns add {name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        NamedNetns { name }
    }

    /// Runs `program args...` inside the namespace (`ip netns exec`) and asserts success.
    pub fn run(&self, program: &str, args: &[&str]) -> String {
        let o = Command::new("ip")
            .args(["netns", "exec", &self.name, program])
            .args(args)
            .output()
            .expect("run ip netns exec");
        assert!(
            o.status.success(),
            "{program} {args:?} in {}: {}",
            self.name,
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// `ip -n NAME args...`, asserting success.
    pub fn ip(&self, args: &[&str]) -> String {
        self.run("ip", args)
    }

    /// `ip -j args...` (or another iproute2 tool's `-j`) in the namespace, parsed.
    pub fn json(&self, program: &str, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["-j"];
        all.extend(args);
        let text = self.run(program, &all);
        if text.trim().is_empty() {
            return serde_json::Value::Array(Vec::new());
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{program} -j {args:?}: {e}: {text}"))
    }

    /// `nlwire dump --netns NAME --spec SPEC OP -o json`: the replies.
    pub fn dump(&self, spec: &str, op: &str) -> Vec<serde_json::Value> {
        let v = json_ok(&[
            "dump", "--netns", &self.name, "--spec", spec, op, "-o", "json",
        ]);
        let all = v.as_array().expect("a dump prints a list").clone();
        for r in &all {
            assert!(r.get("!errors").is_none(), "{spec} {op}: {r}");
        }
        all
    }
}

impl Drop for NamedNetns {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}
