//! Reading the messages of a datagram: headers, NLMSG_ERROR with extended ack, NLMSG_DONE.

use crate::attr::Attrs;
use crate::consts::{
    NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_DUMP_INTR, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN,
    NLMSG_MIN_TYPE, NLMSG_NOOP, NLMSG_OVERRUN, NLMSGERR_ATTR_COOKIE, NLMSGERR_ATTR_MISS_NEST,
    NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_POLICY, align,
};
use crate::error::{AttrPath, Error, Result};
use crate::header::{GenlMsgHdr, NlMsgErr, NlMsgHdr, view_prefix};
use crate::policy::Policy;
use zerocopy::{FromBytes, Immutable, KnownLayout, Unaligned};

/// One netlink message: a view of its header and payload inside the datagram.
///
/// ```
/// use nlwire::{Messages, MsgBuf, consts::*};
/// let mut b = MsgBuf::new();
/// let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST, 3, 1);
/// b.put_attr_str(2, "nlctrl").unwrap();
/// b.end_msg(m).unwrap();
/// let msg = Messages::new(b.as_slice()).next().unwrap().unwrap();
/// let (genl, attrs) = msg.genl().unwrap();
/// assert_eq!((msg.ty(), genl.cmd), (GENL_ID_CTRL, 3));
/// assert_eq!(nlwire::Attrs::new(attrs).next().unwrap().unwrap().get_str().unwrap(), "nlctrl");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Msg<'a> {
    header: &'a NlMsgHdr,
    bytes: &'a [u8],
    offset: usize,
}

