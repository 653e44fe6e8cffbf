//! Agreement between an attribute's type and the keys that go with it.

use super::{Ctx, Here, here};
use crate::error::ErrorKind;
use crate::ir::{Attr, AttrType, IntType};
use crate::raw::{RawAttr, Sp};

/// A subset attribute changes more than its name, doc or value.
pub(super) fn overrides_shape(r: &RawAttr) -> bool {
    r.ty.is_some()
        || r.sub_type.is_some()
        || r.nested_attributes.is_some()
        || r.struct_.is_some()
        || r.enum_.is_some()
        || r.enum_as_flags.is_some()
        || r.sub_message.is_some()
        || r.selector.is_some()
        || r.byte_order.is_some()
        || r.checks.is_some()
        || r.type_value.is_some()
}

/// Where a key of this attribute is written, or the attribute itself when inherited.
fn key_at<T>(key: Option<&Sp<T>>, r: &RawAttr) -> Here {
    key.map_or_else(|| here(&r.name), here)
}

/// Checks that the type and the keys that go with it agree.
pub(super) fn shape(cx: &mut Ctx, at: &Attr, r: &RawAttr, context: &str) {
    let ty = at.ty;
    let tname = ty.as_str();
    let missing = |cx: &mut Ctx, key: &'static str, why: &'static str| {
        cx.err(here(&r.name), context, ErrorKind::Missing { key, why });
    };
    let nested_needed = match ty {
        AttrType::Nest | AttrType::NestTypeValue => true,
        AttrType::IndexedArray => at.sub_type == Some(AttrType::Nest),
        _ => false,
    };
    if nested_needed && at.nested.is_none() && r.nested_attributes.is_none() {
        missing(cx, "nested-attributes", "nested attributes need their set");
    }
    if ty == AttrType::IndexedArray && at.sub_type.is_none() && r.sub_type.is_none() {
        missing(cx, "sub-type", "an indexed-array needs its element type");
    }
    if ty == AttrType::SubMessage {
        if at.sub_message.is_none() && r.sub_message.is_none() {
            missing(
                cx,
                "sub-message",
                "a sub-message attribute needs its formats",
            );
        }
        if at.selector.is_none() {
            missing(cx, "selector", "a sub-message attribute needs its selector");
        }
    }
    if at.enum_as_flags && at.enum_.is_none() && r.enum_.is_none() {
        missing(cx, "enum", "enum-as-flags needs an enum");
    }
    let not_allowed = |cx: &mut Ctx, key: &'static str, where_: Here, why: String| {
        cx.err(where_, context, ErrorKind::NotAllowed { key, why });
    };
    if at.nested.is_some() && !ty.is_nested() {
        let why = format!("type {tname} has no nested attributes");
        not_allowed(
            cx,
            "nested-attributes",
            key_at(r.nested_attributes.as_ref(), r),
            why,
        );
    }
    if let Some(st) = at.sub_type {
        let ok = match ty {
            AttrType::IndexedArray => matches!(
                st,
                AttrType::Nest
                    | AttrType::Int(_)
                    | AttrType::Uint
                    | AttrType::Sint
                    | AttrType::Binary
                    | AttrType::String
            ),
            AttrType::Binary => match st {
                AttrType::Int(_) => true,
                // A packed array of the struct named by `struct:`.
                AttrType::Binary => {
                    if at.struct_.is_none() && r.struct_.is_none() {
                        missing(
                            cx,
                            "struct",
                            "sub-type binary on a binary attribute is a packed array of a struct",
                        );
                    }
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if !ok {
            let why = format!("type {tname} does not take sub-type {}", st.as_str());
            not_allowed(cx, "sub-type", key_at(r.sub_type.as_ref(), r), why);
        }
    }
    if at.struct_.is_some() && ty != AttrType::Binary {
        let why = format!("only binary attributes hold a struct, not {tname}");
        not_allowed(cx, "struct", key_at(r.struct_.as_ref(), r), why);
    }
    if ty != AttrType::SubMessage {
        if at.sub_message.is_some() {
            let why = format!("type {tname} is not sub-message");
            not_allowed(cx, "sub-message", key_at(r.sub_message.as_ref(), r), why);
        }
        if at.selector.is_some() {
            let why = format!("type {tname} is not sub-message");
            not_allowed(cx, "selector", key_at(r.selector.as_ref(), r), why);
        }
    }
    if at.needs_nested_flag()
        && !matches!(
            ty,
            AttrType::Nest | AttrType::IndexedArray | AttrType::SubMessage
        )
    {
        let why = format!(
            "the [{}] tag marks nests, not {tname} attributes",
            crate::ir::NESTED_FLAG_TAG
        );
        not_allowed(cx, "doc", here(&r.name), why);
    }
    if at.enum_.is_some() && !(ty.is_integer() || ty == AttrType::Bitfield32) {
        let why = format!("type {tname} does not carry an integer");
        not_allowed(cx, "enum", key_at(r.enum_.as_ref(), r), why);
    }
    check_shape(cx, at, r, context);
}

/// Checks that the `checks:` fit the type (the element type, for an indexed-array).
fn check_shape(cx: &mut Ctx, at: &Attr, r: &RawAttr, context: &str) {
    let c = &at.checks;
    let ty = match (at.ty, at.sub_type) {
        (AttrType::IndexedArray, Some(sub)) => sub,
        (ty, _) => ty,
    };
    let where_ = r.checks.as_ref().map_or_else(|| here(&r.name), here);
    let not_allowed = |cx: &mut Ctx, key: &'static str, what: &str| {
        let why = format!("{what}, not {}", ty.as_str());
        cx.err(where_, context, ErrorKind::NotAllowed { key, why });
    };
    let bounds = match ty {
        AttrType::Int(t) => Some(t.bounds()),
        AttrType::Uint => Some(IntType::U64.bounds()),
        AttrType::Sint => Some(IntType::S64.bounds()),
        _ => None,
    };
    for (key, v) in [("min", c.min), ("max", c.max)] {
        let Some(v) = v else { continue };
        match bounds {
            None => not_allowed(cx, key, "min and max check integers"),
            Some(b) => {
                cx.in_range(v, b, key, where_, context);
            }
        }
    }
    if let (Some(min), Some(max)) = (c.min, c.max)
        && min > max
    {
        let kind = ErrorKind::BadLimit {
            key: "min",
            text: min.to_string(),
            reason: format!("is larger than max {max}"),
        };
        cx.err(where_, context, kind);
    }
    let lens = c.min_len.is_some() || c.max_len.is_some() || c.exact_len.is_some();
    if lens && !matches!(ty, AttrType::String | AttrType::Binary) {
        not_allowed(cx, "min-len", "length checks apply to string and binary");
    }
    if c.unterminated_ok && ty != AttrType::String {
        not_allowed(cx, "unterminated-ok", "unterminated-ok applies to strings");
    }
    if c.flags_mask.is_some() && bounds.is_none() {
        not_allowed(cx, "flags-mask", "flags-mask applies to integers");
    }
}
