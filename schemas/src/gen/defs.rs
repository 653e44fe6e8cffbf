//! Definitions: consts, enums and flags as newtypes with named values, packed structs as
//! `#[nlwire::wire]` structs.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::Gen;
use super::docs::Doc;
use super::names::{self, Names, ident};
use crate::ir::{
    Attr, AttrType, ByteOrder, ConstValue, DefId, DefKind, Definition, DisplayHint, EnumDef,
    Family, IntType, MemberType, StructDef,
};

/// Every definition, in spec order.
pub(crate) fn definitions(g: &Gen<'_>) -> TokenStream {
    let items =
        g.f.definitions
            .iter()
            .enumerate()
            .filter(|(i, _)| g.kept.defs[*i])
            .map(|(i, d)| match &d.kind {
                DefKind::Const(v) => {
                    let name = g.def_consts[i].as_deref().unwrap_or("_");
                    constant(d, name, v)
                }
                DefKind::Enum(e) => {
                    let name = g.def_types[i].as_deref().unwrap_or("_");
                    let repr = g.def_reprs[i].unwrap_or(Repr::U32);
                    if e.flags {
                        flags(g, d, name, e, repr, None)
                    } else {
                        let bits_name = g.bits_types[i].as_deref();
                        let bits = bits_name
                            .zip(g.bits_reprs[i])
                            .map(|(bits, bits_repr)| flags(g, d, bits, e, bits_repr, Some(name)));
                        let main = enumeration(g, d, name, e, repr, bits_name);
                        quote!(#main #bits)
                    }
                }
                DefKind::Struct(s) => {
                    let name = g.def_types[i].as_deref().unwrap_or("_");
                    structure(g, d, name, s)
                }
            });
    quote!(#(#items)*)
}

/// A signed literal (`-5` as a negated literal, so every parser accepts it).
pub(crate) fn int_lit(v: i128) -> TokenStream {
    if v < 0 {
        let l = Literal::u128_unsuffixed(v.unsigned_abs());
        quote!(-#l)
    } else {
        let l = Literal::u128_unsuffixed(v.unsigned_abs());
        quote!(#l)
    }
}

fn constant(d: &Definition, name: &str, v: &ConstValue) -> TokenStream {
    let id = ident(name);
    let doc = Doc::spec(d.doc.as_deref())
        .para(format!("Spec constant `{}`.", d.name))
        .tokens();
    match v {
        ConstValue::Int(n) => {
            let ty = if (0..=i128::from(u32::MAX)).contains(n) {
                quote!(u32)
            } else if (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(n) {
                quote!(i64)
            } else if (0..=i128::from(u64::MAX)).contains(n) {
                quote!(u64)
            } else {
                quote!(i128)
            };
            let lit = int_lit(*n);
            quote!(#doc pub const #id: #ty = #lit;)
        }
        ConstValue::Str(s) => quote!(#doc pub const #id: &str = #s;),
    }
}

/// The integer inside a generated enum or flags newtype.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repr {
    U32,
    U64,
    I64,
}

impl Repr {
    fn tokens(self) -> TokenStream {
        match self {
            Repr::U32 => quote!(u32),
            Repr::U64 => quote!(u64),
            Repr::I64 => quote!(i64),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Repr::U32 => "u32",
            Repr::U64 => "u64",
            Repr::I64 => "i64",
        }
    }

    /// True when every value of an attribute of width `w` fits (the runtime's
    /// `Repr: From<W>`, which makes the newtype a field of that kind).
    fn holds(self, w: Width) -> bool {
        match self {
            Repr::U32 => !w.signed && w.bits <= 32,
            Repr::U64 => !w.signed,
            Repr::I64 => w.signed || w.bits <= 32,
        }
    }

    fn holds_value(self, v: i128) -> bool {
        match self {
            Repr::U32 => (0..=i128::from(u32::MAX)).contains(&v),
            Repr::U64 => (0..=i128::from(u64::MAX)).contains(&v),
            Repr::I64 => (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&v),
        }
    }
}

/// The width and signedness of an integer attribute's values, when the derive has an
/// integer kind for it: not for signed integers with an explicit byte order (held as
/// zerocopy types) nor for non-integers (arrays, bitfield32, which keep their types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Width {
    bits: u32,
    signed: bool,
}

impl Width {
    fn of(a: &Attr) -> Option<Width> {
        match a.ty {
            AttrType::Int(i) if i.signed() && i.width() > 1 && a.byte_order != ByteOrder::Host => {
                None
            }
            AttrType::Int(i) => Some(Width {
                bits: i.width() * 8,
                signed: i.signed(),
            }),
            AttrType::Uint => Some(Width {
                bits: 64,
                signed: false,
            }),
            AttrType::Sint => Some(Width {
                bits: 64,
                signed: true,
            }),
            _ => None,
        }
    }
}

/// The newtype an attribute's `enum:` names: the enum or flags type of the definition, or
/// for an enum read with `enum-as-flags` its bit-set companion (`bits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    def: DefId,
    bits: bool,
}

impl Slot {
    fn of(f: &Family, a: &Attr) -> Option<Slot> {
        let def = a.enum_?;
        let e = f[def].as_enum()?;
        Some(Slot {
            def,
            bits: !e.flags && a.enum_as_flags,
        })
    }
}

/// True when every entry is a bit number (what a bit set over the entries needs).
fn all_bits(e: &EnumDef) -> bool {
    e.entries.iter().all(|en| (0..64).contains(&en.value))
}

/// The representations a newtype over `e` may take, preferred first: enums hold their
/// values, bit sets their bits.
fn candidates(e: &EnumDef, bits: bool) -> Vec<Repr> {
    if bits {
        if e.entries.iter().all(|en| (0..32).contains(&en.value)) {
            vec![Repr::U32, Repr::U64]
        } else {
            vec![Repr::U64]
        }
    } else {
        [Repr::U32, Repr::I64, Repr::U64]
            .into_iter()
            .filter(|r| {
                e.entries
                    .iter()
                    .all(|en| r.holds_value(i128::from(en.value)))
            })
            .collect()
    }
}

/// The newtypes of the definitions, and how wide they are.
pub(crate) struct Newtypes {
    /// Per definition: the integer inside its enum or flags newtype.
    pub(crate) reprs: Vec<Option<Repr>>,
    /// Per enum definition that an attribute reads with `enum-as-flags`: the integer inside
    /// its bit-set companion (`None` when no attribute needs one, or an entry is no bit).
    pub(crate) bits_reprs: Vec<Option<Repr>>,
}

/// Chooses the integer inside each enum and flags newtype: `u32` unless an attribute that
/// holds the type (in a set `emitted` says is generated) is wider or signed; then the
/// representation that holds every value of the most such attributes. Attributes it cannot
/// hold stay integers.
pub(crate) fn newtypes(f: &Family, emitted: impl Fn(usize) -> bool) -> Newtypes {
    let n = f.definitions.len();
    let mut uses: Vec<[Vec<Width>; 2]> = vec![Default::default(); n];
    for (i, set) in f.attr_sets.iter().enumerate() {
        if !emitted(i) {
            continue;
        }
        for a in &set.attrs {
            if let (Some(slot), Some(w)) = (Slot::of(f, a), Width::of(a)) {
                uses[slot.def.0][usize::from(slot.bits)].push(w);
            }
        }
    }
    let choose = |e: &EnumDef, bits: bool, uses: &[Width]| {
        let cands = candidates(e, bits);
        let covered = |r: &Repr| uses.iter().filter(|w| r.holds(**w)).count();
        // The first of those covering the most uses.
        let best = cands.iter().map(covered).max()?;
        cands.into_iter().find(|r| covered(r) == best)
    };
    let mut reprs = vec![None; n];
    let mut bits_reprs = vec![None; n];
    for (i, d) in f.definitions.iter().enumerate() {
        let DefKind::Enum(e) = &d.kind else { continue };
        reprs[i] = choose(e, e.flags, &uses[i][0]).or(Some(Repr::I64));
        if !e.flags && !uses[i][1].is_empty() && all_bits(e) {
            bits_reprs[i] = choose(e, true, &uses[i][1]);
        }
    }
    Newtypes { reprs, bits_reprs }
}

/// The newtype attribute `a` holds, when it holds one: it has an `enum:`, a plain integer
/// kind, and the newtype holds every value of its width.
pub(crate) fn value_type(g: &Gen<'_>, a: &Attr) -> Option<TokenStream> {
    let slot = Slot::of(g.f, a)?;
    let w = Width::of(a)?;
    let (name, repr) = if slot.bits {
        (&g.bits_types[slot.def.0], g.bits_reprs[slot.def.0])
    } else {
        (&g.def_types[slot.def.0], g.def_reprs[slot.def.0])
    };
    let name = name.as_deref()?;
    repr?.holds(w).then(|| {
        let id = ident(name);
        quote!(#id)
    })
}

/// The doc note of an attribute with an `enum:`: the newtype it holds, or why it holds the
/// integer.
pub(crate) fn attr_enum_note(g: &Gen<'_>, a: &Attr) -> Option<String> {
    let slot = Slot::of(g.f, a)?;
    let d = &g.f[slot.def];
    let ty = g.def_types[slot.def.0].as_deref().unwrap_or("?");
    if value_type(g, a).is_some() {
        return Some(if slot.bits {
            let bits = g.bits_types[slot.def.0].as_deref().unwrap_or("?");
            format!(
                "Bits numbered by enum `{ty}` (`{}`), held as the bit set `{bits}`; bits the \
                 spec does not name are kept.",
                d.name
            )
        } else if d.as_enum().is_some_and(|e| e.flags) {
            format!(
                "Flags: `{ty}` (`{}`); bits the spec does not name are kept.",
                d.name
            )
        } else {
            format!(
                "Values: `{ty}` (`{}`); values the spec does not list are kept.",
                d.name
            )
        });
    }
    let note = enum_note(g, slot.def, a.enum_as_flags);
    let why = match Width::of(a) {
        None => return Some(note),
        Some(_) if slot.bits && g.bits_reprs[slot.def.0].is_none() => {
            "held as the integer: an entry value is not a bit number".to_owned()
        }
        Some(_) => {
            let repr = if slot.bits {
                g.bits_reprs[slot.def.0]
            } else {
                g.def_reprs[slot.def.0]
            };
            format!(
                "held as the integer: the newtype holds an `{}`, which cannot hold every `{}` \
                 value",
                repr.map_or("?", Repr::as_str),
                a.ty.as_str()
            )
        }
    };
    Some(format!("{}, {why}.", note.trim_end_matches('.')))
}

/// Names of the associated consts of an enum or flags type: entries first, in spec order;
/// an entry that collides with a helper (`ENTRIES`, `ALL`, `MAX`) gets a trailing `_`.
fn entry_names(e: &EnumDef, helpers: &[&str]) -> Vec<String> {
    let mut n = Names::with_reserved(helpers);
    e.entries
        .iter()
        .map(|en| n.claim(&names::shouty(&en.name), "_", &[]))
        .collect()
}

/// `impl IntNewtype`: the newtype is a field of every integer kind `repr` holds.
fn int_newtype(g: &Gen<'_>, id: &proc_macro2::Ident, repr: &TokenStream) -> TokenStream {
    let k = &g.krate;
    quote! {
        impl #k::__private::IntNewtype for #id {
            type Repr = #repr;
            fn from_repr(v: #repr) -> Self {
                Self(v)
            }
            fn to_repr(self) -> #repr {
                self.0
            }
        }
    }
}

/// An enum newtype; `bits` names its bit-set companion, if an attribute needs one.
fn enumeration(
    g: &Gen<'_>,
    d: &Definition,
    name: &str,
    e: &EnumDef,
    repr: Repr,
    bits: Option<&str>,
) -> TokenStream {
    let id = ident(name);
    let repr = repr.tokens();
    let render_max = e.render_max && !e.entries.is_empty();
    let helpers: &[&str] = if render_max {
        &["ENTRIES", "MAX"]
    } else {
        &["ENTRIES"]
    };
    let consts = entry_names(e, helpers);
    let entries = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let lit = int_lit(i128::from(en.value));
        let doc = Doc::spec(en.doc.as_deref())
            .para(format!(
                "`{}` = {}.",
                names::c_name(&e.name_prefix, &en.name),
                en.value
            ))
            .tokens();
        quote!(#doc pub const #cid: Self = Self(#lit);)
    });
    let table = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let n = &en.name;
        quote!((#n, Self::#cid),)
    });
    let max = render_max.then(|| {
        let m = e.entries.iter().map(|en| en.value).max().unwrap_or(0);
        let lit = int_lit(i128::from(m));
        quote! {
            /// The largest value (`render-max`).
            pub const MAX: Self = Self(#lit);
        }
    });
    let mut doc = Doc::spec(d.doc.as_deref()).para(format!(
        "Enum `{}`: a newtype over the value, with one associated const per entry; values the \
         spec does not list are kept (see `known`). Integer attributes with this `enum` hold it; \
         `Debug` prints the entry's name, or the number of an unlisted value.",
        d.name
    ));
    if let Some(bits) = bits {
        doc = doc.para(format!(
            "Attributes that read it with `enum-as-flags` hold the bit set `{bits}`."
        ));
    }
    let doc = doc.tokens();
    let newtype = int_newtype(g, &id, &repr);
    quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct #id(pub #repr);

        impl #id {
            #(#entries)*
            #max
            /// Every entry: its spec name and value, in spec order.
            pub const ENTRIES: &'static [(&'static str, Self)] = &[#(#table)*];

            /// The spec name of the value, if it has one.
            pub fn name(self) -> Option<&'static str> {
                Self::ENTRIES.iter().find(|e| e.1 == self).map(|e| e.0)
            }

            /// The value of a spec name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ENTRIES.iter().find(|e| e.0 == name).map(|e| e.1)
            }

            /// `Some` for values the spec lists.
            pub fn known(value: #repr) -> Option<Self> {
                let v = Self(value);
                v.name().map(|_| v)
            }
        }

        impl From<#repr> for #id {
            fn from(v: #repr) -> Self {
                Self(v)
            }
        }

        impl From<#id> for #repr {
            fn from(v: #id) -> Self {
                v.0
            }
        }

        impl ::core::fmt::Debug for #id {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "{}", self.0),
                }
            }
        }

        #newtype
    }
}

