//! Attributes without a schema, as a raw TLV tree: `"#<type>"` keys, nests (attributes
//! flagged `NLA_F_NESTED`) as objects, everything else as hex.

use nlwire::{AttrPath, Attrs, Error as WireError};
use serde_json::{Map, Value};

use super::text::hex;
use super::{Problem, join_path, wire_message};

/// The raw tree of `bytes` and the framing problems found in it.
pub fn raw_tree(
    bytes: &[u8],
    path: &str,
    depth: usize,
    max_depth: usize,
) -> (Map<String, Value>, Vec<Problem>) {
    let mut out = Map::new();
    let mut problems = Vec::new();
    walk(bytes, path, depth, max_depth, &mut out, &mut problems);
    (out, problems)
}

fn walk(
    bytes: &[u8],
    path: &str,
    depth: usize,
    max_depth: usize,
    out: &mut Map<String, Value>,
    problems: &mut Vec<Problem>,
) {
    let at = |p: &str| {
        if p.is_empty() {
            "<top>".to_string()
        } else {
            p.to_string()
        }
    };
    if depth > max_depth {
        let msg = wire_message(&WireError::TooDeep {
            path: AttrPath::root(),
            limit: max_depth,
        });
        problems.push(Problem {
            path: at(path),
            message: msg.clone(),
        });
        out.insert("!malformed".into(), Value::String(msg));
        return;
    }
    for a in Attrs::new(bytes) {
        let a = match a {
            Ok(a) => a,
            Err(e) => {
                let msg = wire_message(&e);
                problems.push(Problem {
                    path: at(path),
                    message: msg.clone(),
                });
                out.insert("!malformed".into(), Value::String(msg));
                return;
            }
        };
        let key = format!("#{}", a.ty());
        let v = if a.is_nested_flagged() {
            let mut inner = Map::new();
            walk(
                a.payload(),
                &join_path(path, &key),
                depth + 1,
                max_depth,
                &mut inner,
                problems,
            );
            Value::Object(inner)
        } else {
            Value::String(hex(a.payload()))
        };
        match out.get_mut(&key) {
            Some(Value::Array(items)) => items.push(v),
            Some(prev) => {
                let old = std::mem::take(prev);
                *prev = Value::Array(vec![old, v]);
            }
            None => {
                out.insert(key, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_flag_makes_a_subtree_and_bad_lengths_are_reported() {
        let mut b = nlwire::MsgBuf::new();
        let n = b.start_nested_flagged(1);
        b.put_attr_u32(2, 7).unwrap();
        b.end_nested(n).unwrap();
        b.put_attr(3, &[0xab]).unwrap();
        let (t, p) = raw_tree(b.as_slice(), "", 1, 32);
        assert!(p.is_empty());
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r##"{"#1":{"#2":"07000000"},"#3":"ab"}"##
        );

        let (t, p) = raw_tree(&[9, 0, 1, 0, 0], "", 1, 32);
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("nla_len 9"), "{}", p[0].message);
        assert!(t.contains_key("!malformed"));
    }
}
