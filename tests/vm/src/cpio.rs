//! A writer for the cpio "newc" format (`070701`), the format the kernel unpacks an
//! initramfs from (Documentation/driver-api/early-userspace/buffer-format.rst).
//!
//! Each entry is a 110-byte ASCII header (magic and 13 eight-digit hex fields), the name
//! with its NUL, padding to 4 bytes, the data, padding to 4 bytes. The archive ends with
//! an entry named `TRAILER!!!`. Directories must precede their contents; this writer adds
//! missing parent directories itself.

use std::collections::BTreeSet;
use std::io::{self, Read, Write};

const MAGIC: &str = "070701";
const S_IFREG: u32 = 0o100000;
const S_IFDIR: u32 = 0o040000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;

/// Streams a newc archive into `W`.
pub(crate) struct CpioWriter<W: Write> {
    out: W,
    written: u64,
    next_ino: u32,
    dirs: BTreeSet<String>,
}

struct Header<'a> {
    name: &'a str,
    mode: u32,
    nlink: u32,
    size: u32,
    rdev: (u32, u32),
}

impl<W: Write> CpioWriter<W> {
    pub(crate) fn new(out: W) -> Self {
        CpioWriter {
            out,
            written: 0,
            next_ino: 1,
            dirs: BTreeSet::new(),
        }
    }

    /// A directory and its missing parents. `path` is absolute ("/usr/bin").
    pub(crate) fn dir(&mut self, path: &str) -> io::Result<()> {
        let rel = normalize(path)?;
        let mut cur = String::new();
        for comp in rel.split('/').filter(|c| !c.is_empty()) {
            if !cur.is_empty() {
                cur.push('/');
            }
            cur.push_str(comp);
            if self.dirs.insert(cur.clone()) {
                let name = cur.clone();
                self.header(&Header {
                    name: &name,
                    mode: S_IFDIR | 0o755,
                    nlink: 2,
                    size: 0,
                    rdev: (0, 0),
                })?;
            }
        }
        Ok(())
    }

    fn parent(&mut self, rel: &str) -> io::Result<()> {
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.dir(&format!("/{parent}"))?;
        }
        Ok(())
    }

    /// A regular file of `size` bytes read from `data` (exactly `size` bytes are required).
    pub(crate) fn file_from(
        &mut self,
        path: &str,
        mode: u32,
        size: u64,
        data: &mut dyn Read,
    ) -> io::Result<()> {
        let rel = normalize(path)?;
        self.parent(&rel)?;
        let size32 = u32::try_from(size).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{path}: larger than 4 GiB"),
            )
        })?;
        self.header(&Header {
            name: &rel,
            mode: S_IFREG | (mode & 0o7777),
            nlink: 1,
            size: size32,
            rdev: (0, 0),
        })?;
        let copied = io::copy(&mut data.take(size), &mut self.out)?;
        if copied != size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "{path}: expected {size} bytes, read {copied} (file changed while archiving?)"
                ),
            ));
        }
        self.written += copied;
        self.pad()
    }

    /// A regular file with the given contents.
    pub(crate) fn file(&mut self, path: &str, mode: u32, data: &[u8]) -> io::Result<()> {
        self.file_from(path, mode, data.len() as u64, &mut &data[..])
    }

    /// A symbolic link at `path` pointing to `target`.
    pub(crate) fn symlink(&mut self, path: &str, target: &str) -> io::Result<()> {
        let rel = normalize(path)?;
        self.parent(&rel)?;
        let size = target.len() as u32;
        self.header(&Header {
            name: &rel,
            mode: S_IFLNK | 0o777,
            nlink: 1,
            size,
            rdev: (0, 0),
        })?;
        self.write_all(target.as_bytes())?;
        self.pad()
    }

    /// A character device node.
    pub(crate) fn char_dev(
        &mut self,
        path: &str,
        mode: u32,
        major: u32,
        minor: u32,
    ) -> io::Result<()> {
        let rel = normalize(path)?;
        self.parent(&rel)?;
        self.header(&Header {
            name: &rel,
            mode: S_IFCHR | (mode & 0o7777),
            nlink: 1,
            size: 0,
            rdev: (major, minor),
        })
    }

    /// Writes the trailer and returns the inner writer.
    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.header(&Header {
            name: "TRAILER!!!",
            mode: 0,
            nlink: 1,
            size: 0,
            rdev: (0, 0),
        })?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn header(&mut self, h: &Header<'_>) -> io::Result<()> {
        let ino = if h.name == "TRAILER!!!" {
            0
        } else {
            self.next_ino
        };
        self.next_ino += 1;
        let namesize = h.name.len() as u32 + 1;
        let fields = [
            ino, h.mode, 0, /* uid */ 0, /* gid */ h.nlink, 0, /* mtime */ h.size,
            0, /* devmajor */
            0, /* devminor */ h.rdev.0, h.rdev.1, namesize, 0, /* check */
        ];
        let mut hdr = String::with_capacity(110);
        hdr.push_str(MAGIC);
        for f in fields {
            hdr.push_str(&format!("{f:08X}"));
        }
        debug_assert_eq!(hdr.len(), 110);
        self.write_all(hdr.as_bytes())?;
        self.write_all(h.name.as_bytes())?;
        self.write_all(&[0])?;
        self.pad()
    }

    fn write_all(&mut self, b: &[u8]) -> io::Result<()> {
        self.out.write_all(b)?;
        self.written += b.len() as u64;
        Ok(())
    }

    fn pad(&mut self) -> io::Result<()> {
        let n = (4 - (self.written % 4) as usize) % 4;
        self.write_all(&[0u8; 3][..n])
    }
}

