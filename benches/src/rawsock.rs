//! A minimal blocking AF_NETLINK socket over libc, for the recorder and for the
//! transport/route workloads' setup. (The measured nlwire transport is `nlwire::sock`.)

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

pub struct RawSock {
    fd: OwnedFd,
    pub portid: u32,
}

fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

impl RawSock {
    pub fn open(protocol: i32) -> io::Result<Self> {
        unsafe {
            let fd = cvt(libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                protocol,
            ))?;
            let fd = OwnedFd::from_raw_fd(fd);
            let mut sa: libc::sockaddr_nl = std::mem::zeroed();
            sa.nl_family = libc::AF_NETLINK as u16;
            cvt(libc::bind(
                fd.as_raw_fd(),
                &sa as *const _ as *const libc::sockaddr,
                size_of::<libc::sockaddr_nl>() as u32,
            ))?;
            let mut len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            cvt(libc::getsockname(
                fd.as_raw_fd(),
                &mut sa as *mut _ as *mut libc::sockaddr,
                &mut len,
            ))?;
            let one: libc::c_int = 1;
            // Extended ack and capped acks, as every library here enables.
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_NETLINK,
                libc::NETLINK_EXT_ACK,
                &one as *const _ as *const libc::c_void,
                4,
            );
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_NETLINK,
                libc::NETLINK_CAP_ACK,
                &one as *const _ as *const libc::c_void,
                4,
            );
            Ok(RawSock {
                fd,
                portid: sa.nl_pid,
            })
        }
    }

    pub fn set_rcvbuf(&self, bytes: i32) {
        unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_RCVBUFFORCE,
                &bytes as *const _ as *const libc::c_void,
                4,
            );
        }
    }

    pub fn send(&self, bytes: &[u8]) -> io::Result<usize> {
        unsafe {
            let mut sa: libc::sockaddr_nl = std::mem::zeroed();
            sa.nl_family = libc::AF_NETLINK as u16;
            let n = libc::sendto(
                self.fd.as_raw_fd(),
                bytes.as_ptr().cast(),
                bytes.len(),
                0,
                &sa as *const _ as *const libc::sockaddr,
                size_of::<libc::sockaddr_nl>() as u32,
            );
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        }
    }

    /// Receives one datagram into `buf` (resized to its length); fails on MSG_TRUNC.
    pub fn recv(&self, buf: &mut Vec<u8>) -> io::Result<usize> {
        if buf.capacity() < 65536 {
            buf.reserve(65536 - buf.len());
        }
        unsafe {
            buf.set_len(buf.capacity());
            let n = libc::recv(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                libc::MSG_TRUNC,
            );
            if n < 0 {
                buf.set_len(0);
                return Err(io::Error::last_os_error());
            }
            let n = n as usize;
            if n > buf.len() {
                buf.set_len(0);
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "datagram truncated",
                ));
            }
            buf.set_len(n);
            Ok(n)
        }
    }
}

impl AsRawFd for RawSock {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

/// Runs `f` with the calling thread moved into the network namespace at `path`
/// (e.g. /var/run/netns/NAME), then moves it back.
pub fn in_netns<T>(path: &str, f: impl FnOnce() -> T) -> io::Result<T> {
    let own = std::fs::File::open("/proc/thread-self/ns/net")?;
    let target = std::fs::File::open(path)?;
    unsafe {
        cvt(libc::setns(target.as_raw_fd(), libc::CLONE_NEWNET))?;
    }
    let r = f();
    unsafe {
        cvt(libc::setns(own.as_raw_fd(), libc::CLONE_NEWNET))?;
    }
    Ok(r)
}

/// Sends a dump request and returns every datagram of the reply, up to and including
/// the one holding NLMSG_DONE. Fails on NLMSG_ERROR or a dump interrupted flag.
pub fn dump(sock: &RawSock, request: &[u8]) -> io::Result<Vec<Vec<u8>>> {
    sock.send(request)?;
    let mut out = Vec::new();
    loop {
        let mut buf = Vec::with_capacity(65536);
        sock.recv(&mut buf)?;
        let mut done = false;
        for m in nlwire::Messages::new(&buf) {
            let m = m.map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            if m.is_dump_interrupted() {
                return Err(io::Error::new(
                    io::ErrorKind::Interrupted,
                    "NLM_F_DUMP_INTR",
                ));
            }
            match m
                .kind()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?
            {
                nlwire::MsgKind::Done(_) => done = true,
                nlwire::MsgKind::Error(e) if e.errno != 0 => {
                    return Err(io::Error::from_raw_os_error(e.errno));
                }
                _ => {}
            }
        }
        out.push(buf);
        if done {
            return Ok(out);
        }
    }
}

/// Reads a recording: datagrams each preceded by a little-endian u32 length.
pub fn read_recording(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut p = 0;
    while p + 4 <= bytes.len() {
        let n = u32::from_le_bytes(bytes[p..p + 4].try_into().unwrap()) as usize;
        out.push(bytes[p + 4..p + 4 + n].to_vec());
        p += 4 + n;
    }
    out
}

/// Writes a recording (see [`read_recording`]).
pub fn write_recording(datagrams: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for d in datagrams {
        out.extend((d.len() as u32).to_le_bytes());
        out.extend(d);
    }
    out
}
