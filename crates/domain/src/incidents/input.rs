//! What people type about incidents (the form or the API), checked field by field.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::swap::Replacement;
use super::vocab::{EventKind, PauseReason, Urgency};
use crate::contract::{CategoryCode, PartyKind};
use crate::inventory::{MAX_CODE, MAX_SHORT};
use crate::rules::required_instant;
use crate::validation::{FieldErrors, optional_text, required_text};
use crate::vocab as v;

/// The longest symptom, in characters.
pub const MAX_SYMPTOM: usize = 1000;
/// The longest note of an event, in characters.
pub const MAX_EVENT_NOTE: usize = 2000;
/// The longest short text (fallback, inquiry number), in characters.
pub const MAX_TEXT: usize = 200;
/// The longest target, in business minutes (about a year of working days).
const MAX_TARGET_MINUTES: i64 = 200_000;

/// The Japanese names of an incident's recorded fields.
pub const INCIDENT_FIELDS: &[(&str, &str)] = &[
    ("category", "作業区分"),
    ("device", "障害機器"),
    ("terminal_id", "統合端末"),
    ("terminal", "統合端末"),
    ("touch_panel", "タッチパネル"),
    ("reported_at", "障害の報告日時"),
    ("symptom", "症状"),
    ("can_continue", "業務の継続"),
    ("fallback", "代替手段"),
    ("urgency", "緊急度"),
    ("fault_report_id", "区役所からの故障報告"),
    ("fault_report", "区役所からの故障報告"),
    ("status", "状態"),
];

/// The Japanese names of an event's recorded fields.
pub const EVENT_FIELDS: &[(&str, &str)] = &[
    ("kind", "記録の種類"),
    ("at", "日時"),
    ("note", "内容"),
    ("inquiry_number", "J-LISの問い合わせ番号"),
    ("pause_reason", "保留の理由"),
    ("lessor_contact", "機器賃貸業者の連絡先"),
    ("new_asset_number", "交換後の機器の資産番号"),
    ("new_serial", "交換後の機器の製造番号"),
    ("new_model", "交換後の機器の機種"),
    ("replacement_id", "交換後の機器"),
    ("tasks", "再設定作業"),
    ("party", "関与した事業者"),
    ("party_contact", "関与した事業者の連絡先"),
    ("city_notified_at", "本市への事前連絡の日時"),
    ("task_id", "再設定作業"),
    ("task", "再設定作業"),
];

/// The Japanese names of the service-level settings' fields.
pub const SETTINGS_FIELDS: &[(&str, &str)] = &[
    ("effective_from", "適用開始日時"),
    ("respond_minutes", "対応時間の目標（営業分）"),
    ("recover_minutes", "復旧時間の目標（営業分）"),
    ("near_share_percent", "接近とみなす割合（％）"),
];

/// An incident as reported (the form or the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct IncidentInput {
    /// `キ` (統合端末の障害) or `ク` (タッチパネルの障害).
    pub category: String,
    /// The terminal that failed, or the one the failed touch panel belongs to.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub terminal_id: Option<i64>,
    /// When the fault was reported, Japan time `YYYY-MM-DDTHH:MM`; empty is now.
    pub reported_at: Option<String>,
    /// What is wrong.
    pub symptom: String,
    /// Can the ward office keep working (with the fallback)?
    #[serde(deserialize_with = "crate::validation::flexible_bool")]
    pub can_continue: Option<bool>,
    /// The fallback used meanwhile (another terminal, paper forms, ...).
    pub fallback: Option<String>,
    /// `high` / `normal` / `low` (or 至急・通常・低); empty is normal.
    pub urgency: Option<String>,
    /// The ward office's fault report this incident takes up, if any.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub fault_report_id: Option<i64>,
}

