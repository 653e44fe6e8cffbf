//! Property: for every derived type, `decode(encode(x)) == x` over arbitrary values, and the
//! generic policy validator accepts what the encoder wrote. Values come from `arbitrary`
//! fed by a fixed-seed xorshift generator, so every run checks the same few thousand
//! cases; the generated `Arbitrary` impls respect the annotations (lengths, masks,
//! required attributes), so every value is encodable.

use std::fmt::Debug;

use nlwire::arbitrary::{Arbitrary, Unstructured};
use nlwire::consts::NLM_F_REQUEST;
use nlwire::zerocopy::IntoBytes;
use nlwire::{AttrSet, Message, Msg, MsgBuf};
use nlwire_testkit::XorShift;
use ovs_handwritten::*;

const CASES: usize = 3000;

/// 16 to 1515 deterministic bytes for `Unstructured`.
fn rng_bytes(rng: &mut XorShift) -> Vec<u8> {
    let len = 16 + rng.below(1500);
    rng.bytes(len)
}

/// Runs `check` over `CASES` arbitrary values of `T`; returns how many were generated.
fn for_arbitrary<T: for<'a> Arbitrary<'a>>(seed: u64, mut check: impl FnMut(T)) -> usize {
    let mut rng = XorShift::new(seed);
    let mut generated = 0;
    for _ in 0..CASES {
        let bytes = rng_bytes(&mut rng);
        let mut u = Unstructured::new(&bytes);
        if let Ok(v) = T::arbitrary(&mut u) {
            check(v);
            generated += 1;
        }
    }
    generated
}

fn round_trip_set<T>(seed: u64)
where
    T: AttrSet + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    let mut buf = MsgBuf::new();
    let n = for_arbitrary::<T>(seed, |x| {
        buf.clear();
        x.encode(&mut buf).unwrap();
        let view = T::decode(buf.as_slice())
            .unwrap_or_else(|e| panic!("decode failed: {e}\nvalue: {x:?}"));
        assert_eq!(T::from_view(view), x);
        T::POLICY
            .validate(buf.as_slice())
            .unwrap_or_else(|e| panic!("policy rejects encoder output: {e}\nvalue: {x:?}"));
    });
    assert!(n > CASES / 2, "only {n} of {CASES} cases generated");
}

fn round_trip_msg<T>(seed: u64)
where
    T: Message + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    let mut buf = MsgBuf::new();
    let n = for_arbitrary::<T>(seed, |x| {
        buf.clear();
        x.encode(&mut buf, 0x1e, NLM_F_REQUEST).unwrap();
        assert_eq!(Msg::parse(buf.as_slice()).unwrap().bytes().len(), buf.len());
        let view = T::decode(buf.as_slice())
            .unwrap_or_else(|e| panic!("decode failed: {e}\nvalue: {x:?}"));
        assert_eq!(T::from_view(view), x);
    });
    assert!(n > CASES / 2, "only {n} of {CASES} cases generated");
}

fn round_trip_wire<T>(seed: u64)
where
    T: for<'a> Arbitrary<'a>
        + IntoBytes
        + nlwire::zerocopy::FromBytes
        + nlwire::zerocopy::Immutable
        + PartialEq
        + Debug,
{
    for_arbitrary::<T>(seed, |x| {
        assert_eq!(T::read_from_bytes(x.as_bytes()).unwrap(), x);
    });
}

#[test]
fn flow() {
    round_trip_set::<Flow>(1);
}

#[test]
fn flow_key() {
    round_trip_set::<FlowKey>(2);
}

#[test]
fn tunnel_key() {
    round_trip_set::<TunnelKey>(3);
}

#[test]
fn userspace() {
    round_trip_set::<Userspace>(4);
}

#[test]
fn sample() {
    round_trip_set::<Sample>(5);
}

#[test]
fn ct_and_nat() {
    round_trip_set::<Ct>(6);
    round_trip_set::<Nat>(7);
}

#[test]
fn set_key_exactly_one() {
    round_trip_set::<SetKey>(8);
}

#[test]
fn action_as_exactly_one_and_as_list() {
    round_trip_set::<Action>(9);
    round_trip_set::<Vec<Action>>(10);
}

#[test]
fn messages() {
    round_trip_msg::<FlowNew>(11);
    round_trip_msg::<FlowDel>(12);
    round_trip_msg::<FlowGet>(13);
}

#[test]
fn wire_structs() {
    round_trip_wire::<OvsKeyEthernet>(14);
    round_trip_wire::<OvsKeyIpv4>(15);
    round_trip_wire::<OvsKeyIpv6>(16);
    round_trip_wire::<OvsKeyCtTupleIpv4>(17);
    round_trip_wire::<OvsFlowStats>(18);
}

#[test]
fn generated_values_cover_the_interesting_shapes() {
    // Guard against a generator that only ever makes empty values.
    let (mut nested_actions, mut encap, mut unknown_actions, mut sets) = (0, 0, 0, 0);
    for_arbitrary::<Flow>(21, |f| {
        if let Some(a) = &f.actions {
            for act in a {
                match act {
                    Action::Sample(_) | Action::Clone(_) => nested_actions += 1,
                    Action::Other(_) => unknown_actions += 1,
                    Action::Set(_) => sets += 1,
                    _ => {}
                }
            }
        }
        if f.key.as_ref().is_some_and(|k| k.encap.is_some()) {
            encap += 1;
        }
    });
    assert!(
        nested_actions > 10 && encap > 10 && unknown_actions > 10 && sets > 10,
        "{nested_actions} {encap} {unknown_actions} {sets}"
    );
}
