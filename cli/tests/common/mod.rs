//! Helpers shared by the CLI's integration tests: run the built binary, find the
//! kernel's YNL specs.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

/// The kernel's YNL specs, `../shared/ynl-specs` from the repository root.
pub fn kernel_specs() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/ynl-specs"
    ))
}

/// A kernel spec file by name (`netdev` → `.../netdev.yaml`).
pub fn kernel_spec(name: &str) -> String {
    kernel_specs()
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

/// True when running as root. Otherwise prints a loud banner and returns false (the test
/// then passes as skipped), or fails when `NLWIRE_REQUIRE_ROOT=1` (CI runs as root), as
/// the transport's kernel tests do.
pub fn privileged(what: &str) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|u| u.parse::<u32>().ok());
    if euid == Some(0) {
        return true;
    }
    let msg = format!(
        "!!! SKIPPED: {what} needs root (network namespaces, CAP_NET_ADMIN).\n\
         !!! fix: run the tests as root; set NLWIRE_REQUIRE_ROOT=1 to make this a failure."
    );
    if std::env::var("NLWIRE_REQUIRE_ROOT").as_deref() == Ok("1") {
        panic!("{msg}");
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("\n{msg}\n").as_bytes());
    false
}
