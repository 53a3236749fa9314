//! Turning HTML form fields into the domain's inputs (the JSON API deserialises the same
//! input types directly), and presenting stored values in Japanese.

use jukiops_domain::FieldErrors;
use jukiops_domain::audit::AuditEntry;
use jukiops_domain::inventory::{AssetStatus, SiteInput, field_label};
use jukiops_domain::people::Role;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The site form: coordinates arrive as text.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SiteForm {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub lat: String,
    #[serde(default)]
    pub lon: String,
}

fn coordinate(errors: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<f64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            errors.push(field, format!("{label}は数値で入力してください。"));
            None
        }
    }
}

impl SiteForm {
    pub fn to_input(&self) -> Result<SiteInput, FieldErrors> {
        let mut e = FieldErrors::default();
        let lat = coordinate(&mut e, "lat", "緯度", &self.lat);
        let lon = coordinate(&mut e, "lon", "経度", &self.lon);
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        e.into_result(SiteInput {
            code: self.code.clone(),
            name: self.name.clone(),
            postal_code: opt(&self.postal_code),
            address: opt(&self.address),
            lat,
            lon,
        })
    }
}

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

fn entity_label(entity: &str) -> &str {
    if let Some(l) = crate::job_labels::entity(entity) {
        return l;
    }
    match entity {
        "site" => "拠点",
        "terminal" => "統合端末",
        "touch_panel" => "タッチパネル",
        "terminal_import" => "統合端末CSV取込",
        "user" => "利用者",
        "api_token" => "APIトークン",
        "calendar_override" => "臨時の閉庁日・開庁日",
        "off_hours" => "時間外作業",
        "permit" => "入館許可",
        "visit" => "訪問",
        "plan" => "全拠点計画",
        other => other,
    }
}

fn action_label(action: &str) -> &str {
    if let Some(l) = crate::job_labels::action(action) {
        return l;
    }
    match action {
        "create" => "登録",
        "update" => "変更",
        "import" => "取込",
        "attach_touch_panel" => "タッチパネル接続",
        "detach" => "取り外し",
        "revoke" => "失効",
        "change_password" => "パスワード変更",
        "decide" => "判断",
        "agree" => "本市の同意",
        "delete" => "削除",
        other => other,
    }
}

fn change_field_label(field: &str) -> &str {
    match field {
        "code" => "拠点コード",
        "name" => "名称",
        "postal_code" => "郵便番号",
        "address" => "所在地",
        "lat" => "緯度",
        "lon" => "経度",
        "username" => "ログインID",
        "display_name" => "氏名",
        "role" => "ロール",
        "disabled" => "無効",
        "password" => "パスワード",
        "touch_panel" => "タッチパネル",
        "terminal" => "統合端末",
        "revoked_at" => "失効日時",
        "expires_at" => "有効期限",
        "created" => "新規件数",
        "updated" => "更新件数",
        "site" => "拠点",
        "date" => "日付",
        "start" => "開始時刻",
        "end" => "終了時刻",
        "cause" => "事由の区分",
        "reason" => "理由",
        "worker_ids" => "作業従事者",
        "terminal_ids" => "統合端末",
        "purpose" => "作業内容",
        "kind" => "種類",
        "valid_from" => "有効期間(開始)",
        "valid_to" => "有効期間(終了)",
        "note" => "備考",
        "comment" => "コメント",
        "plan_id" => "全拠点計画",
        "request_id" => "作業依頼書",
        "agreed_by" => "本市の同意",
        "title" => "計画名",
        "visits" => "訪問件数",
        "within_deadline" => "期限内",
        "cost_minutes" => "作業・移動時間の合計(分)",
        "is_open" => "開庁日",
        other => field_label(other),
    }
}

/// A stored code of the schedule (statuses, causes, permit kinds) in Japanese.
fn schedule_code(entity: &str, field: &str, code: &str) -> Option<&'static str> {
    use jukiops_domain::schedule::{
        OffHoursCause, OffHoursStatus, PermitKind, PermitStatus, VisitStatus,
    };
    match (entity, field) {
        ("off_hours", "status") => OffHoursStatus::parse(code).map(OffHoursStatus::label_ja),
        ("off_hours", "cause") => OffHoursCause::parse(code).map(OffHoursCause::label_ja),
        ("permit", "status") => PermitStatus::parse(code).map(PermitStatus::label_ja),
        ("permit", "kind") => PermitKind::parse(code).map(PermitKind::label_ja),
        ("visit", "status") => VisitStatus::parse(code).map(VisitStatus::label_ja),
        _ => None,
    }
}

fn show_field(entity: &str, field: &str, v: &Value) -> String {
    let code = |s: &str| {
        schedule_code(entity, field, s).or_else(|| crate::job_labels::code(entity, field, s))
    };
    match v.as_str().and_then(code) {
        Some(label) => label.to_string(),
        None => show(v),
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "(なし)".into(),
        Value::Bool(true) => "はい".into(),
        Value::Bool(false) => "いいえ".into(),
        Value::String(s) => AssetStatus::parse(s)
            .map(|st| st.label_ja().to_string())
            .or_else(|| Role::parse(s).map(|r| r.label_ja().to_string()))
            .unwrap_or_else(|| {
                if s == "changed" {
                    "変更済み".into()
                } else {
                    s.clone()
                }
            }),
        other => other.to_string(),
    }
}

/// An audit entry for display: Japanese labels and one line per changed field.
pub fn audit_view(e: &AuditEntry) -> Value {
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
            let label =
                crate::job_labels::field(&e.entity, k).unwrap_or_else(|| change_field_label(k));
            json!({"label": label, "before": show_field(&e.entity, k, &before),
                "after": show_field(&e.entity, k, &after)})
        })
        .collect();
    json!({"seq": e.seq, "at": e.at, "actor": e.actor, "entity_label": entity_label(&e.entity), "entity_id": e.entity_id,
        "action_label": action_label(&e.action), "changes": changes})
}

/// Accepts `true`/`false` as JSON booleans or as form text.
pub fn flexible_bool<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum B {
        Bool(bool),
        Text(String),
    }
    match Option::<B>::deserialize(d)? {
        None => Ok(None),
        Some(B::Bool(b)) => Ok(Some(b)),
        Some(B::Text(t)) => match t.as_str() {
            "true" | "1" | "on" => Ok(Some(true)),
            "false" | "0" | "off" | "" => Ok(Some(false)),
            _ => Err(serde::de::Error::custom("true か false を指定してください")),
        },
    }
}
