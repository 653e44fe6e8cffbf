//! Serde model of a YNL spec file, one struct per YAML mapping.
//!
//! The model is the union of the four kernel JSON schemas (`genetlink`, `genetlink-c`,
//! `genetlink-legacy`, `netlink-raw`). Every mapping that the schemas close with
//! `additionalProperties: False` is `deny_unknown_fields` here, so a misspelt key is a load
//! error. Keys whose values name something (types, sets, definitions, enums of strings) are
//! kept as spanned strings: the resolver turns them into IR values and reports bad ones with
//! their line.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

/// A value with the place it was written (and, behind an alias, the place it was used).
pub type Sp<T> = Spanned<T>;

/// Whole spec file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawFamily {
    /// Family name.
    pub name: Sp<String>,
    /// Family documentation.
    pub doc: Option<String>,
    /// Compatibility level; absent means `genetlink`.
    pub protocol: Option<Sp<String>>,
    /// Netlink protocol number (netlink-raw).
    pub protonum: Option<Sp<i64>>,
    /// uAPI header path.
    pub uapi_header: Option<String>,
    /// Genetlink family version (genetlink-legacy).
    pub version: Option<Sp<i64>>,
    /// Kernel policy layout.
    pub kernel_policy: Option<Sp<String>>,
    /// Kernel code generation extras.
    pub kernel_family: Option<Sp<RawKernelFamily>>,
    /// C define name for the family name.
    pub c_family_name: Option<Sp<String>>,
    /// C define name for the family version.
    pub c_version_name: Option<Sp<String>>,
    /// Render `*_MAX` as a define.
    pub max_by_define: Option<Sp<bool>>,
    /// C name of the last op.
    pub cmd_max_name: Option<Sp<String>>,
    /// C name of the op count.
    pub cmd_cnt_name: Option<Sp<String>>,
    /// Constants, enums, flags and structs.
    #[serde(default)]
    pub definitions: Vec<Sp<RawDefinition>>,
    /// Attribute sets.
    pub attribute_sets: Sp<Vec<Sp<RawAttrSet>>>,
    /// Sub-message definitions (netlink-raw).
    #[serde(default)]
    pub sub_messages: Vec<Sp<RawSubMessage>>,
    /// Operations.
    pub operations: Sp<RawOperations>,
    /// Multicast groups.
    pub mcast_groups: Option<Sp<RawMcastGroups>>,
}

/// `kernel-family:` mapping.
#[derive(Debug, Deserialize)]
#[expect(
    dead_code,
    reason = "kernel code generation only; parsed so that misspelt keys are caught"
)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawKernelFamily {
    /// Extra kernel headers.
    #[serde(default)]
    pub headers: Vec<String>,
    /// Kernel socket state type.
    pub sock_priv: Option<String>,
}

/// One `definitions:` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawDefinition {
    /// Definition name.
    pub name: Sp<String>,
    /// `const`, `enum`, `flags` or `struct`.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// C header that already defines it.
    pub header: Option<String>,
    /// Where C renders it.
    pub scope: Option<Sp<String>>,
    /// Const value.
    pub value: Option<Sp<IntOrStr>>,
    /// First enum value or first flag bit.
    pub value_start: Option<Sp<IntOrStr>>,
    /// Enum or flags entries.
    pub entries: Option<Vec<Sp<RawEntry>>>,
    /// Render the max/mask members.
    pub render_max: Option<bool>,
    /// C enum type name; `null` means anonymous.
    #[serde(default, deserialize_with = "present")]
    pub enum_name: Option<Sp<Option<String>>>,
    /// C entry prefix.
    pub name_prefix: Option<Sp<String>>,
    /// C name of the render-max counter.
    pub enum_cnt_name: Option<Sp<String>>,
    /// Struct members.
    pub members: Option<Sp<Vec<Sp<RawMember>>>>,
}

