//! `nlwire policy-check`: the spec against the attribute policies the running kernel
//! publishes (`CTRL_CMD_GETPOLICY`).
//!
//! For every op and mode (do, dump) of the spec that has a request, the kernel's policy
//! for that op is compared with the op's attribute set, recursing into nested policies.
//! The question asked is "does the kernel accept what the spec says may be sent?":
//!
//! * **mismatch** (exit code 1): incompatible types (spec `u32`, kernel `u16`; spec
//!   `uint`, kernel `u32`; spec `nest`, kernel `nested-array`; spec string that may be
//!   unterminated, kernel `nul-string`); an attribute the kernel's policy has and the
//!   spec's set lacks; an attribute the spec lists in the op's request that the kernel's
//!   policy lacks (the kernel rejects or ignores it); a kernel bound (value range, flag
//!   mask, length) stricter than the spec's, counting the spec's explicit `checks`, the
//!   range its `enum` implies, a struct's size and the type's own limits; an op the
//!   kernel has but publishes no policy for while the spec lists request attributes.
//! * **compatible, with a note**: `string` against `string` or `nul-string` (both take
//!   the NUL the encoder adds); a fixed-width spec integer the kernel takes as `binary`
//!   of a length that fits; `indexed-array` against `nested`; a spec stricter than the
//!   kernel; a nested set attribute the kernel does not accept in requests (reply-only);
//!   an op of the spec that this kernel does not have (a newer spec than kernel).
//! * **ok**: same type and same bounds.

use std::collections::HashSet;

use nlwire_schema::{Attr as IrAttr, AttrType, Direction, Family, IntType, Mode, Op, SetId};
use serde_json::{Value, json};

use crate::args::PolicyArgs;
use crate::error::{CliError, EXIT_FAILURE, Result};
use crate::kpolicy::{KAttr, KPolicies, OpPolicy, fetch_op};
use crate::output::emit;
use crate::specs::{resolve, search_dirs};

/// Verdict of one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Same.
    Ok,
    /// Compatible, with something worth knowing.
    Note,
    /// The kernel does not accept what the spec allows.
    Mismatch,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Note => "note",
            Verdict::Mismatch => "MISMATCH",
        }
    }
}

/// One line of the report.
#[derive(Clone, Debug)]
pub struct Row {
    /// `op mode`.
    pub op: String,
    /// Attribute path.
    pub attr: String,
    /// The kernel's side.
    pub kernel: String,
    /// The spec's side.
    pub spec: String,
    /// Verdict.
    pub verdict: Verdict,
    /// Why.
    pub detail: String,
}

/// Runs the check and prints the table (or JSON).
pub fn run(a: &PolicyArgs) -> Result<()> {
    let fam = resolve(&a.spec, &search_dirs(&a.dirs.spec_dirs))?;
    if !fam.protocol.is_genetlink() {
        return Err(CliError::usage(format!(
            "{} is a {} family; policy dumps exist only for generic netlink",
            fam.name,
            fam.protocol.as_str()
        )));
    }
    let only = match &a.op {
        Some(name) => Some(
            fam.op(name)
                .ok_or_else(|| CliError::usage(format!("spec {} has no op {name:?}", fam.name)))?,
        ),
        None => None,
    };
    let mut kernel = std::collections::BTreeMap::new();
    for op in &fam.ops.list {
        if only.is_some_and(|o| o.name != op.name) || !op.is_call() {
            continue;
        }
        if let Some(cmd) = op.req_value
            && let std::collections::btree_map::Entry::Vacant(e) = kernel.entry(cmd)
        {
            e.insert(fetch_op(&fam.name, cmd.into())?);
        }
    }
    let rows = compare(&fam, &kernel, only);
    let mismatches = rows
        .iter()
        .filter(|r| r.verdict == Verdict::Mismatch)
        .count();
    let notes = rows.iter().filter(|r| r.verdict == Verdict::Note).count();
    let compared = rows.len();
    if a.json {
        let v: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({"op": r.op, "attribute": r.attr, "kernel": r.kernel, "spec": r.spec,
                       "result": r.verdict.as_str().to_lowercase(), "detail": r.detail})
            })
            .collect();
        emit(
            &serde_json::to_string_pretty(&json!({
                "family": fam.name, "compared": compared, "mismatches": mismatches,
                "notes": notes, "rows": v
            }))
            .unwrap_or_default(),
        );
    } else {
        let shown: Vec<&Row> = rows
            .iter()
            .filter(|r| a.all || r.verdict != Verdict::Ok)
            .collect();
        print_table(&shown);
        emit(&format!(
            "{}: {compared} comparison(s), {mismatches} mismatch(es), {notes} note(s){}",
            fam.name,
            if a.all || compared == shown.len() {
                ""
            } else {
                " (--all shows the matches too)"
            }
        ));
    }
    if mismatches > 0 {
        return Err(CliError {
            message: format!(
                "{mismatches} mismatch(es) between {} and the running kernel",
                fam.name
            ),
            code: EXIT_FAILURE,
        });
    }
    Ok(())
}

