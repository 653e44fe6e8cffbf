//! `sub-messages:` → formats with resolved sets and fixed headers.

use std::collections::HashMap;

use super::{Ctx, here};
use crate::error::ErrorKind;
use crate::ir::{SubMessage, SubMsgFormat};
use crate::raw::{RawSubMessage, Sp};

pub(super) fn resolve(cx: &mut Ctx, raw: &[Sp<RawSubMessage>]) -> Vec<SubMessage> {
    raw.iter().map(|m| sub_message(cx, m)).collect()
}

fn sub_message(cx: &mut Ctx, m: &Sp<RawSubMessage>) -> SubMessage {
    let m = &m.value;
    let context = format!("sub-message \"{}\"", m.name.value);
    let mut formats: Vec<SubMsgFormat> = Vec::with_capacity(m.formats.len());
    let mut first_line: HashMap<&str, u32> = HashMap::new();
    for f in &m.formats {
        let f = &f.value;
        let fcx = format!("{context} format \"{}\"", f.value.value);
        let line = here(&f.value).pos.line;
        if let Some(&first_line) = first_line.get(f.value.value.as_str()) {
            let kind = ErrorKind::DuplicateName {
                what: "format",
                name: f.value.value.clone(),
                first_line,
            };
            cx.err(here(&f.value), &context, kind);
            continue;
        }
        first_line.insert(&f.value.value, line);
        formats.push(SubMsgFormat {
            value: f.value.value.clone(),
            fixed_header: f
                .fixed_header
                .as_ref()
                .and_then(|h| cx.def_ref(h, "fixed-header", &fcx, &["struct"], "struct")),
            attr_set: f
                .attribute_set
                .as_ref()
                .and_then(|s| cx.set_ref(s, "attribute-set", &fcx)),
            pos: here(&f.value).pos,
        });
    }
    SubMessage {
        name: m.name.value.clone(),
        formats,
        pos: here(&m.name).pos,
    }
}
