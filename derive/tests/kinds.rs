//! Every kind and option of the annotation language: exact wire bytes for the ones with a
//! twist, round trips over arbitrary values, decode errors with their paths, limits, and
//! hostile input (random and mutated bytes never panic; what decodes re-encodes to the
//! same value).
// Tests set a field or two on a default value; the nest-type-value shape is spelled out.
#![allow(clippy::field_reassign_with_default, clippy::type_complexity)]

use std::ffi::CString;

use nlwire::arbitrary::{Arbitrary, Unstructured};
use nlwire::view::{Bitfield32, RawAttr};
use nlwire::zerocopy::network_endian::U32 as BeU32;
use nlwire::{AttrKind, AttrSet, Encode, Error, Limits, MsgBuf};

#[nlwire::wire(size = 8)]
pub struct Pair {
    pub a: u32,
    #[le]
    pub b: u32,
}

#[nlwire::wire(size = 3)]
pub struct Odd3 {
    pub x: [u8; 3],
}

#[derive(Clone, Debug, Default, PartialEq, nlwire::AttrSet)]
pub struct Inner {
    #[nla(type = 1, u32)]
    pub x: Option<u32>,
    #[nla(type = 2, string)]
    pub s: Option<String>,
}

#[derive(Clone, Debug, PartialEq, nlwire::SubMessage)]
pub enum Data {
    #[nla(value = "inner")]
    Inner(Inner),
    #[nla(value = "pair", fixed)]
    Pair(Pair),
    #[nla(value = "both")]
    Both(Odd3, Inner),
    #[nla(value = "none")]
    Nothing,
}

#[derive(Clone, Debug, PartialEq, nlwire::SubMessage)]
pub enum NumData {
    #[nla(value = 1)]
    One(Inner),
    #[nla(value = 2)]
    Two,
}

#[derive(Clone, Debug, PartialEq, nlwire::AttrSet)]
#[nla(name = "all", pad = 50)]
pub struct All {
    #[nla(type = 1, u8)]
    pub a_u8: Option<u8>,
    #[nla(type = 2, u16)]
    pub a_u16: Option<u16>,
    #[nla(type = 3, u32)]
    pub a_u32: Option<u32>,
    #[nla(type = 4, u64)]
    pub a_u64: Option<u64>,
    #[nla(type = 5, s8)]
    pub a_s8: Option<i8>,
    #[nla(type = 6, s16)]
    pub a_s16: Option<i16>,
    #[nla(type = 7, s32)]
    pub a_s32: Option<i32>,
    #[nla(type = 8, s64)]
    pub a_s64: Option<i64>,
    #[nla(type = 9, uint)]
    pub a_uint: Option<u64>,
    #[nla(type = 10, sint)]
    pub a_sint: Option<i64>,
    #[nla(type = 11, be16)]
    pub a_be16: Option<u16>,
    #[nla(type = 12, be32)]
    pub a_be32: Option<u32>,
    #[nla(type = 13, be64)]
    pub a_be64: Option<u64>,
    #[nla(type = 14, le16)]
    pub a_le16: Option<u16>,
    #[nla(type = 15, le32)]
    pub a_le32: Option<u32>,
    #[nla(type = 16, le64)]
    pub a_le64: Option<u64>,
    #[nla(type = 17, u128)]
    pub a_u128: Option<u128>,
    #[nla(type = 18, flag)]
    pub a_flag: bool,
    #[nla(type = 19, string, max_len = 7)]
    pub a_string: Option<String>,
    #[nla(type = 20, string)]
    pub a_cstring: Option<CString>,
    #[nla(type = 21, string, unterminated_ok)]
    pub a_unterminated: Option<String>,
    #[nla(type = 22, bytes, min_len = 2, max_len = 6)]
    pub a_bytes: Option<Vec<u8>>,
    #[nla(type = 23, fixed)]
    pub a_fixed: Option<Pair>,
    #[nla(type = 24, array)]
    pub a_array: Option<Vec<BeU32>>,
    #[nla(type = 25, nested)]
    pub a_nested: Option<Inner>,
    #[nla(type = 26, bitfield32, flags_mask = 0xff)]
    pub a_bitfield: Option<Bitfield32>,
    #[nla(type = 27, u32, multi)]
    pub a_multi: Vec<u32>,
    #[nla(type = 28, nested, multi)]
    pub a_multi_nested: Vec<Inner>,
    #[nla(type = 29, indexed_array(nested))]
    pub a_indexed: Option<Vec<Inner>>,
    #[nla(type = 30, indexed_array(u32, base = 1))]
    pub a_indexed_u32: Option<Vec<u32>>,
    #[nla(type = 31, nest_type_value)]
    pub a_type_value: Option<Vec<(u16, Vec<(u16, Inner)>)>>,
    #[nla(type = 32, u32, min = 10, max = 20)]
    pub a_range: Option<u32>,
    #[nla(type = 33, s32, min = -5, max = 5)]
    pub a_srange: Option<i32>,
    #[nla(type = 34, string)]
    pub kind: Option<String>,
    #[nla(type = 35, sub_message, selector = kind)]
    pub data: Option<Data>,
    #[nla(type = 36, u8)]
    pub num_kind: Option<u8>,
    #[nla(type = 37, sub_message, selector = num_kind, flagged)]
    pub num_data: Option<NumData>,
    #[nla(type = 38, nested, flagged)]
    pub a_flagged: Option<Inner>,
    #[nla(type = 39, u32, required)]
    pub a_required: u32,
    #[nla(type = 40, u16, reject_duplicate)]
    pub a_once: Option<u16>,
    #[nla(type = 41, nested)]
    pub a_lazy: Option<Box<Inner>>,
    #[nla(type = 42, bytes, exact_len = 3, name = "three-bytes")]
    pub a_exact: Option<Vec<u8>>,
}

