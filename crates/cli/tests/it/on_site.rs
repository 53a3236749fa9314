//! The worker's screen on site (issue 13 item 6) through the real server: the request's
//! terminals with their progress, one terminal with its approved steps recorded through
//! the same operation as the request page, and evidence photos on a work record refused
//! at a site that forbids them (nothing stored) and kept where the site allows them.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::pages::{english_words, visible_text};
use crate::support::{Engine, TestApp, problem_fields, request_and_approve};

async fn api(c: &reqwest::Client, method: reqwest::Method, url: String, body: Value) -> Value {
    let mut req = c.request(method, url);
    if !body.is_null() {
        req = req.json(&body);
    }
    let r = req.send().await.expect("send");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

async fn page(c: &reqwest::Client, url: String) -> String {
    let r = c.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("text");
    let words = english_words(&visible_text(&html));
    assert!(words.is_empty(), "English left in the UI: {words:?}");
    html
}

/// One terminal at 中央区役所 (photos forbidden, the default) and one at 菊水分庁舎, under
/// one job and a request with its procedure approved.
async fn seed(app: &TestApp) -> (i64, i64, i64) {
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let mut terminals = Vec::new();
    for (n, site) in [(1, "011011"), (2, "kikusui")] {
        let t = api(
            &lead,
            reqwest::Method::POST,
            app.url("/api/v1/terminals"),
            json!({"asset_number": format!("OS-{n}"), "serial": format!("OSS-{n}"), "model": "型式", "site_code": site}),
        )
        .await;
        terminals.push(t["id"].as_i64().expect("terminal"));
    }
    let j = api(
        &city,
        reqwest::Method::POST,
        app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order", "title": "設定の変更", "terminal_ids": terminals}),
    )
    .await;
    let job = j["id"].as_i64().expect("job");
    let rid = request_and_approve(app, &[job]).await;
    (rid, terminals[0], terminals[1])
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----jukiopsOnSite7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend((0..=255u8).cycle().take(2_000));
    b
}

async fn attachments(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM attachments WHERE owner_kind = 'work_record'")
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

async fn record(app: &TestApp, c: &reqwest::Client, rid: i64, terminal: i64, performer: i64) {
    let form = [
        ("step_order", "1".to_string()),
        ("outcome", "done".to_string()),
        ("performer_id", performer.to_string()),
        ("started_at", "2020-10-05T09:00".to_string()),
        ("ended_at", "2020-10-05T09:30".to_string()),
        ("note", String::new()),
    ];
    let r = c
        .post(app.url(&format!("/requests/{rid}/on-site/{terminal}")))
        .form(&form)
        .send()
        .await
        .expect("record");
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/requests/{rid}/on-site/{terminal}").as_str()
    );
}

async fn the_worker_records_one_terminal_at_a_time(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (rid, t1, t2) = seed(&app).await;
    let worker = app.client(Role::ContractorWorker).await;
    let me = app.user_id(Role::ContractorWorker).await;

    // The chooser: both terminals by site, nothing recorded yet; the request page links it.
    let html = page(&worker, app.url(&format!("/requests/{rid}"))).await;
    assert!(html.contains(&format!("/requests/{rid}/on-site\"")), "linked");
    let html = page(&worker, app.url(&format!("/requests/{rid}/on-site"))).await;
    assert!(html.contains("OS-1") && html.contains("OS-2"), "{html}");
    assert!(html.contains("0/1"), "{html}");

    // One terminal: its approved step as a large check box, with its expected result, the
    // times from now and the worker as performer.
    let html = page(&worker, app.url(&format!("/requests/{rid}/on-site/{t1}"))).await;
    assert!(html.contains("作業する") && html.contains("確認内容: 完了する"), "{html}");
    assert!(html.contains("class=\"big-check\""), "{html}");
    assert!(html.contains("form=\"on-site-form\" name=\"step_order\" value=\"1\""));
    assert!(html.contains(&format!("<option value=\"{me}\" selected>")), "{html}");
    assert!(html.contains("name=\"started_at\" type=\"datetime-local\" required value=\"20"));
    assert!(!html.contains("capture=\"environment\""), "no photos at 中央区役所");

    // A refusal names the field and keeps the page.
    let r = worker
        .post(app.url(&format!("/requests/{rid}/on-site/{t1}")))
        .form(&[("outcome", "done"), ("performer_id", &me.to_string())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("text").contains("記録する手順を選んでください"));

    record(&app, &worker, rid, t1, me).await;
    let html = page(&worker, app.url(&format!("/requests/{rid}/on-site/{t1}"))).await;
    assert!(html.contains("実施済"), "{html}");
    assert!(
        html.contains(&format!("/requests/{rid}/on-site/{t2}")) && html.contains("次の統合端末へ"),
        "{html}"
    );
    // The request page shows the record, as the API does.
    let html = page(&worker, app.url(&format!("/requests/{rid}"))).await;
    assert!(html.contains("<td>OS-1</td><td class=\"num\">1件</td>"), "{html}");
    assert!(html.contains("<li>1. 実施済 "), "{html}");
    let d = api(
        &worker,
        reqwest::Method::GET,
        app.url(&format!("/api/v1/requests/{rid}")),
        Value::Null,
    )
    .await;
    let records = d["records"].as_array().expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["terminal_id"], t1);
    let html = page(&worker, app.url(&format!("/requests/{rid}/on-site"))).await;
    assert!(html.contains("1/1 完了"), "{html}");

    // A terminal the request does not cover is not found.
    let r = worker
        .get(app.url(&format!("/requests/{rid}/on-site/999999")))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
}

async fn photos_only_where_the_site_allows_them(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (rid, t1, t2) = seed(&app).await;
    let worker = app.client(Role::ContractorWorker).await;
    let lead = app.client(Role::ContractorLead).await;
    let me = app.user_id(Role::ContractorWorker).await;
    record(&app, &worker, rid, t1, me).await;
    record(&app, &worker, rid, t2, me).await;
    let d = api(
        &worker,
        reqwest::Method::GET,
        app.url(&format!("/api/v1/requests/{rid}")),
        Value::Null,
    )
    .await;
    let of = |t: i64| {
        d["records"]
            .as_array()
            .expect("records")
            .iter()
            .find(|r| r["terminal_id"] == t)
            .and_then(|r| r["id"].as_i64())
            .expect("record")
    };
    let (r1, r2) = (of(t1), of(t2));
    let post_photo = |c: &reqwest::Client, record: i64, name: &str, bytes: Vec<u8>| {
        let (ct, body) = multipart(name, &bytes);
        c.post(app.url(&format!("/attachments?owner=work_record&owner_id={record}")))
            .header("content-type", ct)
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
    };

    // 中央区役所 forbids photos: refused on the page and in the API, nothing stored.
    let r = post_photo(&worker, r1, "写真.png", png()).await.expect("post");
    assert_eq!(r.status(), 409);
    let html = r.text().await.expect("text");
    assert!(html.contains("写真を添付できません") && html.contains("OS-1"), "{html}");
    let r = worker
        .post(app.url(&format!("/api/v1/attachments?owner=work_record&owner_id={r1}")))
        .header("content-type", "application/octet-stream")
        .header("x-file-name", "photo.png")
        .body(png())
        .send()
        .await
        .expect("api");
    assert_eq!(r.status(), 409);
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["file"]);
    assert_eq!(attachments(&app).await, 0);

    // 菊水分庁舎 allows them once the site says so (its form shows the setting).
    let site: i64 = sqlx::query_scalar("SELECT id FROM sites WHERE code = 'kikusui'")
        .fetch_one(app.store.pool())
        .await
        .expect("site");
    let html = page(&lead, app.url(&format!("/sites/{site}"))).await;
    assert!(html.contains("name=\"photos_allowed\""), "{html}");
    let r = lead
        .post(app.url(&format!("/sites/{site}")))
        .form(&[("code", "kikusui"), ("name", "菊水分庁舎"), ("photos_allowed", "1")])
        .send()
        .await
        .expect("site");
    assert_eq!(r.status(), 303);
    let html = page(&lead, app.url(&format!("/sites/{site}"))).await;
    assert!(html.contains("証跡の写真撮影を認める"), "{html}");
    let html = page(&worker, app.url(&format!("/requests/{rid}/on-site/{t2}"))).await;
    assert!(
        html.contains("accept=\"image/*\" capture=\"environment\""),
        "{html}"
    );

    let r = post_photo(&worker, r2, "証跡.pdf", b"%PDF-1.7".to_vec())
        .await
        .expect("post");
    assert_eq!(r.status(), 422, "a record takes photos only");
    assert_eq!(attachments(&app).await, 0);
    let r = post_photo(&worker, r2, "証跡.png", png()).await.expect("post");
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/requests/{rid}/on-site/{t2}").as_str()
    );
    assert_eq!(attachments(&app).await, 1);
    let id: i64 = sqlx::query_scalar("SELECT id FROM attachments WHERE owner_kind = 'work_record'")
        .fetch_one(app.store.pool())
        .await
        .expect("id");
    let html = page(&worker, app.url(&format!("/requests/{rid}/on-site/{t2}"))).await;
    assert!(html.contains(&format!("<img src=\"/attachments/{id}\"")), "{html}");
    let r = worker
        .get(app.url(&format!("/attachments/{id}")))
        .send()
        .await
        .expect("download");
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), png());
    // The lead sees the photo on the terminal too.
    let html = page(&lead, app.url(&format!("/requests/{rid}/on-site/{t2}"))).await;
    assert!(html.contains("証跡.png"), "{html}");
}

both_engines!(
    the_worker_records_one_terminal_at_a_time,
    photos_only_where_the_site_allows_them
);
