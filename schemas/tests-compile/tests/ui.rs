//! Compile errors of `nlwire::schema!`: a broken spec names its file, line and key; a
//! missing file and bad options point at the macro input. Expected output in `tests/ui`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
