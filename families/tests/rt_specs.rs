//! The project's rtnetlink specs (`rt-link`, `rt-addr`) against the running kernel, checked
//! without the CLI: link and address dumps are made with the raw socket API and a fixed
//! header built by hand, each reply's attributes are decoded with the generated sets
//! (`nlwire::AttrSet::decode`), and what they say about `lo` is compared with known facts
//! and with iproute2's `ip -j` output.
//!
//! Kernels newer than the uAPI headers the specs were written from (Linux 6.1's) send
//! attributes the specs do not name; the decoders skip them. The tests check that the only
//! skipped attributes are those past the last number the spec knows.
//!
//! The last test builds a bridge, a veth pair and a bridge port in a fresh network
//! namespace (root only) and checks the per-kind sub-messages decode.

use std::process::Command;

use nlwire::consts::NETLINK_ROUTE;
use nlwire::sock::Socket;
use nlwire::zerocopy::{FromBytes, IntoBytes};
use nlwire::{AttrSet, Attrs, MsgBuf, WireType};
use nlwire_families::{rt_addr, rt_link};

/// IFLA_ALLMULTI, the last link attribute of the headers the spec was written from.
const LAST_IFLA: u16 = 61;
/// IFA_PROTO, the last address attribute of the headers the spec was written from.
const LAST_IFA: u16 = 11;
/// AF_INET.
const AF_INET: u8 = 2;

/// A dump request: `ty` with the fixed header `hdr` and no attributes.
fn request<H: IntoBytes + nlwire::zerocopy::Immutable>(ty: u16, hdr: &H) -> Vec<u8> {
    let mut buf = MsgBuf::new();
    let m = buf.start_msg(ty, 0);
    buf.put(hdr.as_bytes());
    buf.end_msg(m).unwrap();
    buf.to_vec()
}

/// Dumps `req` and returns every reply message's payload (after the nlmsghdr), checking
/// the message type is `reply`.
fn dump(req: &[u8], reply: u16) -> Vec<Vec<u8>> {
    let mut sock = Socket::open(NETLINK_ROUTE).expect("a NETLINK_ROUTE socket");
    let mut d = sock.dump(req).expect("the dump starts");
    let mut out = Vec::new();
    while let Some(m) = d.next_msg() {
        let m = m.expect("a dump message");
        assert_eq!(m.ty(), reply, "reply message type");
        out.push(m.payload().to_vec());
    }
    assert!(!out.is_empty(), "the dump returned nothing");
    out
}

/// Splits a payload into its fixed header `H` and the attributes after it (the header
/// padded to 4 bytes).
fn split<H: WireType + FromBytes + nlwire::zerocopy::KnownLayout + nlwire::zerocopy::Immutable>(
    payload: &[u8],
) -> (&H, &[u8]) {
    let (h, _) = H::ref_from_prefix(payload).expect("the fixed header");
    let at = (size_of::<H>() + 3) & !3;
    (h, &payload[at.min(payload.len())..])
}

/// Attribute types in `attrs` above `last` (the ones the spec cannot know).
fn newer_than(attrs: &[u8], last: u16) -> usize {
    Attrs::new(attrs)
        .map(|a| a.expect("well-formed attributes"))
        .filter(|a| a.ty() > last)
        .count()
}

/// `ip -j ...` output (a JSON array), or a panic naming what is missing.
fn ip_json(args: &[&str]) -> String {
    let out = Command::new("ip")
        .arg("-j")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running `ip -j {}` (iproute2): {e}", args.join(" ")));
    assert!(out.status.success(), "ip -j {}: {:?}", args.join(" "), out);
    String::from_utf8(out.stdout).expect("UTF-8 JSON")
}

