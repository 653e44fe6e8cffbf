//! Reading `ovs-dpctl` output into structured values, to check the API against OVS's
//! own tool: `ovs-dpctl show` ([`parse_show`]) and `ovs-dpctl dump-flows`
//! ([`parse_dump_flows`]).
//!
//! ```
//! use nlwire_families::ovs::dpctl;
//!
//! let show = dpctl::parse_show("system@dp0:\n  lookups: hit:1 missed:2 lost:0\n  flows: 3\n  \
//!                               port 0: dp0 (internal)\n  port 1: vp1 (internal)\n")?;
//! assert_eq!(show[0].name, "dp0");
//! assert_eq!(show[0].flows, Some(3));
//! assert_eq!(show[0].ports[1].name, "vp1");
//!
//! let flows = dpctl::parse_dump_flows(
//!     "in_port(1),eth(),eth_type(0x0806),arp(op=1), packets:0, bytes:0, used:never, actions:push_vlan(vid=10,pcp=0),2\n",
//! )?;
//! assert_eq!(flows[0].matched.key.in_port, Some(1));
//! assert_eq!(flows[0].actions.len(), 2);
//! # Ok::<(), nlwire_families::ovs::odp::ParseError>(())
//! ```

use super::attrs::{ActionAttrs, Ufid};
use super::odp::{self, FlowMatch, ParseError};

/// One datapath of `ovs-dpctl show`.
///
/// ```
/// let d = &nlwire_families::ovs::dpctl::parse_show("system@x:\n  flows: 2\n")?[0];
/// assert_eq!((d.dp_type.as_str(), d.name.as_str(), d.flows), ("system", "x", Some(2)));
/// # Ok::<(), nlwire_families::ovs::odp::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShowDatapath {
    /// The type prefix (`system`).
    pub dp_type: String,
    /// The datapath name.
    pub name: String,
    /// `lookups: hit:`.
    pub hit: Option<u64>,
    /// `lookups: missed:`.
    pub missed: Option<u64>,
    /// `lookups: lost:`.
    pub lost: Option<u64>,
    /// `flows:`.
    pub flows: Option<u64>,
    /// `masks: total:`.
    pub masks: Option<u64>,
    /// The ports, as listed (by number).
    pub ports: Vec<ShowPort>,
}

/// One `port N: name (type...)` line.
///
/// ```
/// let d = &nlwire_families::ovs::dpctl::parse_show("system@x:\n  port 3: eth9\n")?[0];
/// assert_eq!((d.ports[0].port_no, d.ports[0].port_type.as_str()), (3, ""));
/// # Ok::<(), nlwire_families::ovs::odp::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShowPort {
    /// Port number.
    pub port_no: u32,
    /// Port name.
    pub name: String,
    /// The type in parentheses (`internal`, `vxlan: dst_port=4789`...); empty for a
    /// `system` (netdev) port, which `ovs-dpctl` prints without a type.
    pub port_type: String,
}

/// Parses `ovs-dpctl show` output.
///
/// ```
/// let dps = nlwire_families::ovs::dpctl::parse_show("system@a:\n  port 0: a (internal)\nsystem@b:\n")?;
/// assert_eq!((dps.len(), dps[0].ports.len(), dps[1].ports.len()), (2, 1, 0));
/// # Ok::<(), nlwire_families::ovs::odp::ParseError>(())
/// ```
pub fn parse_show(text: &str) -> Result<Vec<ShowDatapath>, ParseError> {
    let mut out: Vec<ShowDatapath> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let head = line
                .strip_suffix(':')
                .ok_or_else(|| ParseError::new("expected type@name:", line))?;
            let (ty, name) = head.split_once('@').unwrap_or(("", head));
            out.push(ShowDatapath {
                dp_type: ty.into(),
                name: name.into(),
                ..Default::default()
            });
            continue;
        }
        let dp = out
            .last_mut()
            .ok_or_else(|| ParseError::new("indented line before a datapath", line))?;
        let t = line.trim();
        let num_after = |k: &str| -> Option<u64> {
            let i = t.find(k)? + k.len();
            t[i..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        };
        if t.starts_with("lookups:") {
            dp.hit = num_after("hit:");
            dp.missed = num_after("missed:");
            dp.lost = num_after("lost:");
        } else if t.starts_with("flows:") {
            dp.flows = num_after("flows:").or_else(|| t[6..].trim().parse().ok());
        } else if t.starts_with("masks:") {
            dp.masks = num_after("total:");
        } else if let Some(rest) = t.strip_prefix("port ") {
            let (no, rest) = rest
                .split_once(':')
                .ok_or_else(|| ParseError::new("expected port N: name", line))?;
            let port_no = no
                .trim()
                .parse()
                .map_err(|_| ParseError::new("bad port number", line))?;
            let rest = rest.trim();
            let (name, port_type) = match rest.find(" (") {
                Some(i) => (
                    &rest[..i],
                    rest[i + 2..].strip_suffix(')').unwrap_or(&rest[i + 2..]),
                ),
                None => (rest, ""),
            };
            dp.ports.push(ShowPort {
                port_no,
                name: name.into(),
                port_type: port_type.into(),
            });
        }
        // Other lines (cache:, caches:, statistics) are not needed.
    }
    Ok(out)
}

