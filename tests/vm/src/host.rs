//! Finding things on the host. Whether the pieces are there (qemu, the guest kernel and
//! its modules, busybox: only files are looked at) is `nlwire_testkit_probe::vm`, shared
//! with `#[nlwire_testkit::test(vm)]`; what needs a tool or reads the pieces (module
//! decompression, the shared libraries of a binary, the PVH kernel) is here.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) use nlwire_testkit_probe::vm::{ModuleFile, cache_dir, find_ovs_dpctl};

/// Reads a module file, decompressing `.ko.xz` / `.ko.zst` / `.ko.gz` with the host's
/// `xz` / `zstd` / `gzip`.
pub(crate) fn read_module(m: &ModuleFile) -> Result<Vec<u8>, String> {
    let p = &m.path;
    let s = p.to_string_lossy();
    let tool = if s.ends_with(".ko") {
        return fs::read(p).map_err(|e| format!("cannot read {s}: {e}"));
    } else if s.ends_with(".xz") {
        "xz"
    } else if s.ends_with(".zst") {
        "zstd"
    } else if s.ends_with(".gz") {
        "gzip"
    } else {
        return Err(format!("unknown module file type: {s}"));
    };
    let out = Command::new(tool).arg("-dc").arg(p).output().map_err(|e| {
        format!("cannot run `{tool} -dc {s}` to decompress a module ({e}); install {tool}")
    })?;
    if !out.status.success() {
        return Err(format!(
            "`{tool} -dc {s}` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// The shared libraries (and the dynamic loader) `binary` needs, as absolute host paths,
/// from `ldd`. Empty for a static binary.
pub(crate) fn shared_libs(binary: &Path) -> Result<Vec<PathBuf>, String> {
    let out = Command::new("ldd").arg(binary).output().map_err(|e| {
        format!(
            "cannot run ldd (package libc-bin) on {}: {e}",
            binary.display()
        )
    })?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stdout.contains("not a dynamic executable")
        || stderr.contains("not a dynamic executable")
        || stdout.contains("statically linked")
    {
        return Ok(Vec::new());
    }
    if !out.status.success() {
        return Err(format!(
            "ldd {} failed: {}{}",
            binary.display(),
            stdout.trim(),
            stderr.trim()
        ));
    }
    let mut libs = Vec::new();
    for line in stdout.lines() {
        let line = line.trim();
        let path = match line.split_once("=>") {
            Some((lib, rest)) => {
                let rest = rest.trim();
                if rest.starts_with("not found") {
                    return Err(format!(
                        "{} needs {} which is not installed (ldd: not found)",
                        binary.display(),
                        lib.trim()
                    ));
                }
                rest.split_whitespace().next().unwrap_or("")
            }
            None => line.split_whitespace().next().unwrap_or(""),
        };
        if path.starts_with('/') {
            libs.push(PathBuf::from(path));
        }
    }
    Ok(libs)
}

/// The kernel to hand to qemu: for a compressed bzImage whose payload is an ELF `vmlinux`
/// with a PVH entry note (Debian: CONFIG_PVH=y), the decompressed `vmlinux`, cached.
/// qemu then boots it directly (PVH) instead of letting the guest decompress itself under
/// TCG, which saves about 3 s per boot. Falls back to `bzimage` when anything is off.
pub(crate) fn bootable_kernel(bzimage: &Path) -> PathBuf {
    match extracted_vmlinux(bzimage) {
        Ok(p) => p,
        Err(_) => bzimage.to_path_buf(),
    }
}

fn extracted_vmlinux(bzimage: &Path) -> Result<PathBuf, String> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(bzimage).map_err(|e| e.to_string())?;
    let name = bzimage
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("kernel");
    let cached_name = format!("vmlinux-pvh-{name}-{}-{}", meta.len(), meta.mtime());
    let dirs = [
        cache_dir(),
        std::env::temp_dir().join(format!("nlwire-vm-cache-{}", meta.uid())),
    ];
    for d in &dirs {
        let p = d.join(&cached_name);
        if p.is_file() {
            return Ok(p);
        }
    }
    let data = fs::read(bzimage).map_err(|e| e.to_string())?;
    if data.starts_with(b"\x7fELF") {
        return if has_pvh_note(&data) {
            Ok(bzimage.to_path_buf())
        } else {
            Err("ELF without PVH note".into())
        };
    }
    let vmlinux = decompress_payload(&data)?;
    if !has_pvh_note(&vmlinux) {
        return Err("vmlinux has no PVH entry note".into());
    }
    for d in &dirs {
        if fs::create_dir_all(d).is_err() {
            continue;
        }
        // Write under a unique name, then rename: concurrent test binaries may race here.
        let tmp = d.join(format!(".{cached_name}.{}", std::process::id()));
        if fs::write(&tmp, &vmlinux).is_ok() {
            let dst = d.join(&cached_name);
            if fs::rename(&tmp, &dst).is_ok() {
                return Ok(dst);
            }
            let _ = fs::remove_file(&tmp);
        }
    }
    Err("no writable cache dir".into())
}

/// Finds the compressed kernel inside a bzImage and decompresses it with the host's tool.
fn decompress_payload(data: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let formats: [(&[u8], &str, &[&str]); 3] = [
        (b"\xfd7zXZ\x00", "xz", &["-dc", "--single-stream"]),
        (b"\x28\xb5\x2f\xfd", "zstd", &["-dc"]),
        (b"\x1f\x8b\x08\x00", "gzip", &["-dc"]),
    ];
    for (magic, tool, args) in formats {
        let Some(off) = data.windows(magic.len()).position(|w| w == magic) else {
            continue;
        };
        let mut child = Command::new(tool)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("{tool}: {e}"))?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let payload = data[off..].to_vec();
        // Feed stdin from a thread so a full stdout pipe cannot deadlock us.
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&payload);
        });
        let out = child
            .wait_with_output()
            .map_err(|e| format!("{tool}: {e}"))?;
        let _ = feeder.join();
        // gzip/zstd complain about the bytes after the stream but still decompress it.
        if out.stdout.starts_with(b"\x7fELF") {
            return Ok(out.stdout);
        }
    }
    Err("no known compressed payload in the kernel image".into())
}

