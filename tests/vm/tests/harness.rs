//! The harness's own contract: exit codes and output come back, the timeout kills qemu,
//! missing prerequisites are named. Each VM test boots a minimal VM (busybox only, no
//! modules), a few seconds each.

use nlwire_vm::{VmConfig, VmError, run_in_vm, vm_or_skip};
use std::path::Path;
use std::time::{Duration, Instant};

fn minimal() -> VmConfig {
    VmConfig::new()
        .modules(&[])
        .timeout(Duration::from_secs(60))
}

#[test]
fn exit_code_output_and_env_come_back() {
    let cfg = minimal().env("GREETING", "hello from the guest");
    if !vm_or_skip("exit_code_output_and_env_come_back", &cfg) {
        return;
    }
    let script = r#"echo "$GREETING"; echo "args: $0"; echo to-stderr >&2; exit 7"#;
    let out = run_in_vm(
        Path::new("/bin/busybox"),
        &["sh", "-c", script, "a b"],
        &cfg,
    )
    .unwrap();
    assert_eq!(out.exit_code, 7, "{}", out.console);
    assert!(!out.success());
    let lines: Vec<&str> = out.output.lines().filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        ["hello from the guest", "args: a b", "to-stderr"],
        "{}",
        out.console
    );
    assert!(out.boot_time > Duration::ZERO && out.total_time > out.boot_time);
}

#[test]
fn timeout_kills_qemu() {
    if std::env::var_os("NLWIRE_VM_TIMEOUT").is_some() {
        eprintln!("timeout_kills_qemu: skipped, NLWIRE_VM_TIMEOUT overrides the short timeout");
        return;
    }
    let cfg = minimal().timeout(Duration::from_secs(8));
    if !vm_or_skip("timeout_kills_qemu", &cfg) {
        return;
    }
    let start = Instant::now();
    let err = run_in_vm(Path::new("/bin/busybox"), &["sleep", "1000"], &cfg).unwrap_err();
    assert!(matches!(err, VmError::Timeout { .. }), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "took {:?}",
        start.elapsed()
    );
    assert!(err.to_string().contains("timed out"));
}

#[test]
fn missing_prerequisites_are_named() {
    let cfg = VmConfig::new()
        .qemu("/nonexistent/qemu-system-x86_64")
        .binary("/nonexistent/tool", "/usr/bin/tool")
        .module("no_such_module_xyz");
    let missing = cfg.check().unwrap_err();
    assert!(
        missing.contains("/nonexistent/qemu-system-x86_64"),
        "{missing}"
    );
    assert!(missing.contains("/nonexistent/tool"), "{missing}");
    // Without a kernel the module list cannot be checked; with one, the bad module is named.
    if nlwire_vm::vm_available().is_ok() {
        assert!(missing.contains("no_such_module_xyz"), "{missing}");
    }
    match run_in_vm(Path::new("/bin/true"), &[], &cfg) {
        Err(VmError::Unavailable(m)) => assert_eq!(m, missing),
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn failed_insmod_is_a_guest_error() {
    // libcrc32c without a crc32c implementation (crc32c_generic) refuses to load.
    let cfg = minimal().modules(&["libcrc32c"]);
    if !vm_or_skip("failed_insmod_is_a_guest_error", &cfg) {
        return;
    }
    match run_in_vm(Path::new("/bin/busybox"), &["true"], &cfg) {
        Err(VmError::Guest { message, .. }) => {
            assert!(message.contains("insmod libcrc32c failed"), "{message}")
        }
        other => panic!("expected a guest error, got {other:?}"),
    }
}
