//! Text forms of byte payloads: hex, and the YNL display hints (mac, ipv4, ipv6, uuid).

use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

use nlwire_schema::DisplayHint;

/// Lower-case hex without separators.
///
/// ```
/// use nlwire_cli::codec::text::hex;
/// assert_eq!(hex(&[0xde, 0xad]), "dead");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parses hex digits; `:`, `-`, spaces and a leading `0x` are ignored.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let t = s.strip_prefix("0x").unwrap_or(s);
    let digits: Vec<u8> = t
        .bytes()
        .filter(|c| !matches!(c, b':' | b'-' | b' ' | b'.'))
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("hex string {s:?} has an odd number of digits"));
    }
    digits
        .chunks(2)
        .map(|p| {
            let hi = (p[0] as char).to_digit(16);
            let lo = (p[1] as char).to_digit(16);
            match (hi, lo) {
                (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
                _ => Err(format!("{s:?} is not a hex string")),
            }
        })
        .collect()
}

/// Formats `bytes` per a display hint; `None` when the hint does not fit the length
/// (the caller then falls back to plain hex).
pub fn format_hint(hint: DisplayHint, bytes: &[u8]) -> Option<String> {
    match (hint, bytes.len()) {
        (DisplayHint::Hex, _) => Some(hex(bytes)),
        (DisplayHint::Mac | DisplayHint::Fddi, 1..) => Some(
            bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":"),
        ),
        (DisplayHint::Ipv4 | DisplayHint::Ipv4OrV6, 4) => {
            Some(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).to_string())
        }
        (DisplayHint::Ipv6 | DisplayHint::Ipv4OrV6, 16) => {
            Some(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).to_string())
        }
        (DisplayHint::Uuid, 16) => {
            let h = hex(bytes);
            Some(format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            ))
        }
        _ => None,
    }
}

/// Parses text written per a display hint back to bytes; plain hex is always accepted.
pub fn parse_hint(hint: Option<DisplayHint>, s: &str) -> Result<Vec<u8>, String> {
    match hint {
        Some(DisplayHint::Ipv4) | Some(DisplayHint::Ipv4OrV6) if s.contains('.') => s
            .parse::<Ipv4Addr>()
            .map(|a| a.octets().to_vec())
            .map_err(|e| format!("{s:?}: {e}")),
        Some(DisplayHint::Ipv6) | Some(DisplayHint::Ipv4OrV6) if s.contains(':') => s
            .parse::<Ipv6Addr>()
            .map(|a| a.octets().to_vec())
            .map_err(|e| format!("{s:?}: {e}")),
        _ => parse_hex(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_separators() {
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
        assert_eq!(parse_hex("00:ab:10").unwrap(), [0, 0xab, 0x10]);
        assert_eq!(parse_hex("0x00ab").unwrap(), [0, 0xab]);
        assert!(parse_hex("abc").unwrap_err().contains("odd"));
        assert!(parse_hex("zz").is_err());
    }

    #[test]
    fn hints() {
        assert_eq!(
            format_hint(DisplayHint::Mac, &[0, 1, 2, 3, 4, 0xff]).unwrap(),
            "00:01:02:03:04:ff"
        );
        assert_eq!(
            format_hint(DisplayHint::Ipv4, &[10, 0, 0, 1]).unwrap(),
            "10.0.0.1"
        );
        assert_eq!(format_hint(DisplayHint::Ipv4, &[10, 0, 0]), None);
        let u = [0x12u8; 16];
        assert_eq!(
            format_hint(DisplayHint::Uuid, &u).unwrap(),
            "12121212-1212-1212-1212-121212121212"
        );
        assert_eq!(
            parse_hint(Some(DisplayHint::Ipv6), "::1").unwrap(),
            Ipv6Addr::LOCALHOST.octets()
        );
        assert_eq!(
            parse_hint(Some(DisplayHint::Mac), "00:01:02:03:04:ff").unwrap(),
            [0, 1, 2, 3, 4, 0xff]
        );
    }
}
