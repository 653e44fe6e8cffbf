//! # nlwire-vm — run a test binary inside a qemu VM with the openvswitch kernel module
//!
//! The host kernel cannot load the openvswitch module, so tests that need the real OVS
//! datapath (and OVS's own `ovs-dpctl` as a peer) boot the Debian kernel under qemu with an
//! initramfs built on the fly, run a test binary inside, and read its exit code back from
//! the serial console.
//!
//! [`run_in_vm`] does one run: it writes a cpio initramfs (busybox as init and shell, the
//! binary and its shared libraries, the kernel modules with their dependencies resolved
//! from `modules.dep`, extra binaries such as `ovs-dpctl`), boots
//! `qemu-system-x86_64 -accel tcg -cpu max`, streams the serial console to stderr (shown
//! by `cargo test -- --nocapture`, or when the test fails), and returns the exit code and
//! the output. The whole run is bounded by [`VmConfig::timeout`]; qemu is killed on
//! timeout, on error and on panic, and the guest powers itself off if the host side dies.
//!
//! ## The pattern: a test binary runs itself in the VM, once
//!
//! Booting costs seconds, so a test binary boots **once** and runs all its VM tests inside:
//! the inner tests are `#[ignore]`d (a plain `cargo test` on the host lists them as
//! ignored), and one outer test, made by [`vm_runner!`], boots the VM with this very binary
//! and the libtest arguments `<filter> --ignored --test-threads=1`. An outer test that
//! boots the VM is not `#[ignore]`d (see below), so inside the VM `--ignored` leaves it out:
//! no recursion (and [`run_self_in_vm`] also returns at once when [`in_vm`] is true).
//!
//! ```no_run
//! // tests/ovs.rs of some crate, with nlwire-vm as a dev-dependency.
//! nlwire_vm::vm_runner!(ovs_in_vm, "vm_", nlwire_vm::VmConfig::new().with_ovs_dpctl());
//!
//! #[test]
//! #[ignore = "runs inside the VM (ovs_in_vm)"]
//! fn vm_add_datapath() {
//!     nlwire_vm::guest_only!();
//!     let out = std::process::Command::new(nlwire_vm::ovs_dpctl())
//!         .args(["add-dp", "dp0"])
//!         .output()
//!         .unwrap();
//!     assert!(out.status.success());
//! }
//! ```
//!
//! ## When the VM cannot run here
//!
//! The outer test is `#[nlwire_testkit::test(vm)]`: when the VM's prerequisites (qemu, a
//! kernel with the openvswitch module, busybox: [`vm_available`]) are missing **on the
//! machine that compiles the test crate**, it is `#[ignore]`d and libtest lists it as
//! `ignored, needs the qemu VM (missing: ...); run bash tests/vm/setup.sh`. Run
//! `bash tests/vm/setup.sh`, then `cargo clean -p <crate>` (the probe is made when the test
//! crate is compiled) and test again. With `NLWIRE_REQUIRE_VM=1` at build time (CI) it is
//! never ignored.
//!
//! A VM test that was not ignored but cannot boot (prerequisites missing at run time, or a
//! piece only its configuration needs, such as `ovs-dpctl`) **fails**, naming each missing
//! piece: [`run_self_in_vm`] and [`require_vm`] panic, nothing passes as skipped.
//!
//! ## Environment
//! | variable | effect |
//! |---|---|
//! | `NLWIRE_REQUIRE_VM=1` | at build time: VM tests are never `#[ignore]`d, so a missing VM fails them (CI) |
//! | `NLWIRE_VM_TIMEOUT` | seconds; overrides every [`VmConfig::timeout`] but a [`VmConfig::fixed_timeout`] (slow CI) |
//! | `NLWIRE_VM_KERNEL`, `NLWIRE_VM_MODULES` | kernel image and its `/lib/modules/<ver>` |
//! | `NLWIRE_VM_QEMU`, `NLWIRE_VM_ACCEL` | qemu binary; accelerator (default `tcg`) |
//! | `NLWIRE_VM_CACHE` | where `setup.sh` unpacked openvswitch-switch (default `/var/cache/nlwire-vm`) |
//! | `NLWIRE_VM_PVH=0` | boot the bzImage instead of the extracted `vmlinux` ([`VmConfig::pvh`]) |
//! | `NLWIRE_VM_KEEP=1` | keep the temp dir with `initramfs.cpio` (its path is printed) |
//! | `RUST_BACKTRACE`, `RUST_LIB_BACKTRACE`, `RUST_LOG`, `RUST_TEST_NOCAPTURE` | forwarded to the guest |
//!
//! In the guest: `NLWIRE_IN_VM=1` ([`in_vm`]), `NLWIRE_OVS_DPCTL` ([`ovs_dpctl`]) with
//! [`VmConfig::with_ovs_dpctl`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod cpio;
mod host;
mod run;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nlwire_testkit_probe::vm::{Prerequisites, RequiredFile, env_path};

