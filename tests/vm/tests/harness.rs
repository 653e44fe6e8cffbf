//! The harness's own contract: exit codes and output come back, the timeout kills qemu,
//! missing prerequisites are named. Each VM test boots a minimal VM (busybox only, no
//! modules), a few seconds each. Built without the VM they are listed as
//! `ignored, needs the qemu VM (missing: ...)` (`#[nlwire_testkit::test(vm)]`).

use nlwire_vm::{VmConfig, VmError, require_vm, run_in_vm};
use std::path::Path;
use std::time::{Duration, Instant};

fn minimal() -> VmConfig {
    VmConfig::new()
        .modules(&[])
        .timeout(Duration::from_secs(60))
}

#[nlwire_testkit::test(vm)]
fn exit_code_output_and_env_come_back() {
    let cfg = minimal().env("GREETING", "hello from the guest");
    require_vm("exit_code_output_and_env_come_back", &cfg);
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

#[nlwire_testkit::test(vm)]
fn timeout_kills_qemu() {
    // fixed_timeout: NLWIRE_VM_TIMEOUT (for slow machines) must not lengthen this one.
    let cfg = minimal().timeout(Duration::from_secs(8)).fixed_timeout();
    require_vm("timeout_kills_qemu", &cfg);
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

#[nlwire_testkit::test(vm)]
fn failed_insmod_is_a_guest_error() {
    // libcrc32c without a crc32c implementation (crc32c_generic) refuses to load.
    let cfg = minimal().modules(&["libcrc32c"]);
    require_vm("failed_insmod_is_a_guest_error", &cfg);
    match run_in_vm(Path::new("/bin/busybox"), &["true"], &cfg) {
        Err(VmError::Guest { message, .. }) => {
            assert!(message.contains("insmod libcrc32c failed"), "{message}")
        }
        other => panic!("expected a guest error, got {other:?}"),
    }
}
