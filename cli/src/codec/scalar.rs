//! Integers on the wire (widths, byte orders, the variable-width `uint`/`sint`) and their
//! JSON forms (numbers, enum names, flag-name lists).

use nlwire_schema::{ByteOrder, DefId, Family, IntType};
use serde_json::Value;

/// Reads a fixed-width integer; `None` when `b` is not exactly `t`'s width.
pub fn read_int(t: IntType, order: ByteOrder, b: &[u8]) -> Option<i128> {
    if b.len() != t.width() as usize {
        return None;
    }
    let mut raw = [0u8; 8];
    let be =
        order == ByteOrder::BigEndian || (order == ByteOrder::Host && cfg!(target_endian = "big"));
    if be {
        raw[8 - b.len()..].copy_from_slice(b);
        let u = u64::from_be_bytes(raw);
        Some(extend(t, u))
    } else {
        raw[..b.len()].copy_from_slice(b);
        let u = u64::from_le_bytes(raw);
        Some(extend(t, u))
    }
}

fn extend(t: IntType, u: u64) -> i128 {
    let bits = t.width() * 8;
    if t.signed() {
        let shift = 64 - bits;
        (((u << shift) as i64) >> shift) as i128
    } else {
        u as i128
    }
}

/// Reads a `uint` (unsigned) or `sint` (signed): 4 or 8 bytes.
pub fn read_var(signed: bool, order: ByteOrder, b: &[u8]) -> Option<i128> {
    let t = match (b.len(), signed) {
        (4, false) => IntType::U32,
        (8, false) => IntType::U64,
        (4, true) => IntType::S32,
        (8, true) => IntType::S64,
        _ => return None,
    };
    read_int(t, order, b)
}

/// Writes `v` as `t` in `order`; the caller has checked the range.
pub fn write_int(t: IntType, order: ByteOrder, v: i128) -> Vec<u8> {
    let w = t.width() as usize;
    let u = v as u64;
    let be =
        order == ByteOrder::BigEndian || (order == ByteOrder::Host && cfg!(target_endian = "big"));
    if be {
        u.to_be_bytes()[8 - w..].to_vec()
    } else {
        u.to_le_bytes()[..w].to_vec()
    }
}

/// The JSON form of an integer: the enum entry name, a list of flag names (unknown bits
/// as one trailing number), or the number itself.
pub fn int_to_json(fam: &Family, en: Option<DefId>, as_flags: bool, v: i128) -> Value {
    let Some(e) = en.and_then(|id| fam[id].as_enum()) else {
        return number(v);
    };
    if e.flags || as_flags {
        let mut names = Vec::new();
        let mut rest = v as u64;
        for bit in 0..64 {
            if rest & (1 << bit) == 0 {
                continue;
            }
            if let Some(entry) = e.entry_by_value(bit) {
                names.push(Value::String(entry.name.clone()));
                rest &= !(1 << bit);
            }
        }
        if rest != 0 {
            names.push(Value::from(rest));
        }
        return Value::Array(names);
    }
    match i64::try_from(v).ok().and_then(|x| e.entry_by_value(x)) {
        Some(entry) => Value::String(entry.name.clone()),
        None => number(v),
    }
}

/// A JSON number for any 64-bit value, signed or not.
pub fn number(v: i128) -> Value {
    if let Ok(i) = i64::try_from(v) {
        Value::from(i)
    } else if let Ok(u) = u64::try_from(v) {
        Value::from(u)
    } else {
        Value::String(v.to_string())
    }
}

/// Parses an integer written in JSON: a number, a numeric string (decimal, `0x` hex,
/// negative), an enum entry name, or for flags a name or a list of names and numbers.
pub fn json_to_int(
    fam: &Family,
    en: Option<DefId>,
    as_flags: bool,
    v: &Value,
) -> Result<i128, String> {
    let e = en.and_then(|id| fam[id].as_enum());
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .ok_or_else(|| format!("{n} is not an integer")),
        Value::Bool(b) => Ok(*b as i128),
        Value::String(s) => {
            if let Some(n) = parse_int_text(s) {
                return Ok(n);
            }
            let Some(e) = e else {
                return Err(format!("{s:?} is not an integer"));
            };
            match e.entry(s) {
                Some(entry) if as_flags && !e.flags => Ok(1i128 << entry.value),
                Some(entry) => Ok(e.user_value(entry)),
                None => Err(format!(
                    "{s:?} is not an entry of {} (one of: {})",
                    fam[en.unwrap()].name,
                    e.entries
                        .iter()
                        .map(|x| x.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }
        }
        Value::Array(items) => {
            if e.is_none_or(|e| !(e.flags || as_flags)) {
                return Err("a list is only accepted for flags".into());
            }
            let mut acc = 0i128;
            for it in items {
                acc |= json_to_int(fam, en, true, it)?;
            }
            Ok(acc)
        }
        other => Err(format!("{other} is not an integer")),
    }
}

fn parse_int_text(s: &str) -> Option<i128> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i128::from_str_radix(h, 16).ok()?
    } else if !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()) {
        t.parse::<i128>().ok()?
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

/// Checks that `v` fits `t` and says why not.
pub fn check_range(t: IntType, v: i128) -> Result<(), String> {
    let (lo, hi) = t.bounds();
    if v < lo || v > hi {
        Err(format!("{v} does not fit in {} ({lo}..={hi})", t.as_str()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_orders() {
        assert_eq!(
            read_int(IntType::U16, ByteOrder::BigEndian, &[1, 2]),
            Some(0x102)
        );
        assert_eq!(
            read_int(IntType::U16, ByteOrder::LittleEndian, &[1, 2]),
            Some(0x201)
        );
        assert_eq!(read_int(IntType::S8, ByteOrder::Host, &[0xff]), Some(-1));
        assert_eq!(read_int(IntType::U32, ByteOrder::Host, &[0; 3]), None);
        assert_eq!(
            read_int(IntType::S64, ByteOrder::Host, &(-5i64).to_ne_bytes()),
            Some(-5)
        );
        assert_eq!(write_int(IntType::U16, ByteOrder::BigEndian, 0x102), [1, 2]);
        assert_eq!(
            write_int(IntType::S16, ByteOrder::LittleEndian, -2),
            [0xfe, 0xff]
        );
        assert_eq!(
            read_var(false, ByteOrder::Host, &7u32.to_ne_bytes()),
            Some(7)
        );
        assert_eq!(read_var(true, ByteOrder::Host, &[0; 5]), None);
    }

    #[test]
    fn text_integers() {
        assert_eq!(parse_int_text("0x10"), Some(16));
        assert_eq!(parse_int_text("-3"), Some(-3));
        assert_eq!(parse_int_text("eth0"), None);
        assert!(check_range(IntType::U8, 256).is_err());
        assert!(check_range(IntType::S8, -128).is_ok());
    }
}