/// What [`vm_runner!`] expands to uses; not an API.
#[doc(hidden)]
pub mod __private {
    pub use nlwire_testkit_macros::test;
}

/// Set to `1` in the guest's environment.
///
/// ```
/// assert_eq!(nlwire_vm::IN_VM_ENV, "NLWIRE_IN_VM");
/// ```
pub const IN_VM_ENV: &str = nlwire_testkit_probe::IN_VM_ENV;

/// When `1` while a test crate is compiled, its `#[nlwire_testkit::test(vm)]` tests (the
/// outer tests of [`vm_runner!`]) are never `#[ignore]`d: a missing VM fails them (CI sets
/// it).
///
/// ```
/// assert_eq!(nlwire_vm::REQUIRE_VM_ENV, "NLWIRE_REQUIRE_VM");
/// ```
pub const REQUIRE_VM_ENV: &str = nlwire_testkit_probe::REQUIRE_VM_ENV;

/// The guest environment variable holding the path of `ovs-dpctl` (set by
/// [`VmConfig::with_ovs_dpctl`]).
///
/// ```
/// assert_eq!(nlwire_vm::OVS_DPCTL_ENV, "NLWIRE_OVS_DPCTL");
/// ```
pub const OVS_DPCTL_ENV: &str = "NLWIRE_OVS_DPCTL";

/// Where [`VmConfig::with_ovs_dpctl`] puts `ovs-dpctl` in the guest.
///
/// ```
/// assert_eq!(nlwire_vm::GUEST_OVS_DPCTL, "/usr/bin/ovs-dpctl");
/// ```
pub const GUEST_OVS_DPCTL: &str = "/usr/bin/ovs-dpctl";

/// The modules a default [`VmConfig`] loads (with their `modules.dep` dependencies).
/// `crc32c_generic` is listed because `libcrc32c` needs a crc32c implementation and only
/// names it as a soft dependency.
///
/// ```
/// assert!(nlwire_vm::DEFAULT_MODULES.contains(&"openvswitch"));
/// ```
pub const DEFAULT_MODULES: &[&str] = nlwire_testkit_probe::vm::DEFAULT_MODULES;

/// A file to put into the initramfs.
#[derive(Debug, Clone)]
struct GuestFile {
    host: PathBuf,
    guest: String,
    mode: u32,
    /// Copy the shared libraries it needs (from `ldd`) too.
    with_libs: bool,
    /// Said when the host file is missing.
    hint: Option<String>,
}

