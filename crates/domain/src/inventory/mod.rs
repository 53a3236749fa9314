//! Inventory (R4.2, R9.3): sites, integrated terminals (統合端末) and their touch panels
//! (タッチパネル), each asset with a kept history.

pub mod csv;
mod rules;

pub use rules::{
    AttachHistory, Attachable, PANEL_REGISTERED, TerminalBefore, TerminalClash, attach_history,
    installed_detail, judge_attach, judge_terminal, taken, terminal_events,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validation::{FieldErrors, optional_text, required_text};
use crate::vocab;

labelled_enum! {
    /// Lifecycle status of a terminal or touch panel.
    pub enum AssetStatus {
        InService = ("in_service", "稼働中"),
        Spare = ("spare", "予備"),
        UnderRepair = ("under_repair", "修理中"),
        Retired = ("retired", "撤去済"),
    }
}

labelled_enum! {
    /// What happened to an asset; every change of place, link or status is one event.
    pub enum AssetEventKind {
        Installed = ("installed", "設置"),
        Moved = ("moved", "移設"),
        Swapped = ("swapped", "交換"),
        StatusChanged = ("status_changed", "状態変更"),
        Updated = ("updated", "情報更新"),
        Retired = ("retired", "撤去"),
    }
}

labelled_enum! {
    /// Which kind of asset an event or record is about.
    pub enum AssetKind {
        Terminal = ("terminal", "統合端末"),
        TouchPanel = ("touch_panel", "タッチパネル"),
    }
}

pub const MAX_CODE: usize = 32;
pub const MAX_NAME: usize = 100;
pub const MAX_SHORT: usize = 64;
pub const MAX_TEXT: usize = 500;

/// The Japanese names of a site's fields (forms, CSV headers, the audit page).
pub const SITE_FIELDS: &[(&str, &str)] = &[
    ("code", "拠点コード"),
    ("name", "拠点名"),
    ("postal_code", "郵便番号"),
    ("address", "所在地"),
    ("lat", "緯度"),
    ("lon", "経度"),
    ("photos_allowed", "写真撮影"),
];

/// The Japanese names of a terminal's or touch panel's fields.
pub const ASSET_FIELDS: &[(&str, &str)] = &[
    ("asset_number", "資産番号"),
    ("serial", "製造番号"),
    ("model", "機種"),
    ("site_code", "拠点コード"),
    ("site", "拠点"),
    ("room", "設置場所"),
    ("lessor", "賃貸業者"),
    ("lease_start", "リース開始日"),
    ("lease_end", "リース終了日"),
    ("status", "状態"),
    ("terminal_id", "接続先の統合端末"),
    ("terminal", "統合端末"),
    ("touch_panel", "タッチパネル"),
];

/// The Japanese names of a CSV import's recorded counts.
pub const IMPORT_FIELDS: &[(&str, &str)] = &[("created", "新規件数"), ("updated", "更新件数")];

/// A terminal as typed by a person (form, JSON or one CSV row), before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TerminalInput {
    pub asset_number: String,
    pub serial: String,
    pub model: String,
    pub site_code: String,
    pub room: Option<String>,
    pub lessor: Option<String>,
    pub lease_start: Option<String>,
    pub lease_end: Option<String>,
    pub status: Option<String>,
}

