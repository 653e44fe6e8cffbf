//! Encoding into a reused buffer and decoding a message allocate nothing (counted by a
//! global allocator that tallies the current thread's allocations).

use nlwire::consts::*;
use nlwire::{
    AttrIndex, AttrKind, AttrPolicy, Attrs, Messages, MsgBuf, MsgKind, OvsHeader, Policy,
};

use nlwire_testkit::alloc::{CountingAlloc, allocations_in};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

static KEY: Policy = Policy::new(
    "key",
    &[
        AttrPolicy::new("in-port", 3, AttrKind::U32),
        AttrPolicy::new("ethernet", 4, AttrKind::Binary).exact_len(12),
        AttrPolicy::new("eth-type", 6, AttrKind::U16).big_endian(),
    ],
);
static FLOW: Policy = Policy::new(
    "flow",
    &[
        AttrPolicy::new("key", 1, AttrKind::Nested)
            .nested(&KEY)
            .required(),
        AttrPolicy::new("actions", 2, AttrKind::Nested),
        AttrPolicy::new("ufid", 9, AttrKind::Binary)
            .min_len(1)
            .max_len(16),
    ],
);

fn encode_flow(b: &mut MsgBuf<'_>, port: u32) {
    b.clear();
    let m = b.start_genl_msg(0x1e, NLM_F_REQUEST | NLM_F_ECHO, 1, 1);
    b.put(nlwire::zerocopy::IntoBytes::as_bytes(&OvsHeader::new(3)));
    b.put_attr_u128(9, 0x1234).unwrap();
    let key = b.start_nested(1);
    b.put_attr_u32(3, port).unwrap();
    b.put_attr(4, &[0; 12]).unwrap();
    b.put_attr_be16(6, 0x0800).unwrap();
    b.end_nested(key).unwrap();
    let acts = b.start_nested(2);
    for p in 0..8 {
        b.put_attr_u32(1, p).unwrap();
    }
    b.end_nested(acts).unwrap();
    b.end_msg(m).unwrap();
}

fn decode_flow(bytes: &[u8]) -> u32 {
    let mut sum = 0;
    for m in Messages::new(bytes) {
        let m = m.unwrap();
        assert!(matches!(m.kind().unwrap(), MsgKind::Data));
        let (_, ovs, attrs) = m.genl_fixed::<OvsHeader>("ovs_header").unwrap();
        FLOW.validate(attrs).unwrap();
        let idx = AttrIndex::<12>::parse(attrs).unwrap();
        let key = AttrIndex::<32>::parse(idx.get(1).unwrap().payload()).unwrap();
        sum += key.get(3).unwrap().get_u32().unwrap() + ovs.dp_ifindex.get() as u32;
        sum += idx.get(9).unwrap().get_u128().unwrap() as u32;
        for a in Attrs::new(idx.get(2).unwrap().payload()) {
            sum += a.unwrap().get_u32().unwrap();
        }
    }
    sum
}

#[test]
fn encode_into_reused_buffer_and_decode_allocate_nothing() {
    let mut heap = MsgBuf::new();
    encode_flow(&mut heap, 1);
    let n = allocations_in(|| {
        for port in 0..1000 {
            encode_flow(&mut heap, port);
        }
    });
    assert_eq!(
        n, 0,
        "encoding into a warmed-up heap buffer allocated {n} times"
    );

    let mut stub = [0u8; 256];
    let n = allocations_in(|| {
        let mut b = MsgBuf::with_stub(&mut stub);
        encode_flow(&mut b, 4);
        assert!(!b.is_heap());
    });
    assert_eq!(n, 0, "encoding into a stub allocated {n} times");

    let mut datagram = Vec::new();
    for port in 0..50 {
        encode_flow(&mut heap, port);
        datagram.extend_from_slice(heap.as_slice());
    }
    let mut sum = 0;
    let n = allocations_in(|| sum = decode_flow(&datagram));
    assert_eq!(n, 0, "decoding allocated {n} times");
    assert_eq!(sum, (0..50).sum::<u32>() + 50 * (3 + 0x1234 + 28));
}

#[test]
fn a_counted_allocation_is_seen() {
    let n = allocations_in(|| drop(std::hint::black_box(vec![1u8; 10])));
    assert_eq!(n, 1);
}
