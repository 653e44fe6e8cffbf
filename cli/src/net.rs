//! The CLI's use of the transport (`nlwire::sock`): opening sockets, resolving the
//! family a spec names, and reading nlctrl's own description of every family.

use nlwire::MsgBuf;
use nlwire::consts::{GENL_ID_CTRL, NETLINK_GENERIC, NLM_F_REQUEST};
use nlwire::sock::{Error as SockError, NetNs, Socket, SocketOptions};
use nlwire_schema::Family;

use crate::error::{CliError, Result};
use crate::genl::{CTRL_CMD_GETFAMILY, FamilyInfo};

/// Opens a socket for netlink protocol `proto` in the caller's network namespace.
pub fn open(proto: u32) -> Result<Socket> {
    open_in(proto, &NetNs::current())
}

/// Opens a socket for netlink protocol `proto` in network namespace `ns`.
pub fn open_in(proto: u32, ns: &NetNs) -> Result<Socket> {
    SocketOptions::new(proto as i32)
        .netns(ns.clone())
        .open()
        .map_err(|e| {
            let place = match ns {
                NetNs::Current => String::new(),
                NetNs::Path(p) => format!(" in network namespace {}", p.display()),
                NetNs::Fd(_) => " in the given network namespace".to_string(),
            };
            CliError::failure(format!(
                "cannot open a netlink socket (protocol {proto}){place}: {e}"
            ))
        })
}

/// The `nlmsg_type` of `fam`'s requests: its genetlink family id (asked of nlctrl), or
/// 0 for netlink-raw families (whose ops carry their own message types).
pub fn family_id(sock: &mut Socket, fam: &Family) -> Result<u16> {
    if !fam.protocol.is_genetlink() {
        return Ok(0);
    }
    sock.resolve_family(&fam.name).map(|f| f.id).map_err(|e| match e {
        SockError::NotFound { .. } => CliError::failure(format!(
            "the running kernel has no generic netlink family {:?} (not built in, or its module is not loaded)",
            fam.name
        )),
        other => CliError::failure(format!("cannot resolve family {:?}: {other}", fam.name)),
    })
}

/// Every genetlink family of the running kernel, with ops and multicast groups, from a
/// `CTRL_CMD_GETFAMILY` dump (retried if interrupted). `on_msg` is called per family.
pub fn families(on_msg: &mut dyn FnMut()) -> Result<Vec<FamilyInfo>> {
    let mut sock = open(NETLINK_GENERIC as u32)?;
    let mut req = MsgBuf::new();
    let m = req.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
    req.end_msg(m)?;
    sock.dump_retry(req.as_slice(), 3, |dump| {
        let mut out = Vec::new();
        while let Some(m) = dump.next_msg() {
            let m = m?;
            let (_, attrs) = m.genl()?;
            out.push(FamilyInfo::parse(attrs)?);
            on_msg();
        }
        Ok(out)
    })
    .map_err(|e| {
        CliError::failure(format!(
            "listing the kernel's generic netlink families failed: {e}"
        ))
    })
}