impl Default for All {
    fn default() -> Self {
        All::decode_owned(&a_required(0)).unwrap()
    }
}

/// The bytes of the one required attribute, `a_required = v`.
fn a_required(v: u32) -> Vec<u8> {
    let mut b = MsgBuf::new();
    b.put_attr_u32(39, v).unwrap();
    b.to_vec()
}

/// Encodes `all` and returns the bytes after the required attribute (encoded last).
fn encode_body(all: &All) -> Vec<u8> {
    all.encode_to_vec().unwrap()
}

fn attr_bytes(all: &All, ty: u16) -> Vec<u8> {
    let bytes = encode_body(all);
    for a in nlwire::Attrs::new(&bytes) {
        let a = a.unwrap();
        if a.ty() == ty {
            let mut b = MsgBuf::new();
            b.put_attr(a.raw_type(), a.payload()).unwrap();
            return b.to_vec();
        }
    }
    panic!("attribute {ty} not encoded");
}

#[test]
fn variable_width_integers_pick_4_or_8_bytes() {
    let mut all = All::default();
    all.a_uint = Some(7);
    assert_eq!(attr_bytes(&all, 9), [8, 0, 9, 0, 7, 0, 0, 0]);
    all.a_uint = Some(1 << 40);
    assert_eq!(attr_bytes(&all, 9).len(), 12);
    all.a_sint = Some(-1);
    assert_eq!(attr_bytes(&all, 10), [8, 0, 10, 0, 0xff, 0xff, 0xff, 0xff]);
    let bytes = encode_body(&all);
    let v = All::decode(&bytes).unwrap();
    assert_eq!((v.a_uint, v.a_sint), (Some(1 << 40), Some(-1)));
}

#[test]
fn byte_orders() {
    let mut all = All::default();
    all.a_be16 = Some(0x0102);
    all.a_le32 = Some(0x0102_0304);
    all.a_fixed = Some(Pair {
        a: 1.into(),
        b: 0x0a0b_0c0d.into(),
    });
    assert_eq!(attr_bytes(&all, 11), [6, 0, 11, 0, 1, 2, 0, 0]);
    assert_eq!(attr_bytes(&all, 15), [8, 0, 15, 0, 4, 3, 2, 1]);
    let pair = attr_bytes(&all, 23);
    assert_eq!(&pair[4..8], &1u32.to_ne_bytes());
    assert_eq!(&pair[8..], &[0x0d, 0x0c, 0x0b, 0x0a]);
    let p = All::POLICY;
    assert!(p.get(11).unwrap().big_endian && !p.get(15).unwrap().big_endian);
}

