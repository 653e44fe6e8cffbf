//! `nlwire monitor`: join multicast groups and print each notification, decoded by the
//! spec, until interrupted (Ctrl-C ends the process; output is flushed per line), after
//! `--count` notifications or `--duration` seconds. A receive-buffer overrun (ENOBUFS)
//! is reported as lost events and listening goes on.

use std::time::{Duration, Instant};

use nlwire::MsgKind;
use nlwire::sock::{Error as SockError, Listener, Socket};

use crate::net;
use nlwire_schema::{Family, Op};
use serde_json::json;

use crate::args::MonitorArgs;
use crate::codec::message::decode_msg;
use crate::error::{CliError, Result};
use crate::output::{Format, emit, print_line};
use crate::specs::{resolve, search_dirs};
use crate::tree;

/// Listens and prints.
pub fn run(a: &MonitorArgs) -> Result<()> {
    a.stray.check()?;
    let duration = match a.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return Err(CliError::usage(format!(
                "--duration takes a positive number of seconds, not {d}"
            )));
        }
        Some(d) => Some(Duration::from_secs_f64(d)),
        None => None,
    };
    let fam = resolve(&a.spec, &search_dirs(&a.dirs.spec_dirs))?;
    let proto = fam.netlink_protocol();
    let mut sock = net::open_in(proto, &a.ns.netns())?;
    let (family_id, groups) = group_ids(&mut sock, &fam, &a.groups)?;
    if let Some(b) = a.rcvbuf {
        sock.set_rcvbuf(b)
            .map_err(|e| CliError::failure(format!("cannot set the receive buffer: {e}")))?;
    }
    let timeout = a.timeout.map(|t| Duration::from_secs(t.max(1)));
    let deadline = duration.map(|d| Instant::now() + d);
    let mut l = Listener::new(sock);
    for g in &groups {
        l.join(*g)
            .map_err(|e| CliError::failure(format!("cannot join group {g}: {e}")))?;
    }
    eprintln!(
        "listening to {} group(s) {} (Ctrl-C to stop)",
        fam.name,
        a.groups.join(", ")
    );
    let format = a.out.format();
    let mut seen = 0u64;
    let mut lost = 0u64;
    let mut last = Instant::now();
    loop {
        // Wait no longer than the timeout, nor past the end of the duration.
        let now = Instant::now();
        let left = deadline.map(|d| d.saturating_duration_since(now));
        if left.is_some_and(|l| l.is_zero()) {
            return Ok(());
        }
        let quiet = timeout.map(|t| t.saturating_sub(now - last));
        let wait = match (quiet, left) {
            (Some(q), Some(l)) => Some(q.min(l)),
            (q, l) => q.or(l),
        };
        // A zero SO_RCVTIMEO would mean "forever".
        l.socket_mut()
            .set_read_timeout(wait.map(|w| w.max(Duration::from_millis(1))))
            .map_err(|e| CliError::failure(format!("cannot set the timeout: {e}")))?;
        let dg = match l.recv() {
            Ok(dg) => dg,
            Err(SockError::LostEvents) => {
                lost += 1;
                eprintln!(
                    "lost events: the receive buffer overflowed (ENOBUFS) and the kernel dropped \
                     notifications ({lost} time(s) so far); re-read the state with a dump if it matters"
                );
                if format == Format::Json {
                    print_line(format, &json!({"lost-events": true}));
                }
                continue;
            }
            Err(e) if e.errno() == Some(11) && wait.is_some() => {
                let now = Instant::now();
                if deadline.is_some_and(|d| now >= d) {
                    return Ok(());
                }
                if timeout.is_some_and(|t| now - last >= t) {
                    return Err(CliError::failure(format!(
                        "no notification within {} s ({seen} received)",
                        a.timeout.unwrap_or_default()
                    )));
                }
                continue;
            }
            Err(e) => {
                return Err(CliError::failure(format!(
                    "receiving notifications failed: {e}"
                )));
            }
        };
        last = Instant::now();
        for m in dg.messages() {
            let m = match m {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("malformed notification datagram: {e}");
                    break;
                }
            };
            if !matches!(m.kind(), Ok(MsgKind::Data)) {
                continue;
            }
            if family_id.is_some_and(|id| id != m.ty()) {
                continue;
            }
            let cmd = match (fam.protocol.is_genetlink(), m.genl()) {
                (true, Ok((g, _))) => u16::from(g.cmd),
                (true, Err(_)) => 0,
                (false, _) => m.ty(),
            };
            let d = decode_msg(&fam, &m, notification_op(&fam, cmd));
            for p in &d.problems {
                eprintln!("warning: malformed notification attribute {p}");
            }
            let name = d.op.clone().unwrap_or_else(|| format!("cmd-{}", d.cmd));
            let body = crate::cmd::request::body(d);
            match format {
                Format::Json => print_line(format, &json!({"name": name, "msg": body})),
                Format::Tree => {
                    emit(&format!("{name}:"));
                    for line in tree::render(&body).lines() {
                        emit(&format!("  {line}"));
                    }
                }
            }
            seen += 1;
            if a.count.is_some_and(|c| seen >= c) {
                return Ok(());
            }
        }
    }
}

/// The notification op carrying reply value `cmd` (rt-link's `newlink-ntf` rather than
/// `getlink`, which shares its message type).
fn notification_op(fam: &Family, cmd: u16) -> Option<&Op> {
    fam.ops_by_reply_value(cmd).find(|o| o.is_async())
}

/// The family id to filter on (genetlink) and the group numbers to join.
fn group_ids(sock: &mut Socket, fam: &Family, names: &[String]) -> Result<(Option<u16>, Vec<u32>)> {
    let kernel =
        if fam.protocol.is_genetlink() {
            Some(sock.resolve_family(&fam.name).map_err(|e| {
                CliError::failure(format!("cannot resolve family {:?}: {e}", fam.name))
            })?)
        } else {
            None
        };
    let mut ids = Vec::new();
    for n in names {
        let id = match &kernel {
            Some(k) => k.mcast_group(n),
            None => fam.mcast_group(n).and_then(|g| g.value),
        };
        let Some(id) = id else {
            let known: Vec<String> = match &kernel {
                Some(k) => k.mcast_groups.iter().map(|g| g.name.clone()).collect(),
                None => fam.mcast_groups.iter().map(|g| g.name.clone()).collect(),
            };
            return Err(CliError::usage(format!(
                "{} has no multicast group {n:?} (groups: {})",
                fam.name,
                if known.is_empty() {
                    "none".into()
                } else {
                    known.join(", ")
                }
            )));
        };
        ids.push(id);
    }
    Ok((kernel.map(|k| k.id), ids))
}
