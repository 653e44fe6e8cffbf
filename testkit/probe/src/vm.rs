//! The qemu VM's prerequisites on the host: qemu, a kernel with its modules, busybox and
//! any extra files a configuration copies in. Only looks at files (`/boot`,
//! `/lib/modules/<ver>/modules.dep`, `$PATH`); nothing is run or written.
//!
//! This is the check behind `nlwire_vm::VmConfig::check` (which fills [`Prerequisites`]
//! from its configuration) and behind `#[nlwire_testkit::test(vm)]` (which checks
//! [`Prerequisites::from_env`], the default VM, when the test crate is compiled).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The modules a default VM loads (with their `modules.dep` dependencies).
/// `crc32c_generic` is listed because `libcrc32c` needs a crc32c implementation and only
/// names it as a soft dependency.
///
/// ```
/// assert!(nlwire_testkit_probe::vm::DEFAULT_MODULES.contains(&"openvswitch"));
/// ```
pub const DEFAULT_MODULES: &[&str] = &["crc32c_generic", "openvswitch"];

/// Why a VM test is ignored (the `#[ignore = "..."]` text), given what
/// [`Prerequisites::check`] found missing.
///
/// ```
/// let r = nlwire_testkit_probe::vm::ignore_reason("qemu-system-x86_64 not in PATH");
/// assert_eq!(
///     r,
///     "needs the qemu VM (missing: qemu-system-x86_64 not in PATH); run bash tests/vm/setup.sh"
/// );
/// ```
pub fn ignore_reason(missing: &str) -> String {
    format!("needs the qemu VM (missing: {missing}); run bash tests/vm/setup.sh")
}

/// A non-empty environment variable as a path.
///
/// ```
/// assert_eq!(nlwire_testkit_probe::vm::env_path("NLWIRE_SURELY_UNSET_VARIABLE"), None);
/// ```
pub fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The directory `tests/vm/setup.sh` unpacks openvswitch-switch into (`$NLWIRE_VM_CACHE`,
/// default `/var/cache/nlwire-vm`).
///
/// ```
/// let dir = nlwire_testkit_probe::vm::cache_dir();
/// # let _ = dir;
/// ```
pub fn cache_dir() -> PathBuf {
    env_path("NLWIRE_VM_CACHE").unwrap_or_else(|| PathBuf::from("/var/cache/nlwire-vm"))
}

/// `name` looked up in `$PATH` (the first executable file of that name).
///
/// ```
/// assert!(nlwire_testkit_probe::vm::which("surely-no-such-program-xyz").is_none());
/// ```
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

/// True for a regular file with an execute bit.
///
/// ```
/// assert!(!nlwire_testkit_probe::vm::is_executable("/nonexistent".as_ref()));
/// ```
pub fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Splits "6.1.0-56-amd64" into comparable parts: numbers compare as numbers.
fn version_key(v: &str) -> Vec<(u64, String)> {
    v.split(['.', '-', '+', '~'])
        .map(|part| {
            let digits: String = part.chars().take_while(|c| c.is_ascii_digit()).collect();
            (
                digits.parse().unwrap_or(0),
                part[digits.len()..].to_string(),
            )
        })
        .collect()
}

/// The newest `/boot/vmlinuz-<ver>` whose `/lib/modules/<ver>` exists; returns both.
///
/// ```
/// match nlwire_testkit_probe::vm::find_kernel() {
///     Ok((kernel, modules)) => println!("{} {}", kernel.display(), modules.display()),
///     Err(why) => println!("{why}"),
/// }
/// ```
pub fn find_kernel() -> Result<(PathBuf, PathBuf), String> {
    let mut found = Vec::new();
    let entries = fs::read_dir("/boot").map_err(|e| format!("cannot list /boot: {e}"))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(ver) = name.strip_prefix("vmlinuz-") {
            let mods = Path::new("/lib/modules").join(ver);
            if mods.join("modules.dep").is_file() {
                found.push((ver.to_string(), e.path(), mods));
            }
        }
    }
    found.sort_by_key(|(v, _, _)| version_key(v));
    match found.pop() {
        Some((_, k, m)) => Ok((k, m)),
        None => Err("no /boot/vmlinuz-<ver> with a matching /lib/modules/<ver>/modules.dep \
                     (apt-get install linux-image-amd64, or set NLWIRE_VM_KERNEL and NLWIRE_VM_MODULES)"
            .to_string()),
    }
}

