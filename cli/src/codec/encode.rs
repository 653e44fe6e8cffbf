//! Run-time encoder: a JSON object to netlink attributes, driven by the schema IR.
//!
//! Accepted forms: numbers or numeric strings for integers, enum entry names, flag
//! names or lists of them, `true` for flags, strings, hex strings for binary (or the
//! display-hint form: `"10.0.0.1"`, `"00:11:22:33:44:55"`), objects for nests and
//! structs, arrays for multi-attr and indexed arrays, `{"value":..,"selector":..}` for
//! bitfield32, and for a sub-message an object in the format its selector picks.
//! `"#<type>": "<hex>"` sends a raw attribute the schema does not know.
//!
//! The encoder checks only what it must to produce bytes (an integer that does not fit
//! its type, an unknown name); the kernel's policy is the authority on the rest, so a
//! request the kernel will reject can still be sent and its ext-ack seen.
//! Nests carry `NLA_F_NESTED` where [`nlwire_schema::rules::NestedFlags`] says, the rule
//! the generated code follows, so both write the same bytes.
//! Every attribute written is recorded as a [`Span`], so an ext-ack offset maps back to
//! the attribute path.

use nlwire::MsgBuf;
use nlwire_schema::rules::{NestedFlags, indexed_entry_type};
use nlwire_schema::{Attr as IrAttr, AttrType, Family, IntType, SetId};
use serde_json::{Map, Value};

use super::scalar::{check_range, json_to_int, write_int};
use super::structs::encode_struct;
use super::text::{parse_hex, parse_hint};
use super::{join_index, join_path};

/// Where one attribute sits in the built message (offsets from the `nlmsghdr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Offset of its `nlattr` header.
    pub start: usize,
    /// Offset just past its payload (padding excluded).
    pub end: usize,
    /// Its path with schema names.
    pub path: String,
    /// The attribute set of its payload, when it is a nest.
    pub set: Option<SetId>,
}

/// A request that cannot be encoded, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodeError {
    /// Path of the offending key (`<top>` for the request object itself).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

type Res<T> = Result<T, EncodeError>;

fn err<T>(path: &str, message: impl Into<String>) -> Res<T> {
    Err(EncodeError {
        path: if path.is_empty() {
            "<top>".into()
        } else {
            path.into()
        },
        message: message.into(),
    })
}

/// The JSON objects around the one being encoded, innermost first: where a
/// sub-message finds its selector.
#[derive(Clone, Copy)]
struct Scope<'s> {
    set: SetId,
    obj: &'s Map<String, Value>,
    outer: Option<&'s Scope<'s>>,
}

impl<'s> Scope<'s> {
    fn lookup(&self, fam: &Family, name: &str) -> Option<&'s Value> {
        let mut s = Some(self);
        while let Some(sc) = s {
            if fam[sc.set].attr(name).is_some()
                && let Some(v) = sc.obj.get(name)
            {
                return Some(v);
            }
            s = sc.outer;
        }
        None
    }
}

/// Writes attributes into a [`MsgBuf`] and records their spans.
pub struct Encoder<'f, 'b> {
    fam: &'f Family,
    flags: NestedFlags,
    buf: &'b mut MsgBuf<'static>,
    /// Every attribute written, outer before inner.
    pub spans: Vec<Span>,
}

impl<'f, 'b> Encoder<'f, 'b> {
    /// An encoder appending to `buf`.
    pub fn new(fam: &'f Family, buf: &'b mut MsgBuf<'static>) -> Self {
        Encoder {
            fam,
            flags: NestedFlags::new(fam),
            buf,
            spans: Vec::new(),
        }
    }

    /// Encodes the keys of `obj` as attributes of `set`, skipping keys for which
    /// `skip` is true (fixed-header members).
    pub fn encode_set(
        &mut self,
        set: SetId,
        obj: &Map<String, Value>,
        path: &str,
        skip: &dyn Fn(&str) -> bool,
    ) -> Res<()> {
        self.set(set, obj, path, skip, None)
    }

