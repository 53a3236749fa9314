//! The audit trail: the database refuses edits on both engines, and `jukiops audit verify`
//! catches an entry edited or deleted behind the application's back.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, jukiops_bin};

async fn make_history(app: &TestApp) {
    let c = app.client(Role::ContractorLead).await;
    for n in 1..=3 {
        let body = json!({"asset_number": format!("T-{n}"), "serial": format!("S-{n}"), "model": "型式", "site_code": "011011"});
        assert_eq!(
            c.post(app.url("/api/v1/terminals"))
                .json(&body)
                .send()
                .await
                .expect("post")
                .status(),
            201
        );
    }
}

fn verify(app: &TestApp) -> (bool, String, String) {
    let out = std::process::Command::new(jukiops_bin())
        .args(["audit", "verify", "--database-url", &app.db.url])
        .env_remove("JUKIOPS_CONFIG")
        .output()
        .expect("run jukiops");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn the_database_refuses_updates_and_deletes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    make_history(&app).await;
    let pool = app.store.pool();
    assert!(
        sqlx::query("UPDATE audit_entries SET actor = 'x' WHERE seq = 1")
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_entries WHERE seq = 1")
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM audit_head")
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("UPDATE audit_head SET seq = 0")
            .execute(pool)
            .await
            .is_err(),
        "the head never moves back"
    );
    let (ok, out, err) = verify(&app);
    assert!(ok, "{out}{err}");
    assert!(out.contains("正常"), "{out}");
}

/// An entry slipped in behind the application's back must link to the head: a gap or a fork
/// is refused by the database itself, and the chain stays valid.
async fn the_database_refuses_an_entry_off_the_chain(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    make_history(&app).await;
    let head = app.store.audit_head().await.expect("head");
    let forge = |seq: i64, prev: String| {
        sqlx::query(
            "INSERT INTO audit_entries (seq, at, actor, entity, entity_id, action, changes, prev_hash, hash) \
             VALUES ($1, '2020-10-01T00:00:00.000000Z', 'x', 'terminal', '1', 'update', '{}', $2, $3)",
        )
        .bind(seq)
        .bind(prev)
        .bind("f".repeat(64))
    };
    let pool = app.store.pool();
    let gap = forge(head.seq + 2, head.hash.clone()).execute(pool).await;
    assert!(gap.is_err(), "a gap in seq is refused");
    let fork = forge(head.seq + 1, "0".repeat(64)).execute(pool).await;
    assert!(
        fork.is_err(),
        "an entry not linked to the head's hash is refused"
    );
    let replay = forge(head.seq, head.hash.clone()).execute(pool).await;
    assert!(replay.is_err(), "an old seq is refused");
    assert_eq!(app.store.audit_head().await.expect("head"), head);
    let (ok, out, err) = verify(&app);
    assert!(ok, "{out}{err}");
}

/// A change with more entries than one statement takes (an import of 1,200 terminals)
/// appends them all, in order, to one valid chain.
async fn a_large_change_appends_every_entry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let before = app.store.audit_head().await.expect("head");
    let mut csv = String::from("資産番号,製造番号,機種,拠点コード,設置場所,状態\r\n");
    for n in 1..=1_200 {
        csv.push_str(&format!("B-{n:05},SB-{n:05},型式,011011,区民課,稼働中\r\n"));
    }
    let r = app
        .client(Role::ContractorLead)
        .await
        .post(app.url("/api/v1/terminals/import"))
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.expect("json");
    assert_eq!(report["created"], 1_200);
    let after = app.store.audit_head().await.expect("head");
    assert!(
        after.seq >= before.seq + 1_200,
        "{} -> {}",
        before.seq,
        after.seq
    );
    assert_eq!(app.audit_total().await, after.seq);
    let (ok, out, err) = verify(&app);
    assert!(ok, "{out}{err}");
}

/// The server keeps where it left the head; when another process (here the CLI) appends in
/// between, the server's next change is chained to the real head, not refused.
async fn another_process_appending_in_between_is_followed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    make_history(&app).await;
    let out = std::process::Command::new(jukiops_bin())
        .args([
            "user",
            "add",
            "tanaka",
            "--display-name",
            "田中",
            "--role",
            "auditor",
        ])
        .args(["--database-url", &app.db.url])
        .env_remove("JUKIOPS_CONFIG")
        .output()
        .expect("run jukiops");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Signed in first: the sign-in is an entry of the login history.
    let c = app.client(Role::ContractorLead).await;
    let between = app.store.audit_head().await.expect("head");
    let body =
        json!({"asset_number": "T-4", "serial": "S-4", "model": "型式", "site_code": "011011"});
    let r = c
        .post(app.url("/api/v1/terminals"))
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(
        r.status(),
        201,
        "the change is chained after the CLI's entry"
    );
    let after = app.store.audit_head().await.expect("head");
    assert_eq!(after.seq, between.seq + 1, "one new entry after the CLI's");
    let (ok, out, err) = verify(&app);
    assert!(ok, "{out}{err}");
}

