//! Hostile datagrams through the decoders users call, in fixed memory and time: a 64 KiB
//! datagram nested as deep as 64 KiB allows (an OVS flow key whose ENCAP holds an ENCAP
//! ... 16,378 levels), 64 KiB of nests at the depth limit, and 16,000 tiny attributes
//! (OVS actions, unknown nlctrl attributes), each decoded by the schema-generated types
//! of nlwire-families and by the CLI's capture decoder.
//!
//! A counting allocator (per thread) measures allocations and the peak of live heap
//! bytes; the wall time of each step is bounded too. (codec/tests/hostile.rs shows the
//! same datagrams through the generic validator and the attribute index.)

use std::fmt::{self, Write as _};
use std::time::{Duration, Instant};

use nlwire::consts::*;
use nlwire::{AttrSet, Error, Limits, Message};
use nlwire_families::{nlctrl, ovs_flow};
use nlwire_testkit::alloc::CountingAlloc;

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// What one step cost.
#[derive(Debug)]
struct Usage {
    allocs: usize,
    /// Most heap bytes live at once during the step, above what was live before it.
    peak: usize,
    time: Duration,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let start = Instant::now();
    let (r, counted) = nlwire_testkit::alloc::measure(f);
    let time = start.elapsed();
    let usage = Usage {
        allocs: counted.allocs,
        peak: counted.peak_bytes,
        time,
    };
    (r, usage)
}

/// Wall time allowed for one step in this (unoptimized) test build. The steps take at
/// most a few tens of milliseconds here; a walk quadratic in the 16,000 attributes
/// (2.6e8 steps) would not fit.
const TIME_LIMIT: Duration = Duration::from_secs(2);

/// Heap allowed for the CLI's decoder per byte of capture: it builds JSON for every
/// attribute it prints. 64 KiB of nests at the depth limit peak at about 220 bytes per
/// byte (two JSON objects per 8-byte level), 16,000 tiny attributes at about 53.
const CLI_HEAP_PER_BYTE: usize = 512;

const FLOW_FAMILY: u16 = 0x22;
const OVS_FLOW_ATTR_KEY: u16 = 1;
const OVS_FLOW_ATTR_ACTIONS: u16 = 2;
const OVS_KEY_ATTR_ENCAP: u16 = 1;
const OVS_ACTION_ATTR_POP_VLAN: u16 = 5;
const OVS_ACTION_ATTR_SAMPLE: u16 = 6;
const OVS_SAMPLE_ATTR_ACTIONS: u16 = 2;

/// nlmsghdr (length set by [`finish`]), genlmsghdr and, for OVS, the 4-byte ovs_header.
fn header(family: u16, cmd: u8, version: u8, ovs: bool) -> Vec<u8> {
    let mut v = Vec::with_capacity(65_536);
    v.extend(0u32.to_ne_bytes());
    v.extend(family.to_ne_bytes());
    v.extend(NLM_F_REQUEST.to_ne_bytes());
    v.extend([0; 8]);
    v.extend([cmd, version, 0, 0]);
    if ovs {
        v.extend(5i32.to_ne_bytes());
    }
    v
}

fn finish(mut v: Vec<u8>) -> Vec<u8> {
    let len = v.len() as u32;
    v[..4].copy_from_slice(&len.to_ne_bytes());
    v
}

fn attr(v: &mut Vec<u8>, ty: u16, payload_len: usize) {
    v.extend((NLA_HDRLEN as u16 + payload_len as u16).to_ne_bytes());
    v.extend(ty.to_ne_bytes());
}

/// An OVS flow NEW message of exactly 64 KiB: FLOW_ATTR_KEY holding ENCAP holding
/// ENCAP ..., every level a bare 4-byte header around the next.
fn deepest_flow() -> Vec<u8> {
    let mut v = header(FLOW_FAMILY, ovs_flow::cmd::NEW, ovs_flow::VERSION, true);
    let levels = (65_536 - v.len()) / NLA_HDRLEN;
    for level in 0..levels {
        let ty = if level == 0 {
            OVS_FLOW_ATTR_KEY
        } else {
            OVS_KEY_ATTR_ENCAP
        };
        attr(&mut v, ty, (levels - level - 1) * NLA_HDRLEN);
    }
    finish(v)
}

