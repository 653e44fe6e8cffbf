//! Target: the YNL schema loader on arbitrary text (errors, never a panic, bounded work).

/// Loads `data` (as lossy UTF-8) as a YNL spec; any result but a panic is fine.
///
/// ```
/// nlwire_fuzz::schema_load(b"name: x\nattribute-sets: [{name: a, attributes: [{name: b, type: u32}]}]\n");
/// ```
pub fn schema_load(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(family) = nlwire_schema::load_str(&text, "fuzz.yaml") {
        for set in &family.attr_sets {
            for attr in &set.attrs {
                std::hint::black_box((&attr.name, attr.value));
            }
        }
    }
}
