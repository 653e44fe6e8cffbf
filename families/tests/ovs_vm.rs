//! The dpif API against the real `openvswitch` kernel module and OVS's own `ovs-dpctl`,
//! inside the qemu VM (tests/vm): `ovs_in_vm` boots it once and runs every `vm_*` test
//! of this binary there, one after the other. Built on a machine without the VM (see
//! tests/vm/README.md), `ovs_in_vm` is listed as `ignored, needs the qemu VM (missing:
//! ...); run bash tests/vm/setup.sh`; with `NLWIRE_REQUIRE_VM=1` at build time (CI) it is
//! never ignored, and a missing VM (or `ovs-dpctl`) fails it.
//!
//! Each test makes its own datapath and deletes it, also when it fails (a guard).
//! Flows are compared with `ovs-dpctl`'s output as structured values: its text is
//! parsed (`ovs::dpctl`, `ovs::odp`) and both sides normalized, so field order and
//! left-out wildcards do not matter.
//!
//! With `NLWIRE_RECORD_SEEDS=<dir>` on the host, `record_fuzz_seeds` boots the VM a
//! second time and writes the bytes of real OVS requests and replies seen by the tests
//! into `<dir>` (fuzz seed corpora).
#![cfg(feature = "ovs")]

use std::collections::HashMap;
use std::io::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use nlwire_families::ovs::attrs::*;
use nlwire_families::ovs::{
    self, Direction, Dispatch, Dpif, DropBand, Execute, FlowId, FlowOp, FlowPut, OpenOptions,
    PutMode, UpcallKind, UpcallSocket, VportSpec, ZoneLimit, dpctl, features, odp,
};
use nlwire_families::ovs_vport::VportType;

fn vm_config() -> nlwire_vm::VmConfig {
    nlwire_vm::VmConfig::new()
        .with_ovs_dpctl()
        .module("vport-vxlan")
        .module("dummy")
        .timeout(Duration::from_secs(180))
}

nlwire_vm::vm_runner!(
    /// Boots the VM once and runs every `vm_*` test below inside it.
    ovs_in_vm,
    "vm_",
    vm_config()
);

/// Host only, opt-in: with `NLWIRE_RECORD_SEEDS=<dir>`, runs the VM tests again with
/// seed recording on and writes each recorded message to `<dir>/<name>.bin`.
#[test]
fn record_fuzz_seeds() {
    let Ok(dir) = std::env::var("NLWIRE_RECORD_SEEDS") else {
        return;
    };
    if nlwire_vm::in_vm() {
        return;
    }
    let cfg = vm_config().env(SEED_ENV, "1");
    let Some(out) = nlwire_vm::run_self_in_vm("vm_", &cfg) else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("create the seed directory");
    let mut n = 0;
    for line in out.output.lines() {
        // libtest may have printed "test vm_x ... " on the same line before the mark.
        let Some((_, rest)) = line.split_once(SEED_MARK) else {
            continue;
        };
        let Some((name, hex)) = rest.trim().split_once(' ') else {
            continue;
        };
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
            .collect();
        std::fs::write(
            std::path::Path::new(&dir).join(format!("{name}.bin")),
            bytes,
        )
        .expect("write a seed");
        n += 1;
    }
    eprintln!("recorded {n} OVS netlink messages into {dir}");
    assert!(n > 0, "no seeds in the guest output");
}

/// Guest: set by `record_fuzz_seeds` to turn recording on.
const SEED_ENV: &str = "NLWIRE_RECORD_SEEDS_GUEST";
const SEED_MARK: &str = "@@NLWIRE-SEED";

/// Prints one seed line (straight to fd 2, which libtest does not capture) when
/// recording is on.
fn record_bytes(name: &str, bytes: &[u8]) {
    if std::env::var_os(SEED_ENV).is_none() {
        return;
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let line = format!("{SEED_MARK} {name} {hex}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// Records, once per guest run, nlctrl's GETFAMILY exchange for each OVS family: the
/// replies carry the ids the OVS messages use, so captures built from the seeds decode.
fn record_ovs_families() {
    use nlwire::consts::{GENL_ID_CTRL, NETLINK_GENERIC, NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR};
    use nlwire::sock::Transport as _;
    use std::io::IoSlice;
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let mut sock = nlwire::sock::Socket::open(NETLINK_GENERIC).expect("genl socket");
        for (seq, name) in (1u32..).zip([
            "ovs_datapath",
            "ovs_vport",
            "ovs_flow",
            "ovs_packet",
            "ovs_meter",
            "ovs_ct_limit",
        ]) {
            let mut b = nlwire::MsgBuf::new();
            let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 3, 1);
            b.put_attr_str(2, name).unwrap();
            b.end_msg(m).unwrap();
            let mut req = b.to_vec();
            req[8..12].copy_from_slice(&seq.to_ne_bytes());
            sock.transport_mut()
                .send(&[IoSlice::new(&req)])
                .expect("send getfamily");
            record_bytes(&format!("nlctrl-getfamily-{name}-req"), &req);
            let mut buf = nlwire::sock::RecvBuf::with_capacity(64 << 10);
            for part in 1.. {
                buf.clear();
                sock.recv_raw(&mut buf, true)
                    .expect("recv getfamily")
                    .expect("a datagram");
                record_bytes(
                    &format!("nlctrl-getfamily-{name}-rep{part}"),
                    buf.as_slice(),
                );
                if nlwire::Messages::new(buf.as_slice())
                    .flatten()
                    .any(|m| m.ty() == NLMSG_ERROR)
                {
                    break;
                }
            }
        }
    });
}