/// What to put into the VM and how to run it. Built with chained methods.
///
/// ```
/// use std::time::Duration;
/// let cfg = nlwire_vm::VmConfig::new()
///     .with_ovs_dpctl()
///     .module("vport-vxlan")
///     .env("MY_TEST_SEED", "42")
///     .timeout(Duration::from_secs(90));
/// # let _ = cfg;
/// ```
#[derive(Debug, Clone)]
pub struct VmConfig {
    files: Vec<GuestFile>,
    file_contents: Vec<(String, Vec<u8>, u32)>,
    dirs: Vec<String>,
    env: Vec<(String, String)>,
    modules: Vec<String>,
    timeout: Duration,
    memory_mib: u32,
    cpus: u32,
    kernel: Option<PathBuf>,
    modules_dir: Option<PathBuf>,
    qemu: Option<PathBuf>,
    busybox: Option<PathBuf>,
    accel: String,
    cmdline: Vec<String>,
    echo: bool,
    pvh: bool,
    /// Whether `NLWIRE_VM_TIMEOUT` overrides `timeout`.
    env_timeout: bool,
}

impl Default for VmConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl VmConfig {
    /// Defaults: modules [`DEFAULT_MODULES`], 1024 MiB, 2 CPUs, `tcg`, 120 s timeout, the
    /// newest `/boot/vmlinuz-*` that has a `/lib/modules/<ver>`, `/bin/busybox`, and the
    /// `NLWIRE_VM_*` overrides from the environment.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new();
    /// # let _ = cfg;
    /// ```
    pub fn new() -> Self {
        // The same defaults and overrides `#[nlwire_testkit::test(vm)]` probes.
        let defaults = Prerequisites::from_env();
        VmConfig {
            files: Vec::new(),
            file_contents: Vec::new(),
            dirs: Vec::new(),
            env: Vec::new(),
            modules: defaults.modules,
            timeout: Duration::from_secs(120),
            memory_mib: 1024,
            cpus: 2,
            kernel: defaults.kernel,
            modules_dir: defaults.modules_dir,
            qemu: defaults.qemu,
            busybox: None,
            accel: std::env::var("NLWIRE_VM_ACCEL")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "tcg".into()),
            cmdline: Vec::new(),
            echo: true,
            pvh: std::env::var("NLWIRE_VM_PVH").map_or(true, |v| v != "0"),
            env_timeout: true,
        }
    }

    /// Copies an executable into the guest at `guest` (an absolute path), with the shared
    /// libraries and dynamic loader it needs (found with `ldd`).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().binary("/usr/bin/env", "/usr/bin/env");
    /// # let _ = cfg;
    /// ```
    pub fn binary(mut self, host: impl Into<PathBuf>, guest: &str) -> Self {
        self.files.push(GuestFile {
            host: host.into(),
            guest: guest.into(),
            mode: 0o755,
            with_libs: true,
            hint: None,
        });
        self
    }

    /// Copies a file (no library lookup) into the guest at `guest` with permission `mode`.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().file("/etc/services", "/etc/services", 0o644);
    /// # let _ = cfg;
    /// ```
    pub fn file(mut self, host: impl Into<PathBuf>, guest: &str, mode: u32) -> Self {
        self.files.push(GuestFile {
            host: host.into(),
            guest: guest.into(),
            mode,
            with_libs: false,
            hint: None,
        });
        self
    }

    /// Creates a file with the given contents in the guest.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().file_contents("/etc/nlwire.conf", "x=1\n", 0o644);
    /// # let _ = cfg;
    /// ```
    pub fn file_contents(mut self, guest: &str, data: impl Into<Vec<u8>>, mode: u32) -> Self {
        self.file_contents.push((guest.into(), data.into(), mode));
        self
    }

    /// Creates an (empty) directory in the guest.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().dir("/var/lib/nlwire");
    /// # let _ = cfg;
    /// ```
    pub fn dir(mut self, guest: &str) -> Self {
        self.dirs.push(guest.into());
        self
    }

    /// Puts `ovs-dpctl` (unpacked by `tests/vm/setup.sh`, see [`find_ovs_dpctl`]) at
    /// [`GUEST_OVS_DPCTL`] with its libraries, sets [`OVS_DPCTL_ENV`] in the guest and
    /// creates the directories OVS tools expect. A missing `ovs-dpctl` shows up in
    /// [`VmConfig::check`].
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().with_ovs_dpctl();
    /// # let _ = cfg;
    /// ```
    pub fn with_ovs_dpctl(mut self) -> Self {
        let host =
            find_ovs_dpctl().unwrap_or_else(|| host::cache_dir().join("ovs/usr/bin/ovs-dpctl"));
        self.files.push(GuestFile {
            host,
            guest: GUEST_OVS_DPCTL.into(),
            mode: 0o755,
            with_libs: true,
            hint: Some(
                "ovs-dpctl: run `bash tests/vm/setup.sh`, which unpacks openvswitch-switch there"
                    .into(),
            ),
        });
        for d in [
            "/var/run/openvswitch",
            "/etc/openvswitch",
            "/var/log/openvswitch",
        ] {
            self.dirs.push(d.into());
        }
        self.env(OVS_DPCTL_ENV, GUEST_OVS_DPCTL)
    }

    /// Loads one more kernel module (and its dependencies), e.g. `"vport-vxlan"`, `"veth"`.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().module("veth");
    /// # let _ = cfg;
    /// ```
    pub fn module(mut self, name: &str) -> Self {
        self.modules.push(name.into());
        self
    }

    /// Replaces the module list (default [`DEFAULT_MODULES`]); dependencies are still added.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().modules(&[]); // no modules at all
    /// # let _ = cfg;
    /// ```
    pub fn modules(mut self, names: &[&str]) -> Self {
        self.modules = names.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Sets an environment variable for the guest binary.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().env("RUST_LOG", "debug");
    /// # let _ = cfg;
    /// ```
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Bounds the whole run (initramfs, boot, the binary, poweroff); default 120 s.
    /// `NLWIRE_VM_TIMEOUT` (seconds) overrides it, unless [`VmConfig::fixed_timeout`].
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().timeout(std::time::Duration::from_secs(60));
    /// # let _ = cfg;
    /// ```
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Keeps [`VmConfig::timeout`] even when `NLWIRE_VM_TIMEOUT` is set: for a run that is
    /// meant to time out (a test of the timeout itself), not for one that might be slow.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().timeout(std::time::Duration::from_secs(8)).fixed_timeout();
    /// # let _ = cfg;
    /// ```
    pub fn fixed_timeout(mut self) -> Self {
        self.env_timeout = false;
        self
    }

    /// Guest memory in MiB (default 1024; the initramfs lives in it).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().memory_mib(2048);
    /// # let _ = cfg;
    /// ```
    pub fn memory_mib(mut self, mib: u32) -> Self {
        self.memory_mib = mib;
        self
    }

    /// Guest CPUs (default 2).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().cpus(1);
    /// # let _ = cfg;
    /// ```
    pub fn cpus(mut self, n: u32) -> Self {
        self.cpus = n;
        self
    }

    /// The kernel image; its modules are looked up in `/lib/modules/<ver>` for a file named
    /// `vmlinuz-<ver>` unless [`VmConfig::modules_dir`] is set.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().kernel("/boot/vmlinuz-6.1.0-56-amd64");
    /// # let _ = cfg;
    /// ```
    pub fn kernel(mut self, path: impl Into<PathBuf>) -> Self {
        self.kernel = Some(path.into());
        self
    }

    /// The module tree matching the kernel (holds `modules.dep`).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().modules_dir("/lib/modules/6.1.0-56-amd64");
    /// # let _ = cfg;
    /// ```
    pub fn modules_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.modules_dir = Some(path.into());
        self
    }

    /// The qemu binary (default `qemu-system-x86_64` from `PATH`).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().qemu("/usr/bin/qemu-system-x86_64");
    /// # let _ = cfg;
    /// ```
    pub fn qemu(mut self, path: impl Into<PathBuf>) -> Self {
        self.qemu = Some(path.into());
        self
    }

    /// The busybox binary used as init and shell (default `/bin/busybox`; a dynamic one
    /// works too, its libraries are copied).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().busybox("/bin/busybox");
    /// # let _ = cfg;
    /// ```
    pub fn busybox(mut self, path: impl Into<PathBuf>) -> Self {
        self.busybox = Some(path.into());
        self
    }

    /// The qemu accelerator (default `tcg`: KVM is unreliable on the CI machines).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().accel("kvm");
    /// # let _ = cfg;
    /// ```
    pub fn accel(mut self, accel: &str) -> Self {
        self.accel = accel.into();
        self
    }

    /// Appends a word to the kernel command line
    /// (always `console=ttyS0 quiet panic=-1 rdinit=/init`).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().kernel_arg("loglevel=7");
    /// # let _ = cfg;
    /// ```
    pub fn kernel_arg(mut self, arg: &str) -> Self {
        self.cmdline.push(arg.into());
        self
    }

    /// Whether to boot the kernel directly (PVH) from its decompressed `vmlinux`, extracted
    /// once from the bzImage with the host's `xz`/`zstd`/`gzip` and cached next to the
    /// openvswitch cache (or in the temp dir). Default on (off with `NLWIRE_VM_PVH=0`): it
    /// saves the ~3 s the guest spends decompressing itself under TCG. Falls back to the
    /// bzImage when the kernel has no PVH entry.
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().pvh(false);
    /// # let _ = cfg;
    /// ```
    pub fn pvh(mut self, on: bool) -> Self {
        self.pvh = on;
        self
    }

    /// Stops streaming the serial console to stderr (it is still in [`VmOutcome::console`]).
    ///
    /// ```
    /// let cfg = nlwire_vm::VmConfig::new().quiet();
    /// # let _ = cfg;
    /// ```
    pub fn quiet(mut self) -> Self {
        self.echo = false;
        self
    }

    /// Checks that everything this configuration needs is on the host; the error names
    /// every missing piece and how to get it.
    ///
    /// ```
    /// match nlwire_vm::VmConfig::new().with_ovs_dpctl().check() {
    ///     Ok(()) => println!("VM ready"),
    ///     Err(missing) => println!("no VM: {missing}"),
    /// }
    /// ```
    pub fn check(&self) -> Result<(), String> {
        run::resolve(self).map(|_| ())
    }

    /// What this configuration needs on the host, for the probe
    /// (`nlwire_testkit_probe::vm`, shared with `#[nlwire_testkit::test(vm)]`).
    fn prerequisites(&self) -> Prerequisites {
        Prerequisites {
            qemu: self.qemu.clone(),
            kernel: self.kernel.clone(),
            modules_dir: self.modules_dir.clone(),
            busybox: self.busybox.clone(),
            modules: self.modules.clone(),
            files: self
                .files
                .iter()
                .map(|f| RequiredFile {
                    guest: f.guest.clone(),
                    host: f.host.clone(),
                    hint: f.hint.clone(),
                })
                .collect(),
        }
    }

    /// The configuration with the environment overrides applied.
    fn effective(&self) -> VmConfig {
        let mut c = self.clone();
        if let Some(secs) = std::env::var("NLWIRE_VM_TIMEOUT")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|_| self.env_timeout)
        {
            c.timeout = Duration::from_secs_f64(secs.max(1.0));
        }
        c
    }
}

