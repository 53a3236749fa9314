//! Turning HTML form fields into the domain's inputs (the JSON API deserialises the same
//! input types directly), and presenting stored values in Japanese.

use jukiops_domain::inventory::AssetStatus;
use jukiops_domain::people::Role;
use serde::Serialize;
use serde_json::{Value, json};

/// `[{value, label}]` for a `<select>` of statuses.
pub fn status_options() -> Value {
    Value::Array(
        AssetStatus::ALL
            .iter()
            .map(|s| json!({"value": s.as_str(), "label": s.label_ja()}))
            .collect(),
    )
}

pub fn role_options() -> Value {
    Value::Array(
        Role::ALL
            .iter()
            .map(|r| json!({"value": r.as_str(), "label": r.label_ja()}))
            .collect(),
    )
}

/// Adds `<key>_label` (Japanese) next to a serialised status or role field.
pub fn with_labels(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        if let Some(s) = o
            .get("status")
            .and_then(Value::as_str)
            .and_then(AssetStatus::parse)
        {
            o.insert("status_label".into(), json!(s.label_ja()));
        }
        if let Some(r) = o.get("role").and_then(Value::as_str).and_then(Role::parse) {
            o.insert("role_label".into(), json!(r.label_ja()));
        }
        if let Some(k) = o
            .get("kind")
            .and_then(Value::as_str)
            .and_then(jukiops_domain::inventory::AssetEventKind::parse)
        {
            o.insert("kind_label".into(), json!(k.label_ja()));
        }
    }
    v
}

pub fn labelled<T: Serialize>(items: &[T]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|i| with_labels(serde_json::to_value(i).unwrap_or(Value::Null)))
            .collect(),
    )
}