    fn set(
        &mut self,
        set: SetId,
        obj: &Map<String, Value>,
        path: &str,
        skip: &dyn Fn(&str) -> bool,
        outer: Option<&Scope<'_>>,
    ) -> Res<()> {
        let fam = self.fam;
        let scope = Scope { set, obj, outer };
        for (key, value) in obj {
            if skip(key) {
                continue;
            }
            let p = join_path(path, key);
            if let Some(ty) = key.strip_prefix('#').and_then(|t| t.parse::<u16>().ok()) {
                let Value::String(h) = value else {
                    return err(&p, "a raw attribute takes a hex string");
                };
                let bytes = parse_hex(h).map_err(|m| EncodeError {
                    path: p.clone(),
                    message: m,
                })?;
                self.raw(ty, &bytes, &p, None)?;
                continue;
            }
            let Some(ir) = fam[set].attr(key) else {
                let names: Vec<&str> = fam[set]
                    .attrs
                    .iter()
                    .filter(|a| !matches!(a.ty, AttrType::Unused | AttrType::Pad))
                    .map(|a| a.name.as_str())
                    .collect();
                return err(
                    &p,
                    format!(
                        "attribute set {} has no attribute {key:?} (it has: {})",
                        fam[set].name,
                        names.join(", ")
                    ),
                );
            };
            match value {
                Value::Array(items) if ir.multi => {
                    for (i, v) in items.iter().enumerate() {
                        self.attr(ir, Some(set), ir.value, v, &join_index(&p, i), &scope)?;
                    }
                }
                v => self.attr(ir, Some(set), ir.value, v, &p, &scope)?,
            }
        }
        Ok(())
    }

    fn raw(&mut self, ty: u16, payload: &[u8], path: &str, set: Option<SetId>) -> Res<()> {
        let start = self.buf.len();
        self.buf.put_attr(ty, payload).map_err(|e| EncodeError {
            path: path.into(),
            message: e.to_string(),
        })?;
        self.spans.push(Span {
            start,
            end: start + 4 + payload.len(),
            path: path.into(),
            set,
        });
        Ok(())
    }

    /// Starts a nest, with `NLA_F_NESTED` when `flagged`.
    fn start_nest(&mut self, ty: u16, flagged: bool) -> nlwire::Nest {
        if flagged {
            self.buf.start_nested_flagged(ty)
        } else {
            self.buf.start_nested(ty)
        }
    }

