//! Reading nlmon captures (pcap and pcapng, LINKTYPE_NETLINK) record by record, with a
//! clear error for a bad record and, where the format allows, recovery after it.
//!
//! pcap records carry no trailer, so after a record that runs past the end of the file
//! (a truncated capture) there is nothing left to read: the reader reports it and stops.
//! pcapng blocks carry their length, so a block whose body does not parse is reported
//! and skipped, and reading continues with the next block.

use std::fmt;

use pcap_parser::nom;
use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le};
use pcap_parser::{
    PcapError, parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header,
};

/// LINKTYPE_NETLINK: nlmon captures.
pub const LINKTYPE_NETLINK: i32 = 253;

/// One captured packet.
#[derive(Clone, Copy, Debug)]
pub struct Packet<'a> {
    /// 1-based record number, counting every record (bad ones too).
    pub number: usize,
    /// Byte offset of the record in the file.
    pub offset: usize,
    /// Link type of the interface that captured it.
    pub linktype: i32,
    /// The captured bytes.
    pub data: &'a [u8],
    /// Length on the wire (more than `data.len()` when the snap length cut it).
    pub orig_len: u32,
}

/// A record: a packet, or a bad record and what is wrong with it.
#[derive(Clone, Debug)]
pub enum Record<'a> {
    /// A packet.
    Packet(Packet<'a>),
    /// A record that could not be read.
    Bad {
        /// 1-based record number.
        number: usize,
        /// Byte offset in the file.
        offset: usize,
        /// What is wrong.
        fault: RecordFault,
    },
}

/// A file that is neither pcap nor pcapng.
///
/// ```
/// use nlwire_cli::capture::{CaptureError, records};
/// assert_eq!(records(&[1, 2, 3]).unwrap_err(), CaptureError::TooShort { len: 3 });
/// assert_eq!(records(&[0; 40]).unwrap_err().to_string(),
///            "not a pcap or pcapng file (unknown magic number 00000000)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaptureError {
    /// Fewer bytes than a pcap file header.
    TooShort {
        /// Bytes in the file.
        len: usize,
    },
    /// The first four bytes are no pcap or pcapng magic number.
    UnknownMagic {
        /// The first four bytes, in file order.
        magic: [u8; 4],
    },
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::TooShort { len } => write!(
                f,
                "not a pcap or pcapng file: {len} bytes, a pcap header needs 24"
            ),
            CaptureError::UnknownMagic { magic } => write!(
                f,
                "not a pcap or pcapng file (unknown magic number {})",
                magic.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ),
        }
    }
}

impl std::error::Error for CaptureError {}

/// What is wrong with one record of a capture. pcap faults end the reading (nothing marks
/// where the next record starts); pcapng faults marked "skipped" do not.
///
/// ```
/// use nlwire_cli::capture::RecordFault;
/// let f = RecordFault::TruncatedBlock { have: 8 };
/// assert_eq!(
///     f.to_string(),
///     "truncated block: 8 bytes before the end of the file, a block needs at least 12"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordFault {
    /// pcap: the file ends inside a record header.
    TruncatedRecordHeader {
        /// Bytes left.
        have: usize,
        /// Size of a record header (16, or 24 in the modified format).
        need: usize,
    },
    /// pcap: the record's captured length runs past the end of the file.
    TruncatedRecord {
        /// Captured length in the record header.
        caplen: u32,
        /// Bytes the file holds after the record header.
        have: usize,
        /// The parser's words.
        detail: ParseDetail,
    },
    /// pcapng: the file ends before a block header.
    TruncatedBlock {
        /// Bytes left.
        have: usize,
    },
    /// pcapng: a block length below 12 or not a multiple of 4.
    BadBlockLength {
        /// The length read.
        len: usize,
    },
    /// pcapng: a block longer than what is left of the file.
    BlockPastEnd {
        /// The length read.
        len: usize,
        /// Bytes left.
        have: usize,
    },
    /// pcapng: a block whose body does not parse (skipped).
    MalformedBlock {
        /// Length of the block.
        len: usize,
        /// The parser's words.
        detail: ParseDetail,
    },
    /// pcapng: a packet on an interface no description block declared (skipped).
    UnknownInterface {
        /// The packet's interface id.
        if_id: u32,
    },
    /// pcapng: a simple packet before any interface description block (skipped).
    NoInterface,
}

