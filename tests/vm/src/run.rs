//! Building the initramfs and running qemu.

use crate::cpio::CpioWriter;
use crate::host;
use crate::{VmConfig, VmError, VmOutcome};
use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Where the test binary goes in the guest.
const GUEST_BIN_DIR: &str = "/nlwire/bin";
const GUEST_MOD_DIR: &str = "/nlwire/modules";

/// Everything resolved on the host before building anything.
pub(crate) struct Resolved {
    pub qemu: PathBuf,
    pub kernel: PathBuf,
    pub modules: Vec<host::ModuleFile>,
    pub busybox: PathBuf,
}

pub(crate) fn resolve(cfg: &VmConfig) -> Result<Resolved, String> {
    let found = cfg.prerequisites().check()?;
    Ok(Resolved {
        qemu: found.qemu,
        kernel: found.kernel,
        modules: found.modules,
        busybox: found.busybox,
    })
}

/// A directory removed (with its contents) on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> std::io::Result<TempDir> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        for _ in 0..100 {
            let p = base.join(format!(
                "nlwire-vm-{}-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed),
                nonce_u32()
            ));
            match fs::create_dir(&p) {
                Ok(()) => return Ok(TempDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("cannot create a temp dir"))
    }
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("NLWIRE_VM_KEEP").is_some_and(|v| v == "1") {
            let msg = format!("[nlwire-vm] NLWIRE_VM_KEEP=1: kept {}\n", self.0.display());
            let _ = std::io::Write::write_all(&mut std::io::stderr(), msg.as_bytes());
            return;
        }
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn nonce_u32() -> u32 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    t.subsec_nanos() ^ (t.as_secs() as u32).rotate_left(13) ^ std::process::id().rotate_left(7)
}

/// Single-quotes `s` for sh.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn valid_env_name(k: &str) -> bool {
    !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Writes the initramfs for running `binary args` and returns the init script's marker.
