//! `nlwire policy-check`: the spec against the attribute policies the running kernel
//! publishes (`CTRL_CMD_GETPOLICY`, asked op by op).
//!
//! For every op and mode (do, dump) of the spec that has a request, the kernel's policy
//! for that op is compared with the op's attribute set, recursing into nested policies.
//! The question asked is "does the kernel accept what the spec says may be sent?":
//!
//! * **mismatch** (exit code 1): incompatible types (spec `u32`, kernel `u16`; spec
//!   `uint`, kernel `u32`; spec `nest`, kernel `nested-array`; spec string that may be
//!   unterminated, kernel `nul-string`); an attribute the kernel's policy has and the
//!   spec's set lacks; an attribute the spec lists in the op's request that the kernel's
//!   policy lacks (the kernel rejects or ignores it); a bound the spec *states* (its
//!   `checks`, the range its `enum` implies as the kernel's policy generator derives it,
//!   a flags mask, a struct's size) that the kernel is stricter than.
//! * **note**, compatible: `string` against `string` or `nul-string` (the encoder adds
//!   the NUL); a fixed-width spec integer the kernel takes as `binary` of a fitting
//!   length; `indexed-array` against `nested`; a spec stricter than the kernel; a bound
//!   the kernel enforces where the spec states none (a `u32` with a range check, a
//!   string with a maximum length; `--strict` makes these mismatches, for schemas meant
//!   to describe the kernel fully); a nested attribute the kernel does not accept in
//!   requests (reply-only); an op this kernel does not have; an op whose attributes the
//!   kernel does not validate (no policy: legacy handlers parse them themselves).
//! * **ok**: same type and the same bounds.

use std::collections::HashSet;

use nlwire_schema::{Attr as IrAttr, AttrType, Direction, Family, IntType, Mode, Op, SetId};
use serde_json::{Value, json};