/// Two app servers (or the server and the CLI) on one database, each with many changes in
/// flight at once, leave one chain with no gap: each follows the other's appends. On SQLite
/// this needs the write lock taken at BEGIN; a transaction that read first failed as locked.
async fn concurrent_writers_of_two_servers_leave_one_chain(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let other = jukiops_store::Store::connect(&app.db.url, 4)
        .await
        .expect("second server's store");
    let before = app.store.audit_head().await.expect("head");
    let mut writes = tokio::task::JoinSet::new();
    for n in 0..40 {
        let store = if n % 2 == 0 {
            app.store.clone()
        } else {
            other.clone()
        };
        writes.spawn(async move {
            let draft = jukiops_domain::inventory::TerminalDraft {
                asset_number: format!("並行-{n:03}"),
                serial: format!("製造-{n:03}"),
                model: "統合端末（型式Ａ）".into(),
                site_code: "011011".into(),
                room: Some("住民記録担当".into()),
                lessor: None,
                lease_start: None,
                lease_end: None,
                status: jukiops_domain::inventory::AssetStatus::InService,
            };
            store
                .create_terminal(
                    &jukiops_store::Actor::System(format!("試験{n}"))
                        .authorize(jukiops_domain::people::Action::EditInventory)
                        .expect("system"),
                    draft,
                )
                .await
        });
    }
    while let Some(r) = writes.join_next().await {
        r.expect("task").expect("create");
    }
    other.close().await;
    let after = app.store.audit_head().await.expect("head");
    assert_eq!(after.seq, before.seq + 40, "one entry per change");
    assert_eq!(app.audit_total().await, after.seq, "no gap");
    let (ok, out, err) = verify(&app);
    assert!(ok, "{out}{err}");
}

/// Someone with database access disables the protection and edits an entry.
async fn verify_names_the_first_tampered_entry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    make_history(&app).await;
    let pool = app.store.pool();
    let total = app.audit_total().await;
    assert!(
        total >= 6,
        "users, sites and terminals were audited: {total}"
    );
    let target = total - 2;
    let disable = match engine {
        Engine::Sqlite => "DROP TRIGGER audit_entries_no_update",
        Engine::Postgres => "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only",
    };
    sqlx::query(disable)
        .execute(pool)
        .await
        .expect("disable trigger");
    sqlx::query("UPDATE audit_entries SET changes = '{}' WHERE seq = $1")
        .bind(target)
        .execute(pool)
        .await
        .expect("tamper");
    let (ok, out, err) = verify(&app);
    assert!(!ok, "verify must fail: {out}");
    assert!(
        err.contains(&format!("#{target}")),
        "names the entry: {err}"
    );

    // The API says the same.
    let c = app.client(Role::Auditor).await;
    let v: Value = c
        .get(app.url("/api/v1/audit/verify"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_bad_seq"], target);
}

async fn verify_catches_a_deleted_entry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    make_history(&app).await;
    let pool = app.store.pool();
    let disable = match engine {
        Engine::Sqlite => "DROP TRIGGER audit_entries_no_delete",
        Engine::Postgres => "ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only",
    };
    sqlx::query(disable)
        .execute(pool)
        .await
        .expect("disable trigger");
    sqlx::query("DELETE FROM audit_entries WHERE seq = 4")
        .execute(pool)
        .await
        .expect("delete");
    let (ok, _, err) = verify(&app);
    assert!(!ok);
    assert!(
        err.contains("#5"),
        "the entry after the gap is the first bad one: {err}"
    );
}

both_engines!(
    the_database_refuses_updates_and_deletes,
    the_database_refuses_an_entry_off_the_chain,
    a_large_change_appends_every_entry,
    another_process_appending_in_between_is_followed,
    concurrent_writers_of_two_servers_leave_one_chain,
    verify_names_the_first_tampered_entry,
    verify_catches_a_deleted_entry
);

/// The demo (the README's first command) walks most of the product: every audit entry it
/// writes must read in Japanese on the history pages — its kind of record, what was done
/// and each field changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_audit_entry_of_the_demo_reads_in_japanese() {
    use std::io::{BufRead, BufReader};
    let dir = std::env::temp_dir().join(format!("jukiops_demo_audit_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut child = std::process::Command::new(crate::support::jukiops_bin())
        .args(["demo", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("demo");
    let out = child.stdout.take().expect("stdout");
    // The demo prints its accounts once the seeding is committed, then serves.
    let seeded = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains("ログイン情報"));
    assert!(seeded, "the demo seeded its database");
    let url = format!("sqlite://{}?mode=ro", dir.join("jukiops.db").display());
    let store = jukiops_store::Store::connect(&url, 1).await.expect("open");
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT entity, action, changes FROM audit_entries ORDER BY seq")
            .fetch_all(store.pool())
            .await
            .expect("entries");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        rows.len() > 50,
        "the demo writes a history ({})",
        rows.len()
    );
    let mut missing = Vec::new();
    for (entity, action, changes) in &rows {
        let Some(kind) = jukiops_domain::audit::Entity::parse(entity) else {
            missing.push(format!("entity {entity}"));
            continue;
        };
        let changes: serde_json::Value = serde_json::from_str(changes).expect("json");
        for m in jukiops_domain::audit::unlabelled(kind, action, &changes) {
            missing.push(format!("{entity}: {m}"));
        }
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "untranslated in the trail: {missing:?}");
}
