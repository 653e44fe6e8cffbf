//! The public view types cannot be made to panic with bytes that fail validation: their
//! constructors validate, and every byte string derived from a valid encoding (each
//! truncation, each byte replaced by a few values) either is refused with an error or
//! yields a view whose every accessor works.

use nlwire::view::{AttrList, Lazy};
use nlwire::{AttrSet, Encode};

#[derive(Debug, Clone, PartialEq, nlwire::AttrSet)]
struct Key {
    #[nla(type = 3, u32)]
    in_port: Option<u32>,
    #[nla(type = 4, string)]
    name: Option<String>,
    #[nla(type = 1, nested)]
    encap: Option<Box<Key>>,
}

#[derive(Debug, Clone, PartialEq, nlwire::AttrSet)]
enum Action {
    #[nla(type = 1, u32)]
    Output(u32),
    #[nla(type = 2, nested)]
    Set(Key),
    #[nla(type = 5)]
    PopVlan,
}

/// Every truncation of `valid`, and `valid` with each byte set to 0, 1, 0x7f and 0xff.
fn mutations(valid: &[u8]) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = (0..valid.len()).map(|n| valid[..n].to_vec()).collect();
    for i in 0..valid.len() {
        for b in [0u8, 1, 0x7f, 0xff] {
            let mut m = valid.to_vec();
            m[i] = b;
            out.push(m);
        }
    }
    out
}

fn key() -> Key {
    Key {
        in_port: Some(7),
        name: Some("p0".into()),
        encap: Some(Box::new(Key {
            in_port: Some(8),
            name: None,
            encap: None,
        })),
    }
}

#[test]
fn lazy_refuses_what_does_not_decode_and_never_panics() {
    let valid = key().encode_to_vec().unwrap();
    let (mut refused, mut accepted) = (0, 0);
    for bytes in mutations(&valid) {
        match Lazy::<Key>::new(&bytes) {
            Ok(lazy) => {
                accepted += 1;
                let view = lazy.get();
                // Everything reachable from the view works, nested lazies included.
                let _ = format!("{lazy:?}");
                let _ = Key::from_view(view);
                if let Some(inner) = view.encap {
                    let _ = inner.get();
                }
                assert!(lazy == lazy);
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(
        refused > 0 && accepted > 0,
        "{refused} refused, {accepted} accepted"
    );
    assert_eq!(nlwire::__private::redecode_failures(), 0);
}

#[test]
fn attr_list_refuses_what_does_not_decode_and_never_panics() {
    let actions = vec![Action::Output(1), Action::Set(key()), Action::PopVlan];
    let valid = actions.encode_to_vec().unwrap();
    let (mut refused, mut accepted) = (0, 0);
    for bytes in mutations(&valid) {
        match AttrList::<Action>::new(&bytes) {
            Ok(list) => {
                accepted += 1;
                let items: Vec<_> = list.iter().collect();
                let _ = format!("{list:?}");
                let owned = Vec::<Action>::from_view(list);
                assert_eq!(owned.len(), items.len());
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(
        refused > 0 && accepted > 0,
        "{refused} refused, {accepted} accepted"
    );
    assert_eq!(nlwire::__private::redecode_failures(), 0);
}

#[test]
fn the_valid_encodings_round_trip() {
    let valid = key().encode_to_vec().unwrap();
    assert_eq!(
        Key::from_view(Lazy::<Key>::new(&valid).unwrap().get()),
        key()
    );
    let actions = vec![Action::Output(1), Action::Set(key()), Action::PopVlan];
    let bytes = actions.encode_to_vec().unwrap();
    let list = AttrList::<Action>::new(&bytes).unwrap();
    assert_eq!(Vec::<Action>::from_view(list), actions);
}
