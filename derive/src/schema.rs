//! `schema!("spec.yaml")`: the schema compiler as a function-like macro. It loads and checks
//! the spec with `nlwire-schema` and expands to the annotated types its `codegen` emits (the
//! derives then do the rest). Kept thin: options parsing, file lookup, error spans.

use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Result, Token, bracketed};

/// `"path.yaml" [, list_sets = ["a", "b"]] [, extern_sets = ["a" = "crate::x::A"]]
/// [, crate = "::nlwire"]`.
struct Input {
    path: LitStr,
    list_sets: Vec<LitStr>,
    extern_sets: Vec<(LitStr, LitStr)>,
    krate: Option<LitStr>,
}

/// `"set-name" = "rust::Path"`.
struct ExternSet(LitStr, LitStr);

impl Parse for ExternSet {
    fn parse(input: ParseStream<'_>) -> Result<Self> {
        let set = input.parse()?;
        input.parse::<Token![=]>()?;
        Ok(ExternSet(set, input.parse()?))
    }
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> Result<Self> {
        let path: LitStr = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected the spec path as a string literal: `nlwire::schema!(\"specs/x.yaml\")`",
            )
        })?;
        let mut out = Input {
            path,
            list_sets: Vec::new(),
            extern_sets: Vec::new(),
            krate: None,
        };
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let key = input.call(Ident::parse_any)?;
            input.parse::<Token![=]>()?;
            match key.to_string().as_str() {
                "list_sets" => {
                    let content;
                    bracketed!(content in input);
                    let items = Punctuated::<LitStr, Token![,]>::parse_terminated(&content)?;
                    out.list_sets.extend(items);
                }
                "extern_sets" => {
                    let content;
                    bracketed!(content in input);
                    let items = Punctuated::<ExternSet, Token![,]>::parse_terminated(&content)?;
                    out.extern_sets
                        .extend(items.into_iter().map(|e| (e.0, e.1)));
                }
                "crate" => out.krate = Some(input.parse()?),
                other => {
                    return Err(syn::Error::new(
                        key.span(),
                        format!(
                            "unknown option `{other}`; expected `list_sets = [\"set-name\", ...]`, \
                             `extern_sets = [\"set-name\" = \"rust::Path\", ...]` or \
                             `crate = \"::path\"`"
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// The spec's path on disk: relative paths are taken from the calling crate's manifest
/// directory.
fn resolve(lit: &LitStr) -> Result<PathBuf> {
    let rel = PathBuf::from(lit.value());
    if rel.is_absolute() {
        return Ok(rel);
    }
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").ok_or_else(|| {
        syn::Error::new(
            lit.span(),
            "CARGO_MANIFEST_DIR is not set; build with cargo or give an absolute path",
        )
    })?;
    Ok(Path::new(&dir).join(rel))
}

/// Every diagnostic as a compile error at the path literal.
fn errors(span: Span, lines: impl IntoIterator<Item = String>) -> syn::Error {
    let mut all: Option<syn::Error> = None;
    for l in lines {
        let e = syn::Error::new(span, l);
        match &mut all {
            Some(a) => a.combine(e),
            None => all = Some(e),
        }
    }
    all.unwrap_or_else(|| syn::Error::new(span, "the spec failed to load"))
}

pub fn expand(input: TokenStream) -> Result<TokenStream> {
    let input: Input = syn::parse2(input)?;
    let span = input.path.span();
    let shown = input.path.value();
    let full = resolve(&input.path)?;
    let full_str = full.to_str().ok_or_else(|| {
        syn::Error::new(span, format!("{}: the path is not UTF-8", full.display()))
    })?;
    let text = std::fs::read_to_string(&full).map_err(|e| {
        syn::Error::new(
            span,
            format!("{shown}: cannot read {}: {e}", full.display()),
        )
    })?;
    // Tracked: editing the spec rebuilds the crate, even after a failed load.
    let track = quote!(
        const _: &[u8] = ::core::include_bytes!(#full_str);
    );
    let family = match nlwire_schema::load_str(&text, &shown) {
        Ok(f) => f,
        Err(e) => {
            let err = errors(span, nlwire_schema::codegen::diagnostics(&e)).into_compile_error();
            return Ok(quote!(#track #err));
        }
    };
    let mut opts = nlwire_schema::codegen::Options::new();
    for s in &input.list_sets {
        opts = opts.list_set(s.value());
    }
    for (s, p) in &input.extern_sets {
        opts = opts.extern_set(s.value(), p.value());
    }
    if let Some(k) = &input.krate {
        opts = opts.crate_path(k.value());
    }
    let code = nlwire_schema::codegen::to_tokens(&family, &opts)
        .map_err(|e| syn::Error::new(span, format!("{shown}: {e}")))?;
    Ok(quote!(#track #code))
}