impl<'a> Msg<'a> {
    /// Views one message that fills `bytes` (checks the header and its length).
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let (header, _) = view_prefix::<NlMsgHdr>(bytes, "nlmsghdr")?;
        let len = header.len() as usize;
        if len < NLMSG_HDRLEN || len > bytes.len() {
            return Err(Error::BadMsgLen {
                offset: 0,
                nlmsg_len: header.len(),
                remaining: bytes.len(),
            });
        }
        Ok(Msg {
            header,
            bytes: &bytes[..len],
            offset: 0,
        })
    }

    /// The `nlmsghdr`.
    pub fn header(&self) -> &'a NlMsgHdr {
        self.header
    }
    /// `nlmsg_type`.
    pub fn ty(&self) -> u16 {
        self.header.ty()
    }
    /// `nlmsg_flags`.
    pub fn flags(&self) -> u16 {
        self.header.flags()
    }
    /// `nlmsg_seq`.
    pub fn seq(&self) -> u32 {
        self.header.seq()
    }
    /// `nlmsg_pid`.
    pub fn pid(&self) -> u32 {
        self.header.pid()
    }
    /// The whole message, header included (`nlmsg_len` bytes).
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
    /// The bytes after the `nlmsghdr`.
    pub fn payload(&self) -> &'a [u8] {
        &self.bytes[NLMSG_HDRLEN..]
    }
    /// Offset of the message within its datagram.
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// True when the kernel flagged the dump this message belongs to as inconsistent.
    pub fn is_dump_interrupted(&self) -> bool {
        self.flags() & NLM_F_DUMP_INTR != 0
    }

    /// The generic netlink header and the bytes after it.
    pub fn genl(&self) -> Result<(&'a GenlMsgHdr, &'a [u8])> {
        view_prefix::<GenlMsgHdr>(self.payload(), "genlmsghdr")
    }

    /// The generic netlink header, a family's fixed header `H` (such as
    /// [`OvsHeader`](crate::OvsHeader)) and the attribute bytes after both.
    pub fn genl_fixed<H>(&self, what: &'static str) -> Result<(&'a GenlMsgHdr, &'a H, &'a [u8])>
    where
        H: FromBytes + KnownLayout + Immutable + Unaligned,
    {
        let (g, rest) = self.genl()?;
        let (h, attrs) = view_prefix::<H>(rest, what)?;
        Ok((g, h, attrs))
    }

    /// The fixed header right after `nlmsghdr` (a netlink-raw family's `ifinfomsg`,
    /// `rtmsg`, ...) and the bytes after it; `what` names it in errors.
    ///
    /// ```
    /// use nlwire::{MsgBuf, OvsHeader};
    /// let mut b = MsgBuf::new();
    /// let m = b.start_msg(18, 0);
    /// b.put(&[1, 0, 0, 0]);
    /// b.put_attr_u32(3, 7)?;
    /// b.end_msg(m)?;
    /// let msg = nlwire::Msg::parse(b.as_slice())?;
    /// let (h, attrs) = msg.fixed::<OvsHeader>("ovs_header")?;
    /// assert_eq!((h.dp_ifindex.get(), attrs.len()), (1, 8));
    /// # Ok::<(), nlwire::Error>(())
    /// ```
    pub fn fixed<H>(&self, what: &'static str) -> Result<(&'a H, &'a [u8])>
    where
        H: FromBytes + KnownLayout + Immutable + Unaligned,
    {
        view_prefix::<H>(self.payload(), what)
    }

    /// What kind of message this is, with NLMSG_ERROR and NLMSG_DONE decoded.
    ///
    /// ```
    /// use nlwire::{Msg, MsgKind};
    /// // An ACK: NLMSG_ERROR with error 0 echoing a 16-byte request header.
    /// let mut m = vec![36, 0, 0, 0, 2, 0, 0, 1, 7, 0, 0, 0, 0, 0, 0, 0];
    /// m.extend([0; 4]);
    /// m.extend([16, 0, 0, 0, 0x10, 0, 5, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    /// match Msg::parse(&m).unwrap().kind().unwrap() {
    ///     MsgKind::Error(e) => assert!(e.is_ack()),
    ///     _ => unreachable!(),
    /// }
    /// ```
    #[inline]
    pub fn kind(&self) -> Result<MsgKind<'a>> {
        if self.ty() >= NLMSG_MIN_TYPE {
            return Ok(MsgKind::Data);
        }
        self.control_kind()
    }

    /// [`kind`](Self::kind) for the reserved types below `NLMSG_MIN_TYPE`: out of line, so
    /// that a loop over a family's messages tests one number per message.
    #[inline(never)]
    fn control_kind(&self) -> Result<MsgKind<'a>> {
        Ok(match self.ty() {
            NLMSG_NOOP => MsgKind::Noop,
            NLMSG_OVERRUN => MsgKind::Overrun,
            NLMSG_ERROR => MsgKind::Error(self.error_msg()?),
            NLMSG_DONE => MsgKind::Done(self.done_msg()?),
            _ => MsgKind::Data,
        })
    }

    fn error_msg(&self) -> Result<ErrorMsg<'a>> {
        let body = self.payload();
        let (err, _) = view_prefix::<NlMsgErr>(body, "nlmsgerr")?;
        let errno = errno_of(err.error.get())?;
        let echoed_len = err.msg.len() as usize;
        let capped = self.flags() & NLM_F_CAPPED != 0;
        let request_end = if capped {
            20
        } else {
            4 + echoed_len.max(NLMSG_HDRLEN)
        };
        let request = body.get(4..request_end.min(body.len())).unwrap_or(&[]);
        let tlvs = if self.flags() & NLM_F_ACK_TLVS != 0 {
            body.get(align(request_end)..).unwrap_or(&[])
        } else {
            &[]
        };
        Ok(ErrorMsg {
            errno,
            request_header: &err.msg,
            request,
            ext_ack: ExtAck::parse(tlvs)?,
        })
    }

    fn done_msg(&self) -> Result<DoneMsg<'a>> {
        let body = self.payload();
        if body.len() < 4 {
            return Ok(DoneMsg {
                errno: 0,
                ext_ack: ExtAck::default(),
            });
        }
        let code = i32::from_ne_bytes([body[0], body[1], body[2], body[3]]);
        let tlvs = if self.flags() & NLM_F_ACK_TLVS != 0 {
            &body[4..]
        } else {
            &[]
        };
        Ok(DoneMsg {
            errno: errno_of(code)?,
            ext_ack: ExtAck::parse(tlvs)?,
        })
    }
}

