//! The generated rtnetlink messages (`nlwire_families::rt_link::msg`, netlink-raw) sent in
//! one call each, inside a network namespace the test makes: a bridge created with
//! RTM_NEWLINK, read back typed with RTM_GETLINK and by iproute2 (`ip -j -d link show`,
//! the independent witness), dumped, then deleted.

use std::process::Command;

use nlwire::consts::{NETLINK_ROUTE, NLM_F_CREATE, NLM_F_EXCL};
use nlwire::sock::{NetNs, Socket, SocketOptions};
use nlwire_families::rt_link::msg::{DellinkRequest, GetlinkRequest, NewlinkRequest};
use nlwire_families::rt_link::{Ifinfomsg, LinkAttrs, LinkinfoAttrs};

fn ip(ns: &str, args: &[&str]) -> String {
    let out = Command::new("ip")
        .arg("-n")
        .arg(ns)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

struct TestNs(String);

impl Drop for TestNs {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn by_name(name: &str) -> GetlinkRequest {
    GetlinkRequest {
        header: Ifinfomsg::default(),
        attrs: LinkAttrs {
            ifname: Some(name.into()),
            ..Default::default()
        },
    }
}

#[test]
fn lo_in_one_call() {
    let mut sock = Socket::open(NETLINK_ROUTE).unwrap();
    let lo = sock.request(&by_name("lo")).unwrap();
    assert_eq!(lo.header.ifi_index.get(), 1);
    assert_eq!(lo.attrs.mtu, Some(65536));
    assert_eq!(lo.attrs.ifname, Some("lo"));
}

#[nlwire_testkit::test(root)]
fn a_bridge_made_read_and_deleted_typed_agrees_with_iproute2() {
    let ns = TestNs(format!("nlwire-rt-{}", std::process::id()));
    assert!(
        Command::new("ip")
            .args(["netns", "add", &ns.0])
            .status()
            .unwrap()
            .success()
    );
    let mut sock = SocketOptions::new(NETLINK_ROUTE)
        .netns(NetNs::named(&ns.0))
        .open()
        .unwrap();

    let new = NewlinkRequest {
        header: Ifinfomsg::default(),
        attrs: LinkAttrs {
            ifname: Some("nlwbr0".into()),
            mtu: Some(1400),
            linkinfo: Some(LinkinfoAttrs {
                kind: Some("bridge".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    };
    sock.request_with_flags(&new, NLM_F_CREATE | NLM_F_EXCL)
        .unwrap();
    // A second create of the same name is the kernel's EEXIST.
    let again = sock
        .request_with_flags(&new, NLM_F_CREATE | NLM_F_EXCL)
        .unwrap_err();
    assert_eq!(again.errno(), Some(17), "{again}");

    let json = ip(&ns.0, &["-j", "-d", "link", "show", "nlwbr0"]);
    assert!(json.contains("\"mtu\":1400"), "{json}");
    assert!(json.contains("\"info_kind\":\"bridge\""), "{json}");
    let index: i32 = json
        .split("\"ifindex\":")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .and_then(|s| s.parse().ok())
        .unwrap();

    let br = sock.request(&by_name("nlwbr0")).unwrap();
    assert_eq!(br.header.ifi_index.get(), index);
    assert_eq!(br.attrs.mtu, Some(1400));
    assert_eq!(br.attrs.linkinfo.and_then(|i| i.kind), Some("bridge"));

    let mut names = Vec::new();
    // Strict checking (on for NETLINK_ROUTE) refuses attributes a link dump does not
    // filter by, so the dump request carries none.
    let all = GetlinkRequest {
        header: Ifinfomsg::default(),
        attrs: LinkAttrs::default(),
    };
    let mut dump = sock.dump_typed(&all).unwrap();
    while let Some(l) = dump.next() {
        names.push(l.unwrap().attrs.ifname.unwrap().to_owned());
    }
    drop(dump);
    names.sort();
    assert_eq!(names, ["lo", "nlwbr0"]);

    let del = DellinkRequest {
        header: Ifinfomsg {
            ifi_index: index.into(),
            ..Default::default()
        },
        attrs: LinkAttrs::default(),
    };
    sock.request(&del).unwrap();
    let gone = sock.request(&by_name("nlwbr0")).unwrap_err();
    assert_eq!(gone.errno(), Some(19), "{gone}"); // ENODEV
    assert!(!ip(&ns.0, &["-j", "link", "show"]).contains("nlwbr0"));
}
