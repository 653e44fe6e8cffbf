//! `nlwire specs`: the built-in specs, or what one spec defines: its ops and multicast
//! groups (the default), attribute sets (`--attrs`), messages (`--messages`) and
//! definitions (`--defs`), as text or JSON (`-o json`).
//!
//! Each listing is built as JSON first and the text is rendered from it, so both forms
//! say the same thing.

use nlwire_schema::{
    Attr, AttrSet, ByteOrder, ConstValue, DefKind, Direction, DisplayHint, Family, MemberType,
    Mode, Op,
};
use serde_json::{Map, Value, json};

use crate::args::SpecsArgs;
use crate::error::{CliError, Result};
use crate::output::emit;
use crate::specs::{builtins, family_name, resolve, search_dirs};

/// Lists built-in specs, or describes one spec.
pub fn run(a: &SpecsArgs) -> Result<()> {
    a.out.stray.check()?;
    let json = a.out.json();
    let Some(spec) = &a.spec else {
        if json {
            let v: Vec<Value> = builtins()
                .iter()
                .map(|s| json!({"spec": s.name, "family": family_name(s.text)}))
                .collect();
            emit(&pretty(&Value::Array(v)));
            return Ok(());
        }
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
    let set_filter = match &a.attrs {
        Some(Some(name)) => {
            if fam.set(name).is_none() {
                return Err(CliError::usage(format!(
                    "spec {} has no attribute set {name:?} (sets: {})",
                    fam.name,
                    fam.attr_sets
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Some(name.as_str())
        }
        _ => None,
    };
    let ops = a.ops || (a.attrs.is_none() && !a.messages && !a.defs);
    let mut out = Map::new();
    out.insert("family".into(), Value::String(fam.name.clone()));
    out.insert(
        "protocol".into(),
        Value::String(fam.protocol.as_str().into()),
    );
    if let Some(p) = fam.protonum {
        out.insert("protonum".into(), Value::from(p));
    }
    if ops {
        out.insert("ops".into(), ops_json(&fam));
        out.insert(
            "mcast-groups".into(),
            fam.mcast_groups
                .iter()
                .map(|g| json!({"name": g.name, "value": g.value}))
                .collect(),
        );
    }
    if a.defs {
        out.insert("definitions".into(), defs_json(&fam));
    }
    if a.attrs.is_some() {
        out.insert("attribute-sets".into(), sets_json(&fam, set_filter));
    }
    if a.messages {
        out.insert("messages".into(), messages_json(&fam));
    }
    if json {
        emit(&pretty(&Value::Object(out)));
        return Ok(());
    }
    emit(&format!(
        "{} ({}{})",
        fam.name,
        fam.protocol.as_str(),
        fam.protonum
            .map(|p| format!(", protocol {p}"))
            .unwrap_or_default()
    ));
    if ops {
        print_ops(&fam);
    }
    if let Some(Value::Array(d)) = out.get("definitions") {
        print_defs(d);
    }
    if let Some(Value::Array(s)) = out.get("attribute-sets") {
        print_sets(s);
    }
    if let Some(Value::Array(m)) = out.get("messages") {
        print_messages(&fam, m);
    }
    Ok(())
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

fn modes(op: &Op) -> Vec<&'static str> {
    [
        op.do_.as_ref().map(|_| "do"),
        op.dump.as_ref().map(|_| "dump"),
        op.notify.map(|_| "notify"),
        op.event.as_ref().map(|_| "event"),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn ops_json(fam: &Family) -> Value {
    fam.ops
        .list
        .iter()
        .map(|op| {
            json!({"name": op.name, "modes": modes(op), "request": op.req_value,
                   "reply": op.rsp_value})
        })
        .collect()
}

fn print_ops(fam: &Family) {
    emit("ops:");
    for op in &fam.ops.list {
        let ids = json!({"request": op.req_value, "reply": op.rsp_value});
        emit(&format!(
            "  {:<24} {:<12} {}",
            op.name,
            modes(op).join(","),
            ids
        ));
    }
    if !fam.mcast_groups.is_empty() {
        emit("multicast groups:");
        for g in &fam.mcast_groups {
            match g.value {
                Some(v) => emit(&format!("  {} ({v})", g.name)),
                None => emit(&format!("  {}", g.name)),
            }
        }
    }
}

fn byte_order(b: ByteOrder) -> Option<&'static str> {
    match b {
        ByteOrder::Host => None,
        ByteOrder::LittleEndian => Some("little-endian"),
        ByteOrder::BigEndian => Some("big-endian"),
    }
}

fn hint(h: DisplayHint) -> &'static str {
    match h {
        DisplayHint::Hex => "hex",
        DisplayHint::Mac => "mac",
        DisplayHint::Fddi => "fddi",
        DisplayHint::Ipv4 => "ipv4",
        DisplayHint::Ipv6 => "ipv6",
        DisplayHint::Ipv4OrV6 => "ipv4-or-v6",
        DisplayHint::Uuid => "uuid",
    }
}

/// One attribute as JSON: value, name, type and whatever qualifies the type.
fn attr_json(fam: &Family, a: &Attr) -> Value {
    let mut o = Map::new();
    o.insert("value".into(), Value::from(a.value));
    o.insert("name".into(), Value::String(a.name.clone()));
    o.insert("type".into(), Value::String(a.ty.as_str().into()));
    if let Some(t) = a.sub_type {
        o.insert("sub-type".into(), Value::String(t.as_str().into()));
    }
    if a.multi {
        o.insert("multi-attr".into(), Value::Bool(true));
    }
    if let Some(s) = a.nested {
        o.insert(
            "nested-attributes".into(),
            Value::String(fam[s].name.clone()),
        );
    }
    if let Some(d) = a.struct_ {
        o.insert("struct".into(), Value::String(fam[d].name.clone()));
    }
    if let Some(d) = a.enum_ {
        o.insert("enum".into(), Value::String(fam[d].name.clone()));
        if a.enum_as_flags {
            o.insert("enum-as-flags".into(), Value::Bool(true));
        }
    }
    if let Some(m) = a.sub_message {
        o.insert("sub-message".into(), Value::String(fam[m].name.clone()));
    }
    if let Some(s) = &a.selector {
        o.insert("selector".into(), Value::String(s.clone()));
    }
    if let Some(b) = byte_order(a.byte_order) {
        o.insert("byte-order".into(), Value::String(b.into()));
    }
    if let Some(h) = a.display_hint {
        o.insert("display-hint".into(), Value::String(hint(h).into()));
    }
    if !a.type_value.is_empty() {
        o.insert("type-value".into(), json!(a.type_value));
    }
    Value::Object(o)
}

/// The type of an attribute in words, from its JSON form.
fn type_words(a: &Value) -> String {
    let s = |k: &str| a.get(k).and_then(Value::as_str);
    let mut t = s("type").unwrap_or("?").to_string();
    if let Some(sub) = s("sub-type") {
        t.push_str(&format!(" of {sub}"));
    }
    if let Some(n) = s("nested-attributes") {
        t.push_str(&format!(" -> {n}"));
    }
    if let Some(st) = s("struct") {
        t.push_str(&format!(" struct {st}"));
    }
    if let Some(e) = s("enum") {
        let flags = a.get("enum-as-flags") == Some(&Value::Bool(true));
        t.push_str(&format!(
            " enum {e}{}",
            if flags { " (as flags)" } else { "" }
        ));
    }
    if let (Some(m), Some(sel)) = (s("sub-message"), s("selector")) {
        t.push_str(&format!(" {m} by {sel}"));
    }
    if let Some(b) = s("byte-order") {
        t.push_str(&format!(", {b}"));
    }
    if let Some(h) = s("display-hint") {
        t.push_str(&format!(", shown as {h}"));
    }
    if let Some(Value::Array(tv)) = a.get("type-value") {
        let names: Vec<&str> = tv.iter().filter_map(Value::as_str).collect();
        t.push_str(&format!(" [{}]", names.join(", ")));
    }
    if a.get("multi-attr") == Some(&Value::Bool(true)) {
        t.push_str(", multi-attr");
    }
    t
}

fn set_json(fam: &Family, s: &AttrSet) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), Value::String(s.name.clone()));
    if let Some(p) = s.subset_of {
        o.insert("subset-of".into(), Value::String(fam[p].name.clone()));
    }
    o.insert(
        "attributes".into(),
        s.attrs.iter().map(|a| attr_json(fam, a)).collect(),
    );
    Value::Object(o)
}

fn sets_json(fam: &Family, only: Option<&str>) -> Value {
    fam.attr_sets
        .iter()
        .filter(|s| only.is_none_or(|n| s.name == n))
        .map(|s| set_json(fam, s))
        .collect()
}

fn print_sets(sets: &[Value]) {
    for s in sets {
        let name = s["name"].as_str().unwrap_or_default();
        match s.get("subset-of").and_then(Value::as_str) {
            Some(p) => emit(&format!("attribute set {name} (subset of {p}):")),
            None => emit(&format!("attribute set {name}:")),
        }
        let attrs = s["attributes"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        let w = attrs
            .iter()
            .filter_map(|a| a["name"].as_str())
            .map(str::len)
            .max()
            .unwrap_or(0);
        for a in attrs {
            emit(&format!(
                "  {:>5}  {:<w$}  {}",
                a["value"].as_u64().unwrap_or_default(),
                a["name"].as_str().unwrap_or_default(),
                type_words(a)
            ));
        }
    }
}

/// Every message the spec describes: each op's request and reply per mode, and the
/// notifications and events, with message type, fixed header and attribute names.
fn messages_json(fam: &Family) -> Value {
    let mut out = Vec::new();
    for op in &fam.ops.list {
        let header = op.fixed_header.map(|h| fam[h].name.clone());
        let names = |idx: Option<&[usize]>| -> Value {
            let set = op.attr_set.map(|s| &fam[s]);
            match (idx, set) {
                (Some(idx), Some(set)) => idx
                    .iter()
                    .filter_map(|&i| set.attrs.get(i))
                    .map(|a| Value::String(a.name.clone()))
                    .collect(),
                _ => Value::Array(Vec::new()),
            }
        };
        let mut push = |kind: &str, dir: &str, ty: Option<u16>, attrs: Value| {
            let mut m = Map::new();
            m.insert("op".into(), Value::String(op.name.clone()));
            m.insert("kind".into(), Value::String(kind.into()));
            m.insert("direction".into(), Value::String(dir.into()));
            m.insert("type".into(), ty.map_or(Value::Null, Value::from));
            m.insert(
                "fixed-header".into(),
                header.clone().map_or(Value::Null, Value::String),
            );
            m.insert(
                "attribute-set".into(),
                op.attr_set
                    .map_or(Value::Null, |s| Value::String(fam[s].name.clone())),
            );
            m.insert("attributes".into(), attrs);
            if let Some(g) = op.mcgrp {
                m.insert("group".into(), Value::String(fam[g].name.clone()));
            }
            out.push(Value::Object(m));
        };
        for (mode, kind, present) in [
            (Mode::Do, "do", op.do_.as_ref()),
            (Mode::Dump, "dump", op.dump.as_ref()),
        ] {
            let Some(m) = present else { continue };
            if op.req_value.is_some() {
                let a = fam.msg_attrs(op, mode, Direction::Request);
                push(kind, "request", op.req_value, names(a));
            }
            if m.reply.is_some() {
                let a = fam.msg_attrs(op, mode, Direction::Reply);
                push(kind, "reply", op.rsp_value, names(a));
            }
        }
        if op.notify.is_some() || op.event.is_some() {
            let kind = if op.notify.is_some() {
                "notify"
            } else {
                "event"
            };
            let a = fam.msg_attrs(op, Mode::Do, Direction::Reply);
            push(kind, "notification", op.rsp_value, names(a));
        }
    }
    Value::Array(out)
}

fn print_messages(fam: &Family, msgs: &[Value]) {
    emit("messages:");
    let number = if fam.protocol.is_genetlink() {
        "cmd"
    } else {
        "type"
    };
    for m in msgs {
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
        let mut head = vec![match m.get("type").and_then(Value::as_u64) {
            Some(t) if t > 0xff => format!("{number} {t:#x}"),
            Some(t) => format!("{number} {t}"),
            None => format!("no {number}"),
        }];
        if let Some(h) = m.get("fixed-header").and_then(Value::as_str) {
            head.push(h.to_string());
        }
        if let Some(g) = m.get("group").and_then(Value::as_str) {
            head.push(format!("group {g}"));
        }
        let attrs: Vec<&str> = m["attributes"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let what = if s("direction") == "notification" {
            s("kind").to_string()
        } else {
            format!("{} {}", s("kind"), s("direction"))
        };
        emit(&format!(
            "  {} {what} ({}): {}",
            s("op"),
            head.join(", "),
            if attrs.is_empty() {
                "no attributes".to_string()
            } else {
                attrs.join(", ")
            }
        ));
    }
}

fn defs_json(fam: &Family) -> Value {
    fam.definitions
        .iter()
        .map(|d| {
            let mut o = Map::new();
            o.insert("name".into(), Value::String(d.name.clone()));
            o.insert("kind".into(), Value::String(d.kind_name().into()));
            match &d.kind {
                DefKind::Const(ConstValue::Int(n)) => {
                    o.insert("value".into(), crate::codec::scalar::number(*n));
                }
                DefKind::Const(ConstValue::Str(t)) => {
                    o.insert("value".into(), Value::String(t.clone()));
                }
                DefKind::Enum(e) => {
                    o.insert(
                        "entries".into(),
                        e.entries
                            .iter()
                            .map(|x| json!({"name": x.name, "value": e.user_value(x).to_string()}))
                            .collect(),
                    );
                }
                DefKind::Struct(s) => {
                    o.insert("size".into(), Value::from(s.size));
                    o.insert(
                        "members".into(),
                        s.members
                            .iter()
                            .map(|m| {
                                let ty = match m.ty {
                                    MemberType::Int(t) => t.as_str().to_string(),
                                    MemberType::String => "string".into(),
                                    MemberType::Pad => "pad".into(),
                                    MemberType::Binary => match m.struct_ {
                                        Some(st) => format!("struct {}", fam[st].name),
                                        None => "binary".into(),
                                    },
                                };
                                let mut mo = Map::new();
                                mo.insert("name".into(), Value::String(m.name.clone()));
                                mo.insert("type".into(), Value::String(ty));
                                mo.insert("offset".into(), Value::from(m.offset));
                                mo.insert("size".into(), Value::from(m.size));
                                if let Some(b) = byte_order(m.byte_order) {
                                    mo.insert("byte-order".into(), Value::String(b.into()));
                                }
                                if let Some(en) = m.enum_ {
                                    mo.insert("enum".into(), Value::String(fam[en].name.clone()));
                                }
                                Value::Object(mo)
                            })
                            .collect(),
                    );
                }
            }
            Value::Object(o)
        })
        .collect()
}

fn print_defs(defs: &[Value]) {
    emit("definitions:");
    for d in defs {
        let name = d["name"].as_str().unwrap_or_default();
        let kind = d["kind"].as_str().unwrap_or_default();
        match kind {
            "const" => emit(&format!("  const {name} = {}", d["value"])),
            "struct" => {
                emit(&format!("  struct {name} ({} bytes):", d["size"]));
                for m in d["members"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
                    let mut t = m["type"].as_str().unwrap_or_default().to_string();
                    if let Some(b) = m.get("byte-order").and_then(Value::as_str) {
                        t.push_str(&format!(" {b}"));
                    }
                    if let Some(e) = m.get("enum").and_then(Value::as_str) {
                        t.push_str(&format!(" enum {e}"));
                    }
                    emit(&format!(
                        "    @{:<3} {:<20} {t}",
                        m["offset"].as_u64().unwrap_or_default(),
                        m["name"].as_str().unwrap_or_default()
                    ));
                }
            }
            _ => {
                let entries: Vec<String> = d["entries"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or(&[])
                    .iter()
                    .map(|e| {
                        format!(
                            "{}={}",
                            e["name"].as_str().unwrap_or_default(),
                            e["value"].as_str().unwrap_or_default()
                        )
                    })
                    .collect();
                emit(&format!("  {kind} {name}: {}", entries.join(" ")));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_types_read_as_words() {
        let f = nlwire_schema::builtin::load("rt-link").unwrap().unwrap();
        let set = f.set("link-attrs").unwrap();
        let words = |n: &str| type_words(&attr_json(&f, set.attr(n).unwrap()));
        assert_eq!(words("ifname"), "string");
        assert_eq!(words("address"), "binary, shown as mac");
        assert!(
            words("linkinfo").starts_with("nest -> "),
            "{}",
            words("linkinfo")
        );
        assert_eq!(attr_json(&f, set.attr("mtu").unwrap())["value"], 4);
    }

    #[test]
    fn messages_of_a_netlink_raw_spec_carry_their_types_and_header() {
        let f = nlwire_schema::builtin::load("rt-addr").unwrap().unwrap();
        let m = messages_json(&f);
        let dump_req = m
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["op"] == "getaddr" && x["kind"] == "dump" && x["direction"] == "request")
            .unwrap();
        assert_eq!(dump_req["type"], 22);
        assert_eq!(dump_req["fixed-header"], "ifaddrmsg");
        let reply = m
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["op"] == "getaddr" && x["direction"] == "reply")
            .unwrap();
        assert_eq!(reply["type"], 20);
        assert!(
            reply["attributes"]
                .as_array()
                .unwrap()
                .contains(&Value::from("local"))
        );
    }
}
