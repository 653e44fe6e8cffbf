//! `nlwire decode`: every netlink message of an nlmon capture, decoded by its schema.
//!
//! Generic netlink family ids are resolved from the `CTRL_CMD_NEWFAMILY` messages in the
//! capture (any order), then from the live kernel; rtnetlink and other classic protocols
//! are matched to the netlink-raw specs (built in or in the spec directories) by message
//! type. Families without a spec are shown as a raw TLV tree. A bad record or message is
//! reported with the exact problem and decoding goes on; the exit code is 1 if anything
//! was wrong.

use std::collections::HashMap;
use std::path::PathBuf;

use nlwire::consts::{GENL_ID_CTRL, NETLINK_GENERIC, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR};
use nlwire::{Messages, Msg, MsgKind};
use nlwire_schema::Family;
use serde_json::{Map, Value, json};

use crate::args::DecodeArgs;
use crate::capture::{self, ARPHRD_NETLINK, LINKTYPE_NETLINK, Record};
use crate::codec::message::{decode_msg, headers_len, is_legacy_dump_request, op_for, struct_size};
use crate::codec::path::path_at_offset;
use crate::codec::raw::raw_tree;
use crate::codec::text::hex;
use crate::codec::wire_message;
use crate::error::{CliError, Result, strerror};
use crate::genl::{CTRL_CMD_NEWFAMILY, FamilyInfo};
use crate::output::{Format, emit};
use crate::specs::{self, search_dirs};
use crate::tree;

/// Decodes the capture and prints one entry per message (JSON Lines with `-o json`).
pub fn run(a: &DecodeArgs) -> Result<()> {
    a.stray.check()?;
    let bytes = std::fs::read(&a.file)
        .map_err(|e| CliError::usage(format!("cannot read {}: {e}", a.file.display())))?;
    let records = capture::records(&bytes)
        .map_err(|e| CliError::usage(format!("{}: {e}", a.file.display())))?;
    let mut dec = Decoder::new(search_dirs(&a.dirs.spec_dirs), &a.specs)?;
    dec.learn_ids(&records);
    if !a.offline {
        dec.ask_kernel(&records);
    }
    let format = a.out.format();
    let (mut messages, mut problems) = (0usize, 0usize);
    for r in &records {
        let entries = dec.entries(r);
        for entry in &entries {
            messages += entry.get("kind").is_some() as usize;
            if let Record::Bad {
                number,
                offset,
                fault,
            } = r
            {
                problems += 1;
                eprintln!(
                    "{}: record {number} (byte {offset}): {fault}",
                    a.file.display()
                );
            } else if let Some(errs) = entry.get("errors").and_then(Value::as_array) {
                problems += errs.len();
                for e in errs {
                    eprintln!(
                        "{}: record {} message {}: {}",
                        a.file.display(),
                        entry
                            .get("record")
                            .map_or(String::from("-"), Value::to_string),
                        entry
                            .get("message")
                            .map_or(String::from("-"), Value::to_string),
                        e.as_str().unwrap_or_default()
                    );
                }
            }
            emit(&render(format, entry));
        }
    }
    eprintln!(
        "{}: {} record(s), {messages} message(s), {problems} problem(s)",
        a.file.display(),
        records.len()
    );
    if problems > 0 {
        return Err(CliError::failure(format!(
            "{problems} problem(s) in {}",
            a.file.display()
        )));
    }
    Ok(())
}