/// "/usr/bin/x" -> "usr/bin/x"; rejects empty names and "..".
fn normalize(path: &str) -> io::Result<String> {
    let comps: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if comps.is_empty() || comps.contains(&"..") {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("bad path in initramfs: {path:?}"),
        ));
    }
    Ok(comps.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(buf: &[u8]) -> Vec<(String, u32, Vec<u8>)> {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            assert_eq!(pos % 4, 0);
            let hdr = std::str::from_utf8(&buf[pos..pos + 110]).unwrap();
            assert_eq!(&hdr[..6], MAGIC);
            let field = |i: usize| u32::from_str_radix(&hdr[6 + 8 * i..14 + 8 * i], 16).unwrap();
            let mode = field(1);
            let size = field(6) as usize;
            let namesize = field(11) as usize;
            let name = std::str::from_utf8(&buf[pos + 110..pos + 110 + namesize - 1])
                .unwrap()
                .to_string();
            assert_eq!(buf[pos + 110 + namesize - 1], 0);
            pos = (pos + 110 + namesize).div_ceil(4) * 4;
            let data = buf[pos..pos + size].to_vec();
            pos = (pos + size).div_ceil(4) * 4;
            if name == "TRAILER!!!" {
                assert_eq!(pos, buf.len());
                return out;
            }
            out.push((name, mode, data));
        }
    }

    #[test]
    fn roundtrip_with_parents_and_padding() {
        let mut w = CpioWriter::new(Vec::new());
        w.file("/usr/bin/tool", 0o755, b"abcde").unwrap();
        w.symlink("/bin/sh", "busybox").unwrap();
        w.dir("/usr/bin").unwrap(); // already there: no second entry
        w.char_dev("/dev/console", 0o600, 5, 1).unwrap();
        let buf = w.finish().unwrap();
        let entries = parse(&buf);
        let names: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "usr",
                "usr/bin",
                "usr/bin/tool",
                "bin",
                "bin/sh",
                "dev",
                "dev/console"
            ]
        );
        assert_eq!(entries[2].1, S_IFREG | 0o755);
        assert_eq!(entries[2].2, b"abcde");
        assert_eq!(entries[4].1, S_IFLNK | 0o777);
        assert_eq!(entries[4].2, b"busybox");
        assert_eq!(entries[6].1, S_IFCHR | 0o600);
    }

    #[test]
    fn rejects_bad_paths() {
        let mut w = CpioWriter::new(Vec::new());
        assert!(w.file("/", 0o644, b"").is_err());
        assert!(w.file("/a/../b", 0o644, b"").is_err());
    }

    #[test]
    fn short_reader_is_an_error() {
        let mut w = CpioWriter::new(Vec::new());
        assert!(w.file_from("/x", 0o644, 10, &mut &b"abc"[..]).is_err());
    }
}
