//! Attachments through the real server (R2.4, R8.2, R8.3): a notice's file, a draft
//! procedure's file and a request's evidence uploaded, listed and downloaded byte for byte;
//! wrong types and oversize files refused with nothing stored; a submitted procedure's
//! attachments frozen; the pages list them in Japanese and take a multipart upload.

use jukiops_domain::people::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_engines;
use crate::pages::{english_words, visible_text};
use crate::support::{Engine, TestApp, problem_fields};

struct Fixture {
    notice: i64,
    request: i64,
    procedure: i64,
}

async fn post_json(c: &reqwest::Client, url: String, body: Value) -> Value {
    let r = c.post(url).json(&body).send().await.expect("post");
    assert!(r.status().is_success(), "{}", r.status());
    r.json().await.unwrap_or(Value::Null)
}

/// A notice with its job, one request for it on one terminal, and version 1 of the
/// procedure as a draft.
async fn fixture(app: &TestApp) -> Fixture {
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let t = post_json(
        &lead,
        app.url("/api/v1/terminals"),
        json!({"asset_number": "A-1", "serial": "S-1", "model": "型式", "site_code": "011011"}),
    )
    .await;
    let n = post_json(
        &city,
        app.url("/api/v1/notices"),
        json!({"received_on": "2020-10-01", "jlis_reference": "J-LIS-2020-201",
        "title": "通知", "body": "本文", "kind": "settings_change"}),
    )
    .await;
    let j = post_json(
        &city,
        app.url("/api/v1/jobs"),
        json!({"category": "ウ", "origin": "notice", "notice_id": n["id"], "title": "設定変更", "all_terminals": true}),
    )
    .await;
    let d = post_json(
        &city,
        app.url("/api/v1/requests"),
        json!({"request_number": "R2-101", "issued_on": "2020-10-01", "period_from": "2020-10-05",
        "period_to": "2020-10-07", "site_ids": [t["site_id"]], "contents": "設定変更", "job_ids": [j["id"]]}),
    )
    .await;
    let request = d["request"]["id"].as_i64().expect("request");
    let r = lead
        .put(app.url(&format!("/api/v1/requests/{request}/procedure")))
        .json(&json!({"steps": [{"action": "設定を変更する", "expected_result": "設定値が通知のとおり"}]}))
        .send()
        .await
        .expect("procedure");
    assert_eq!(r.status(), 200);
    let d: Value = r.json().await.expect("json");
    Fixture {
        notice: n["id"].as_i64().expect("notice"),
        request,
        procedure: d["procedures"][0]["id"].as_i64().expect("procedure"),
    }
}

