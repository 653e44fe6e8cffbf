//! Unit tests of the runtime.

use super::*;
use crate::attr::Attr;
use crate::buf::MsgBuf;
use crate::error::Error;
use crate::limits::Limits;
use crate::policy::{AttrKind, AttrPolicy};

#[test]
fn depth_guard_restores() {
    let mut cx = DecodeCx::new(&Limits {
        max_depth: 1,
        ..Limits::DEFAULT
    });
    cx.enter().unwrap();
    assert!(matches!(cx.enter(), Err(Error::TooDeep { limit: 1, .. })));
    assert_eq!(cx.depth(), 1);
    cx.leave();
    assert_eq!(cx.depth(), 0);
}

#[test]
fn trusted_has_no_limits() {
    let mut cx = DecodeCx::trusted();
    for _ in 0..10 {
        cx.count().unwrap();
        cx.enter().unwrap();
    }
    assert_eq!(cx.depth(), 10);
}

#[test]
fn scalar_fields_round_trip() {
    let mut b = MsgBuf::new();
    Field::<kind::Be32>::put(&0x0a00_0001u32, &mut b, 7).unwrap();
    Field::<kind::Uint>::put(&(1u64 << 40), &mut b, 8).unwrap();
    let mut it = AttrCursor::new(b.as_slice());
    let mut cx = DecodeCx::trusted();
    let a = it.next().unwrap().unwrap();
    assert_eq!(a.payload(), &[10, 0, 0, 1]);
    assert_eq!(
        <u32 as Field<kind::Be32>>::get(a, &mut cx).unwrap(),
        0x0a00_0001
    );
    let a = it.next().unwrap().unwrap();
    assert_eq!(
        <u64 as Field<kind::Uint>>::get(a, &mut cx).unwrap(),
        1 << 40
    );
}

#[test]
fn checks_name_the_attribute() {
    const P: AttrPolicy = AttrPolicy::new("x", 4, AttrKind::U32).flags_mask(0xf);
    let e = P.check_value(4, 0x10).unwrap_err();
    assert_eq!(e.path().unwrap().types(), &[4]);
    const FLAG: AttrPolicy = AttrPolicy::new("f", 3, AttrKind::Flag);
    assert_eq!(
        FLAG.check_len(&Attr::new(3, &[0]))
            .unwrap_err()
            .path()
            .unwrap()
            .types(),
        &[3]
    );
}

#[test]
fn selectors() {
    let mut s = String::new();
    s.set_selector(Selector::Str("vlan"));
    assert_eq!(s, "vlan");
    let mut n: Option<u16> = None;
    n.set_selector(Selector::Int(5));
    assert_eq!(n, Some(5));
    assert_eq!(Some("x").as_selector(), Some(Selector::Str("x")));
}
