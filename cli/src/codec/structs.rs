//! Packed C structs (fixed headers, `binary` attributes with `struct:`) to and from JSON
//! objects keyed by member name.

use nlwire_schema::{DefId, Family, MemberType};
use serde_json::{Map, Value};

use super::scalar::{check_range, int_to_json, json_to_int, read_int, write_int};
use super::text::{format_hint, hex, parse_hint};

/// Decodes the members of struct `def` from `bytes` into `out`. Members that do not fit
/// are left out and the shortfall is returned as the problem; longer input is accepted
/// (kernel structs grow) and its tail ignored.
pub fn decode_struct(
    fam: &Family,
    def: DefId,
    bytes: &[u8],
    out: &mut Map<String, Value>,
) -> Result<(), String> {
    let Some(s) = fam[def].as_struct() else {
        return Err(format!("{} is not a struct", fam[def].name));
    };
    for m in &s.members {
        let (start, end) = (m.offset as usize, (m.offset + m.size) as usize);
        let Some(b) = bytes.get(start..end) else {
            return Err(format!(
                "length {}, expected {} for struct {}",
                bytes.len(),
                s.size,
                fam[def].name
            ));
        };
        let v = match m.ty {
            MemberType::Pad => continue,
            MemberType::Int(t) => {
                let n = read_int(t, m.byte_order, b).unwrap_or_default();
                match m.display_hint.and_then(|h| format_int_hint(h, b, n)) {
                    Some(s) => Value::String(s),
                    None => int_to_json(fam, m.enum_, m.enum_as_flags, n),
                }
            }
            MemberType::String => {
                let end = b.iter().position(|c| *c == 0).unwrap_or(b.len());
                Value::String(String::from_utf8_lossy(&b[..end]).into_owned())
            }
            MemberType::Binary => match m.struct_ {
                Some(inner) => {
                    let mut o = Map::new();
                    decode_struct(fam, inner, b, &mut o)?;
                    Value::Object(o)
                }
                None => Value::String(
                    m.display_hint
                        .and_then(|h| format_hint(h, b))
                        .unwrap_or_else(|| hex(b)),
                ),
            },
        };
        out.insert(m.name.clone(), v);
    }
    Ok(())
}

/// An integer shown per its display hint (`hex`, `ipv4`), from its wire bytes.
pub fn format_int_hint(hint: nlwire_schema::DisplayHint, wire: &[u8], n: i128) -> Option<String> {
    use nlwire_schema::DisplayHint as H;
    match hint {
        H::Hex => Some(format!("{:#x}", n as u64)),
        H::Ipv4 | H::Ipv4OrV6 if wire.len() == 4 => format_hint(H::Ipv4, wire),
        _ => None,
    }
}

/// Encodes struct `def` from the members named in `obj` (missing members are zero).
/// With `strict`, a key that is not a member is an error; the fixed-header use passes
/// `false` because the same object also holds the message's attributes.
pub fn encode_struct(
    fam: &Family,
    def: DefId,
    obj: &Map<String, Value>,
    strict: bool,
) -> Result<Vec<u8>, String> {
    let Some(s) = fam[def].as_struct() else {
        return Err(format!("{} is not a struct", fam[def].name));
    };
    if strict && let Some(k) = obj.keys().find(|k| s.member(k).is_none()) {
        return Err(format!(
            "struct {} has no member {k:?} (members: {})",
            fam[def].name,
            s.members
                .iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut out = vec![0u8; s.size as usize];
    for m in &s.members {
        let Some(v) = obj.get(&m.name) else { continue };
        let (start, size) = (m.offset as usize, m.size as usize);
        let bytes = match m.ty {
            MemberType::Pad => continue,
            MemberType::Int(t) => {
                if let (Some(h), Value::String(text)) = (m.display_hint, v)
                    && t.width() == 4
                    && text.contains('.')
                {
                    let b = parse_hint(Some(h), text).map_err(|e| format!("{}: {e}", m.name))?;
                    out[start..start + 4].copy_from_slice(&b);
                    continue;
                }
                let n = json_to_int(fam, m.enum_, m.enum_as_flags, v)
                    .map_err(|e| format!("{}: {e}", m.name))?;
                check_range(t, n).map_err(|e| format!("{}: {e}", m.name))?;
                write_int(t, m.byte_order, n)
            }
            MemberType::String => {
                let Value::String(text) = v else {
                    return Err(format!("{}: expected a string", m.name));
                };
                if text.len() >= size {
                    return Err(format!(
                        "{}: string of {} bytes does not fit in {size} (NUL included)",
                        m.name,
                        text.len()
                    ));
                }
                text.as_bytes().to_vec()
            }
            MemberType::Binary => match (m.struct_, v) {
                (Some(inner), Value::Object(o)) => {
                    encode_struct(fam, inner, o, true).map_err(|e| format!("{}: {e}", m.name))?
                }
                (_, Value::String(text)) => {
                    parse_hint(m.display_hint, text).map_err(|e| format!("{}: {e}", m.name))?
                }
                _ => return Err(format!("{}: expected a hex string or an object", m.name)),
            },
        };
        if bytes.len() > size {
            return Err(format!(
                "{}: {} bytes do not fit in {size}",
                m.name,
                bytes.len()
            ));
        }
        out[start..start + bytes.len()].copy_from_slice(&bytes);
    }
    Ok(out)
}