/// A checked incident report, still to be judged against the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentDraft {
    pub category: CategoryCode,
    pub terminal_id: i64,
    /// `None`: now.
    pub reported_at: Option<DateTime<Utc>>,
    pub symptom: String,
    pub can_continue: bool,
    pub fallback: Option<String>,
    pub urgency: Urgency,
    pub fault_report_id: Option<i64>,
}

fn optional_instant(
    e: &mut FieldErrors,
    field: &str,
    label: &str,
    value: Option<&str>,
) -> Option<DateTime<Utc>> {
    let value = value.map(str::trim).filter(|s| !s.is_empty())?;
    required_instant(e, field, label, value)
}

impl IncidentInput {
    pub fn check(&self) -> Result<IncidentDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let category = CategoryCode::from_kana(&self.category)
            .filter(|c| super::INCIDENT_CATEGORIES.contains(c));
        if category.is_none() {
            e.push(
                "category",
                "作業区分は キ（統合端末の障害）または ク（タッチパネルの障害）を指定してください。",
            );
        }
        if self.terminal_id.is_none() {
            e.push("terminal_id", "障害が起きた統合端末を選んでください。");
        }
        let reported_at = optional_instant(
            &mut e,
            "reported_at",
            "障害の報告日時",
            self.reported_at.as_deref(),
        );
        let symptom = required_text(&mut e, "symptom", "症状", &self.symptom, MAX_SYMPTOM);
        let fallback = optional_text(
            &mut e,
            "fallback",
            "代替手段",
            self.fallback.as_deref(),
            MAX_TEXT,
        );
        let urgency = v::optional::<Urgency>(&mut e, "urgency", "緊急度", self.urgency.as_deref())
            .unwrap_or(Urgency::Normal);
        match (category, self.terminal_id) {
            (Some(category), Some(terminal_id)) if e.is_empty() => Ok(IncidentDraft {
                category,
                terminal_id,
                reported_at,
                symptom,
                can_continue: self.can_continue.unwrap_or(false),
                fallback,
                urgency,
                fault_report_id: self.fault_report_id,
            }),
            _ => Err(e),
        }
    }
}

/// One event of the timeline as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EventInput {
    /// The event's code (`acknowledged`, `jlis_asked`, ...).
    pub kind: String,
    /// When it happened, Japan time `YYYY-MM-DDTHH:MM`; empty is now.
    pub at: Option<String>,
    /// What was done, asked or answered (required for inquiries, answers, actions, notes).
    pub note: Option<String>,
    /// J-LIS's inquiry number (required for an answer).
    pub inquiry_number: Option<String>,
    /// `lessor` or `jlis` (required for a pause).
    pub pause_reason: Option<String>,
    /// The replacement's asset number (required for `device_replaced`).
    pub new_asset_number: Option<String>,
    /// The replacement's serial number (required for `device_replaced`).
    pub new_serial: Option<String>,
    /// The replacement's model; empty: the failed device's.
    pub new_model: Option<String>,
    /// `operations_contractor` or `network_contractor` (required for `party_involved`).
    pub party: Option<String>,
    /// When the City was told beforehand, Japan time (required for `party_involved`).
    pub city_notified_at: Option<String>,
    /// The re-setup task done (required for `task_done`).
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub task_id: Option<i64>,
}

/// A checked event, still to be judged against the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDraft {
    pub kind: EventKind,
    /// `None`: now.
    pub at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub inquiry_number: Option<String>,
    pub pause_reason: Option<PauseReason>,
    /// For `device_replaced`.
    pub replacement: Option<Replacement>,
    /// For `party_involved`: the party and when the City was told.
    pub party: Option<(PartyKind, DateTime<Utc>)>,
    /// For `task_done`.
    pub task_id: Option<i64>,
}

impl EventDraft {
    /// An event of `kind` now, with nothing else said.
    pub fn new(kind: EventKind) -> Self {
        Self {
            kind,
            at: None,
            note: None,
            inquiry_number: None,
            pause_reason: None,
            replacement: None,
            party: None,
            task_id: None,
        }
    }
}