#[test]
fn strings_and_bytes() {
    let mut all = All::default();
    all.a_string = Some("abc".into());
    all.a_cstring = Some(CString::new("xy").unwrap());
    all.a_unterminated = Some("u".into());
    assert_eq!(attr_bytes(&all, 19), [8, 0, 19, 0, b'a', b'b', b'c', 0]);
    let bytes = encode_body(&all);
    let v = All::decode(&bytes).unwrap();
    assert_eq!(v.a_string, Some("abc"));
    assert_eq!(v.a_cstring.unwrap().to_bytes(), b"xy");
    // unterminated_ok: a payload without NUL decodes.
    let mut b = MsgBuf::new();
    b.put(&a_required(0));
    b.put_attr(21, b"raw").unwrap();
    assert_eq!(
        All::decode(b.as_slice()).unwrap().a_unterminated,
        Some("raw")
    );
    // The same payload where a NUL is required is an error naming the attribute.
    let mut b = MsgBuf::new();
    b.put(&a_required(0));
    b.put_attr(19, b"raw").unwrap();
    assert_eq!(
        All::decode(b.as_slice()).unwrap_err().to_string(),
        "a-string: string does not end in NUL"
    );
    // max_len = 7 counts characters; the payload may be 8 with the NUL.
    let mut b = MsgBuf::new();
    b.put(&a_required(0));
    b.put_attr_str(19, "12345678").unwrap();
    assert_eq!(
        All::decode(b.as_slice()).unwrap_err().to_string(),
        "a-string: length 9, expected 1..=8"
    );
    let e = All::POLICY.get(19).unwrap();
    assert_eq!((e.kind, e.min_len, e.max_len), (AttrKind::String, 1, 8));
    assert_eq!(
        All::POLICY.get(21).unwrap().kind,
        AttrKind::StringUnterminated
    );
    // bytes: 2..=6, exact 3.
    for (len, ok) in [(1, false), (2, true), (6, true), (7, false)] {
        let mut b = MsgBuf::new();
        b.put(&a_required(0));
        b.put_attr(22, &vec![0; len]).unwrap();
        assert_eq!(All::decode(b.as_slice()).is_ok(), ok, "len {len}");
    }
    let mut b = MsgBuf::new();
    b.put(&a_required(0));
    b.put_attr(42, &[1, 2]).unwrap();
    assert_eq!(
        All::decode(b.as_slice()).unwrap_err().to_string(),
        "three-bytes: length 2, expected 3"
    );
}

#[test]
fn arrays_and_fixed() {
    let mut all = All::default();
    all.a_array = Some(vec![1.into(), 0x0a00_0001.into()]);
    assert_eq!(
        attr_bytes(&all, 24),
        [12, 0, 24, 0, 0, 0, 0, 1, 10, 0, 0, 1]
    );
    let bytes = encode_body(&all);
    let v = All::decode(&bytes).unwrap();
    assert_eq!(v.a_array.unwrap()[1].get(), 0x0a00_0001);
    // An array payload that is not a whole number of elements is refused.
    let mut b = MsgBuf::new();
    b.put(&a_required(0));
    b.put_attr(24, &[0; 6]).unwrap();
    assert!(matches!(
        All::decode(b.as_slice()),
        Err(Error::BadArrayLength {
            len: 6,
            elem: 4,
            ..
        })
    ));
    assert_eq!(All::POLICY.get(23).unwrap().max_len, 8);
}

#[test]
fn bitfield32_with_mask() {
    let mut all = All::default();
    all.a_bitfield = Some(Bitfield32 {
        value: 1,
        selector: 3,
    });
    let bytes = encode_body(&all);
    assert_eq!(All::decode(&bytes).unwrap().a_bitfield, all.a_bitfield);
    all.a_bitfield = Some(Bitfield32 {
        value: 0,
        selector: 0x100,
    });
    let e = All::decode(&encode_body(&all)).unwrap_err();
    assert!(matches!(e, Error::BadFlags { mask: 0xff, .. }), "{e}");
    assert_eq!(All::POLICY.get(26).unwrap().kind, AttrKind::Bitfield32);
}

