//! `nlwire do` and `nlwire dump`: a request built at run time from the spec and a JSON
//! object, replies decoded by the spec.

use nlwire::MsgBuf;
use nlwire::consts::{
    NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST,
};
use nlwire::sock::{Error as SockError, Transaction};
use nlwire_schema::{Family, Op};
use serde_json::{Map, Value};

use crate::args::{ReqFlag, RequestArgs};
use crate::codec::message::{
    Decoded, Request, build_request, decode_msg, headers_len, struct_size,
};
use crate::error::{CliError, Result};
use crate::extack::explain;
use crate::output::{Format, print, progress};
use crate::specs::{resolve, search_dirs};
use crate::{net, tree};

/// What `--json` without a value gets: it is the request, not an output switch.
const JSON_NEEDS_A_VALUE: &str = "--json is the request and takes a JSON object \
     (`--json '{\"ifindex\": 1}'`, `--json @FILE`, `--json -`); for JSON output write `-o json`";

/// Runs `do` (`dump == false`) or `dump`.
pub fn run(a: &RequestArgs, dump: bool) -> Result<()> {
    let fam = resolve(&a.spec, &search_dirs(&a.dirs.spec_dirs))?;
    let mut extra = 0;
    for f in &a.flags {
        extra |= match f {
            ReqFlag::Create => NLM_F_CREATE,
            ReqFlag::Excl => NLM_F_EXCL,
            ReqFlag::Replace => NLM_F_REPLACE,
            ReqFlag::Append => NLM_F_APPEND,
        };
    }
    if !a.multi.is_empty() {
        if dump {
            return Err(CliError::usage(
                "--multi sends do requests in one batch; write `nlwire do --multi OP JSON ...`",
            ));
        }
        return run_multi(a, &fam, extra);
    }
    let Some(op_name) = a.op.as_deref() else {
        return Err(CliError::usage(
            "name the op to send (or give --multi OP JSON)",
        ));
    };
    let op = find_op(&fam, op_name, dump)?;
    let input = match &a.input {
        None => Map::new(),
        Some(None) => return Err(CliError::usage(JSON_NEEDS_A_VALUE)),
        Some(Some(t)) => parse_input(Some(t))?,
    };
    let flags = NLM_F_REQUEST | if dump { 0 } else { NLM_F_ACK } | extra;
    let mut sock = net::open_in(fam.netlink_protocol(), &a.ns.netns())?;
    let id = net::family_id(&mut sock, &fam)?;
    let req = build_request(&fam, op, id, flags, &input)
        .map_err(|e| CliError::usage(format!("cannot encode the request: {e}")))?;
    let format = a.out.format();
    let mut replies = Vec::new();
    let mut problems = 0;
    let mut keep = |d: Decoded| {
        problems += d.problems.len();
        for p in &d.problems {
            eprintln!("warning: malformed reply attribute {p}");
        }
        replies.push(body(d));
    };
    if dump {
        let pb = progress(&format!("{} {}", fam.name, op.name));
        let mut d = sock
            .dump(&req.bytes)
            .map_err(|e| explain(&e, &fam, op, &req))?;
        let mut failure = None;
        while let Some(m) = d.next_msg() {
            match m {
                Ok(m) => {
                    keep(decode_msg(&fam, &m, Some(op)));
                    pb.inc(1);
                }
                Err(e @ SockError::DumpInterrupted { .. }) => {
                    eprintln!("warning: {e}");
                }
                Err(e) => failure = Some(explain(&e, &fam, op, &req)),
            }
        }
        pb.finish_and_clear();
        if let Some(w) = d.warning() {
            eprintln!("warning from the kernel: {w}");
        }
        drop(d);
        print_all(format, &replies, true);
        if let Some(e) = failure {
            return Err(e);
        }
    } else {
        let mut txn = transaction(&fam, op, &req);
        let reply = sock
            .transact(&mut txn)
            .map_err(|e| explain(&e, &fam, op, &req))?;
        if let Some(w) = reply.warning() {
            eprintln!("warning from the kernel: {w}");
        }
        for m in reply.messages() {
            keep(decode_msg(&fam, &m, Some(op)));
        }
        print_all(format, &replies, false);
    }
    if problems > 0 {
        return Err(CliError::failure(format!(
            "{problems} malformed attribute(s) in the replies (shown as \"!malformed\")"
        )));
    }
    Ok(())
}

/// The transaction that sends `req` (an op of `fam`) and collects its reply.
fn transaction(fam: &Family, op: &Op, req: &Request) -> Transaction {
    let mut b = MsgBuf::with_capacity(req.bytes.len());
    b.put(&req.bytes);
    let mut txn = Transaction::with_request(b);
    txn.set_attrs_at(headers_len(fam) + struct_size(fam, op.fixed_header));
    txn.set_reply_capacity(32 << 10);
    txn
}

/// `NETLINK_NETFILTER`.
const NETLINK_NETFILTER: u32 = 12;
/// `NFNL_MSG_BATCH_BEGIN` (`NLMSG_MIN_TYPE`).
const NFNL_MSG_BATCH_BEGIN: u16 = 0x10;
/// `NFNL_MSG_BATCH_END`.
const NFNL_MSG_BATCH_END: u16 = 0x11;

