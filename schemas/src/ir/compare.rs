//! Whether two families describe an attribute set alike, down to every set, sub-message,
//! struct and enum it reaches: the condition for one family to reuse the types generated
//! for the other.

use std::collections::HashSet;

use super::{Attr, AttrSet, DefId, DefKind, Definition, Family, SetId, SubMsgId};

/// A pair of items already compared (or being compared, for cycles).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Pair {
    Set(usize, usize),
    Def(usize, usize),
    Sub(usize, usize),
}

struct Cmp<'f> {
    a: &'f Family,
    b: &'f Family,
    seen: HashSet<Pair>,
}

type Res = Result<(), String>;

fn differ<T: std::fmt::Debug + PartialEq>(what: &str, x: &T, y: &T) -> Res {
    if x == y {
        Ok(())
    } else {
        Err(format!("{what}: {x:?} here, {y:?} there"))
    }
}

impl Cmp<'_> {
    fn set(&mut self, x: SetId, y: SetId) -> Res {
        if !self.seen.insert(Pair::Set(x.0, y.0)) {
            return Ok(());
        }
        let (sa, sb): (&AttrSet, &AttrSet) = (&self.a[x], &self.b[y]);
        let at = format!("set `{}`", sa.name);
        differ(&format!("{at}: name"), &sa.name, &sb.name)?;
        differ(&format!("{at}: C prefix"), &sa.name_prefix, &sb.name_prefix)?;
        let names = |s: &AttrSet| s.attrs.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
        differ(&format!("{at}: attributes"), &names(sa), &names(sb))?;
        for (p, q) in sa.attrs.iter().zip(&sb.attrs) {
            self.attr(p, q)
                .map_err(|e| format!("{at} attribute `{}`: {e}", p.name))?;
        }
        Ok(())
    }

    fn attr(&mut self, p: &Attr, q: &Attr) -> Res {
        differ("value", &p.value, &q.value)?;
        differ("type", &p.ty, &q.ty)?;
        differ("sub-type", &p.sub_type, &q.sub_type)?;
        differ("multi-attr", &p.multi, &q.multi)?;
        differ("byte-order", &p.byte_order, &q.byte_order)?;
        differ("display-hint", &p.display_hint, &q.display_hint)?;
        differ("enum-as-flags", &p.enum_as_flags, &q.enum_as_flags)?;
        differ("selector", &p.selector, &q.selector)?;
        differ("type-value", &p.type_value, &q.type_value)?;
        let c = (&p.checks, &q.checks);
        differ(
            "checks",
            &(c.0.min, c.0.max, c.0.min_len, c.0.max_len, c.0.exact_len),
            &(c.1.min, c.1.max, c.1.min_len, c.1.max_len, c.1.exact_len),
        )?;
        differ(
            "checks: unterminated-ok",
            &c.0.unterminated_ok,
            &c.1.unterminated_ok,
        )?;
        self.opt("nested-attributes", p.nested, q.nested, Self::set)?;
        self.opt("struct", p.struct_, q.struct_, Self::def)?;
        self.opt("enum", p.enum_, q.enum_, Self::def)?;
        self.opt(
            "checks: flags-mask",
            p.checks.flags_mask,
            q.checks.flags_mask,
            Self::def,
        )?;
        self.opt("sub-message", p.sub_message, q.sub_message, Self::sub)
    }

    /// Compares two optional references with `f`.
    fn opt<T: Copy>(
        &mut self,
        what: &str,
        x: Option<T>,
        y: Option<T>,
        f: fn(&mut Self, T, T) -> Res,
    ) -> Res {
        match (x, y) {
            (None, None) => Ok(()),
            (Some(x), Some(y)) => f(self, x, y),
            (x, _) => Err(format!(
                "{what}: {} here, {} there",
                if x.is_some() { "given" } else { "absent" },
                if x.is_some() { "absent" } else { "given" }
            )),
        }
    }

    fn def(&mut self, x: DefId, y: DefId) -> Res {
        if !self.seen.insert(Pair::Def(x.0, y.0)) {
            return Ok(());
        }
        let (da, db): (&Definition, &Definition) = (&self.a[x], &self.b[y]);
        let at = format!("definition `{}`", da.name);
        differ(&format!("{at}: name"), &da.name, &db.name)?;
        match (&da.kind, &db.kind) {
            (DefKind::Const(p), DefKind::Const(q)) => differ(&format!("{at}: value"), p, q),
            (DefKind::Enum(p), DefKind::Enum(q)) => {
                differ(&format!("{at}: flags"), &p.flags, &q.flags)?;
                let entries = |e: &super::EnumDef| {
                    e.entries
                        .iter()
                        .map(|n| (n.name.clone(), n.value))
                        .collect::<Vec<_>>()
                };
                differ(&format!("{at}: entries"), &entries(p), &entries(q))
            }
            (DefKind::Struct(p), DefKind::Struct(q)) => {
                differ(&format!("{at}: size"), &p.size, &q.size)?;
                let layout = |s: &super::StructDef| {
                    s.members
                        .iter()
                        .map(|m| {
                            (
                                m.name.clone(),
                                m.ty,
                                m.offset,
                                m.size,
                                m.byte_order,
                                m.enum_as_flags,
                            )
                        })
                        .collect::<Vec<_>>()
                };
                differ(&format!("{at}: members"), &layout(p), &layout(q))?;
                for (m, n) in p.members.iter().zip(&q.members) {
                    let mat = format!("{at} member `{}`", m.name);
                    self.opt("struct", m.struct_, n.struct_, Self::def)
                        .and_then(|()| self.opt("enum", m.enum_, n.enum_, Self::def))
                        .map_err(|e| format!("{mat}: {e}"))?;
                }
                Ok(())
            }
            _ => Err(format!("{at}: a different kind of definition")),
        }
    }

    fn sub(&mut self, x: SubMsgId, y: SubMsgId) -> Res {
        if !self.seen.insert(Pair::Sub(x.0, y.0)) {
            return Ok(());
        }
        let (ma, mb) = (&self.a[x], &self.b[y]);
        let at = format!("sub-message `{}`", ma.name);
        let values = |m: &super::SubMessage| {
            m.formats
                .iter()
                .map(|f| f.value.clone())
                .collect::<Vec<_>>()
        };
        differ(&format!("{at}: formats"), &values(ma), &values(mb))?;
        for (p, q) in ma.formats.iter().zip(&mb.formats) {
            let fat = format!("{at} format `{}`", p.value);
            self.opt("fixed-header", p.fixed_header, q.fixed_header, Self::def)
                .and_then(|()| self.opt("attribute-set", p.attr_set, q.attr_set, Self::set))
                .map_err(|e| format!("{fat}: {e}"))?;
        }
        Ok(())
    }
}

impl Family {
    /// Compares set `name` of this family with the set of that name in `other`, and
    /// everything it reaches (nested sets, sub-messages, structs, enums), on what the wire
    /// and the generated types depend on: names, values, types, byte orders, checks,
    /// layouts. Docs and positions are ignored. `Err` says where they first differ.
    ///
    /// ```
    /// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/specs");
    /// let flow = nlwire_schema::load(format!("{dir}/ovs_flow.yaml"))?;
    /// let packet = nlwire_schema::load(format!("{dir}/ovs_packet.yaml"))?;
    /// assert_eq!(packet.compare_set("key-attrs", &flow), Ok(()));
    /// assert!(packet.compare_set("packet", &flow).unwrap_err().contains("no set"));
    /// # Ok::<(), nlwire_schema::SchemaError>(())
    /// ```
    pub fn compare_set(&self, name: &str, other: &Family) -> Result<(), String> {
        let here = self
            .set_id(name)
            .ok_or_else(|| format!("family `{}` has no set `{name}`", self.name))?;
        let there = other
            .set_id(name)
            .ok_or_else(|| format!("family `{}` has no set `{name}`", other.name))?;
        Cmp {
            a: self,
            b: other,
            seen: HashSet::new(),
        }
        .set(here, there)
    }
}
