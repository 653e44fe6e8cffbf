//! Run-time decoder: attributes to JSON, driven by the schema IR.
//!
//! Names come from the IR; enums print by name, flags as lists of names, structs by
//! member, binary as hex (or per its display hint). Attributes the schema does not know
//! appear as `"#<type>"` entries (a raw TLV tree when flagged nested, hex otherwise).
//! Nothing here panics on bad input: a malformed attribute becomes
//! `{"!malformed": "<problem>", "raw": "<hex>"}` under its name and the problem, with
//! its attribute path, is collected in [`Decoder::problems`]. What makes an attribute
//! malformed is the codec's policy check of it ([`super::policy::check`]), the one the
//! generated code makes.

use std::collections::HashSet;

use nlwire::{AttrPath, Attrs, Error as WireError, Limits};
use nlwire_schema::{Attr as IrAttr, AttrType, Family, IntType, SetId};
use serde_json::{Map, Value};

use super::raw::raw_tree;
use super::scalar::{int_to_json, read_int, read_var};
use super::structs::{decode_struct, format_int_hint};
use super::text::{format_hint, hex};
use super::{Problem, join_index, join_path, wire_message};

/// Decodes attributes of one family; collects the problems it meets.
pub struct Decoder<'f> {
    fam: &'f Family,
    /// Problems found so far, in wire order.
    pub problems: Vec<Problem>,
    max_depth: usize,
}

/// The decoded attribute sets around the one being decoded, innermost first: where a
/// sub-message looks up its selector.
#[derive(Clone, Copy)]
struct Scope<'s> {
    set: Option<SetId>,
    map: &'s Map<String, Value>,
    outer: Option<&'s Scope<'s>>,
}

impl<'s> Scope<'s> {
    fn lookup(&self, fam: &Family, name: &str) -> Option<&'s Value> {
        let mut s = Some(self);
        while let Some(sc) = s {
            let known = sc.set.is_some_and(|id| fam[id].attr(name).is_some());
            if known && let Some(v) = sc.map.get(name) {
                return Some(v);
            }
            s = sc.outer;
        }
        None
    }
}

impl<'f> Decoder<'f> {
    /// A decoder for `fam` with the codec's default nesting limit.
    pub fn new(fam: &'f Family) -> Self {
        Decoder {
            fam,
            problems: Vec::new(),
            max_depth: Limits::DEFAULT.depth(),
        }
    }

    /// Decodes the attributes in `bytes` as set `set` (raw TLVs when `None`); `path`
    /// names where they sit, for problem reports.
    pub fn decode_attrs(
        &mut self,
        set: Option<SetId>,
        bytes: &[u8],
        path: &str,
    ) -> Map<String, Value> {
        self.decode_set(set, bytes, path, None, 1)
    }

    fn problem(&mut self, path: &str, message: String) {
        self.problems.push(Problem {
            path: if path.is_empty() {
                "<top>".into()
            } else {
                path.to_string()
            },
            message,
        });
    }

    fn decode_set(
        &mut self,
        set: Option<SetId>,
        bytes: &[u8],
        path: &str,
        outer: Option<&Scope<'_>>,
        depth: usize,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        let mut repeated = HashSet::new();
        if depth > self.max_depth {
            let e = WireError::TooDeep {
                path: AttrPath::root(),
                limit: self.max_depth,
            };
            self.problem(path, wire_message(&e));
            out.insert("!malformed".into(), Value::String(wire_message(&e)));
            return out;
        }
        let Some(set_id) = set else {
            let (tree, problems) = raw_tree(bytes, path, depth, self.max_depth);
            self.problems.extend(problems);
            return tree;
        };
        for a in Attrs::new(bytes) {
            let w = match a {
                Ok(w) => w,
                Err(e) => {
                    self.problem(path, wire_message(&e));
                    out.insert("!malformed".into(), Value::String(wire_message(&e)));
                    break;
                }
            };
            let fam = self.fam;
            let Some(ir) = fam[set_id].attr_by_value(w.ty()) else {
                let key = format!("#{}", w.ty());
                let p = join_path(path, &key);
                let v = if w.is_nested_flagged() {
                    let (tree, problems) = raw_tree(w.payload(), &p, depth + 1, self.max_depth);
                    self.problems.extend(problems);
                    Value::Object(tree)
                } else {
                    Value::String(hex(w.payload()))
                };
                add(&mut out, &mut repeated, key, v, false);
                continue;
            };
            if ir.ty == AttrType::Pad {
                continue;
            }
            let p = join_path(path, &ir.name);
            let scope = Scope {
                set,
                map: &out,
                outer,
            };
            let v = match self.decode_attr(ir, &w, &p, &scope, depth) {
                Ok(v) => v,
                Err(msg) => {
                    self.problem(&p, msg.clone());
                    malformed(msg, w.payload())
                }
            };
            add(&mut out, &mut repeated, ir.name.clone(), v, ir.multi);
        }
        out
    }

