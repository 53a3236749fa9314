//! The notice and job pages' forms without JavaScript: record a notice, create its job,
//! move the job, record an オ password change, a カ checklist with its follow-up, the
//! City's waiver and the checklist template; errors come back beside the form.

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
    // The job page offers only a cancellation: a job is requested by its 作業依頼書 (R8.1).
    let page = city.get(app.url("/jobs/1")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("/jobs/1/cancel") && !page.contains("/jobs/1/request"), "{page}");
    let (s, _) = form(&city, app.url("/jobs/1/request"), &none).await;
    assert_eq!(s, 404, "no such door");

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
    crate::support::request_and_approve(&app, &[2]).await;
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

/// The default template's items, in order, with the answer the form posts for each.
fn checklist_rows(lock: &str, lock_note: &str) -> Vec<(&'static str, String)> {
    let items = [
        ("location", "pass"),
        ("wiring", "pass"),
        ("seal_label", "pass"),
        ("screen_lock", lock),
        ("os_patches", "pass"),
        ("antivirus_definitions", "2020-11-01"),
        ("touch_panel_calibration", "pass"),
        ("clock", "pass"),
        ("peripherals", "pass"),
        ("no_unneeded_software", "pass"),
        ("remarks", ""),
    ];
    items
        .iter()
        .flat_map(|(id, value)| {
            let note = if *id == "screen_lock" { lock_note } else { "" };
            [
                ("item_id", id.to_string()),
                ("value", value.to_string()),
                ("note", note.to_string()),
            ]
        })
        .collect()
}

async fn the_forms_record_checklists_follow_ups_waivers_and_the_template(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let worker = app.client(Role::ContractorWorker).await;
    let t = terminal(&app, "T-1", "in_service").await;
    let (s, to) = form(
        &city,
        app.url("/jobs"),
        &[
            ("category", "カ"),
            ("title", "年次点検"),
            ("terminal_ids", &t.to_string()),
        ],
    )
    .await;
    assert_eq!((s, to.as_str()), (303, "/jobs/1"));
    crate::support::request_and_approve(&app, &[1]).await;
    let me = app
        .store
        .contractor_people()
        .await
        .expect("people")
        .iter()
        .find(|p| p.username == "contractor-worker")
        .map(|p| p.id)
        .expect("me");
    let head = |on: &str| {
        vec![
            ("terminal_id", t.to_string()),
            ("inspected_on", on.to_string()),
            ("inspector_id", me.to_string()),
        ]
    };

    // A fail without its note comes back with what was typed; with the note it is kept.
    let mut body = head("2020-11-10");
    body.extend(checklist_rows("fail", ""));
    let (s, html) = form(&worker, app.url("/jobs/1/inspections"), &body).await;
    assert_eq!(s, 422);
    assert!(html.contains("所見を入力してください"), "named error");
    assert!(
        html.contains("<option value=\"fail\" selected>"),
        "the answer typed is kept"
    );
    let mut body = head("2020-11-10");
    body.extend(checklist_rows("fail", "ロックが無効"));
    let (s, to) = form(&worker, app.url("/jobs/1/inspections"), &body).await;
    assert_eq!((s, to.as_str()), (303, "/jobs/1#inspections"));
    let (_, r) = get(&worker, app.url("/api/v1/jobs/1/inspections")).await;
    assert_eq!(r["findings"][0]["item_id"], "screen_lock", "{r}");

    // The finding's button raises the follow-up job once.
    let fu = app.url(&format!("/jobs/1/inspections/{t}/follow-up"));
    let (s, _) = form(&worker, fu.clone(), &[("item_id", "screen_lock")]).await;
    assert_eq!(s, 403);
    let (s, to) = form(&city, fu.clone(), &[("item_id", "screen_lock")]).await;
    assert_eq!((s, to.as_str()), (303, "/jobs/2"));
    let (s, html) = form(&city, fu, &[("item_id", "screen_lock")]).await;
    assert_eq!(s, 409);
    assert!(html.contains("既に作業(作業ID 2)"), "the reason");

    // The City's waiver: a bad scope comes back with what was typed.
    let waiver = |scope: &str| {
        [
            ("scope", scope.to_string()),
            ("deliverables", "作業写真\n点検表".to_string()),
            ("decided_on", "2020-11-20".to_string()),
            ("reason", "前年度と同じ".to_string()),
        ]
    };
    let (s, html) = form(&city, app.url("/jobs/1/waiver"), &waiver("some")).await;
    assert_eq!(s, 422);
    assert!(html.contains("前年度と同じ"), "the reason typed is kept");
    let (s, to) = form(&city, app.url("/jobs/1/waiver"), &waiver("part")).await;
    assert_eq!((s, to.as_str()), (303, "/jobs/1#waiver"));
    let html = worker
        .get(app.url("/jobs/1"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("作業写真、点検表"), "the waiver is shown");

    // The template: blank rows are skipped; a bad id is named beside its row.
    let rows = |id: &str| {
        [
            ("id", id.to_string()),
            ("label", "画面ロック".to_string()),
            ("kind", "pass_fail".to_string()),
            ("id", String::new()),
            ("label", String::new()),
            ("kind", "pass_fail".to_string()),
        ]
    };
    let (s, _) = form(
        &worker,
        app.url("/inspection/template"),
        &rows("screen_lock"),
    )
    .await;
    assert_eq!(s, 403);
    let (s, html) = form(&city, app.url("/inspection/template"), &rows("Bad")).await;
    assert_eq!(s, 422);
    assert!(html.contains("項目IDは半角英小文字"), "named error");
    let (s, to) = form(&city, app.url("/inspection/template"), &rows("screen_lock")).await;
    assert_eq!((s, to.as_str()), (303, "/inspection/template"));
    let (_, t) = get(&worker, app.url("/api/v1/inspection/template")).await;
    assert_eq!(t["items"].as_array().map(Vec::len), Some(1), "{t}");
}

both_engines!(
    the_forms_record_notices_jobs_and_password_changes,
    the_forms_record_checklists_follow_ups_waivers_and_the_template,
);
