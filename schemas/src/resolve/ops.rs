//! `operations:` → ops with message ids (unified or directional) and resolved references.

use super::{Ctx, Here, enum_name, here, val};
use crate::error::ErrorKind;
use crate::ir::{AttrSet, DontValidate, EnumModel, Op, OpMode, OpMsg, Operations, SetId};
use crate::raw::{RawMode, RawMsg, RawOp, RawOperations, Sp};

/// Request and reply id of one op, before range checks, and where they come from.
struct Ids {
    req: Option<i128>,
    rsp: Option<i128>,
    at: Here,
}

pub(super) fn resolve(cx: &mut Ctx, raw: &Sp<RawOperations>, sets: &[AttrSet]) -> Operations {
    let o = &raw.value;
    const MODELS: &[(&str, EnumModel)] = &[
        ("unified", EnumModel::Unified),
        ("directional", EnumModel::Directional),
    ];
    let enum_model = o
        .enum_model
        .as_ref()
        .and_then(|m| {
            cx.choice(
                m,
                "enum-model",
                "operations",
                MODELS,
                "unified, directional",
            )
        })
        .unwrap_or_default();
    let fixed_header = o
        .fixed_header
        .as_ref()
        .and_then(|h| cx.def_ref(h, "fixed-header", "operations", &["struct"], "struct"));
    let ids = match enum_model {
        EnumModel::Unified => unified(cx, &o.list),
        EnumModel::Directional => directional(cx, &o.list),
    };
    let max = if cx.protocol.is_genetlink() {
        u8::MAX.into()
    } else {
        u16::MAX.into()
    };
    let mut list = Vec::with_capacity(o.list.len());
    for (op, ids) in o.list.iter().zip(ids) {
        let context = format!("op \"{}\"", op.value.name.value);
        let mut id = |v: Option<i128>| {
            v.and_then(|v| cx.in_range(v, (0, max), "value", ids.at, &context))
                .map(|v| v as u16)
        };
        let (req_value, rsp_value) = (id(ids.req), id(ids.rsp));
        let mut op = operation(cx, op, &o.list, sets, &context);
        op.req_value = req_value;
        op.rsp_value = rsp_value;
        op.fixed_header = op.fixed_header.or(fixed_header);
        list.push(op);
    }
    Operations {
        enum_model,
        name_prefix: o
            .name_prefix
            .clone()
            .unwrap_or_else(|| format!("{}-cmd-", cx.family)),
        async_prefix: o.async_prefix.clone(),
        enum_name: enum_name(&o.enum_name),
        async_enum: enum_name(&o.async_enum),
        fixed_header,
        list,
    }
}

fn is_async(op: &RawOp) -> bool {
    op.notify.is_some() || op.event.is_some()
}

fn msg_values(op: &RawOp) -> impl Iterator<Item = &Sp<i64>> {
    [&op.do_, &op.dump]
        .into_iter()
        .flatten()
        .flat_map(|m| [&m.value.request, &m.value.reply])
        .flatten()
        .filter_map(|m| m.value.value.as_ref())
}

/// One id space: an explicit `value` restarts the count, every op takes the next id.
fn unified(cx: &mut Ctx, list: &[Sp<RawOp>]) -> Vec<Ids> {
    let mut next: i128 = 1;
    let mut out = Vec::with_capacity(list.len());
    for op in list {
        let op = &op.value;
        for v in msg_values(op) {
            let why = "request and reply values belong to the directional enum-model".to_owned();
            let context = format!("op \"{}\"", op.name.value);
            cx.err(
                here(v),
                &context,
                ErrorKind::NotAllowed { key: "value", why },
            );
        }
        let at = op.value.as_ref().map_or_else(|| here(&op.name), here);
        if let Some(v) = &op.value {
            next = v.value.into();
        }
        out.push(Ids {
            req: Some(next),
            rsp: Some(next),
            at,
        });
        next += 1;
    }
    out
}

/// Separate request and reply counters, as the kernel's `nlspec` numbers them: notifications
/// take only a reply id, calls a request id and, if they have a reply, a reply id.
fn directional(cx: &mut Ctx, list: &[Sp<RawOp>]) -> Vec<Ids> {
    let (mut req, mut rsp): (i128, i128) = (1, 1);
    let mut out = Vec::with_capacity(list.len());
    for op in list {
        let op = &op.value;
        let context = format!("op \"{}\"", op.name.value);
        let mode = op.do_.as_ref().or(op.dump.as_ref()).map(|m| &m.value);
        if is_async(op) {
            let at = op.value.as_ref().map_or_else(|| here(&op.name), here);
            if let Some(v) = &op.value {
                rsp = v.value.into();
            }
            out.push(Ids {
                req: None,
                rsp: Some(rsp),
                at,
            });
            rsp += 1;
        } else if let Some(mode) = mode {
            if let Some(v) = &op.value {
                let why = "in the directional enum-model a call takes request and reply values"
                    .to_owned();
                cx.err(
                    here(v),
                    &context,
                    ErrorKind::NotAllowed { key: "value", why },
                );
            }
            let req_v = mode.request.as_ref().and_then(|r| r.value.value.as_ref());
            let rsp_v = mode.reply.as_ref().and_then(|r| r.value.value.as_ref());
            if let Some(v) = req_v {
                req = v.value.into();
            }
            if let Some(v) = rsp_v {
                rsp = v.value.into();
            }
            let at = req_v.or(rsp_v).map_or_else(|| here(&op.name), here);
            let has_reply = mode.reply.is_some();
            out.push(Ids {
                req: Some(req),
                rsp: has_reply.then_some(rsp),
                at,
            });
            req += 1;
            if has_reply {
                rsp += 1;
            }
        } else {
            let kind = ErrorKind::Missing {
                key: "do, dump, notify or event",
                why: "the directional enum-model numbers an op by its messages",
            };
            cx.err(here(&op.name), &context, kind);
            out.push(Ids {
                req: None,
                rsp: None,
                at: here(&op.name),
            });
        }
    }
    out
}

