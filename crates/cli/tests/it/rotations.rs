//! オ through the real server (R3.2): one administrator-password change per terminal of an
//! オ job, who and when only; a body carrying a password is refused and nothing stored;
//! the terminal page shows the last change.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::jobs::{get, post, terminal};
use crate::support::{Engine, TestApp, problem_fields};


async fn rotations(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM password_rotations")
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

fn field_of(body: &Value) -> String {
    problem_fields(body).join(",")
}

async fn password_changes_record_who_and_when_never_the_password(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t1 = terminal(&app, "T-1", "in_service").await;
    let t2 = terminal(&app, "T-2", "in_service").await;
    let t3 = terminal(&app, "T-3", "in_service").await;
    let job = json!({"category": "オ", "origin": "city_order", "title": "管理者パスワード変更", "terminal_ids": [t1, t2]});
    let (s, j) = post(&city, app.url("/api/v1/jobs"), job).await;
    assert_eq!(s, 201, "{j}");
    let jid = j["id"].as_i64().expect("id");
    let (s, other) = post(&city, app.url("/api/v1/jobs"),
        json!({"category": "エ", "origin": "city_order", "title": "設定変更", "terminal_ids": [t1]})).await;
    assert_eq!(s, 201, "{other}");
    let me = app.user_id(Role::ContractorWorker).await;
    let rotation = |terminal: i64| json!({"job_id": jid, "terminal_id": terminal, "performer_id": me, "rotated_at": "2020-10-05 10:30"});
    let url = app.url("/api/v1/password-rotations");

    // Not before the City's request.
    let (s, body) = post(&worker, url.clone(), rotation(t1)).await;
    assert_eq!((s, field_of(&body)), (409, "job_id".into()), "{body}");
    crate::support::request_and_approve(&app, &[jid]).await;

    // A password is never accepted, and nothing is stored.
    let before = app.audit_count().await;
    let mut with_password = rotation(t1);
    with_password["password"] = json!("Secret-123");
    let (s, body) = post(&worker, url.clone(), with_password).await;
    assert_eq!((s, field_of(&body)), (422, "password".into()), "{body}");
    let (s, _) = post(&city, url.clone(), rotation(t1)).await;
    assert_eq!(s, 403, "the City does not record the work");
    for (body, field, status) in [
        (
            json!({"job_id": jid, "terminal_id": t3, "performer_id": me, "rotated_at": "2020-10-05 10:30"}),
            "terminal_id",
            422,
        ),
        (
            json!({"job_id": jid, "terminal_id": t1, "performer_id": app.user_id(Role::CityStaff).await, "rotated_at": "2020-10-05 10:30"}),
            "performer_id",
            422,
        ),
        (
            json!({"job_id": jid, "terminal_id": t1, "performer_id": me, "rotated_at": "10/5"}),
            "rotated_at",
            422,
        ),
        (
            json!({"job_id": jid, "terminal_id": t1, "performer_id": me, "rotated_at": "2099-10-05 10:30"}),
            "rotated_at",
            422,
        ),
        (
            json!({"job_id": other["id"], "terminal_id": t1, "performer_id": me, "rotated_at": "2020-10-05 10:30"}),
            "job_id",
            422,
        ),
    ] {
        let (s, r) = post(&worker, url.clone(), body.clone()).await;
        assert_eq!(
            (s, field_of(&r)),
            (status, field.to_string()),
            "{body}: {r}"
        );
    }
    assert_eq!(rotations(&app).await, 0);
    assert_eq!(app.audit_count().await, before, "nothing written");

    // The first change starts the job; the rest is what is left to change.
    let (s, r) = post(&worker, url.clone(), rotation(t1)).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["rotations"][0]["changed_at"], "2020-10-05 10:30");
    assert_eq!(r["rotations"][0]["performer"]["id"], me);
    let left: Vec<i64> = r["not_rotated"]
        .as_array()
        .expect("left")
        .iter()
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert_eq!(left, [t2]);
    let (_, j) = get(&city, app.url(&format!("/api/v1/jobs/{jid}"))).await;
    assert_eq!(j["status"], "in_progress");
    let (s, body) = post(&worker, url.clone(), rotation(t1)).await;
    assert_eq!((s, field_of(&body)), (409, "terminal_id".into()), "{body}");
    let (s, r) = get(&worker, app.url(&format!("/api/v1/jobs/{jid}/rotations"))).await;
    assert_eq!(
        (s, r["rotations"].as_array().map(Vec::len)),
        (200, Some(1)),
        "{r}"
    );
    let (s, _) = get(
        &worker,
        app.url(&format!("/api/v1/jobs/{}/rotations", other["id"])),
    )
    .await;
    assert_eq!(s, 404);

    // Stored: who and when, nothing else; the terminal page shows the last change.
    let cols: Vec<String> = match engine {
        Engine::Sqlite => sqlx::query_scalar("SELECT name FROM pragma_table_info('password_rotations')"),
        Engine::Postgres => sqlx::query_scalar("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'password_rotations'"),
    }
    .fetch_all(app.store.pool())
    .await
    .expect("columns");
    assert!(cols.iter().all(|c| !c.contains("password")), "{cols:?}");
    let html = worker
        .get(app.url(&format!("/terminals/{t1}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("管理者パスワードの最終変更") && html.contains("2020-10-05 10:30"),
        "terminal page"
    );
    let (_, h) = get(
        &city,
        app.url(&format!(
            "/api/v1/audit/password_rotation/{}",
            r["rotations"][0]["id"]
        )),
    )
    .await;
    assert_eq!(h["items"][0]["action"], "create", "{h}");
    assert!(
        !h["items"][0]["changes"]
            .as_str()
            .unwrap_or_default()
            .contains("Secret")
    );
}

both_engines!(password_changes_record_who_and_when_never_the_password);
