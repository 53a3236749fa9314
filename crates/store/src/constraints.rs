//! Every unique index and primary key of the schema, with the field it protects and a
//! Japanese message naming it: the one place where a row the database refused as a
//! duplicate becomes a 409 for a person (issue 10, item 8). `From<sqlx::Error>` for
//! [`StoreError`](crate::StoreError) looks each refusal up here, so no insert can forget it.
//!
//! The engines name a refusal differently: SQLite says `UNIQUE constraint failed:
//! table.col, table.col2` (no name), PostgreSQL gives the constraint's name, which
//! PostgreSQL derives from the table and columns (`table_col_col2_key`, `table_pkey`). The
//! table is therefore keyed by table and columns; a test reads both engines' catalogs and
//! fails for a unique index without an entry here.

use sqlx::error::DatabaseError;

/// Whom a unique index protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Guard {
    /// A person's input: the field named in the 409 and its message.
    Field(&'static str, &'static str),
    /// A key no person's input can collide with; the refusal stays a database error, for
    /// the code that writes it (the reason says who).
    Internal(&'static str),
}

/// One unique index or primary key.
#[derive(Debug)]
pub(crate) struct Unique {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// The table's primary key (PostgreSQL names it `table_pkey`).
    pub primary: bool,
    pub guard: Guard,
}

const fn unique(
    table: &'static str,
    columns: &'static [&'static str],
    field: &'static str,
    message: &'static str,
) -> Unique {
    Unique {
        table,
        columns,
        primary: false,
        guard: Guard::Field(field, message),
    }
}

const fn primary(
    table: &'static str,
    columns: &'static [&'static str],
    field: &'static str,
    message: &'static str,
) -> Unique {
    Unique {
        table,
        columns,
        primary: true,
        guard: Guard::Field(field, message),
    }
}

const fn internal(
    table: &'static str,
    columns: &'static [&'static str],
    primary: bool,
    reason: &'static str,
) -> Unique {
    Unique {
        table,
        columns,
        primary,
        guard: Guard::Internal(reason),
    }
}