#[test]
fn multi_attributes_are_lazy_iterators() {
    let mut all = All::default();
    all.a_multi = vec![5, 6, 7];
    all.a_multi_nested = vec![
        Inner {
            x: Some(1),
            s: None,
        },
        Inner::default(),
    ];
    let bytes = encode_body(&all);
    let v = All::decode(&bytes).unwrap();
    assert_eq!(v.a_multi.len(), 3);
    assert_eq!(v.a_multi.iter().collect::<Vec<_>>(), [5, 6, 7]);
    assert_eq!(v.a_multi_nested.iter().next().unwrap().x, Some(1));
    let p = All::POLICY.get(27).unwrap();
    assert!(p.multi);
    assert_eq!(All::decode_owned(&bytes).unwrap(), all);
}

#[test]
fn indexed_arrays_number_their_entries() {
    let mut all = All::default();
    all.a_indexed = Some(vec![
        Inner {
            x: Some(9),
            s: None,
        };
        2
    ]);
    all.a_indexed_u32 = Some(vec![10, 20]);
    let bytes = attr_bytes(&all, 30);
    // outer len 4 + two entries of 8; entries typed 1 and 2 (base = 1).
    assert_eq!(
        bytes,
        [
            20, 0, 30, 0, 8, 0, 1, 0, 10, 0, 0, 0, 8, 0, 2, 0, 20, 0, 0, 0
        ]
    );
    let bytes = encode_body(&all);
    let v = All::decode(&bytes).unwrap();
    let idx: Vec<_> = v.a_indexed_u32.unwrap().indexed().collect();
    assert_eq!(idx, [(1, 10), (2, 20)]);
    let nested: Vec<_> = v
        .a_indexed
        .unwrap()
        .indexed()
        .map(|(i, e)| (i, e.x))
        .collect();
    assert_eq!(nested, [(0, Some(9)), (1, Some(9))]);
    let p = All::POLICY.get(29).unwrap();
    assert_eq!(p.kind, AttrKind::NestedArray);
    assert_eq!(p.nested.unwrap().name, "inner");
    assert_eq!(All::POLICY.get(30).unwrap().kind, AttrKind::Nested);
}

#[test]
fn nest_type_value_keeps_the_types_as_data() {
    let mut all = All::default();
    all.a_type_value = Some(vec![
        (
            3,
            vec![(
                7,
                Inner {
                    x: Some(1),
                    s: None,
                },
            )],
        ),
        (4, vec![]),
    ]);
    let bytes = attr_bytes(&all, 31);
    assert_eq!(
        bytes,
        [
            24, 0, 31, 0, // outer: 4 + 16 + 4
            16, 0, 3, 0, // policy 3
            12, 0, 7, 0, // attr 7
            8, 0, 1, 0, 1, 0, 0, 0, // x = 1
            4, 0, 4, 0, // policy 4, empty
        ]
    );
    let owned = All::decode_owned(&encode_body(&all)).unwrap();
    assert_eq!(owned.a_type_value, all.a_type_value);
}

#[test]
fn sub_messages_follow_their_selector() {
    let mut all = All::default();
    all.kind = Some("both".into());
    all.data = Some(Data::Both(
        Odd3 { x: [1, 2, 3] },
        Inner {
            x: Some(4),
            s: None,
        },
    ));
    all.num_kind = Some(1);
    all.num_data = Some(NumData::One(Inner::default()));
    // The 3-byte fixed header is padded to 4 before the attributes.
    assert_eq!(
        attr_bytes(&all, 35),
        [16, 0, 35, 0, 1, 2, 3, 0, 8, 0, 1, 0, 4, 0, 0, 0]
    );
    // `flagged` sets NLA_F_NESTED on the sub-message attribute.
    assert_eq!(attr_bytes(&all, 37)[..4], [4, 0, 37, 0x80]);
    let bytes = encode_body(&all);
    let v = All::decode(&bytes).unwrap();
    assert!(matches!(v.data, Some(DataView::Both(h, i)) if h.x == [1, 2, 3] && i.x == Some(4)));
    assert_eq!(All::decode_owned(&bytes).unwrap(), all);

    // A selector value no variant knows: the attribute counts as unknown.
    let mut other = all.clone();
    other.kind = Some("mystery".into());
    let bytes = encode_body(&other);
    let v = All::decode(&bytes).unwrap();
    assert_eq!((v.data, v.unknown()), (None, 1));
    // No selector at all: same.
    other.kind = None;
    assert_eq!(All::decode(&encode_body(&other)).unwrap().data, None);
    // The selector may follow the sub-message on the wire.
    let mut b = MsgBuf::new();
    b.put(&attr_bytes(&all, 35));
    b.put(&attr_bytes(&all, 34));
    b.put(&a_required(0));
    assert!(All::decode(b.as_slice()).unwrap().data.is_some());
}