/// What the pcap parser reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseDetail {
    /// It needed this many more bytes.
    Needed(usize),
    /// It needed more bytes, without saying how many.
    NeededMore,
    /// A parse error of this kind (nom's words).
    Error(String),
}

impl fmt::Display for ParseDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseDetail::Needed(n) => write!(f, "{n} more bytes needed"),
            ParseDetail::NeededMore => f.write_str("more bytes needed"),
            ParseDetail::Error(e) => f.write_str(e),
        }
    }
}

impl fmt::Display for RecordFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordFault::TruncatedRecordHeader { have, need } => write!(
                f,
                "truncated record header: {have} of {need} bytes before the end of the file"
            ),
            RecordFault::TruncatedRecord {
                caplen,
                have,
                detail,
            } => write!(
                f,
                "truncated record: its header says {caplen} captured bytes, the file holds {have} more ({detail})"
            ),
            RecordFault::TruncatedBlock { have } => write!(
                f,
                "truncated block: {have} bytes before the end of the file, a block needs at least 12"
            ),
            RecordFault::BadBlockLength { len } => write!(
                f,
                "block length {len} is invalid (at least 12 and a multiple of 4); cannot find the next block"
            ),
            RecordFault::BlockPastEnd { len, have } => write!(
                f,
                "truncated block: its header says {len} bytes, the file holds {have}"
            ),
            RecordFault::MalformedBlock { len, detail } => match detail {
                ParseDetail::Needed(n) => write!(
                    f,
                    "malformed block: its fields claim {n} bytes more than its length of {len}; skipped"
                ),
                other => write!(f, "malformed block: {other}; skipped"),
            },
            RecordFault::UnknownInterface { if_id } => write!(
                f,
                "packet on interface {if_id} which no interface description block declared; skipped"
            ),
            RecordFault::NoInterface => {
                f.write_str("simple packet before any interface description block; skipped")
            }
        }
    }
}

/// Reads every record of a pcap or pcapng file held in memory. `Err` only when the file
/// is neither format.
///
/// ```
/// use nlwire_cli::capture::{Record, records};
/// // A pcap header (little-endian, LINKTYPE_NETLINK) and one record of 3 bytes.
/// let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/// f.extend([0xff, 0xff, 0, 0, 253, 0, 0, 0]);
/// f.extend([0; 8]);
/// f.extend([3, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3]);
/// let r = records(&f)?;
/// assert!(matches!(r[..], [Record::Packet(p)] if p.data == [1, 2, 3] && p.linktype == 253));
/// # Ok::<(), nlwire_cli::capture::CaptureError>(())
/// ```
pub fn records(file: &[u8]) -> Result<Vec<Record<'_>>, CaptureError> {
    if file.len() >= 4 && file[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
        return Ok(pcapng(file));
    }
    pcap(file)
}

fn pcap(file: &[u8]) -> Result<Vec<Record<'_>>, CaptureError> {
    let (mut rest, hdr) = parse_pcap_header(file).map_err(|_| match file.get(..4) {
        Some(m) if file.len() >= 24 => CaptureError::UnknownMagic {
            magic: [m[0], m[1], m[2], m[3]],
        },
        _ => CaptureError::TooShort { len: file.len() },
    })?;
    let mut out = Vec::new();
    let mut number = 0;
    while !rest.is_empty() {
        number += 1;
        let offset = file.len() - rest.len();
        let parsed = if hdr.is_modified_format() {
            parse_pcap_frame_modified(rest)
        } else if hdr.is_bigendian() {
            parse_pcap_frame_be(rest)
        } else {
            parse_pcap_frame(rest)
        };
        match parsed {
            Ok((next, frame)) => {
                out.push(Record::Packet(Packet {
                    number,
                    offset,
                    linktype: hdr.network.0,
                    data: frame.data,
                    orig_len: frame.origlen,
                }));
                rest = next;
            }
            Err(e) => {
                let hdr_len = if hdr.is_modified_format() { 24 } else { 16 };
                let fault = if rest.len() < hdr_len {
                    RecordFault::TruncatedRecordHeader {
                        have: rest.len(),
                        need: hdr_len,
                    }
                } else {
                    let word = [rest[8], rest[9], rest[10], rest[11]];
                    RecordFault::TruncatedRecord {
                        caplen: if hdr.is_bigendian() {
                            u32::from_be_bytes(word)
                        } else {
                            u32::from_le_bytes(word)
                        },
                        have: rest.len() - hdr_len,
                        detail: describe(&e),
                    }
                };
                out.push(Record::Bad {
                    number,
                    offset,
                    fault,
                });
                break;
            }
        }
    }
    Ok(out)
}

