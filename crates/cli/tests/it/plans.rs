//! The all-site plan through the real server (R4.4): the Sapporo wards planned within 3
//! business days and kept as visits; an infeasible plan explained in Japanese; a start on
//! a holiday moved to the next business day; the Excel export opened by a real reader.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields};

/// 47 terminals over the 10 ward offices (not the 菊水分庁舎, which has no coordinates).
pub(crate) async fn seed_terminals(app: &TestApp) -> Vec<i64> {
    let lead = app.client(Role::ContractorLead).await;
    let wards = [
        "011011", "011029", "011037", "011045", "011088", "011053", "011100", "011061", "011070",
        "011096",
    ];
    let mut sites = Vec::new();
    for n in 0..47 {
        let code = wards[n % wards.len()];
        let body = json!({"asset_number": format!("P-{n:03}"), "serial": format!("S-{n:03}"), "model": "型式",
            "site_code": code, "room": "市民課"});
        let r = lead
            .post(app.url("/api/v1/terminals"))
            .json(&body)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201);
        let t: Value = r.json().await.expect("json");
        sites.push(t["site_id"].as_i64().expect("site"));
    }
    sites.sort_unstable();
    sites.dedup();
    sites
}

pub(crate) async fn people(app: &TestApp) -> Vec<i64> {
    let mut ids: Vec<i64> = app
        .store
        .contractor_people()
        .await
        .expect("people")
        .iter()
        .map(|p| p.id)
        .collect();
    ids.sort_unstable();
    ids
}

pub(crate) fn request(start: &str, minutes: u32, workers: &[i64], sites: &[i64]) -> Value {
    json!({"title": "OSセキュリティ更新(10月)", "purpose": "OSセキュリティ更新", "start": start,
        "work_minutes_per_terminal": minutes, "site_ids": sites,
        "workers": workers.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()})
}

