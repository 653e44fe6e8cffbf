//! Whole messages of a family: building a request for an op, decoding any message
//! (request, reply or notification) into JSON.

use nlwire::consts::{GENL_HDRLEN, NETLINK_ROUTE, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_HDRLEN};
use nlwire::{Msg, MsgBuf};
use nlwire_schema::{DefId, Family, Op, SetId};
use serde_json::{Map, Value};

use super::Problem;
use super::decode::Decoder;
use super::encode::{EncodeError, Encoder, Span};
use super::structs::{decode_struct, encode_struct};

/// A request ready to send, with the spans of its attributes.
#[derive(Clone, Debug)]
pub struct Request {
    /// The message bytes (seq and port id left 0 for the transport to fill).
    pub bytes: Vec<u8>,
    /// Where each attribute sits, for ext-ack offsets.
    pub spans: Vec<Span>,
}

/// Bytes before a family's fixed header: `nlmsghdr`, plus `genlmsghdr` for genetlink.
pub fn headers_len(fam: &Family) -> usize {
    NLMSG_HDRLEN
        + if fam.protocol.is_genetlink() {
            GENL_HDRLEN
        } else {
            0
        }
}

/// Size of a struct definition (0 for none).
pub fn struct_size(fam: &Family, def: Option<DefId>) -> usize {
    def.and_then(|d| fam[d].as_struct())
        .map_or(0, |s| s.size as usize)
}

/// Builds the request of `op` from `input`: fixed-header members by name, the rest as
/// attributes of the op's set. `msg_type` is the genetlink family id, or for
/// netlink-raw families ignored (the op's request value is the message type).
pub fn build_request(
    fam: &Family,
    op: &Op,
    msg_type: u16,
    flags: u16,
    input: &Map<String, Value>,
) -> Result<Request, EncodeError> {
    let Some(req) = op.req_value else {
        return Err(EncodeError {
            path: "<top>".into(),
            message: format!("op {} has no request (it is a notification)", op.name),
        });
    };
    let mut buf = MsgBuf::with_capacity(4096);
    let m = if fam.protocol.is_genetlink() {
        let cmd = u8::try_from(req).map_err(|_| EncodeError {
            path: "<top>".into(),
            message: format!("command {req} does not fit genlmsghdr.cmd"),
        })?;
        buf.start_genl_msg(msg_type, flags, cmd, fam.version.min(255) as u8)
    } else {
        buf.start_msg(req, flags)
    };
    let members: Vec<String> = op
        .fixed_header
        .and_then(|h| fam[h].as_struct())
        .map(|s| s.members.iter().map(|m| m.name.clone()).collect())
        .unwrap_or_default();
    if let Some(h) = op.fixed_header {
        let b = encode_struct(fam, h, input, false).map_err(|message| EncodeError {
            path: "<top>".into(),
            message,
        })?;
        buf.put(&b);
    }
    let spans = match op.attr_set {
        Some(set) => {
            let mut enc = Encoder::new(fam, &mut buf);
            enc.encode_set(set, input, "", &|k| members.iter().any(|m| m == k))?;
            enc.spans
        }
        None => {
            if let Some(k) = input.keys().find(|k| !members.contains(k)) {
                return Err(EncodeError {
                    path: k.clone(),
                    message: format!("op {} takes no attributes", op.name),
                });
            }
            Vec::new()
        }
    };
    buf.end_msg(m).map_err(|e| EncodeError {
        path: "<top>".into(),
        message: e.to_string(),
    })?;
    Ok(Request {
        bytes: buf.to_vec(),
        spans,
    })
}

/// A message decoded by its family's schema.
#[derive(Clone, Debug)]
pub struct Decoded {
    /// The op it belongs to, when the schema names its command.
    pub op: Option<String>,
    /// Command (genetlink) or message type (netlink-raw).
    pub cmd: u16,
    /// Fixed-header members, then attributes.
    pub body: Map<String, Value>,
    /// Problems met while decoding.
    pub problems: Vec<Problem>,
    /// The message is an rtnetlink dump request with the legacy `struct rtgenmsg`
    /// header (the family byte, padded to 4) instead of the op's fixed header; its
    /// body holds `rtgen-family` and the attributes after it.
    pub legacy_header: bool,
}

