//! The attribute at a byte offset of a message, named from the schema by walking the
//! bytes (for requests seen in a capture, where no spans were recorded).

use nlwire::Attrs;
use nlwire_schema::{AttrType, Family, SetId};

use super::{join_index, join_path};

/// The path of the attribute starting at `target` in `msg` (offsets from the
/// `nlmsghdr`; attributes of `set` start at `attrs_at`), or `None` if none starts there.
pub fn path_at_offset(
    fam: &Family,
    set: Option<SetId>,
    msg: &[u8],
    attrs_at: usize,
    target: usize,
) -> Option<String> {
    let region = msg.get(attrs_at..)?;
    walk(fam, set, region, attrs_at, target, String::new(), 0)
}

fn walk(
    fam: &Family,
    set: Option<SetId>,
    region: &[u8],
    base: usize,
    target: usize,
    path: String,
    depth: usize,
) -> Option<String> {
    if depth > nlwire::Limits::DEFAULT.depth() {
        return None;
    }
    let mut it = Attrs::new(region);
    loop {
        let at = base + it.offset();
        let a = it.next()?.ok()?;
        let ir = set.and_then(|s| fam[s].attr_by_value(a.ty()));
        let name = ir.map_or_else(|| format!("#{}", a.ty()), |x| x.name.clone());
        let p = join_path(&path, &name);
        if at == target {
            return Some(p);
        }
        let payload_at = at + 4;
        if !(payload_at..payload_at + a.len()).contains(&target) {
            continue;
        }
        let Some(ir) = ir else {
            return walk(fam, None, a.payload(), payload_at, target, p, depth + 1);
        };
        return match ir.ty {
            AttrType::Nest => walk(
                fam,
                ir.nested,
                a.payload(),
                payload_at,
                target,
                p,
                depth + 1,
            ),
            AttrType::IndexedArray => {
                let mut entries = Attrs::new(a.payload());
                let mut i = 0;
                loop {
                    let eat = payload_at + entries.offset();
                    let e = entries.next()?.ok()?;
                    let ep = join_index(&p, i);
                    if eat == target {
                        return Some(ep);
                    }
                    if (eat + 4..eat + 4 + e.len()).contains(&target) {
                        let inner = if ir.sub_type == Some(AttrType::Nest) {
                            ir.nested
                        } else {
                            None
                        };
                        return walk(fam, inner, e.payload(), eat + 4, target, ep, depth + 1);
                    }
                    i += 1;
                }
            }
            AttrType::SubMessage => {
                // The selector, as written before this attribute at the same level.
                let sel = ir.selector.as_deref()?;
                let sel_ty = fam[set?].attr(sel)?.value;
                let kind = Attrs::new(region)
                    .flatten()
                    .find(|x| x.ty() == sel_ty)?
                    .get_str_lossy_end()
                    .ok()?;
                let format = fam[ir.sub_message?].format(kind)?;
                let hdr = format
                    .fixed_header
                    .and_then(|h| fam[h].as_struct())
                    .map_or(0, |s| s.size as usize);
                let inner = a.payload().get(hdr..)?;
                walk(
                    fam,
                    format.attr_set,
                    inner,
                    payload_at + hdr,
                    target,
                    p,
                    depth + 1,
                )
            }
            _ => Some(format!("inside {p} (byte {})", target - at)),
        };
    }
}