fn errno_of(code: i32) -> Result<i32> {
    if code > 0 || code == i32::MIN {
        Err(Error::Unexpected {
            expected: "an error code <= 0",
            found: code as u32,
        })
    } else {
        Ok(-code)
    }
}

/// A message decoded by kind.
#[derive(Clone, Copy, Debug)]
pub enum MsgKind<'a> {
    /// NLMSG_NOOP.
    Noop,
    /// NLMSG_ERROR: an error, or with errno 0 an acknowledgement.
    Error(ErrorMsg<'a>),
    /// NLMSG_DONE: the end of a dump, with the dump's own status.
    Done(DoneMsg<'a>),
    /// NLMSG_OVERRUN.
    Overrun,
    /// A family's message.
    Data,
}

/// The body of NLMSG_ERROR.
#[derive(Clone, Copy, Debug)]
pub struct ErrorMsg<'a> {
    /// Positive errno; 0 for an acknowledgement.
    pub errno: i32,
    /// The header of the request this answers.
    pub request_header: &'a NlMsgHdr,
    /// The echoed request (header only when the ack was capped).
    pub request: &'a [u8],
    /// Extended-ack fields.
    pub ext_ack: ExtAck<'a>,
}

impl ErrorMsg<'_> {
    /// True for an acknowledgement (error 0).
    pub fn is_ack(&self) -> bool {
        self.errno == 0
    }
}

/// The body of NLMSG_DONE.
#[derive(Clone, Copy, Debug)]
pub struct DoneMsg<'a> {
    /// Positive errno of the dump, 0 when it completed.
    pub errno: i32,
    /// Extended-ack fields.
    pub ext_ack: ExtAck<'a>,
}

/// Extended acknowledgement fields (`NLMSGERR_ATTR_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtAck<'a> {
    /// Human-readable error or warning.
    pub msg: Option<&'a str>,
    /// Offset of the offending attribute from the start of the request's `nlmsghdr`.
    pub offset: Option<u32>,
    /// Cookie.
    pub cookie: Option<&'a [u8]>,
    /// Nested policy of the offending attribute (`NL_POLICY_TYPE_ATTR_*`).
    pub policy: Option<&'a [u8]>,
    /// Type of the missing attribute.
    pub miss_type: Option<u32>,
    /// Offset of the nest lacking an attribute.
    pub miss_nest: Option<u32>,
}

impl<'a> ExtAck<'a> {
    /// Decodes extended-ack TLVs. Unknown TLVs are ignored.
    pub fn parse(tlvs: &'a [u8]) -> Result<Self> {
        let mut e = ExtAck::default();
        for a in Attrs::new(tlvs) {
            let a = a?;
            match a.ty() {
                NLMSGERR_ATTR_MSG => e.msg = Some(a.get_str_lossy_end()?),
                NLMSGERR_ATTR_OFFS => e.offset = Some(a.get_u32()?),
                NLMSGERR_ATTR_COOKIE => e.cookie = Some(a.payload()),
                NLMSGERR_ATTR_POLICY => e.policy = Some(a.payload()),
                NLMSGERR_ATTR_MISS_TYPE => e.miss_type = Some(a.get_u32()?),
                NLMSGERR_ATTR_MISS_NEST => e.miss_nest = Some(a.get_u32()?),
                _ => {}
            }
        }
        Ok(e)
    }

    /// True when no field is present.
    pub fn is_empty(&self) -> bool {
        *self == ExtAck::default()
    }
}

