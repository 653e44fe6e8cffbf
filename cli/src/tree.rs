//! The indented tree shown on a terminal: YAML-like, scalars inline, lists of scalars
//! on one line, nested objects and lists of objects indented.

use serde_json::Value;

/// Renders `v` as an indented tree (no trailing newline).
///
/// ```
/// use nlwire_cli::tree::render;
/// let v = serde_json::json!({"name": "lo", "ops": [{"id": 1}], "flags": ["a", "b"]});
/// assert_eq!(render(&v), "name: lo\nops:\n  - id: 1\nflags: [a, b]");
/// ```
pub fn render(v: &Value) -> String {
    let mut lines = Vec::new();
    block(v, 0, &mut lines);
    lines.join("\n")
}

fn scalar(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.is_empty() => "\"\"".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        Value::Array(a) if a.iter().all(|x| !x.is_array() && !x.is_object()) => {
            let items: Vec<String> = a.iter().filter_map(scalar).collect();
            format!("[{}]", items.join(", "))
        }
        _ => return None,
    })
}

fn block(v: &Value, indent: usize, lines: &mut Vec<String>) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(o) => {
            for (k, val) in o {
                match scalar(val) {
                    Some(s) => lines.push(format!("{pad}{k}: {s}")),
                    None => {
                        lines.push(format!("{pad}{k}:"));
                        block(val, indent + 2, lines);
                    }
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                match scalar(item) {
                    Some(s) => lines.push(format!("{pad}- {s}")),
                    None => {
                        let mut inner = Vec::new();
                        block(item, indent + 2, &mut inner);
                        if let Some(first) = inner.first_mut() {
                            *first = format!("{pad}- {}", first.trim_start());
                        }
                        lines.extend(inner);
                    }
                }
            }
        }
        other => lines.push(format!("{pad}{}", scalar(other).unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_lists_and_scalars() {
        let v = json!({"name": "lo", "ops": [{"id": 1, "flags": ["do"]}, {"id": 2}],
                       "link": {"mtu": 65536}, "empty": "", "none": {}});
        assert_eq!(
            render(&v),
            "name: lo\nops:\n  - id: 1\n    flags: [do]\n  - id: 2\nlink:\n  mtu: 65536\nempty: \"\"\nnone: {}"
        );
    }
}