/// A SAMPLE action whose action list holds a SAMPLE ... `depth` SAMPLE actions in all,
/// the innermost with an empty action list.
fn sample_chain(depth: usize) -> Vec<u8> {
    let mut v = Vec::new();
    for level in 0..depth {
        let inner = (depth - level - 1) * 2 * NLA_HDRLEN;
        attr(&mut v, OVS_ACTION_ATTR_SAMPLE, NLA_HDRLEN + inner);
        attr(&mut v, OVS_SAMPLE_ATTR_ACTIONS, inner);
    }
    v
}

/// A flow NEW message whose action list holds `chains` sample chains of `depth`.
fn flow_with_sample_chains(depth: usize, chains: usize) -> Vec<u8> {
    let chain = sample_chain(depth);
    let mut v = header(FLOW_FAMILY, ovs_flow::cmd::NEW, ovs_flow::VERSION, true);
    attr(&mut v, OVS_FLOW_ATTR_ACTIONS, chain.len() * chains);
    for _ in 0..chains {
        v.extend(&chain);
    }
    finish(v)
}

/// A flow NEW message whose action list holds `n` POP_VLAN actions (4 bytes each).
fn flow_with_tiny_actions(n: usize) -> Vec<u8> {
    let mut v = header(FLOW_FAMILY, ovs_flow::cmd::NEW, ovs_flow::VERSION, true);
    attr(&mut v, OVS_FLOW_ATTR_ACTIONS, n * NLA_HDRLEN);
    for _ in 0..n {
        attr(&mut v, OVS_ACTION_ATTR_POP_VLAN, 0);
    }
    finish(v)
}

/// An nlctrl GETFAMILY reply of `n` empty attributes of types nlctrl does not define.
fn nlctrl_with_unknown_attrs(n: usize) -> Vec<u8> {
    let mut v = header(
        GENL_ID_CTRL,
        nlctrl::reply::GETFAMILY,
        nlctrl::VERSION,
        false,
    );
    for i in 0..n {
        attr(&mut v, 100 + (i % 1000) as u16, 0);
    }
    finish(v)
}

