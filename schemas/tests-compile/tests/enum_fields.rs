//! Integer attributes that name an enum or flags definition hold its newtype, through the
//! compiled `corner-enums` spec: encoded at the attribute's own width and byte order,
//! decoded (view and owned) back to the newtype, printed by name, unknown values kept, and
//! the spec's checks applied to the integer.

use nlwire::{AttrSet, Encode, Error};
use nlwire_schema_compile_tests::corner_enums::*;

/// Every typed attribute, some with values the spec does not name.
fn pot() -> Pot {
    Pot {
        color: Some(Color::GREEN),
        finish: Some(Finish::GLOSSY | Finish::METALLIC),
        stock: Some(Stock::DEPOT | Stock::SHELF),
        carrier: Some(Carrier::COURIER),
        mood: Some(Mood::GLOOMY),
        // `grade` is used as a `uint` and as an `s16`: no one integer holds both, so the
        // newtype is an `i64` and the `uint` stays an integer.
        score: Some(7),
        delta: Some(Grade::FINE),
        brushes: Some(BrushFlags::FLAT | BrushFlags::FAN),
        layer: vec![Color::RED, Color(200), Color::BLUE],
        label: Some(Label {
            color: 2,
            pad: [0],
            batch: 7.into(),
        }),
    }
}

/// The bytes of a set holding one attribute.
fn one(p: Pot) -> Vec<u8> {
    p.encode_to_vec().unwrap()
}

#[test]
fn each_newtype_is_written_at_its_attribute_width() {
    let empty = Pot::default;
    // u8: one byte of payload (nla_len 5), padded to 4.
    let color = Some(Color::BLUE);
    assert_eq!(one(Pot { color, ..empty() }), [5, 0, 1, 0, 2, 0, 0, 0]);
    // u32 bit set.
    let finish = Some(Finish::GLOSSY | Finish::METALLIC);
    assert_eq!(one(Pot { finish, ..empty() }), [8, 0, 2, 0, 5, 0, 0, 0]);
    // u64: bit 40 needs all 8 bytes.
    let stock = Some(Stock::DEPOT);
    let mut want = vec![12, 0, 3, 0];
    want.extend((1u64 << 40).to_ne_bytes());
    assert_eq!(one(Pot { stock, ..empty() }), want);
    // Big-endian u16: the carrier's code in network order.
    let carrier = Some(Carrier::COURIER);
    assert_eq!(
        one(Pot { carrier, ..empty() }),
        [6, 0, 4, 0, 0x2a, 0x00, 0, 0]
    );
    // s8: -1 is one 0xff byte.
    let mood = Some(Mood::GLOOMY);
    assert_eq!(one(Pot { mood, ..empty() }), [5, 0, 5, 0, 0xff, 0, 0, 0]);
    // s16.
    let delta = Some(Grade::FINE);
    assert_eq!(one(Pot { delta, ..empty() }), [6, 0, 7, 0, 2, 0, 0, 0]);
    // Each repeated u8 is its own attribute.
    let layer = vec![Color::RED, Color::GREEN];
    assert_eq!(
        one(Pot { layer, ..empty() }),
        [5, 0, 9, 0, 0, 0, 0, 0, 5, 0, 9, 0, 1, 0, 0, 0]
    );
    // The policy says the same widths.
    let len = |ty| {
        let p = Pot::POLICY.get(ty).unwrap();
        (p.min_len, p.max_len)
    };
    assert_eq!(
        [len(1), len(2), len(3), len(4), len(5), len(7)],
        [(1, 1), (4, 4), (8, 8), (2, 2), (1, 1), (2, 2)]
    );
    assert!(Pot::POLICY.get(4).unwrap().big_endian);
}

#[test]
fn typed_fields_round_trip_as_view_and_owned() {
    let pot = pot();
    let bytes = pot.encode_to_vec().unwrap();
    let v: PotView<'_> = Pot::decode(&bytes).unwrap();
    assert_eq!(v.unknown(), 0);
    // The view holds the newtypes themselves (they are `Copy`).
    let color: Option<Color> = v.color;
    assert_eq!(color, Some(Color::GREEN));
    assert_eq!(v.finish, Some(Finish::GLOSSY | Finish::METALLIC));
    assert!(v.finish.unwrap().contains(Finish::METALLIC));
    assert_eq!(v.stock, Some(Stock::DEPOT | Stock::SHELF));
    assert_eq!(v.carrier, Some(Carrier::COURIER));
    assert_eq!(v.mood, Some(Mood::GLOOMY));
    assert_eq!(v.delta, Some(Grade::FINE));
    let score: Option<u64> = v.score;
    assert_eq!(score, Some(7));
    assert_eq!(v.brushes, Some(BrushFlags(0b101)));
    assert_eq!(
        v.layer.iter().collect::<Vec<_>>(),
        [Color::RED, Color(200), Color::BLUE]
    );
    // A wire-struct member keeps its integer.
    let label = v.label.unwrap();
    assert_eq!((label.color, label.batch.get()), (2, 7));
    assert_eq!(Color::from(u32::from(label.color)), Color::BLUE);

    assert_eq!(v.into_owned(), pot);
    assert_eq!(Pot::decode_owned(&bytes).unwrap(), pot);
}

