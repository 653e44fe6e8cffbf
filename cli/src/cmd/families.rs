//! `nlwire families`: the running kernel's generic netlink families as nlctrl reports
//! them (needs no spec).

use serde_json::Value;

use crate::args::FamiliesArgs;
use crate::error::{CliError, Result};
use crate::genl::FamilyInfo;
use crate::net;
use crate::output::{emit, progress};
use crate::specs::{for_family, search_dirs};

/// Lists the families (a table, or JSON with `-o json`).
pub fn run(a: &FamiliesArgs) -> Result<()> {
    a.out.stray.check()?;
    let pb = progress("nlctrl getfamily");
    let mut all = net::families(&mut || pb.inc(1))?;
    pb.finish_and_clear();
    all.sort_by_key(|f| f.id);
    if let Some(name) = &a.name {
        all.retain(|f| &f.name == name);
        if all.is_empty() {
            return Err(CliError::failure(format!(
                "the running kernel has no generic netlink family {name:?}"
            )));
        }
    }
    if a.out.json() {
        let v: Vec<Value> = all.iter().map(FamilyInfo::to_json).collect();
        emit(&serde_json::to_string_pretty(&Value::Array(v)).unwrap_or_default());
        return Ok(());
    }
    table(&all);
    if a.ops || a.name.is_some() {
        let dirs = search_dirs(&a.dirs.spec_dirs);
        for f in &all {
            emit("");
            ops(f, &dirs);
        }
    }
    Ok(())
}

fn table(all: &[FamilyInfo]) {
    let w = all.iter().map(|f| f.name.len()).max().unwrap_or(4).max(4);
    emit(&format!(
        "{:>4}  {:<w$}  {:>7}  {:>7}  {:>7}  {:>3}  MULTICAST GROUPS",
        "ID", "NAME", "VERSION", "HDRSIZE", "MAXATTR", "OPS"
    ));
    for f in all {
        let groups: Vec<String> = f
            .groups
            .iter()
            .map(|(n, id)| format!("{n}({id})"))
            .collect();
        emit(&format!(
            "{:>4}  {:<w$}  {:>7}  {:>7}  {:>7}  {:>3}  {}",
            f.id,
            f.name,
            f.version,
            f.hdrsize,
            f.maxattr,
            f.ops.len(),
            if groups.is_empty() {
                "-".to_string()
            } else {
                groups.join(" ")
            }
        ));
    }
}

/// The ops of one family with their flags, named from a spec when one is at hand.
fn ops(f: &FamilyInfo, dirs: &[std::path::PathBuf]) {
    let spec = for_family(&f.name, dirs).ok().flatten();
    emit(&format!("{} ops:", f.name));
    for op in &f.ops {
        let name = spec
            .as_ref()
            .and_then(|s| crate::codec::message::op_for(s, op.id as u16, true, None))
            .map(|o| o.name.clone())
            .unwrap_or_default();
        emit(&format!(
            "  {:>4}  {:<24} {}",
            op.id,
            name,
            op.flag_names().join(", ")
        ));
    }
}
