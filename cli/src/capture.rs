//! Reading nlmon captures (pcap and pcapng, LINKTYPE_NETLINK) record by record, with a
//! clear error for a bad record and, where the format allows, recovery after it.
//!
//! pcap records carry no trailer, so after a record that runs past the end of the file
//! (a truncated capture) there is nothing left to read: the reader reports it and stops.
//! pcapng blocks carry their length, so a block whose body does not parse is reported
//! and skipped, and reading continues with the next block.

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
        message: String,
    },
}

/// Reads every record of a pcap or pcapng file held in memory. `Err` only when the file
/// is neither format.
pub fn records(file: &[u8]) -> Result<Vec<Record<'_>>, String> {
    if file.len() >= 4 && file[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
        return Ok(pcapng(file));
    }
    pcap(file)
}

fn pcap(file: &[u8]) -> Result<Vec<Record<'_>>, String> {
    let (mut rest, hdr) = parse_pcap_header(file).map_err(|e| match e {
        nom_err if file.len() < 24 => format!(
            "not a pcap or pcapng file: {} bytes, a pcap header needs 24 ({})",
            file.len(),
            describe(&nom_err)
        ),
        _ => "not a pcap or pcapng file (unknown magic number)".to_string(),
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
                let message = if rest.len() < hdr_len {
                    format!(
                        "truncated record header: {} of {hdr_len} bytes before the end of the file",
                        rest.len()
                    )
                } else {
                    let caplen = if hdr.is_bigendian() {
                        u32::from_be_bytes([rest[8], rest[9], rest[10], rest[11]])
                    } else {
                        u32::from_le_bytes([rest[8], rest[9], rest[10], rest[11]])
                    };
                    format!(
                        "truncated record: its header says {caplen} captured bytes, the file holds {} more ({})",
                        rest.len() - hdr_len,
                        describe(&e)
                    )
                };
                out.push(Record::Bad {
                    number,
                    offset,
                    message,
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
        let bad = |message: String| Record::Bad {
            number,
            offset: start,
            message,
        };
        if rest.len() < 12 {
            out.push(bad(format!(
                "truncated block: {} bytes before the end of the file, a block needs at least 12",
                rest.len()
            )));
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
            out.push(bad(format!(
                "block length {len} is invalid (at least 12 and a multiple of 4); cannot find the next block"
            )));
            break;
        }
        if len > rest.len() {
            out.push(bad(format!(
                "truncated block: its header says {len} bytes, the file holds {}",
                rest.len()
            )));
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
                let why = match e {
                    nom::Err::Incomplete(nom::Needed::Size(n)) => {
                        format!("its fields claim {n} bytes more than its length of {len}")
                    }
                    other => describe(&other),
                };
                out.push(bad(format!("malformed block: {why}; skipped")));
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
                    out.push(bad(format!(
                        "packet on interface {} which no interface description block declared; skipped",
                        epb.if_id
                    )));
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
                    out.push(bad(
                        "simple packet before any interface description block; skipped".into(),
                    ));
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

fn describe(e: &nom::Err<PcapError<&[u8]>>) -> String {
    match e {
        nom::Err::Incomplete(nom::Needed::Size(n)) => format!("{n} more bytes needed"),
        nom::Err::Incomplete(nom::Needed::Unknown) => "more bytes needed".into(),
        nom::Err::Error(pe) | nom::Err::Failure(pe) => match pe {
            PcapError::NomError(_, kind) => format!("parse error ({kind:?})"),
            other => format!("{}", other.to_owned_vec()),
        },
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

/// Splits a LINKTYPE_NETLINK packet into its nlmon header and the netlink messages.
pub fn nlmon(data: &[u8]) -> Result<(NlmonHeader, &[u8]), String> {
    if data.len() < 16 {
        return Err(format!(
            "packet of {} bytes is shorter than the 16-byte nlmon header",
            data.len()
        ));
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
            Record::Bad {
                number, message, ..
            } => {
                assert_eq!(*number, 2);
                assert!(
                    message.contains("says 4 captured bytes, the file holds 2"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(records(&[1, 2, 3]).is_err());
        assert!(records(&[0; 40]).unwrap_err().contains("magic"));
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