#[test]
fn flagged_nests_and_lazy_boxes() {
    let mut all = All::default();
    all.a_flagged = Some(Inner::default());
    all.a_lazy = Some(Box::new(Inner {
        x: Some(3),
        s: Some("lazy".into()),
    }));
    assert_eq!(attr_bytes(&all, 38), [4, 0, 38, 0x80]);
    let bytes = encode_body(&all);
    let v = All::decode(&bytes).unwrap();
    assert_eq!(v.a_lazy.unwrap().get().s, Some("lazy"));
    assert!(v.a_flagged.is_some_and(|i| i.x.is_none() && i.s.is_none()));
}

#[test]
fn ranges_required_and_duplicates() {
    let mut all = All::default();
    all.a_range = Some(21);
    assert_eq!(
        All::decode(&encode_body(&all)).unwrap_err().to_string(),
        "a-range: value 21 outside 10..=20"
    );
    all.a_range = Some(20);
    all.a_srange = Some(-6);
    assert_eq!(
        All::decode(&encode_body(&all)).unwrap_err().to_string(),
        "a-srange: value -6 outside -5..=5"
    );
    let r = All::POLICY.get(33).unwrap().range.unwrap();
    assert_eq!((r.min, r.max), (-5, 5));
    assert_eq!(
        All::decode(&[]).unwrap_err().to_string(),
        "<top>: required attribute a-required (type 39) is missing"
    );
    assert!(All::POLICY.get(39).unwrap().required);
    let mut b = MsgBuf::new();
    b.put(&a_required(0));
    b.put_attr_u16(40, 1).unwrap();
    b.put_attr_u16(40, 2).unwrap();
    assert_eq!(
        All::decode(b.as_slice()).unwrap_err().to_string(),
        "a-once: attribute appears more than once"
    );
    // Other repeats keep the last value (kernel semantics).
    let mut b = MsgBuf::new();
    b.put_attr_u32(39, 1).unwrap();
    b.put_attr_u32(39, 2).unwrap();
    assert_eq!(All::decode(b.as_slice()).unwrap().a_required, 2);
    // A flag with a payload is refused; pad attributes are skipped.
    let mut b = MsgBuf::new();
    b.put(&a_required(0));
    b.put_attr(50, &[0; 4]).unwrap();
    assert_eq!(All::decode(b.as_slice()).unwrap().unknown(), 0);
    b.put_attr(18, &[1]).unwrap();
    assert_eq!(
        All::decode(b.as_slice()).unwrap_err().to_string(),
        "a-flag: length 1, expected 0"
    );
}

// ---- limits

#[derive(Clone, Debug, PartialEq, nlwire::AttrSet)]
pub struct Chain {
    #[nla(type = 1, nested)]
    pub next: Option<Box<Chain>>,
}

#[derive(Clone, Debug, PartialEq, nlwire::AttrSet)]
pub enum Node {
    #[nla(type = 1, nested)]
    List(Vec<Node>),
    #[nla(type = 2, u32)]
    Leaf(u32),
    #[nla(unknown)]
    Other(RawAttr),
}

fn chain(levels: usize) -> Vec<u8> {
    let mut b = MsgBuf::new();
    fn nest(b: &mut MsgBuf<'_>, n: usize) {
        if n == 0 {
            return;
        }
        let t = b.start_nested(1);
        nest(b, n - 1);
        b.end_nested(t).unwrap();
    }
    nest(&mut b, levels);
    b.to_vec()
}

