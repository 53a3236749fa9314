//! カ: the annual inspection (R3.3) checks each terminal's installation and settings
//! against a checklist template. The City edits the template; a default one is built in.

use crate::vocab::Labelled;
use serde::{Deserialize, Serialize};

use crate::people::Role;
use crate::rules::TransitionError;
use crate::rules::only;
use crate::validation::{FieldErrors, required_text};

/// The Japanese names of the checklist template's fields.
pub const TEMPLATE_FIELDS: &[(&str, &str)] = &[("items", "点検項目")];

/// The most items one template may have.
pub const MAX_ITEMS: usize = 100;

labelled_enum! {
    /// What kind of answer an item takes.
    pub enum ItemKind {
        /// 合否: pass or fail; a fail needs a note and raises a finding.
        PassFail = ("pass_fail", "合否"),
        /// 記述: free text, may be left empty.
        Text = ("text", "記述"),
        /// 日付: a date, e.g. of the virus definitions.
        Date = ("date", "日付"),
    }
}

/// One item of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistItem {
    /// ASCII and stable: `screen_lock`.
    pub id: String,
    /// What people read: `画面ロック`.
    pub label: String,
    pub kind: ItemKind,
}

/// The items checked on every terminal, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ChecklistTemplate {
    pub items: Vec<ChecklistItem>,
}

impl ChecklistTemplate {
    /// The built-in template, a starting point the City edits.
    pub fn default_ja() -> Self {
        use ItemKind::*;
        let items = [
            ("location", "設置場所", PassFail),
            ("wiring", "配線", PassFail),
            ("seal_label", "封印・ラベル", PassFail),
            ("screen_lock", "画面ロック", PassFail),
            ("os_patches", "OSとパッチの適用状況", PassFail),
            (
                "antivirus_definitions",
                "ウイルス対策定義ファイルの日付",
                Date,
            ),
            ("touch_panel_calibration", "タッチパネルの校正", PassFail),
            ("clock", "端末の時刻", PassFail),
            ("peripherals", "周辺機器の接続", PassFail),
            (
                "no_unneeded_software",
                "不要なソフトウェアがないこと",
                PassFail,
            ),
            ("remarks", "特記事項", Text),
        ];
        Self {
            items: items
                .into_iter()
                .map(|(id, label, kind)| ChecklistItem {
                    id: id.into(),
                    label: label.into(),
                    kind,
                })
                .collect(),
        }
    }

    pub fn item(&self, id: &str) -> Option<&ChecklistItem> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// Refuses unless `role` may edit the template (the City staff).
pub fn may_edit_template(role: Role) -> Result<(), TransitionError> {
    only(&[Role::CityStaff], role, "点検項目の変更")
}

/// One item as entered.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChecklistItemInput {
    pub id: String,
    pub label: String,
    /// `pass_fail`, `text` or `date`.
    pub kind: String,
}

/// A template as entered by the City.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ChecklistTemplateInput {
    #[serde(default)]
    pub items: Vec<ChecklistItemInput>,
}

impl ChecklistTemplateInput {
    /// Checks 1..=100 items with unique ASCII ids, labels and kinds.
    pub fn check(&self) -> Result<ChecklistTemplate, FieldErrors> {
        let mut e = FieldErrors::default();
        if self.items.is_empty() || self.items.len() > MAX_ITEMS {
            e.push(
                "items",
                format!("点検項目は1〜{MAX_ITEMS}件で入力してください。"),
            );
            return Err(e);
        }
        let mut items: Vec<ChecklistItem> = Vec::with_capacity(self.items.len());
        for (i, it) in self.items.iter().enumerate() {
            let id = it.id.trim().to_string();
            if !is_item_id(&id) {
                e.push(
                    format!("items[{i}].id"),
                    "項目IDは半角英小文字で始まる英小文字・数字・「_」の1〜32文字にしてください。",
                );
            } else if items.iter().any(|x| x.id == id) {
                e.push(
                    format!("items[{i}].id"),
                    format!("項目ID「{id}」が重複しています。"),
                );
            }
            let label = required_text(
                &mut e,
                &format!("items[{i}].label"),
                "項目名",
                &it.label,
                100,
            );
            let kind = ItemKind::parse(&it.kind);
            if kind.is_none() {
                e.push(format!("items[{i}].kind"), ItemKind::one_of_message("種類"));
            }
            if let Some(kind) = kind {
                items.push(ChecklistItem { id, label, kind });
            }
        }
        e.into_result(ChecklistTemplate { items })
    }
}

/// `a-z` first, then `a-z 0-9 _`, 1-32 characters.
fn is_item_id(id: &str) -> bool {
    id.len() <= 32
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

checked_by!(ChecklistTemplateInput => ChecklistTemplate);