    fn decode_attr(
        &mut self,
        ir: &IrAttr,
        w: &nlwire::Attr<'_>,
        path: &str,
        scope: &Scope<'_>,
        depth: usize,
    ) -> Result<Value, String> {
        let fam = self.fam;
        let b = w.payload();
        super::policy::check(fam, ir, b)?;
        Ok(match ir.ty {
            AttrType::Unused | AttrType::Pad => Value::String(hex(b)),
            AttrType::Flag => Value::Bool(true),
            AttrType::Int(t) => {
                let n = read_int(t, ir.byte_order, b)
                    .ok_or_else(|| bad_len(b.len(), t.width(), t.width()))?;
                self.int_value(ir, b, n)
            }
            AttrType::Uint | AttrType::Sint => {
                let n = read_var(ir.ty == AttrType::Sint, ir.byte_order, b)
                    .ok_or_else(|| bad_len(b.len(), 4, 8))?;
                self.int_value(ir, b, n)
            }
            AttrType::String => Value::String(string(b)?),
            AttrType::Binary => self.binary(ir, b)?,
            AttrType::Bitfield32 => {
                let word = |r: std::ops::Range<usize>| {
                    b.get(r)
                        .and_then(|w| read_int(IntType::U32, ir.byte_order, w))
                        .unwrap_or_default()
                };
                let (value, selector) = (word(0..4), word(4..8));
                let mut o = Map::new();
                o.insert("value".into(), int_to_json(fam, ir.enum_, true, value));
                o.insert(
                    "selector".into(),
                    int_to_json(fam, ir.enum_, true, selector),
                );
                Value::Object(o)
            }
            AttrType::Nest => {
                Value::Object(self.decode_set(ir.nested, b, path, Some(scope), depth + 1))
            }
            AttrType::IndexedArray => self.indexed_array(ir, b, path, scope, depth)?,
            AttrType::NestTypeValue => self.nest_type_value(ir, b, path, scope, depth)?,
            AttrType::SubMessage => self.sub_message(ir, b, path, scope, depth)?,
        })
    }

    fn int_value(&self, ir: &IrAttr, wire: &[u8], n: i128) -> Value {
        if let Some(s) = ir.display_hint.and_then(|h| format_int_hint(h, wire, n)) {
            return Value::String(s);
        }
        int_to_json(self.fam, ir.enum_, ir.enum_as_flags, n)
    }

    fn binary(&self, ir: &IrAttr, b: &[u8]) -> Result<Value, String> {
        if let Some(def) = ir.struct_array() {
            let size = self.fam[def].as_struct().map_or(0, |s| s.size as usize);
            if size == 0 || !b.len().is_multiple_of(size) {
                return Err(format!(
                    "length {}, expected a multiple of {size} (array of {})",
                    b.len(),
                    self.fam[def].name
                ));
            }
            let mut items = Vec::with_capacity(b.len() / size);
            for chunk in b.chunks(size) {
                let mut o = Map::new();
                decode_struct(self.fam, def, chunk, &mut o)?;
                items.push(Value::Object(o));
            }
            return Ok(Value::Array(items));
        }
        if let Some(def) = ir.struct_ {
            let mut o = Map::new();
            decode_struct(self.fam, def, b, &mut o)?;
            return Ok(Value::Object(o));
        }
        if let Some(AttrType::Int(t)) = ir.sub_type {
            let w = t.width() as usize;
            if !b.len().is_multiple_of(w) {
                return Err(format!(
                    "length {}, expected a multiple of {w} ({} array)",
                    b.len(),
                    t.as_str()
                ));
            }
            return Ok(Value::Array(
                b.chunks(w)
                    .map(|c| {
                        let n = read_int(t, ir.byte_order, c).unwrap_or_default();
                        int_to_json(self.fam, ir.enum_, ir.enum_as_flags, n)
                    })
                    .collect(),
            ));
        }
        Ok(Value::String(
            ir.display_hint
                .and_then(|h| format_hint(h, b))
                .unwrap_or_else(|| hex(b)),
        ))
    }