/// An enum or flags entry: a bare name or a mapping.
#[derive(Debug)]
pub struct RawEntry {
    /// Entry name.
    pub name: String,
    /// Explicit value (a bit index for flags).
    pub value: Option<Sp<i64>>,
    /// Documentation.
    pub doc: Option<String>,
    /// Written as a mapping rather than a bare name.
    pub mapping: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawEntryMap {
    name: String,
    value: Option<Sp<i64>>,
    doc: Option<String>,
}

impl<'de> Deserialize<'de> for RawEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawEntry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an entry name or a mapping with name, value, doc")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawEntry, E> {
                Ok(RawEntry {
                    name: s.to_owned(),
                    value: None,
                    doc: None,
                    mapping: false,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawEntry, A::Error> {
                let m = RawEntryMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawEntry {
                    name: m.name,
                    value: m.value,
                    doc: m.doc,
                    mapping: true,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// One struct member.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawMember {
    /// Member name.
    pub name: Sp<String>,
    /// Member type.
    #[serde(rename = "type")]
    pub ty: Sp<String>,
    /// Byte length of binary, string and pad members.
    pub len: Option<Sp<IntOrStr>>,
    /// Byte order of integer members.
    pub byte_order: Option<Sp<String>>,
    /// Documentation.
    pub doc: Option<String>,
    /// Enum definition of the value.
    #[serde(rename = "enum")]
    pub enum_: Option<Sp<String>>,
    /// Decode the enum as bit positions.
    pub enum_as_flags: Option<Sp<bool>>,
    /// Formatting hint.
    pub display_hint: Option<Sp<String>>,
    /// Nested struct definition.
    #[serde(rename = "struct")]
    pub struct_: Option<Sp<String>>,
}

/// One `attribute-sets:` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawAttrSet {
    /// Set name.
    pub name: Sp<String>,
    /// C enum prefix.
    pub name_prefix: Option<Sp<String>>,
    /// C enum type name; `null` means anonymous.
    #[serde(default, deserialize_with = "present")]
    pub enum_name: Option<Sp<Option<String>>>,
    /// Documentation.
    pub doc: Option<String>,
    /// Superset name.
    pub subset_of: Option<Sp<String>>,
    /// C name of the attribute count.
    pub attr_cnt_name: Option<Sp<String>>,
    /// C name of the last attribute.
    pub attr_max_name: Option<Sp<String>>,
    /// C header that already defines the set.
    pub header: Option<Sp<String>>,
    /// Attributes.
    pub attributes: Vec<Sp<RawAttr>>,
}

/// One attribute of a set.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawAttr {
    /// Attribute name.
    pub name: Sp<String>,
    /// Attribute type; optional in subsets.
    #[serde(rename = "type")]
    pub ty: Option<Sp<String>>,
    /// Documentation.
    pub doc: Option<String>,
    /// Explicit attribute id.
    pub value: Option<Sp<i64>>,
    /// Names carried in the type field of `nest-type-value` levels.
    pub type_value: Option<Vec<String>>,
    /// Byte order of integer payloads.
    pub byte_order: Option<Sp<String>>,
    /// May repeat.
    pub multi_attr: Option<bool>,
    /// Set of the nested attributes.
    pub nested_attributes: Option<Sp<String>>,
    /// Enum definition of the value.
    #[serde(rename = "enum")]
    pub enum_: Option<Sp<String>>,
    /// Decode the enum as bit positions.
    pub enum_as_flags: Option<bool>,
    /// Kernel input validation.
    pub checks: Option<Sp<RawChecks>>,
    /// Element type.
    pub sub_type: Option<Sp<String>>,
    /// Formatting hint.
    pub display_hint: Option<Sp<String>>,
    /// C enum prefix of this attribute.
    pub name_prefix: Option<Sp<String>>,
    /// Struct definition of a binary payload.
    #[serde(rename = "struct")]
    pub struct_: Option<Sp<String>>,
    /// Sub-message definition.
    pub sub_message: Option<Sp<String>>,
    /// Attribute whose value picks the sub-message format.
    pub selector: Option<Sp<String>>,
}

/// `checks:` of an attribute.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawChecks {
    /// Flags definition giving the mask.
    pub flags_mask: Option<Sp<String>>,
    /// Lower bound.
    pub min: Option<Sp<IntOrStr>>,
    /// Upper bound.
    pub max: Option<Sp<IntOrStr>>,
    /// Minimum length.
    pub min_len: Option<Sp<IntOrStr>>,
    /// Maximum length.
    pub max_len: Option<Sp<IntOrStr>>,
    /// Exact length.
    pub exact_len: Option<Sp<IntOrStr>>,
    /// Strings need no NUL.
    pub unterminated_ok: Option<bool>,
}

/// One `sub-messages:` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawSubMessage {
    /// Sub-message name.
    pub name: Sp<String>,
    /// Formats by selector value.
    pub formats: Vec<Sp<RawFormat>>,
}

