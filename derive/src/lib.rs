#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use proc_macro::TokenStream;
use syn::{Data, DeriveInput, parse_macro_input};

mod message;
mod model;
mod opts;
#[cfg(feature = "schema")]
mod schema;
mod set;
mod submsg;
mod union;
mod wire;

/// Derives an attribute set (on a struct: one field per attribute) or an attribute union
/// (on an enum: one variant per attribute; usable as an ordered list `Vec<Enum>` and as an
/// "exactly one of" set). Generates the zero-copy view `<Name>View<'a>`, the encoder, the
/// one-pass decoder and the static policy table. Use it as `#[derive(nlwire::AttrSet)]`.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Vport {
///     #[nla(type = 1, u32)] port_no: Option<u32>,
///     #[nla(type = 3, string, max_len = 15, required)] name: String,
/// }
/// let bytes = Vport { port_no: Some(2), name: "eth0".into() }.encode_to_vec()?;
/// let v: VportView<'_> = Vport::decode(&bytes)?;
/// assert_eq!((v.port_no, v.name), (Some(2), "eth0"));
/// # Ok::<(), nlwire::Error>(())
/// ```
#[proc_macro_derive(AttrSet, attributes(nla))]
pub fn derive_attr_set(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    let out = match &input.data {
        Data::Struct(_) => set::expand(&input),
        Data::Enum(_) => union::expand(&input),
        Data::Union(_) => Err(syn::Error::new(
            input.ident.span(),
            "#[derive(AttrSet)] applies to structs (attribute sets) and enums (one attribute \
             of several kinds)",
        )),
    };
    out.unwrap_or_else(syn::Error::into_compile_error).into()
}

/// Derives a sub-message payload (YNL `sub-message`): an enum whose variant is picked by
/// the value of a selector attribute in the enclosing set. Generates `<Name>View<'a>`.
///
/// ```
/// use nlwire::{AttrSet, Encode};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct VlanData { #[nla(type = 1, u16)] id: Option<u16> }
/// #[derive(Debug, PartialEq, nlwire::SubMessage)]
/// enum LinkData { #[nla(value = "vlan")] Vlan(VlanData), #[nla(value = "dummy")] Dummy }
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct LinkInfo {
///     #[nla(type = 1, string)] kind: Option<String>,
///     #[nla(type = 2, sub_message, selector = kind)] data: Option<LinkData>,
/// }
/// let info = LinkInfo {
///     kind: Some("vlan".into()),
///     data: Some(LinkData::Vlan(VlanData { id: Some(10) })),
/// };
/// let bytes = info.encode_to_vec()?;
/// assert_eq!(LinkInfo::decode_owned(&bytes)?, info);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[proc_macro_derive(SubMessage, attributes(nla))]
pub fn derive_sub_message(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    submsg::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives a generic netlink message: `nlmsghdr` + `genlmsghdr` (`cmd`, `version`) + an
/// optional fixed family header (`#[nla(header)]`) + an attribute set (`#[nla(attrs)]`).
/// `msg.encode(&mut buf, family_id, flags)` and `Msg::decode(&bytes)` are one call each.
///
/// ```
/// use nlwire::{AttrSet, Message, MsgBuf, OvsHeader, consts::NLM_F_REQUEST};
/// #[derive(Debug, PartialEq, nlwire::AttrSet)]
/// struct Dp { #[nla(type = 1, string)] name: Option<String> }
/// #[derive(Debug, PartialEq, nlwire::Message)]
/// #[nla(cmd = 3, version = 2)]
/// struct DpGet { #[nla(header)] hdr: OvsHeader, #[nla(attrs)] dp: Dp }
/// let mut buf = MsgBuf::new();
/// DpGet { hdr: OvsHeader::new(0), dp: Dp { name: None } }.encode(&mut buf, 0x1d, NLM_F_REQUEST)?;
/// assert_eq!(buf.len(), 24);
/// assert_eq!(DpGet::decode(buf.as_slice())?.genl.version, 2);
/// # Ok::<(), nlwire::Error>(())
/// ```
#[proc_macro_derive(Message, attributes(nla))]
pub fn derive_message(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    message::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Lays a struct out as a fixed wire struct: `#[repr(C)]`, zerocopy's `FromBytes`,
/// `IntoBytes`, `KnownLayout`, `Immutable`, `Unaligned` (through `nlwire::zerocopy`, so the
/// user crate needs no zerocopy dependency), byte-order types for multi-byte integers
/// (`#[be]` network order, `#[le]` little-endian, host order otherwise), `Clone`, `Copy`,
/// `Debug`, `PartialEq`, `Eq`, `Hash`, an all-zero `Default`, and with `size = N` a
/// compile-time size check.
///
/// ```
/// #[nlwire::wire(size = 4)]
/// pub struct OvsKeyTcp {
///     #[be] pub tcp_src: u16,
///     #[be] pub tcp_dst: u16,
/// }
/// let k = OvsKeyTcp { tcp_src: 80.into(), tcp_dst: 1234.into() };
/// assert_eq!(nlwire::zerocopy::IntoBytes::as_bytes(&k), &[0, 80, 4, 210]);
/// assert_eq!(k.tcp_src.get(), 80);
/// ```
#[proc_macro_attribute]
pub fn wire(args: TokenStream, item: TokenStream) -> TokenStream {
    wire::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// The schema compiler as a macro (feature `schema`, `nlwire/schema`): loads a YNL spec,
/// checks it, and expands to the annotated types of the derives above (attribute sets,
/// sub-messages, wire structs, enums and flags, messages, command and group constants). The path is relative to the
/// calling crate's `CARGO_MANIFEST_DIR`; the file is tracked, so editing it rebuilds the
/// crate. A spec error is a compile error naming the file, line and key.
///
/// Options: `list_sets = ["set-name", ...]` models sets as ordered lists (`Vec<Enum>`, like
/// OVS actions); `extern_sets = ["set-name" = "crate::other::Type", ...]` takes sets from
/// elsewhere instead of generating them (a family reusing another's types; what only
/// those sets use is left out too); `crate = "::path"` renames the runtime crate. See
/// `nlwire_schema::codegen` for the generated shapes, and `nlwire_schema::compile` for the
/// build-script form.
///
/// ```
/// mod port {
///     nlwire::schema!("tests/specs/port.yaml");
/// }
/// use nlwire::{AttrSet, Encode};
/// let p = port::Port {
///     name: Some("p1".into()),
///     stats: Some(port::Stats { rx_packets: Some(7), ..Default::default() }),
///     ..Default::default()
/// };
/// let bytes = p.encode_to_vec()?;
/// let view = port::Port::decode(&bytes)?;
/// assert_eq!(view.name, Some("p1"));
/// assert_eq!(view.stats.unwrap().rx_packets, Some(7));
/// assert_eq!(port::FAMILY_NAME, "port-demo");
/// # Ok::<(), nlwire::Error>(())
/// ```
///
/// ```compile_fail
/// // A spec that does not exist is a compile error at the path.
/// nlwire::schema!("no/such/spec.yaml");
/// ```
#[cfg(feature = "schema")]
#[proc_macro]
pub fn schema(input: TokenStream) -> TokenStream {
    schema::expand(input.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