fn pcapng(file: &[u8]) -> Vec<Record<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut big_endian = false;
    let mut linktypes: Vec<i32> = Vec::new();
    let mut number = 0;
    while pos < file.len() {
        let rest = &file[pos..];
        number += 1;
        let start = pos;
        let bad = |fault: RecordFault| Record::Bad {
            number,
            offset: start,
            fault,
        };
        if rest.len() < 12 {
            out.push(bad(RecordFault::TruncatedBlock { have: rest.len() }));
            break;
        }
        let word = |b: &[u8], be: bool| {
            let a = [b[0], b[1], b[2], b[3]];
            if be {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        };
        let is_shb = rest[..4] == [0x0a, 0x0d, 0x0d, 0x0a];
        if is_shb {
            // The byte-order magic after the length fixes the endianness of this section.
            big_endian = rest[8..12] == [0x1a, 0x2b, 0x3c, 0x4d];
            linktypes.clear();
        }
        let len = word(&rest[4..8], big_endian) as usize;
        if len < 12 || !len.is_multiple_of(4) {
            out.push(bad(RecordFault::BadBlockLength { len }));
            break;
        }
        if len > rest.len() {
            out.push(bad(RecordFault::BlockPastEnd {
                len,
                have: rest.len(),
            }));
            break;
        }
        let block_bytes = &rest[..len];
        pos += len;
        let parsed = if big_endian {
            parse_block_be(block_bytes)
        } else {
            parse_block_le(block_bytes)
        };
        let block = match parsed {
            Ok((_, b)) => b,
            Err(e) => {
                out.push(bad(RecordFault::MalformedBlock {
                    len,
                    detail: describe(&e),
                }));
                continue;
            }
        };
        match block {
            Block::SectionHeader(_) => number -= 1,
            Block::InterfaceDescription(idb) => {
                linktypes.push(idb.linktype.0);
                number -= 1;
            }
            Block::EnhancedPacket(epb) => {
                let Some(&linktype) = linktypes.get(epb.if_id as usize) else {
                    out.push(bad(RecordFault::UnknownInterface { if_id: epb.if_id }));
                    continue;
                };
                let caplen = (epb.caplen as usize).min(epb.data.len());
                out.push(Record::Packet(Packet {
                    number,
                    offset: start,
                    linktype,
                    data: &epb.data[..caplen],
                    orig_len: epb.origlen,
                }));
            }
            Block::SimplePacket(spb) => {
                let Some(&linktype) = linktypes.first() else {
                    out.push(bad(RecordFault::NoInterface));
                    continue;
                };
                let caplen = (spb.origlen as usize).min(spb.data.len());
                out.push(Record::Packet(Packet {
                    number,
                    offset: start,
                    linktype,
                    data: &spb.data[..caplen],
                    orig_len: spb.origlen,
                }));
            }
            // Statistics, name resolution, custom blocks: nothing to decode.
            _ => number -= 1,
        }
    }
    out
}

fn describe(e: &nom::Err<PcapError<&[u8]>>) -> ParseDetail {
    match e {
        nom::Err::Incomplete(nom::Needed::Size(n)) => ParseDetail::Needed(n.get()),
        nom::Err::Incomplete(nom::Needed::Unknown) => ParseDetail::NeededMore,
        nom::Err::Error(pe) | nom::Err::Failure(pe) => ParseDetail::Error(match pe {
            PcapError::NomError(_, kind) => format!("parse error ({kind:?})"),
            other => format!("{}", other.to_owned_vec()),
        }),
    }
}