/// The key of the family byte of a legacy rtnetlink dump request.
pub const RTGEN_FAMILY: &str = "rtgen-family";

/// `NLMSG_ALIGN(sizeof(struct rtgenmsg))`: where a legacy request's attributes start.
const RTGENMSG_ALIGNED: usize = 4;

/// True when the kernel reads `msg` as a legacy rtnetlink dump request: a dump request
/// of `NETLINK_ROUTE` whose payload (at least the family byte) is shorter than the op's
/// fixed header of `header_size` bytes. rtnetlink takes the family from the first
/// byte of any dump request (`struct rtgenmsg`), and its dump handlers use the full
/// header only when the payload holds one (`nlmsg_len(nlh) < sizeof(struct ifinfomsg)`
/// selects `struct rtgenmsg` in `rtnl_dump_ifinfo`); tools before iproute2 3.9 sent
/// only `struct rtgenmsg`, padded to 4 bytes.
pub fn is_legacy_dump_request(fam: &Family, msg: &Msg<'_>, header_size: usize) -> bool {
    !fam.protocol.is_genetlink()
        && fam.protonum == Some(NETLINK_ROUTE as u32)
        && msg.flags() & NLM_F_REQUEST != 0
        && msg.flags() & NLM_F_DUMP == NLM_F_DUMP
        && !msg.payload().is_empty()
        && msg.payload().len() < header_size
}

/// The op a message belongs to: `prefer` when its value matches, else the first op of
/// the schema with that request (for requests) or reply/notification value.
pub fn op_for<'f>(
    fam: &'f Family,
    cmd: u16,
    request: bool,
    prefer: Option<&'f Op>,
) -> Option<&'f Op> {
    let matches = |op: &Op| {
        if request {
            op.req_value == Some(cmd)
        } else {
            op.rsp_value == Some(cmd)
        }
    };
    if let Some(p) = prefer.filter(|p| matches(p)) {
        return Some(p);
    }
    let mut candidates = fam.ops.list.iter().filter(|op| matches(op));
    let first = candidates.next()?;
    // Prefer a call over a notification sharing its value (rt-link's getlink and newlink-ntf).
    Some(
        std::iter::once(first)
            .chain(candidates)
            .find(|op| op.is_call() && op.attr_set.is_some())
            .unwrap_or(first),
    )
}

/// Decodes one message of `fam`. `prefer` is the op a reply is expected for.
pub fn decode_msg(fam: &Family, msg: &Msg<'_>, prefer: Option<&Op>) -> Decoded {
    let mut problems = Vec::new();
    let (cmd, rest) = if fam.protocol.is_genetlink() {
        match msg.genl() {
            Ok((g, rest)) => (u16::from(g.cmd), rest),
            Err(e) => {
                problems.push(Problem {
                    path: "<header>".into(),
                    message: e.to_string(),
                });
                return Decoded {
                    op: None,
                    cmd: 0,
                    body: Map::new(),
                    problems,
                    legacy_header: false,
                };
            }
        }
    } else {
        (msg.ty(), msg.payload())
    };
    let request = msg.flags() & NLM_F_REQUEST != 0;
    let op = op_for(fam, cmd, request, prefer);
    let header = op.map_or(fam.ops.fixed_header, |o| o.fixed_header);
    let set: Option<SetId> = op.and_then(|o| o.attr_set);
    let mut body = Map::new();
    let size = struct_size(fam, header);
    let legacy_header = header.is_some() && is_legacy_dump_request(fam, msg, size);
    let attrs = match header {
        Some(_) if legacy_header => {
            body.insert(RTGEN_FAMILY.into(), Value::from(rest[0]));
            rest.get(RTGENMSG_ALIGNED..).unwrap_or(&[])
        }
        Some(h) => {
            if let Err(m) = decode_struct(fam, h, rest, &mut body) {
                problems.push(Problem {
                    path: "<fixed header>".into(),
                    message: m,
                });
            }
            rest.get(size..).unwrap_or(&[])
        }
        None => rest,
    };
    let mut dec = Decoder::new(fam);
    body.extend(dec.decode_attrs(set, attrs, ""));
    problems.extend(dec.problems);
    Decoded {
        op: op.map(|o| o.name.clone()),
        cmd,
        body,
        problems,
        legacy_header,
    }
}