/// One entry as printed: a JSON line, or a head line and an indented tree of the rest.
///
/// ```
/// use nlwire_cli::cmd::decode::render;
/// use nlwire_cli::output::Format;
/// let e = serde_json::json!({"record": 2, "offset": 40, "error": "truncated block"});
/// assert_eq!(render(Format::Tree, &e), "record 2 (byte 40): error: truncated block");
/// assert_eq!(render(Format::Json, &e), r#"{"record":2,"offset":40,"error":"truncated block"}"#);
/// ```
pub fn render(format: Format, entry: &Value) -> String {
    if format == Format::Json {
        return serde_json::to_string(entry).unwrap_or_default();
    }
    let g = |k: &str| {
        entry.get(k).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    if let (None, Some(error)) = (entry.get("message"), g("error")) {
        return format!(
            "record {} (byte {}): error: {error}",
            g("record").unwrap_or_default(),
            g("offset").unwrap_or_default()
        );
    }
    let mut out = format!(
        "record {} message {}:",
        g("record").unwrap_or_default(),
        g("message").unwrap_or_default()
    );
    for k in ["protocol", "family", "op", "kind"] {
        if let Some(v) = g(k) {
            out.push(' ');
            out.push_str(&v);
        }
    }
    for k in ["seq", "pid"] {
        if let Some(v) = g(k) {
            out.push_str(&format!(" {k}={v}"));
        }
    }
    if let Some(Value::Array(f)) = entry.get("flags") {
        let f: Vec<&str> = f.iter().filter_map(Value::as_str).collect();
        if !f.is_empty() {
            out.push_str(&format!(" [{}]", f.join(",")));
        }
    }
    let mut rest = entry.as_object().cloned().unwrap_or_default();
    for k in [
        "record", "message", "protocol", "family", "op", "kind", "seq", "pid", "flags",
    ] {
        rest.shift_remove(k);
    }
    if !rest.is_empty() {
        let body = tree::render(&Value::Object(rest));
        for line in body.lines() {
            out.push_str("\n  ");
            out.push_str(line);
        }
    }
    out
}

/// Decodes the records of a capture into one JSON entry per netlink message: what
/// decoding needs across messages (the specs loaded so far, the family ids learnt, the
/// requests seen, to name the attribute an error points at).
///
/// ```
/// use nlwire_cli::{capture, cmd::decode::Decoder};
/// // A pcap file with one nlmon packet: an nlctrl GETFAMILY request for "nlctrl".
/// let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// f.extend([0xff, 0xff, 0, 0, 253, 0, 0, 0]);
/// let mut msg = vec![32, 0, 0, 0, 0x10, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3, 2, 0, 0];
/// msg.extend([11, 0, 2, 0]);
/// msg.extend(b"nlctrl\0\0");
/// let mut pkt = vec![0, 4, 3, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16];
/// pkt.extend(&msg);
/// f.extend([0; 8]);
/// f.extend((pkt.len() as u32).to_le_bytes());
/// f.extend((pkt.len() as u32).to_le_bytes());
/// f.extend(&pkt);
///
/// let records = capture::records(&f)?;
/// let mut dec = Decoder::builtin();
/// dec.learn_ids(&records);
/// let e = &dec.entries(&records[0])[0];
/// assert_eq!((e["family"].as_str(), e["op"].as_str()), (Some("nlctrl"), Some("getfamily")));
/// assert_eq!(e["attrs"]["family-name"], "nlctrl");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Decoder {
    dirs: Vec<PathBuf>,
    extra: Vec<Family>,
    ids: HashMap<u16, (String, u32)>,
    genl: HashMap<String, Option<Family>>,
    raw: HashMap<u16, Vec<Family>>,
    /// Requests by (type, seq, pid), to name the attribute an error's offset points at.
    requests: HashMap<(u16, u32, u32), (u16, Vec<u8>)>,
}

impl Decoder {
    /// A decoder looking specs up in `dirs` after the built-in ones, with the `--spec`
    /// arguments in `extra` (paths or names) loaded up front.
    pub fn new(dirs: Vec<PathBuf>, extra: &[String]) -> Result<Self> {
        let extra = extra
            .iter()
            .map(|s| specs::resolve(s, &dirs))
            .collect::<Result<Vec<_>>>()?;
        Ok(Decoder {
            dirs,
            extra,
            ids: HashMap::new(),
            genl: HashMap::new(),
            raw: HashMap::new(),
            requests: HashMap::new(),
        })
    }

    /// A decoder with the built-in specs only: it reads no file and asks no kernel
    /// (see [`Decoder`] for an example).
    pub fn builtin() -> Self {
        Decoder {
            dirs: Vec::new(),
            extra: Vec::new(),
            ids: HashMap::new(),
            genl: HashMap::new(),
            raw: HashMap::new(),
            requests: HashMap::new(),
        }
    }

    /// Forgets what the last capture taught (family ids, requests) and keeps the specs
    /// loaded so far, to decode another capture without parsing them again.
    ///
    /// ```
    /// let mut dec = nlwire_cli::cmd::decode::Decoder::builtin();
    /// dec.forget_capture();
    /// ```
    pub fn forget_capture(&mut self) {
        self.ids.clear();
        self.requests.clear();
    }