/// `/lib/modules/<ver>` for a kernel image named `vmlinuz-<ver>`.
///
/// ```
/// use nlwire_testkit_probe::vm::modules_for_kernel;
/// assert_eq!(
///     modules_for_kernel("/boot/vmlinuz-6.1.0-56-amd64".as_ref()).unwrap(),
///     std::path::Path::new("/lib/modules/6.1.0-56-amd64")
/// );
/// assert!(modules_for_kernel("/tmp/bzImage".as_ref()).is_none());
/// ```
pub fn modules_for_kernel(kernel: &Path) -> Option<PathBuf> {
    let name = kernel.file_name()?.to_str()?;
    let ver = name.strip_prefix("vmlinuz-")?;
    Some(Path::new("/lib/modules").join(ver))
}

fn norm_mod(name: &str) -> String {
    name.replace('-', "_")
}

/// Module name from a modules.dep path: "kernel/net/nsh/nsh.ko.xz" -> "nsh".
fn mod_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split(".ko").next().unwrap_or(file);
    norm_mod(stem)
}

/// One kernel module to load: its name and the file under the modules dir.
#[derive(Debug, Clone)]
pub struct ModuleFile {
    /// The module's name (`-` written `_`).
    pub name: String,
    /// Its file (`.ko`, `.ko.xz`, `.ko.zst` or `.ko.gz`).
    pub path: PathBuf,
}

/// Resolves `wanted` and their dependencies from `modules.dep` into load order
/// (dependencies first). Built-in modules (modules.builtin) are skipped.
///
/// ```
/// use nlwire_testkit_probe::vm::resolve_modules;
/// let err = resolve_modules("/nonexistent".as_ref(), &["openvswitch".into()]).unwrap_err();
/// assert!(err.contains("modules.dep"));
/// ```
pub fn resolve_modules(dir: &Path, wanted: &[String]) -> Result<Vec<ModuleFile>, String> {
    let dep_path = dir.join("modules.dep");
    let text = fs::read_to_string(&dep_path)
        .map_err(|e| format!("cannot read {}: {e}", dep_path.display()))?;
    let mut deps: HashMap<String, (String, Vec<String>)> = HashMap::new();
    for line in text.lines() {
        let Some((m, rest)) = line.split_once(':') else {
            continue;
        };
        let d = rest.split_whitespace().map(mod_name).collect();
        deps.insert(mod_name(m), (m.to_string(), d));
    }
    let builtin: HashSet<String> = fs::read_to_string(dir.join("modules.builtin"))
        .unwrap_or_default()
        .lines()
        .map(mod_name)
        .collect();

    let mut order = Vec::new();
    let mut seen = HashSet::new();
    fn visit(
        name: &str,
        deps: &HashMap<String, (String, Vec<String>)>,
        builtin: &HashSet<String>,
        seen: &mut HashSet<String>,
        order: &mut Vec<String>,
        dir: &Path,
    ) -> Result<(), String> {
        if !seen.insert(name.to_string()) || builtin.contains(name) {
            return Ok(());
        }
        let Some((_, ds)) = deps.get(name) else {
            return Err(format!(
                "kernel module {name} not found in {}/modules.dep",
                dir.display()
            ));
        };
        for d in ds {
            visit(d, deps, builtin, seen, order, dir)?;
        }
        order.push(name.to_string());
        Ok(())
    }
    for w in wanted {
        visit(&norm_mod(w), &deps, &builtin, &mut seen, &mut order, dir)?;
    }
    Ok(order
        .into_iter()
        .map(|n| {
            let rel = &deps[&n].0;
            ModuleFile {
                path: dir.join(rel),
                name: n,
            }
        })
        .collect())
}

/// `Ok` if the file at `p` can be opened for reading (kernel images are mode 0600 on
/// Debian), else why not and how to fix it.
///
/// ```
/// assert!(nlwire_testkit_probe::vm::readable("/nonexistent".as_ref()).is_err());
/// ```
pub fn readable(p: &Path) -> Result<(), String> {
    match fs::File::open(p) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(format!(
            "{} is not readable by this user ({e}); run as root or `sudo chmod a+r {}`",
            p.display(),
            p.display()
        )),
        Err(e) => Err(format!("{}: {e}", p.display())),
    }
}