async fn post(c: &reqwest::Client, url: String, body: &Value) -> (u16, Value) {
    let r = c.post(url).json(body).send().await.expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn the_wards_are_planned_within_three_business_days(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let sites = seed_terminals(&app).await;
    let workers = people(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    let body = request("2020-10-05", 30, &workers, &sites);

    let (status, preview) = post(&lead, app.url("/api/v1/plans/preview"), &body).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["within_deadline"], true, "{preview}");
    let visits_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM visits")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    assert_eq!(visits_before, 0, "a preview keeps nothing");

    let (status, saved) = post(&lead, app.url("/api/v1/plans"), &body).await;
    assert_eq!(status, 201, "{saved}");
    let plan = &saved["plan"];
    assert!(plan["deadline"].as_str().expect("deadline") <= "2020-10-07");
    let planned: usize = plan["visits"]
        .as_array()
        .expect("visits")
        .iter()
        .map(|v| v["terminal_ids"].as_array().expect("ids").len())
        .sum();
    assert_eq!(planned, 47, "every terminal once");
    assert!(
        plan["lower_bound"]["cost_minutes"].as_u64() <= plan["totals"]["cost_minutes"].as_u64()
    );
    let id = saved["id"].as_i64().expect("id");

    // Its visits joined the schedule, each on a business day inside the window.
    let list: Value = lead
        .get(app.url("/api/v1/visits?from=2020-10-01&to=2020-10-31&per_page=200"))
        .send()
        .await
        .expect("visits")
        .json()
        .await
        .expect("json");
    let visits = list["items"].as_array().expect("items");
    assert_eq!(
        visits.len(),
        plan["visits"].as_array().expect("visits").len()
    );
    for v in visits {
        assert_eq!(v["plan_id"], id);
        assert!(
            v["start"].as_str() >= Some("08:45") && v["end"].as_str() <= Some("17:15"),
            "{v}"
        );
        assert!(v["assessment"]["may_work"].as_bool().expect("bool"), "{v}");
    }

    // The timeline page and the workbook, opened by a real reader.
    let html = lead
        .get(app.url(&format!("/plans/{id}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains("期限内に全拠点の作業を終えられます"),
        "verdict in Japanese: {html}"
    );
    assert!(html.contains("class=\"slot\""), "timeline cells");
    let auditor = app.client(Role::Auditor).await;
    let r = auditor
        .get(app.url(&format!("/api/v1/plans/{id}/xlsx")))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.expect("bytes");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a real workbook");
    assert_eq!(book.sheet_names(), vec!["計画概要", "訪問一覧", "作業日別"]);
    let summary = book.worksheet_range("計画概要").expect("summary");
    let cells: Vec<String> = summary
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(
        cells.iter().any(|c| c == "期限内に完了") && cells.iter().any(|c| c == "はい"),
        "{cells:?}"
    );
    let visits_sheet = book.worksheet_range("訪問一覧").expect("visits");
    assert_eq!(visits_sheet.rows().count(), 1 + visits.len());
    let assets: usize = visits_sheet
        .rows()
        .skip(1)
        .map(|r| r[8].to_string().split('、').count())
        .sum();
    assert_eq!(assets, 47);

    // Planned again over the same days, the workers would be in two places: refused whole.
    let before = app.audit_count().await;
    let (status, body) = post(
        &lead,
        app.url("/api/v1/plans"),
        &request("2020-10-05", 30, &workers, &sites),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(problem_fields(&body), vec!["worker_ids"]);
    assert_eq!(app.audit_count().await, before, "nothing written");
}

async fn an_infeasible_plan_is_explained(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let sites = seed_terminals(&app).await;
    let workers = people(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    let one = &workers[..1];

    // 47 terminals x 60 minutes is too much for one worker in 3 days: how many are needed.
    let (status, plan) = post(
        &lead,
        app.url("/api/v1/plans/preview"),
        &request("2020-10-05", 60, one, &sites),
    )
    .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["within_deadline"], false);
    let messages: Vec<String> = plan["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("作業従事者が") && m.contains("名必要")),
        "{messages:?}"
    );

    // Starting on 文化の日: business day 1 is 11/4, and the plan says so.
    let (status, plan) = post(
        &lead,
        app.url("/api/v1/plans/preview"),
        &request("2020-11-03", 30, &workers, &sites),
    )
    .await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["first_day"], "2020-11-04");
    let text = plan["findings"].to_string();
    assert!(
        text.contains("文化の日") && text.contains("11月4日"),
        "{text}"
    );

    // The 菊水分庁舎 has no coordinates: planning it needs them or a travel table.
    let kikusui: Value = lead
        .get(app.url("/api/v1/sites?per_page=200"))
        .send()
        .await
        .expect("sites")
        .json()
        .await
        .expect("json");
    let kid = kikusui["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|s| s["code"] == "kikusui")
        .and_then(|s| s["id"].as_i64())
        .expect("kikusui");
    let t =
        json!({"asset_number": "K-1", "serial": "K-1", "model": "型式", "site_code": "kikusui"});
    assert_eq!(
        lead.post(app.url("/api/v1/terminals"))
            .json(&t)
            .send()
            .await
            .expect("post")
            .status(),
        201
    );
    let (status, body) = post(
        &lead,
        app.url("/api/v1/plans/preview"),
        &request("2020-10-05", 30, &workers, &[sites[0], kid]),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("菊水分庁舎"), "{body}");
    let mut with_table = request("2020-10-05", 30, &workers, &[sites[0], kid]);
    // Saved by Excel: 011011 lost its leading zero, and is still understood.
    with_table["travel_csv"] = json!("from,to,minutes\n11011,kikusui,20\n");
    let (status, body) = post(&lead, app.url("/api/v1/plans/preview"), &with_table).await;
    assert_eq!(
        status, 200,
        "a travel table stands in for coordinates: {body}"
    );
    with_table["travel_csv"] = json!("from,to,minutes\n011011,kikusui,abc\n");
    let (status, body) = post(&lead, app.url("/api/v1/plans/preview"), &with_table).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), vec!["travel_csv"]);
    assert!(body.to_string().contains("2行目"), "{body}");

    // Bad input is named field by field; only the lead plans.
    let (status, body) = post(&lead, app.url("/api/v1/plans"),
        &json!({"title": "", "purpose": "x", "start": "2020-02-30", "work_minutes_per_terminal": 0, "workers": []})).await;
    assert_eq!(status, 422);
    let fields = problem_fields(&body);
    for f in ["title", "start", "work_minutes_per_terminal", "workers"] {
        assert!(fields.contains(&f.to_string()), "{f}: {fields:?}");
    }
    let worker = app.client(Role::ContractorWorker).await;
    let (status, _) = post(
        &worker,
        app.url("/api/v1/plans"),
        &request("2020-10-05", 30, &workers, &sites),
    )
    .await;
    assert_eq!(status, 403);
}

async fn the_plan_pages_preview_keep_and_agree(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let sites = seed_terminals(&app).await;
    let workers = people(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    let mut form: Vec<(&str, String)> = vec![
        ("title", "OSセキュリティ更新(11月)".into()),
        ("purpose", "OSセキュリティ更新".into()),
        ("start", "2020-11-04".into()),
        ("minutes", "30".into()),
        ("request_id", "0".into()),
        ("travel_csv", String::new()),
        ("sites_chosen", "1".into()),
    ];
    form.extend(workers.iter().map(|id| ("worker_ids", id.to_string())));
    form.extend(sites.iter().map(|id| ("site_ids", id.to_string())));

    // The preview is its own route: the plan is shown above the form, nothing is kept.
    let r = lead
        .post(app.url("/plans/preview"))
        .form(&form)
        .send()
        .await
        .expect("preview");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(html.contains("計画の試算(未保存)"), "{html}");
    assert!(
        html.contains("期限内に全拠点の作業を終えられます"),
        "{html}"
    );
    assert!(
        html.contains("OSセキュリティ更新(11月)"),
        "what was typed is kept"
    );
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plans")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    assert_eq!(kept, 0);

    let r = lead
        .post(app.url("/plans"))
        .form(&form)
        .send()
        .await
        .expect("save");
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let id: i64 = location
        .strip_prefix("/plans/")
        .and_then(|id| id.parse().ok())
        .expect("the plan's page");

    let city = app.client(Role::CityStaff).await;
    let agree = app.url(&format!("/plans/{id}/agreement"));
    let no_fields: [(&str, &str); 0] = [];
    let r = lead
        .post(agree.clone())
        .form(&no_fields)
        .send()
        .await
        .expect("agree");
    assert_eq!(r.status(), 403);
    let r = city
        .post(agree.clone())
        .form(&no_fields)
        .send()
        .await
        .expect("agree");
    assert_eq!(r.status(), 303);
    let r = city
        .post(agree)
        .form(&no_fields)
        .send()
        .await
        .expect("again");
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .expect("html")
            .contains("この計画には同意済みです。"),
        "agreed once"
    );
    let saved: Value = city
        .get(app.url(&format!("/api/v1/plans/{id}")))
        .send()
        .await
        .expect("plan")
        .json()
        .await
        .expect("json");
    assert_eq!(saved["agreed_by"], "city-staff");
    // Each visit agreed with the plan says so in its own history (issue 12, item 14).
    let visits: Vec<i64> = sqlx::query_scalar("SELECT id FROM visits WHERE plan_id = $1")
        .bind(id)
        .fetch_all(app.store.pool())
        .await
        .expect("visits");
    assert!(!visits.is_empty());
    for visit in visits {
        let agreed: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_entries WHERE entity = 'visit' AND entity_id = $1 AND action = 'agree'",
        )
        .bind(visit.to_string())
        .fetch_one(app.store.pool())
        .await
        .expect("audit");
        assert_eq!(agreed, 1, "visit {visit}");
    }

    // A plan of another contract year is not found, nor listed.
    sqlx::query(
        "INSERT INTO contracts (name, fiscal_year, period_start, period_end, source, source_sha256, loaded_at) \
         VALUES ('別の契約', 2019, '2019-04-01', '2020-03-31', '', '', '2019-04-01T00:00:00Z')",
    )
    .execute(app.store.pool())
    .await
    .expect("contract");
    sqlx::query(
        "UPDATE plans SET contract_id = (SELECT id FROM contracts WHERE fiscal_year = 2019)",
    )
    .execute(app.store.pool())
    .await
    .expect("move");
    for path in [
        format!("/api/v1/plans/{id}"),
        format!("/api/v1/plans/{id}/xlsx"),
        format!("/plans/{id}"),
    ] {
        let r = city.get(app.url(&path)).send().await.expect("get");
        assert_eq!(r.status(), 404, "{path}");
    }
    let list: Value = city
        .get(app.url("/api/v1/plans"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(list["total"], 0);
}

both_engines!(
    the_wards_are_planned_within_three_business_days,
    an_infeasible_plan_is_explained,
    the_plan_pages_preview_keep_and_agree
);