/// What came back from the guest.
///
/// ```no_run
/// let out = nlwire_vm::run_in_vm("/bin/true".as_ref(), &[], &nlwire_vm::VmConfig::new())?;
/// assert!(out.success(), "exit code {}:\n{}", out.exit_code, out.output);
/// println!("booted in {:?}, whole run {:?}", out.boot_time, out.total_time);
/// # Ok::<(), nlwire_vm::VmError>(())
/// ```
#[derive(Debug, Clone)]
pub struct VmOutcome {
    /// The binary's exit status as the guest shell saw it (128 + n when killed by signal n).
    pub exit_code: i32,
    /// What the binary printed (stdout and stderr share the console), without the kernel's
    /// boot messages and the harness's marker lines.
    pub output: String,
    /// The whole serial console, boot messages included.
    pub console: String,
    /// From starting qemu to the guest's init starting the binary.
    pub boot_time: Duration,
    /// The whole run, initramfs build and poweroff included.
    pub total_time: Duration,
}

impl VmOutcome {
    /// True when the binary exited with status 0.
    ///
    /// ```no_run
    /// let out = nlwire_vm::run_in_vm("/bin/true".as_ref(), &[], &nlwire_vm::VmConfig::new()).unwrap();
    /// assert!(out.success());
    /// ```
    pub fn success(&self) -> bool {
        self.exit_code == 0
    }
}