/// One sub-message format.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawFormat {
    /// Selector value.
    pub value: Sp<String>,
    /// Fixed header struct.
    pub fixed_header: Option<Sp<String>>,
    /// Attribute set after the header.
    pub attribute_set: Option<Sp<String>>,
}

/// `operations:` mapping.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawOperations {
    /// `unified` or `directional`.
    pub enum_model: Option<Sp<String>>,
    /// C op prefix.
    pub name_prefix: Option<String>,
    /// C op enum type name.
    #[serde(default, deserialize_with = "present")]
    pub enum_name: Option<Sp<Option<String>>>,
    /// C prefix of notifications.
    pub async_prefix: Option<String>,
    /// C enum type name of notifications.
    #[serde(default, deserialize_with = "present")]
    pub async_enum: Option<Sp<Option<String>>>,
    /// Fixed header of every op.
    pub fixed_header: Option<Sp<String>>,
    /// The ops.
    pub list: Vec<Sp<RawOp>>,
}

/// One op.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawOp {
    /// Op name.
    pub name: Sp<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Explicit message id.
    pub value: Option<Sp<i64>>,
    /// Set of the top-level attributes.
    pub attribute_set: Option<Sp<String>>,
    /// Permission flags.
    #[serde(default)]
    pub flags: Vec<Sp<String>>,
    /// Kernel validation relaxations.
    #[serde(default)]
    pub dont_validate: Vec<Sp<String>>,
    /// Kernel config option gating the op.
    pub config_cond: Option<Sp<String>>,
    /// Per-op fixed header.
    pub fixed_header: Option<Sp<String>>,
    /// `do` handler.
    #[serde(rename = "do")]
    pub do_: Option<Sp<RawMode>>,
    /// `dump` handler.
    pub dump: Option<Sp<RawMode>>,
    /// Op whose reply this notification carries.
    pub notify: Option<Sp<String>>,
    /// Event with an explicit attribute list.
    pub event: Option<Sp<RawMsg>>,
    /// Multicast group of a notification.
    pub mcgrp: Option<Sp<String>>,
}

/// `do:` or `dump:` of an op.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawMode {
    /// Request message.
    pub request: Option<Sp<RawMsg>>,
    /// Reply message.
    pub reply: Option<Sp<RawMsg>>,
    /// Kernel hook run before.
    pub pre: Option<String>,
    /// Kernel hook run after.
    pub post: Option<String>,
}

/// A request, reply or event: attribute names and, in the directional model, the id.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawMsg {
    /// Attribute names from the op's set.
    #[serde(default)]
    pub attributes: Vec<Sp<String>>,
    /// Message id (directional model).
    pub value: Option<Sp<i64>>,
}

/// `mcast-groups:` mapping.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawMcastGroups {
    /// The groups.
    pub list: Vec<Sp<RawMcastGroup>>,
}

/// One multicast group.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawMcastGroup {
    /// Group name.
    pub name: Sp<String>,
    /// C define name.
    pub c_define_name: Option<Sp<String>>,
    /// Permission flags.
    #[serde(default)]
    pub flags: Vec<Sp<String>>,
    /// Fixed group number (netlink-raw).
    pub value: Option<Sp<i64>>,
}

/// A scalar that is either an integer or a name (`u32-max`, a const, `NAME - 1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntOrStr {
    /// Literal integer.
    Int(i128),
    /// Name or expression.
    Str(String),
}

impl<'de> Deserialize<'de> for IntOrStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer or a name")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrStr, E> {
                Ok(IntOrStr::Int(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrStr, E> {
                Ok(IntOrStr::Int(v.into()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<IntOrStr, E> {
                Ok(IntOrStr::Int(v))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<IntOrStr, E> {
                i128::try_from(v)
                    .map(IntOrStr::Int)
                    .map_err(|_| E::custom("integer too large"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrStr, E> {
                Ok(IntOrStr::Str(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Tells an absent key (`None`) from an explicit `null` (`Some` of a `None` inside).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Sp<Option<String>>>, D::Error> {
    Sp::<Option<String>>::deserialize(d).map(Some)
}
