//! The Japanese names of the jobs inputs' fields, for API messages and the audit log.

/// The Japanese name of a field of a notice, job, password-change or checklist input; other names
/// are returned as they are.
pub fn field_label(field: &str) -> &str {
    match field {
        "received_on" => "受付日",
        "jlis_reference" => "J-LISの文書番号",
        "title" => "件名・作業名",
        "body" => "通知の内容",
        "kind" => "種類",
        "requested_deadline" => "期限",
        "category" => "作業区分",
        "origin" => "発生元",
        "notice_id" => "J-LISからの通知",
        "notice" => "J-LISからの通知",
        "description" => "作業内容",
        "all_terminals" => "全端末",
        "terminal_ids" | "terminals" => "対象の統合端末",
        "done_on" => "完了日",
        "verb" => "操作",
        "job_id" => "作業",
        "job" => "作業",
        "performer_id" => "変更した作業従事者",
        "performer" => "変更した作業従事者",
        "rotated_at" => "変更日時",
        "terminal" | "terminal_id" => "統合端末",
        "inspected_on" => "点検日",
        "inspector_id" | "inspector" => "点検した人",
        "item_id" => "点検項目",
        other => other,
    }
}