/// Why a VM run did not produce an exit code.
///
/// ```no_run
/// use nlwire_vm::{run_in_vm, VmConfig, VmError};
/// match run_in_vm("/bin/true".as_ref(), &[], &VmConfig::new()) {
///     Ok(out) => println!("exit code {}", out.exit_code),
///     Err(VmError::Unavailable(missing)) => println!("cannot run a VM here: {missing}"),
///     Err(e) => panic!("{e}"),
/// }
/// ```
#[derive(Debug)]
pub enum VmError {
    /// A prerequisite is missing on the host (qemu, kernel, modules, busybox, a binary);
    /// the message names each and how to install it.
    Unavailable(String),
    /// The initramfs could not be put together (a library `ldd` did not find, a module that
    /// does not decompress, a bad environment variable name).
    Setup(String),
    /// A file operation or starting qemu failed.
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The run did not finish within the timeout; qemu was killed.
    Timeout {
        /// The timeout that expired.
        after: Duration,
        /// The last lines of the serial console.
        console_tail: String,
    },
    /// The guest's init reported a failure before running the binary (e.g. insmod failed).
    Guest {
        /// The guest's message.
        message: String,
        /// The last lines of the serial console.
        console_tail: String,
    },
    /// qemu exited without the binary's exit code: kernel panic, qemu error, OOM.
    NoExitCode {
        /// qemu's exit status.
        qemu_status: String,
        /// What qemu printed on its stderr.
        qemu_stderr: String,
        /// The last lines of the serial console.
        console_tail: String,
    },
}