/// A bit set: a `flags` definition, or (`of_enum`, the enum's type) an enum whose entries
/// an attribute reads as bit numbers (`enum-as-flags`).
fn flags(
    g: &Gen<'_>,
    d: &Definition,
    name: &str,
    e: &EnumDef,
    repr: Repr,
    of_enum: Option<&str>,
) -> TokenStream {
    let id = ident(name);
    let wide = repr != Repr::U32;
    let repr = repr.tokens();
    let consts = entry_names(e, &["ENTRIES", "ALL"]);
    let entries = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let bit = Literal::u32_unsuffixed(u32::try_from(en.value).unwrap_or(0));
        let doc = Doc::spec(en.doc.as_deref())
            .para(format!(
                "`{}` = `1 << {}`.",
                names::c_name(&e.name_prefix, &en.name),
                en.value
            ))
            .tokens();
        quote!(#doc pub const #cid: Self = Self(1 << #bit);)
    });
    let table = e.entries.iter().zip(&consts).map(|(en, c)| {
        let cid = ident(c);
        let n = &en.name;
        quote!((#n, Self::#cid),)
    });
    let mask = e.mask();
    let mask_lit = if wide {
        Literal::u64_unsuffixed(mask)
    } else {
        Literal::u32_unsuffixed(u32::try_from(mask).unwrap_or(u32::MAX))
    };
    let doc = if let Some(enum_ty) = of_enum {
        Doc::default().para(format!(
            "Bit set over enum `{}` (`{}`), for attributes that read it with `enum-as-flags`: \
             each associated const is the bit `1 << v` of the entry of value `v`, `ALL` every \
             such bit. Bits the spec does not name are kept; `Debug` prints `A | B` and the \
             rest in hex.",
            enum_ty, d.name
        ))
    } else {
        Doc::spec(d.doc.as_deref()).para(format!(
            "Flags `{}`: a bit set; each associated const is one bit, `ALL` every bit the spec \
             names. Integer attributes with this `enum` hold it; bits the spec does not name \
             are kept, and `Debug` prints `A | B` and the rest in hex.",
            d.name
        ))
    }
    .tokens();
    let newtype = int_newtype(g, &id, &repr);
    quote! {
        #doc
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct #id(pub #repr);

        impl #id {
            #(#entries)*
            /// Every bit the spec names.
            pub const ALL: Self = Self(#mask_lit);
            /// Every entry: its spec name and bit, in spec order.
            pub const ENTRIES: &'static [(&'static str, Self)] = &[#(#table)*];

            /// The raw bits.
            pub const fn bits(self) -> #repr {
                self.0
            }

            /// True when every bit of `other` is set.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// True when no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// The spec names of the bits that are set (bits the spec does not name are
            /// skipped).
            pub fn names(self) -> impl Iterator<Item = &'static str> {
                Self::ENTRIES
                    .iter()
                    .filter(move |e| self.contains(e.1))
                    .map(|e| e.0)
            }

            /// The bit of a spec name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ENTRIES.iter().find(|e| e.0 == name).map(|e| e.1)
            }
        }

        impl From<#repr> for #id {
            fn from(v: #repr) -> Self {
                Self(v)
            }
        }

        impl From<#id> for #repr {
            fn from(v: #id) -> Self {
                v.0
            }
        }

        impl ::core::ops::BitOr for #id {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                Self(self.0 | rhs.0)
            }
        }

        impl ::core::ops::BitOrAssign for #id {
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }

        impl ::core::ops::BitAnd for #id {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                Self(self.0 & rhs.0)
            }
        }

        impl ::core::fmt::Debug for #id {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut first = true;
                for n in self.names() {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    f.write_str(n)?;
                    first = false;
                }
                let rest = self.0 & !Self::ALL.0;
                if rest != 0 || first {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{rest:#x}")?;
                }
                Ok(())
            }
        }

        #newtype
    }
}

