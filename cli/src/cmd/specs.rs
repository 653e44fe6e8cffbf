//! `nlwire specs`: the built-in specs, or the ops and groups of one spec.

use serde_json::json;

use crate::args::SpecsArgs;
use crate::error::Result;
use crate::output::emit;
use crate::specs::{builtins, family_name, resolve, search_dirs};

/// Lists built-in specs, or describes one spec's ops and multicast groups.
pub fn run(a: &SpecsArgs) -> Result<()> {
    let Some(spec) = &a.spec else {
        if builtins().is_empty() {
            emit("no built-in specs in this build");
        }
        for s in builtins() {
            emit(&format!(
                "{:<16} family {}",
                s.name,
                family_name(s.text).unwrap_or("?")
            ));
        }
        return Ok(());
    };
    let fam = resolve(spec, &search_dirs(&a.dirs.spec_dirs))?;
    emit(&format!(
        "{} ({}{})",
        fam.name,
        fam.protocol.as_str(),
        fam.protonum
            .map(|p| format!(", protocol {p}"))
            .unwrap_or_default()
    ));
    emit("ops:");
    for op in &fam.ops.list {
        let kinds: Vec<&str> = [
            op.do_.as_ref().map(|_| "do"),
            op.dump.as_ref().map(|_| "dump"),
            op.notify.map(|_| "notify"),
            op.event.as_ref().map(|_| "event"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let ids = json!({"request": op.req_value, "reply": op.rsp_value});
        emit(&format!(
            "  {:<24} {:<12} {}",
            op.name,
            kinds.join(","),
            ids
        ));
    }
    if !fam.mcast_groups.is_empty() {
        emit("multicast groups:");
        for g in &fam.mcast_groups {
            emit(&format!("  {}", g.name));
        }
    }
    Ok(())
}