impl fmt::Display for VmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VmError::Unavailable(m) => write!(f, "VM unavailable: {m}"),
            VmError::Setup(m) => write!(f, "VM setup failed: {m}"),
            VmError::Io { context, source } => write!(f, "VM harness: {context}: {source}"),
            VmError::Timeout {
                after,
                console_tail,
            } => write!(
                f,
                "VM run timed out after {after:?} and qemu was killed (raise NLWIRE_VM_TIMEOUT if the machine \
                 is just slow); last console lines:\n{console_tail}"
            ),
            VmError::Guest {
                message,
                console_tail,
            } => {
                write!(
                    f,
                    "VM guest setup failed: {message}; last console lines:\n{console_tail}"
                )
            }
            VmError::NoExitCode {
                qemu_status,
                qemu_stderr,
                console_tail,
            } => write!(
                f,
                "qemu stopped ({qemu_status}) before the guest binary reported an exit code (kernel panic? \
                 out of memory? raise VmConfig::memory_mib); qemu stderr: {qemu_stderr:?}; last console lines:\n\
                 {console_tail}"
            ),
        }
    }
}

impl std::error::Error for VmError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VmError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Boots the VM, runs `binary args...` inside as root (cwd `/`, stdin `/dev/null`, the
/// config's environment plus `NLWIRE_IN_VM=1`) and returns its exit code and output. The
/// binary is copied to `/nlwire/bin/<name>` with its shared libraries; the serial console
/// is streamed to stderr (prefix `vm| `) unless [`VmConfig::quiet`].
///
/// ```no_run
/// use nlwire_vm::{run_in_vm, VmConfig};
/// let exe = std::env::current_exe().unwrap();
/// let out = run_in_vm(&exe, &["vm_", "--ignored"], &VmConfig::new().with_ovs_dpctl()).unwrap();
/// assert_eq!(out.exit_code, 0, "{}", out.output);
/// ```
pub fn run_in_vm(binary: &Path, args: &[&str], cfg: &VmConfig) -> Result<VmOutcome, VmError> {
    run::run(binary, args, &cfg.effective())
}

/// Checks that a default VM can run here: qemu, a kernel with its modules
/// ([`DEFAULT_MODULES`] and their dependencies), busybox. The error names what is missing.
/// Use [`VmConfig::check`] to also check a configuration's extra binaries.
///
/// ```
/// if let Err(missing) = nlwire_vm::vm_available() {
///     eprintln!("no VM here: {missing}");
/// }
/// ```
pub fn vm_available() -> Result<(), String> {
    VmConfig::new().check()
}

/// True inside the VM (`NLWIRE_IN_VM=1`).
///
/// ```
/// if !nlwire_vm::in_vm() {
///     // on the host
/// }
/// ```
pub fn in_vm() -> bool {
    std::env::var(IN_VM_ENV).is_ok_and(|v| v == "1")
}

/// Panics, naming `what` and each missing piece, unless `cfg` can run here. The first line
/// of a VM test that calls [`run_in_vm`] itself; mark the test
/// `#[nlwire_testkit::test(vm)]` so that it is ignored, not failed, on a machine that was
/// built without the VM.
///
/// ```no_run
/// #[nlwire_testkit::test(vm)]
/// fn needs_vm() {
///     let cfg = nlwire_vm::VmConfig::new();
///     nlwire_vm::require_vm("needs_vm", &cfg);
///     // ... run_in_vm(...)
/// }
/// ```
pub fn require_vm(what: &str, cfg: &VmConfig) {
    if let Err(missing) = cfg.check() {
        unavailable(what, &missing);
    }
}

fn unavailable(what: &str, missing: &str) -> ! {
    panic!(
        "{what} needs the qemu VM, which cannot run here.\n\
         missing: {missing}\n\
         fix: run `bash tests/vm/setup.sh` (see tests/vm/README.md). Built without the VM (and \
         without {REQUIRE_VM_ENV}=1), a #[nlwire_testkit::test(vm)] test is ignored instead; \
         `cargo clean -p <crate>` makes the next build probe again."
    )
}

/// The body of the outer test of the boot-once pattern (what [`vm_runner!`] expands to).
///
/// On the host: checks the prerequisites ([`require_vm`]: a missing one panics, naming it),
/// then boots the VM with `current_exe() [filter] --ignored --test-threads=1 --color=never`
/// (plus `--nocapture` / `--show-output` when the host run had them), and panics unless
/// the guest tests passed and at least one ran. Returns the outcome. In the VM it returns
/// `None` at once, so it can never recurse.
///
/// The filter is libtest's: a substring of the test names (`""` runs every ignored test).
///
/// ```no_run
/// #[nlwire_testkit::test(vm)]
/// fn ovs_in_vm() {
///     nlwire_vm::run_self_in_vm("vm_", &nlwire_vm::VmConfig::new().with_ovs_dpctl());
/// }
/// ```
pub fn run_self_in_vm(filter: &str, cfg: &VmConfig) -> Option<VmOutcome> {
    if in_vm() {
        return None;
    }
    let what = format!("the VM tests matching {filter:?}");
    require_vm(&what, cfg);
    let exe = std::env::current_exe().expect("current_exe");
    let mut args: Vec<&str> = Vec::new();
    if !filter.is_empty() {
        args.push(filter);
    }
    args.extend(["--ignored", "--test-threads=1", "--color=never"]);
    let host_args: Vec<String> = std::env::args().collect();
    for flag in ["--nocapture", "--show-output"] {
        if host_args.iter().any(|a| a == flag) {
            args.push(flag);
        }
    }
    let out = match run_in_vm(&exe, &args, cfg) {
        Ok(out) => out,
        Err(VmError::Unavailable(missing)) => unavailable(&what, &missing),
        Err(e) => panic!("{what}: {e}"),
    };
    let tail = |s: &str| {
        let lines: Vec<&str> = s.lines().collect();
        lines[lines.len().saturating_sub(80)..].join("\n")
    };
    if out.output.lines().any(|l| l.trim() == "running 0 tests") {
        panic!(
            "{what}: no test ran in the VM; inner tests must be #[ignore]d and contain {filter:?} in \
             their name. Guest output:\n{}",
            tail(&out.output)
        );
    }
    assert!(
        out.success(),
        "{what}: the guest test binary exited with {} (guest output above with --nocapture; last lines:)\n{}",
        out.exit_code,
        tail(&out.output)
    );
    Some(out)
}

/// Host side: the `ovs-dpctl` to copy into the guest: `$NLWIRE_VM_CACHE/ovs/usr/bin/ovs-dpctl`
/// (or `.../usr/sbin/`), as unpacked by `tests/vm/setup.sh`, else `ovs-dpctl` from `PATH`.
///
/// ```
/// match nlwire_vm::find_ovs_dpctl() {
///     Some(p) => println!("ovs-dpctl at {}", p.display()),
///     None => println!("run tests/vm/setup.sh"),
/// }
/// ```
pub fn find_ovs_dpctl() -> Option<PathBuf> {
    host::find_ovs_dpctl()
}

/// Guest side: the path of `ovs-dpctl` (`$NLWIRE_OVS_DPCTL`, default [`GUEST_OVS_DPCTL`]).
///
/// ```no_run
/// let out = std::process::Command::new(nlwire_vm::ovs_dpctl()).arg("show").output().unwrap();
/// # let _ = out;
/// ```
pub fn ovs_dpctl() -> PathBuf {
    env_path(OVS_DPCTL_ENV).unwrap_or_else(|| PathBuf::from(GUEST_OVS_DPCTL))
}

/// Defines the outer test of the boot-once pattern: `vm_runner!(name, filter)` or
/// `vm_runner!(name, filter, config)`. It calls [`run_self_in_vm`] with `filter` (a
/// substring of the inner tests' names) and the [`VmConfig`] (default `VmConfig::new()`).
/// Attributes (doc comments, `#[cfg]`) may precede the name.
///
/// The test is `#[nlwire_testkit::test(vm)]`: built on a machine without the VM, libtest
/// lists it as `ignored, needs the qemu VM (missing: ...)` (see the [crate docs](crate)).
///
/// ```no_run
/// nlwire_vm::vm_runner!(
///     /// Boots once and runs every `vm_*` test of this binary inside.
///     ovs_in_vm,
///     "vm_",
///     nlwire_vm::VmConfig::new().with_ovs_dpctl()
/// );
/// ```
#[macro_export]
macro_rules! vm_runner {
    ($(#[$attr:meta])* $name:ident, $filter:expr $(,)?) => {
        $crate::vm_runner!($(#[$attr])* $name, $filter, $crate::VmConfig::new());
    };
    ($(#[$attr:meta])* $name:ident, $filter:expr, $cfg:expr $(,)?) => {
        $(#[$attr])*
        #[$crate::__private::test(vm)]
        fn $name() {
            let cfg: $crate::VmConfig = $cfg;
            $crate::run_self_in_vm($filter, &cfg);
        }
    };
}

/// First line of an inner test: returns from the test unless it runs inside the VM (so
/// `cargo test -- --ignored` on the host does not run VM tests on the host kernel).
/// `guest_only!()` for tests returning `()`, `guest_only!(value)` to return `value`
/// (e.g. `guest_only!(Ok(()))`).
///
/// ```no_run
/// #[test]
/// #[ignore = "runs inside the VM"]
/// fn vm_something() -> Result<(), Box<dyn std::error::Error>> {
///     nlwire_vm::guest_only!(Ok(()));
///     Ok(())
/// }
/// ```
#[macro_export]
macro_rules! guest_only {
    () => {
        $crate::guest_only!(())
    };
    ($ret:expr) => {
        if !$crate::in_vm() {
            eprintln!(
                "{}: not in the VM, skipped (its vm_runner! runs it inside)",
                module_path!()
            );
            return $ret;
        }
    };
}