/// Which nfnetlink batch marker `op` sends, if any: `Some(true)` for
/// `NFNL_MSG_BATCH_BEGIN`, `Some(false)` for `NFNL_MSG_BATCH_END`.
fn batch_marker(fam: &Family, op: &Op) -> Option<bool> {
    if fam.protocol.is_genetlink() || fam.protonum != Some(NETLINK_NETFILTER) {
        return None;
    }
    match op.req_value {
        Some(NFNL_MSG_BATCH_BEGIN) => Some(true),
        Some(NFNL_MSG_BATCH_END) => Some(false),
        _ => None,
    }
}

/// What became of one operation of a `--multi` batch.
enum Outcome {
    /// Done: the decoded reply (`null` for an ACK or no reply).
    Done(Value),
    /// Refused: errno (when the kernel gave one) and the explanation.
    Failed(Option<i32>, String),
    /// Accepted, but inside an nfnetlink transaction that another operation made the
    /// kernel abort: not applied.
    Aborted,
}

/// `do --multi`: every operation built first (a usage error stops everything before
/// anything is sent), then all sent in one `sendmsg`, so that the kernel sees them in
/// one datagram (what an nftables transaction, `batch-begin` ... `batch-end`, needs),
/// each with `NLM_F_ACK` and its own result.
///
/// nfnetlink's batch markers go without `NLM_F_ACK` (kernels before 6.10 never answer
/// them; later ones answer `batch-end` only when the transaction commits), and when an
/// operation between them fails the kernel aborts the whole transaction: the others are
/// then reported as aborted, not as done, although the kernel acknowledged them.
fn run_multi(a: &RequestArgs, fam: &Family, extra: u16) -> Result<()> {
    let mut ops = Vec::with_capacity(a.multi.len() / 2);
    for pair in a.multi.chunks(2) {
        let [name, json] = pair else {
            return Err(CliError::usage("--multi takes two values: OP and JSON"));
        };
        let op = find_op(fam, name, false)?;
        let input = if json.trim().is_empty() {
            Map::new()
        } else {
            parse_input(Some(json))?
        };
        ops.push((op, input));
    }
    let mut sock = net::open_in(fam.netlink_protocol(), &a.ns.netns())?;
    let id = net::family_id(&mut sock, fam)?;
    let mut reqs = Vec::with_capacity(ops.len());
    for (i, (op, input)) in ops.iter().enumerate() {
        let flags = match batch_marker(fam, op) {
            Some(_) => NLM_F_REQUEST,
            None => NLM_F_REQUEST | NLM_F_ACK | extra,
        };
        let req = build_request(fam, op, id, flags, input).map_err(|e| {
            CliError::usage(format!(
                "cannot encode operation {} ({}): {e}",
                i + 1,
                op.name
            ))
        })?;
        reqs.push(req);
    }
    let mut txns: Vec<Transaction> = ops
        .iter()
        .zip(&reqs)
        .map(|((op, _), req)| transaction(fam, op, req))
        .collect();
    // One datagram: the page-size cap on a batch does not apply.
    sock.set_max_batch(Some(txns.len()));
    if let Err(e) = sock.transact_multiple(&mut txns) {
        eprintln!("warning: the batch did not complete: {e}");
    }
    let mut problems = 0;
    let mut outcomes = Vec::with_capacity(txns.len());
    for (((op, _), req), txn) in ops.iter().zip(&reqs).zip(&txns) {
        outcomes.push(match txn.result() {
            Ok(reply) => {
                if let Some(w) = reply.warning() {
                    eprintln!("warning from the kernel ({}): {w}", op.name);
                }
                let mut bodies = Vec::new();
                for m in reply.messages() {
                    let d = decode_msg(fam, &m, Some(op));
                    problems += d.problems.len();
                    for p in &d.problems {
                        eprintln!("warning: malformed reply attribute ({}) {p}", op.name);
                    }
                    bodies.push(body(d));
                }
                Outcome::Done(match bodies.len() {
                    0 => Value::Null,
                    1 => bodies.pop().unwrap_or_default(),
                    _ => Value::Array(bodies),
                })
            }
            Err(e) => Outcome::Failed(e.errno(), explain(&e, fam, op, req).message),
        });
    }
    // nfnetlink transactions: begin .. end (or the last operation).
    let mut i = 0;
    let mut aborted_any = false;
    while i < ops.len() {
        if batch_marker(fam, ops[i].0) != Some(true) {
            i += 1;
            continue;
        }
        let end = (i + 1..ops.len())
            .find(|&j| batch_marker(fam, ops[j].0) == Some(false))
            .unwrap_or(ops.len() - 1);
        if outcomes[i..=end]
            .iter()
            .any(|o| matches!(o, Outcome::Failed(..)))
        {
            aborted_any = true;
            for o in &mut outcomes[i..=end] {
                if matches!(o, Outcome::Done(_)) {
                    *o = Outcome::Aborted;
                }
            }
        }
        i = end + 1;
    }
    let results: Vec<Value> = ops
        .iter()
        .zip(&outcomes)
        .map(|((op, _), o)| {
            let mut r = Map::new();
            r.insert("op".into(), Value::String(op.name.clone()));
            match o {
                Outcome::Done(v) => {
                    r.insert("reply".into(), v.clone());
                }
                Outcome::Failed(errno, text) => {
                    if let Some(n) = errno {
                        r.insert("errno".into(), Value::from(*n));
                    }
                    r.insert("error".into(), Value::String(text.clone()));
                }
                Outcome::Aborted => {
                    r.insert("aborted".into(), Value::Bool(true));
                }
            }
            Value::Object(r)
        })
        .collect();
    let format = a.out.format();
    match format {
        Format::Json => print(format, &Value::Array(results.clone())),
        Format::Tree => {
            for r in &results {
                let name = r["op"].as_str().unwrap_or_default();
                if let Some(e) = r.get("error").and_then(Value::as_str) {
                    crate::output::emit(&format!("{name}: error: {e}"));
                    continue;
                }
                if r.get("aborted").is_some() {
                    crate::output::emit(&format!(
                        "{name}: aborted (the transaction failed; not applied)"
                    ));
                    continue;
                }
                match r.get("reply") {
                    Some(Value::Null) | None => crate::output::emit(&format!("{name}: ok")),
                    Some(v) => {
                        crate::output::emit(&format!("{name}:"));
                        for line in tree::render(v).lines() {
                            crate::output::emit(&format!("  {line}"));
                        }
                    }
                }
            }
        }
    }
    let failed = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Failed(..)))
        .count();
    if failed > 0 {
        return Err(CliError::failure(format!(
            "{failed} of {} operation(s) failed{}",
            results.len(),
            if aborted_any {
                "; the kernel aborted the transaction, so nothing in it was applied"
            } else {
                ""
            }
        )));
    }
    if problems > 0 {
        return Err(CliError::failure(format!(
            "{problems} malformed attribute(s) in the replies (shown as \"!malformed\")"
        )));
    }
    Ok(())
}