fn print_table(rows: &[&Row]) {
    if rows.is_empty() {
        return;
    }
    let w = |f: &dyn Fn(&Row) -> usize, min: usize| {
        rows.iter().map(|r| f(r)).max().unwrap_or(0).max(min)
    };
    let (wo, wa, wk, ws) = (
        w(&|r| r.op.len(), 2),
        w(&|r| r.attr.len(), 9),
        w(&|r| r.kernel.len(), 6),
        w(&|r| r.spec.len(), 4),
    );
    emit(&format!(
        "{:<wo$}  {:<wa$}  {:<wk$}  {:<ws$}  RESULT",
        "OP", "ATTRIBUTE", "KERNEL", "SPEC"
    ));
    for r in rows {
        let detail = if r.detail.is_empty() {
            String::new()
        } else {
            format!(": {}", r.detail)
        };
        emit(&format!(
            "{:<wo$}  {:<wa$}  {:<wk$}  {:<ws$}  {}{detail}",
            r.op,
            r.attr,
            r.kernel,
            r.spec,
            r.verdict.as_str()
        ));
    }
}

/// Compares every op (or `only`) of `fam` with the kernel's policies of each op
/// (`None`: the kernel has no such op).
pub fn compare(
    fam: &Family,
    kernel: &std::collections::BTreeMap<u16, Option<OpPolicy>>,
    only: Option<&Op>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for op in &fam.ops.list {
        if only.is_some_and(|o| o.name != op.name) {
            continue;
        }
        let (Some(cmd), Some(set)) = (op.req_value, op.attr_set) else {
            continue;
        };
        for (mode, present, name) in [
            (Mode::Do, op.do_.is_some(), "do"),
            (Mode::Dump, op.dump.is_some(), "dump"),
        ] {
            if !present {
                continue;
            }
            let label = format!("{} {name}", op.name);
            let listed: Vec<usize> = fam
                .msg_attrs(op, mode, Direction::Request)
                .map(<[usize]>::to_vec)
                .unwrap_or_default();
            let kop = kernel.get(&cmd).and_then(Option::as_ref);
            let idx = kop.and_then(|k| match mode {
                Mode::Do => k.doit,
                Mode::Dump => k.dumpit,
            });
            match (kop, idx) {
                (Some(k), Some(idx)) => {
                    let mut c = Cmp {
                        fam,
                        kp: &k.policies,
                        rows: Vec::new(),
                        seen: HashSet::new(),
                    };
                    c.set(&label, set, idx, Some(&listed), "");
                    rows.extend(c.rows);
                }
                _ => {
                    let (verdict, detail) = if kop.is_none() {
                        (
                            Verdict::Note,
                            format!(
                                "this kernel has no op {cmd} (a newer spec, or a config option off)"
                            ),
                        )
                    } else if listed.is_empty() {
                        (
                            Verdict::Ok,
                            "no policy, and the spec sends no attributes".to_string(),
                        )
                    } else {
                        (
                            Verdict::Note,
                            format!(
                                "the kernel validates no attributes of op {cmd} {name} (no policy): its handler parses them itself or ignores them"
                            ),
                        )
                    };
                    rows.push(Row {
                        op: label,
                        attr: "-".into(),
                        kernel: "-".into(),
                        spec: format!("{} request attribute(s)", listed.len()),
                        verdict,
                        detail,
                    });
                }
            }
        }
    }
    rows
}

struct Cmp<'a> {
    fam: &'a Family,
    kp: &'a KPolicies,
    rows: Vec<Row>,
    /// Nested (set, policy) pairs already compared in this op: shared nests are reported
    /// once, and recursive sets end.
    seen: HashSet<(SetId, u32)>,
}

