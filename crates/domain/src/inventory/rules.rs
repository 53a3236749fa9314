//! The register's rules (R4.2): what a new or changed terminal may not clash with, when a
//! touch panel may be attached, and what each change writes into an asset's history, in
//! Japanese. The store loads the facts and writes what these say.

use super::{AssetEventKind, AssetStatus, TerminalDraft, field_label};
use crate::rules::Refusal;

/// A value that must be unique and is already used: refused naming the field and the value.
pub fn taken(field: &str, value: &str) -> Refusal {
    Refusal::conflict(
        field,
        format!("{}「{value}」は既に使われています。", field_label(field)),
    )
}

/// A terminal's number already held by terminal `other`.
fn held_by(field: &str, value: &str, other: &str) -> Refusal {
    Refusal::conflict(
        field,
        format!(
            "{}「{value}」は統合端末 {other} で既に登録されています。",
            field_label(field)
        ),
    )
}

/// The site a site code names, looked up with the values another terminal may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalClash {
    /// The id and name of the site the draft's code names, if any.
    pub site: Option<(i64, String)>,
    /// The asset number of another terminal with the same asset number.
    pub same_asset: Option<String>,
    /// The asset number of another terminal with the same serial number.
    pub same_serial: Option<String>,
}

/// A terminal needs a known site and its own asset and serial numbers: the site's id and
/// name, or the refusal naming the field.
pub fn judge_terminal(d: &TerminalDraft, clash: TerminalClash) -> Result<(i64, String), Refusal> {
    let Some(site) = clash.site else {
        return Err(Refusal::invalid(
            "site_code",
            format!("拠点コード「{}」は登録されていません。", d.site_code),
        ));
    };
    if let Some(other) = clash.same_asset {
        return Err(held_by("asset_number", &d.asset_number, &other));
    }
    if let Some(other) = clash.same_serial {
        return Err(held_by("serial", &d.serial, &other));
    }
    Ok(site)
}

/// The history entry of a terminal registered at `site_code`.
pub fn installed_detail(site_code: &str) -> String {
    format!("{site_code} に設置")
}

/// The history entry of a touch panel registered without a terminal.
pub const PANEL_REGISTERED: &str = "登録";

/// A terminal before a change, as far as its history goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalBefore {
    pub site_name: String,
    pub room: Option<String>,
    pub status: AssetStatus,
}

/// The history entries a change of a terminal makes: a move when its site or room changed,
/// a status change (or retirement), and one entry naming the other fields changed.
pub fn terminal_events(
    before: &TerminalBefore,
    after: AssetStatus,
    changed: &[&str],
) -> Vec<(AssetEventKind, String)> {
    let has = |f: &str| changed.contains(&f);
    let mut events = Vec::new();
    if has("site_code") || has("room") {
        let from = format!(
            "{} {}",
            before.site_name,
            before.room.as_deref().unwrap_or("")
        );
        events.push((AssetEventKind::Moved, format!("{} から移設", from.trim())));
    }
    if has("status") {
        let kind = if after == AssetStatus::Retired {
            AssetEventKind::Retired
        } else {
            AssetEventKind::StatusChanged
        };
        let text = format!("{} → {}", before.status.label_ja(), after.label_ja());
        events.push((kind, text));
    }
    let others: Vec<&str> = changed
        .iter()
        .copied()
        .filter(|k| !["site_code", "room", "status"].contains(k))
        .map(field_label)
        .collect();
    if !others.is_empty() {
        events.push((
            AssetEventKind::Updated,
            format!("{}を変更", others.join("・")),
        ));
    }
    events
}

/// An asset as far as attaching a touch panel goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachable {
    pub asset_number: String,
    pub status: AssetStatus,
    /// For a panel: the terminal it is attached to now.
    pub attached_to: Option<i64>,
}

