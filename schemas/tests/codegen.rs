//! The generator's choices on small specs: names (clashes with the prelude, with each other,
//! keywords, leading digits), recursion boxing, fallbacks where the derive has no shape,
//! options, and the build-script output (formatted, rustfmt-clean, rewritten only on change).

use nlwire_schema::codegen::{self, Options};

fn generate(spec: &str) -> String {
    let f = nlwire_schema::load_str(spec, "t.yaml").unwrap_or_else(|e| panic!("{e}"));
    codegen::to_string(&f)
}

const HEAD: &str = "name: t\ndoc: T.\nprotocol: genetlink-legacy\n";

#[test]
fn names_never_clash_or_shadow_the_prelude() {
    let spec = format!(
        "{HEAD}definitions:
  - {{name: main, type: struct, members: [{{name: a, type: u32}}]}}
  - {{name: version, type: const, value: 3}}
attribute-sets:
  - name: main
    attributes:
      - {{name: type, type: u32}}
      - {{name: 8021q, type: u8}}
      - {{name: self, type: flag}}
  - name: string
    attributes: [{{name: x, type: u32}}]
  - name: main-view
    attributes: [{{name: y, type: u32}}]
operations: {{list: []}}
"
    );
    let code = generate(&spec);
    // The struct definition keeps `Main`; the set moves to `MainAttrs`.
    assert!(code.contains("pub struct Main {"), "{code}");
    assert!(code.contains("pub struct MainAttrs {"));
    // `String` would shadow std's in the including module.
    assert!(code.contains("pub struct StringAttrs {"));
    assert!(!code.contains("pub struct String "));
    // `main-view` is free once `main` became `MainAttrs` (whose view is `MainAttrsView`).
    assert!(code.contains("pub struct MainView {"));
    // The family's VERSION wins; the spec const moves aside.
    assert!(code.contains("pub const VERSION: u8 = 1;"));
    assert!(code.contains("pub const VERSION_DEF: u32 = 3;"));
    // Keywords and leading digits.
    assert!(code.contains("#[nla(type = 1, u32, name = \"type\")]\n    pub type_: Option<u32>,"));
    assert!(code.contains("#[nla(type = 2, u8, name = \"8021q\")]\n    pub n8021q: Option<u8>,"));
    assert!(code.contains("pub self_: bool,"));
}

#[test]
fn recursion_is_boxed_and_lists_are_not() {
    let spec = format!(
        "{HEAD}attribute-sets:
  - name: a
    attributes:
      - {{name: self, type: nest, nested-attributes: a}}
      - {{name: b, type: nest, nested-attributes: b}}
      - {{name: many, type: nest, nested-attributes: a, multi-attr: true}}
  - name: b
    attributes:
      - {{name: back, type: nest, nested-attributes: a}}
      - {{name: leaf, type: nest, nested-attributes: c}}
  - name: c
    attributes: [{{name: x, type: u32}}]
operations: {{list: []}}
"
    );
    let code = generate(&spec);
    assert!(code.contains("pub self_: Option<Box<A>>,"), "{code}");
    // a -> b -> a: both edges of the cycle are boxed; b -> c is not in it.
    assert!(code.contains("pub b: Option<Box<B>>,"));
    assert!(code.contains("pub back: Option<Box<A>>,"));
    assert!(code.contains("pub leaf: Option<C>,"));
    // A Vec is indirection enough.
    assert!(code.contains("pub many: Vec<A>,"));
}

#[test]
fn shapes_the_derive_lacks_fall_back_to_bytes_with_a_note() {
    let spec = "name: t
doc: T.
protocol: netlink-raw
protonum: 0
attribute-sets:
  - name: outer
    attributes:
      - {name: kind, type: string}
      - {name: inner, type: nest, nested-attributes: inner}
      - {name: be-signed, type: s32, byte-order: big-endian}
  - name: inner
    attributes:
      - {name: data, type: sub-message, sub-message: msg, selector: kind}
sub-messages:
  - name: msg
    formats: [{value: x}]
operations: {list: []}
";
    let code = generate(spec);
    assert!(code.contains("an external selector"), "{code}");
    assert!(code.contains("#[nla(type = 1, bytes)]\n    pub data: Option<Vec<u8>>,"));
    // No derive kind for big-endian signed integers: the zerocopy type, `fixed`.
    assert!(code.contains(
        "#[nla(type = 3, fixed)]\n    pub be_signed: Option<::nlwire::zerocopy::network_endian::I32>,"
    ));
    // netlink-raw: message ids are u16, no genl messages.
    assert!(code.contains("pub const PROTOCOL: u32 = 0;"));
    assert!(!code.contains("pub mod msg"));
}