/// The host's `ovs-dpctl`: `$NLWIRE_VM_CACHE/ovs/usr/bin/ovs-dpctl` (or `.../usr/sbin/`),
/// as unpacked by `tests/vm/setup.sh`, else `ovs-dpctl` from `PATH`.
///
/// ```
/// match nlwire_testkit_probe::vm::find_ovs_dpctl() {
///     Some(p) => println!("ovs-dpctl at {}", p.display()),
///     None => println!("run tests/vm/setup.sh"),
/// }
/// ```
pub fn find_ovs_dpctl() -> Option<PathBuf> {
    let ovs = cache_dir().join("ovs");
    [
        ovs.join("usr/bin/ovs-dpctl"),
        ovs.join("usr/sbin/ovs-dpctl"),
    ]
    .into_iter()
    .find(|p| is_executable(p))
    .or_else(|| which("ovs-dpctl"))
}

/// A host file a VM configuration copies into the guest.
#[derive(Debug, Clone)]
pub struct RequiredFile {
    /// Where it goes in the guest (names it in the message).
    pub guest: String,
    /// Where it is on the host.
    pub host: PathBuf,
    /// Said when it is missing (how to get it).
    pub hint: Option<String>,
}

/// What a VM run needs on the host. `None` fields mean "the default": qemu from `PATH`, the
/// newest kernel in `/boot` with its `/lib/modules/<ver>`, `/bin/busybox`.
///
/// ```
/// use nlwire_testkit_probe::vm::Prerequisites;
/// let mut p = Prerequisites::from_env();
/// p.qemu = Some("/nonexistent/qemu-system-x86_64".into());
/// assert!(p.check().unwrap_err().contains("/nonexistent/qemu-system-x86_64"));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Prerequisites {
    /// The qemu binary (default `qemu-system-x86_64` from `PATH`).
    pub qemu: Option<PathBuf>,
    /// The kernel image (default: the newest `/boot/vmlinuz-<ver>` with modules).
    pub kernel: Option<PathBuf>,
    /// The kernel's module tree (default `/lib/modules/<ver>`).
    pub modules_dir: Option<PathBuf>,
    /// busybox (default `/bin/busybox`).
    pub busybox: Option<PathBuf>,
    /// Modules to load; their dependencies are resolved from `modules.dep`.
    pub modules: Vec<String>,
    /// Extra host files.
    pub files: Vec<RequiredFile>,
}

/// What [`Prerequisites::check`] found: the paths a run uses.
#[derive(Debug, Clone)]
pub struct Found {
    /// The qemu binary.
    pub qemu: PathBuf,
    /// The kernel image.
    pub kernel: PathBuf,
    /// The modules to load, dependencies first.
    pub modules: Vec<ModuleFile>,
    /// busybox.
    pub busybox: PathBuf,
}

impl Prerequisites {
    /// The default VM: [`DEFAULT_MODULES`], no extra files, and the `NLWIRE_VM_KERNEL`,
    /// `NLWIRE_VM_MODULES` and `NLWIRE_VM_QEMU` overrides from the environment (what
    /// `nlwire_vm::VmConfig::new()` needs).
    ///
    /// ```
    /// let p = nlwire_testkit_probe::vm::Prerequisites::from_env();
    /// assert!(p.modules.iter().any(|m| m == "openvswitch"));
    /// ```
    pub fn from_env() -> Self {
        Prerequisites {
            qemu: env_path("NLWIRE_VM_QEMU"),
            kernel: env_path("NLWIRE_VM_KERNEL"),
            modules_dir: env_path("NLWIRE_VM_MODULES"),
            busybox: None,
            modules: DEFAULT_MODULES.iter().map(|s| s.to_string()).collect(),
            files: Vec::new(),
        }
    }

