//! One attribute (a struct field or an enum variant) after checking its annotations, and
//! the code fragments every derive needs for it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Expr, Ident, Lit, LitInt, Result, Type, UnOp};

use crate::opts::{AttrOpts, Kind, nested_policy};

/// The same tokens with every span set to `span` (so trait errors in generated code point
/// at the user's field type instead of the derive).
pub fn respan(ts: TokenStream, span: Span) -> TokenStream {
    ts.into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut ng = proc_macro2::Group::new(g.delimiter(), respan(g.stream(), span));
                ng.set_span(span);
                tt = proc_macro2::TokenTree::Group(ng);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}

/// The name of a well-known type (primitive, `String`, `CString`, `Vec<u8>`, `Vec<_>`,
/// `bool`, `Bitfield32`), or `None` for other (user) types.
fn well_known(ty: &Type) -> Option<String> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    match name.as_str() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "i8" | "i16" | "i32" | "i64" | "i128" | "usize"
        | "isize" | "bool" | "String" | "CString" | "f32" | "f64" | "char" | "Bitfield32"
            if p.path.segments.len() == 1
                || name == "CString"
                || name == "String"
                || name == "Bitfield32" =>
        {
            Some(name)
        }
        "Vec" => match crate::opts::generic_inner(ty, "Vec") {
            Some(Type::Path(e)) if e.path.is_ident("u8") => Some("Vec<u8>".into()),
            _ => Some("Vec".into()),
        },
        _ => None,
    }
}

/// One attribute with a checked kind and value type.
pub struct NlaAttr {
    /// Name in the policy and in error paths.
    pub name: String,
    /// Attribute type number.
    pub nla_ty: u16,
    /// Kind.
    pub kind: Kind,
    /// The Rust type holding one value (after `Option`/`Vec` for optional and multi).
    pub inner: Type,
    /// Annotations.
    pub opts: AttrOpts,
    /// Name of the hidden constant holding the check entry (`__NLWIRE_CHK_<NAME>`).
    pub chk: Ident,
    /// The runtime crate path.
    pub krate: TokenStream,
}