#[test]
fn debug_prints_names_and_unknown_numbers() {
    let pot = pot();
    let bytes = pot.encode_to_vec().unwrap();
    let owned = format!("{pot:?}");
    let view = format!("{:?}", Pot::decode(&bytes).unwrap());
    for text in [&owned, &view] {
        for want in [
            "color: Some(green)",
            "finish: Some(glossy | metallic)",
            "stock: Some(shelf | depot)",
            "carrier: Some(courier)",
            "mood: Some(gloomy)",
            "score: Some(7)",
            "delta: Some(fine)",
            "brushes: Some(flat | fan)",
        ] {
            assert!(text.contains(want), "{want:?} not in {text}");
        }
    }
    // Unknown values: the number; unknown bits: hex after the names.
    assert!(owned.contains("layer: [red, 200, blue]"), "{owned}");
    assert_eq!(format!("{:?}", Color(9)), "9");
    assert_eq!(format!("{:?}", Finish(0x8 | 0x1)), "glossy | 0x8");
    assert_eq!(format!("{:?}", Finish(0)), "0x0");
    assert_eq!(format!("{:?}", BrushFlags::ROUND), "round");
}

#[test]
fn unknown_values_survive_a_round_trip() {
    let newer = Pot {
        color: Some(Color(0xfe)),
        stock: Some(Stock(1 << 63 | 1)),
        carrier: Some(Carrier(0x1234)),
        mood: Some(Mood(-100)),
        brushes: Some(BrushFlags(1 << 31)),
        ..Default::default()
    };
    let bytes = newer.encode_to_vec().unwrap();
    let v = Pot::decode(&bytes).unwrap();
    assert_eq!(v.color, Some(Color(0xfe)));
    assert_eq!(v.color.unwrap().name(), None);
    assert_eq!(Color::known(0xfe), None);
    assert_eq!(v.stock, Some(Stock(1 << 63 | 1)));
    assert_eq!(
        format!("{:?}", v.stock.unwrap()),
        "shelf | 0x8000000000000000"
    );
    assert_eq!(v.carrier, Some(Carrier(0x1234)));
    assert_eq!(v.mood, Some(Mood(-100)));
    assert_eq!(Pot::decode_owned(&bytes).unwrap(), newer);
}

#[test]
fn a_value_wider_than_the_attribute_is_refused_when_encoding() {
    // `Color` holds a u32; the attribute is a u8.
    let e = Pot {
        color: Some(Color(0x100)),
        ..Default::default()
    }
    .encode_to_vec()
    .unwrap_err();
    assert!(
        matches!(
            e,
            Error::OutOfRange {
                value: 0x100,
                min: 0,
                max: 255,
                ..
            }
        ),
        "{e}"
    );
    // `Mood` holds an i64; the attribute is an s8.
    let e = Pot {
        mood: Some(Mood(-129)),
        ..Default::default()
    }
    .encode_to_vec()
    .unwrap_err();
    assert!(matches!(e, Error::OutOfRange { value: -129, .. }), "{e}");
}

#[test]
fn checks_apply_to_the_integer() {
    // flags-mask: a bit `finish` does not name is refused by the decoder and the policy.
    let odd = Pot {
        finish: Some(Finish(0x8)),
        ..Default::default()
    };
    let bytes = odd.encode_to_vec().unwrap();
    let e = Pot::decode(&bytes).unwrap_err();
    assert!(
        matches!(
            e,
            Error::BadFlags {
                value: 8,
                mask: 7,
                ..
            }
        ),
        "{e}"
    );
    assert!(Pot::POLICY.validate(&bytes).is_err());
    assert_eq!(Pot::POLICY.get(2).unwrap().flags_mask, Some(7));

    // max: 0x7fff on the big-endian carrier, compared with the host value.
    let far = Pot {
        carrier: Some(Carrier(0x8000)),
        ..Default::default()
    };
    let bytes = far.encode_to_vec().unwrap();
    let e = Pot::decode(&bytes).unwrap_err();
    assert!(matches!(e, Error::OutOfRange { value: 0x8000, .. }), "{e}");
    assert!(Pot::POLICY.validate(&bytes).is_err());
    let near = Pot {
        carrier: Some(Carrier(0x7fff)),
        ..Default::default()
    };
    assert!(Pot::decode(&near.encode_to_vec().unwrap()).is_ok());
}

#[test]
fn messages_carry_the_typed_set() {
    use nlwire::Message;
    let req = msg::PotGetRequest {
        attrs: Pot {
            color: Some(Color::RED),
            ..Default::default()
        },
    };
    let mut buf = nlwire::MsgBuf::new();
    req.encode(&mut buf, 0x20, nlwire::consts::NLM_F_REQUEST)
        .unwrap();
    let v = msg::PotGetRequest::decode(buf.as_slice()).unwrap();
    assert_eq!(v.attrs.color, Some(Color::RED));
}