impl Cmp<'_> {
    fn set(&mut self, op: &str, set: SetId, idx: u32, listed: Option<&[usize]>, prefix: &str) {
        let fam = self.fam;
        let empty = Default::default();
        let kernel = self.kp.policies.get(&idx).unwrap_or(&empty);
        let join = |n: &str| {
            if prefix.is_empty() {
                n.to_string()
            } else {
                format!("{prefix}.{n}")
            }
        };
        for (ty, k) in kernel {
            match fam[set].attr_by_value(*ty) {
                None => self.rows.push(Row {
                    op: op.into(),
                    attr: join(&format!("#{ty}")),
                    kernel: k.describe(),
                    spec: "-".into(),
                    verdict: Verdict::Mismatch,
                    detail: format!(
                        "the kernel accepts attribute {ty}; set {} has no such attribute",
                        fam[set].name
                    ),
                }),
                Some(a) => self.attr(op, a, k, &join(&a.name)),
            }
        }
        let missing: Vec<&IrAttr> = match listed {
            Some(l) => l.iter().map(|&i| &fam[set].attrs[i]).collect(),
            None => fam[set].attrs.iter().collect(),
        };
        for a in missing {
            if matches!(a.ty, AttrType::Pad | AttrType::Unused) || kernel.contains_key(&a.value) {
                continue;
            }
            let (verdict, detail) = if listed.is_some() {
                (
                    Verdict::Mismatch,
                    "in the spec's request, not in the kernel's policy: the kernel rejects or ignores it",
                )
            } else {
                (
                    Verdict::Note,
                    "not in the kernel's policy: reply-only, or not accepted in requests",
                )
            };
            self.rows.push(Row {
                op: op.into(),
                attr: join(&a.name),
                kernel: "-".into(),
                spec: spec_describe(fam, a),
                verdict,
                detail: detail.into(),
            });
        }
    }

    fn attr(&mut self, op: &str, a: &IrAttr, k: &KAttr, path: &str) {
        let fam = self.fam;
        let mut verdict = Verdict::Ok;
        let mut details: Vec<String> = Vec::new();
        let mut note = |v: Verdict, d: String, verdict: &mut Verdict| {
            *verdict = (*verdict).max(v);
            details.push(d);
        };
        let (tv, td) = type_compat(a, k);
        if tv != Verdict::Ok {
            note(tv, td, &mut verdict);
        }
        if tv != Verdict::Mismatch {
            if let (Some(s), Some(kr)) = (spec_range(fam, a), k.range())
                && let Some((v, d)) = interval("value", kr, s)
            {
                note(v, d, &mut verdict);
            }
            if let Some(km) = k.mask.or(k.bitfield_mask.map(u64::from)) {
                let sm = spec_mask(fam, a);
                match sm {
                    Some(sm) if sm == km => {}
                    Some(sm) if sm & !km == 0 => note(
                        Verdict::Note,
                        format!("spec allows fewer bits ({sm:#x}) than the kernel ({km:#x})"),
                        &mut verdict,
                    ),
                    Some(sm) => note(
                        Verdict::Mismatch,
                        format!("kernel accepts only bits {km:#x}, spec allows {sm:#x}"),
                        &mut verdict,
                    ),
                    None => note(
                        Verdict::Mismatch,
                        format!("kernel accepts only bits {km:#x}, spec allows any value"),
                        &mut verdict,
                    ),
                }
            }
            if matches!(k.ty, 10..=12) {
                let kl = (
                    i128::from(k.min_len.unwrap_or(0)),
                    i128::from(k.max_len.unwrap_or(u32::MAX)),
                );
                if let Some((v, d)) = interval("length", kl, spec_len(fam, a)) {
                    note(v, d, &mut verdict);
                }
            }
        }
        self.rows.push(Row {
            op: op.into(),
            attr: path.into(),
            kernel: k.describe(),
            spec: spec_describe(fam, a),
            verdict,
            detail: details.join("; "),
        });
        let nested = match a.ty {
            AttrType::Nest | AttrType::NestTypeValue => a.nested,
            AttrType::IndexedArray if a.sub_type.is_none_or(|t| t == AttrType::Nest) => a.nested,
            _ => None,
        };
        if let (Some(set), Some(idx)) = (nested, k.policy_idx)
            && self.seen.insert((set, idx))
        {
            let p = if a.ty == AttrType::IndexedArray {
                format!("{path}[]")
            } else {
                path.to_string()
            };
            self.set(op, set, idx, None, &p);
        }
    }
}

/// Type compatibility and why.
fn type_compat(a: &IrAttr, k: &KAttr) -> (Verdict, String) {
    use Verdict::*;
    let int_code = |t: IntType| match t {
        IntType::U8 => 2,
        IntType::U16 => 3,
        IntType::U32 => 4,
        IntType::U64 => 5,
        IntType::S8 => 6,
        IntType::S16 => 7,
        IntType::S32 => 8,
        IntType::S64 => 9,
    };
    let kt = k.type_name();
    match (a.ty, k.ty) {
        (AttrType::Flag, 1) | (AttrType::Uint, 17) | (AttrType::Sint, 16) => (Ok, String::new()),
        (AttrType::Int(t), n) if n == int_code(t) => (Ok, String::new()),
        (AttrType::Int(t), 10) => {
            let w = t.width();
            if k.min_len.unwrap_or(0) <= w && k.max_len.unwrap_or(u32::MAX) >= w {
                (
                    Note,
                    format!("the kernel takes this {} as binary", t.as_str()),
                )
            } else {
                (
                    Mismatch,
                    format!("the kernel takes binary of a length that excludes {w}"),
                )
            }
        }
        (AttrType::String, 11) => (Ok, String::new()),
        (AttrType::String, 12) if a.checks.unterminated_ok => (
            Mismatch,
            "spec allows an unterminated string, the kernel requires the NUL".into(),
        ),
        (AttrType::String, 12) => (Ok, String::new()),
        (AttrType::String, 10) => (Note, "the kernel takes this string as binary".into()),
        (AttrType::Binary, 10) => (Ok, String::new()),
        (AttrType::Binary, 11 | 12) => (Note, format!("the kernel takes this binary as {kt}")),
        (AttrType::Bitfield32, 15) => (Ok, String::new()),
        (AttrType::Nest, 13) | (AttrType::IndexedArray, 14) | (AttrType::SubMessage, 13) => {
            (Ok, String::new())
        }
        (AttrType::IndexedArray | AttrType::NestTypeValue, 13) => (
            Note,
            "the kernel takes it as a plain nest and parses the entries itself".into(),
        ),
        _ => (
            Mismatch,
            format!("spec type {}, kernel type {kt}", a.ty.as_str()),
        ),
    }
}

