//! Integer-or-name values: check bounds, lengths, `value-start`.

use std::collections::HashMap;

use super::{Ctx, here};
use crate::error::ErrorKind;
use crate::ir::IntType;
use crate::raw::{IntOrStr, RawDefinition, Sp};

/// What a definition name stands for when used as a number.
enum Named {
    Int(i128),
    Other(&'static str),
}

/// Definitions by name, as far as numbers are concerned.
pub(crate) struct Consts(HashMap<String, Named>);

impl Consts {
    /// Reads the const values straight from the raw definitions (they depend on nothing).
    pub(crate) fn from_raw(defs: &[Sp<RawDefinition>]) -> Self {
        let mut map = HashMap::new();
        for d in defs {
            let d = &d.value;
            let named = match (d.ty.value.as_str(), d.value.as_ref().map(|v| &v.value)) {
                ("const", Some(IntOrStr::Int(v))) => Named::Int(*v),
                ("const", _) => Named::Other("string const"),
                ("enum", _) => Named::Other("enum"),
                ("flags", _) => Named::Other("flags"),
                ("struct", _) => Named::Other("struct"),
                _ => Named::Other("definition"),
            };
            map.entry(d.name.value.clone()).or_insert(named);
        }
        Self(map)
    }

    fn int(&self, name: &str) -> Result<Option<i128>, String> {
        match self.0.get(name) {
            Some(Named::Int(v)) => Ok(Some(*v)),
            Some(Named::Other(kind)) => Err(format!("names a {kind}, not an integer const")),
            None => Ok(None),
        }
    }
}

/// `u8-min` ... `s64-max`.
fn type_limit(s: &str) -> Option<i128> {
    let (ty, end) = s.rsplit_once('-')?;
    let (min, max) = IntType::parse(ty)?.bounds();
    match end {
        "min" => Some(min),
        "max" => Some(max),
        _ => None,
    }
}

/// An integer bound: a literal, a const name, or a type limit.
fn limit(consts: &Consts, v: &IntOrStr) -> Result<i128, String> {
    let s = match v {
        IntOrStr::Int(i) => return Ok(*i),
        IntOrStr::Str(s) => s,
    };
    if let Some(v) = consts.int(s)? {
        return Ok(v);
    }
    type_limit(s).ok_or_else(|| "is neither an integer, a const nor a type limit".to_owned())
}

/// A length: a literal, a const name, or `NAME - 1`.
fn length(consts: &Consts, v: &IntOrStr) -> Result<i128, String> {
    let s = match v {
        IntOrStr::Int(i) => return Ok(*i),
        IntOrStr::Str(s) => s,
    };
    if let Ok(n) = s.trim().parse::<i128>() {
        return Ok(n);
    }
    let (name, minus) = match s.strip_suffix(" - 1") {
        Some(name) => (name, 1),
        None => (s.as_str(), 0),
    };
    match consts.int(name)? {
        Some(v) => Ok(v - minus),
        None => Err("is neither an integer nor a const".to_owned()),
    }
}

impl Ctx<'_> {
    /// Resolves an integer bound, reporting a name that does not resolve.
    pub(crate) fn limit(
        &mut self,
        consts: &Consts,
        v: &Sp<IntOrStr>,
        key: &'static str,
        cx: &str,
    ) -> Option<i128> {
        self.resolved(limit(consts, &v.value), v, key, cx)
    }

    /// Resolves a byte length into `0..=u32::MAX`.
    pub(crate) fn length(
        &mut self,
        consts: &Consts,
        v: &Sp<IntOrStr>,
        key: &'static str,
        cx: &str,
    ) -> Option<u32> {
        let n = self.resolved(length(consts, &v.value), v, key, cx)?;
        self.in_range(n, (0, u32::MAX.into()), key, here(v), cx)
            .map(|n| n as u32)
    }

    fn resolved(
        &mut self,
        r: Result<i128, String>,
        v: &Sp<IntOrStr>,
        key: &'static str,
        cx: &str,
    ) -> Option<i128> {
        match r {
            Ok(n) => Some(n),
            Err(reason) => {
                let text = match &v.value {
                    IntOrStr::Int(i) => i.to_string(),
                    IntOrStr::Str(s) => s.clone(),
                };
                self.err(here(v), cx, ErrorKind::BadLimit { key, text, reason });
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_limits() {
        assert_eq!(type_limit("u32-max"), Some(u32::MAX.into()));
        assert_eq!(type_limit("s16-min"), Some(i16::MIN.into()));
        assert_eq!(type_limit("u64-min"), Some(0));
        assert_eq!(type_limit("u32-mid"), None);
        assert_eq!(type_limit("max"), None);
    }

    #[test]
    fn lengths() {
        let c = Consts(HashMap::from([("n".to_owned(), Named::Int(16))]));
        assert_eq!(length(&c, &IntOrStr::Str("n - 1".into())), Ok(15));
        assert_eq!(length(&c, &IntOrStr::Str("n".into())), Ok(16));
        assert_eq!(length(&c, &IntOrStr::Str("8".into())), Ok(8));
        assert!(length(&c, &IntOrStr::Str("m".into())).is_err());
    }
}