/// The 16-byte header nlmon puts before the netlink messages of each packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NlmonHeader {
    /// Packet type (who sent it; the kernel sets 4, PACKET_OUTGOING, on both directions).
    pub pkttype: u16,
    /// ARPHRD type; 824 (ARPHRD_NETLINK) for nlmon.
    pub arphrd: u16,
    /// Netlink protocol (0 = NETLINK_ROUTE, 16 = NETLINK_GENERIC, ...).
    pub protocol: u16,
}

/// ARPHRD_NETLINK.
pub const ARPHRD_NETLINK: u16 = 824;

/// A LINKTYPE_NETLINK packet shorter than the nlmon header.
///
/// ```
/// let e = nlwire_cli::capture::ShortPacket { len: 3 };
/// assert_eq!(e.to_string(), "packet of 3 bytes is shorter than the 16-byte nlmon header");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortPacket {
    /// The packet's captured length.
    pub len: usize,
}

impl fmt::Display for ShortPacket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "packet of {} bytes is shorter than the 16-byte nlmon header",
            self.len
        )
    }
}

impl std::error::Error for ShortPacket {}

/// Splits a LINKTYPE_NETLINK packet into its nlmon header and the netlink messages.
///
/// ```
/// use nlwire_cli::capture::{ARPHRD_NETLINK, nlmon};
/// let mut p = vec![0, 4, 3, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16];
/// p.extend([9, 9]);
/// let (h, body) = nlmon(&p)?;
/// assert_eq!((h.arphrd, h.protocol, body), (ARPHRD_NETLINK, 16, &[9u8, 9][..]));
/// # Ok::<(), nlwire_cli::capture::ShortPacket>(())
/// ```
pub fn nlmon(data: &[u8]) -> Result<(NlmonHeader, &[u8]), ShortPacket> {
    if data.len() < 16 {
        return Err(ShortPacket { len: data.len() });
    }
    let be16 = |i: usize| u16::from_be_bytes([data[i], data[i + 1]]);
    Ok((
        NlmonHeader {
            pkttype: be16(0),
            arphrd: be16(2),
            protocol: be16(14),
        },
        &data[16..],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcap_file(records: &[&[u8]]) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend(0xa1b2c3d4u32.to_le_bytes());
        f.extend(2u16.to_le_bytes());
        f.extend(4u16.to_le_bytes());
        f.extend([0; 8]);
        f.extend(65535u32.to_le_bytes());
        f.extend(253u32.to_le_bytes());
        for r in records {
            f.extend([0; 8]);
            f.extend((r.len() as u32).to_le_bytes());
            f.extend((r.len() as u32).to_le_bytes());
            f.extend(*r);
        }
        f
    }

    #[test]
    fn pcap_records_and_truncation() {
        let f = pcap_file(&[&[1, 2, 3], &[4, 5, 6, 7]]);
        let r = records(&f).unwrap();
        assert_eq!(r.len(), 2);
        assert!(matches!(r[1], Record::Packet(p) if p.data == [4, 5, 6, 7] && p.linktype == 253));
        let r = records(&f[..f.len() - 2]).unwrap();
        match &r[1] {
            Record::Bad { number, fault, .. } => {
                assert_eq!(*number, 2);
                assert!(
                    matches!(
                        fault,
                        RecordFault::TruncatedRecord {
                            caplen: 4,
                            have: 2,
                            ..
                        }
                    ),
                    "{fault:?}"
                );
                assert!(
                    fault
                        .to_string()
                        .contains("says 4 captured bytes, the file holds 2"),
                    "{fault}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            records(&[1, 2, 3]).unwrap_err(),
            CaptureError::TooShort { len: 3 }
        );
        assert_eq!(
            records(&[0; 40]).unwrap_err(),
            CaptureError::UnknownMagic { magic: [0; 4] }
        );
    }

    #[test]
    fn nlmon_header() {
        let mut p = vec![0, 4, 3, 0x38];
        p.extend([0; 10]);
        p.extend([0, 16]);
        p.extend([9, 9]);
        let (h, rest) = nlmon(&p).unwrap();
        assert_eq!(
            h,
            NlmonHeader {
                pkttype: 4,
                arphrd: ARPHRD_NETLINK,
                protocol: 16
            }
        );
        assert_eq!(rest, [9, 9]);
        assert!(nlmon(&p[..10]).is_err());
    }
}