/// A doc fragment naming an integer's enum or flags.
pub(crate) fn enum_note(g: &Gen<'_>, def: crate::ir::DefId, as_flags: bool) -> String {
    let d = &g.f[def];
    let ty = g.def_types[def.0].as_deref().unwrap_or("?");
    match &d.kind {
        DefKind::Enum(e) if e.flags => format!("Flags: `{ty}` (`{}`).", d.name),
        _ if as_flags => format!(
            "Bits numbered by enum `{ty}` (`{}`): bit `1 << v` for entry value `v`.",
            d.name
        ),
        _ => format!("Values: `{ty}` (`{}`).", d.name),
    }
}

pub(crate) fn hint_note(h: DisplayHint) -> &'static str {
    match h {
        DisplayHint::Hex => "Displayed as hex.",
        DisplayHint::Mac => "Displayed as a MAC address.",
        DisplayHint::Fddi => "Displayed as an FDDI address.",
        DisplayHint::Ipv4 => "Displayed as an IPv4 address.",
        DisplayHint::Ipv6 => "Displayed as an IPv6 address.",
        DisplayHint::Ipv4OrV6 => "Displayed as an IPv4 or IPv6 address.",
        DisplayHint::Uuid => "Displayed as a UUID.",
    }
}

/// The Rust type of an integer and the `#[be]`/`#[le]` marker of a wire-struct member.
fn member_int(t: IntType, order: ByteOrder) -> (TokenStream, TokenStream) {
    let ty = match t {
        IntType::U8 => quote!(u8),
        IntType::U16 => quote!(u16),
        IntType::U32 => quote!(u32),
        IntType::U64 => quote!(u64),
        IntType::S8 => quote!(i8),
        IntType::S16 => quote!(i16),
        IntType::S32 => quote!(i32),
        IntType::S64 => quote!(i64),
    };
    let mark = match (t.width(), order) {
        (1, _) | (_, ByteOrder::Host) => quote!(),
        (_, ByteOrder::BigEndian) => quote!(#[be]),
        (_, ByteOrder::LittleEndian) => quote!(#[le]),
    };
    (ty, mark)
}

fn structure(g: &Gen<'_>, d: &Definition, name: &str, s: &StructDef) -> TokenStream {
    let id = ident(name);
    let mut fields = Names::default();
    let members = s.members.iter().map(|m| {
        let fid = ident(&fields.claim(&names::snake(&m.name), "_", &[]));
        let (ty, mark) = match m.ty {
            MemberType::Int(t) => member_int(t, m.byte_order),
            MemberType::Binary if m.struct_.is_some() => {
                let sid = m
                    .struct_
                    .and_then(|x| g.def_types[x.0].as_deref())
                    .unwrap_or("_");
                let sid = ident(sid);
                (quote!(#sid), quote!())
            }
            MemberType::Binary | MemberType::String | MemberType::Pad => {
                let n = Literal::usize_unsuffixed(m.size as usize);
                (quote!([u8; #n]), quote!())
            }
        };
        let mut doc = Doc::spec(m.doc.as_deref());
        doc = match m.ty {
            MemberType::Pad => doc.or("Padding."),
            MemberType::String => doc.or(format!("`{}`: a NUL-padded string.", m.name)),
            _ => doc.or(format!("`{}`.", m.name)),
        };
        if let Some(e) = m.enum_ {
            let note = enum_note(g, e, m.enum_as_flags);
            doc = doc.para(format!(
                "{}, held as the integer (a member of a fixed wire struct).",
                note.trim_end_matches('.')
            ));
        }
        if let Some(h) = m.display_hint {
            doc = doc.para(hint_note(h));
        }
        if m.byte_order == ByteOrder::BigEndian && !matches!(m.ty, MemberType::Int(_)) {
            doc = doc.para("Big-endian.");
        }
        let doc = doc.tokens();
        quote!(#doc #mark pub #fid: #ty,)
    });
    let size = Literal::u32_unsuffixed(s.size);
    let doc = Doc::spec(d.doc.as_deref())
        .para(format!(
            "Struct `{}` ({} bytes, packed): a fixed wire struct, viewed in place.",
            d.name, s.size
        ))
        .tokens();
    let k = &g.krate;
    let krate = g.krate_opt.as_ref().map(|p| quote!(, crate = #p));
    quote! {
        #doc
        #[#k::wire(size = #size #krate)]
        pub struct #id {
            #(#members)*
        }
    }
}
