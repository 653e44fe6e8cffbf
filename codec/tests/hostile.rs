//! Hostile inputs stay within fixed memory: a 64 KiB datagram of maximally nested
//! attributes and a datagram of 16,000 tiny attributes decode with zero allocations and
//! a bounded walk.

use nlwire::consts::*;
use nlwire::{AttrIndex, AttrKind, AttrPolicy, Attrs, Error, Limits, Messages, MsgBuf, Policy};

use nlwire_testkit::alloc::CountingAlloc;

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn allocations_in<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let (r, usage) = nlwire_testkit::alloc::measure(f);
    (r, usage.allocs)
}

static NEST: Policy = Policy::new(
    "nest",
    &[AttrPolicy::new("nest", 1, AttrKind::Nested).nested(&NEST)],
);
static TINY: Policy = Policy::new(
    "tiny",
    &[AttrPolicy::new("flag", 1, AttrKind::Flag).multi()],
);

/// One message whose body is a chain of nested attributes filling 64 KiB: each level is
/// a 4-byte header around the next.
fn max_nested_datagram() -> Vec<u8> {
    let levels = (65_536 - NLMSG_HDRLEN) / NLA_HDRLEN;
    let body = levels * NLA_HDRLEN;
    let mut v = Vec::with_capacity(NLMSG_HDRLEN + body);
    v.extend(((NLMSG_HDRLEN + body) as u32).to_ne_bytes());
    v.extend(0x10u16.to_ne_bytes());
    v.extend([0; 10]);
    for level in 0..levels {
        let len = ((levels - level) * NLA_HDRLEN).min(u16::MAX as usize) as u16;
        v.extend(len.to_ne_bytes());
        v.extend(1u16.to_ne_bytes());
    }
    v
}

#[test]
fn max_nested_64k_datagram_stops_at_the_depth_limit_without_allocating() {
    let d = max_nested_datagram();
    assert_eq!(d.len(), 65_536);
    let (res, n) = allocations_in(|| {
        let m = Messages::new(&d).next().unwrap().unwrap();
        NEST.validate(m.payload())
    });
    assert_eq!(n, 0);
    assert!(
        matches!(res, Err(Error::TooDeep { limit: 32, .. })),
        "{res:?}"
    );
    let (res, n) = allocations_in(|| {
        let m = Messages::new(&d).next().unwrap().unwrap();
        NEST.validate_with(
            m.payload(),
            &Limits {
                max_depth: 20_000,
                ..Limits::DEFAULT
            },
            None,
        )
    });
    assert_eq!(n, 0);
    assert!(
        matches!(
            res,
            Err(Error::TooDeep {
                limit: Limits::DEPTH_CEILING,
                ..
            })
        ),
        "{res:?}"
    );
}

#[test]
fn sixteen_thousand_tiny_attributes_index_and_validate_without_allocating() {
    let mut b = MsgBuf::with_capacity(70_000);
    let m = b.start_msg(0x10, NLM_F_MULTI);
    for _ in 0..16_000 {
        b.put_attr_flag(1).unwrap();
    }
    b.end_msg(m).unwrap();
    let d = b.to_vec();
    let ((count, valid, idx_count), n) = allocations_in(|| {
        let m = Messages::new(&d).next().unwrap().unwrap();
        let count = Attrs::new(m.payload()).validate().unwrap();
        let valid = TINY.validate(m.payload()).is_ok();
        let idx = AttrIndex::<4>::parse(m.payload()).unwrap();
        (count, valid, idx.count())
    });
    assert_eq!(n, 0);
    assert_eq!((count, valid, idx_count), (16_000, true, 16_000));
    let low = Limits {
        max_attrs: 10_000,
        ..Limits::DEFAULT
    };
    let m = Messages::new(&d).next().unwrap().unwrap();
    assert_eq!(
        TINY.validate_with(m.payload(), &low, None),
        Err(Error::TooManyAttrs { limit: 10_000 })
    );
    assert!(matches!(
        AttrIndex::<4>::parse_with(m.payload(), &low),
        Err(Error::TooManyAttrs { .. })
    ));
}

#[test]
fn total_size_limit_applies() {
    let payload = vec![0u8; 100];
    let small = Limits {
        max_bytes: 64,
        ..Limits::DEFAULT
    };
    assert_eq!(
        TINY.validate_with(&payload, &small, None),
        Err(Error::TooLarge {
            len: 100,
            limit: 64
        })
    );
}