    /// Checks that everything is on the host; the error names every missing piece and how
    /// to get it, `; `-separated.
    ///
    /// ```
    /// match nlwire_testkit_probe::vm::Prerequisites::from_env().check() {
    ///     Ok(found) => println!("VM ready, qemu {}", found.qemu.display()),
    ///     Err(missing) => println!("no VM: {missing}"),
    /// }
    /// ```
    pub fn check(&self) -> Result<Found, String> {
        let mut missing = Vec::new();
        let qemu = match &self.qemu {
            Some(q) => Some(q.clone()),
            None => which("qemu-system-x86_64"),
        };
        match &qemu {
            Some(q) if is_executable(q) => {}
            Some(q) => missing.push(format!("qemu: {} is not an executable file", q.display())),
            None => missing.push(
                "qemu-system-x86_64 not in PATH (apt-get install qemu-system-x86)".to_string(),
            ),
        }
        let kernel_and_mods = match (&self.kernel, &self.modules_dir) {
            (Some(k), Some(m)) => Ok((k.clone(), m.clone())),
            (Some(k), None) => modules_for_kernel(k).map(|m| (k.clone(), m)).ok_or_else(|| {
                format!("cannot derive the modules dir from kernel {} (name it vmlinuz-<ver> or set the modules dir)", k.display())
            }),
            (None, m) => find_kernel().map(|(k, found)| (k, m.clone().unwrap_or(found))),
        };
        let mut modules = Vec::new();
        let mut kernel = PathBuf::new();
        match kernel_and_mods {
            Ok((k, m)) => {
                if let Err(e) = readable(&k) {
                    missing.push(format!("kernel: {e}"));
                }
                match resolve_modules(&m, &self.modules) {
                    Ok(v) => modules = v,
                    Err(e) => {
                        missing.push(format!("modules: {e} (apt-get install linux-image-amd64)"))
                    }
                }
                kernel = k;
            }
            Err(e) => missing.push(format!("kernel: {e}")),
        }
        let busybox = self
            .busybox
            .clone()
            .unwrap_or_else(|| PathBuf::from("/bin/busybox"));
        if !is_executable(&busybox) {
            missing.push(format!(
                "busybox: {} not found (apt-get install busybox-static)",
                busybox.display()
            ));
        }
        for f in &self.files {
            if !f.host.is_file() {
                let hint = f
                    .hint
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                missing.push(format!("{}: {} not found{hint}", f.guest, f.host.display()));
            }
        }
        if !missing.is_empty() {
            return Err(missing.join("; "));
        }
        Ok(Found {
            qemu: qemu.unwrap_or_default(),
            kernel,
            modules,
            busybox,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_order() {
        let mut v = ["6.1.0-9-amd64", "6.1.0-56-amd64", "5.10.0-30-amd64"];
        v.sort_by_key(|s| version_key(s));
        assert_eq!(v, ["5.10.0-30-amd64", "6.1.0-9-amd64", "6.1.0-56-amd64"]);
    }

    #[test]
    fn module_names() {
        assert_eq!(
            mod_name("kernel/net/openvswitch/vport-vxlan.ko.xz"),
            "vport_vxlan"
        );
        assert_eq!(mod_name("kernel/lib/libcrc32c.ko"), "libcrc32c");
    }

    #[test]
    fn resolve_orders_dependencies_first() {
        let dir = std::env::temp_dir().join(format!("nlwire-vm-deptest-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("modules.dep"),
            "kernel/a.ko: kernel/b.ko kernel/c.ko\nkernel/b.ko: kernel/c.ko\nkernel/c.ko:\nkernel/d-x.ko: kernel/c.ko\n",
        )
        .unwrap();
        fs::write(dir.join("modules.builtin"), "kernel/e.ko\n").unwrap();
        let names = |w: &[&str]| {
            let w: Vec<String> = w.iter().map(|s| s.to_string()).collect();
            resolve_modules(&dir, &w).map(|v| v.into_iter().map(|m| m.name).collect::<Vec<_>>())
        };
        assert_eq!(names(&["a"]).unwrap(), ["c", "b", "a"]);
        assert_eq!(names(&["d_x", "a", "e"]).unwrap(), ["c", "d_x", "b", "a"]);
        assert!(names(&["nope"]).unwrap_err().contains("nope"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn every_missing_piece_is_named() {
        let p = Prerequisites {
            qemu: Some("/nonexistent/qemu".into()),
            kernel: Some("/nonexistent/vmlinuz-9.9".into()),
            modules_dir: None,
            busybox: Some("/nonexistent/busybox".into()),
            modules: vec!["openvswitch".into()],
            files: vec![RequiredFile {
                guest: "/usr/bin/tool".into(),
                host: "/nonexistent/tool".into(),
                hint: Some("install the tool".into()),
            }],
        };
        let missing = p.check().unwrap_err();
        for piece in [
            "qemu: /nonexistent/qemu is not an executable file",
            "kernel: /nonexistent/vmlinuz-9.9",
            "modules: cannot read /lib/modules/9.9/modules.dep",
            "busybox: /nonexistent/busybox not found",
            "/usr/bin/tool: /nonexistent/tool not found (install the tool)",
        ] {
            assert!(missing.contains(piece), "{piece:?} not in {missing:?}");
        }
    }
}