    fn indexed_array(
        &mut self,
        ir: &IrAttr,
        b: &[u8],
        path: &str,
        scope: &Scope<'_>,
        depth: usize,
    ) -> Result<Value, String> {
        let mut items = Vec::new();
        for (i, e) in Attrs::new(b).enumerate() {
            let e = e.map_err(|e| wire_message(&e))?;
            let p = join_index(path, i);
            let v = match ir.sub_type {
                Some(AttrType::Nest) | None => Value::Object(self.decode_set(
                    ir.nested,
                    e.payload(),
                    &p,
                    Some(scope),
                    depth + 1,
                )),
                Some(sub) => {
                    let elem = IrAttr {
                        ty: sub,
                        sub_type: None,
                        multi: false,
                        ..ir.clone()
                    };
                    match self.decode_attr(&elem, &e, &p, scope, depth + 1) {
                        Ok(v) => v,
                        Err(msg) => {
                            self.problem(&p, msg.clone());
                            malformed(msg, e.payload())
                        }
                    }
                }
            };
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    /// nlctrl's policy dump shape: `[type-value[0] [type-value[1] [... attrs]]]`, decoded
    /// into `{<type-value[0]>: n, <type-value[1]>: m, ...attrs}`; several entries give a list.
    fn nest_type_value(
        &mut self,
        ir: &IrAttr,
        b: &[u8],
        path: &str,
        scope: &Scope<'_>,
        depth: usize,
    ) -> Result<Value, String> {
        let mut entries = Vec::new();
        self.ntv_level(ir, b, path, scope, depth, 0, &mut Map::new(), &mut entries)?;
        Ok(if entries.len() == 1 {
            entries.pop().unwrap_or_default()
        } else {
            Value::Array(entries)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn ntv_level(
        &mut self,
        ir: &IrAttr,
        b: &[u8],
        path: &str,
        scope: &Scope<'_>,
        depth: usize,
        level: usize,
        prefix: &mut Map<String, Value>,
        entries: &mut Vec<Value>,
    ) -> Result<(), String> {
        if level == ir.type_value.len() {
            let mut o = prefix.clone();
            o.extend(self.decode_set(ir.nested, b, path, Some(scope), depth + 1));
            entries.push(Value::Object(o));
            return Ok(());
        }
        if depth + level > self.max_depth {
            return Err(wire_message(&WireError::TooDeep {
                path: AttrPath::root(),
                limit: self.max_depth,
            }));
        }
        for e in Attrs::new(b) {
            let e = e.map_err(|e| wire_message(&e))?;
            prefix.insert(ir.type_value[level].clone(), Value::from(e.ty()));
            let p = join_index(path, e.ty() as usize);
            self.ntv_level(
                ir,
                e.payload(),
                &p,
                scope,
                depth,
                level + 1,
                prefix,
                entries,
            )?;
        }
        prefix.shift_remove(&ir.type_value[level]);
        Ok(())
    }

    fn sub_message(
        &mut self,
        ir: &IrAttr,
        b: &[u8],
        path: &str,
        scope: &Scope<'_>,
        depth: usize,
    ) -> Result<Value, String> {
        let fam = self.fam;
        let (Some(sm), Some(sel)) = (ir.sub_message, ir.selector.as_deref()) else {
            return Err("sub-message without a sub-message or selector in the schema".into());
        };
        let Some(sel_value) = scope.lookup(fam, sel) else {
            return Err(format!(
                "selector {sel:?} was not seen before this attribute"
            ));
        };
        let key = match sel_value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let Some(format) = fam[sm].format(&key) else {
            // A format the schema does not list: show the bytes, not an error.
            return Ok(Value::String(hex(b)));
        };
        let mut o = Map::new();
        let mut rest = b;
        if let Some(h) = format.fixed_header {
            let size = fam[h].as_struct().map_or(0, |s| s.size as usize);
            decode_struct(fam, h, b, &mut o)?;
            rest = b.get(size..).unwrap_or(&[]);
        }
        if let Some(set) = format.attr_set {
            o.extend(self.decode_set(Some(set), rest, path, Some(scope), depth + 1));
        } else if !rest.is_empty() && format.fixed_header.is_none() {
            return Ok(Value::String(hex(b)));
        }
        Ok(Value::Object(o))
    }
}

/// Adds a decoded value: multi-attr values (and repeats of any attribute) become a list.
/// `repeated` holds the keys of single attributes already turned into a list of their
/// repeats: a value that is itself a list (an array attribute) is not mistaken for one.
fn add(
    out: &mut Map<String, Value>,
    repeated: &mut HashSet<String>,
    key: String,
    v: Value,
    multi: bool,
) {
    match out.get_mut(&key) {
        Some(Value::Array(items)) if multi || repeated.contains(&key) => items.push(v),
        // A repeated single attribute: keep every value rather than drop one.
        Some(prev) => {
            let old = std::mem::take(prev);
            *prev = Value::Array(vec![old, v]);
            repeated.insert(key);
        }
        None if multi => {
            out.insert(key, Value::Array(vec![v]));
        }
        None => {
            out.insert(key, v);
        }
    }
}

/// The entry shown for an attribute that could not be decoded.
pub fn malformed(message: String, payload: &[u8]) -> Value {
    let mut o = Map::new();
    o.insert("!malformed".into(), Value::String(message));
    o.insert("raw".into(), Value::String(hex(payload)));
    Value::Object(o)
}

fn bad_len(len: usize, min: u32, max: u32) -> String {
    wire_message(&WireError::BadLength {
        path: AttrPath::root(),
        len,
        min: min as usize,
        max: max as usize,
    })
}

/// The text of a string payload the policy check passed: up to its first NUL, UTF-8.
fn string(b: &[u8]) -> Result<String, String> {
    nlwire::Attr::new(0, b)
        .get_str_lossy_end()
        .map(str::to_string)
        .map_err(|e| wire_message(&e))
}
