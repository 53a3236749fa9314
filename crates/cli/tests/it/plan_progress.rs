//! A kept plan as it stands (issue 13, item 8), through the real server: sites without
//! coordinates explained with a link to where they are entered, the entry permits its
//! visits will need warned of on the plan page and in the API until granted, visits done
//! or done under an accepted 作業依頼書 shown as such, and the workbook's numbers and dates
//! read back as numbers and dates.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, request_and_approve};

async fn send(c: &reqwest::Client, url: String, body: Value) -> (u16, Value) {
    let r = c.post(url).json(&body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get_json(c: &reqwest::Client, url: String) -> Value {
    let r = c.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

async fn page(c: &reqwest::Client, url: String) -> String {
    let r = c.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    r.text().await.expect("html")
}

/// Two terminals at each of two ward offices; returns the site ids.
async fn seed(app: &TestApp) -> (i64, i64) {
    let lead = app.client(Role::ContractorLead).await;
    let mut ids = Vec::new();
    for (n, code) in ["011011", "011011", "011029", "011029"].iter().enumerate() {
        let body = json!({"asset_number": format!("Q-{n}"), "serial": format!("QS-{n}"), "model": "型式",
            "site_code": code, "room": "市民課"});
        let (status, t) = send(&lead, app.url("/api/v1/terminals"), body).await;
        assert_eq!(status, 201, "{t}");
        ids.push(t["site_id"].as_i64().expect("site"));
    }
    (ids[0], ids[2])
}

async fn a_plan_warns_of_permits_and_shows_what_is_done(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (chuo, kita) = seed(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;

    // 北区役所 without coordinates: the form says so and links to where they are entered.
    let kita_site = get_json(&lead, app.url(&format!("/api/v1/sites/{kita}"))).await;
    let mut input = kita_site.clone();
    input["lat"] = Value::Null;
    input["lon"] = Value::Null;
    let r = lead
        .put(app.url(&format!("/api/v1/sites/{kita}")))
        .json(&input)
        .send()
        .await
        .expect("put");
    let status = r.status();
    assert_eq!(status, 200, "{}", r.text().await.unwrap_or_default());
    let html = page(&lead, app.url("/plans")).await;
    assert!(
        html.contains("緯度・経度が未登録の拠点が1か所あります"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/sites/{kita}#lat\"")), "{html}");
    let site_page = page(&lead, app.url(&format!("/sites/{kita}"))).await;
    assert!(site_page.contains("id=\"lat\""), "the link lands on the field");
    let r = lead
        .put(app.url(&format!("/api/v1/sites/{kita}")))
        .json(&kita_site)
        .send()
        .await
        .expect("put");
    let status = r.status();
    assert_eq!(status, 200, "{}", r.text().await.unwrap_or_default());
    assert!(!page(&lead, app.url("/plans")).await.contains("緯度・経度が未登録の拠点"));

    // The City's contract says 中央区役所 needs an entry permit (set here as its site
    // register would).
    sqlx::query("UPDATE sites SET needs_entry_permit = 1 WHERE id = $1")
        .bind(chuo)
        .execute(app.store.pool())
        .await
        .expect("flag");
    let worker = app.user_id(Role::ContractorWorker).await;
    let body = json!({"title": "計画", "purpose": "OSセキュリティ更新", "start": "2020-10-05",
        "work_minutes_per_terminal": 30, "site_ids": [chuo, kita], "workers": [{"id": worker}]});
    let (status, saved) = send(&lead, app.url("/api/v1/plans"), body).await;
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().expect("id");

    let progress = get_json(&lead, app.url(&format!("/api/v1/plans/{id}/progress"))).await;
    let visits = progress["visits"].as_array().expect("visits").clone();
    assert_eq!(visits.len(), 2, "{progress}");
    assert_eq!(progress["lacking_permits"], 1, "{progress}");
    let at_chuo = visits.iter().find(|v| v["site_id"] == chuo).expect("chuo");
    assert_eq!(at_chuo["permits_lacking"][0]["label"], "入館許可");
    assert_eq!(at_chuo["permits_lacking"][0]["pending"], Value::Null);
    let date = at_chuo["date"].as_str().expect("date").to_string();
    let html = page(&city, app.url(&format!("/plans/{id}"))).await;
    assert!(html.contains("入館許可が必要な訪問が1件あります"), "{html}");
    assert!(html.contains("入館許可(未申請)"), "{html}");
    let lead_html = page(&lead, app.url(&format!("/plans/{id}"))).await;
    let link = format!("/permits?site_id={chuo}&amp;from={date}&amp;to={date}#permit-form");
    assert!(lead_html.contains(&link), "the lead is led to apply: {lead_html}");
    let form = page(&lead, app.url(&format!("/permits?site_id={chuo}&from={date}&to={date}"))).await;
    assert!(form.contains(&format!("value=\"{date}\"")), "the form asks for that day");

    // Applied for: pending; granted: the warning is gone.
    let (status, p) = send(&lead, app.url("/api/v1/permits"),
        json!({"site_id": chuo, "kind": "building", "valid_from": date, "valid_to": date})).await;
    assert_eq!(status, 201, "{p}");
    let progress = get_json(&lead, app.url(&format!("/api/v1/plans/{id}/progress"))).await;
    let at_chuo = &progress["visits"].as_array().expect("visits").iter().find(|v| v["site_id"] == chuo).cloned().expect("chuo");
    assert_eq!(at_chuo["permits_lacking"][0]["pending"], p["id"]);
    assert!(page(&city, app.url(&format!("/plans/{id}"))).await.contains("入館許可(申請中)"));
    let (status, body) = send(&city, app.url(&format!("/api/v1/permits/{}/decision", p["id"])), json!({"verb": "grant"})).await;
    assert_eq!(status, 200, "{body}");
    let progress = get_json(&lead, app.url(&format!("/api/v1/plans/{id}/progress"))).await;
    assert_eq!(progress["lacking_permits"], 0, "{progress}");
    assert!(!page(&city, app.url(&format!("/plans/{id}"))).await.contains("入館許可が必要な訪問"));

    // A visit recorded as done shows as done.
    let at_kita = visits.iter().find(|v| v["site_id"] == kita).expect("kita");
    let worker_c = app.client(Role::ContractorWorker).await;
    let (status, body) = send(&worker_c, app.url(&format!("/api/v1/visits/{}/transition", at_kita["visit_id"])),
        json!({"verb": "complete"})).await;
    assert_eq!(status, 200, "{body}");
    let progress = get_json(&lead, app.url(&format!("/api/v1/plans/{id}/progress"))).await;
    assert_eq!(progress["finished"], 1, "{progress}");
    let html = page(&city, app.url(&format!("/plans/{id}"))).await;
    assert!(html.contains("<span class=\"badge ok\">実施済</span>"), "{html}");
    assert!(html.contains("2件のうち1件が実施済み"), "{html}");

    // The workbook writes dates as dates and counts as numbers.
    let r = lead.get(app.url(&format!("/plans/{id}/plan.xlsx"))).send().await.expect("xlsx");
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.expect("bytes");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a real workbook");
    let sheet = book.worksheet_range("訪問一覧").expect("visits");
    let row = sheet.rows().nth(1).expect("a visit");
    assert!(matches!(row[0], Data::DateTime(_)), "日付 is a date: {:?}", row[0]);
    assert!(matches!(row[5], Data::DateTime(_)), "開始 is a time: {:?}", row[5]);
    assert_eq!(row[7], Data::Float(2.0), "台数 is a number");
}

async fn a_visit_under_an_accepted_request_shows_as_done(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let (chuo, kita) = seed(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let worker = app.user_id(Role::ContractorWorker).await;

    // The City's order on every terminal, its request and approved procedure.
    let (status, j) = send(&city, app.url("/api/v1/jobs"), json!({"category": "エ", "origin": "city_order",
        "title": "設定の変更", "all_terminals": true})).await;
    assert_eq!(status, 201, "{j}");
    let rid = request_and_approve(&app, &[j["id"].as_i64().expect("job")]).await;
    let body = json!({"title": "計画", "purpose": "設定の変更", "start": "2020-10-05", "request_id": rid,
        "work_minutes_per_terminal": 30, "site_ids": [chuo, kita], "workers": [{"id": worker}]});
    let (status, saved) = send(&lead, app.url("/api/v1/plans"), body).await;
    assert_eq!(status, 201, "{saved}");
    let id = saved["id"].as_i64().expect("id");
    let progress = get_json(&lead, app.url(&format!("/api/v1/plans/{id}/progress"))).await;
    assert!(
        progress["visits"].as_array().expect("visits").iter().all(|v| v["progress"] == "planned"),
        "{progress}"
    );

    // The work recorded on every terminal, reported, and accepted by the City; the visits
    // themselves were never marked done.
    let d = get_json(&lead, app.url(&format!("/api/v1/requests/{rid}"))).await;
    let records: Vec<Value> = d["terminals"].as_array().expect("terminals").iter().map(|t| {
        json!({"terminal_id": t["id"], "step_order": 1, "outcome": "done", "performer_id": worker,
            "started_at": "2020-10-05 09:00", "ended_at": "2020-10-05 09:30"})
    }).collect();
    let (status, d) = send(&lead, app.url(&format!("/api/v1/requests/{rid}/records")), json!({"records": records})).await;
    assert_eq!(status, 200, "{d}");
    let (status, d) = send(&lead, app.url(&format!("/api/v1/requests/{rid}/report")), json!({})).await;
    assert_eq!(status, 201, "{d}");
    let report = d["reports"][0]["id"].as_i64().expect("report");
    let progress = get_json(&lead, app.url(&format!("/api/v1/plans/{id}/progress"))).await;
    assert_eq!(progress["finished"], 0, "reported is not yet done: {progress}");
    let (status, d) = send(&city, app.url(&format!("/api/v1/reports/{report}/decision")), json!({"verdict": "approve"})).await;
    assert_eq!(status, 204, "{d}");

    let progress = get_json(&lead, app.url(&format!("/api/v1/plans/{id}/progress"))).await;
    assert!(
        progress["visits"].as_array().expect("visits").iter().all(|v| v["progress"] == "accepted"),
        "{progress}"
    );
    assert_eq!(progress["finished"], 2);
    let html = page(&lead, app.url(&format!("/plans/{id}"))).await;
    assert!(html.contains("<span class=\"badge ok\">完了(作業依頼書の受理済み)</span>"), "{html}");
}

both_engines!(
    a_plan_warns_of_permits_and_shows_what_is_done,
    a_visit_under_an_accepted_request_shows_as_done
);