/// The parties other than the lessor an incident can involve (R9.3).
pub const OTHER_PARTIES: [PartyKind; 2] = [
    PartyKind::OperationsContractor,
    PartyKind::NetworkContractor,
];

impl EventKind {
    /// Whether the event needs a note, and what the note is called.
    pub fn note_label(self) -> Option<&'static str> {
        match self {
            Self::JlisAsked => Some("問い合わせ内容"),
            Self::JlisAnswered => Some("回答の内容"),
            Self::ActionTaken => Some("処置の内容"),
            Self::Note => Some("メモ"),
            _ => None,
        }
    }

    /// The account this event names as working on the device: its recorder, when the
    /// event is the contractor's hands-on work (arrival, logs, actions, checks, the swap
    /// and its re-setup) recorded by the contractor's person, who must then be on the
    /// roster that day (§5(6)イ).
    pub fn hands_on_worker(self, role: crate::people::Role, user_id: Option<i64>) -> Option<i64> {
        let hands_on = matches!(
            self,
            Self::Arrived
                | Self::LogCollected
                | Self::ActionTaken
                | Self::OperationChecked
                | Self::DeviceReplaced
                | Self::TaskDone
        );
        let contractors = crate::people::does_contract_work(role, false);
        user_id.filter(|_| hands_on && contractors)
    }
}

impl EventInput {
    pub fn check(&self) -> Result<EventDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let kind = v::required::<EventKind>(&mut e, "kind", "記録の種類", &self.kind);
        if kind == Some(EventKind::Reported) {
            e.push(
                "kind",
                "障害の受付は障害の登録で記録されます。ほかの記録の種類を選んでください。",
            );
        }
        let at = optional_instant(&mut e, "at", "日時", self.at.as_deref());
        let note = match kind.and_then(EventKind::note_label) {
            Some(label) => Some(required_text(
                &mut e,
                "note",
                label,
                self.note.as_deref().unwrap_or(""),
                MAX_EVENT_NOTE,
            )),
            None => optional_text(&mut e, "note", "内容", self.note.as_deref(), MAX_EVENT_NOTE),
        };
        let inquiry_number = if kind == Some(EventKind::JlisAnswered) {
            Some(required_text(
                &mut e,
                "inquiry_number",
                "J-LISの問い合わせ番号",
                self.inquiry_number.as_deref().unwrap_or(""),
                MAX_TEXT,
            ))
        } else {
            optional_text(
                &mut e,
                "inquiry_number",
                "J-LISの問い合わせ番号",
                self.inquiry_number.as_deref(),
                MAX_TEXT,
            )
        };
        let pause_reason = if kind == Some(EventKind::Paused) {
            v::required::<PauseReason>(
                &mut e,
                "pause_reason",
                "保留の理由",
                self.pause_reason.as_deref().unwrap_or(""),
            )
        } else {
            None
        };
        let replacement = (kind == Some(EventKind::DeviceReplaced))
            .then(|| self.replacement(&mut e))
            .flatten();
        let party = (kind == Some(EventKind::PartyInvolved))
            .then(|| self.party(&mut e))
            .flatten();
        if kind == Some(EventKind::TaskDone) && self.task_id.is_none() {
            e.push("task_id", "完了した再設定作業を選んでください。");
        }
        match kind {
            Some(kind) if e.is_empty() => Ok(EventDraft {
                kind,
                at,
                note,
                inquiry_number,
                pause_reason,
                replacement,
                party,
                task_id: self.task_id.filter(|_| kind == EventKind::TaskDone),
            }),
            _ => Err(e),
        }
    }

    /// The replacement device of a swap: asset and serial numbers required.
    fn replacement(&self, e: &mut FieldErrors) -> Option<Replacement> {
        let asset_number = required_text(
            e,
            "new_asset_number",
            "交換後の機器の資産番号",
            self.new_asset_number.as_deref().unwrap_or(""),
            MAX_CODE,
        );
        let serial = required_text(
            e,
            "new_serial",
            "交換後の機器の製造番号",
            self.new_serial.as_deref().unwrap_or(""),
            MAX_SHORT,
        );
        let model = optional_text(
            e,
            "new_model",
            "交換後の機器の機種",
            self.new_model.as_deref(),
            MAX_SHORT,
        );
        (!asset_number.is_empty() && !serial.is_empty()).then_some(Replacement {
            asset_number,
            serial,
            model,
        })
    }

    /// The other party and when the City was told beforehand.
    fn party(&self, e: &mut FieldErrors) -> Option<(PartyKind, DateTime<Utc>)> {
        let party = v::required::<PartyKind>(
            e,
            "party",
            "関与した事業者",
            self.party.as_deref().unwrap_or(""),
        );
        if party.is_some_and(|p| !OTHER_PARTIES.contains(&p)) {
            e.push(
                "party",
                "関与した事業者はシステム運用保守業者またはネットワーク保守業者を選んでください（機器賃貸業者は「機器賃貸業者への依頼」で記録します）。",
            );
            return None;
        }
        let notified = required_instant(
            e,
            "city_notified_at",
            "本市への事前連絡の日時",
            self.city_notified_at.as_deref().unwrap_or(""),
        );
        Some((party?, notified?))
    }
}

