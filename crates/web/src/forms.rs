//! Turning HTML form fields into the domain's inputs (the JSON API deserialises the same
//! input types directly), and presenting stored values in Japanese.

use jukiops_domain::audit::{AuditEntry, Entity};
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

/// A value of an audit entry for people: a stored code as its Japanese label, nothing as
/// (なし), flags as はい/いいえ.
fn show_value(entity: Option<Entity>, field: &str, v: &Value) -> String {
    match v {
        Value::Null => "(なし)".into(),
        Value::Bool(true) => "はい".into(),
        Value::Bool(false) => "いいえ".into(),
        Value::String(s) if s == "changed" => "変更済み".into(),
        Value::String(s) => entity
            .and_then(|e| e.code_label(field, s))
            .map_or_else(|| s.clone(), str::to_string),
        other => other.to_string(),
    }
}

/// An audit entry for display: Japanese labels and one line per changed field (an entry
/// of a kind this version does not know shows its codes as they are).
pub fn audit_view(e: &AuditEntry) -> Value {
    let entity = Entity::parse(&e.entity);
    let changes: Vec<Value> = serde_json::from_str::<Value>(&e.changes)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
        .iter()
        .map(|(k, c)| {
            let (before, after) = match c {
                Value::Object(o) => (
                    o.get("before").cloned().unwrap_or(Value::Null),
                    o.get("after").cloned().unwrap_or(Value::Null),
                ),
                other => (Value::Null, other.clone()),
            };
            let label = entity
                .and_then(|x| x.field_label(k))
                .map_or_else(|| k.clone(), str::to_string);
            json!({"label": label, "before": show_value(entity, k, &before),
                "after": show_value(entity, k, &after)})
        })
        .collect();
    json!({"seq": e.seq, "at": e.at, "actor": e.actor,
        "entity_label": entity.map_or(e.entity.as_str(), |x| x.label_ja()), "entity_id": e.entity_id,
        "action_label": entity.and_then(|x| x.action_label(&e.action)).unwrap_or(&e.action),
        "changes": changes})
}

/// What an action code reads as, whichever kind of record it was done to.
pub fn action_label(code: &str) -> String {
    Entity::ALL
        .iter()
        .find_map(|e| e.action_label(code))
        .map_or_else(|| code.to_string(), str::to_string)
}

/// An audit entry as a row of the audit list's export: the time in Japan, labels, and the
/// changes on one line each.
pub fn audit_row(e: &AuditEntry) -> Value {
    let mut v = audit_view(e);
    let changes: Vec<String> = v["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            format!(
                "{}: {} → {}",
                c["label"].as_str().unwrap_or_default(),
                c["before"].as_str().unwrap_or_default(),
                c["after"].as_str().unwrap_or_default()
            )
        })
        .collect();
    let at = jukiops_domain::time::from_db(&e.at)
        .map_or_else(|| e.at.clone(), jukiops_domain::time::display_jst);
    if let Some(o) = v.as_object_mut() {
        o.insert("at_jst".into(), json!(at));
        o.insert("changes_text".into(), json!(changes.join("\n")));
    }
    v
}

/// An account as a row of the export: its state and second factor in words, the time of
/// its registration in Japan time.
pub fn user_row(u: &jukiops_store::User) -> Value {
    let mut v = with_labels(serde_json::to_value(u).unwrap_or(Value::Null));
    if let Some(o) = v.as_object_mut() {
        let state = if u.disabled { "無効" } else { "有効" };
        o.insert("state_label".into(), json!(state));
        let factor = if u.second_factor {
            "登録済み"
        } else {
            "未登録"
        };
        o.insert("second_factor_label".into(), json!(factor));
        let at = jukiops_domain::time::from_db(&u.created_at)
            .map_or_else(|| u.created_at.clone(), jukiops_domain::time::display_jst);
        o.insert("created_at_jst".into(), json!(at));
    }
    v
}
