//! The types generated views hold: lists of attributes ([`AttrList`]), lazily decoded
//! nests ([`Lazy`]), repeated ([`Multi`]) and indexed ([`Indexed`]) attributes,
//! [`Bitfield32`], attributes kept raw ([`RawAttr`]) and what a view counted of what it
//! skipped ([`ViewMeta`]). They borrow the received bytes; nothing here allocates, and no
//! method panics on any input.

mod bitfield;
mod lists;
mod raw;

pub use bitfield::*;
pub use lists::*;
pub use raw::*;