/// An integer-literal expression with a suffix, or `(expr) as <ty>` for anything else
/// (so literal annotations never trip `clippy::unnecessary_cast` in user crates).
fn typed(e: &Expr, ty: &str, add: u32) -> TokenStream {
    let ty_id = Ident::new(ty, Span::call_site());
    let lit_value = |l: &LitInt| l.base10_parse::<i128>().ok();
    let value = match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => lit_value(i),
            _ => None,
        },
        Expr::Unary(u) if matches!(u.op, UnOp::Neg(_)) => match &*u.expr {
            Expr::Lit(l) => match &l.lit {
                Lit::Int(i) => lit_value(i).map(|v| -v),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    };
    match value {
        Some(v) => {
            let v = v + i128::from(add);
            let lit = LitInt::new(&format!("{v}{ty}"), e.span());
            quote!(#lit)
        }
        None if add > 0 => quote!((#e) as #ty_id + #add),
        None => quote!((#e) as #ty_id),
    }
}

impl NlaAttr {
    /// Checks that the annotations fit the kind. `what` says where the attribute sits.
    pub fn check_opts(&self) -> Result<()> {
        let o = &self.opts;
        let kw = self.kind.keyword();
        if (o.has_len_check()) && !self.kind.takes_len() {
            return Err(syn::Error::new(
                o.first_check().unwrap_or_else(Span::call_site),
                format!(
                    "`{kw}` attributes have a fixed length; min_len/max_len/exact_len apply \
                     to string, bytes and array"
                ),
            ));
        }
        if o.exact_len.is_some() && (o.min_len.is_some() || o.max_len.is_some()) {
            return Err(syn::Error::new(
                o.exact_len.span(),
                "`exact_len` cannot be combined with `min_len`/`max_len`",
            ));
        }
        if (o.min.is_some() || o.max.is_some()) && !matches!(self.kind, Kind::Int(_)) {
            return Err(syn::Error::new(
                o.min
                    .as_ref()
                    .or(o.max.as_ref())
                    .map_or_else(Span::call_site, Spanned::span),
                format!("`min`/`max` apply to integer kinds, not `{kw}`"),
            ));
        }
        if let Some(m) = &o.flags_mask
            && !self.kind.is_int()
        {
            return Err(syn::Error::new(
                m.span(),
                format!("`flags_mask` applies to integer and bitfield32 kinds, not `{kw}`"),
            ));
        }
        if let Some(s) = o.unterminated_ok
            && !matches!(self.kind, Kind::Str)
        {
            return Err(syn::Error::new(s, "`unterminated_ok` applies to `string`"));
        }
        if let Some(s) = o.flagged
            && !self.kind.is_nest()
        {
            return Err(syn::Error::new(
                s,
                "`flagged` (set NLA_F_NESTED) applies to nested, indexed_array and sub_message",
            ));
        }
        if let (Some(s), Some(_)) = (o.reject_duplicate, o.multi) {
            return Err(syn::Error::new(
                s,
                "a `multi` attribute repeats by definition; drop `reject_duplicate`",
            ));
        }
        Ok(())
    }

    /// Catches a field type that cannot hold the kind when the type is a well-known one,
    /// with one clear error (user types go through the `Field` trait bound instead).
    pub fn check_type(&self) -> Result<()> {
        let Some(have) = well_known(&self.inner) else {
            return Ok(());
        };
        let want: &[&str] = match &self.kind {
            Kind::Int(m) => match *m {
                "U8" => &["u8"],
                "U16" | "Be16" | "Le16" => &["u16"],
                "U32" | "Be32" | "Le32" => &["u32"],
                "U64" | "Be64" | "Le64" | "Uint" => &["u64"],
                "S8" => &["i8"],
                "S16" => &["i16"],
                "S32" => &["i32"],
                "S64" | "Sint" => &["i64"],
                _ => return Ok(()),
            },
            Kind::U128 => &["u128"],
            Kind::Str => {
                if self.opts.unterminated_ok.is_some() {
                    &["String"]
                } else {
                    &["String", "CString"]
                }
            }
            Kind::Bytes => &["Vec<u8>"],
            Kind::Array => &["Vec", "Vec<u8>"],
            Kind::Bitfield32 => &["Bitfield32"],
            Kind::Fixed | Kind::Nested | Kind::SubMessage { .. } => {
                if matches!(self.kind, Kind::Nested) && have == "Vec" {
                    return Ok(());
                }
                &[]
            }
            Kind::Indexed { .. } => &["Vec", "Vec<u8>"],
            Kind::Flag => &["bool"],
        };
        if want.contains(&have.as_str()) {
            return Ok(());
        }
        let kw = self.kind.keyword();
        let hint = match want {
            [] => match self.kind {
                Kind::Fixed => format!(
                    "a `fixed` attribute holds a `#[nlwire::wire]` struct (or a byte array); \
                     for a `{have}` use its own kind"
                ),
                _ => format!(
                    "a `{kw}` attribute holds a type deriving `AttrSet`/`SubMessage`, not `{have}`"
                ),
            },
            [one] => format!("a `{kw}` attribute is held in a `{one}` field, not `{have}`"),
            many => format!(
                "a `{kw}` attribute is held in one of {}, not `{have}`",
                many.iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(syn::Error::new(self.inner.span(), hint))
    }

    /// The marker type of the kind (`None` for flag and sub-message).
    pub fn marker(&self) -> Option<TokenStream> {
        self.kind
            .marker(&self.krate, self.opts.unterminated_ok.is_some())
    }

    /// The type number as written (with NLA_F_NESTED when `flagged`).
    pub fn wire_ty(&self) -> TokenStream {
        let t = if self.opts.flagged.is_some() {
            self.nla_ty | 0x8000
        } else {
            self.nla_ty
        };
        let lit = LitInt::new(&format!("{t}u16"), Span::call_site());
        quote!(#lit)
    }

    /// The `AttrPolicy` expression with checks but without the nested policy (safe in a
    /// constant: it reaches no static).
    pub fn chk_entry(&self) -> TokenStream {
        let k = &self.krate;
        let name = &self.name;
        let ty = self.nla_ty;
        let inner = &self.inner;
        let mut e = match (&self.kind, self.marker()) {
            (Kind::Flag, _) => quote!(#k::AttrPolicy::new(#name, #ty, #k::AttrKind::Flag)),
            (Kind::SubMessage { .. }, _) => {
                quote!(#k::AttrPolicy::new(#name, #ty, #k::AttrKind::Binary))
            }
            (_, Some(m)) => respan(
                quote!(#k::__private::entry::<#inner, #m>(#name, #ty)),
                inner.span(),
            ),
            (_, None) => quote!(#k::AttrPolicy::new(#name, #ty, #k::AttrKind::Binary)),
        };
        let add = u32::from(matches!(self.kind, Kind::Str));
        let o = &self.opts;
        if let Some(x) = &o.min_len {
            let v = typed(x, "u32", add);
            e = quote!(#e.min_len(#v));
        }
        if let Some(x) = &o.max_len {
            let v = typed(x, "u32", add);
            e = quote!(#e.max_len(#v));
        }
        if let Some(x) = &o.exact_len {
            let v = typed(x, "u32", add);
            e = quote!(#e.exact_len(#v));
        }
        if o.min.is_some() || o.max.is_some() {
            let min = o
                .min
                .as_ref()
                .map_or_else(|| quote!(i128::MIN), |x| typed(x, "i128", 0));
            let max = o
                .max
                .as_ref()
                .map_or_else(|| quote!(i128::MAX), |x| typed(x, "i128", 0));
            e = quote!(#e.range(#min, #max));
        }
        if let Some(x) = &o.flags_mask {
            let v = typed(x, "u64", 0);
            e = quote!(#e.flags_mask(#v));
        }
        e
    }

    /// The full policy-table entry: checks, presence rules and the nested policy.
    pub fn policy_entry(&self, required: bool, multi: bool) -> Result<TokenStream> {
        let mut e = self.chk_entry();
        if required {
            e = quote!(#e.required());
        }
        if multi {
            e = quote!(#e.multi());
        }
        if self.opts.reject_duplicate.is_some() {
            e = quote!(#e.reject_duplicate());
        }
        let nested = match &self.kind {
            Kind::Nested => nested_policy(&self.inner)?,
            Kind::Indexed { sub, .. } if matches!(**sub, Kind::Nested) => {
                let elem = crate::opts::generic_inner(&self.inner, "Vec").ok_or_else(|| {
                    syn::Error::new_spanned(&self.inner, "an indexed_array field is a `Vec<T>`")
                })?;
                nested_policy(elem)?
            }
            _ => None,
        };
        if let Some(p) = nested {
            e = quote!(#e.nested(#p));
        }
        Ok(e)
    }

    /// Appends the value `v` (an expression of type `&inner`).
    pub fn put(&self, v: TokenStream) -> TokenStream {
        let k = &self.krate;
        let inner = &self.inner;
        let ty = self.wire_ty();
        match (&self.kind, self.marker()) {
            (Kind::SubMessage { .. }, _) => {
                let f = respan(
                    quote!(#k::__private::put_sub_message::<#inner>),
                    inner.span(),
                );
                quote!(#f(#v, buf, #ty)?;)
            }
            (_, Some(m)) => {
                let f = respan(
                    quote!(<#inner as #k::__private::Field<#m>>::put),
                    inner.span(),
                );
                quote!(#f(#v, buf, #ty)?;)
            }
            _ => quote!(buf.put_attr_flag(#ty)?;),
        }
    }

    /// Decodes attribute `a` into a view value, with the annotated checks (an expression
    /// using `?`, for kinds that go through `Field`): the validator's own per-kind checks
    /// on the field's policy entry (`AttrPolicy::check_len`, `check_value`).
    pub fn get(&self, owner: &TokenStream) -> TokenStream {
        let k = &self.krate;
        let inner = &self.inner;
        let chk = &self.chk;
        let Some(m) = self.marker() else {
            return quote!(compile_error!("internal: no field kind"));
        };
        let ty = self.nla_ty;
        let len_check = self
            .opts
            .has_len_check()
            .then(|| quote!(#owner::#chk.check_len(&a)?;));
        let field = respan(quote!(<#inner as #k::__private::Field<#m>>), inner.span());
        let int_check = self.opts.has_int_check().then(|| {
            quote! {
                if let ::core::option::Option::Some(i) = #field::int_of(&v) {
                    #owner::#chk.check_value(#ty, i)?;
                }
            }
        });
        quote! {{
            #len_check
            let v = #field::get(a, cx)?;
            #int_check
            v
        }}
    }

    /// Checks attribute `a` as [`get`](Self::get) does, with the same errors, without
    /// building the view (a statement using `?`).
    pub fn check(&self, owner: &TokenStream) -> TokenStream {
        let k = &self.krate;
        let inner = &self.inner;
        let chk = &self.chk;
        let Some(m) = self.marker() else {
            return quote!(compile_error!("internal: no field kind"));
        };
        if self.opts.has_int_check() {
            // The range and mask checks need the value, which is cheap for integers.
            let get = self.get(owner);
            return quote!(let _ = #get;);
        }
        let len_check = self
            .opts
            .has_len_check()
            .then(|| quote!(#owner::#chk.check_len(&a)?;));
        let field = respan(quote!(<#inner as #k::__private::Field<#m>>), inner.span());
        quote! {
            #len_check
            #field::check(a, cx)?;
        }
    }

    /// The view type of one value.
    pub fn view_ty(&self) -> TokenStream {
        let k = &self.krate;
        let inner = &self.inner;
        match (&self.kind, self.marker()) {
            (Kind::SubMessage { .. }, _) => respan(
                quote!(<#inner as #k::__private::SubMessage>::View<'a>),
                inner.span(),
            ),
            (_, Some(m)) => respan(
                quote!(<#inner as #k::__private::Field<#m>>::View<'a>),
                inner.span(),
            ),
            _ => quote!(bool),
        }
    }

    /// The owned value of view value `v`.
    pub fn owned_expr(&self, v: TokenStream) -> TokenStream {
        let k = &self.krate;
        let inner = &self.inner;
        match (&self.kind, self.marker()) {
            (Kind::SubMessage { .. }, _) => {
                let f = respan(
                    quote!(<#inner as #k::__private::SubMessage>::from_view),
                    inner.span(),
                );
                quote!(#f(#v))
            }
            (_, Some(m)) => {
                let f = respan(
                    quote!(<#inner as #k::__private::Field<#m>>::from_view),
                    inner.span(),
                );
                quote!(#f(#v))
            }
            _ => v,
        }
    }

    /// An expression of type `arbitrary::Result<inner>` (inside an `__if_arbitrary!`
    /// block, with `u` in scope).
    pub fn arbitrary_result(&self, owner: &TokenStream) -> TokenStream {
        let k = &self.krate;
        let inner = &self.inner;
        let chk = &self.chk;
        match (&self.kind, self.marker()) {
            (Kind::SubMessage { .. }, _) => {
                let f = respan(
                    quote!(<#inner as #k::__private::SubMessage>::arbitrary_sub),
                    inner.span(),
                );
                quote!(#f(u))
            }
            (_, Some(m)) => {
                let f = respan(
                    quote!(#k::__private::arbitrary_field::<#inner, #m>),
                    inner.span(),
                );
                quote!(#f(u, &#owner::#chk))
            }
            _ => quote!(u.arbitrary::<bool>()),
        }
    }

    /// An arbitrary value expression (uses `?`).
    pub fn arbitrary(&self, owner: &TokenStream) -> TokenStream {
        let r = self.arbitrary_result(owner);
        quote!(#r?)
    }

    /// `const __NLWIRE_CHK_X: AttrPolicy = ...;` for the owner's hidden impl block.
    pub fn chk_const(&self) -> TokenStream {
        let k = &self.krate;
        let chk = &self.chk;
        let e = self.chk_entry();
        quote! {
            #[doc(hidden)]
            #[allow(dead_code)]
            const #chk: #k::AttrPolicy = #e;
        }
    }
}

/// `__NLWIRE_CHK_<NAME>` for a field or variant name.
pub fn chk_ident(name: &str) -> Ident {
    let clean: String = name
        .trim_start_matches("r#")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format_ident!("__NLWIRE_CHK_{}", clean)
}

/// Reports the first of several attributes that share a type number.
pub fn check_unique_types(items: &[(u16, Span, String)]) -> Result<()> {
    let mut errors: Option<syn::Error> = None;
    for (i, (ty, span, name)) in items.iter().enumerate() {
        if let Some((_, _, first)) = items[..i].iter().find(|(t, _, _)| t == ty) {
            let e = syn::Error::new(
                *span,
                format!(
                    "attribute type {ty} is already used by `{first}`; `{name}` needs another number"
                ),
            );
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
        }
    }
    errors.map_or(Ok(()), Err)
}

/// Doc attributes of an item, to copy onto generated counterparts.
pub fn docs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("doc")).collect()
}

/// The check of a flag attribute `a` (an empty payload): the validator's length check on
/// the flag's policy entry.
pub fn flag_check(owner: &TokenStream, chk: &Ident) -> TokenStream {
    quote!(#owner::#chk.check_len(&a)?;)
}

/// What every derived view gets the same way: `into_owned()` (through the owned form's
/// `trait_name::from_view`), `From<View> for Owned`, and any `extra` inherent methods.
pub fn view_owned(
    k: &TokenStream,
    ident: &Ident,
    view: &Ident,
    vis: &syn::Visibility,
    trait_name: &str,
    extra: TokenStream,
) -> TokenStream {
    let tr = Ident::new(trait_name, Span::call_site());
    quote! {
        #[allow(dead_code)]
        #[allow(clippy::pedantic, clippy::nursery)]
        impl<'a> #view<'a> {
            #extra

            /// The owned form (allocates for strings, bytes and lists).
            #[inline]
            #vis fn into_owned(self) -> #ident {
                <#ident as #k::__private::#tr>::from_view(self)
            }
        }

        #[automatically_derived]
        #[allow(clippy::pedantic, clippy::nursery)]
        impl ::core::convert::From<#view<'_>> for #ident {
            #[inline]
            fn from(view: #view<'_>) -> Self {
                view.into_owned()
            }
        }
    }
}
