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
    let Some(op_name) = a.op.as_deref() else {
        return Err(CliError::usage("name the op to send"));
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