#[test]
fn nesting_depth_is_limited() {
    // Top level is depth 1; 31 nests reach depth 32, the default limit.
    assert!(Chain::decode(&chain(31)).is_ok());
    let e = Chain::decode(&chain(32)).unwrap_err();
    assert!(matches!(e, Error::TooDeep { limit: 32, .. }), "{e}");
    assert_eq!(e.path().unwrap().types().len(), 8); // inline path keeps the innermost 8
    let tight = Limits {
        max_depth: 4,
        ..Limits::DEFAULT
    };
    assert!(Chain::decode_with(&chain(3), &tight).is_ok());
    assert!(Chain::decode_with(&chain(4), &tight).is_err());
    // Lists count levels the same way as the generic validator.
    for levels in [30, 31, 32, 40] {
        let bytes = chain(levels);
        assert_eq!(
            <Vec<Node>>::decode(&bytes).is_ok(),
            <Vec<Node>>::POLICY.validate(&bytes).is_ok(),
            "{levels} levels"
        );
    }
}

#[test]
fn attribute_count_and_size_are_limited() {
    let mut b = MsgBuf::new();
    for i in 0..100 {
        b.put_attr_u32(2, i).unwrap();
    }
    let l = Limits {
        max_attrs: 99,
        ..Limits::DEFAULT
    };
    assert_eq!(
        <Vec<Node>>::decode_with(b.as_slice(), &l).unwrap_err(),
        Error::TooManyAttrs { limit: 99 }
    );
    let l = Limits {
        max_bytes: 100,
        ..Limits::DEFAULT
    };
    assert!(matches!(
        <Vec<Node>>::decode_with(b.as_slice(), &l),
        Err(Error::TooLarge { .. })
    ));
    assert_eq!(
        <Vec<Node>>::decode(b.as_slice()).unwrap().iter().count(),
        100
    );
}

#[test]
fn exactly_one_and_unknown_variants() {
    let mut b = MsgBuf::new();
    b.put_attr_u32(9, 1).unwrap();
    // An unknown type in an exactly-one set is kept by the `unknown` variant.
    let v = Node::decode(b.as_slice()).unwrap();
    assert!(matches!(v, NodeView::Other(a) if a.ty() == 9));
    assert_eq!(
        Node::decode_owned(b.as_slice()).unwrap(),
        Node::Other(RawAttr {
            ty: 9,
            payload: 1u32.to_ne_bytes().to_vec()
        })
    );
    b.put_attr_u32(2, 1).unwrap();
    assert!(matches!(
        Node::decode(b.as_slice()),
        Err(Error::NotExactlyOne { found: 2, .. })
    ));
}

// ---- properties

