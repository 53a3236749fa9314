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

/// Someone with database access disables the protection and edits an entry.
async fn verify_names_the_first_tampered_entry(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    make_history(&app).await;
    let pool = app.store.pool();
    let total = app.audit_count().await;
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
    verify_names_the_first_tampered_entry,
    verify_catches_a_deleted_entry
);
