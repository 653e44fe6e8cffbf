//! transport (pending)