pub(crate) fn build_initramfs(
    out: &Path,
    res: &Resolved,
    cfg: &VmConfig,
    binary: &Path,
    args: &[&str],
    marker: &str,
) -> Result<(), VmError> {
    let io_err = |what: String| {
        move |e: std::io::Error| VmError::Io {
            context: what,
            source: e,
        }
    };
    let file = fs::File::create(out).map_err(io_err(format!("creating {}", out.display())))?;
    let mut w = CpioWriter::new(BufWriter::with_capacity(1 << 20, file));
    let cpio_err = |e: std::io::Error| VmError::Io {
        context: format!("writing {}", out.display()),
        source: e,
    };

    for d in [
        "/bin",
        "/sbin",
        "/usr/bin",
        "/usr/sbin",
        "/dev",
        "/proc",
        "/sys",
        "/tmp",
        "/root",
        "/etc",
    ] {
        w.dir(d).map_err(cpio_err)?;
    }
    for d in ["/run", "/var/run", "/var/log", "/var/tmp", "/mnt"] {
        w.dir(d).map_err(cpio_err)?;
    }
    for d in &cfg.dirs {
        w.dir(d).map_err(cpio_err)?;
    }
    w.symlink("/bin/sh", "busybox").map_err(cpio_err)?;
    w.char_dev("/dev/console", 0o600, 5, 1).map_err(cpio_err)?;
    w.char_dev("/dev/null", 0o666, 1, 3).map_err(cpio_err)?;
    w.file(
        "/etc/passwd",
        0o644,
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
    )
    .map_err(cpio_err)?;
    w.file("/etc/group", 0o644, b"root:x:0:\nnogroup:x:65534:\n")
        .map_err(cpio_err)?;
    w.file(
        "/etc/hosts",
        0o644,
        b"127.0.0.1 localhost nlwire-vm\n::1 localhost\n",
    )
    .map_err(cpio_err)?;

    // Binaries and their libraries, each library once.
    let bin_name = binary
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("test-binary");
    let guest_bin = format!("{GUEST_BIN_DIR}/{bin_name}");
    let mut with_libs: Vec<(&Path, String, u32)> = vec![
        (&res.busybox, "/bin/busybox".to_string(), 0o755),
        (binary, guest_bin.clone(), 0o755),
    ];
    let mut plain: Vec<(&Path, String, u32)> = Vec::new();
    for f in &cfg.files {
        if f.with_libs {
            with_libs.push((&f.host, f.guest.clone(), f.mode));
        } else {
            plain.push((&f.host, f.guest.clone(), f.mode));
        }
    }
    let mut libs: BTreeSet<PathBuf> = BTreeSet::new();
    for (host_path, _, _) in &with_libs {
        libs.extend(host::shared_libs(host_path).map_err(VmError::Setup)?);
    }
    let lib_dirs: BTreeSet<String> = libs
        .iter()
        .filter_map(|l| l.parent().map(|p| p.to_string_lossy().into_owned()))
        .collect();
    for lib in &libs {
        let guest = lib.to_string_lossy().into_owned();
        plain.push((lib, guest, 0o755));
    }
    let mut done: BTreeSet<String> = BTreeSet::new();
    for (host_path, guest, mode) in with_libs.iter().chain(plain.iter()) {
        if !done.insert(guest.clone()) {
            continue;
        }
        let mut f = fs::File::open(host_path)
            .map_err(io_err(format!("opening {}", host_path.display())))?;
        let len = f
            .metadata()
            .map_err(io_err(format!("stat {}", host_path.display())))?
            .len();
        w.file_from(guest, *mode, len, &mut f).map_err(cpio_err)?;
    }
    for (guest, data, mode) in &cfg.file_contents {
        w.file(guest, *mode, data).map_err(cpio_err)?;
    }

    // Modules, numbered in load order.
    let mut insmods = String::new();
    for (i, m) in res.modules.iter().enumerate() {
        let data = host::read_module(m).map_err(VmError::Setup)?;
        let guest = format!("{GUEST_MOD_DIR}/{i:02}-{}.ko", m.name);
        w.file(&guest, 0o644, &data).map_err(cpio_err)?;
        insmods.push_str(&format!(
            "insmod {guest} || fail 'insmod {} failed (see the kernel messages above)'\n",
            m.name
        ));
    }

    // The environment: defaults, forwarded host variables, the config's variables.
    let mut env: Vec<(String, String)> = vec![
        (
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        ),
        ("HOME".into(), "/root".into()),
        ("TERM".into(), "dumb".into()),
        (
            "LD_LIBRARY_PATH".into(),
            lib_dirs.into_iter().collect::<Vec<_>>().join(":"),
        ),
        (crate::IN_VM_ENV.into(), "1".into()),
    ];
    for k in [
        "RUST_BACKTRACE",
        "RUST_LIB_BACKTRACE",
        "RUST_LOG",
        "RUST_TEST_NOCAPTURE",
    ] {
        if let Ok(v) = std::env::var(k) {
            env.push((k.into(), v));
        }
    }
    env.extend(cfg.env.iter().cloned());
    let mut exports = String::new();
    for (k, v) in &env {
        if !valid_env_name(k) {
            return Err(VmError::Setup(format!(
                "invalid environment variable name {k:?}"
            )));
        }
        exports.push_str(&format!("export {k}={}\n", sh_quote(v)));
    }

    let cmd: Vec<String> = std::iter::once(sh_quote(&guest_bin))
        .chain(args.iter().map(|a| sh_quote(a)))
        .collect();
    let watchdog = cfg.timeout.as_secs() + 5;
    let init = format!(
        r#"#!/bin/busybox sh
# nlwire-vm init: generated by the nlwire-vm crate.
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname nlwire-vm
ip link set lo up || ifconfig lo 127.0.0.1 up
fail() {{
    echo "{marker} ERROR $*"
    sleep 1
    poweroff -f
}}
# Backstop: the guest powers itself off even if the host side is gone.
( sleep {watchdog}; echo "{marker} ERROR guest watchdog: {watchdog} s elapsed"; poweroff -f ) &
{insmods}{exports}cd /
echo "{marker} BEGIN"
{cmd} </dev/null
rc=$?
echo
echo "{marker} EXIT $rc"
poweroff -f
"#,
        cmd = cmd.join(" ")
    );
    w.file("/init", 0o755, init.as_bytes()).map_err(cpio_err)?;
    w.finish().map_err(cpio_err)?;
    Ok(())
}

