//! Targets over the OVS flow family described with the derive (examples/ovs-handwritten):
//! decoding arbitrary bytes, and encode → decode round trips of arbitrary owned values.

use arbitrary::{Arbitrary, Unstructured};
use nlwire::consts::NLM_F_REQUEST;
use nlwire::{AttrSet, Encode, Message, Messages, MsgBuf};
use ovs_handwritten::{Flow, FlowKey, FlowNew};

/// Decodes `data` as a datagram of OVS flow messages and as bare flow attributes, walks
/// every decoded field (by converting views to owned values and formatting them), and
/// checks that whatever decodes also passes the policy and re-encodes to bytes that decode
/// to the same value.
///
/// ```
/// nlwire_fuzz::ovs_decode(&[24, 0, 0, 0, 0x1e, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
/// ```
pub fn ovs_decode(data: &[u8]) {
    for m in Messages::new(data) {
        let Ok(m) = m else { break };
        if let Ok(view) = FlowNew::decode(m.bytes()) {
            let owned = FlowNew::from_view(view);
            std::hint::black_box(format!("{owned:?}"));
            reencode_msg(&owned);
        }
    }
    if let Ok(view) = Flow::decode(data) {
        let owned = Flow::from_view(view);
        std::hint::black_box(format!("{owned:?}"));
        let bytes = owned.encode_to_vec().expect("a decoded flow re-encodes");
        let again = Flow::decode_owned(&bytes).expect("re-encoded flow decodes");
        assert_eq!(again, owned);
    }
}

fn reencode_msg(owned: &FlowNew) {
    let mut buf = MsgBuf::new();
    owned
        .encode(&mut buf, 0x1e, NLM_F_REQUEST)
        .expect("a decoded message re-encodes");
    let again = FlowNew::decode_owned(buf.as_slice()).expect("re-encoded message decodes");
    assert_eq!(&again, owned);
}

/// Builds arbitrary owned flows, keys and messages from `data`, encodes them, and checks
/// that decoding gives back the same value and that the policy accepts the encoder's
/// output.
///
/// ```
/// nlwire_fuzz::ovs_roundtrip(&[7; 64]);
/// ```
pub fn ovs_roundtrip(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let mut buf = MsgBuf::new();
    if let Ok(flow) = Flow::arbitrary(&mut u)
        && flow.encode(&mut buf).is_ok()
    {
        let back = Flow::decode_owned(buf.as_slice()).expect("encoder output decodes");
        assert_eq!(back, flow);
        Flow::POLICY
            .validate(buf.as_slice())
            .expect("policy accepts encoder output");
    }
    buf.clear();
    if let Ok(key) = FlowKey::arbitrary(&mut u)
        && key.encode(&mut buf).is_ok()
    {
        assert_eq!(
            FlowKey::decode_owned(buf.as_slice()).expect("key decodes"),
            key
        );
    }
    buf.clear();
    if let Ok(msg) = FlowNew::arbitrary(&mut u)
        && msg.encode(&mut buf, 0x1e, NLM_F_REQUEST).is_ok()
    {
        assert_eq!(
            FlowNew::decode_owned(buf.as_slice()).expect("message decodes"),
            msg
        );
    }
}