/// One flow line of `ovs-dpctl dump-flows` (`-m` adds the UFID).
///
/// ```
/// let f = &nlwire_families::ovs::dpctl::parse_dump_flows(
///     "in_port(1),eth_type(0x0800), packets:1, bytes:64, used:0.1s, actions:2")?[0];
/// assert_eq!((f.packets, f.key_text.as_str(), f.actions_text.as_str()), (1, "in_port(1),eth_type(0x0800)", "2"));
/// # Ok::<(), nlwire_families::ovs::odp::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DumpedFlow {
    /// The UFID (printed with `-m` when the flow has one).
    pub ufid: Option<Ufid>,
    /// The key and mask as printed (wildcarded fields absent).
    pub matched: FlowMatch,
    /// `packets:`.
    pub packets: u64,
    /// `bytes:`.
    pub bytes: u64,
    /// `used:` (`never`, or seconds ago as printed).
    pub used: String,
    /// The actions.
    pub actions: Vec<ActionAttrs>,
    /// The key text as printed.
    pub key_text: String,
    /// The actions text as printed.
    pub actions_text: String,
}

/// Parses `ovs-dpctl dump-flows` output, one flow per line.
///
/// ```
/// let f = nlwire_families::ovs::dpctl::parse_dump_flows(
///     "ufid:00000001-0000-0000-0000-000000000000, recirc_id(0),in_port(2),eth_type(0x86dd), \
///      packets:3, bytes:180, used:0.5s, flags:S, actions:drop",
/// )?;
/// assert_eq!(f[0].ufid.unwrap().0[0], 1);
/// assert_eq!((f[0].packets, f[0].bytes), (3, 180));
/// assert!(f[0].actions.is_empty());
/// # Ok::<(), nlwire_families::ovs::odp::ParseError>(())
/// ```
pub fn parse_dump_flows(text: &str) -> Result<Vec<DumpedFlow>, ParseError> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse_flow_line)
        .collect()
}

fn parse_flow_line(line: &str) -> Result<DumpedFlow, ParseError> {
    let mut rest = line.trim();
    let mut ufid = None;
    if rest.starts_with("ufid:") {
        let (u, r) = rest
            .split_once(", ")
            .ok_or_else(|| ParseError::new("expected ufid:..., key", line))?;
        ufid = Some(odp::parse_ufid(u)?);
        rest = r;
    }
    let pk = rest
        .find(", packets:")
        .ok_or_else(|| ParseError::new("expected , packets:", line))?;
    let key_text = rest[..pk].trim();
    let stats = &rest[pk + 2..];
    let ak = stats
        .find("actions:")
        .ok_or_else(|| ParseError::new("expected actions:", line))?;
    let actions_text = stats[ak + 8..].trim();
    let mut f = DumpedFlow {
        ufid,
        matched: odp::parse_key(key_text)?,
        actions: odp::parse_actions(actions_text)?,
        key_text: key_text.into(),
        actions_text: actions_text.into(),
        ..Default::default()
    };
    for item in stats[..ak].split(", ") {
        let item = item.trim().trim_end_matches(',');
        if let Some(v) = item.strip_prefix("packets:") {
            f.packets = v
                .parse()
                .map_err(|_| ParseError::new("bad packets", item))?;
        } else if let Some(v) = item.strip_prefix("bytes:") {
            f.bytes = v.parse().map_err(|_| ParseError::new("bad bytes", item))?;
        } else if let Some(v) = item.strip_prefix("used:") {
            f.used = v.into();
        }
    }
    Ok(f)
}