/// A checked terminal: every field within bounds, dates real, lease end not before start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TerminalDraft {
    pub asset_number: String,
    pub serial: String,
    pub model: String,
    pub site_code: String,
    pub room: Option<String>,
    pub lessor: Option<String>,
    pub lease_start: Option<NaiveDate>,
    pub lease_end: Option<NaiveDate>,
    pub status: AssetStatus,
}

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`, as Excel writes it in Japan).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .ok()
}

fn optional_date(
    errors: &mut FieldErrors,
    field: &str,
    label: &str,
    v: Option<&str>,
) -> Option<NaiveDate> {
    let v = v.map(str::trim).filter(|v| !v.is_empty())?;
    let d = parse_date(v);
    if d.is_none() {
        errors.push(
            field,
            format!("{label}は YYYY-MM-DD 形式の日付で入力してください。"),
        );
    }
    d
}

impl TerminalInput {
    /// Checks every field and reports all problems at once, each naming its field.
    pub fn check(&self) -> Result<TerminalDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let asset_number = required_text(
            &mut e,
            "asset_number",
            "資産番号",
            &self.asset_number,
            MAX_CODE,
        );
        let serial = required_text(&mut e, "serial", "製造番号", &self.serial, MAX_SHORT);
        let model = required_text(&mut e, "model", "機種", &self.model, MAX_SHORT);
        let site_code = required_text(&mut e, "site_code", "拠点コード", &self.site_code, MAX_CODE);
        let room = optional_text(&mut e, "room", "設置場所", self.room.as_deref(), MAX_SHORT);
        let lessor = optional_text(
            &mut e,
            "lessor",
            "賃貸業者",
            self.lessor.as_deref(),
            MAX_NAME,
        );
        let lease_start = optional_date(
            &mut e,
            "lease_start",
            "リース開始日",
            self.lease_start.as_deref(),
        );
        let lease_end = optional_date(
            &mut e,
            "lease_end",
            "リース終了日",
            self.lease_end.as_deref(),
        );
        if let (Some(s), Some(t)) = (lease_start, lease_end)
            && t < s
        {
            e.push(
                "lease_end",
                "リース終了日はリース開始日以降の日付にしてください。",
            );
        }
        let status = vocab::optional(&mut e, "status", "状態", self.status.as_deref())
            .unwrap_or(AssetStatus::InService);
        e.into_result(TerminalDraft {
            asset_number,
            serial,
            model,
            site_code,
            room,
            lessor,
            lease_start,
            lease_end,
            status,
        })
    }
}

/// A touch panel as typed by a person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TouchPanelInput {
    pub asset_number: String,
    pub serial: String,
    pub model: String,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TouchPanelDraft {
    pub asset_number: String,
    pub serial: String,
    pub model: String,
    pub status: AssetStatus,
}

impl TouchPanelInput {
    pub fn check(&self) -> Result<TouchPanelDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let asset_number = required_text(
            &mut e,
            "asset_number",
            "資産番号",
            &self.asset_number,
            MAX_CODE,
        );
        let serial = required_text(&mut e, "serial", "製造番号", &self.serial, MAX_SHORT);
        let model = required_text(&mut e, "model", "機種", &self.model, MAX_SHORT);
        let status = vocab::optional(&mut e, "status", "状態", self.status.as_deref())
            .unwrap_or(AssetStatus::InService);
        e.into_result(TouchPanelDraft {
            asset_number,
            serial,
            model,
            status,
        })
    }
}

/// A site (拠点) as typed by a person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SiteInput {
    pub code: String,
    pub name: String,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Whether the City allows evidence photos in the site's terminal room (Juki-net rooms
    /// may forbid them); none until set.
    #[serde(default)]
    pub photos_allowed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteDraft {
    pub code: String,
    pub name: String,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub photos_allowed: bool,
}

impl SiteInput {
    pub fn check(&self) -> Result<SiteDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let code = required_text(&mut e, "code", "拠点コード", &self.code, MAX_CODE);
        if !code.is_empty()
            && !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            e.push(
                "code",
                "拠点コードは半角英数字・ハイフン・下線で入力してください。",
            );
        }
        let name = required_text(&mut e, "name", "拠点名", &self.name, MAX_NAME);
        let postal_code = optional_text(
            &mut e,
            "postal_code",
            "郵便番号",
            self.postal_code.as_deref(),
            8,
        );
        if let Some(p) = &postal_code {
            let ok = p.len() == 8
                && p.chars()
                    .enumerate()
                    .all(|(i, c)| if i == 3 { c == '-' } else { c.is_ascii_digit() });
            if !ok {
                e.push(
                    "postal_code",
                    "郵便番号は 060-8612 の形式で入力してください。",
                );
            }
        }
        let address = optional_text(
            &mut e,
            "address",
            "所在地",
            self.address.as_deref(),
            MAX_TEXT,
        );
        if self.lat.is_some_and(|v| !(20.0..=46.0).contains(&v)) {
            e.push("lat", "緯度は日本国内の値(20〜46)で入力してください。");
        }
        if self.lon.is_some_and(|v| !(122.0..=154.0).contains(&v)) {
            e.push("lon", "経度は日本国内の値(122〜154)で入力してください。");
        }
        if self.lat.is_some() != self.lon.is_some() {
            e.push("lon", "緯度と経度は両方入力してください。");
        }
        e.into_result(SiteDraft {
            code,
            name,
            postal_code,
            address,
            lat: self.lat,
            lon: self.lon,
            photos_allowed: self.photos_allowed,
        })
    }
}

/// The Japanese label of a terminal or touch-panel field, as forms and CSV headers show it.
pub fn field_label(field: &str) -> &str {
    ASSET_FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or_else(|| crate::audit::any_field_label(field), |(_, l)| *l)
}

checked_by!(TerminalInput => TerminalDraft);
checked_by!(TouchPanelInput => TouchPanelDraft);
checked_by!(SiteInput => SiteDraft);

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TerminalInput {
        TerminalInput {
            asset_number: "T-0001".into(),
            serial: "SN123".into(),
            model: "FMV-D588".into(),
            site_code: "011011".into(),
            room: Some("戸籍住民課".into()),
            lessor: None,
            lease_start: Some("2020/10/01".into()),
            lease_end: Some("2025-09-30".into()),
            status: Some("稼働中".into()),
        }
    }

    #[test]
    fn a_good_terminal_validates() {
        let d = input().check().expect("valid");
        assert_eq!(d.lease_start, NaiveDate::from_ymd_opt(2020, 10, 1));
        assert_eq!(d.status, AssetStatus::InService);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = input();
        i.serial = " ".into();
        i.lease_start = Some("2021-04-01".into());
        i.lease_end = Some("2021-03-31".into());
        i.status = Some("broken".into());
        let e = i.check().expect_err("invalid");
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["serial", "lease_end", "status"]);
    }

    #[test]
    fn site_postal_code_and_coordinates_are_checked() {
        let s = SiteInput {
            code: "a b".into(),
            name: "x".into(),
            postal_code: Some("0608612".into()),
            lat: Some(43.0),
            ..Default::default()
        };
        let e = s.check().expect_err("invalid");
        let fields: Vec<&str> = e.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["code", "postal_code", "lon"]);
    }
}