/// Every unique index and primary key but the ids the database assigns.
#[rustfmt::skip]
pub(crate) const UNIQUES: &[Unique] = &[
    unique("contracts", &["name", "fiscal_year"], "name", "同じ業務名・年度の契約が同時に読み込まれました。もう一度起動してください。"),
    unique("sites", &["code"], "code", "この拠点コードは既に使われています。"),
    unique("terminals", &["asset_number"], "asset_number", "この資産番号の統合端末は既に登録されています。"),
    unique("terminals", &["serial"], "serial", "この製造番号の統合端末は既に登録されています。"),
    unique("touch_panels", &["asset_number"], "asset_number", "この資産番号のタッチパネルは既に登録されています。"),
    unique("touch_panels", &["serial"], "serial", "この製造番号のタッチパネルは既に登録されています。"),
    unique("touch_panels", &["terminal_id"], "terminal_id", "この統合端末には既に別のタッチパネルが接続されています。画面を更新してください。"),
    unique("users", &["username"], "username", "このログインIDは既に使われています。"),
    unique("notices", &["jlis_reference"], "jlis_reference", "このJ-LISの文書番号の通知は既に登録されています。"),
    unique("work_requests", &["request_number"], "request_number", "この作業依頼書番号は登録済みです。"),
    unique("procedures", &["request_id", "version"], "version", "作業手順書の同じ版が同時に作成されました。画面を更新してください。"),
    unique("work_records", &["request_id", "terminal_id", "step_order"], "records", "同じ統合端末・手順の作業記録が同時に登録されました。画面を更新してください。"),
    unique("password_rotations", &["job_id", "terminal_id"], "terminal_id", "この統合端末の管理者パスワード変更は、この作業で既に記録されています。"),
    unique("inspections", &["job_id", "terminal_id"], "terminal_id", "この統合端末の点検結果は、この作業で既に記録されています。画面を更新してください。"),
    unique("incidents", &["fault_report_id"], "fault_report_id", "この故障報告は既に障害として登録されています。画面を更新してください。"),
    unique("approval_steps", &["kind", "document_id", "step"], "status", "この決裁の段階は同時に判断されました。画面を更新してください。"),
    unique("deliverables", &["contract_id", "code", "occasion"], "code", "この提出書類は既に登録簿にあります。画面を更新してください。"),
    unique("deliverable_submissions", &["deliverable_id", "version"], "file", "この提出書類は同時に提出されました。画面を更新してください。"),
    primary("calendar_overrides", &["date"], "date", "この日付の設定は既に登録されています。"),
    primary("deliverable_waivers", &["job_id"], "job_id", "この作業の提出物の省略は既に記録されています。画面を更新してください。"),
    primary("inspection_follow_ups", &["job_id", "terminal_id", "item_id"], "item_id", "この指摘には既に作業が登録されています。"),
    primary("job_terminals", &["job_id", "terminal_id"], "terminal_ids", "対象の統合端末が重複しています。"),
    primary("work_request_jobs", &["request_id", "job_id"], "job_ids", "依頼する作業が重複しています。"),
    primary("work_request_sites", &["request_id", "site_id"], "site_ids", "作業場所(拠点)が重複しています。"),
    primary("off_hours_workers", &["off_hours_id", "user_id"], "worker_ids", "作業者が重複しています。"),
    primary("visit_workers", &["visit_id", "user_id"], "worker_ids", "作業者が重複しています。"),
    primary("visit_terminals", &["visit_id", "terminal_id"], "terminal_ids", "対象の統合端末が重複しています。"),
    unique("urgent_requests", &["incident_id"], "urgent_request", "この障害の緊急の作業依頼書が同時に発行されました。画面を更新してください。"),
    internal("urgent_requests", &["request_id"], true, "the id of the request issued in the same change, by requests/urgent.rs"),
    primary("visit_sign_offs", &["visit_id"], "visit_id", "この訪問の作業完了は既に確認済みです。"),
    unique("roster_persons", &["contract_id", "user_id"], "user_id", "この利用者アカウントは既に従事者名簿に載っています。"),
    internal("sessions", &["id_hash"], true, "the hash of 32 random bytes, made by sessions.rs"),
    internal("api_tokens", &["token_hash"], false, "the hash of 32 random bytes, made by sessions.rs"),
    internal("audit_entries", &["seq"], true, "the chain's next seq: chain.rs appends again after the real head when taken"),
    internal("audit_head", &["id"], true, "the one row, made by migration 0001 and never inserted again"),
    internal("second_factors", &["user_id"], true, "one per account, replaced in one change by second_factors.rs"),
    internal("recovery_codes", &["code_hash"], false, "the hash of a random code, made by second_factors.rs"),
    internal("account_locks", &["account"], true, "one per account name, inserted or refreshed with ON CONFLICT by accounts.rs"),
    internal("mail_notices", &["user_id", "item_key"], true, "one per person and inbox item, claimed with ON CONFLICT DO NOTHING by mail.rs"),
];

impl Unique {
    /// The name PostgreSQL gives the constraint: `table_pkey`, or `table_col_col2_key`
    /// (the migrations name none themselves).
    fn postgres_name(&self) -> String {
        if self.primary {
            format!("{}_pkey", self.table)
        } else {
            format!("{}_{}_key", self.table, self.columns.join("_"))
        }
    }
}

/// The unique index that refused a row, when `e` is such a refusal.
pub(crate) fn refusal(e: &dyn DatabaseError) -> Option<&'static Unique> {
    if !e.is_unique_violation() {
        return None;
    }
    if let Some(name) = e.constraint() {
        return UNIQUES.iter().find(|u| u.postgres_name() == name);
    }
    let (table, columns) = sqlite_refusal(e.message())?;
    UNIQUES
        .iter()
        .find(|u| u.table == table && u.columns == columns.as_slice())
}