/// The path of the attribute that starts at `target` bytes into `request` (an
/// `nlmsghdr`-framed message whose attributes begin at `attrs_at`), named from `policy`.
/// Returns `None` when no attribute starts there.
///
/// ```
/// use nlwire::{AttrKind, AttrPolicy, MsgBuf, Policy, path_at_offset};
/// static INNER: Policy = Policy::new("key", &[AttrPolicy::new("in-port", 3, AttrKind::U32)]);
/// static OUTER: Policy = Policy::new("flow", &[AttrPolicy::new("key", 1, AttrKind::Nested).nested(&INNER)]);
/// let mut b = MsgBuf::new();
/// let m = b.start_genl_msg(30, 1, 1, 1);
/// let k = b.start_nested(1);
/// b.put_attr_u32(3, 9).unwrap();
/// b.end_nested(k).unwrap();
/// b.end_msg(m).unwrap();
/// assert_eq!(path_at_offset(b.as_slice(), 20, 24, Some(&OUTER)).unwrap().to_string(), "key.in-port");
/// ```
pub fn path_at_offset(
    request: &[u8],
    attrs_at: usize,
    target: usize,
    policy: Option<&'static Policy>,
) -> Option<AttrPath> {
    let mut region = request.get(attrs_at..)?;
    let mut base = attrs_at;
    let mut policy = policy;
    let mut path = match policy {
        Some(p) => AttrPath::root().with_policy(p),
        None => AttrPath::root(),
    };
    'outer: loop {
        let mut it = Attrs::new(region);
        loop {
            let at = base + it.offset();
            let a = it.next()?.ok()?;
            let entry = policy.and_then(|p| p.get(a.ty()));
            let payload_at = at + crate::consts::NLA_HDRLEN;
            if at == target {
                return Some(path.child(a.ty()));
            }
            if target >= payload_at && target < payload_at + a.len() {
                path = path.child(a.ty());
                policy = entry.and_then(|e| e.nested);
                region = a.payload();
                base = payload_at;
                continue 'outer;
            }
        }
    }
}

