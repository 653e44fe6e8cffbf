//! Explaining a kernel error: its message, and the attribute it blames mapped back
//! through the request that was built (by offset, to the schema path).

use nlwire::sock::{Error as SockError, KernelError, errno_name};
use nlwire_schema::{AttrType, Family, Op, SetId};

use crate::codec::message::{Request, headers_len};
use crate::error::{CliError, strerror};

/// The attribute (or header field) at byte `offset` of `req`, with schema names.
pub fn path_at(fam: &Family, op: &Op, req: &Request, offset: usize) -> String {
    if let Some(s) = req.spans.iter().rev().find(|s| s.start == offset) {
        return s.path.clone();
    }
    let hdr = headers_len(fam);
    if offset < 16 {
        return format!("nlmsghdr (byte {offset})");
    }
    if offset < hdr {
        return format!("genlmsghdr (byte {})", offset - 16);
    }
    if let Some(s) = op.fixed_header.and_then(|h| fam[h].as_struct()) {
        let at = offset - hdr;
        if at < s.size as usize
            && let Some(m) = s
                .members
                .iter()
                .find(|m| (m.offset..m.offset + m.size.max(1)).contains(&(at as u32)))
        {
            return format!("{} (fixed header)", m.name);
        }
    }
    match req
        .spans
        .iter()
        .rev()
        .find(|s| s.start < offset && offset < s.end)
    {
        Some(s) => format!("inside {} (byte {} of it)", s.path, offset - s.start),
        None => format!("byte {offset} of the request (no attribute starts there)"),
    }
}

/// Names a path of attribute types from set `set` down (nests, indexed-array entries).
pub fn name_types(fam: &Family, set: Option<SetId>, types: &[u16]) -> String {
    let mut out = String::new();
    let mut set = set;
    let mut index_next = false;
    for ty in types {
        if index_next {
            out.push_str(&format!("[{ty}]"));
            index_next = false;
            continue;
        }
        if !out.is_empty() {
            out.push('.');
        }
        match set.and_then(|s| fam[s].attr_by_value(*ty)) {
            Some(a) => {
                out.push_str(&a.name);
                index_next = a.ty == AttrType::IndexedArray;
                set = a.nested;
            }
            None => {
                out.push_str(&format!("#{ty}"));
                set = None;
            }
        }
    }
    out
}

/// The text of a kernel error: errno, the kernel's own message, the offending attribute
/// and the missing one, named from the schema.
pub fn describe_kernel(k: &KernelError, fam: &Family, op: &Op, req: &Request) -> String {
    let name = errno_name(k.errno)
        .map(|n| format!("{n}, "))
        .unwrap_or_default();
    let mut s = format!(
        "the kernel rejected {} {}: {} ({name}errno {})",
        fam.name,
        op.name,
        strerror(k.errno),
        k.errno
    );
    if let Some(m) = &k.msg {
        s.push_str(&format!("\n  kernel says: {m}"));
    }
    if let Some(off) = k.offset {
        s.push_str(&format!(
            "\n  offending attribute: {} (offset {off})",
            path_at(fam, op, req, off as usize)
        ));
    }
    if let Some(p) = &k.missing {
        s.push_str(&format!(
            "\n  missing attribute: {}",
            name_types(fam, op.attr_set, p.types())
        ));
    }
    if let Some(p) = &k.policy {
        s.push_str(&format!("\n  the kernel's policy for it: {p}"));
    }
    if let Some(c) = &k.cookie {
        let hex: String = c.iter().map(|b| format!("{b:02x}")).collect();
        s.push_str(&format!("\n  cookie: {hex}"));
    }
    s
}

/// A transport error as a CLI error, kernel errors explained against the request.
pub fn explain(e: &SockError, fam: &Family, op: &Op, req: &Request) -> CliError {
    match e {
        SockError::Kernel(k) => CliError::failure(describe_kernel(k, fam, op, req)),
        other => CliError::failure(format!("{} {}: {other}", fam.name, op.name)),
    }
}
