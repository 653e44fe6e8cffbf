//! Derive macros for `nlwire`. Use them through `nlwire` (feature `derive`), not directly.