    /// Writes attribute `ir` as type `ty`; `owner` is the set it belongs to, `None` for an
    /// entry of an indexed array (whose header never carries `NLA_F_NESTED`).
    fn attr(
        &mut self,
        ir: &IrAttr,
        owner: Option<SetId>,
        ty: u16,
        v: &Value,
        path: &str,
        scope: &Scope<'_>,
    ) -> Res<()> {
        let fam = self.fam;
        let flagged = owner.is_some_and(|set| self.flags.attr(set, ir));
        let int = |t: Option<IntType>| -> Res<i128> {
            let n = json_to_int(fam, ir.enum_, ir.enum_as_flags, v).map_err(|m| EncodeError {
                path: path.into(),
                message: m,
            })?;
            if let Some(t) = t {
                check_range(t, n).map_err(|m| EncodeError {
                    path: path.into(),
                    message: m,
                })?;
            }
            Ok(n)
        };
        match ir.ty {
            AttrType::Unused | AttrType::Pad => err(
                path,
                format!("{} attributes cannot be sent", ir.ty.as_str()),
            ),
            AttrType::Flag => match v {
                Value::Bool(true) => self.raw(ty, &[], path, None),
                Value::Bool(false) | Value::Null => Ok(()),
                _ => err(path, "a flag takes true or false"),
            },
            AttrType::Int(t) => {
                if let (Some(h), Value::String(s)) = (ir.display_hint, v)
                    && t.width() == 4
                    && s.contains('.')
                {
                    let b = parse_hint(Some(h), s).map_err(|m| EncodeError {
                        path: path.into(),
                        message: m,
                    })?;
                    return self.raw(ty, &b, path, None);
                }
                let n = int(Some(t))?;
                self.raw(ty, &write_int(t, ir.byte_order, n), path, None)
            }
            AttrType::Uint | AttrType::Sint => {
                let signed = ir.ty == AttrType::Sint;
                let n = int(Some(if signed { IntType::S64 } else { IntType::U64 }))?;
                let t = match (signed, n) {
                    (false, 0..=0xffff_ffff) => IntType::U32,
                    (false, _) => IntType::U64,
                    (true, -0x8000_0000..=0x7fff_ffff) => IntType::S32,
                    (true, _) => IntType::S64,
                };
                self.raw(ty, &write_int(t, ir.byte_order, n), path, None)
            }
            AttrType::String => match v {
                Value::String(s) => {
                    if s.contains('\0') {
                        return err(path, "string holds a NUL byte");
                    }
                    let mut b = s.as_bytes().to_vec();
                    if !ir.checks.unterminated_ok {
                        b.push(0);
                    }
                    self.raw(ty, &b, path, None)
                }
                _ => err(path, "expected a string"),
            },
            AttrType::Binary => {
                let bytes = self.binary(ir, v, path)?;
                self.raw(ty, &bytes, path, None)
            }
            AttrType::Bitfield32 => {
                let Value::Object(o) = v else {
                    return err(path, "a bitfield32 takes {\"value\": .., \"selector\": ..}");
                };
                let part = |k: &str| -> Res<i128> {
                    let x = o.get(k).cloned().unwrap_or(Value::from(0));
                    let n = json_to_int(fam, ir.enum_, true, &x).map_err(|m| EncodeError {
                        path: join_path(path, k),
                        message: m,
                    })?;
                    check_range(IntType::U32, n).map_err(|m| EncodeError {
                        path: join_path(path, k),
                        message: m,
                    })?;
                    Ok(n)
                };
                let mut b = write_int(IntType::U32, ir.byte_order, part("value")?);
                b.extend(write_int(IntType::U32, ir.byte_order, part("selector")?));
                self.raw(ty, &b, path, None)
            }
            AttrType::Nest => {
                let Value::Object(o) = v else {
                    return err(path, "a nest takes an object");
                };
                let Some(set) = ir.nested else {
                    return err(path, "the schema gives no attribute set for this nest");
                };
                let start = self.buf.len();
                let n = self.start_nest(ty, flagged);
                let idx = self.spans.len();
                self.spans.push(Span {
                    start,
                    end: start,
                    path: path.into(),
                    set: Some(set),
                });
                self.set(set, o, path, &|_| false, Some(scope))?;
                self.close(n, idx, path)
            }
            AttrType::IndexedArray => {
                let Value::Array(items) = v else {
                    return err(path, "an indexed-array takes a list");
                };
                let start = self.buf.len();
                let n = self.start_nest(ty, flagged);
                let idx = self.spans.len();
                self.spans.push(Span {
                    start,
                    end: start,
                    path: path.into(),
                    set: None,
                });
                for (i, item) in items.iter().enumerate() {
                    let p = join_index(path, i);
                    let Some(index) = indexed_entry_type(i) else {
                        return err(&p, "too many entries");
                    };
                    let elem = IrAttr {
                        ty: ir.sub_type.unwrap_or(AttrType::Nest),
                        sub_type: None,
                        multi: false,
                        ..ir.clone()
                    };
                    self.attr(&elem, None, index, item, &p, scope)?;
                }
                self.close(n, idx, path)
            }
            AttrType::NestTypeValue => err(path, "nest-type-value attributes cannot be sent"),
            AttrType::SubMessage => self.sub_message(ir, owner, ty, v, path, scope),
        }
    }

    fn close(&mut self, n: nlwire::Nest, idx: usize, path: &str) -> Res<()> {
        self.buf.end_nested(n).map_err(|e| EncodeError {
            path: path.into(),
            message: e.to_string(),
        })?;
        self.spans[idx].end = self.buf.len();
        Ok(())
    }

