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
