//! Target: arbitrary sequences of buffer operations compared with a plain `Vec` model.

use arbitrary::{Arbitrary, Unstructured};
use nlwire::MsgBuf;

/// One buffer operation. Sizes are kept small so that a run explores sequences, not memsets.
#[derive(Arbitrary, Debug)]
enum Op {
    ReserveHeadroom(u8),
    ReserveTailroom(u8),
    Put(Vec<u8>),
    PutZeros(u8),
    PutSlot(u8),
    Push(Vec<u8>),
    PushZeros(u8),
    Pull(u8),
    Truncate(u16),
    Clear,
    PutAttr(u16, Vec<u8>),
    PushAttr(u16, Vec<u8>),
    Nested(u16, u8),
}

fn attr_bytes(ty: u16, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(4 + payload.len() + 3);
    v.extend(((4 + payload.len()) as u16).to_ne_bytes());
    v.extend(ty.to_ne_bytes());
    v.extend(payload);
    v.resize(v.len().next_multiple_of(4), 0);
    v
}

fn run(buf: &mut MsgBuf<'_>, ops: &[Op]) {
    let mut model: Vec<u8> = Vec::new();
    let mut peak = buf.capacity();
    for op in ops {
        match op {
            Op::ReserveHeadroom(n) => {
                buf.reserve_headroom(*n as usize);
                assert!(buf.headroom() >= *n as usize);
            }
            Op::ReserveTailroom(n) => {
                buf.reserve_tailroom(*n as usize);
                assert!(buf.tailroom() >= *n as usize);
            }
            Op::Put(b) => {
                buf.put(b);
                model.extend_from_slice(b);
            }
            Op::PutZeros(n) => {
                assert!(buf.put_zeros(*n as usize).iter().all(|b| *b == 0));
                model.resize(model.len() + *n as usize, 0);
            }
            Op::PutSlot(n) => {
                let slot = buf.put_slot(*n as usize);
                slot.fill(0xa5);
                model.resize(model.len() + *n as usize, 0xa5);
            }
            Op::Push(b) => {
                buf.push(b);
                model.splice(0..0, b.iter().copied());
            }
            Op::PushZeros(n) => {
                buf.push_zeros(*n as usize);
                model.splice(0..0, std::iter::repeat_n(0, *n as usize));
            }
            Op::Pull(n) => {
                let n = *n as usize;
                let got = buf.pull(n).map(<[u8]>::to_vec);
                if n <= model.len() {
                    assert_eq!(got.as_deref(), Some(&model[..n]));
                    model.drain(..n);
                } else {
                    assert_eq!(got, None);
                }
            }
            Op::Truncate(n) => {
                buf.truncate(*n as usize);
                model.truncate(*n as usize);
            }
            Op::Clear => {
                buf.clear();
                model.clear();
                assert!(buf.headroom() <= buf.capacity());
            }
            Op::PutAttr(ty, p) => {
                buf.put_attr(*ty, p).expect("payloads here are small");
                model.extend(attr_bytes(*ty, p));
            }
            Op::PushAttr(ty, p) => {
                buf.push_attr(*ty, p).expect("payloads here are small");
                model.splice(0..0, attr_bytes(*ty, p));
            }
            Op::Nested(ty, inner) => {
                let nest = buf.start_nested(*ty);
                buf.put_attr_u8(1, *inner).expect("small");
                buf.end_nested(nest).expect("small nest");
                let mut inner_bytes = attr_bytes(1, &[*inner]);
                let mut outer = attr_bytes(*ty, &[]);
                outer[..2].copy_from_slice(&(4 + inner_bytes.len() as u16).to_ne_bytes());
                outer.append(&mut inner_bytes);
                model.extend(outer);
            }
        }
        assert_eq!(buf.as_slice(), &model[..]);
        assert_eq!(buf.len(), model.len());
        assert_eq!(buf.headroom() + buf.len() + buf.tailroom(), buf.capacity());
        peak = peak.max(buf.len() + 1024);
        assert!(
            buf.capacity() <= 4 * peak + 512,
            "capacity {} for peak {peak}",
            buf.capacity()
        );
    }
}

/// Runs a sequence of operations decoded from `data` on a stub-backed or heap buffer and
/// checks every step against the model. Panics on any divergence.
///
/// ```
/// nlwire_fuzz::buffer_model(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
/// ```
pub fn buffer_model(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let use_stub: bool = u.arbitrary().unwrap_or(false);
    let stub_len: u8 = u.arbitrary().unwrap_or(0);
    let Ok(ops) = u.arbitrary::<Vec<Op>>() else {
        return;
    };
    if use_stub {
        let mut stub = vec![0u8; stub_len as usize];
        run(&mut MsgBuf::with_stub(&mut stub), &ops);
    } else {
        run(&mut MsgBuf::new(), &ops);
    }
}