/// Installs a trace that prints the first few messages of each kind as seed lines,
/// when recording is on.
fn record(dp: &mut Dpif, test: &'static str) {
    if std::env::var_os(SEED_ENV).is_none() {
        return;
    }
    record_ovs_families();
    let mut seen: HashMap<String, usize> = HashMap::new();
    dp.set_trace(Some(Box::new(move |family, cmd, dir, bytes| {
        let d = match dir {
            Direction::Request => "req",
            Direction::Reply => "rep",
        };
        let key = format!("{family}-cmd{cmd}-{d}");
        let n = seen.entry(key.clone()).or_default();
        *n += 1;
        if *n > 3 {
            return;
        }
        record_bytes(&format!("{test}-{key}-{n}"), bytes);
    })));
}

/// Runs `ovs-dpctl args...`; its stdout, or its stderr as the error.
fn dpctl_try(args: &[&str]) -> Result<String, String> {
    let out = Command::new(nlwire_vm::ovs_dpctl())
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "ovs-dpctl {args:?}: {}\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn dpctl(args: &[&str]) -> String {
    dpctl_try(args).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a busybox shell command; panics on failure.
fn sh(cmd: &str) -> String {
    let out = Command::new("/bin/sh")
        .args(["-c", cmd])
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "`{cmd}` failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The kernel's last openvswitch messages (why it said EINVAL), for failure messages.
fn kernel_log() -> String {
    let out = Command::new("/bin/sh")
        .args(["-c", "dmesg | tail -n 8"])
        .output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Unwraps, or panics with the error and the kernel's last messages.
fn ok<T>(r: ovs::Result<T>, what: &str) -> T {
    r.unwrap_or_else(|e| panic!("{what}: {e}\nkernel log:\n{}", kernel_log()))
}

/// Deletes the datapath when dropped (also after a failed assertion).
struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = Dpif::delete_by_name(self.0);
    }
}

/// A fresh datapath `name` (a leftover of an earlier run is deleted first).
fn fresh(name: &'static str, opts: &OpenOptions) -> (Dpif, Cleanup) {
    let _ = Dpif::delete_by_name(name);
    let dp = Dpif::create_with(name, opts).unwrap_or_else(|e| panic!("create {name}: {e}"));
    (dp, Cleanup(name))
}

fn ports_of(show: &str, dp: &str) -> Vec<(u32, String, String)> {
    let dps = dpctl::parse_show(show).expect("parse ovs-dpctl show");
    let d = dps
        .iter()
        .find(|d| d.name == dp)
        .unwrap_or_else(|| panic!("{dp} not in ovs-dpctl show:\n{show}"));
    d.ports
        .iter()
        .map(|p| (p.port_no, p.name.clone(), p.port_type.clone()))
        .collect()
}

// ---------------------------------------------------------------------------------------

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_datapath_and_vports_match_dpctl_show() {
    nlwire_vm::guest_only!();
    let (mut dp, _c) = fresh("dp0", &OpenOptions::default());
    record(&mut dp, "datapath");

    // Negotiation as dpif-netlink: the unknown bit is refused by 6.1, per-CPU dispatch
    // is taken.
    let neg = dp.negotiation().clone();
    assert!(!neg.old_kernel, "{neg:?}");
    assert_ne!(
        neg.attempts[0].1, 0,
        "the probe bit should be refused: {neg:?}"
    );
    assert_eq!(
        dp.features() & (features::UNALIGNED | features::DISPATCH_UPCALL_PER_CPU),
        features::UNALIGNED | features::DISPATCH_UPCALL_PER_CPU,
        "{neg:?}"
    );
    assert!(dp.dp_ifindex() > 0);

    let p1 = dp.vport_add(&VportSpec::internal("vp1")).expect("add vp1");
    let p2 = dp.vport_add(&VportSpec::internal("vp2")).expect("add vp2");
    assert_ne!(p1, p2);
    assert!(std::path::Path::new("/sys/class/net/vp1").exists());

    let info = dp.get().expect("datapath get");
    assert_eq!(info.attrs.name.as_deref(), Some("dp0"));
    assert_eq!(info.dp_ifindex, dp.dp_ifindex());
    assert!(info.attrs.stats.is_some() && info.attrs.megaflow_stats.is_some());
    assert!(
        Dpif::list()
            .unwrap()
            .iter()
            .any(|d| d.attrs.name.as_deref() == Some("dp0"))
    );

    // Get by name and by number; the port's upcall pids can be changed.
    let v = dp.vport_get("vp1".into()).expect("get vp1");
    assert_eq!((v.port_no, v.type_), (Some(p1), Some(VportType::INTERNAL)));
    assert_eq!(
        dp.vport_get(p2.into()).unwrap().name.as_deref(),
        Some("vp2")
    );
    // Per-CPU dispatch reports one upcall pid per port; per-vport dispatch the array.
    dp.vport_set_upcall_pids(p1.into(), &[1234, 5678]).unwrap();
    let first: Vec<u32> = dp
        .vport_get(p1.into())
        .unwrap()
        .upcall_pid
        .unwrap()
        .iter()
        .map(|p| p.get())
        .collect();
    assert_eq!(first, [1234]);
    ok(dp.set_dispatch(&Dispatch::PerVport), "per-vport dispatch");
    assert_eq!(dp.features() & features::VPORT_PIDS, features::VPORT_PIDS);
    let pids: Vec<u32> = dp
        .vport_get(p1.into())
        .unwrap()
        .upcall_pid
        .unwrap()
        .iter()
        .map(|p| p.get())
        .collect();
    assert_eq!(pids, [1234, 5678]);
    assert!(dp.vport_get("nosuch".into()).unwrap_err().is_not_found());

    // A netdev port (a dummy device) and a VXLAN tunnel port.
    sh("ip link add nd0 type dummy");
    let p3 = dp
        .vport_add(&VportSpec::netdev("nd0"))
        .expect("add netdev nd0");
    let p4 = dp
        .vport_add(&VportSpec::vxlan("vx0", 4789))
        .expect("add vxlan vx0");
    let vx = dp.vport_get(p4.into()).unwrap();
    assert_eq!(vx.type_, Some(VportType::VXLAN));
    assert_eq!(vx.options.and_then(|o| o.dst_port), Some(4789));

    // The ports as the API dumps them and as ovs-dpctl shows them: same numbers.
    let mut ours: Vec<(u32, String)> = dp
        .vport_dump()
        .unwrap()
        .into_iter()
        .map(|v| (v.port_no.unwrap(), v.name.unwrap()))
        .collect();
    ours.sort();
    assert_eq!(
        ours,
        [
            (0, "dp0".into()),
            (p1, "vp1".into()),
            (p2, "vp2".into()),
            (p3, "nd0".into()),
            (p4, "vx0".into())
        ]
    );
    let show = dpctl(&["show", "dp0"]);
    let theirs = ports_of(&show, "dp0");
    let names: Vec<(u32, String)> = theirs.iter().map(|p| (p.0, p.1.clone())).collect();
    assert_eq!(names, ours, "ovs-dpctl show:\n{show}");
    let ty = |n: &str| theirs.iter().find(|p| p.1 == n).unwrap().2.clone();
    assert_eq!(ty("vp1"), "internal");
    assert_eq!(ty("nd0"), "", "a netdev port shows without a type");
    assert!(ty("vx0").starts_with("vxlan"), "{show}");
    println!("ovs-dpctl show after vport adds:\n{show}");

    // Delete ports by name and number.
    dp.vport_del("vx0".into()).unwrap();
    dp.vport_del(p3.into()).unwrap();
    let left: Vec<u32> = ports_of(&dpctl(&["show", "dp0"]), "dp0")
        .iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(left, [0, p1, p2]);
    sh("ip link del nd0");

    dp.destroy().expect("destroy");
    assert!(
        !Dpif::list()
            .unwrap()
            .iter()
            .any(|d| d.attrs.name.as_deref() == Some("dp0"))
    );
    assert!(!dpctl(&["dump-dps"]).contains("dp0"));
}

/// The four flows `ovs-dpctl add-flow` installs in the flow test: key and actions.
const DPCTL_FLOWS: &[(&str, &str)] = &[
    (
        "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1234,dst=80),tcp_flags(0)",
        "2",
    ),
    (
        "in_port(2),eth(),eth_type(0x0800),ipv4(src=10.1.0.0/255.255.0.0,tos=0/0xfc,frag=no)",
        "set(tunnel(tun_id=0x5,src=192.168.0.1,dst=192.168.0.2,ttl=64,flags(df|key))),1",
    ),
    (
        "in_port(1),eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15),eth_type(0x86dd),ipv6(src=2001:db8::1,dst=2001:db8::2,label=0,proto=17,tclass=0,hlimit=64,frag=no),udp(src=5000,dst=53)",
        "2",
    ),
    (
        "in_port(2),eth(src=00:01:02:03:04:05,dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),arp(sip=10.0.0.1,tip=10.0.0.2,op=1,sha=00:01:02:03:04:05,tha=00:00:00:00:00:00)",
        "push_vlan(vid=10,pcp=3),1",
    ),
];

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_dpctl_flows_decode_as_dpctl_prints_them() {
    nlwire_vm::guest_only!();
    let (mut dp, _c) = fresh("dpf", &OpenOptions::default());
    record(&mut dp, "dpctlflows");
    assert_eq!(dp.vport_add(&VportSpec::internal("fp1")).unwrap(), 1);
    assert_eq!(dp.vport_add(&VportSpec::internal("fp2")).unwrap(), 2);

    for (k, a) in DPCTL_FLOWS {
        dpctl(&["add-flow", "dpf", k, a]);
    }
    // The kernel refuses an exact TCP key without tcp_flags ("Missing key").
    let no_flags = DPCTL_FLOWS[0]
        .0
        .trim_end_matches(",tcp_flags(0)")
        .replace("src=1234", "src=1235");
    assert!(dpctl_try(&["add-flow", "dpf", &no_flags, "2"]).is_err());

    // Our decode of the kernel's dump.
    let mut ours = Vec::new();
    let mut dump = dp.flow_dump(false).unwrap();
    while let Some(f) = dump.next() {
        let f = f.expect("dump entry");
        ours.push((f.to_match(), f.actions().expect("actions")));
    }
    drop(dump);
    assert_eq!(ours.len(), DPCTL_FLOWS.len());

    // ovs-dpctl's print of the same flows.
    let text = dpctl(&["dump-flows", "dpf"]);
    println!("ovs-dpctl dump-flows:\n{text}");
    let theirs = dpctl::parse_dump_flows(&text).expect("parse dump-flows");
    assert_eq!(theirs.len(), DPCTL_FLOWS.len(), "{text}");

    for t in &theirs {
        let want = t.matched.normalized();
        let (m, acts) = ours
            .iter()
            .find(|(m, _)| m.normalized() == want)
            .unwrap_or_else(|| {
                panic!(
                    "dpctl flow {} matches none of ours:\n{}",
                    t.key_text,
                    ours.iter()
                        .map(|(m, _)| odp::format_key(&m.key, m.mask.as_ref(), false))
                        .collect::<Vec<_>>()
                        .join("\n")
                )
            });
        assert_eq!(
            odp::normalize_actions(acts),
            odp::normalize_actions(&t.actions),
            "actions of {}",
            t.key_text
        );
        // Our printer on our decode reads back to the same values as dpctl's text.
        let printed = odp::format_key(&m.key, m.mask.as_ref(), false);
        assert_eq!(
            odp::parse_key(&printed).unwrap().normalized(),
            want,
            "{printed}"
        );
        let printed_acts = odp::format_actions(acts);
        assert_eq!(
            odp::normalize_actions(&odp::parse_actions(&printed_acts).unwrap()),
            odp::normalize_actions(&t.actions)
        );
        // Beyond values: our printer writes exactly what ovs-dpctl writes.
        assert_eq!(printed, t.key_text, "key text");
        assert_eq!(printed_acts, t.actions_text, "actions text");
    }

    // And each flow as it was added is what the kernel reports (normalization knows
    // the kernel keeps the ARP opcode in 8 bits).
    for (k, a) in DPCTL_FLOWS {
        let added = odp::parse_key(k).unwrap().normalized();
        assert!(
            ours.iter().any(|(m, acts)| m.normalized() == added
                && odp::normalize_actions(acts)
                    == odp::normalize_actions(&odp::parse_actions(a).unwrap())),
            "added flow {k} not reported as added"
        );
    }
    dp.flow_flush().unwrap();
    assert_eq!(dp.flow_dump(false).unwrap().count().unwrap(), 0);
}

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_api_flows_show_in_dpctl_and_get_by_ufid() {
    nlwire_vm::guest_only!();
    let (mut dp, _c) = fresh("dpa", &OpenOptions::default());
    record(&mut dp, "apiflows");
    let p1 = dp.vport_add(&VportSpec::internal("ap1")).unwrap();
    let p2 = dp.vport_add(&VportSpec::internal("ap2")).unwrap();
    let pid = 4242;

    let flow = |ufid: u128, key: &str, acts: &str| -> FlowPut {
        let m = odp::parse_key(key).unwrap_or_else(|e| panic!("{key}: {e}"));
        let a = odp::parse_actions(acts).unwrap_or_else(|e| panic!("{acts}: {e}"));
        FlowPut::from_match(m, a).with_ufid(Ufid::from_u128(ufid))
    };
    let puts = vec![
        flow(
            0xa1,
            &format!(
                "in_port({p1}),eth(),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,proto=6,frag=no),tcp(dst=80/0xfff0),tcp_flags(0/0)"
            ),
            &format!(
                "sample(sample=50.0%,actions(userspace(pid={pid},userdata(0102030405060708)))),ct(commit,zone=5,mark=0x1/0xff),{p2}"
            ),
        ),
        flow(
            0xb2,
            &format!("in_port({p2}),eth(src=00:0a:0b:0c:0d:0e),eth_type(0x0800),ipv4(frag=no)"),
            &format!(
                "set(eth(src=00:aa:bb:00:00:00/ff:ff:ff:00:00:00)),set(ipv4(tos=0x20/0xfc)),clone(push_vlan(vid=7,pcp=0),{p1}),check_pkt_len(size=200,gt({p1}),le(userspace(pid={pid})))"
            ),
        ),
        flow(
            0xc3,
            &format!("in_port({p1}),eth(),eth_type(0x0806),arp(op=2)"),
            "drop",
        ),
    ];
    for p in &puts {
        ok(dp.flow_put(p), &format!("put {}", p.ufid.unwrap()));
    }
    // A second create of the same flow is refused; modify-or-create is not.
    assert!(dp.flow_put(&puts[2]).unwrap_err().is_exists());
    dp.flow_put(&puts[2].clone().with_mode(PutMode::CreateOrModify))
        .unwrap();

    // ovs-dpctl shows each flow with the fields that were put, under its UFID.
    let text = dpctl(&["-m", "--no-names", "dump-flows", "dpa"]);
    println!("ovs-dpctl dump-flows -m:\n{text}");
    let theirs = dpctl::parse_dump_flows(&text).unwrap();
    assert_eq!(theirs.len(), puts.len(), "{text}");
    for p in &puts {
        let t = theirs
            .iter()
            .find(|t| t.ufid == p.ufid)
            .unwrap_or_else(|| panic!("{} missing from dpctl:\n{text}", p.ufid.unwrap()));
        let put_match = odp::FlowMatch {
            key: p.key.clone(),
            mask: p.mask.clone(),
        };
        assert_eq!(
            t.matched.normalized(),
            put_match.normalized(),
            "{}",
            t.key_text
        );
        assert_eq!(
            odp::normalize_actions(&t.actions),
            odp::normalize_actions(&p.actions),
            "{}",
            t.actions_text
        );
    }

    // Get by UFID returns the flow as put.
    // Verbose (`-m`) text too: our printer, verbose, on our get of each flow.
    for t in &theirs {
        let e = dp.flow_get(FlowId::Ufid(t.ufid.unwrap())).unwrap();
        let m = e.to_match();
        let ours = odp::format_key(&m.key, m.mask.as_ref(), true);
        assert_eq!(ours, t.key_text, "verbose key text");
        assert_eq!(odp::format_actions(&e.actions().unwrap()), t.actions_text);
    }

    for p in &puts {
        let e = dp
            .flow_get(FlowId::Ufid(p.ufid.unwrap()))
            .expect("get by ufid");
        assert_eq!(e.ufid(), p.ufid);
        let put_match = odp::FlowMatch {
            key: p.key.clone(),
            mask: p.mask.clone(),
        };
        assert_eq!(e.to_match().normalized(), put_match.normalized());
        assert_eq!(
            odp::normalize_actions(&e.actions().unwrap()),
            odp::normalize_actions(&p.actions)
        );
    }

    // A terse dump: UFIDs and statistics only.
    let mut n = 0;
    let mut dump = dp.flow_dump(true).unwrap();
    while let Some(e) = dump.next() {
        let e = e.unwrap();
        assert!(
            e.ufid().is_some() && e.attrs.key.is_none() && e.attrs.actions.is_none(),
            "{e:?}"
        );
        // (No `stats`: the kernel leaves them out while no packet has matched.)
        assert_eq!(e.stats().n_packets.get(), 0);
        n += 1;
    }
    drop(dump);
    assert_eq!(n, puts.len());

    // Modify replaces the actions.
    let mut m = puts[0].clone().with_mode(PutMode::Modify);
    m.actions = vec![ActionAttrs::Output(p1)];
    dp.flow_put(&m).unwrap();
    assert_eq!(
        dp.flow_get(FlowId::Ufid(m.ufid.unwrap()))
            .unwrap()
            .actions()
            .unwrap(),
        vec![ActionAttrs::Output(p1)]
    );

    // A flow without UFID, identified by its key.
    let k = odp::parse_key(&format!(
        "in_port({p2}),eth(),eth_type(0x86dd),ipv6(frag=no)"
    ))
    .unwrap();
    dp.flow_put(&FlowPut::from_match(k.clone(), vec![]))
        .unwrap();
    let e = dp.flow_get(FlowId::Key(&k.key)).expect("get by key");
    assert_eq!(e.ufid(), None);
    assert_eq!(e.to_match().normalized(), k.normalized());
    dp.flow_del(FlowId::Key(&k.key)).unwrap();

    // Delete removes; the others stay.
    let gone = dp
        .flow_del_echo(FlowId::Ufid(puts[1].ufid.unwrap()))
        .expect("del");
    assert_eq!(gone.ufid(), puts[1].ufid);
    assert!(
        dp.flow_get(FlowId::Ufid(puts[1].ufid.unwrap()))
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(
        dpctl::parse_dump_flows(&dpctl(&["dump-flows", "dpa"]))
            .unwrap()
            .len(),
        2
    );
    dp.flow_flush().unwrap();
    assert_eq!(dp.flow_dump(false).unwrap().count().unwrap(), 0);
    assert!(dpctl(&["dump-flows", "dpa"]).trim().is_empty());
}

/// A broadcast ARP request frame from `sha`/`sip` for `tip`.
fn arp_request(sha: [u8; 6], sip: [u8; 4], tip: [u8; 4]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend([0xff; 6]);
    f.extend(sha);
    f.extend([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1]);
    f.extend(sha);
    f.extend(sip);
    f.extend([0; 6]);
    f.extend(tip);
    f.resize(60, 0);
    f
}

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_execute_and_upcalls() {
    nlwire_vm::guest_only!();
    let opts = OpenOptions {
        dispatch: Some(Dispatch::PerVport),
        ..OpenOptions::default()
    };
    let (mut dp, _c) = fresh("dpu", &opts);
    record(&mut dp, "upcalls");
    assert_ne!(dp.features() & features::VPORT_PIDS, 0);
    let mut up = UpcallSocket::open().unwrap();
    let pid = up.port_id();
    let p1 = dp
        .vport_add(&VportSpec::internal("uq1").with_upcall_pids(&[pid]))
        .unwrap();
    // No IPv6 on the port: its router solicitations would be misses too.
    sh(
        "sysctl -w net.ipv6.conf.uq1.disable_ipv6=1 >/dev/null; ip link set uq1 up && ip addr add 10.9.0.1/24 dev uq1",
    );

    // Execute with output to the internal port: its tx counter goes up.
    let tx = |dp: &mut Dpif| {
        dp.vport_get(p1.into())
            .unwrap()
            .stats
            .unwrap()
            .tx_packets
            .get()
    };
    let before = tx(&mut dp);
    let frame = arp_request([0x02, 0, 0, 0, 0, 1], [10, 9, 0, 7], [10, 9, 0, 1]);
    dp.execute(&Execute::ethernet(&frame, vec![ActionAttrs::Output(p1)]))
        .expect("execute");
    assert_eq!(tx(&mut dp), before + 1);

    // Execute with a userspace action: an ACTION upcall carrying the userdata.
    let acts = vec![ActionAttrs::Userspace(UserspaceAttrs {
        pid: Some(pid),
        userdata: Some(vec![0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1]),
        ..Default::default()
    })];
    ok(
        dp.execute(&Execute::ethernet(&frame, acts).in_port(p1)),
        "execute to userspace",
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    let u = loop {
        let u = up.recv_timeout(Duration::from_secs(1)).unwrap();
        match u {
            Some(u) if u.kind == UpcallKind::Action => {
                record_bytes("upcalls-ovs_packet-action-execute", u.bytes);
                break u;
            }
            // A miss the host stack caused (the port just came up): not ours.
            Some(_) => {}
            None => assert!(Instant::now() < deadline, "no ACTION upcall"),
        }
    };
    assert_eq!(
        u.attrs.userdata,
        Some(&[0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1][..])
    );
    assert_eq!(u.packet(), &frame[..]);
    assert_eq!(u.dp_ifindex, dp.dp_ifindex());

    // A miss: the host stack's ARP request for a neighbour on uq1 is rx into the
    // datapath on port p1, which has no flow: MISS to the port's upcall pid.
    let want_tip = [10, 9, 0, 2];
    let wait_arp_miss = |up: &mut UpcallSocket, kind: UpcallKind| -> (KeyAttrs, Vec<u8>) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let _ = Command::new("/bin/sh")
                .args(["-c", "arping -c 1 -w 1 -I uq1 10.9.0.2 >/dev/null 2>&1"])
                .spawn();
            while let Some(u) = up.recv_timeout(Duration::from_millis(700)).unwrap() {
                let key = u.key();
                if u.kind == kind
                    && key.ethertype == Some(0x0806)
                    && key
                        .arp
                        .is_some_and(|a| a.arp_tip.get() == u32::from_be_bytes(want_tip))
                {
                    record_bytes(&format!("upcalls-ovs_packet-{kind:?}-arp"), u.bytes);
                    return (key, u.packet().to_vec());
                }
            }
        }
        panic!("no {kind:?} upcall for the ARP request to 10.9.0.2");
    };
    let (key, pkt) = wait_arp_miss(&mut up, UpcallKind::Miss);
    assert_eq!(key.in_port, Some(p1));
    assert_eq!(&pkt[12..14], &[0x08, 0x06], "an ARP frame");
    assert_eq!(&pkt[38..42], &want_tip, "ARP target in the packet bytes");
    let eth = key.ethernet.unwrap();
    assert_eq!(
        eth.eth_src,
        <[u8; 6]>::try_from(&pkt[6..12]).unwrap(),
        "key matches the frame"
    );
    println!("MISS upcall key: {}", odp::format_key(&key, None, false));

    // A flow sending those packets to userspace: ACTION upcalls with its userdata.
    let m = odp::parse_key(&format!(
        "in_port({p1}),eth(),eth_type(0x0806),arp(tip=10.9.0.2)"
    ))
    .unwrap();
    let acts =
        odp::parse_actions(&format!("userspace(pid={pid},userdata(0a0b0c0d0e0f0001))")).unwrap();
    dp.flow_put(&FlowPut::from_match(m, acts).with_ufid(Ufid::from_u128(9)))
        .unwrap();
    let (key, _) = wait_arp_miss(&mut up, UpcallKind::Action);
    assert_eq!(key.in_port, Some(p1));
    dp.flow_flush().unwrap();

    // Per-CPU dispatch: misses go to the per-CPU port ids.
    let mut up2 = UpcallSocket::open().unwrap();
    let ncpu = std::thread::available_parallelism().map_or(1, |n| n.get());
    dp.set_dispatch(&Dispatch::PerCpu(vec![up2.port_id(); ncpu]))
        .expect("per-CPU dispatch");
    assert_ne!(dp.features() & features::DISPATCH_UPCALL_PER_CPU, 0);
    let info = dp.get().unwrap();
    assert_eq!(
        info.attrs.user_features.unwrap().bits() & features::DISPATCH_UPCALL_PER_CPU,
        features::DISPATCH_UPCALL_PER_CPU
    );
    let (key, _) = wait_arp_miss(&mut up2, UpcallKind::Miss);
    assert_eq!(key.in_port, Some(p1));
    let st = dp.get().unwrap().attrs.stats.unwrap();
    assert!(st.n_missed.get() >= 2, "{st:?}");
}

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_batch_of_10000_flow_puts() {
    nlwire_vm::guest_only!();
    let (mut dp, _c) = fresh("dpb", &OpenOptions::default());
    let p1 = dp.vport_add(&VportSpec::internal("bp1")).unwrap();
    const N: u32 = 10_000;
    let mask = odp::parse_key("in_port(1),eth(),eth_type(0x0800),ipv4(src=0.0.0.0,frag=no)")
        .unwrap()
        .mask
        .unwrap();
    let puts: Vec<FlowPut> = (0..N)
        .map(|i| {
            let key = KeyAttrs {
                in_port: Some(p1),
                ethernet: Some(OvsKeyEthernet::default()),
                ethertype: Some(0x0800),
                ipv4: Some(OvsKeyIpv4 {
                    ipv4_src: (0x0a00_0000 | i).into(),
                    ..Default::default()
                }),
                ..Default::default()
            };
            FlowPut::new(key, vec![ActionAttrs::Output(p1)])
                .with_mask(mask.clone())
                .with_ufid(Ufid::from_u128(0x1000_0000 + u128::from(i)))
        })
        .collect();
    let ops: Vec<FlowOp> = puts.iter().map(FlowOp::Put).collect();

    let t = Instant::now();
    let results = dp.flow_operate(&ops).expect("batch");
    let put_time = t.elapsed();
    let failed: Vec<_> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e.clone())))
        .take(5)
        .collect();
    assert!(failed.is_empty(), "failed puts: {failed:?}");
    assert_eq!(results.len(), N as usize);

    let t = Instant::now();
    let n = dp.flow_dump(false).unwrap().count().unwrap();
    let dump_time = t.elapsed();
    assert_eq!(n, N as usize);
    let t = Instant::now();
    let n_terse = dp.flow_dump(true).unwrap().count().unwrap();
    let terse_time = t.elapsed();
    assert_eq!(n_terse, N as usize);
    let flows = dpctl::parse_show(&dpctl(&["show", "dpb"])).unwrap()[0].flows;
    assert_eq!(flows, Some(u64::from(N)));
    // One of them, fetched by UFID.
    let e = dp
        .flow_get(FlowId::Ufid(Ufid::from_u128(0x1000_0000 + 4321)))
        .unwrap();
    assert_eq!(
        e.to_match().key.ipv4.unwrap().ipv4_src.get(),
        0x0a00_0000 | 4321
    );

    // Batched deletes.
    let dels: Vec<FlowOp> = puts
        .iter()
        .take(1000)
        .map(|p| FlowOp::Del(FlowId::Ufid(p.ufid.unwrap())))
        .collect();
    assert!(dp.flow_operate(&dels).unwrap().iter().all(Result::is_ok));
    assert_eq!(
        dp.flow_dump(true).unwrap().count().unwrap(),
        (N - 1000) as usize
    );
    dp.flow_flush().unwrap();
    println!(
        "BENCH ovs_vm flow_put_batch flows={N} put_ms={:.1} dump_ms={:.1} terse_dump_ms={:.1} (qemu TCG guest)",
        put_time.as_secs_f64() * 1e3,
        dump_time.as_secs_f64() * 1e3,
        terse_time.as_secs_f64() * 1e3
    );
    let _ = std::io::stderr().write_all(
        format!(
            "BENCH ovs_vm flow_put_batch flows={N} put_ms={:.1} dump_ms={:.1} terse_dump_ms={:.1}\n",
            put_time.as_secs_f64() * 1e3,
            dump_time.as_secs_f64() * 1e3,
            terse_time.as_secs_f64() * 1e3
        )
        .as_bytes(),
    );
}