#[test]
fn options_are_checked_and_applied() {
    let f = nlwire_schema::builtin::load("ovs_flow").unwrap().unwrap();
    let e = codegen::to_tokens(&f, &Options::new().list_set("nope")).unwrap_err();
    assert!(e.message.contains("\"nope\""));
    let e = codegen::to_tokens(&f, &Options::new().crate_path("not a path!")).unwrap_err();
    assert!(e.message.contains("not a Rust path"));
    let code = codegen::to_string_with(&f, &Options::new().crate_path("::nl")).unwrap();
    assert!(code.contains("#[derive(Clone, Debug, Default, PartialEq, Eq, ::nl::AttrSet)]"));
    assert!(code.contains("#[nla(crate = \"::nl\", name = \"flow-attrs\""));
    assert!(code.contains("#[::nl::wire(size = 4, crate = \"::nl\")]"));
    assert!(!code.contains("::nlwire::"));
}

#[test]
fn compile_writes_formatted_code_once() {
    let dir = std::env::temp_dir().join(format!("nlwire-codegen-test-{}", std::process::id()));
    let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-link.yaml");
    let path = nlwire_schema::compile(spec, &dir).unwrap();
    // The family's name in snake case, not the file's.
    assert_eq!(path, dir.join("corner_link.rs"));
    let code = std::fs::read_to_string(&path).unwrap();
    assert!(code.starts_with("// Generated by nlwire-schema from the `corner-link` spec."));
    assert!(code.contains("\npub struct LinkinfoAttrs {\n"));
    // Unchanged output is not rewritten (no rebuild of dependents).
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    nlwire_schema::compile(spec, &dir).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );

    // rustfmt leaves the output as it is (when rustfmt is installed).
    let check = std::process::Command::new("rustfmt")
        .args(["--edition", "2024", "--check"])
        .arg(&path)
        .output();
    if let Ok(out) = check {
        assert!(
            out.status.success(),
            "rustfmt would change the output:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn broken_spec_fails_compile_with_file_line_and_key() {
    let dir = std::env::temp_dir().join(format!("nlwire-codegen-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("bad.yaml");
    std::fs::write(
        &spec,
        "name: bad\ndoc: x\nattribute-sets:\n  - name: a\n    attributes:\n      - {name: b, type: u33}\noperations: {list: []}\n",
    )
    .unwrap();
    let e = nlwire_schema::compile(&spec, &dir).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("bad.yaml:6:"), "{text}");
    assert!(text.contains("type \"u33\""), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn struct_arrays_are_vecs_of_the_struct() {
    let spec = format!(
        "{HEAD}definitions:
  - {{name: zone, type: struct, members: [{{name: id, type: s32}}, {{name: limit, type: u32}}]}}
attribute-sets:
  - name: main
    attributes:
      - {{name: zones, type: binary, sub-type: binary, struct: zone, checks: {{min-len: 8}}}}
      - {{name: one, type: binary, struct: zone}}
      - {{name: ports, type: binary, sub-type: u32}}
operations: {{list: []}}
"
    );
    let code = generate(&spec);
    assert!(
        code.contains("#[nla(type = 1, array, min_len = 8)]\n    pub zones: Option<Vec<Zone>>,"),
        "{code}"
    );
    assert!(code.contains("A packed array of `zone` (8 bytes each"));
    assert!(code.contains("#[nla(type = 2, fixed)]\n    pub one: Option<Zone>,"));
    assert!(code.contains(
        "#[nla(type = 3, array)]\n    pub ports: Option<Vec<::nlwire::zerocopy::native_endian::U32>>,"
    ));
}

/// A family whose `top` set nests `key` (which alone reaches `deep`, `inner-s` and `e`)
/// and `shared` (which `key` nests too).
const EXTERN_SPEC: &str = "name: t
doc: T.
protocol: genetlink-legacy
definitions:
  - {name: hdr, type: struct, members: [{name: a, type: u32}]}
  - {name: inner-s, type: struct, members: [{name: b, type: u32, enum: e}]}
  - {name: e, type: enum, entries: [x, y]}
attribute-sets:
  - name: top
    attributes:
      - {name: key, type: nest, nested-attributes: key}
      - {name: acts, type: nest, nested-attributes: acts}
      - {name: both, type: nest, nested-attributes: shared}
  - name: key
    attributes:
      - {name: deep, type: nest, nested-attributes: deep}
      - {name: shared, type: nest, nested-attributes: shared}
  - name: deep
    attributes: [{name: s, type: binary, struct: inner-s}]
  - name: shared
    attributes: [{name: v, type: u8}]
  - name: acts
    attributes: [{name: out, type: u32, multi-attr: true}]
operations:
  fixed-header: hdr
  list:
    - {name: get, doc: Get., attribute-set: top, do: {request: {attributes: [key]}}}
";

#[test]
fn extern_sets_are_referenced_by_path_and_what_only_they_use_is_left_out() {
    let f = nlwire_schema::load_str(EXTERN_SPEC, "t.yaml").unwrap();
    let alone = codegen::to_string(&f);
    for item in [
        "pub struct Key {",
        "pub struct Deep {",
        "pub struct InnerS {",
        "pub struct E(",
    ] {
        assert!(alone.contains(item), "{item}\n{alone}");
    }

    let opts = Options::new()
        .list_set("acts")
        .extern_set("key", "crate::other::Key")
        .extern_set("acts", "crate::other::Acts");
    let code = codegen::to_string_with(&f, &opts).unwrap();
    assert!(
        code.contains("pub key: Option<crate::other::Key>,"),
        "{code}"
    );
    // A list set taken from elsewhere is still a list.
    assert!(code.contains("pub acts: Option<Vec<crate::other::Acts>>,"));
    assert!(code.contains("pub both: Option<Shared>,"));
    // Used by `top` as well: kept. Reached only through `key`: gone.
    assert!(code.contains("pub struct Shared {"));
    for gone in [
        "pub struct Key {",
        "pub enum Acts",
        "pub struct Deep {",
        "pub struct InnerS {",
        "pub struct E(",
    ] {
        assert!(!code.contains(gone), "{gone}\n{code}");
    }
    // The op's fixed header stays; messages hold the extern types through `top`.
    assert!(code.contains("pub struct Hdr {"));
    assert!(code.contains("pub attrs: super::Top,"));

    let e = codegen::to_tokens(&f, &Options::new().extern_set("nope", "crate::X")).unwrap_err();
    assert!(e.message.contains("\"nope\""), "{e}");
    let e = codegen::to_tokens(&f, &Options::new().extern_set("key", "not a path")).unwrap_err();
    assert!(e.message.contains("not a Rust path"), "{e}");
}

#[test]
fn compare_set_finds_the_first_difference_deep_down() {
    let a = nlwire_schema::load_str(EXTERN_SPEC, "a.yaml").unwrap();
    assert_eq!(a.compare_set("key", &a), Ok(()));
    // Docs do not matter.
    let b = nlwire_schema::load_str(
        &EXTERN_SPEC.replace("{name: v, type: u8}", "{name: v, type: u8, doc: Other.}"),
        "b.yaml",
    )
    .unwrap();
    assert_eq!(a.compare_set("key", &b), Ok(()));
    // A member's enum two levels down does.
    let c = nlwire_schema::load_str(&EXTERN_SPEC.replace("[x, y]", "[x, y, z]"), "c.yaml").unwrap();
    assert_eq!(
        a.compare_set("key", &c),
        Err("set `key` attribute `deep`: set `deep` attribute `s`: definition `inner-s` member `b`: \
             definition `e`: entries: [(\"x\", 0), (\"y\", 1)] here, [(\"x\", 0), (\"y\", 1), (\"z\", 2)] there"
            .into())
    );
    let d =
        nlwire_schema::load_str(&EXTERN_SPEC.replace("type: u8", "type: u16"), "d.yaml").unwrap();
    assert!(
        a.compare_set("key", &d)
            .unwrap_err()
            .ends_with("type: Int(U8) here, Int(U16) there")
    );
    assert!(
        a.compare_set("nope", &d)
            .unwrap_err()
            .contains("no set `nope`")
    );
}

/// A genetlink-legacy family with one op on `top`; `relax` is the op's `dont-validate`.
fn flag_spec(relax: &str) -> String {
    format!(
        "{HEAD}attribute-sets:
  - name: top
    attributes:
      - {{name: inner, type: nest, nested-attributes: inner}}
      - {{name: tagged, type: nest, nested-attributes: inner, doc: '[nla-f-nested] Strict.'}}
  - name: inner
    attributes: [{{name: x, type: u32}}]
  - name: replies
    attributes:
      - {{name: inner, type: nest, nested-attributes: inner}}
operations:
  list:
    - name: set
      doc: Set.
      attribute-set: top
      dont-validate: [{relax}]
      do: {{request: {{attributes: [inner]}}}}
"
    )
}

#[test]
fn nests_carry_nla_f_nested_where_the_kernel_validates_strictly() {
    // `dont-validate: strict`: only the tagged nest and the nests of a set no request
    // carries get the flag.
    let code = generate(&flag_spec("strict"));
    assert!(
        code.contains("#[nla(type = 1, nested)]\n    pub inner: Option<Inner>,"),
        "{code}"
    );
    assert!(code.contains("#[nla(type = 2, nested, flagged)]\n    pub tagged: Option<Inner>,"));
    assert!(code.contains("the spec's `[nla-f-nested]` tag"));
    assert!(code.contains("#[nla(type = 1, nested, flagged)]\n    pub inner: Option<Inner>,\n}"));
    // Validated strictly: every nest of the request's set.
    let code = generate(&flag_spec("dump"));
    assert!(
        code.contains("#[nla(type = 1, nested, flagged)]\n    pub inner: Option<Inner>,\n    ///"),
        "{code}"
    );
    // netlink-raw: the spec says nothing of validation; YNL flags every nest.
    let raw = flag_spec("strict")
        .replace(
            "protocol: genetlink-legacy",
            "protocol: netlink-raw\nprotonum: 0",
        )
        .replace("      dont-validate: [strict]\n", "");
    let code = generate(&raw);
    assert_eq!(code.matches(", flagged)]").count(), 3, "{code}");
}

#[test]
fn integers_with_an_enum_hold_its_newtype() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/specs/corner-enums.yaml");
    let f = nlwire_schema::load(path).unwrap_or_else(|e| panic!("{e}"));
    let code = codegen::to_string(&f);
    let field = |annotation: &str, decl: &str| {
        let want = format!("#[nla({annotation})]\n    pub {decl},");
        assert!(code.contains(&want), "no `{want}` in\n{code}");
    };
    // The attribute keeps its kind (its width and byte order); the field holds the newtype.
    field("type = 1, u8", "color: Option<Color>");
    field("type = 2, u32, flags_mask = 7", "finish: Option<Finish>");
    field("type = 4, be16, max = 32767", "carrier: Option<Carrier>");
    field("type = 9, u8, multi", "layer: Vec<Color>");
    // An enum read with enum-as-flags holds the enum's bit-set companion.
    field("type = 8, u32", "brushes: Option<BrushFlags>");
    assert!(code.contains("pub struct BrushFlags(pub u32);"));
    assert!(code.contains("pub const FAN: Self = Self(1 << 2);"));
    // Newtypes grow to hold their attributes: a u64 flags, a signed enum.
    field("type = 3, u64", "stock: Option<Stock>");
    assert!(code.contains("pub struct Stock(pub u64);"));
    field("type = 5, s8", "mood: Option<Mood>");
    assert!(code.contains("pub struct Mood(pub i64);"));
    // `grade` is used as an s16 and as a uint: the signed one wins, the uint stays raw and
    // says why.
    field("type = 7, s16", "delta: Option<Grade>");
    field("type = 6, uint", "score: Option<u64>");
    assert!(code.contains("pub struct Grade(pub i64);"));
    assert!(code.contains("held as the integer: the newtype holds an `i64`"));
    // Unused enums keep `u32`; every enum and flags type is an integer newtype.
    assert!(code.contains("pub struct Color(pub u32);"));
    for ty in [
        "Color",
        "Finish",
        "Stock",
        "Carrier",
        "Mood",
        "Grade",
        "Brush",
        "BrushFlags",
    ] {
        assert!(
            code.contains(&format!("impl ::nlwire::__private::IntNewtype for {ty} {{")),
            "{ty}"
        );
    }
    // Wire-struct members stay integers, with a note.
    assert!(code.contains("pub color: u8,"));
    assert!(code.contains("held as the integer (a member of a fixed wire struct)"));
}