    fn binary(&self, ir: &IrAttr, v: &Value, path: &str) -> Res<Vec<u8>> {
        let fam = self.fam;
        let map_err = |m: String| EncodeError {
            path: path.into(),
            message: m,
        };
        if let Some(def) = ir.struct_array() {
            let Value::Array(items) = v else {
                return Err(map_err(format!(
                    "takes a list of {} objects",
                    fam[def].name
                )));
            };
            let mut out = Vec::new();
            for (i, x) in items.iter().enumerate() {
                let item = match x {
                    Value::Object(o) => encode_struct(fam, def, o, true),
                    _ => Err(format!("expected a {} object", fam[def].name)),
                };
                out.extend(item.map_err(|m| EncodeError {
                    path: join_index(path, i),
                    message: m,
                })?);
            }
            return Ok(out);
        }
        match (v, ir.struct_, ir.sub_type) {
            (Value::Object(o), Some(def), _) => encode_struct(fam, def, o, true).map_err(map_err),
            (Value::Array(items), _, Some(AttrType::Int(t))) => {
                let mut out = Vec::new();
                for (i, x) in items.iter().enumerate() {
                    let n = json_to_int(fam, ir.enum_, ir.enum_as_flags, x)
                        .and_then(|n| check_range(t, n).map(|()| n))
                        .map_err(|m| EncodeError {
                            path: join_index(path, i),
                            message: m,
                        })?;
                    out.extend(write_int(t, ir.byte_order, n));
                }
                Ok(out)
            }
            (Value::String(s), _, _) => parse_hint(ir.display_hint, s).map_err(map_err),
            _ => Err(map_err(
                "binary takes a hex string (or an object for a struct, a list for an array)".into(),
            )),
        }
    }

    fn sub_message(
        &mut self,
        ir: &IrAttr,
        owner: Option<SetId>,
        ty: u16,
        v: &Value,
        path: &str,
        scope: &Scope<'_>,
    ) -> Res<()> {
        let fam = self.fam;
        let (Some(sm), Some(sel)) = (ir.sub_message, ir.selector.as_deref()) else {
            return err(path, "the schema gives no sub-message or selector");
        };
        let Some(sel_value) = scope.lookup(fam, sel) else {
            return err(
                path,
                format!("needs its selector {sel:?} in the same object or an outer one"),
            );
        };
        let key = match sel_value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let Some(format) = fam[sm].format(&key) else {
            return err(
                path,
                format!(
                    "sub-message {} has no format {key:?} (formats: {})",
                    fam[sm].name,
                    fam[sm]
                        .formats
                        .iter()
                        .map(|f| f.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        };
        let Value::Object(o) = v else {
            return err(path, "a sub-message takes an object");
        };
        let header = format.fixed_header;
        let members: Vec<String> = header
            .and_then(|h| fam[h].as_struct())
            .map(|s| s.members.iter().map(|m| m.name.clone()).collect())
            .unwrap_or_default();
        let start = self.buf.len();
        let flagged = owner.is_some_and(|set| self.flags.sub_message(set, ir, format));
        let n = self.start_nest(ty, flagged);
        let idx = self.spans.len();
        self.spans.push(Span {
            start,
            end: start,
            path: path.into(),
            set: format.attr_set,
        });
        if let Some(h) = header {
            let b = encode_struct(fam, h, o, false).map_err(|m| EncodeError {
                path: path.into(),
                message: m,
            })?;
            self.buf.put(&b);
        }
        if let Some(set) = format.attr_set {
            self.set(
                set,
                o,
                path,
                &|k| members.iter().any(|m| m == k),
                Some(scope),
            )?;
        } else if let Some(k) = o.keys().find(|k| !members.contains(k)) {
            return err(
                &join_path(path, k),
                format!("format {key:?} carries no attributes"),
            );
        }
        self.close(n, idx, path)
    }
}
