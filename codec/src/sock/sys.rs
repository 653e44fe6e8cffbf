//! The only `unsafe` code in the crate: the `SOL_NETLINK` socket options and the
//! `recvmsg` that reads the `NETLINK_LISTEN_ALL_NSID` control message, neither of which
//! rustix covers. Everything else (socket, bind, connect, getsockname, sendmsg, recvmsg,
//! `SO_RCVBUF[FORCE]`) goes through rustix's safe API in [`super::kernel`].
#![allow(unsafe_code)]

use std::io::{self, IoSliceMut};
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, BorrowedFd};

/// `setsockopt(fd, level, name, &value, sizeof(int))`.
pub(crate) fn set_int_option(
    fd: BorrowedFd<'_>,
    level: i32,
    name: i32,
    value: i32,
) -> io::Result<()> {
    // SAFETY: `fd` is a live descriptor for the duration of the borrow; the kernel reads
    // exactly `size_of::<c_int>()` bytes from `&value`, which is a valid, initialised
    // `c_int` on our stack for the whole call.
    let rc = unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            level,
            name,
            (&value as *const i32).cast::<libc::c_void>(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// What [`recvmsg_nsid`] read.
pub(crate) struct RecvNsid {
    /// Full datagram length (`MSG_TRUNC` is passed, so this may exceed the iovecs).
    pub len: usize,
    /// The kernel set `MSG_TRUNC` in the returned flags.
    pub truncated: bool,
    /// `nl_pid` of the sender's `sockaddr_nl`, `None` if the kernel gave no address.
    pub sender: Option<u32>,
    /// The `NETLINK_LISTEN_ALL_NSID` control message: the peer namespace id.
    pub nsid: Option<i32>,
}

/// `recvmsg(fd, {name: sockaddr_nl, iov, control}, MSG_TRUNC [| MSG_DONTWAIT])`, reading
/// the sender's port id and the namespace id control message.
pub(crate) fn recvmsg_nsid(
    fd: BorrowedFd<'_>,
    iov: &mut [IoSliceMut<'_>],
    dontwait: bool,
) -> io::Result<RecvNsid> {
    // 8-byte aligned room for a few control messages (one `int` each).
    let mut control = [0u64; 16];
    // SAFETY: an all-zero `sockaddr_nl` and `msghdr` are valid values of these plain C
    // structs.
    let mut addr: libc::sockaddr_nl = unsafe { zeroed() };
    // SAFETY: as above.
    let mut hdr: libc::msghdr = unsafe { zeroed() };
    hdr.msg_name = (&mut addr as *mut libc::sockaddr_nl).cast();
    hdr.msg_namelen = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // `IoSliceMut` is documented to be ABI-compatible with `struct iovec` on Unix.
    hdr.msg_iov = iov.as_mut_ptr().cast::<libc::iovec>();
    hdr.msg_iovlen = iov.len() as _;
    hdr.msg_control = control.as_mut_ptr().cast();
    hdr.msg_controllen = size_of::<[u64; 16]>() as _;
    let flags = libc::MSG_TRUNC | if dontwait { libc::MSG_DONTWAIT } else { 0 };
    // SAFETY: every pointer in `hdr` points at live memory we own or mutably borrow
    // (`addr`, the iovecs' buffers, `control`) with the lengths given, for the whole call;
    // the kernel writes only within those lengths.
    let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut hdr, flags) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut nsid = None;
    // SAFETY: `hdr` was filled by a successful recvmsg, so `msg_control`/`msg_controllen`
    // describe initialised control messages inside `control`; CMSG_FIRSTHDR/NXTHDR stay
    // within that length and return null at its end.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&hdr);
        while !c.is_null() {
            let cm = &*c;
            let data_len = (cm.cmsg_len as usize).saturating_sub(libc::CMSG_LEN(0) as usize);
            if cm.cmsg_level == libc::SOL_NETLINK
                && cm.cmsg_type == libc::NETLINK_LISTEN_ALL_NSID
                && data_len >= size_of::<i32>()
            {
                nsid = Some(libc::CMSG_DATA(c).cast::<i32>().read_unaligned());
            }
            c = libc::CMSG_NXTHDR(&hdr, c);
        }
    }
    let sender = (hdr.msg_namelen as usize >= size_of::<libc::sockaddr_nl>()
        && addr.nl_family as i32 == libc::AF_NETLINK)
        .then_some(addr.nl_pid);
    Ok(RecvNsid {
        len: n as usize,
        truncated: hdr.msg_flags & libc::MSG_TRUNC != 0,
        sender,
        nsid,
    })
}