use crate::args::PolicyArgs;
use crate::error::{CliError, EXIT_FAILURE, Result};
use crate::kpolicy::{KPolicies, OpPolicy, describe, fetch_op};
use crate::output::emit;
use crate::specs::{resolve, search_dirs};
use nlwire::ReportedPolicy;

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
    a.out.stray.check()?;
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
    let rows = compare(&fam, &kernel, only, a.strict);
    let mismatches = rows
        .iter()
        .filter(|r| r.verdict == Verdict::Mismatch)
        .count();
    let notes = rows.iter().filter(|r| r.verdict == Verdict::Note).count();
    let compared = rows.len();
    if a.out.json() {
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
    strict: bool,
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
                        strict,
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
    /// A bound the kernel enforces and the spec does not state is a mismatch.
    strict: bool,
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
                    kernel: describe(k),
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

    fn attr(&mut self, op: &str, a: &IrAttr, k: &ReportedPolicy, path: &str) {
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
            let unstated = if self.strict {
                Verdict::Mismatch
            } else {
                Verdict::Note
            };
            let b = spec_bounds(fam, a);
            if let Some(km) = k.mask.or(k.bitfield32_mask.map(u64::from)) {
                match b.mask {
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
                        unstated,
                        format!("kernel accepts only bits {km:#x}; the spec states no mask"),
                        &mut verdict,
                    ),
                }
            }
            if let (Some((kmin, kmax)), Some((tmin, tmax))) = (k.range(), b.type_range) {
                // A mask stated without a range bounds the value by the mask.
                let smax = b.max.or(b
                    .mask
                    .filter(|_| b.min.is_none() && b.max.is_none())
                    .map(i128::from));
                for (v, d) in [
                    side("value", "min", kmin, b.min, tmin, unstated),
                    side("value", "max", kmax, smax, tmax, unstated),
                ]
                .into_iter()
                .flatten()
                {
                    note(v, d, &mut verdict);
                }
            }
            if matches!(k.kind, 10..=12) {
                for (v, d) in [
                    side(
                        "length",
                        "min",
                        k.min_len.unwrap_or(0).into(),
                        b.min_len,
                        0,
                        unstated,
                    ),
                    side(
                        "length",
                        "max",
                        k.max_len.map_or(UNBOUNDED, i128::from),
                        b.max_len,
                        UNBOUNDED,
                        unstated,
                    ),
                ]
                .into_iter()
                .flatten()
                {
                    note(v, d, &mut verdict);
                }
            }
        }
        self.rows.push(Row {
            op: op.into(),
            attr: path.into(),
            kernel: describe(k),
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
fn type_compat(a: &IrAttr, k: &ReportedPolicy) -> (Verdict, String) {
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
    let kt = k.kind_name();
    match (a.ty, k.kind) {
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

/// No length bound.
const UNBOUNDED: i128 = u32::MAX as i128 + 1;

/// Compares one side of a bound. `stated` is the spec's own bound on that side (explicit
/// `checks`, its enum's range, its struct's size), `natural` the limit of the type.
/// `None` when they agree.
fn side(
    what: &str,
    which: &str,
    kernel: i128,
    stated: Option<i128>,
    natural: i128,
    unstated: Verdict,
) -> Option<(Verdict, String)> {
    let stricter = |k: i128, s: i128| if which == "min" { k > s } else { k < s };
    let show = |v: i128| {
        if v >= UNBOUNDED {
            "unbounded".to_string()
        } else {
            v.to_string()
        }
    };
    let word = if which == "min" { "from" } else { "up to" };
    match stated {
        Some(s) if s == kernel => None,
        Some(s) if stricter(kernel, s) => Some((
            Verdict::Mismatch,
            format!(
                "kernel accepts {what} {word} {}, the spec {word} {}",
                show(kernel),
                show(s)
            ),
        )),
        Some(s) => Some((
            Verdict::Note,
            format!(
                "the spec's {which} {what} {} is stricter than the kernel's {}",
                show(s),
                show(kernel)
            ),
        )),
        None if kernel == natural || !stricter(kernel, natural) => None,
        None => Some((
            unstated,
            format!(
                "kernel accepts {what} {word} {}; the spec states no bound",
                show(kernel)
            ),
        )),
    }
}

/// What the spec says about an attribute's values and lengths; `None` where it says
/// nothing (the type's own limits then apply).
#[derive(Clone, Copy, Debug, Default)]
struct Bounds {
    /// The integer type's own range.
    type_range: Option<(i128, i128)>,
    min: Option<i128>,
    max: Option<i128>,
    mask: Option<u64>,
    min_len: Option<i128>,
    max_len: Option<i128>,
}

/// The spec's bounds: explicit `checks` first; else an enum's range (as the kernel's
/// policy generator derives it; a sparse enum gets no range), a flags enum's mask, a
/// struct's size.
fn spec_bounds(fam: &Family, a: &IrAttr) -> Bounds {
    let type_range = match a.ty {
        AttrType::Int(t) => Some(t.bounds()),
        AttrType::Uint => Some((0, u64::MAX.into())),
        AttrType::Sint => Some((i64::MIN.into(), i64::MAX.into())),
        _ => None,
    };
    let en = a.enum_.and_then(|d| fam[d].as_enum());
    let flags = en.filter(|e| e.flags || a.enum_as_flags || a.ty == AttrType::Bitfield32);
    let plain = en.filter(|e| !e.flags && !a.enum_as_flags && type_range.is_some());
    let enum_range = plain.and_then(|e| {
        let (min, max) = e.range()?;
        (i128::from(max - min) + 1 == e.entries.len() as i128)
            .then_some((i128::from(min), i128::from(max)))
    });
    let mask = a
        .checks
        .flags_mask
        .and_then(|d| fam[d].as_enum())
        .or(flags)
        .map(|e| e.mask());
    let c = &a.checks;
    let implied_len = a
        .struct_
        .and_then(|d| fam[d].as_struct())
        .map(|s| i128::from(s.size));
    // An array of structs holds one or more: the struct's size is only the minimum.
    let implied_max = implied_len.filter(|_| a.struct_array().is_none());
    Bounds {
        type_range,
        min: c.min.or(enum_range.map(|r| r.0)),
        max: c.max.or(enum_range.map(|r| r.1)),
        mask,
        min_len: c
            .exact_len
            .map(i128::from)
            .or(c.min_len.map(i128::from))
            .or(implied_len),
        max_len: c
            .exact_len
            .map(i128::from)
            .or(c.max_len.map(i128::from))
            .or(implied_max),
    }
}

/// The spec's side in the table: `u32 1..4294967295`, `string len ..15`.
fn spec_describe(fam: &Family, a: &IrAttr) -> String {
    let b = spec_bounds(fam, a);
    let mut s = a.ty.as_str().to_string();
    if let Some((lo, hi)) = b.type_range {
        s.push_str(&format!(
            " {}..{}",
            b.min.unwrap_or(lo),
            b.max.unwrap_or(hi)
        ));
    }
    if let Some(m) = b.mask {
        s.push_str(&format!(" mask {m:#x}"));
    }
    if b.min_len.is_some() || b.max_len.is_some() {
        s.push_str(&format!(
            " len {}..{}",
            b.min_len.map(|v| v.to_string()).unwrap_or_default(),
            b.max_len.map(|v| v.to_string()).unwrap_or_default()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn kattr(ty: u32) -> ReportedPolicy {
        ReportedPolicy {
            kind: ty,
            ..ReportedPolicy::default()
        }
    }

    /// Verdict and detail per attribute for a made-up family against made-up policies.
    fn check(strict: bool) -> BTreeMap<String, (Verdict, String)> {
        let spec = r#"
name: demo
doc: x
definitions:
  - {name: mode, type: enum, entries: [off, on, auto]}
attribute-sets:
  - name: main
    attributes:
      - {name: id, type: u32, checks: {min: 1}}
      - {name: mode, type: u32, enum: mode}
      - {name: name, type: string}
      - {name: size, type: u32}
      - {name: wide, type: uint}
      - {name: blob, type: binary, checks: {max-len: 8}}
      - {name: gone, type: u8}
operations:
  list:
    - {name: set, doc: x, attribute-set: main, do: {request: {attributes: [id, mode, name, size, wide, blob, gone]}}}
"#;
        let fam = nlwire_schema::load_str(spec, "demo.yaml").unwrap();
        let mut p = KPolicies::default();
        let mut attrs = BTreeMap::new();
        attrs.insert(
            1,
            ReportedPolicy {
                min_u: Some(1),
                max_u: Some(u32::MAX.into()),
                ..kattr(4)
            },
        ); // ok
        attrs.insert(
            2,
            ReportedPolicy {
                min_u: Some(0),
                max_u: Some(1),
                ..kattr(4)
            },
        ); // enum says 0..2
        attrs.insert(
            3,
            ReportedPolicy {
                max_len: Some(15),
                ..kattr(12)
            },
        ); // unstated length
        attrs.insert(
            4,
            ReportedPolicy {
                min_u: Some(0),
                max_u: Some(100),
                ..kattr(4)
            },
        ); // unstated range
        attrs.insert(5, kattr(4)); // uint vs u32
        attrs.insert(
            6,
            ReportedPolicy {
                max_len: Some(16),
                ..kattr(10)
            },
        ); // spec stricter
        attrs.insert(9, kattr(2)); // unknown to the spec
        p.policies.insert(0, attrs);
        let mut kernel = BTreeMap::new();
        kernel.insert(
            1u16,
            Some(OpPolicy {
                doit: Some(0),
                dumpit: None,
                policies: p,
            }),
        );
        compare(&fam, &kernel, None, strict)
            .into_iter()
            .map(|r| (r.attr, (r.verdict, r.detail)))
            .collect()
    }

    #[test]
    fn verdicts_follow_the_documented_rules() {
        let r = check(false);
        assert_eq!(r["id"].0, Verdict::Ok);
        assert_eq!(
            r["mode"],
            (
                Verdict::Mismatch,
                "kernel accepts value up to 1, the spec up to 2".into()
            )
        );
        assert_eq!(
            r["name"],
            (
                Verdict::Note,
                "kernel accepts length up to 15; the spec states no bound".into()
            )
        );
        assert_eq!(r["size"].0, Verdict::Note);
        assert_eq!(
            r["wide"],
            (Verdict::Mismatch, "spec type uint, kernel type u32".into())
        );
        assert_eq!(r["blob"].0, Verdict::Note, "{:?}", r["blob"]);
        assert!(r["blob"].1.contains("stricter than the kernel's 16"));
        assert_eq!(
            r["gone"].0,
            Verdict::Mismatch,
            "in the request, not in the policy"
        );
        assert_eq!(
            r["#9"].0,
            Verdict::Mismatch,
            "in the policy, not in the spec"
        );
        let strict = check(true);
        assert_eq!(strict["name"].0, Verdict::Mismatch);
        assert_eq!(strict["size"].0, Verdict::Mismatch);
        assert_eq!(strict["blob"].0, Verdict::Note);
    }
}
