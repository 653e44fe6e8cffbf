//! Target: the CLI's capture decoder (`nlwire decode`) on arbitrary files: the pcap and
//! pcapng reader, the nlmon header, netlink framing, family ids learnt from the
//! capture's nlctrl messages, the run-time codec over the built-in schemas, and the
//! printed forms (JSON lines and the tree).

use std::cell::RefCell;

use nlwire_cli::capture::{self, Record};
use nlwire_cli::cmd::decode::{Decoder, render};
use nlwire_cli::output::Format;

/// Printed bytes allowed per input byte (both forms together), on top of
/// [`PCAP_OUTPUT_BASE`]. The densest inputs found print about 19: a pcapng file of empty
/// 12-byte blocks, each reported as a malformed block in both forms; 4,000 tiny unknown
/// attributes in an nlctrl message print about 8.
pub const PCAP_OUTPUT_PER_BYTE: usize = 64;

/// Printed bytes allowed for any input, however short.
pub const PCAP_OUTPUT_BASE: usize = 4096;

thread_local! {
    /// The specs parsed so far outlive one input (parsing the OVS schemas takes longer
    /// than decoding a capture); what one capture teaches is forgotten before the next.
    static DECODER: RefCell<Decoder> = RefCell::new(Decoder::builtin());
}

/// Reads `data` as a capture file, decodes every record with the built-in schemas
/// (no spec directories, no kernel), and prints each entry in both forms to memory.
/// Reading fails only with the typed [`capture::CaptureError`]; each record consumes
/// at least 12 bytes; what is printed stays within [`PCAP_OUTPUT_PER_BYTE`] bytes per input
/// byte plus [`PCAP_OUTPUT_BASE`].
///
/// ```
/// nlwire_fuzz::pcap_decode(b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00");
/// ```
pub fn pcap_decode(data: &[u8]) {
    let records = match capture::records(data) {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert!(
        records.len() <= data.len() / 12 + 1,
        "{} records from {} bytes",
        records.len(),
        data.len()
    );
    DECODER.with_borrow_mut(|dec| {
        dec.forget_capture();
        dec.learn_ids(&records);
        let mut printed = 0usize;
        for r in &records {
            if let Record::Packet(p) = r {
                assert!(p.data.len() <= data.len() && p.offset < data.len());
            }
            for entry in dec.entries(r) {
                printed += render(Format::Json, &entry).len();
                printed += render(Format::Tree, &entry).len();
            }
        }
        let limit = PCAP_OUTPUT_PER_BYTE * data.len() + PCAP_OUTPUT_BASE;
        assert!(
            printed <= limit,
            "{printed} bytes printed for a {}-byte capture (limit {limit})",
            data.len()
        );
    });
}