/// The text of the first `"key":value` in `json` (a string without its quotes, or a
/// number), enough for iproute2's flat objects.
fn json_value<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let pat = format!("\"{key}\":");
    let rest = &json[json.find(&pat)? + pat.len()..];
    if let Some(s) = rest.strip_prefix('"') {
        return s.find('"').map(|e| &s[..e]);
    }
    let end = rest.find([',', '}', ']']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[test]
fn link_dump_decodes_with_the_rt_link_spec() {
    let req = request(rt_link::cmd::GETLINK, &rt_link::Ifinfomsg::default());
    let mut lo = None;
    let mut links = 0;
    for payload in dump(&req, rt_link::reply::GETLINK) {
        let (hdr, attrs) = split::<rt_link::Ifinfomsg>(&payload);
        let v = rt_link::LinkAttrs::decode(attrs)
            .unwrap_or_else(|e| panic!("link {}: {e}", hdr.ifi_index.get()));
        let name = v.ifname.expect("every link has a name");
        assert_eq!(
            v.unknown(),
            newer_than(attrs, LAST_IFLA),
            "{name}: an attribute the spec should know was skipped"
        );
        assert!(v.mtu.is_some() && v.txqlen.is_some(), "{name}: {v:?}");
        assert!(v.stats64.is_some(), "{name}: no stats64");
        links += 1;
        if name == "lo" {
            lo = Some((hdr.ifi_index.get(), hdr.ifi_flags.get(), payload.clone()));
        }
    }
    let (index, flags, payload) = lo.expect("the dump lists lo");
    let (_, attrs) = split::<rt_link::Ifinfomsg>(&payload);
    let v = rt_link::LinkAttrs::decode(attrs).unwrap();
    assert!(links >= 1);

    // Facts about the loopback device.
    assert_eq!(v.mtu, Some(65536));
    assert_eq!(v.address, Some(&[0u8; 6][..]));
    assert_ne!(
        flags & rt_link::IffFlags::LOOPBACK.bits(),
        0,
        "IFF_LOOPBACK"
    );
    let stats = v.stats64.unwrap();
    assert!(stats.rx_packets.get() >= stats.rx_errors.get());
    // af-spec: IPv4 settings (an array of u32) and IPv6 per-link data.
    let af = v.af_spec.expect("lo has af-spec");
    let inet = af.inet.expect("af-spec.inet");
    assert!(
        inet.conf.is_some_and(|c| c.len() > 10),
        "inet.conf: {inet:?}"
    );
    if let Some(inet6) = af.inet6 {
        let ci = inet6.cacheinfo.expect("inet6.cacheinfo");
        assert!(ci.max_reasm_len.get() > 0);
    }

    // The same facts through iproute2.
    let json = ip_json(&["link", "show", "lo"]);
    assert_eq!(json_value(&json, "ifname"), Some("lo"), "{json}");
    assert_eq!(
        json_value(&json, "ifindex"),
        Some(index.to_string().as_str())
    );
    assert_eq!(
        json_value(&json, "mtu"),
        Some(v.mtu.unwrap().to_string().as_str())
    );
    assert_eq!(
        json_value(&json, "txqlen"),
        Some(v.txqlen.unwrap().to_string().as_str())
    );
    if let Some(q) = v.qdisc {
        assert_eq!(json_value(&json, "qdisc"), Some(q));
    }
    assert_eq!(
        json_value(&json, "address").map(str::to_owned),
        Some(mac(v.address.unwrap()))
    );
}

#[test]
fn address_dump_decodes_with_the_rt_addr_spec() {
    let hdr = rt_addr::Ifaddrmsg {
        ifa_family: AF_INET,
        ..Default::default()
    };
    let req = request(rt_addr::cmd::GETADDR, &hdr);
    let mut found = false;
    for payload in dump(&req, rt_addr::reply::GETADDR) {
        let (hdr, attrs) = split::<rt_addr::Ifaddrmsg>(&payload);
        assert_eq!(hdr.ifa_family, AF_INET, "an AF_INET dump");
        let v = rt_addr::AddrAttrs::decode(attrs)
            .unwrap_or_else(|e| panic!("address on link {}: {e}", hdr.ifa_index.get()));
        assert_eq!(v.unknown(), newer_than(attrs, LAST_IFA), "{v:?}");
        let addr = v.address.expect("every address has one");
        assert_eq!(addr.len(), 4, "IPv4");
        assert!(v.cacheinfo.is_some(), "{v:?}");
        if v.label != Some("lo") || addr != [127, 0, 0, 1] {
            continue;
        }
        found = true;
        assert_eq!(hdr.ifa_prefixlen, 8);
        assert_eq!(u32::from(hdr.ifa_scope), rt_addr::RtScope::HOST.0);
        assert_eq!(v.local, Some(&[127u8, 0, 0, 1][..]));
        let flags = v.flags.expect("the kernel sends IFA_FLAGS").bits();
        assert_ne!(flags & rt_addr::IfaFlags::PERMANENT.bits(), 0);
        // The header carries the low 8 bits of the same flags.
        assert_eq!(u32::from(hdr.ifa_flags), flags & 0xff);
        let ci = v.cacheinfo.unwrap();
        assert_eq!(ci.ifa_valid.get(), u32::MAX, "a permanent address");

        let json = ip_json(&["addr", "show", "lo"]);
        assert!(json.contains("\"local\":\"127.0.0.1\""), "{json}");
        let at = json.find("\"local\":\"127.0.0.1\"").unwrap();
        let obj = &json[at..];
        assert_eq!(json_value(obj, "prefixlen"), Some("8"));
        assert_eq!(json_value(obj, "scope"), Some("host"));
        assert_eq!(json_value(obj, "label"), Some("lo"));
    }
    assert!(found, "127.0.0.1/8 on lo");
}

/// Runs `ip args...` (in the calling thread's network namespace).
fn ip(args: &str) {
    let st = Command::new("ip")
        .args(args.split_whitespace())
        .status()
        .unwrap_or_else(|e| panic!("ip {args}: {e}"));
    assert!(st.success(), "ip {args}: {st}");
}

#[nlwire_testkit::test(root)]
fn bridge_veth_and_port_data_decode_in_a_netns() {
    nlwire_testkit::netns::in_new_netns(|| {
        ip("link add nlwbr0 type bridge stp_state 0 forward_delay 400");
        ip("link add nlwv0 type veth peer name nlwv1");
        ip("link set nlwv1 master nlwbr0");
        let req = request(rt_link::cmd::GETLINK, &rt_link::Ifinfomsg::default());
        let mut seen = Vec::new();
        for payload in dump(&req, rt_link::reply::GETLINK) {
            let (_, attrs) = split::<rt_link::Ifinfomsg>(&payload);
            let v = rt_link::LinkAttrs::decode(attrs).unwrap();
            let name = v.ifname.unwrap().to_owned();
            let Some(info) = v.linkinfo else { continue };
            match name.as_str() {
                "nlwbr0" => {
                    assert_eq!(info.kind, Some("bridge"));
                    let Some(rt_link::LinkinfoDataMsgView::Bridge(br)) = info.data else {
                        panic!("bridge data: {info:?}");
                    };
                    assert_eq!(br.stp_state, Some(0));
                    assert_eq!(br.forward_delay, Some(400));
                    assert_eq!(br.bridge_id.map(|id| id.addr.len()), Some(6));
                }
                "nlwv0" => assert_eq!(info.kind, Some("veth")),
                "nlwv1" => {
                    assert_eq!(info.kind, Some("veth"));
                    assert_eq!(info.slave_kind, Some("bridge"));
                    let Some(rt_link::LinkinfoSlaveDataMsgView::Bridge(port)) = info.slave_data
                    else {
                        panic!("bridge port data: {info:?}");
                    };
                    assert!(port.state.is_some() && port.priority.is_some(), "{port:?}");
                    assert_eq!(port.learning, Some(1));
                }
                _ => continue,
            }
            seen.push(name);
        }
        seen.sort();
        assert_eq!(seen, ["nlwbr0", "nlwv0", "nlwv1"]);
    });
}