/// The test kit's generator, with the length-then-bytes draw these properties use.
struct Rng(nlwire_testkit::XorShift);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(nlwire_testkit::XorShift::new(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn bytes(&mut self, max: u64) -> Vec<u8> {
        let len = (self.next() % max) as usize;
        self.0.bytes(len)
    }
}

fn round_trip<T>(seed: u64) -> usize
where
    T: AttrSet + for<'a> Arbitrary<'a> + PartialEq + std::fmt::Debug,
{
    let mut rng = Rng::new(seed);
    let mut n = 0;
    for _ in 0..3000 {
        let raw = rng.bytes(2000);
        let Ok(x) = T::arbitrary(&mut Unstructured::new(&raw)) else {
            continue;
        };
        let bytes = x.encode_to_vec().unwrap();
        let back = T::decode_owned(&bytes).unwrap_or_else(|e| panic!("{e}: {x:?}"));
        assert_eq!(back, x);
        T::POLICY
            .validate(&bytes)
            .unwrap_or_else(|e| panic!("validator: {e}: {x:?}"));
        n += 1;
    }
    n
}

#[test]
fn arbitrary_values_round_trip() {
    assert!(round_trip::<All>(1) > 1500);
    assert!(round_trip::<Inner>(2) > 1500);
    assert!(round_trip::<Vec<Node>>(3) > 1500);
    assert!(round_trip::<Chain>(4) > 1500);
}

/// Touches every lazy part of a view (a failed re-decode of validated bytes is counted in
/// `nlwire::__private::redecode_failures`, which the caller checks).
fn walk(v: &AllView<'_>) -> usize {
    let mut n = v.a_multi.iter().count() + v.a_multi_nested.iter().count();
    if let Some(i) = v.a_indexed {
        n += i.iter().count();
    }
    if let Some(i) = v.a_indexed_u32 {
        n += i.indexed().count();
    }
    if let Some(l) = v.a_lazy {
        n += usize::from(l.get().x.is_some());
    }
    if let Some(t) = v.a_type_value {
        n += t
            .iter()
            .map(|(_, inner)| inner.iter().count())
            .sum::<usize>();
    }
    n + format!("{v:?}").len()
}

#[test]
fn hostile_bytes_never_panic_and_decode_canonically() {
    let mut rng = Rng::new(99);
    // Seeds: valid encodings of arbitrary values, then mutated.
    let mut seeds = Vec::new();
    while seeds.len() < 200 {
        let raw = rng.bytes(2000);
        if let Ok(x) = All::arbitrary(&mut Unstructured::new(&raw)) {
            seeds.push(x.encode_to_vec().unwrap());
        }
    }
    let mut decoded = 0;
    for i in 0..20_000 {
        let mut bytes = if i % 4 == 0 {
            rng.bytes(300)
        } else {
            seeds[(rng.next() as usize) % seeds.len()].clone()
        };
        if !bytes.is_empty() {
            for _ in 0..=(rng.next() % 4) {
                let at = (rng.next() as usize) % bytes.len();
                bytes[at] = rng.next() as u8;
            }
        }
        let Ok(v) = All::decode(&bytes) else { continue };
        decoded += 1;
        walk(&v);
        // What decodes re-encodes, and decodes to the same owned value.
        let owned = v.into_owned();
        let again = owned.encode_to_vec().unwrap();
        assert_eq!(All::decode_owned(&again).unwrap(), owned);
    }
    assert!(decoded > 1000, "only {decoded} mutated inputs decoded");
    assert_eq!(nlwire::__private::redecode_failures(), 0);
}

// ---- constant expressions in checks

const NAME_MAX: usize = 16;
const FEATURES: u32 = 0b1011;

#[derive(Clone, Debug, PartialEq, nlwire::AttrSet)]
pub struct Consts {
    #[nla(type = 1, string, max_len = NAME_MAX - 1)]
    pub name: Option<String>,
    #[nla(type = 2, u32, flags_mask = FEATURES)]
    pub features: Option<u32>,
    #[nla(type = 3, u8, min = 1, max = FEATURES)]
    pub level: Option<u8>,
}

#[test]
fn checks_take_constant_expressions() {
    let p = Consts::POLICY;
    assert_eq!(p.get(1).unwrap().max_len, 16);
    assert_eq!(p.get(2).unwrap().flags_mask, Some(0b1011));
    assert_eq!(
        p.get(3).unwrap().range.map(|r| (r.min, r.max)),
        Some((1, 11))
    );
    let ok = Consts {
        name: Some("a".repeat(15)),
        features: Some(0b1001),
        level: Some(11),
    };
    assert_eq!(
        Consts::decode_owned(&ok.encode_to_vec().unwrap()).unwrap(),
        ok
    );
    let long = Consts {
        name: Some("a".repeat(16)),
        ..ok.clone()
    };
    assert!(Consts::decode(&long.encode_to_vec().unwrap()).is_err());
}

// ---- two sub-messages sharing one selector (tc: `options` and `xstats` by `kind`)

#[derive(Clone, Debug, PartialEq, nlwire::SubMessage)]
pub enum Xstats {
    #[nla(value = "inner")]
    Inner(Inner),
    #[nla(value = "none")]
    Nothing,
}

#[derive(Clone, Debug, PartialEq, nlwire::AttrSet)]
pub struct Shared {
    #[nla(type = 1, string)]
    pub kind: Option<String>,
    #[nla(type = 2, sub_message, selector = kind)]
    pub options: Option<Data>,
    #[nla(type = 3, sub_message, selector = kind)]
    pub xstats: Option<Xstats>,
}

#[test]
fn sub_messages_sharing_a_selector_round_trip() {
    // Regression: the generated Arbitrary let the second sub-message overwrite the
    // selector the first one had set (found with the tc spec's generated types).
    assert!(round_trip::<Shared>(5) > 1500);
    let v = Shared {
        kind: Some("inner".into()),
        options: Some(Data::Inner(Inner::default())),
        xstats: Some(Xstats::Inner(Inner {
            x: Some(1),
            s: None,
        })),
    };
    assert_eq!(
        Shared::decode_owned(&v.encode_to_vec().unwrap()).unwrap(),
        v
    );
}