/// True if an ELF64 image has a Xen PVH entry note (name "Xen", type 18,
/// XEN_ELFNOTE_PHYS32_ENTRY), which qemu needs to boot it directly.
fn has_pvh_note(elf: &[u8]) -> bool {
    fn u16_at(b: &[u8], o: usize) -> Option<usize> {
        Some(u16::from_le_bytes(b.get(o..o + 2)?.try_into().ok()?) as usize)
    }
    fn u32_at(b: &[u8], o: usize) -> Option<usize> {
        Some(u32::from_le_bytes(b.get(o..o + 4)?.try_into().ok()?) as usize)
    }
    fn u64_at(b: &[u8], o: usize) -> Option<usize> {
        usize::try_from(u64::from_le_bytes(b.get(o..o + 8)?.try_into().ok()?)).ok()
    }
    let check = || -> Option<bool> {
        // ELFCLASS64, little endian.
        if !elf.starts_with(b"\x7fELF") || *elf.get(4)? != 2 || *elf.get(5)? != 1 {
            return Some(false);
        }
        let (phoff, phentsize, phnum) =
            (u64_at(elf, 0x20)?, u16_at(elf, 0x36)?, u16_at(elf, 0x38)?);
        for i in 0..phnum {
            let ph = phoff.checked_add(i.checked_mul(phentsize)?)?;
            if u32_at(elf, ph)? != 4 {
                continue; // not PT_NOTE
            }
            let (off, size) = (u64_at(elf, ph + 8)?, u64_at(elf, ph + 32)?);
            let notes = elf.get(off..off.checked_add(size)?)?;
            let mut pos = 0;
            while pos + 12 <= notes.len() {
                let (namesz, descsz, ty) = (
                    u32_at(notes, pos)?,
                    u32_at(notes, pos + 4)?,
                    u32_at(notes, pos + 8)?,
                );
                let name = notes.get(pos + 12..pos + 12 + namesz)?;
                if ty == 18 && name.starts_with(b"Xen") {
                    return Some(true);
                }
                pos += 12 + namesz.div_ceil(4) * 4 + descsz.div_ceil(4) * 4;
            }
        }
        Some(false)
    };
    check().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 with one PT_NOTE segment holding `note_type`.
    fn elf_with_note(note_type: u32) -> Vec<u8> {
        let mut e = vec![0u8; 64 + 56];
        e[..6].copy_from_slice(b"\x7fELF\x02\x01");
        e[0x20..0x28].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        e[0x36..0x38].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        e[0x38..0x3a].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
        let mut note = Vec::new();
        note.extend(4u32.to_le_bytes()); // namesz ("Xen\0")
        note.extend(4u32.to_le_bytes()); // descsz
        note.extend(note_type.to_le_bytes());
        note.extend(b"Xen\0");
        note.extend(0x1000u32.to_le_bytes());
        let ph = 64;
        e[ph..ph + 4].copy_from_slice(&4u32.to_le_bytes()); // PT_NOTE
        e[ph + 8..ph + 16].copy_from_slice(&(120u64).to_le_bytes()); // p_offset
        e[ph + 32..ph + 40].copy_from_slice(&(note.len() as u64).to_le_bytes()); // p_filesz
        e.extend(note);
        e
    }

    #[test]
    fn pvh_note_detection() {
        assert!(has_pvh_note(&elf_with_note(18)));
        assert!(!has_pvh_note(&elf_with_note(17)));
        assert!(!has_pvh_note(b"\x7fELF"));
        assert!(!has_pvh_note(&elf_with_note(18)[..100]));
    }
}
