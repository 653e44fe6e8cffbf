//! rtnetlink route workload in a namespace made for it: install 100,000 IPv4 /32
//! routes through a veth (this host has no `dummy` module), and dump them.
//! nlwire: RTM_NEWROUTE requests built with `MsgBuf` in reused `Transaction`s and sent
//! with `transact_multiple`; dumps with `Socket::dump`. iproute2: `ip -batch` with one
//! `route add` per line, and `ip route show` to /dev/null.

use std::io::Write;
use std::process::{Command, Stdio};

use nlwire::consts::{NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST};
use nlwire::sock::{Socket, Transaction};
use nlwire::zerocopy::native_endian::U32;
use nlwire::zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};
use nlwire::{Attrs, MsgBuf};

use crate::rawsock::in_netns;

pub const ROUTES: usize = 100_000;
pub const NETNS: &str = "nlwire-bench-routes";
pub const DEV: &str = "veth0";

const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_PRIORITY: u16 = 6;
const RTA_PREFSRC: u16 = 7;
const RTA_TABLE: u16 = 15;
const RTA_GATEWAY: u16 = 5;

/// `struct rtmsg`.
#[derive(Clone, Copy, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct RtMsg {
    pub family: u8,
    pub dst_len: u8,
    pub src_len: u8,
    pub tos: u8,
    pub table: u8,
    pub protocol: u8,
    pub scope: u8,
    pub kind: u8,
    pub flags: U32,
}

/// The i-th route's destination: 10.0.0.0 + i (host order).
pub fn dst(i: usize) -> u32 {
    0x0a00_0000 + i as u32
}

fn ip(args: &[&str]) {
    let st = Command::new("ip").args(args).status().expect("run ip");
    assert!(st.success(), "ip {args:?} failed");
}

/// The namespace and its veth pair; deleted on drop.
pub struct Netns;

impl Netns {
    pub fn create() -> Self {
        let _ = Command::new("ip")
            .args(["netns", "del", NETNS])
            .stderr(Stdio::null())
            .status();
        ip(&["netns", "add", NETNS]);
        let ns = Netns;
        ns.reset_link();
        ns
    }

    pub fn path(&self) -> String {
        format!("/var/run/netns/{NETNS}")
    }

    /// Deletes and re-creates the veth pair, which drops every route through it.
    pub fn reset_link(&self) {
        let _ = Command::new("ip")
            .args(["-n", NETNS, "link", "del", DEV])
            .stderr(Stdio::null())
            .status();
        ip(&[
            "-n", NETNS, "link", "add", DEV, "type", "veth", "peer", "name", "veth1",
        ]);
        ip(&["-n", NETNS, "link", "set", DEV, "up"]);
        ip(&["-n", NETNS, "link", "set", "veth1", "up"]);
    }

    pub fn ifindex(&self) -> u32 {
        in_netns(&self.path(), || {
            let name = std::ffi::CString::new(DEV).unwrap();
            unsafe { libc::if_nametoindex(name.as_ptr()) }
        })
        .unwrap()
    }

    /// An rtnetlink socket inside the namespace.
    pub fn socket(&self) -> Socket {
        in_netns(&self.path(), || {
            Socket::open(NETLINK_ROUTE).expect("socket")
        })
        .unwrap()
    }

    /// Counts the routes through the veth in the main table (with `ip`, independently of
    /// nlwire).
    pub fn count_routes(&self) -> usize {
        let out = Command::new("ip")
            .args(["-n", NETNS, "-4", "route", "show", "dev", DEV])
            .output()
            .unwrap();
        out.stdout.iter().filter(|b| **b == b'\n').count()
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", NETNS]).status();
    }
}

/// Appends the RTM_NEWROUTE that `ip route add 10.x.y.z/32 dev veth0` sends.
pub fn put_newroute(b: &mut MsgBuf<'_>, dst: u32, oif: u32) {
    let m = b.start_msg(
        libc::RTM_NEWROUTE,
        NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
    );
    let r = RtMsg {
        family: libc::AF_INET as u8,
        dst_len: 32,
        src_len: 0,
        tos: 0,
        table: libc::RT_TABLE_MAIN,
        protocol: libc::RTPROT_BOOT,
        scope: libc::RT_SCOPE_LINK,
        kind: libc::RTN_UNICAST,
        flags: 0.into(),
    };
    b.put(r.as_bytes());
    b.put_attr_be32(RTA_DST, dst).unwrap();
    b.put_attr_u32(RTA_OIF, oif).unwrap();
    b.end_msg(m).unwrap();
}

