//! Japanese labels of the jobs chain's audit entries: entities, actions, fields and the
//! stored codes (statuses, kinds, origins) shown in histories.

use jukiops_domain::jobs::{JobStatus, NoticeKind, NoticeStatus, OwnerKind, field_label};

/// The entity's Japanese name, for the jobs chain's entities.
pub fn entity(entity: &str) -> Option<&'static str> {
    match entity {
        "notice" => Some("J-LISからの通知"),
        "job" => Some("作業"),
        "password_rotation" => Some("管理者パスワード変更"),
        "inspection" => Some("年次点検の点検結果"),
        "inspection_template" => Some("年次点検の点検項目"),
        "attachment" => Some("添付ファイル"),
        _ => None,
    }
}

/// The action's Japanese name, for the jobs chain's actions.
pub fn action(action: &str) -> Option<&'static str> {
    match action {
        "transition" => Some("状態の変更"),
        "create_jobs" => Some("作業登録"),
        "replace" => Some("記録のやり直し"),
        "raise_follow_up" => Some("指摘への作業登録"),
        "waive" => Some("成果品の納品不要の判断"),
        _ => None,
    }
}

/// The Japanese name of a changed field of the jobs chain's entities.
pub fn field<'a>(entity: &str, field: &'a str) -> Option<&'a str> {
    match (entity, field) {
        ("notice", "title") => Some("件名"),
        ("job", "title") => Some("作業名"),
        (_, "status") => Some("状態"),
        (_, "inspected_on") => Some("点検日"),
        (_, "inspector") => Some("点検した人"),
        (_, "findings") => Some("指摘(不合格の項目)"),
        (_, "items") => Some("点検項目"),
        (_, "finding") => Some("指摘"),
        (_, "follow_up") => Some("登録した作業"),
        (_, "waiver") => Some("納品不要とした成果品"),
        (_, "decided_on") => Some("判断日"),
        (_, "reason") => Some("理由"),
        ("attachment", "owner_kind") => Some("添付先"),
        ("attachment", "owner_id") => Some("添付先ID"),
        ("attachment", "file_name") => Some("ファイル名"),
        ("attachment", "content_type") => Some("ファイルの形式"),
        ("attachment", "size") => Some("大きさ(バイト)"),
        ("attachment", "sha256") => Some("SHA-256"),
        ("inspection", f) => Some(field_label(f)).filter(|l| *l != f),
        ("notice" | "job" | "password_rotation", f) => Some(field_label(f)).filter(|l| *l != f),
        _ => None,
    }
}

/// A stored code of the jobs chain in Japanese.
pub fn code(entity: &str, field: &str, code: &str) -> Option<&'static str> {
    match (entity, field) {
        ("notice", "status") => NoticeStatus::parse(code).map(NoticeStatus::label_ja),
        ("notice", "kind") => NoticeKind::parse(code).map(NoticeKind::label_ja),
        ("attachment", "owner_kind") => OwnerKind::parse(code).map(OwnerKind::label_ja),
        ("job", "status") => JobStatus::parse(code).map(JobStatus::label_ja),
        ("job", "origin") => match code {
            "notice" => Some("J-LISからの通知"),
            "city_order" => Some("本市指示"),
            "incident" => Some("障害"),
            _ => None,
        },
        _ => None,
    }
}