/// Compares a kernel interval with the spec's: `None` when equal.
fn interval(what: &str, k: (i128, i128), s: (i128, i128)) -> Option<(Verdict, String)> {
    if k == s {
        return None;
    }
    let show = |(a, b): (i128, i128)| {
        if what == "length" && b >= i128::from(u32::MAX) {
            format!("{a}.. (unbounded)")
        } else {
            format!("{a}..{b}")
        }
    };
    if k.0 <= s.0 && k.1 >= s.1 {
        Some((
            Verdict::Note,
            format!(
                "spec {what} {} is stricter than the kernel's {}",
                show(s),
                show(k)
            ),
        ))
    } else {
        Some((
            Verdict::Mismatch,
            format!("kernel accepts {what} {}, spec allows {}", show(k), show(s)),
        ))
    }
}

/// The values the spec allows for an integer attribute: its `checks`, else its enum's
/// range (as the kernel's policy generator derives it), else the type's.
fn spec_range(fam: &Family, a: &IrAttr) -> Option<(i128, i128)> {
    let (lo, hi) = match a.ty {
        AttrType::Int(t) => t.bounds(),
        AttrType::Uint => (0, u64::MAX.into()),
        AttrType::Sint => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    };
    let en = a
        .enum_
        .and_then(|d| fam[d].as_enum())
        .filter(|e| !e.flags && !a.enum_as_flags);
    let er = en.and_then(|e| {
        let (min, max) = e.range()?;
        // A sparse enum gets a validate function, not a range.
        (i128::from(max - min) + 1 == e.entries.len() as i128)
            .then_some((i128::from(min), i128::from(max)))
    });
    let min = a.checks.min.or(er.map(|r| r.0)).unwrap_or(lo);
    let max = a.checks.max.or(er.map(|r| r.1)).unwrap_or(hi);
    Some((min, max))
}

/// The bits the spec allows, when it says.
fn spec_mask(fam: &Family, a: &IrAttr) -> Option<u64> {
    if let Some(m) = a.checks.flags_mask.and_then(|d| fam[d].as_enum()) {
        return Some(m.mask());
    }
    let e = a.enum_.and_then(|d| fam[d].as_enum())?;
    (e.flags || a.enum_as_flags || a.ty == AttrType::Bitfield32).then(|| e.mask())
}

/// The payload lengths the spec allows for a string or binary.
fn spec_len(fam: &Family, a: &IrAttr) -> (i128, i128) {
    let c = &a.checks;
    if let Some(e) = c.exact_len {
        return (e.into(), e.into());
    }
    let implied = a
        .struct_
        .and_then(|d| fam[d].as_struct())
        .map(|s| i128::from(s.size));
    let min = c.min_len.map(i128::from).or(implied).unwrap_or(0);
    let max = c
        .max_len
        .map(i128::from)
        .or(implied)
        .unwrap_or(u32::MAX.into());
    (min, max)
}

/// The spec's side in the table: `u32 1..4294967295`, `string len ..15`.
fn spec_describe(fam: &Family, a: &IrAttr) -> String {
    let mut s = a.ty.as_str().to_string();
    if let Some((lo, hi)) = spec_range(fam, a) {
        s.push_str(&format!(" {lo}..{hi}"));
    }
    if let Some(m) = spec_mask(fam, a) {
        s.push_str(&format!(" mask {m:#x}"));
    }
    if matches!(a.ty, AttrType::String | AttrType::Binary) {
        let (lo, hi) = spec_len(fam, a);
        if lo != 0 || hi != i128::from(u32::MAX) {
            s.push_str(&format!(
                " len {lo}..{}",
                if hi == i128::from(u32::MAX) {
                    String::new()
                } else {
                    hi.to_string()
                }
            ));
        }
    }
    s
}
