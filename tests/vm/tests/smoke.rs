//! Self-test of the VM harness, using the boot-once pattern it offers: `ovs_in_vm` boots the
//! VM once and runs the `#[ignore]`d `vm_*` tests of this binary inside, where the
//! openvswitch module is loaded and `ovs-dpctl` is at `nlwire_vm::ovs_dpctl()`. Built
//! without the VM, `ovs_in_vm` is listed as `ignored, needs the qemu VM (missing: ...)`.

use std::path::Path;
use std::process::Command;

nlwire_vm::vm_runner!(
    /// The outer test: boots the VM once for all `vm_*` tests below.
    ovs_in_vm,
    "vm_",
    nlwire_vm::VmConfig::new().with_ovs_dpctl().env("NLWIRE_SMOKE", "it's \"quoted\" $HOME")
);

/// Runs `ovs-dpctl args...` and returns its stdout; panics with its stderr on failure.
fn dpctl(args: &[&str]) -> String {
    let out = Command::new(nlwire_vm::ovs_dpctl())
        .args(args)
        .output()
        .expect("spawn ovs-dpctl");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "ovs-dpctl {args:?} failed ({}):\n{stdout}{stderr}",
        out.status
    );
    stdout
}

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_guest_environment() {
    nlwire_vm::guest_only!();
    assert!(nlwire_vm::in_vm());
    // The config's variable arrives unmangled: quotes and `$` are not expanded by the shell.
    assert_eq!(
        std::env::var("NLWIRE_SMOKE").unwrap(),
        "it's \"quoted\" $HOME"
    );
    assert_eq!(
        std::env::var(nlwire_vm::OVS_DPCTL_ENV).unwrap(),
        nlwire_vm::GUEST_OVS_DPCTL
    );
    assert!(Path::new("/proc/self").exists() && Path::new("/sys/class/net/lo").exists());
    let lo_flags = std::fs::read_to_string("/sys/class/net/lo/flags").unwrap();
    let flags = u32::from_str_radix(lo_flags.trim().trim_start_matches("0x"), 16).unwrap();
    assert_ne!(flags & 1, 0, "lo is not up (flags {lo_flags})");
}

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_openvswitch_module_loaded() {
    nlwire_vm::guest_only!();
    assert!(
        Path::new("/sys/module/openvswitch").is_dir(),
        "openvswitch module not loaded"
    );
}

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_ovs_dpctl_datapath_and_port() {
    nlwire_vm::guest_only!();
    dpctl(&["add-dp", "dp0"]);
    dpctl(&["add-if", "dp0", "p1,type=internal"]);
    let show = dpctl(&["show"]);
    assert!(
        show.contains("system@dp0:"),
        "datapath missing from `ovs-dpctl show`:\n{show}"
    );
    assert!(
        show.contains("port 0: dp0 (internal)"),
        "local port missing:\n{show}"
    );
    assert!(show.contains(": p1 (internal)"), "port p1 missing:\n{show}");
    // The kernel made the internal ports real netdevs.
    assert!(Path::new("/sys/class/net/p1").exists());
    dpctl(&["del-dp", "dp0"]);
    let show = dpctl(&["show"]);
    assert!(
        !show.contains("dp0"),
        "dp0 still there after del-dp:\n{show}"
    );
}