fn percent(name: &str) -> String {
    name.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn upload(
    app: &TestApp,
    c: &reqwest::Client,
    owner: &str,
    owner_id: i64,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, Value) {
    let r = c
        .post(app.url(&format!(
            "/api/v1/attachments?owner={owner}&owner_id={owner_id}"
        )))
        .header("content-type", "application/octet-stream")
        .header("x-file-name", percent(name))
        .body(bytes)
        .send()
        .await
        .expect("upload");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn list(app: &TestApp, c: &reqwest::Client, owner: &str, owner_id: i64) -> Vec<Value> {
    let r = c
        .get(app.url(&format!(
            "/api/v1/attachments?owner={owner}&owner_id={owner_id}"
        )))
        .send()
        .await
        .expect("list");
    assert_eq!(r.status(), 200);
    let page: Value = r.json().await.expect("json");
    assert_eq!(
        page["total"].as_u64(),
        page["items"].as_array().map(|a| a.len() as u64)
    );
    page["items"].as_array().expect("items").clone()
}

fn pdf() -> Vec<u8> {
    let mut b = b"%PDF-1.7\n".to_vec();
    b.extend((0..=255u8).cycle().take(70_000));
    b
}

async fn round_trip_refusals_and_frozen_procedures(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let f = fixture(&app).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;
    let auditor = app.client(Role::Auditor).await;

    // A notice's PDF, byte for byte, with its SHA-256.
    let content = pdf();
    let sha = hex::encode(Sha256::digest(&content));
    let (status, a) = upload(
        &app,
        &city,
        "notice",
        f.notice,
        "通知文書 第1号.pdf",
        content.clone(),
    )
    .await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["sha256"], sha.as_str());
    assert_eq!(a["size"], content.len());
    assert_eq!(a["file_name"], "通知文書 第1号.pdf");
    assert_eq!(a["content_type"], "application/pdf");
    let items = list(&app, &auditor, "notice", f.notice).await;
    assert_eq!(items.len(), 1);
    assert!(
        items[0].get("content").is_none(),
        "the list is metadata only"
    );
    let id = a["id"].as_i64().expect("id");
    let r = auditor
        .get(app.url(&format!("/api/v1/attachments/{id}")))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let cd = h["content-disposition"].to_str().expect("ascii");
    assert!(cd.starts_with("attachment;"), "{cd}");
    assert!(
        cd.contains(&format!(
            "filename*=UTF-8''{}",
            "%E9%80%9A%E7%9F%A5%E6%96%87%E6%9B%B8%20%E7%AC%AC1%E5%8F%B7.pdf"
        )),
        "{cd}"
    );
    let body = r.bytes().await.expect("bytes");
    assert_eq!(hex::encode(Sha256::digest(&body)), sha);
    assert_eq!(body.as_ref(), content.as_slice());

    // The audit keeps the metadata and the hash, not the content.
    let entries = app
        .store
        .audit_for("attachment", &id.to_string())
        .await
        .expect("audit");
    assert_eq!(entries.len(), 1);
    assert!(entries[0].changes.contains(&sha));
    assert!(entries[0].changes.len() < 1000);

    // Evidence by the worker; a draft procedure's file by the lead.
    let png = b"\x89PNG\r\n\x1a\nimage".to_vec();
    let (status, e) = upload(
        &app,
        &worker,
        "request",
        f.request,
        "../作業写真.png",
        png.clone(),
    )
    .await;
    assert_eq!(status, 201, "{e}");
    assert_eq!(e["file_name"], "作業写真.png", "directories are stripped");
    let (status, p) = upload(
        &app,
        &lead,
        "procedure",
        f.procedure,
        "手順書.xlsx",
        b"PK\x03\x04xlsx".to_vec(),
    )
    .await;
    assert_eq!(status, 201, "{p}");

    // Roles by owner.
    let (status, _) = upload(&app, &worker, "notice", f.notice, "a.pdf", pdf()).await;
    assert_eq!(status, 403);
    let (status, _) = upload(&app, &city, "procedure", f.procedure, "a.pdf", pdf()).await;
    assert_eq!(status, 403);
    let (status, _) = upload(&app, &city, "request", f.request, "a.pdf", pdf()).await;
    assert_eq!(status, 403);

    // Wrong types and an oversize file: refused, naming the file, nothing stored.
    let before = app.audit_count().await;
    for (name, bytes) in [
        ("偽装.pdf", b"MZ\x90\x00binary".to_vec()),
        ("実行.exe", b"MZ\x90\x00binary".to_vec()),
        ("表.xlsx", b"%PDF-1.4".to_vec()),
        ("メモ.txt", vec![0xff, 0xfe, 0x00, 0x41]),
        ("空.txt", Vec::new()),
    ] {
        let (status, body) = upload(&app, &city, "notice", f.notice, name, bytes).await;
        assert_eq!(status, 422, "{name}: {body}");
        assert_eq!(problem_fields(&body), vec!["file"], "{name}");
    }
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(4 * 1024 * 1024 + 1, b'x');
    let (status, body) = upload(&app, &city, "notice", f.notice, "大きい.pdf", big).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(problem_fields(&body), vec!["file"]);
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("4メガバイト"),
        "{body}"
    );
    let mut max = b"%PDF-1.7\n".to_vec();
    max.resize(4 * 1024 * 1024, b'x');
    let (status, a) = upload(&app, &city, "notice", f.notice, "ちょうど.pdf", max).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(app.audit_count().await, before + 1);
    assert_eq!(list(&app, &city, "notice", f.notice).await.len(), 2);
    let (status, _) = upload(&app, &city, "notice", 999_999, "a.pdf", pdf()).await;
    assert_eq!(status, 404);

    // Submitted: version 1 and its attachments are frozen.
    let r = lead
        .post(app.url(&format!("/api/v1/procedures/{}/submit", f.procedure)))
        .json(&json!({}))
        .send()
        .await
        .expect("submit");
    assert_eq!(r.status(), 204);
    let (status, body) = upload(&app, &lead, "procedure", f.procedure, "追加.pdf", pdf()).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("提出"),
        "{body}"
    );
    assert_eq!(list(&app, &lead, "procedure", f.procedure).await.len(), 1);

    // Unknown owners and attachments.
    let r = city
        .get(app.url("/api/v1/attachments?owner=job&owner_id=1"))
        .send()
        .await
        .expect("list");
    assert_eq!(r.status(), 422);
    let r = city
        .get(app.url("/api/v1/attachments/999999"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----jukiopsBoundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn pages_upload_and_list_in_japanese(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let f = fixture(&app).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let worker = app.client(Role::ContractorWorker).await;

    let post_form = |c: &reqwest::Client, path: String, name: &str, bytes: &[u8]| {
        let (ct, body) = multipart(name, bytes);
        c.post(app.url(&path))
            .header("content-type", ct)
            .header("sec-fetch-site", "same-origin")
            .body(body)
            .send()
    };
    let r = post_form(
        &city,
        format!("/attachments?owner=notice&owner_id={}", f.notice),
        "通知文書.pdf",
        &pdf(),
    )
    .await
    .expect("post");
    assert_eq!(r.status(), 303, "back to the notice");
    assert_eq!(
        r.headers()["location"],
        format!("/notices/{}", f.notice).as_str()
    );
    let r = post_form(
        &worker,
        format!("/attachments?owner=request&owner_id={}", f.request),
        "作業記録.csv",
        "資産番号,結果\nA-1,実施済\n".as_bytes(),
    )
    .await
    .expect("post");
    assert_eq!(r.status(), 303);
    let r = post_form(
        &lead,
        format!("/attachments?owner=procedure&owner_id={}", f.procedure),
        "手順書.docx",
        b"PK\x03\x04docx",
    )
    .await
    .expect("post");
    assert_eq!(r.status(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/requests/{}", f.request).as_str()
    );

    // A wrong type is shown on the page in Japanese, with nothing stored.
    let r = post_form(
        &worker,
        format!("/attachments?owner=request&owner_id={}", f.request),
        "偽装.png",
        b"%PDF-1.7",
    )
    .await
    .expect("post");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("text");
    assert!(html.contains("拡張子と一致しません"), "{html}");
    // A cross-origin post is refused.
    let (ct, body) = multipart("a.pdf", &pdf());
    let r = city
        .post(app.url(&format!("/attachments?owner=notice&owner_id={}", f.notice)))
        .header("content-type", ct)
        .header("origin", "https://evil.example")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);

    for (role, path, file) in [
        (
            Role::CityStaff,
            format!("/notices/{}", f.notice),
            "通知文書.pdf",
        ),
        (
            Role::ContractorWorker,
            format!("/requests/{}", f.request),
            "作業記録.csv",
        ),
        (
            Role::ContractorLead,
            format!("/requests/{}", f.request),
            "手順書.docx",
        ),
        (
            Role::Auditor,
            format!("/requests/{}", f.request),
            "作業記録.csv",
        ),
    ] {
        let c = app.client(role).await;
        let r = c.get(app.url(&path)).send().await.expect("get");
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.expect("text");
        assert!(html.contains(file), "{path} lists {file}");
        assert!(html.contains("添付ファイル"), "{path}");
        let words: Vec<String> = english_words(&visible_text(&html))
            .into_iter()
            .filter(|w| !["pdf", "csv", "docx"].contains(&w.as_str()))
            .collect();
        assert!(
            words.is_empty(),
            "{path}: English left in the UI: {words:?}"
        );
    }
    // The upload form shows only to those who may attach, and only on a draft.
    let html = worker
        .get(app.url(&format!("/notices/{}", f.notice)))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(!html.contains("owner=notice"));
    let html = lead
        .get(app.url(&format!("/requests/{}", f.request)))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(html.contains(&format!("owner=procedure&amp;owner_id={}", f.procedure)));

    // The page's download link serves the bytes.
    let items = list(&app, &worker, "request", f.request).await;
    assert_eq!(items.len(), 1);
    let r = worker
        .get(app.url(&format!("/attachments/{}", items[0]["id"])))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(r.text().await.expect("text"), "資産番号,結果\nA-1,実施済\n");
}

both_engines!(
    round_trip_refusals_and_frozen_procedures,
    pages_upload_and_list_in_japanese
);
