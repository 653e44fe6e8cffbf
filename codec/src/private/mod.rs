//! What only generated code calls: the decode context, the attribute writers, field
//! kinds, selectors, checks and `arbitrary` helpers. Not API: names and signatures here
//! change with the derive macros that emit calls to them.

#[cfg(feature = "arbitrary")]
mod arb;
mod check;
mod cx;
mod field;
mod int_newtype;
mod put;
mod select;

#[cfg(feature = "arbitrary")]
pub use arb::*;
pub use check::*;
pub use cx::*;
pub use field::*;
pub use int_newtype::*;
pub use put::*;
pub use select::*;

pub use crate::traits::*;
pub use crate::view::*;

/// Expands its input when `nlwire` is built with the `arbitrary` feature, and to nothing
/// otherwise. Derived code wraps its `arbitrary::Arbitrary` impls in it, so the impls
/// follow *nlwire's* feature, not a feature of the crate that uses the derive.
#[cfg(feature = "arbitrary")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_arbitrary {
    ($($t:tt)*) => { $($t)* };
}

/// Expands its input when `nlwire` is built with the `arbitrary` feature, and to nothing
/// otherwise.
#[cfg(not(feature = "arbitrary"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_arbitrary {
    ($($t:tt)*) => {};
}

#[cfg(test)]
mod tests;
