//! Targets over the schema-generated families of `nlwire-families` (the OVS families and
//! nlctrl): arbitrary datagrams decoded through every message and set view with every
//! field walked, and encode → decode round trips of arbitrary owned values.

use std::fmt::{self, Debug, Write as _};

use arbitrary::{Arbitrary, Unstructured};
use nlwire::consts::NLM_F_REQUEST;
use nlwire::{AttrSet, Error, Message, Messages, Msg, MsgBuf};
use nlwire_families::{
    nlctrl, ovs_ct_limit, ovs_datapath, ovs_flow, ovs_meter, ovs_packet, ovs_vport,
};

/// Every generated message type (type aliases such as `GetReply` left out: they are the
/// same type as their request).
const MESSAGES: &[fn(Msg<'_>)] = &[
    walk_msg::<ovs_datapath::msg::NewRequest>,
    walk_msg::<ovs_datapath::msg::DelRequest>,
    walk_msg::<ovs_datapath::msg::GetRequest>,
    walk_msg::<ovs_datapath::msg::SetRequest>,
    walk_msg::<ovs_vport::msg::NewRequest>,
    walk_msg::<ovs_vport::msg::DelRequest>,
    walk_msg::<ovs_vport::msg::GetRequest>,
    walk_msg::<ovs_vport::msg::SetRequest>,
    walk_msg::<ovs_flow::msg::NewRequest>,
    walk_msg::<ovs_flow::msg::DelRequest>,
    walk_msg::<ovs_flow::msg::GetRequest>,
    walk_msg::<ovs_flow::msg::SetRequest>,
    walk_msg::<ovs_packet::msg::Miss>,
    walk_msg::<ovs_packet::msg::Action>,
    walk_msg::<ovs_packet::msg::ExecuteRequest>,
    walk_msg::<ovs_meter::msg::FeaturesRequest>,
    walk_msg::<ovs_meter::msg::SetRequest>,
    walk_msg::<ovs_meter::msg::DelRequest>,
    walk_msg::<ovs_meter::msg::GetRequest>,
    walk_msg::<ovs_ct_limit::msg::SetRequest>,
    walk_msg::<ovs_ct_limit::msg::DelRequest>,
    walk_msg::<ovs_ct_limit::msg::GetRequest>,
    walk_msg::<nlctrl::msg::GetfamilyRequest>,
    walk_msg::<nlctrl::msg::GetfamilyReply>,
    walk_msg::<nlctrl::msg::GetpolicyRequest>,
    walk_msg::<nlctrl::msg::Newfamily>,
    walk_msg::<nlctrl::msg::Delfamily>,
    walk_msg::<nlctrl::msg::NewmcastGrp>,
    walk_msg::<nlctrl::msg::DelmcastGrp>,
];

/// The sets a bare attribute stream is decoded as: every family's top-level set, plus the
/// flow key and action list, which OVS also sends on their own (upcall keys, actions of
/// `execute`), and one policy description.
const SETS: &[fn(&[u8])] = &[
    walk_set::<ovs_datapath::Datapath>,
    walk_set::<ovs_vport::Vport>,
    walk_set::<ovs_flow::FlowAttrs>,
    walk_set::<ovs_flow::KeyAttrs>,
    walk_set::<ovs_flow::MaskedKeyAttrs>,
    walk_set::<Vec<ovs_flow::ActionAttrs>>,
    walk_set::<ovs_packet::Packet>,
    walk_set::<ovs_meter::Meter>,
    walk_set::<ovs_ct_limit::CtLimit>,
    walk_set::<nlctrl::CtrlAttrs>,
    walk_set::<nlctrl::PolicyAttrs>,
];

/// Decodes `data` as a datagram: each message through every generated message type whose
/// command it carries, and the whole input as a bare attribute stream through every
/// top-level set. Whatever decodes is walked field by field (its `Debug` form visits
/// every field, list entry and nested set of the view), converted to the owned form,
/// re-encoded, and decoded again to the same value. On bare streams the decoder must never
/// accept what the set's policy rejects (the policy is what the kernel enforces; the
/// decoder may be stricter, e.g. on array lengths the policy cannot state), and every
/// error's fields must agree with its complaint.
///
/// ```
/// // nlctrl GETFAMILY reply: family-id 0x10, family-name "nlctrl".
/// let mut m = vec![40, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0];
/// m.extend([6, 0, 1, 0, 0x10, 0, 0, 0, 11, 0, 2, 0]);
/// m.extend(b"nlctrl\0\0");
/// nlwire_fuzz::families_decode(&m);
/// ```
pub fn families_decode(data: &[u8]) {
    for m in Messages::new(data) {
        let Ok(m) = m else { break };
        for walk in MESSAGES {
            walk(m);
        }
    }
    for walk in SETS {
        walk(data);
    }
}

/// One message through message type `T` when its command is `T`'s.
fn walk_msg<T>(m: Msg<'_>)
where
    T: Message + PartialEq + Debug,
{
    let Ok((genl, _)) = m.genl() else { return };
    if genl.cmd != T::CMD {
        return;
    }
    let view = match T::decode_msg(m, &nlwire::Limits::DEFAULT) {
        Ok(v) => v,
        Err(e) => return assert_error_states_why(&e),
    };
    walk_fields(&view);
    let owned = T::from_view(view);
    let mut buf = MsgBuf::new();
    match owned.encode(&mut buf, m.ty(), m.flags()) {
        Ok(()) => {}
        Err(e) if grew_past_a_length_field(&e) => return,
        Err(e) => panic!("a decoded message does not re-encode: {e}\n{owned:?}"),
    }
    let again = T::decode_owned(buf.as_slice())
        .unwrap_or_else(|e| panic!("a re-encoded message does not decode: {e}\n{owned:?}"));
    assert_eq!(again, owned, "message changed in a round trip");
}

/// `bytes` as set `T`: the decoder and the generic validator must agree, and what
/// decodes must survive a round trip.
fn walk_set<T>(bytes: &[u8])
where
    T: AttrSet + PartialEq + Debug,
{
    let decoded = T::decode(bytes);
    let validated = T::POLICY.validate(bytes);
    if let (Ok(_), Err(e)) = (&decoded, &validated) {
        panic!(
            "the decoder accepts what the policy of {} rejects: {e}",
            T::POLICY.name
        );
    }
    for e in [decoded.as_ref().err(), validated.as_ref().err()]
        .into_iter()
        .flatten()
    {
        assert_error_states_why(e);
    }
    let Ok(view) = decoded else { return };
    walk_fields(&view);
    let owned = T::from_view(view);
    let again = match owned.encode_to_vec() {
        Ok(b) => b,
        Err(e) if grew_past_a_length_field(&e) => return,
        Err(e) => panic!("a decoded set does not re-encode: {e}\n{owned:?}"),
    };
    let back = T::decode_owned(&again)
        .unwrap_or_else(|e| panic!("a re-encoded set does not decode: {e}\n{owned:?}"));
    assert_eq!(back, owned, "set changed in a round trip");
    T::POLICY
        .validate(&again)
        .unwrap_or_else(|e| panic!("the policy rejects encoder output: {e}\n{owned:?}"));
}

/// Re-encoding may be longer than the input (a string without its NUL gains one, an
/// empty attribute of a padded kind gains its payload), so a nest that filled its 16-bit
/// length can overflow it; that must be the typed error, nothing else.
fn grew_past_a_length_field(e: &Error) -> bool {
    matches!(e, Error::AttrTooLarge { .. } | Error::MsgTooLarge { .. })
}

/// An error's own fields must show what is wrong: the length, value or bits it reports
/// break the bound it reports (an error saying "length 64, expected at least 12" would
/// send the reader looking for a problem that is not there).
fn assert_error_states_why(e: &Error) {
    let consistent = match *e {
        Error::BadLength { len, min, max, .. } => len < min || len > max,
        Error::OutOfRange {
            value, min, max, ..
        } => value < min || value > max,
        Error::BadFlags { value, mask, .. } => value & !mask != 0,
        Error::BadAttrLen {
            nla_len, remaining, ..
        } => nla_len < 4 || usize::from(nla_len) > remaining,
        Error::Truncated { need, have, .. } => have < need,
        Error::TooLarge { len, limit } => len > limit,
        _ => true,
    };
    assert!(consistent, "the error contradicts itself: {e} ({e:?})");
}

/// Visits every field of a view: lists, repeated attributes and nested sets are lazy in
/// views, and their `Debug` form iterates and decodes each of them.
fn walk_fields(view: &impl Debug) {
    let mut sink = Discard(0);
    write!(sink, "{view:?}").expect("formatting a view cannot fail");
    std::hint::black_box(sink.0);
}

/// A `fmt::Write` that keeps only the length.
struct Discard(usize);

impl fmt::Write for Discard {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// How many types [`families_roundtrip`] picks from with its first input byte.
///
/// ```
/// assert!(nlwire_fuzz::FAMILIES_ROUNDTRIP_TYPES > 10);
/// ```
pub const FAMILIES_ROUNDTRIP_TYPES: usize = ROUND_TRIPS.len();

/// Every generated set and message with an `Arbitrary` owned form, for round trips.
const ROUND_TRIPS: &[fn(&mut Unstructured<'_>)] = &[
    set_round_trip::<ovs_datapath::Datapath>,
    set_round_trip::<ovs_vport::Vport>,
    set_round_trip::<ovs_flow::FlowAttrs>,
    set_round_trip::<ovs_flow::KeyAttrs>,
    set_round_trip::<ovs_flow::MaskedKeyAttrs>,
    set_round_trip::<Vec<ovs_flow::ActionAttrs>>,
    set_round_trip::<ovs_packet::Packet>,
    set_round_trip::<ovs_meter::Meter>,
    set_round_trip::<ovs_ct_limit::CtLimit>,
    set_round_trip::<nlctrl::CtrlAttrs>,
    msg_round_trip::<ovs_datapath::msg::NewRequest>,
    msg_round_trip::<ovs_vport::msg::NewRequest>,
    msg_round_trip::<ovs_flow::msg::NewRequest>,
    msg_round_trip::<ovs_packet::msg::Miss>,
    msg_round_trip::<ovs_packet::msg::ExecuteRequest>,
    msg_round_trip::<ovs_meter::msg::SetRequest>,
    msg_round_trip::<ovs_ct_limit::msg::SetRequest>,
    msg_round_trip::<nlctrl::msg::GetfamilyReply>,
    msg_round_trip::<nlctrl::msg::GetpolicyRequest>,
];

/// The first byte picks a generated set or message type; the rest builds arbitrary owned
/// values of it, which must encode, pass the type's policy, and decode to themselves.
///
/// ```
/// nlwire_fuzz::families_roundtrip(&[2; 200]);
/// ```
pub fn families_roundtrip(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let mut u = Unstructured::new(rest);
    ROUND_TRIPS[usize::from(pick) % ROUND_TRIPS.len()](&mut u);
}

fn set_round_trip<T>(u: &mut Unstructured<'_>)
where
    T: AttrSet + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    let Ok(x) = T::arbitrary(u) else { return };
    let mut buf = MsgBuf::new();
    if let Err(e) = x.encode(&mut buf) {
        assert!(grew_past_a_length_field(&e), "encode failed: {e}\n{x:?}");
        return;
    }
    T::POLICY
        .validate(buf.as_slice())
        .unwrap_or_else(|e| panic!("the policy rejects encoder output: {e}\n{x:?}"));
    let view = T::decode(buf.as_slice())
        .unwrap_or_else(|e| panic!("encoder output does not decode: {e}\n{x:?}"));
    walk_fields(&view);
    assert_eq!(T::from_view(view), x, "set changed in a round trip");
}

fn msg_round_trip<T>(u: &mut Unstructured<'_>)
where
    T: Message + for<'a> Arbitrary<'a> + PartialEq + Debug,
{
    let Ok(x) = T::arbitrary(u) else { return };
    let family = u.arbitrary::<u16>().unwrap_or(0x20).max(0x10);
    let mut buf = MsgBuf::new();
    if let Err(e) = x.encode(&mut buf, family, NLM_F_REQUEST) {
        assert!(grew_past_a_length_field(&e), "encode failed: {e}\n{x:?}");
        return;
    }
    let framed = Msg::parse(buf.as_slice()).expect("encoder output is one message");
    assert_eq!((framed.ty(), framed.bytes().len()), (family, buf.len()));
    let view = T::decode(buf.as_slice())
        .unwrap_or_else(|e| panic!("encoder output does not decode: {e}\n{x:?}"));
    walk_fields(&view);
    assert_eq!(T::from_view(view), x, "message changed in a round trip");
}