/// Formats a view into a sink that keeps only the length: `Debug` of a view walks every
/// field, list entry and nested set.
fn walk(view: &impl fmt::Debug) -> usize {
    struct Len(usize);
    impl fmt::Write for Len {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut sink = Len(0);
    write!(sink, "{view:?}").expect("formatting into a counter");
    sink.0
}

/// A pcap file with one nlmon packet holding `datagram` (generic netlink), and the
/// nlctrl reply that names `FLOW_FAMILY` as ovs_flow before it.
fn capture(datagram: &[u8]) -> Vec<u8> {
    let mut names = header(
        GENL_ID_CTRL,
        nlctrl::reply::GETFAMILY,
        nlctrl::VERSION,
        false,
    );
    attr(&mut names, 1, 2);
    names.extend(FLOW_FAMILY.to_ne_bytes());
    names.extend([0, 0]);
    attr(&mut names, 2, 9);
    names.extend(b"ovs_flow\0\0\0\0");
    attr(&mut names, 4, 4);
    names.extend(4u32.to_ne_bytes());
    let names = finish(names);
    let mut f = Vec::new();
    f.extend(0xa1b2_c3d4u32.to_le_bytes());
    f.extend(2u16.to_le_bytes());
    f.extend(4u16.to_le_bytes());
    f.extend([0; 8]);
    f.extend(262_144u32.to_le_bytes());
    f.extend(253u32.to_le_bytes());
    for dg in [&names[..], datagram] {
        let len = (16 + dg.len()) as u32;
        f.extend([0; 8]);
        f.extend(len.to_le_bytes());
        f.extend(len.to_le_bytes());
        f.extend(4u16.to_be_bytes());
        f.extend(824u16.to_be_bytes());
        f.extend([0; 10]);
        f.extend((NETLINK_GENERIC as u16).to_be_bytes());
        f.extend(dg);
    }
    f
}

/// Runs the CLI's capture decoder over `file` and prints every entry in both forms; the
/// entries of the last packet (the datagram) and the printed size.
fn cli_decode(
    dec: &mut nlwire_cli::cmd::decode::Decoder,
    file: &[u8],
) -> (Vec<serde_json::Value>, usize) {
    use nlwire_cli::cmd::decode::render;
    use nlwire_cli::output::Format;
    let records = nlwire_cli::capture::records(file).expect("a pcap file");
    dec.forget_capture();
    dec.learn_ids(&records);
    let mut printed = 0;
    let mut last = Vec::new();
    for r in &records {
        last = dec.entries(r);
        for e in &last {
            printed += render(Format::Json, e).len() + render(Format::Tree, e).len();
        }
    }
    (last, printed)
}

fn assert_cli_bounded(file: &[u8], what: &str) -> Vec<serde_json::Value> {
    // The built-in specs are parsed once per decoder, before the measured capture.
    let mut dec = nlwire_cli::cmd::decode::Decoder::builtin();
    let _ = cli_decode(&mut dec, &capture(&flow_with_tiny_actions(1)));
    let ((entries, printed), u) = measure(|| cli_decode(&mut dec, file));
    eprintln!("{what}: CLI decoder {u:?}, {printed} bytes printed");
    assert!(u.time < TIME_LIMIT, "{what}: {u:?}");
    assert!(u.peak <= CLI_HEAP_PER_BYTE * file.len(), "{what}: {u:?}");
    assert!(
        printed <= nlwire_fuzz::PCAP_OUTPUT_PER_BYTE * file.len(),
        "{what}: {printed}"
    );
    entries
}

#[test]
fn deepest_64k_flow_key_stops_at_the_depth_limit_without_allocating() {
    let d = deepest_flow();
    assert_eq!(d.len(), 65_536);
    let (r, u) = measure(|| ovs_flow::msg::NewRequest::decode(&d).map(drop));
    eprintln!("64 KiB nested flow key, default limits: {u:?}");
    assert!(matches!(r, Err(Error::TooDeep { limit: 32, .. })), "{r:?}");
    assert_eq!(u.allocs, 0);
    assert!(u.time < TIME_LIMIT, "{u:?}");

    // No setting lets the peer recurse past the ceiling (and off the stack).
    let unlimited = Limits {
        max_depth: usize::MAX,
        ..Limits::DEFAULT
    };
    let (r, u) = measure(|| {
        let m = nlwire::Msg::parse(&d).expect("one message");
        ovs_flow::msg::NewRequest::decode_msg(m, &unlimited).map(drop)
    });
    eprintln!("64 KiB nested flow key, max_depth usize::MAX: {u:?}");
    assert!(
        matches!(
            r,
            Err(Error::TooDeep {
                limit: Limits::DEPTH_CEILING,
                ..
            })
        ),
        "{r:?}"
    );
    assert_eq!(u.allocs, 0);
    assert!(u.time < TIME_LIMIT, "{u:?}");

    let (r, u) = measure(|| ovs_flow::KeyAttrs::decode(&d[24 + NLA_HDRLEN..]).map(drop));
    assert!(matches!(r, Err(Error::TooDeep { .. })), "{r:?}");
    assert_eq!(u.allocs, 0);

    let entries = assert_cli_bounded(&capture(&d), "64 KiB nested flow key");
    let errors = entries[0]["errors"].to_string();
    assert!(errors.contains("nest"), "{errors}");
}

#[test]
fn nests_at_the_depth_limit_filling_64k_decode_and_walk_without_allocating() {
    // The deepest chain the default limits accept, found by trying.
    let ok = |depth| ovs_flow::msg::NewRequest::decode(&flow_with_sample_chains(depth, 1)).is_ok();
    let depth = (1..64)
        .take_while(|&d| ok(d))
        .last()
        .expect("one level decodes");
    assert!(depth >= 10, "{depth}");
    assert!(matches!(
        ovs_flow::msg::NewRequest::decode(&flow_with_sample_chains(depth + 1, 1)),
        Err(Error::TooDeep { limit: 32, .. })
    ));
    // nlmsghdr, genlmsghdr, ovs_header and the ACTIONS header take 28 of the 64 KiB.
    let chains = (65_536 - 28) / sample_chain(depth).len();
    let d = flow_with_sample_chains(depth, chains);
    assert!(d.len() > 64_000 && d.len() <= 65_536, "{}", d.len());

    let (view, u) = measure(|| ovs_flow::msg::NewRequest::decode(&d).expect("decodes"));
    eprintln!(
        "{chains} sample chains {depth} deep ({} bytes): decode {u:?}",
        d.len()
    );
    assert_eq!(u.allocs, 0);
    assert!(u.time < TIME_LIMIT, "{u:?}");
    let (printed, u) = measure(|| walk(&view));
    eprintln!("walk: {u:?}, {printed} bytes of Debug");
    assert_eq!(u.allocs, 0);
    assert!(u.time < TIME_LIMIT, "{u:?}");
    let actions = view.attrs.actions.expect("actions");
    let (n, u) = measure(|| actions.iter().count());
    assert_eq!((n, u.allocs), (chains, 0));

    // The owned form allocates one list per SAMPLE: linear in the number of actions,
    // but each list takes at least 4 slots (a collected Vec's smallest allocation) of an
    // `ActionAttrs`, whose largest variant holds a 512-byte tunnel header. So 8 wire
    // bytes per level become about 4 slots on the heap (18 MB for these 64 KiB).
    let elem = std::mem::size_of::<ovs_flow::ActionAttrs>();
    let (owned, u) = measure(|| ovs_flow::msg::NewRequest::from_view(view));
    eprintln!("owned form: {u:?}, {elem}-byte actions");
    assert!(u.peak <= 8 * chains * depth * elem, "{u:?}");
    assert!(u.time < TIME_LIMIT, "{u:?}");
    assert_eq!(owned.attrs.actions.map(|a| a.len()), Some(chains));

    assert_cli_bounded(&capture(&d), "64 KiB of sample chains");
}

#[test]
fn sixteen_thousand_tiny_attributes_decode_without_allocating() {
    let d = flow_with_tiny_actions(16_000);
    let (view, u) = measure(|| ovs_flow::msg::NewRequest::decode(&d).expect("decodes"));
    eprintln!("16,000 POP_VLAN actions ({} bytes): decode {u:?}", d.len());
    assert_eq!(u.allocs, 0);
    assert!(u.time < TIME_LIMIT, "{u:?}");
    let actions = view.attrs.actions.expect("actions");
    let (n, u) = measure(|| {
        actions
            .iter()
            .filter(|a| matches!(a, ovs_flow::ActionAttrsView::PopVlan))
            .count()
    });
    assert_eq!((n, u.allocs), (16_000, 0));
    assert!(u.time < TIME_LIMIT, "{u:?}");
    let (_, u) = measure(|| walk(&view));
    assert_eq!(u.allocs, 0);

    let low = Limits {
        max_attrs: 10_000,
        ..Limits::DEFAULT
    };
    let m = nlwire::Msg::parse(&d).expect("one message");
    assert_eq!(
        ovs_flow::msg::NewRequest::decode_msg(m, &low).map(drop),
        Err(Error::TooManyAttrs { limit: 10_000 })
    );

    let d = nlctrl_with_unknown_attrs(16_000);
    let (r, u) = measure(|| nlctrl::msg::GetfamilyReply::decode(&d).map(|v| walk(&v)));
    eprintln!(
        "16,000 unknown nlctrl attributes ({} bytes): {u:?}",
        d.len()
    );
    assert!(r.is_ok(), "{r:?}");
    assert_eq!(u.allocs, 0);
    assert!(u.time < TIME_LIMIT, "{u:?}");

    let entries = assert_cli_bounded(
        &capture(&flow_with_tiny_actions(16_000)),
        "16,000 POP_VLAN actions",
    );
    assert_eq!(entries[0]["family"], "ovs_flow");
    assert_eq!(
        entries[0]["attrs"]["actions"]["pop-vlan"]
            .as_array()
            .map(Vec::len),
        Some(16_000)
    );
    assert_cli_bounded(&capture(&d), "16,000 unknown nlctrl attributes");
}