/// Kills and reaps qemu unless it has exited.
struct QemuGuard(Child);

impl Drop for QemuGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

enum Event {
    Line(String),
    Eof,
}

/// Drops terminal escape sequences (SeaBIOS clears the screen), carriage returns and other
/// control characters but tabs.
fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // CSI: parameters and intermediates, then one final byte in '@'..='~'; other
            // escapes (ESC c) are two characters.
            '\x1b' => {
                if chars.next() == Some('[') {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
            }
            '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn tail(lines: &[String], n: usize) -> String {
    let start = lines.len().saturating_sub(n);
    lines[start..].join("\n")
}

pub(crate) fn run(binary: &Path, args: &[&str], cfg: &VmConfig) -> Result<VmOutcome, VmError> {
    let started = Instant::now();
    let deadline = started + cfg.timeout;
    let res = resolve(cfg).map_err(VmError::Unavailable)?;
    let binary = fs::canonicalize(binary).map_err(|e| VmError::Io {
        context: format!("test binary {}", binary.display()),
        source: e,
    })?;
    let tmp = TempDir::new().map_err(|e| VmError::Io {
        context: "creating a temp dir".into(),
        source: e,
    })?;
    let initrd = tmp.path().join("initramfs.cpio");
    let marker = format!("@@NLWIRE-VM-{:08x}@@", nonce_u32());
    build_initramfs(&initrd, &res, cfg, &binary, args, &marker)?;
    let built = started.elapsed();

    let mut append = String::from("console=ttyS0 quiet panic=-1 rdinit=/init");
    for a in &cfg.cmdline {
        append.push(' ');
        append.push_str(a);
    }
    let kernel = if cfg.pvh {
        host::bootable_kernel(&res.kernel)
    } else {
        res.kernel.clone()
    };
    let mut cmd = Command::new(&res.qemu);
    cmd.args(["-accel", &cfg.accel, "-cpu", "max"])
        .args([
            "-m",
            &cfg.memory_mib.to_string(),
            "-smp",
            &cfg.cpus.to_string(),
        ])
        .args([
            "-nographic",
            "-monitor",
            "none",
            "-net",
            "none",
            "-no-reboot",
        ])
        .arg("-kernel")
        .arg(&kernel)
        .arg("-initrd")
        .arg(&initrd)
        .arg("-append")
        .arg(&append)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if cfg.echo {
        eprintln!(
            "[nlwire-vm] booting {} with {} ({} modules), timeout {:?}",
            kernel.display(),
            binary.display(),
            res.modules.len(),
            cfg.timeout
        );
    }
    let child = cmd.spawn().map_err(|e| VmError::Io {
        context: format!("starting {}", res.qemu.display()),
        source: e,
    })?;
    let mut guard = QemuGuard(child);
    let boot_start = Instant::now();

    let (tx, rx) = mpsc::channel::<Event>();
    let stdout = guard.0.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_until(b'\n', &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = clean_line(&String::from_utf8_lossy(&buf));
                    if tx.send(Event::Line(line)).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = tx.send(Event::Eof);
    });
    let mut stderr = guard.0.stderr.take().expect("piped stderr");
    let stderr_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });

    let mut console: Vec<String> = Vec::new();
    let mut output: Vec<String> = Vec::new();
    let mut boot_time = None;
    let mut exit_code: Option<i32> = None;
    let mut guest_error: Option<String> = None;
    let mut stop_at = deadline;
    let mut timed_out = false;
    loop {
        let now = Instant::now();
        let wait = match stop_at.checked_duration_since(now) {
            Some(d) if !d.is_zero() => d,
            _ => {
                timed_out = exit_code.is_none() && guest_error.is_none();
                break;
            }
        };
        match rx.recv_timeout(wait) {
            Ok(Event::Line(line)) => {
                if cfg.echo {
                    eprintln!("vm| {line}");
                }
                if let Some(pos) = line.find(&marker) {
                    let (before, rest) = line.split_at(pos);
                    let rest = rest[marker.len()..].trim();
                    if boot_time.is_some() && exit_code.is_none() && !before.is_empty() {
                        output.push(before.to_string());
                    }
                    if rest == "BEGIN" {
                        boot_time = Some(boot_start.elapsed());
                    } else if let Some(code) = rest.strip_prefix("EXIT ") {
                        exit_code = Some(code.trim().parse().unwrap_or(-1));
                        // Give the guest a moment to power off by itself, then stop.
                        stop_at = stop_at.min(Instant::now() + Duration::from_secs(10));
                    } else if let Some(msg) = rest.strip_prefix("ERROR ") {
                        guest_error = Some(msg.to_string());
                        stop_at = stop_at.min(Instant::now() + Duration::from_secs(5));
                    }
                } else if boot_time.is_some() && exit_code.is_none() {
                    output.push(line.clone());
                }
                console.push(line);
            }
            Ok(Event::Eof) | Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                timed_out = exit_code.is_none() && guest_error.is_none();
                break;
            }
        }
    }
    // Let qemu finish powering off (its stdout closes a moment before it exits), then make
    // sure it is gone.
    let grace = Instant::now()
        + if timed_out {
            Duration::ZERO
        } else {
            Duration::from_secs(3)
        };
    while Instant::now() < grace && matches!(guard.0.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = match guard.0.try_wait() {
        Ok(Some(st)) => Some(st),
        _ => {
            let _ = guard.0.kill();
            None
        }
    };
    let _ = guard.0.wait();
    drop(guard);
    let qemu_stderr = stderr_thread.join().unwrap_or_default();
    let total = started.elapsed();
    if cfg.echo {
        eprintln!(
            "[nlwire-vm] initramfs {:.1} s, boot {}, total {:.1} s",
            built.as_secs_f64(),
            boot_time
                .map(|b| format!("{:.1} s", b.as_secs_f64()))
                .unwrap_or_else(|| "-".into()),
            total.as_secs_f64()
        );
    }

    if let Some(msg) = guest_error {
        return Err(VmError::Guest {
            message: msg,
            console_tail: tail(&console, 40),
        });
    }
    // Drop the empty line the init script's `echo` adds before the EXIT marker.
    if output.last().is_some_and(|l| l.is_empty()) {
        output.pop();
    }
    match exit_code {
        Some(code) => Ok(VmOutcome {
            exit_code: code,
            output: output.join("\n"),
            console: console.join("\n"),
            boot_time: boot_time.unwrap_or_default(),
            total_time: total,
        }),
        None if timed_out => Err(VmError::Timeout {
            after: cfg.timeout,
            console_tail: tail(&console, 40),
        }),
        None => Err(VmError::NoExitCode {
            qemu_status: status
                .map(|s| s.to_string())
                .unwrap_or_else(|| "still running after its output closed; killed".into()),
            qemu_stderr: qemu_stderr.trim().to_string(),
            console_tail: tail(&console, 40),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_line_strips_escapes() {
        assert_eq!(
            clean_line("\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS 1.16\r\n"),
            "SeaBIOS 1.16"
        );
        assert_eq!(clean_line("a\tb\x07c"), "a\tbc");
    }

    #[test]
    fn quoting() {
        assert_eq!(sh_quote("it's $HOME"), "'it'\\''s $HOME'");
        assert!(
            valid_env_name("A_1")
                && !valid_env_name("1A")
                && !valid_env_name("A-B")
                && !valid_env_name("")
        );
    }
}
