//! The notice and job pages' forms without JavaScript: record a notice, create its job,
//! move the job and record an オ password change; errors come back beside the form.

use jukiops_domain::people::Role;

use crate::both_engines;
use crate::jobs::{get, terminal};
use crate::support::{Engine, TestApp};

async fn form<F: serde::Serialize + ?Sized>(
    c: &reqwest::Client,
    url: String,
    fields: &F,
) -> (u16, String) {
    let r = c.post(url).form(fields).send().await.expect("post");
    let status = r.status().as_u16();
    let to = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(String::from);
    (status, to.unwrap_or(r.text().await.expect("text")))
}

async fn the_forms_record_notices_jobs_and_password_changes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t = terminal(&app, "T-1", "in_service").await;
    let notice = [
        ("received_on", "2020-10-01"),
        ("jlis_reference", "J-9"),
        ("kind", "os_security_update"),
        ("title", "セキュリティ更新"),
        ("body", "更新プログラムを適用してください。"),
        ("requested_deadline", ""),
    ];
    let (s, to) = form(&city, app.url("/notices"), &notice).await;
    assert_eq!((s, to.as_str()), (303, "/notices/1"));
    let (s, html) = form(&city, app.url("/notices"), &notice).await;
    assert_eq!(s, 409);
    assert!(
        html.contains("既に登録されています"),
        "the error beside the form"
    );

    let (s, html) = form(
        &city,
        app.url("/jobs"),
        &[("category", "イ"), ("notice_id", "0"), ("title", "更新")],
    )
    .await;
    assert_eq!(s, 422);
    assert!(html.contains("通知を選んでください"), "named error");
    let (s, to) = form(
        &city,
        app.url("/jobs"),
        &[
            ("category", "イ"),
            ("notice_id", "1"),
            ("title", "更新"),
            ("all_terminals", "1"),
        ],
    )
    .await;
    assert_eq!((s, to.as_str()), (303, "/jobs/1"));
    let (_, n) = get(&city, app.url("/api/v1/notices/1")).await;
    assert_eq!(n["status"], "jobs_created");
    let none: [(&str, &str); 0] = [];
    let (s, html) = form(&city, app.url("/jobs/1/complete"), &none).await;
    assert_eq!(s, 409);
    assert!(html.contains("「予定」のため"), "the Japanese reason");
    let (s, _) = form(&city, app.url("/jobs/1/request"), &none).await;
    assert_eq!(s, 303);

    let (s, to) = form(
        &city,
        app.url("/jobs"),
        &[
            ("category", "オ"),
            ("title", "管理者パスワード変更"),
            ("terminal_ids", &t.to_string()),
        ],
    )
    .await;
    assert_eq!((s, to.as_str()), (303, "/jobs/2"));
    form(&city, app.url("/jobs/2/request"), &none).await;
    let page = worker
        .get(app.url("/jobs/2"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("変更を記録する") && !page.contains("type=\"password\""),
        "the form has no password"
    );
    let me = app
        .store
        .contractor_people()
        .await
        .expect("people")
        .iter()
        .find(|p| p.username == "contractor-worker")
        .map(|p| p.id)
        .expect("me");
    let rotation = |at: &str| {
        [
            ("terminal_id", t.to_string()),
            ("performer_id", me.to_string()),
            ("rotated_at", at.to_string()),
        ]
    };
    let (s, html) = form(&worker, app.url("/jobs/2/rotations"), &rotation("昨日")).await;
    assert_eq!(s, 422);
    assert!(
        html.contains("変更日時をYYYY-MM-DD HH:MMの形式"),
        "named error"
    );
    let (s, to) = form(
        &worker,
        app.url("/jobs/2/rotations"),
        &rotation("2020-10-06T14:05"),
    )
    .await;
    assert_eq!((s, to.as_str()), (303, "/jobs/2#rotations"));
    let (_, r) = get(&worker, app.url("/api/v1/jobs/2/rotations")).await;
    assert_eq!(
        (
            r["rotations"][0]["changed_at"].as_str(),
            r["not_rotated"].as_array().map(Vec::len)
        ),
        (Some("2020-10-06 14:05"), Some(0))
    );
}

both_engines!(the_forms_record_notices_jobs_and_password_changes);
