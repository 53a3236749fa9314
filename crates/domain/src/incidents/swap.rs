//! A failed device replaced by the lessor (R4.2, §7(1)) and the re-setup it needs before
//! the incident can close: a touch panel's setting adjustment; for a terminal, the year's
//! software updates and settings changes (ア イ ウ エ) re-applied and a new administrator
//! password (オ).

use serde::Serialize;

use super::vocab::TaskKind;
use crate::contract::CategoryCode;
use crate::inventory::AssetKind;

/// The device the lessor installed in place of the failed one, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replacement {
    pub asset_number: String,
    pub serial: String,
    /// `None`: the failed device's model.
    pub model: Option<String>,
}

/// A job of the contract year already applied to the failed terminal (a work record of
/// its request names the terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedJob {
    pub id: i64,
    pub category: CategoryCode,
    pub title: String,
}

/// The categories whose work a replaced terminal must have again: the software updates and
/// settings changes (ア イ ウ エ). オ is a task of its own (a new password, not the old one).
pub const REAPPLIED: [CategoryCode; 4] = [
    CategoryCode::SoftwareUpdate,
    CategoryCode::OsSecurityUpdate,
    CategoryCode::NoticeSettingsChange,
    CategoryCode::CitySettingsChange,
];

/// One re-setup task to create with the swap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskDraft {
    pub kind: TaskKind,
    /// The job re-applied, for [`TaskKind::Reapply`].
    pub job_id: Option<i64>,
    pub label: String,
}

/// A re-setup task as the rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFact {
    pub id: i64,
    pub label: String,
    pub done: bool,
}

/// The tasks a swap of the device of an incident of `category` creates: for a touch panel
/// (ク) its setting adjustment; for a terminal (キ) each job of `applied` of ア イ ウ エ
/// re-applied, in the order given, then a new administrator password (オ). The operation
/// check after them is the timeline's own event, required before the recovery.
pub fn resetup_tasks(category: CategoryCode, applied: &[AppliedJob]) -> Vec<TaskDraft> {
    match category {
        CategoryCode::TouchPanelRecovery => vec![TaskDraft {
            kind: TaskKind::SettingAdjustment,
            job_id: None,
            label: "交換後のタッチパネルの設定調整".into(),
        }],
        CategoryCode::TerminalRecovery => applied
            .iter()
            .filter(|j| REAPPLIED.contains(&j.category))
            .map(|j| TaskDraft {
                kind: TaskKind::Reapply,
                job_id: Some(j.id),
                label: format!("{} {} を交換後の統合端末に再適用", j.category, j.title),
            })
            .chain([TaskDraft {
                kind: TaskKind::AdminPassword,
                job_id: None,
                label: "交換後の統合端末の管理者パスワードを新たに設定（オ）".into(),
            }])
            .collect(),
        _ => Vec::new(),
    }
}

/// The history entries of a swap: of the failed device (retired) and of its replacement
/// (installed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwapHistory {
    pub retired: String,
    pub installed: String,
}

/// The history of swapping `old` for `new` (asset numbers) of kind `device` in incident
/// `incident_id`.
pub fn swap_history(incident_id: i64, device: AssetKind, old: &str, new: &str) -> SwapHistory {
    let kind = device.label_ja();
    SwapHistory {
        retired: format!("障害 {incident_id} により機器賃貸業者が交換・撤去（後継の{kind} {new}）"),
        installed: format!("障害 {incident_id} の機器交換で設置（交換前の{kind} {old}）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: i64, category: CategoryCode) -> AppliedJob {
        AppliedJob {
            id,
            category,
            title: format!("作業{id}"),
        }
    }

    #[test]
    fn a_terminal_swap_reapplies_the_years_updates_and_sets_a_new_password() {
        let applied = [
            job(1, CategoryCode::SoftwareUpdate),
            job(2, CategoryCode::PasswordRotation),
            job(3, CategoryCode::CitySettingsChange),
        ];
        let tasks = resetup_tasks(CategoryCode::TerminalRecovery, &applied);
        let kinds: Vec<_> = tasks.iter().map(|t| (t.kind, t.job_id)).collect();
        assert_eq!(
            kinds,
            [
                (TaskKind::Reapply, Some(1)),
                (TaskKind::Reapply, Some(3)),
                (TaskKind::AdminPassword, None)
            ]
        );
        assert_eq!(tasks[0].label, "ア 作業1 を交換後の統合端末に再適用");
    }

    #[test]
    fn a_touch_panel_swap_needs_its_setting_adjustment() {
        let tasks = resetup_tasks(
            CategoryCode::TouchPanelRecovery,
            &[job(1, CategoryCode::SoftwareUpdate)],
        );
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].kind, TaskKind::SettingAdjustment);
        assert!(resetup_tasks(CategoryCode::SoftwareUpdate, &[]).is_empty());
    }

    #[test]
    fn the_history_names_both_devices() {
        let h = swap_history(7, AssetKind::TouchPanel, "TP-1", "TP-9");
        assert!(h.retired.contains("TP-9") && h.retired.contains("障害 7"));
        assert!(h.installed.contains("TP-1"));
    }
}