#[test]
#[ignore = "runs inside the VM (ovs_in_vm)"]
fn vm_meters_and_ct_limits() {
    nlwire_vm::guest_only!();
    let (mut dp, _c) = fresh("dpm", &OpenOptions::default());
    record(&mut dp, "meters");
    let f = dp.meter_features().expect("meter features");
    assert!(
        f.max_meters.unwrap_or(0) > 0 && f.max_bands.unwrap_or(0) > 0,
        "{f:?}"
    );

    let m = dp
        .meter_set(
            1,
            true,
            &[DropBand {
                rate: 1000,
                burst: 500,
            }],
        )
        .expect("meter set");
    assert_eq!(m.id, Some(1));
    let g = dp.meter_get(1).expect("meter get");
    assert_eq!(g.id, Some(1));
    assert_eq!(g.bands.as_ref().map(Vec::len), Some(1), "{g:?}");
    // A flow using the meter.
    let k = odp::parse_key("in_port(0),eth(),eth_type(0x0800),ipv4(frag=no)").unwrap();
    ok(
        dp.flow_put(
            &FlowPut::from_match(k, vec![ActionAttrs::Meter(1)]).with_ufid(Ufid::from_u128(1)),
        ),
        "meter flow",
    );
    dp.flow_flush().unwrap();
    dp.meter_del(1).expect("meter del");
    assert!(dp.meter_get(1).is_err());

    dp.ct_limit_set(&[
        ZoneLimit {
            zone: ovs::ct_limit::DEFAULT_ZONE,
            limit: 100,
            count: 0,
        },
        ZoneLimit {
            zone: 5,
            limit: 3,
            count: 0,
        },
    ])
    .expect("ct limit set");
    let got = dp
        .ct_limit_get(&[ovs::ct_limit::DEFAULT_ZONE, 5])
        .expect("ct limit get");
    let lim: Vec<(i32, u32)> = got.iter().map(|z| (z.zone, z.limit)).collect();
    assert_eq!(lim, [(-1, 100), (5, 3)]);
    dp.ct_limit_del(&[5]).unwrap();
    let got = dp.ct_limit_get(&[5]).unwrap();
    assert_eq!(
        got[0].limit, 100,
        "zone 5 falls back to the default: {got:?}"
    );
    dp.ct_limit_set(&[ZoneLimit {
        zone: ovs::ct_limit::DEFAULT_ZONE,
        limit: 0,
        count: 0,
    }])
    .unwrap();
}
