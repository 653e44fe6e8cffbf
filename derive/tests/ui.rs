//! Annotation mistakes are compile errors with spans, never panics. The expected compiler
//! output is in `ui/*.stderr` (regenerate with `TRYBUILD=overwrite` and review the diff).

#[test]
fn annotation_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