/// The table and columns of SQLite's `UNIQUE constraint failed: t.a, t.b`.
fn sqlite_refusal(message: &str) -> Option<(&str, Vec<&str>)> {
    let list = message.strip_prefix("UNIQUE constraint failed: ")?;
    let mut table = None;
    let mut columns = Vec::new();
    for part in list.split(", ") {
        let (t, c) = part.split_once('.')?;
        if table.is_some_and(|seen| seen != t) {
            return None;
        }
        table = Some(t);
        columns.push(c);
    }
    Some((table?, columns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{TestDb, both_catalogs};
    use crate::{Engine, StoreError};

    /// Every unique index of both engines' migrated schemas has its entry, found by the
    /// name PostgreSQL reports; and every entry is still an index of both.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_unique_index_names_its_field() {
        let (sqlite, postgres) = both_catalogs().await;
        let mut missing = Vec::new();
        for catalog in [&sqlite, &postgres] {
            let keys = catalog.unique_keys();
            assert!(keys.len() > 20, "the reader found the unique indexes");
            for key in &keys {
                let found = UNIQUES
                    .iter()
                    .find(|u| u.table == key.table && u.columns == key.columns.as_slice());
                match found {
                    None => missing.push(format!(
                        "{:?}: {}({})",
                        catalog.engine,
                        key.table,
                        key.columns.join(", ")
                    )),
                    Some(u) => {
                        assert_eq!(u.primary, key.primary, "{key:?}");
                        if catalog.engine == Engine::Postgres {
                            assert_eq!(u.postgres_name(), key.name, "{key:?}");
                        }
                    }
                }
            }
            for u in UNIQUES {
                assert!(
                    keys.iter()
                        .any(|k| k.table == u.table && k.columns == u.columns),
                    "{:?} has no unique index {}({}): remove its entry",
                    catalog.engine,
                    u.table,
                    u.columns.join(", ")
                );
            }
        }
        assert!(
            missing.is_empty(),
            "unique indexes without an entry in constraints::UNIQUES (the field they protect \
             and a Japanese message naming it):\n  {}",
            missing.join("\n  ")
        );
    }

    /// The drivers' own refusals, as `?` converts them: a person's duplicate names its
    /// field, on a single column, a primary key and several columns; an internal key stays
    /// a database error.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_duplicate_names_its_field_on_both_engines() {
        const STATEMENTS: [(&str, Option<&str>); 4] = [
            (
                "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at, updated_at) \
                 VALUES ('same', '同じ', 'admin', 'h', 0, 't', 't')",
                Some("username"),
            ),
            (
                "INSERT INTO calendar_overrides (date, is_open, reason, updated_at) VALUES ('2020-10-05', 0, '休', 't')",
                Some("date"),
            ),
            (
                "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) \
                 SELECT 'h', id, 't', 't' FROM users WHERE username = 'same'",
                None,
            ),
            (
                "INSERT INTO procedures (request_id, version, steps, status, created_by, created_at, updated_at) \
                 SELECT id, 1, '[]', 'draft', 'x', 't', 't' FROM work_requests",
                Some("version"),
            ),
        ];
        for engine in [Engine::Sqlite, Engine::Postgres] {
            let db = TestDb::migrated(engine).await;
            let pool = db.store.pool();
            sqlx::query(
                "INSERT INTO work_requests (request_number, issued_on, period_from, period_to, contents, \
                 combination_approved, status, issued_by, created_at, updated_at) \
                 VALUES ('R-1', 'd', 'd', 'd', 'c', 0, 'issued', 'x', 't', 't')",
            )
            .execute(pool)
            .await
            .expect("request");
            for (statement, field) in STATEMENTS {
                sqlx::query(statement).execute(pool).await.expect(statement);
                let refused = sqlx::query(statement)
                    .execute(pool)
                    .await
                    .expect_err(statement);
                match (StoreError::from(refused), field) {
                    (StoreError::Duplicate { field: named, .. }, Some(field)) => {
                        assert_eq!(named, field, "{engine:?}: {statement}")
                    }
                    (e @ StoreError::Db(_), None) => assert!(e.is_unique_violation()),
                    (other, _) => panic!("{engine:?}: {statement}: {other:?}"),
                }
            }
            db.store.close().await;
        }
    }

    #[test]
    fn sqlite_names_the_table_and_columns() {
        assert_eq!(
            sqlite_refusal("UNIQUE constraint failed: users.username"),
            Some(("users", vec!["username"]))
        );
        assert_eq!(
            sqlite_refusal(
                "UNIQUE constraint failed: work_records.request_id, work_records.terminal_id, work_records.step_order"
            ),
            Some((
                "work_records",
                vec!["request_id", "terminal_id", "step_order"]
            ))
        );
        assert_eq!(sqlite_refusal("FOREIGN KEY constraint failed"), None);
    }

    #[test]
    fn every_field_message_is_japanese() {
        for u in UNIQUES {
            if let Guard::Field(field, message) = u.guard {
                assert!(!field.is_empty() && !message.is_ascii(), "{u:?}");
            }
        }
    }
}