/// Installs routes `0..n` with `transact_multiple` over `batch` reused transactions.
pub fn nlwire_install(sock: &mut Socket, txns: &mut [Transaction], n: usize, oif: u32) {
    let mut i = 0;
    while i < n {
        let k = (n - i).min(txns.len());
        for (j, t) in txns[..k].iter_mut().enumerate() {
            t.clear();
            put_newroute(t.request_mut(), dst(i + j), oif);
        }
        sock.transact_multiple(&mut txns[..k])
            .expect("transact_multiple");
        for t in &txns[..k] {
            t.result().expect("route add");
        }
        i += k;
    }
}

/// What a consumer of a route dump reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Route {
    pub dst: u32,
    pub dst_len: u8,
    pub table: u32,
    pub protocol: u8,
    pub scope: u8,
    pub kind: u8,
    pub oif: u32,
    pub gateway: u32,
    pub prefsrc: u32,
    pub priority: u32,
}

/// Dumps every IPv4 route and decodes each; returns how many are in the main table
/// through `oif` and a fold of all of them.
pub fn nlwire_dump(sock: &mut Socket, oif: u32) -> (usize, u64) {
    let mut req = MsgBuf::with_capacity(64);
    let m = req.start_msg(libc::RTM_GETROUTE, NLM_F_REQUEST);
    req.put(
        RtMsg {
            family: libc::AF_INET as u8,
            dst_len: 0,
            src_len: 0,
            tos: 0,
            table: 0,
            protocol: 0,
            scope: 0,
            kind: 0,
            flags: 0.into(),
        }
        .as_bytes(),
    );
    req.end_msg(m).unwrap();
    let mut dump = sock.dump(req.as_slice()).expect("dump");
    let (mut n, mut acc) = (0usize, 0u64);
    while let Some(msg) = dump.next_msg() {
        let msg = msg.expect("dump message");
        let (h, attrs) = nlwire::header::view_prefix::<RtMsg>(msg.payload(), "rtmsg").unwrap();
        let mut r = Route {
            dst_len: h.dst_len,
            table: h.table as u32,
            protocol: h.protocol,
            scope: h.scope,
            kind: h.kind,
            ..Route::default()
        };
        for a in Attrs::new(attrs) {
            let a = a.unwrap();
            match a.ty() {
                RTA_DST => r.dst = a.get_be32().unwrap(),
                RTA_OIF => r.oif = a.get_u32().unwrap(),
                RTA_TABLE => r.table = a.get_u32().unwrap(),
                RTA_GATEWAY => r.gateway = a.get_be32().unwrap(),
                RTA_PREFSRC => r.prefsrc = a.get_be32().unwrap(),
                RTA_PRIORITY => r.priority = a.get_u32().unwrap(),
                _ => {}
            }
        }
        if r.table == libc::RT_TABLE_MAIN as u32 && r.oif == oif {
            n += 1;
        }
        acc = acc
            .wrapping_mul(31)
            .wrapping_add(r.dst as u64 ^ r.oif as u64);
    }
    dump.finish().expect("dump end");
    (n, acc)
}

/// Writes the `ip -batch` file adding routes `0..n`.
pub fn write_batch_file(path: &std::path::Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let d = dst(i).to_be_bytes();
        writeln!(
            f,
            "route add {}.{}.{}.{}/32 dev {DEV}",
            d[0], d[1], d[2], d[3]
        )
        .unwrap();
    }
}

/// `ip -n NS -batch FILE`.
pub fn ip_batch(path: &std::path::Path) {
    ip(&["-n", NETNS, "-batch", path.to_str().unwrap()]);
}

/// `ip -n NS route show > /dev/null`.
pub fn ip_route_show() {
    let st = Command::new("ip")
        .args(["-n", NETNS, "route", "show"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
}