/// A panel may be attached to a terminal in use, once, and never when retired.
pub fn judge_attach(
    terminal_id: i64,
    terminal: Option<&Attachable>,
    panel: &Attachable,
) -> Result<(), Refusal> {
    let Some(terminal) = terminal else {
        return Err(Refusal::invalid(
            "terminal_id",
            "指定された統合端末が見つかりません。",
        ));
    };
    if terminal.status == AssetStatus::Retired {
        return Err(Refusal::conflict(
            "terminal_id",
            "撤去済の統合端末にはタッチパネルを接続できません。",
        ));
    }
    if panel.attached_to == Some(terminal_id) {
        return Err(Refusal::conflict(
            "terminal_id",
            "このタッチパネルは既にこの統合端末に接続されています。",
        ));
    }
    if panel.status == AssetStatus::Retired {
        return Err(Refusal::conflict(
            "touch_panel_id",
            "撤去済のタッチパネルは接続できません。",
        ));
    }
    Ok(())
}

/// The history entries of attaching panel `panel` to terminal `terminal`, where `replaced`
/// is the panel taken off (a swap).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachHistory {
    /// Of the panel taken off, when there was one.
    pub detached: String,
    /// Of the panel attached.
    pub attached: String,
    /// Of the terminal, and whether it was a swap.
    pub terminal: (AssetEventKind, String),
}

pub fn attach_history(terminal: &str, panel: &str, replaced: Option<&str>) -> AttachHistory {
    let terminal_entry = match replaced {
        Some(old) => (
            AssetEventKind::Swapped,
            format!("タッチパネル {old} → {panel} に交換"),
        ),
        None => (
            AssetEventKind::Updated,
            format!("タッチパネル {panel} を接続"),
        ),
    };
    AttachHistory {
        detached: format!("統合端末 {terminal} から取り外し(交換)"),
        attached: format!("統合端末 {terminal} に接続"),
        terminal: terminal_entry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(status: AssetStatus, attached_to: Option<i64>) -> Attachable {
        Attachable {
            asset_number: "TP-1".into(),
            status,
            attached_to,
        }
    }

    #[test]
    fn attaching_needs_a_terminal_in_use_and_a_live_panel() {
        let t = panel(AssetStatus::InService, None);
        let retired = panel(AssetStatus::Retired, None);
        let ok = panel(AssetStatus::Spare, None);
        assert!(judge_attach(1, Some(&t), &ok).is_ok());
        assert!(judge_attach(1, None, &ok).is_err());
        assert!(judge_attach(1, Some(&retired), &ok).is_err());
        assert!(judge_attach(1, Some(&t), &panel(AssetStatus::InService, Some(1))).is_err());
        assert!(judge_attach(1, Some(&t), &retired).is_err());
        assert!(judge_attach(1, Some(&t), &panel(AssetStatus::InService, Some(2))).is_ok());
    }

    #[test]
    fn a_change_of_place_and_status_reads_as_history() {
        let before = TerminalBefore {
            site_name: "中央区役所".into(),
            room: Some("戸籍住民課".into()),
            status: AssetStatus::InService,
        };
        let events = terminal_events(&before, AssetStatus::Retired, &["room", "status", "model"]);
        assert_eq!(
            events[0],
            (
                AssetEventKind::Moved,
                "中央区役所 戸籍住民課 から移設".into()
            )
        );
        assert_eq!(
            events[1],
            (AssetEventKind::Retired, "稼働中 → 撤去済".into())
        );
        assert_eq!(events[2], (AssetEventKind::Updated, "機種を変更".into()));
    }

    #[test]
    fn a_terminal_needs_a_known_site_and_its_own_numbers() {
        let d = TerminalDraft {
            asset_number: "JT-1".into(),
            serial: "S1".into(),
            model: "M".into(),
            site_code: "X".into(),
            room: None,
            lessor: None,
            lease_start: None,
            lease_end: None,
            status: AssetStatus::InService,
        };
        let none = TerminalClash {
            site: None,
            same_asset: None,
            same_serial: None,
        };
        assert!(matches!(
            judge_terminal(&d, none.clone()),
            Err(Refusal::Invalid(_))
        ));
        let clash = TerminalClash {
            site: Some((1, "中央区役所".into())),
            same_serial: Some("JT-9".into()),
            ..none
        };
        let Err(Refusal::Conflict { field, message }) = judge_terminal(&d, clash) else {
            panic!("a serial held by another terminal is refused");
        };
        assert_eq!(field, "serial");
        assert!(message.contains("JT-9"), "{message}");
    }
}
