//! Sockets opened in another network namespace (`SocketOptions::netns`): the socket sees
//! that namespace's links, the calling thread stays in its own, and a namespace that does
//! not exist is an error naming it. The namespace is made and removed with `ip netns`,
//! the independent witness of what it holds.

use std::process::Command;

use nlwire::consts::{NETLINK_ROUTE, NLM_F_REQUEST};
use nlwire::sock::{NetNs, SocketOptions};
use nlwire::{Attrs, MsgBuf};

const RTM_GETLINK: u16 = 18;
const IFLA_IFNAME: u16 = 3;
const IFINFOMSG_LEN: usize = 16;

fn ip(args: &[&str]) {
    let out = Command::new("ip").args(args).output().expect("ip runs");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A namespace made with `ip netns add`, removed on drop.
struct TestNs(String);

impl TestNs {
    fn new(tag: &str) -> Self {
        let name = format!("nlwire-{tag}-{}", std::process::id());
        ip(&["netns", "add", &name]);
        TestNs(name)
    }
}

impl Drop for TestNs {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn link_names(opts: &SocketOptions) -> Vec<String> {
    let mut sock = opts.open().expect("socket opens");
    let mut req = MsgBuf::new();
    let m = req.start_msg(RTM_GETLINK, NLM_F_REQUEST);
    req.put(&[0u8; IFINFOMSG_LEN]);
    req.end_msg(m).unwrap();
    let mut names = Vec::new();
    let mut dump = sock.dump(req.as_slice()).unwrap();
    while let Some(msg) = dump.next_msg() {
        let attrs = &msg.unwrap().payload()[IFINFOMSG_LEN..];
        let name = Attrs::new(attrs).find(IFLA_IFNAME).unwrap().unwrap();
        names.push(name.get_str().unwrap().to_owned());
    }
    names.sort();
    names
}

fn thread_netns() -> std::path::PathBuf {
    std::fs::read_link("/proc/thread-self/ns/net").unwrap()
}

#[nlwire_testkit::test(root)]
fn a_socket_opened_in_a_named_namespace_sees_its_links() {
    let ns = TestNs::new("nsopen");
    ip(&[
        "-n", &ns.0, "link", "add", "nlw0", "type", "veth", "peer", "name", "nlw1",
    ]);
    let before = thread_netns();
    let names = link_names(&SocketOptions::new(NETLINK_ROUTE).netns(NetNs::named(&ns.0)));
    assert_eq!(names, ["lo", "nlw0", "nlw1"]);
    assert_eq!(thread_netns(), before, "the calling thread did not move");

    // By path and by descriptor: the same namespace.
    let path = format!("/run/netns/{}", ns.0);
    assert_eq!(
        link_names(&SocketOptions::new(NETLINK_ROUTE).netns(NetNs::path(&path))),
        names
    );
    let fd = std::fs::File::open(&path).unwrap().into();
    assert_eq!(
        link_names(&SocketOptions::new(NETLINK_ROUTE).netns(NetNs::fd(fd))),
        names
    );

    // The caller's namespace does not hold the test's links.
    let here = link_names(&SocketOptions::new(NETLINK_ROUTE));
    assert!(here.contains(&"lo".to_owned()));
    assert!(!here.contains(&"nlw0".to_owned()), "{here:?}");
}

#[test]
fn a_namespace_that_does_not_exist_is_an_error_naming_it() {
    let e = SocketOptions::new(NETLINK_ROUTE)
        .netns(NetNs::named("nlwire-no-such-namespace"))
        .open()
        .unwrap_err();
    assert_eq!(e.errno(), Some(2), "{e}"); // ENOENT
    let e = NetNs::named("nlwire-no-such-namespace")
        .run(|| Ok(()))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("/run/netns/nlwire-no-such-namespace"),
        "{e}"
    );
}