    /// Learns family ids from the capture's own nlctrl replies and notifications (see
    /// [`Decoder`] for an example).
    pub fn learn_ids(&mut self, records: &[Record<'_>]) {
        for r in records {
            let Record::Packet(p) = r else { continue };
            let Ok((h, body)) = capture::nlmon(p.data) else {
                continue;
            };
            if h.protocol != NETLINK_GENERIC as u16 {
                continue;
            }
            for m in Messages::new(body).flatten() {
                if m.ty() != GENL_ID_CTRL {
                    continue;
                }
                let Ok((g, attrs)) = m.genl() else { continue };
                if g.cmd != CTRL_CMD_NEWFAMILY {
                    continue;
                }
                if let Ok(f) = FamilyInfo::parse(attrs)
                    && !f.name.is_empty()
                {
                    self.ids.insert(f.id, (f.name, f.hdrsize));
                }
            }
        }
    }

    /// Asks the running kernel for the ids the capture leaves unresolved (a failure is
    /// ignored: those messages are shown raw).
    ///
    /// ```no_run
    /// let mut dec = nlwire_cli::cmd::decode::Decoder::builtin();
    /// dec.ask_kernel(&[]);
    /// ```
    pub fn ask_kernel(&mut self, records: &[Record<'_>]) {
        let unresolved = records.iter().any(|r| {
            let Record::Packet(p) = r else { return false };
            let Ok((h, body)) = capture::nlmon(p.data) else {
                return false;
            };
            h.protocol == NETLINK_GENERIC as u16
                && Messages::new(body)
                    .flatten()
                    .any(|m| m.ty() > GENL_ID_CTRL && !self.ids.contains_key(&m.ty()))
        });
        if !unresolved {
            return;
        }
        if let Ok(all) = crate::net::families(&mut || {}) {
            for f in all {
                self.ids.entry(f.id).or_insert((f.name, f.hdrsize));
            }
        }
    }

    fn genl_spec(&mut self, name: &str) -> Option<&Family> {
        if !self.genl.contains_key(name) {
            let f = match self.extra.iter().find(|f| f.name == name) {
                Some(f) => Some(f.clone()),
                None => specs::for_family(name, &self.dirs).ok().flatten(),
            };
            self.genl.insert(name.to_string(), f);
        }
        self.genl.get(name).and_then(Option::as_ref)
    }

    fn raw_spec(&mut self, proto: u16, ty: u16, request: bool) -> Option<&Family> {
        if !self.raw.contains_key(&proto) {
            let mut v: Vec<Family> = self
                .extra
                .iter()
                .filter(|f| !f.protocol.is_genetlink() && f.protonum == Some(proto.into()))
                .cloned()
                .collect();
            v.extend(specs::raw_specs(proto.into(), &self.dirs));
            self.raw.insert(proto, v);
        }
        self.raw
            .get(&proto)?
            .iter()
            .find(|f| op_for(f, ty, request, None).is_some())
    }

    /// The entries of one record: one per message of a packet, or one error (see
    /// [`Decoder`] for an example). A bad record gives `{"record", "offset", "error"}`;
    /// a message's problems are listed under `"errors"`.
    pub fn entries(&mut self, record: &Record<'_>) -> Vec<Value> {
        match record {
            Record::Packet(p) => self.packet(p),
            Record::Bad {
                number,
                offset,
                fault,
            } => vec![json!({"record": number, "offset": offset, "error": fault.to_string()})],
        }
    }

    fn packet(&mut self, p: &capture::Packet<'_>) -> Vec<Value> {
        let base = json!({"record": p.number, "offset": p.offset});
        if p.linktype != LINKTYPE_NETLINK {
            return vec![with(
                base,
                "errors",
                json!([format!(
                    "link type {} is not LINKTYPE_NETLINK ({LINKTYPE_NETLINK}); not an nlmon capture",
                    p.linktype
                )]),
            )];
        }
        let (h, body) = match capture::nlmon(p.data) {
            Ok(x) => x,
            Err(e) => return vec![with(base, "errors", json!([e.to_string()]))],
        };
        let mut out = Vec::new();
        if h.arphrd != ARPHRD_NETLINK {
            out.push(with(
                base.clone(),
                "errors",
                json!([format!(
                    "ARPHRD type {} in the nlmon header, expected {ARPHRD_NETLINK}",
                    h.arphrd
                )]),
            ));
        }
        if (p.orig_len as usize) > p.data.len() {
            out.push(with(
                base.clone(),
                "errors",
                json!([format!(
                    "packet cut by the snap length: {} of {} bytes captured",
                    p.data.len(),
                    p.orig_len
                )]),
            ));
        }
        for (i, m) in Messages::new(body).enumerate() {
            let mut e = Map::new();
            e.insert("record".into(), json!(p.number));
            e.insert("message".into(), json!(i));
            e.insert("protocol".into(), json!(protocol_name(h.protocol)));
            match m {
                Ok(m) => self.message(h.protocol, &m, &mut e),
                Err(err) => {
                    e.insert("errors".into(), json!([wire_message(&err)]));
                }
            }
            out.push(Value::Object(e));
        }
        out
    }

    fn message(&mut self, proto: u16, m: &Msg<'_>, e: &mut Map<String, Value>) {
        let request = m.flags() & NLM_F_REQUEST != 0;
        e.insert("seq".into(), json!(m.seq()));
        e.insert("pid".into(), json!(m.pid()));
        e.insert("flags".into(), json!(flag_names(m.ty(), m.flags())));
        let kind = match m.kind() {
            Ok(k) => k,
            Err(err) => {
                e.insert(
                    "kind".into(),
                    json!(if m.ty() == NLMSG_ERROR {
                        "error"
                    } else {
                        "done"
                    }),
                );
                e.insert("errors".into(), json!([wire_message(&err)]));
                return;
            }
        };
        match kind {
            MsgKind::Noop => {
                e.insert("kind".into(), json!("noop"));
            }
            MsgKind::Overrun => {
                e.insert("kind".into(), json!("overrun"));
            }
            MsgKind::Done(d) => {
                e.insert("kind".into(), json!("done"));
                if d.errno != 0 {
                    e.insert("errno".into(), json!(d.errno));
                    e.insert("error".into(), json!(strerror(d.errno)));
                }
                if let Some(msg) = d.ext_ack.msg {
                    e.insert("ext-ack-msg".into(), json!(msg));
                }
            }
            MsgKind::Error(err) => {
                e.insert(
                    "kind".into(),
                    json!(if err.is_ack() { "ack" } else { "error" }),
                );
                if !err.is_ack() {
                    e.insert("errno".into(), json!(err.errno));
                    e.insert("error".into(), json!(strerror(err.errno)));
                }
                let rh = err.request_header;
                e.insert(
                    "request".into(),
                    json!({"type": rh.ty(), "seq": rh.seq(), "pid": rh.pid()}),
                );
                let ack = &err.ext_ack;
                if let Some(msg) = ack.msg {
                    e.insert("ext-ack-msg".into(), json!(msg));
                }
                if let Some(off) = ack.offset {
                    e.insert("ext-ack-offset".into(), json!(off));
                    if let Some(p) = self.blame(proto, (rh.ty(), rh.seq(), rh.pid()), off as usize)
                    {
                        e.insert("offending-attribute".into(), json!(p));
                    }
                }
                if let Some(t) = ack.miss_type {
                    e.insert("missing-type".into(), json!(t));
                }
            }
            MsgKind::Data => {
                e.insert(
                    "kind".into(),
                    json!(if request {
                        "request"
                    } else if m.seq() == 0 {
                        "notification"
                    } else {
                        "reply"
                    }),
                );
                if request {
                    self.requests
                        .insert((m.ty(), m.seq(), m.pid()), (proto, m.bytes().to_vec()));
                }
                self.data(proto, m, request, e);
            }
        }
    }

    fn data(&mut self, proto: u16, m: &Msg<'_>, request: bool, e: &mut Map<String, Value>) {
        if proto == NETLINK_GENERIC as u16 {
            let (name, hdrsize) = if m.ty() == GENL_ID_CTRL {
                ("nlctrl".to_string(), 0)
            } else {
                match self.ids.get(&m.ty()) {
                    Some((n, h)) => (n.clone(), *h),
                    None => (format!("#{}", m.ty()), 0),
                }
            };
            e.insert("family".into(), json!(name));
            if let Some(fam) = self.genl_spec(&name) {
                let d = decode_msg(fam, m, None);
                put_decoded(e, d);
                return;
            }
            match m.genl() {
                Ok((g, rest)) => {
                    e.insert("cmd".into(), json!(g.cmd));
                    e.insert("version".into(), json!(g.version));
                    let h = (hdrsize as usize).min(rest.len());
                    if h > 0 {
                        e.insert("header".into(), json!(hex(&rest[..h])));
                    }
                    let (tree, problems) =
                        raw_tree(&rest[h..], "", 1, nlwire::Limits::DEFAULT.depth());
                    e.insert("attrs".into(), Value::Object(tree));
                    if !problems.is_empty() {
                        e.insert(
                            "errors".into(),
                            problems.iter().map(|p| p.to_json()).collect(),
                        );
                    }
                }
                Err(err) => {
                    e.insert("errors".into(), json!([err.to_string()]));
                }
            }
            return;
        }
        if let Some(fam) = self.raw_spec(proto, m.ty(), request) {
            e.insert("family".into(), json!(fam.name));
            let d = decode_msg(fam, m, None);
            put_decoded(e, d);
            return;
        }
        e.insert("type".into(), json!(m.ty()));
        e.insert("payload".into(), json!(hex(m.payload())));
    }

    /// The attribute an error's offset points at, from the captured request it answers.
    fn blame(&mut self, proto: u16, key: (u16, u32, u32), off: usize) -> Option<String> {
        let (p, bytes) = self.requests.get(&key)?.clone();
        if p != proto {
            return None;
        }
        let m = Msg::parse(&bytes).ok()?;
        let request = true;
        let fam = if proto == NETLINK_GENERIC as u16 {
            let name = if m.ty() == GENL_ID_CTRL {
                "nlctrl".to_string()
            } else {
                self.ids.get(&m.ty())?.0.clone()
            };
            self.genl_spec(&name)?.clone()
        } else {
            self.raw_spec(proto, m.ty(), request)?.clone()
        };
        let cmd = if fam.protocol.is_genetlink() {
            u16::from(m.genl().ok()?.0.cmd)
        } else {
            m.ty()
        };
        let op = op_for(&fam, cmd, true, None)?;
        let size = struct_size(&fam, op.fixed_header);
        let at = headers_len(&fam)
            + if is_legacy_dump_request(&fam, &m, size) {
                4 // NLMSG_ALIGN(sizeof(struct rtgenmsg))
            } else {
                size
            };
        path_at_offset(&fam, op.attr_set, &bytes, at, off)
    }
}

fn put_decoded(e: &mut Map<String, Value>, d: crate::codec::message::Decoded) {
    match &d.op {
        Some(op) => e.insert("op".into(), json!(op)),
        None => e.insert("cmd".into(), json!(d.cmd)),
    };
    if d.legacy_header {
        e.insert("legacy-header".into(), json!("rtgenmsg"));
    }
    e.insert("attrs".into(), Value::Object(d.body));
    if !d.problems.is_empty() {
        e.insert(
            "errors".into(),
            d.problems.iter().map(|p| p.to_json()).collect(),
        );
    }
}

fn with(mut v: Value, k: &str, x: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.insert(k.into(), x);
    }
    v
}

fn protocol_name(p: u16) -> String {
    match p {
        0 => "route".into(),
        4 => "sock_diag".into(),
        12 => "netfilter".into(),
        16 => "generic".into(),
        n => format!("protocol-{n}"),
    }
}

/// `NLM_F_*` names; the upper bits depend on the message (GET, NEW, DELETE, ACK).
fn flag_names(ty: u16, flags: u16) -> Vec<String> {
    let mut v = Vec::new();
    for (bit, name) in [
        (0x1, "request"),
        (0x2, "multi"),
        (0x4, "ack"),
        (0x8, "echo"),
        (0x10, "dump-intr"),
        (0x20, "dump-filtered"),
    ] {
        if flags & bit != 0 {
            v.push(name.to_string());
        }
    }
    let mut rest = flags & !0x3f;
    if ty == NLMSG_ERROR || ty == NLMSG_DONE {
        for (bit, name) in [(0x100, "capped"), (0x200, "ack-tlvs")] {
            if rest & bit != 0 {
                v.push(name.into());
                rest &= !bit;
            }
        }
    } else if flags & 0x1 != 0 && rest & 0x300 == 0x300 {
        v.push("dump".into());
        rest &= !0x300;
    }
    if rest != 0 {
        v.push(format!("{rest:#x}"));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_depend_on_the_message_type() {
        assert_eq!(flag_names(18, 0x301), ["request", "dump"]);
        assert_eq!(flag_names(NLMSG_ERROR, 0x300), ["capped", "ack-tlvs"]);
        // A DONE with an ext-ack warning carries NLM_F_ACK_TLVS.
        assert_eq!(flag_names(NLMSG_DONE, 0x202), ["multi", "ack-tlvs"]);
        assert_eq!(flag_names(16, 0x2 | 0x400), ["multi", "0x400"]);
    }
}