fn dont_validate(cx: &mut Ctx, raw: &[Sp<String>], context: &str) -> DontValidate {
    let mut out = DontValidate::default();
    for v in raw {
        match v.value.as_str() {
            "strict" => out.strict = true,
            "dump" => out.dump = true,
            "dump-strict" => out.dump_strict = true,
            _ => {
                let kind = ErrorKind::BadValue {
                    key: "dont-validate",
                    value: v.value.clone(),
                    expected: "strict, dump, dump-strict",
                };
                cx.err(here(v), context, kind);
            }
        }
    }
    out
}

fn operation(
    cx: &mut Ctx,
    raw: &Sp<RawOp>,
    list: &[Sp<RawOp>],
    sets: &[AttrSet],
    context: &str,
) -> Op {
    let r = &raw.value;
    let notify = r
        .notify
        .as_ref()
        .and_then(|n| notify_target(cx, n, list, context));
    if let (Some(_), Some(e)) = (&r.notify, &r.event) {
        let why = "an op is a notify or an event, not both".to_owned();
        cx.err(
            here(e),
            context,
            ErrorKind::NotAllowed { key: "event", why },
        );
    }
    if is_async(r)
        && let Some(m) = r.do_.as_ref().or(r.dump.as_ref())
    {
        let why = "a notification or event has no do or dump".to_owned();
        cx.err(here(m), context, ErrorKind::NotAllowed { key: "do", why });
    }
    let attr_set = attr_set(cx, r, notify.map(|n| &list[n.0].value), context);
    let set = attr_set.and_then(|s| sets.get(s.0));
    let mode = |cx: &mut Ctx, m: &Option<Sp<RawMode>>, name: &str| {
        m.as_ref().map(|m| {
            let m = &m.value;
            let mcx = format!("{context} {name}");
            OpMode {
                request: m
                    .request
                    .as_ref()
                    .map(|q| msg(cx, q, set, &format!("{mcx} request"))),
                reply: m
                    .reply
                    .as_ref()
                    .map(|q| msg(cx, q, set, &format!("{mcx} reply"))),
                pre: m.pre.clone(),
                post: m.post.clone(),
            }
        })
    };
    let do_ = mode(cx, &r.do_, "do");
    let dump = mode(cx, &r.dump, "dump");
    let event = r
        .event
        .as_ref()
        .map(|e| msg(cx, e, set, &format!("{context} event")));
    Op {
        name: r.name.value.clone(),
        doc: r.doc.clone(),
        req_value: None,
        rsp_value: None,
        attr_set,
        fixed_header: r
            .fixed_header
            .as_ref()
            .and_then(|h| cx.def_ref(h, "fixed-header", context, &["struct"], "struct")),
        flags: cx.perm_flags(&r.flags, context),
        dont_validate: dont_validate(cx, &r.dont_validate, context),
        config_cond: val(&r.config_cond),
        do_,
        dump,
        notify,
        event,
        mcgrp: r
            .mcgrp
            .as_ref()
            .and_then(|g| cx.mcast_ref(g, "mcgrp", context)),
        pos: here(&r.name).pos,
    }
}

fn notify_target(
    cx: &mut Ctx,
    n: &Sp<String>,
    list: &[Sp<RawOp>],
    context: &str,
) -> Option<crate::ir::OpId> {
    let Some(id) = cx.index.ops.get(&n.value).copied() else {
        let kind = ErrorKind::UnknownOp {
            key: "notify",
            name: n.value.clone(),
        };
        cx.err(here(n), context, kind);
        return None;
    };
    let target = &list[id.0].value;
    if target.do_.is_none() && target.dump.is_none() {
        let why = format!(
            "op \"{}\" has neither do nor dump to take the reply of",
            n.value
        );
        cx.err(
            here(n),
            context,
            ErrorKind::NotAllowed { key: "notify", why },
        );
        return None;
    }
    Some(id)
}

fn attr_set(cx: &mut Ctx, r: &RawOp, target: Option<&RawOp>, context: &str) -> Option<SetId> {
    if let Some(s) = &r.attribute_set {
        return cx.set_ref(s, "attribute-set", context);
    }
    if let Some(t) = target {
        return t
            .attribute_set
            .as_ref()
            .and_then(|s| cx.index.sets.get(&s.value).copied());
    }
    if r.do_.is_some() || r.dump.is_some() || r.event.is_some() {
        let kind = ErrorKind::Missing {
            key: "attribute-set",
            why: "ops with do, dump or event name the set of their attributes",
        };
        cx.err(here(&r.name), context, kind);
    }
    None
}

fn msg(cx: &mut Ctx, m: &Sp<RawMsg>, set: Option<&AttrSet>, context: &str) -> OpMsg {
    let mut attrs = Vec::with_capacity(m.value.attributes.len());
    let Some(set) = set else {
        return OpMsg { attrs };
    };
    for a in &m.value.attributes {
        match set.position(&a.value) {
            Some(i) => attrs.push(i),
            None => {
                let kind = ErrorKind::UnknownAttr {
                    key: "attributes",
                    name: a.value.clone(),
                    set: set.name.clone(),
                };
                cx.err(here(a), context, kind);
            }
        }
    }
    OpMsg { attrs }
}
