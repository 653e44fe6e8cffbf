//! The C reference (csrc/mnl_ovs.c, libmnl) called through FFI.

use super::model::{Flow, FlowKey};
use core::ffi::c_void;

type Sink = unsafe extern "C" fn(*const Flow, *mut c_void);

unsafe extern "C" {
    fn nlwb_sizeof_flow() -> usize;
    fn nlwb_sizeof_flow_key() -> usize;
    fn nlwb_mnl_ovs_decode_dump(
        buf: *const c_void,
        len: usize,
        sink: Sink,
        data: *mut c_void,
    ) -> libc::c_long;
    fn nlwb_mnl_ovs_encode_puts(buf: *mut c_void, flows: *const Flow, n: usize) -> usize;
}

/// True when the C structs have the Rust layouts' sizes.
pub fn layouts_match() -> bool {
    unsafe {
        nlwb_sizeof_flow() == size_of::<Flow>() && nlwb_sizeof_flow_key() == size_of::<FlowKey>()
    }
}

unsafe extern "C" fn trampoline<F: FnMut(&Flow)>(f: *const Flow, data: *mut c_void) {
    let sink = unsafe { &mut *(data as *mut F) };
    sink(unsafe { &*f });
}

/// Decodes a dump-reply datagram with libmnl; `None` when libmnl reports an error.
pub fn decode_dump<F: FnMut(&Flow)>(datagram: &[u8], mut sink: F) -> Option<usize> {
    let n = unsafe {
        nlwb_mnl_ovs_decode_dump(
            datagram.as_ptr().cast(),
            datagram.len(),
            trampoline::<F>,
            (&mut sink as *mut F).cast(),
        )
    };
    usize::try_from(n).ok()
}

/// Encodes one OVS_FLOW_CMD_NEW per flow into `buf` (reused; grown to `cap` once).
pub fn encode_puts(buf: &mut Vec<u8>, flows: &[Flow], cap: usize) -> usize {
    if buf.len() < cap {
        buf.resize(cap, 0);
    }
    unsafe { nlwb_mnl_ovs_encode_puts(buf.as_mut_ptr().cast(), flows.as_ptr(), flows.len()) }
}

unsafe extern "C" {
    fn nlwb_c_ovs_decode_dump(
        buf: *const c_void,
        len: usize,
        sink: Sink,
        data: *mut c_void,
    ) -> libc::c_long;
}

/// Decodes with the hand-rolled C walk of csrc/c_ovs.c (no libmnl calls).
pub fn c_decode_dump<F: FnMut(&Flow)>(datagram: &[u8], mut sink: F) -> Option<usize> {
    let n = unsafe {
        nlwb_c_ovs_decode_dump(
            datagram.as_ptr().cast(),
            datagram.len(),
            trampoline::<F>,
            (&mut sink as *mut F).cast(),
        )
    };
    usize::try_from(n).ok()
}
