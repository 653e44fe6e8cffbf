//! Regression tests for what the fuzz targets (fuzz/, `nlwire-fuzz`) found in the codec,
//! each named after the target and the finding. The crashing inputs are kept in the
//! target's seed corpus under fuzz/corpus/.

use nlwire::consts::{NLM_F_REQUEST, NLMSG_DONE, NLMSG_NOOP, NLMSG_OVERRUN};
use nlwire::zerocopy::byteorder::native_endian::U32;
use nlwire::{AttrSet, Error, Message, MsgBuf, OvsHeader};

#[derive(Debug, PartialEq, nlwire::AttrSet)]
struct Zones {
    /// Packed 12-byte elements, as OVS_CT_LIMIT_ATTR_ZONE_LIMIT.
    #[nla(type = 1, array)]
    limits: Option<Vec<[U32; 3]>>,
}

/// families_decode: an array of 12-byte structs with 64 payload bytes was reported as
/// "length 64, expected at least 12", which is true of 64 and hides the real fault.
#[test]
fn regression_fuzz_families_decode_array_length_error_said_expected_at_least() {
    let mut b = MsgBuf::new();
    b.put_attr(1, &[0; 64]).unwrap();
    let e = Zones::decode(b.as_slice()).unwrap_err();
    assert!(
        matches!(
            e,
            Error::BadArrayLength {
                len: 64,
                elem: 12,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "limits: length 64 is not a multiple of the 12-byte element"
    );
    let mut b = MsgBuf::new();
    b.put_attr(1, &[0; 36]).unwrap();
    assert_eq!(
        Zones::decode_owned(b.as_slice())
            .unwrap()
            .limits
            .map(|v| v.len()),
        Some(3)
    );
}

#[derive(Debug, PartialEq, nlwire::AttrSet)]
struct Dp {
    #[nla(type = 1, string)]
    name: Option<String>,
}

#[derive(Debug, PartialEq, nlwire::Message)]
#[nla(cmd = 1, version = 2)]
struct DpNew {
    #[nla(header)]
    hdr: OvsHeader,
    #[nla(attrs)]
    dp: Dp,
}

/// families_decode: a message of type NLMSG_DONE (also NOOP, OVERRUN) whose payload
/// happened to look like a genl header decoded as the family's data message; control
/// messages are not the family's data.
#[test]
fn regression_fuzz_families_decode_done_message_decoded_as_data() {
    let mut b = MsgBuf::new();
    DpNew {
        hdr: OvsHeader::new(7),
        dp: Dp { name: None },
    }
    .encode(&mut b, 0x1c, NLM_F_REQUEST)
    .unwrap();
    let mut bytes = b.to_vec();
    // genlmsghdr.reserved = 0x8000: read as NLMSG_DONE's status, the word is negative
    // (a valid status), so only the type tells the message apart from data.
    bytes[18..20].copy_from_slice(&0x8000u16.to_ne_bytes());
    assert!(DpNew::decode(&bytes).is_ok());
    for control in [NLMSG_NOOP, NLMSG_DONE, NLMSG_OVERRUN] {
        bytes[4..6].copy_from_slice(&control.to_ne_bytes());
        assert_eq!(
            DpNew::decode(&bytes).unwrap_err(),
            Error::Unexpected {
                expected: "a data message",
                found: u32::from(control),
            },
            "type {control}"
        );
        assert!(DpNew::decode_any_cmd(&bytes).is_err());
    }
}
