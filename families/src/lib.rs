//! Typed netlink families generated from `schemas/specs`.
#![forbid(unsafe_code)]