/// The messages of one datagram, each checked for a sane `nlmsg_len`.
///
/// ```
/// use nlwire::{Messages, MsgBuf};
/// let mut b = MsgBuf::new();
/// for t in [0x10, 0x11] {
///     let m = b.start_msg(t, 0);
///     b.end_msg(m).unwrap();
/// }
/// let types: Vec<u16> = Messages::new(b.as_slice()).map(|m| m.unwrap().ty()).collect();
/// assert_eq!(types, [0x10, 0x11]);
/// ```
#[derive(Clone, Debug)]
pub struct Messages<'a> {
    bytes: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Messages<'a> {
    /// Iterates the messages in `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        Messages {
            bytes: datagram,
            pos: 0,
            failed: false,
        }
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Msg<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.bytes.len() {
            return None;
        }
        let rest = &self.bytes[self.pos..];
        let parsed = Msg::parse(rest).map_err(|e| match e {
            Error::BadMsgLen {
                nlmsg_len,
                remaining,
                ..
            } => Error::BadMsgLen {
                offset: self.pos,
                nlmsg_len,
                remaining,
            },
            other => other,
        });
        match parsed {
            Ok(mut m) => {
                m.offset = self.pos;
                self.pos += align(m.bytes.len()).min(rest.len());
                Some(Ok(m))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for Messages<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MsgBuf;
    use crate::consts::*;

    fn error_msg(code: i32, flags: u16, request: &[u8], tlvs: &[u8]) -> Vec<u8> {
        let mut b = MsgBuf::new();
        let m = b.start_msg(NLMSG_ERROR, flags);
        b.put(&code.to_ne_bytes());
        b.put(request);
        b.put(tlvs);
        b.end_msg(m).unwrap();
        b.to_vec()
    }

    fn request() -> Vec<u8> {
        let mut b = MsgBuf::new();
        let m = b.start_genl_msg(0x20, NLM_F_REQUEST, 1, 1);
        b.put_attr_u32(1, 5).unwrap();
        b.end_msg(m).unwrap();
        b.to_vec()
    }

    #[test]
    fn truncated_header_and_bad_lengths() {
        assert_eq!(
            Messages::new(&[0; 10]).next().unwrap().unwrap_err(),
            Error::Truncated {
                what: "nlmsghdr",
                need: 16,
                have: 10
            }
        );
        let mut m = request();
        m[0] = 8;
        assert!(matches!(
            Messages::new(&m).next().unwrap(),
            Err(Error::BadMsgLen { nlmsg_len: 8, .. })
        ));
        m[0] = 200;
        assert!(matches!(
            Messages::new(&m).next().unwrap(),
            Err(Error::BadMsgLen { nlmsg_len: 200, .. })
        ));
    }

    #[test]
    fn error_with_ext_ack_uncapped() {
        let req = request();
        let mut tl = MsgBuf::new();
        tl.put_attr_str(NLMSGERR_ATTR_MSG, "Missing key").unwrap();
        tl.put_attr_u32(NLMSGERR_ATTR_OFFS, 20).unwrap();
        tl.put_attr_u32(NLMSGERR_ATTR_MISS_TYPE, 1).unwrap();
        tl.put_attr_u32(NLMSGERR_ATTR_MISS_NEST, 24).unwrap();
        tl.put_attr(NLMSGERR_ATTR_COOKIE, &[1, 2]).unwrap();
        let m = error_msg(-22, NLM_F_ACK_TLVS, &req, tl.as_slice());
        let MsgKind::Error(e) = Msg::parse(&m).unwrap().kind().unwrap() else {
            panic!()
        };
        assert_eq!(e.errno, 22);
        assert_eq!(e.request, &req[..]);
        assert_eq!(e.ext_ack.msg, Some("Missing key"));
        assert_eq!(e.ext_ack.offset, Some(20));
        assert_eq!(e.ext_ack.miss_type, Some(1));
        assert_eq!(e.ext_ack.miss_nest, Some(24));
        assert_eq!(e.ext_ack.cookie, Some(&[1u8, 2][..]));
    }

    #[test]
    fn error_with_ext_ack_capped() {
        let req = request();
        let mut tl = MsgBuf::new();
        tl.put_attr_str(NLMSGERR_ATTR_MSG, "bad").unwrap();
        let m = error_msg(-1, NLM_F_ACK_TLVS | NLM_F_CAPPED, &req[..16], tl.as_slice());
        let MsgKind::Error(e) = Msg::parse(&m).unwrap().kind().unwrap() else {
            panic!()
        };
        assert_eq!(
            (e.errno, e.ext_ack.msg, e.request.len()),
            (1, Some("bad"), 16)
        );
    }

    #[test]
    fn positive_error_code_is_refused() {
        let m = error_msg(5, 0, &request()[..16], &[]);
        assert!(matches!(
            Msg::parse(&m).unwrap().kind(),
            Err(Error::Unexpected { .. })
        ));
    }

    #[test]
    fn done_carries_its_error() {
        let mut b = MsgBuf::new();
        let m = b.start_msg(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
        b.put(&(-4i32).to_ne_bytes());
        b.put_attr_str(NLMSGERR_ATTR_MSG, "interrupted").unwrap();
        b.end_msg(m).unwrap();
        let MsgKind::Done(d) = Msg::parse(b.as_slice()).unwrap().kind().unwrap() else {
            panic!()
        };
        assert_eq!((d.errno, d.ext_ack.msg), (4, Some("interrupted")));
    }

    #[test]
    fn dump_intr_is_surfaced() {
        let mut b = MsgBuf::new();
        let m = b.start_msg(0x20, NLM_F_MULTI | NLM_F_DUMP_INTR);
        b.end_msg(m).unwrap();
        assert!(Msg::parse(b.as_slice()).unwrap().is_dump_interrupted());
    }

    #[test]
    fn error_in_the_middle_of_a_datagram_is_seen() {
        let mut d = request();
        d.extend(error_msg(-2, 0, &request()[..16], &[]));
        d.extend(request());
        let kinds: Vec<_> = Messages::new(&d)
            .map(|m| m.unwrap().kind().unwrap())
            .collect();
        assert!(matches!(
            kinds[1],
            MsgKind::Error(ErrorMsg { errno: 2, .. })
        ));
        assert_eq!(kinds.len(), 3);
    }
}
