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

/// What an action code reads as, whichever kind of record it was done to.
pub fn action_label(code: &str) -> String {
    Entity::ALL
        .iter()
        .find_map(|e| e.action_label(code))
        .map_or_else(|| code.to_string(), str::to_string)
}

/// Audit entries as rows of the audit list's export, keyed by their number: as the page
/// reads them (names, labels, Japan time), the changes one line each.
pub async fn audit_rows(
    state: &crate::AppState,
    entries: &[AuditEntry],
) -> Result<std::collections::HashMap<i64, Value>, crate::error::AppError> {
    let shown = state.app.shown(entries).await?;
    Ok(entries
        .iter()
        .zip(shown)
        .map(|(raw, e)| {
            let text = |pieces: &[jukiops_domain::audit::Piece]| {
                pieces
                    .iter()
                    .map(|p| p.text.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            let changes: Vec<String> = e
                .changes
                .iter()
                .map(|c| match &c.before {
                    Some(before) => format!("{}: {} → {}", c.label, text(before), text(&c.after)),
                    None => format!("{}: {}", c.label, text(&c.after)),
                })
                .collect();
            let row = json!({"seq": e.seq, "at_jst": e.at, "actor": e.actor, "entity_label": e.entity,
                "entity_id": raw.entity_id, "action_label": e.action, "changes_text": changes.join("\n")});
            (raw.seq, row)
        })
        .collect())
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