/// The City's service-level targets from an instant on (the form or the API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SlaSettingsInput {
    /// From when, Japan time `YYYY-MM-DDTHH:MM`.
    pub effective_from: Option<String>,
    /// Response target in business minutes; empty: none.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub respond_minutes: Option<i64>,
    /// Recovery target in business minutes; empty: none.
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub recover_minutes: Option<i64>,
    /// The share of a target after which a clock is near its breach (1-99, default 80).
    #[serde(deserialize_with = "crate::validation::optional_number")]
    pub near_share_percent: Option<i64>,
}

/// Checked service-level settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaSettingsDraft {
    pub effective_from: DateTime<Utc>,
    pub respond_minutes: Option<u32>,
    pub recover_minutes: Option<u32>,
    pub near_share_percent: u32,
}

fn minutes(e: &mut FieldErrors, field: &str, label: &str, value: Option<i64>) -> Option<u32> {
    let value = value?;
    if !(1..=MAX_TARGET_MINUTES).contains(&value) {
        e.push(
            field,
            format!("{label}は1〜{MAX_TARGET_MINUTES}の整数で入力してください。"),
        );
        return None;
    }
    u32::try_from(value).ok()
}

impl SlaSettingsInput {
    pub fn check(&self) -> Result<SlaSettingsDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let effective_from = required_instant(
            &mut e,
            "effective_from",
            "適用開始日時",
            self.effective_from.as_deref().unwrap_or(""),
        );
        let respond_minutes = minutes(
            &mut e,
            "respond_minutes",
            "対応時間の目標",
            self.respond_minutes,
        );
        let recover_minutes = minutes(
            &mut e,
            "recover_minutes",
            "復旧時間の目標",
            self.recover_minutes,
        );
        let share = self
            .near_share_percent
            .unwrap_or(i64::from(super::DEFAULT_NEAR_SHARE_PERCENT));
        if !(1..=99).contains(&share) {
            e.push(
                "near_share_percent",
                "接近とみなす割合は1〜99の整数（％）で入力してください。",
            );
        }
        let Some(effective_from) = effective_from else {
            return Err(e);
        };
        e.into_result(SlaSettingsDraft {
            effective_from,
            respond_minutes,
            recover_minutes,
            near_share_percent: u32::try_from(share).unwrap_or(80),
        })
    }
}

checked_by!(
    IncidentInput => IncidentDraft,
    EventInput => EventDraft,
    SlaSettingsInput => SlaSettingsDraft,
);