/// The op named `name`, checked to have the requested mode.
pub fn find_op<'f>(fam: &'f Family, name: &str, dump: bool) -> Result<&'f Op> {
    let Some(op) = fam.op(name) else {
        let calls: Vec<&str> = fam
            .ops
            .list
            .iter()
            .filter(|o| o.is_call())
            .map(|o| o.name.as_str())
            .collect();
        return Err(CliError::usage(format!(
            "spec {} has no op {name:?} (ops: {})",
            fam.name,
            calls.join(", ")
        )));
    };
    let has = if dump {
        op.dump.is_some()
    } else {
        op.do_.is_some()
    };
    if !has {
        let other = if dump { "do" } else { "dump" };
        return Err(CliError::usage(format!(
            "op {name} of {} has no {}{}",
            fam.name,
            if dump { "dump" } else { "do" },
            if if dump {
                op.do_.is_some()
            } else {
                op.dump.is_some()
            } {
                format!("; use `nlwire {other}`")
            } else {
                String::new()
            }
        )));
    }
    Ok(op)
}

/// The request object from `--json` (empty when absent): inline JSON, `@FILE`, or `-`
/// for standard input.
pub fn parse_input(text: Option<&str>) -> Result<Map<String, Value>> {
    let Some(t) = text else {
        return Ok(Map::new());
    };
    let owned;
    let t = if t == "-" {
        owned = std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::usage(format!("cannot read the request from stdin: {e}")))?;
        owned.as_str()
    } else if let Some(path) = t.strip_prefix('@') {
        owned = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read the request from {path}: {e}")))?;
        owned.as_str()
    } else {
        t
    };
    match serde_json::from_str::<Value>(t) {
        Ok(Value::Object(o)) => Ok(o),
        Ok(other) => Err(CliError::usage(format!(
            "--json takes a JSON object, not {other}"
        ))),
        Err(e) => Err(CliError::usage(format!("--json is not valid JSON: {e}"))),
    }
}

/// A decoded reply as printed: its body, plus `"!errors"` when something was malformed.
pub fn body(d: Decoded) -> Value {
    let mut b = d.body;
    if !d.problems.is_empty() {
        b.insert(
            "!errors".into(),
            Value::Array(d.problems.iter().map(|p| p.to_json()).collect()),
        );
    }
    Value::Object(b)
}

fn print_all(format: Format, replies: &[Value], dump: bool) {
    match (format, dump, replies.len()) {
        (Format::Json, true, _) => print(format, &Value::Array(replies.to_vec())),
        (Format::Json, false, 0) => print(format, &Value::Null),
        (Format::Json, false, 1) => print(format, &replies[0]),
        (Format::Json, false, _) => print(format, &Value::Array(replies.to_vec())),
        (Format::Tree, false, 0) => crate::output::emit("ok (acknowledged, no data)"),
        (Format::Tree, _, _) => {
            for (i, r) in replies.iter().enumerate() {
                if i > 0 {
                    crate::output::emit("");
                }
                crate::output::emit(&tree::render(r));
            }
        }
    }
}
