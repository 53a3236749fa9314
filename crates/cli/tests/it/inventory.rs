//! Sites, terminals, touch panels, asset history and the CSV register through the real
//! server: good input is stored with its history and audit entry; bad input is a 4xx that
//! names the field and writes nothing.

use jukiops_domain::people::Role;
use serde_json::{Value, json};

use crate::both_engines;
use crate::support::{Engine, TestApp, problem_fields, username};

fn terminal(asset: &str, serial: &str, site: &str) -> Value {
    json!({"asset_number": asset, "serial": serial, "model": "型式Ａ", "site_code": site, "room": "市民課",
        "lease_start": "2020-10-01", "lease_end": "2025-09-30"})
}

/// The items of a page, checked against its total when it is the only page.
fn items(page: Value) -> Vec<Value> {
    let items = page["items"].as_array().expect("a page").clone();
    if page["page"] == 1 && items.len() < page["per_page"].as_u64().unwrap_or(0) as usize {
        assert_eq!(page["total"].as_u64(), Some(items.len() as u64), "{page}");
    }
    items
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

async fn terminals_with_history_and_audit(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    let r = c
        .post(app.url("/api/v1/terminals"))
        .json(&terminal("T-1", "S-1", "011011"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    let t: Value = r.json().await.expect("json");
    let id = t["id"].as_i64().expect("id");
    assert_eq!(t["site_name"], "札幌市中央区役所");
    assert_eq!(t["status"], "in_service");

    // Move to another ward office, then retire.
    let mut moved = terminal("T-1", "S-1", "011029");
    moved["room"] = json!("戸籍住民課");
    assert_eq!(
        c.put(app.url(&format!("/api/v1/terminals/{id}")))
            .json(&moved)
            .send()
            .await
            .expect("put")
            .status(),
        200
    );
    moved["status"] = json!("retired");
    assert_eq!(
        c.put(app.url(&format!("/api/v1/terminals/{id}")))
            .json(&moved)
            .send()
            .await
            .expect("put")
            .status(),
        200
    );
    let history = items(
        c.get(app.url(&format!("/api/v1/terminals/{id}/history")))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json"),
    );
    let kinds: Vec<&str> = history
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["installed", "moved", "retired"]);
    // The installed event is written with the terminal (one statement per engine).
    let installed = &history[0];
    assert_eq!(installed["site_name"], "札幌市中央区役所");
    assert_eq!(installed["room"], "市民課");
    assert_eq!(installed["detail"], "011011 に設置");
    assert_eq!(installed["actor"], username(Role::ContractorLead));
    assert_eq!(installed["at"], t["created_at"]);
    assert_eq!(history[1]["site_name"], "札幌市北区役所");
    // Paged like every list.
    let second: Value = c
        .get(app.url(&format!("/api/v1/terminals/{id}/history?per_page=2&page=2")))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (second["total"].as_i64(), second["page"].as_i64()),
        (Some(3), Some(2))
    );
    assert_eq!(second["items"][0]["kind"], "retired");

    let audit = items(
        c.get(app.url(&format!("/api/v1/audit/terminal/{id}")))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json"),
    );
    assert_eq!(audit.len(), 3);
    let changes: Value =
        serde_json::from_str(audit[1]["changes"].as_str().expect("changes")).expect("json");
    assert_eq!(
        changes["site_code"],
        json!({"before": "011011", "after": "011029"})
    );
    assert_eq!(audit[1]["actor"], "contractor-lead");

    // Paged, filtered list.
    for n in 2..=5 {
        let r = c
            .post(app.url("/api/v1/terminals"))
            .json(&terminal(&format!("T-{n}"), &format!("S-{n}"), "011037"))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201);
    }
    let page: Value = c
        .get(app.url("/api/v1/terminals?per_page=20&status=in_service&sort=asset_number&dir=desc"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(page["total"], 4);
    assert_eq!(page["items"].as_array().expect("items").len(), 4);
    assert_eq!(page["items"][0]["asset_number"], "T-5");
}

async fn bad_input_is_refused_naming_the_field_and_writes_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::CityStaff).await;
    assert_eq!(
        c.post(app.url("/api/v1/terminals"))
            .json(&terminal("T-1", "S-1", "011011"))
            .send()
            .await
            .expect("post")
            .status(),
        201
    );
    let (audit, terminals) = (app.audit_count().await, count(&app, "terminals").await);

    let post = |body: reqwest::Body, ct: &'static str| {
        c.post(app.url("/api/v1/terminals"))
            .header("content-type", ct)
            .body(body)
            .send()
    };
    // Malformed JSON.
    let r = post("{\"asset_number\": ".into(), "application/json")
        .await
        .expect("post");
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["body"]);
    // Not JSON at all.
    assert_eq!(
        post("asset_number=1".into(), "application/x-www-form-urlencoded")
            .await
            .expect("post")
            .status(),
        415
    );
    // Wrong type.
    let r = post(
        json!({"asset_number": 12, "serial": "S", "model": "M", "site_code": "011011"})
            .to_string()
            .into(),
        "application/json",
    )
    .await
    .expect("post");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(problem_fields(&body), ["asset_number"]);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("msg")
            .contains("資産番号")
    );
    // Overlong strings, bad dates, unknown status: every field named at once.
    let mut bad = terminal(&"あ".repeat(33), "S-9", "011011");
    bad["lease_end"] = json!("2020-02-30");
    bad["status"] = json!("broken");
    let r = c
        .post(app.url("/api/v1/terminals"))
        .json(&bad)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert_eq!(
        problem_fields(&r.json().await.expect("json")),
        ["asset_number", "lease_end", "status"]
    );
    // Unknown reference.
    let r = c
        .post(app.url("/api/v1/terminals"))
        .json(&terminal("T-2", "S-2", "999999"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    assert_eq!(problem_fields(&body), ["site_code"]);
    assert!(body["detail"].as_str().expect("detail").contains("999999"));
    // Duplicate serial, duplicate asset number.
    let r = c
        .post(app.url("/api/v1/terminals"))
        .json(&terminal("T-2", "S-1", "011011"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 409);
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["serial"]);
    let r = c
        .post(app.url("/api/v1/terminals"))
        .json(&terminal("T-1", "S-3", "011011"))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 409);
    assert_eq!(
        problem_fields(&r.json().await.expect("json")),
        ["asset_number"]
    );
    // Sites: bad postal code and coordinates.
    let r = c.post(app.url("/api/v1/sites")).json(&json!({"code": "new", "name": "新拠点", "postal_code": "1234567", "lat": 10.0, "lon": 141.0})).send().await.expect("post");
    assert_eq!(r.status(), 422);
    assert_eq!(
        problem_fields(&r.json().await.expect("json")),
        ["postal_code", "lat"]
    );
    // A body over the size limit.
    // (the server may answer 413 and close before the client has written it all)
    let huge = "x".repeat(6 * 1024 * 1024);
    match post(huge.into(), "application/json").await {
        Ok(r) => {
            assert_eq!(r.status(), 413);
            let body: serde_json::Value = r.json().await.expect("a problem, in JSON");
            assert_eq!(problem_fields(&body), ["body"]);
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("大きすぎます"),
                "{body}"
            );
        }
        Err(e) => assert!(e.is_request(), "connection closed early by the server: {e}"),
    }

    assert_eq!(app.audit_count().await, audit, "no audit entry written");
    assert_eq!(
        count(&app, "terminals").await,
        terminals,
        "no terminal written"
    );
    assert_eq!(count(&app, "sites").await, 11);
}

async fn touch_panel_swap_keeps_both_histories(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    let t: Value = c
        .post(app.url("/api/v1/terminals"))
        .json(&terminal("T-1", "S-1", "011011"))
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let tid = t["id"].as_i64().expect("id");
    let r = c.post(app.url("/api/v1/touch-panels")).json(&json!({"asset_number": "P-1", "serial": "PS-1", "model": "パネル", "terminal_id": tid})).send().await.expect("post");
    assert_eq!(r.status(), 201);
    let old: Value = r.json().await.expect("json");
    let new: Value = c
        .post(app.url("/api/v1/touch-panels"))
        .json(
            &json!({"asset_number": "P-2", "serial": "PS-2", "model": "パネル", "status": "spare"}),
        )
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let r = c
        .put(app.url(&format!("/api/v1/terminals/{tid}/touch-panel")))
        .json(&json!({"touch_panel_id": new["id"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 200);
    let t: Value = c
        .get(app.url(&format!("/api/v1/terminals/{tid}")))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(t["touch_panel_asset_number"], "P-2");
    let old_now: Value = c
        .get(app.url(&format!("/api/v1/touch-panels/{}", old["id"])))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(old_now["terminal_id"], Value::Null);
    assert_eq!(old_now["status"], "under_repair");
    let history = items(
        c.get(app.url(&format!("/api/v1/terminals/{tid}/history")))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json"),
    );
    let last = history.last().expect("event");
    assert_eq!(last["kind"], "swapped");
    assert!(
        last["detail"].as_str().expect("detail").contains("P-1")
            && last["detail"].as_str().expect("detail").contains("P-2")
    );
    // Attaching the same panel again is a conflict, not a silent no-op.
    let r = c
        .put(app.url(&format!("/api/v1/terminals/{tid}/touch-panel")))
        .json(&json!({"touch_panel_id": new["id"]}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 409);
}

fn csv_crlf(lines: &[&str]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

async fn csv_export_and_import(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    for n in 1..=3 {
        let r = c
            .post(app.url("/api/v1/terminals"))
            .json(&terminal(&format!("T-{n}"), &format!("S-{n}"), "011011"))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201);
    }
    let r = c
        .get(app.url("/api/v1/terminals/export"))
        .send()
        .await
        .expect("export");
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/csv")
    );
    let bytes = r.bytes().await.expect("bytes");
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    let text = std::str::from_utf8(&bytes[3..]).expect("utf8");
    assert!(
        text.starts_with("資産番号,製造番号,機種,拠点コード"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4);

    // Re-importing the export changes nothing.
    let r = c
        .post(app.url("/api/v1/terminals/import"))
        .header("content-type", "text/csv")
        .body(bytes.to_vec())
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.expect("json");
    assert_eq!(
        (
            report["created"].as_i64(),
            report["updated"].as_i64(),
            report["unchanged"].as_i64()
        ),
        (Some(0), Some(0), Some(3))
    );

    // A CP932 file from Excel: one update (moved), one new.
    let sjis = csv_crlf(&[
        "資産番号,製造番号,機種,拠点コード,設置場所,状態",
        "T-1,S-1,型式Ａ,011029,区民課,稼働中",
        "T-9,S-9,型式Ｂ,kikusui,,予備",
        // Saved by Excel: the site code 011011 lost its leading zero.
        "T-8,S-8,型式Ｃ,11011,,予備",
    ]);
    let (encoded, _, _) = encoding_rs::SHIFT_JIS.encode(&sjis);
    let r = c
        .post(app.url("/api/v1/terminals/import"))
        .header("content-type", "text/csv")
        .body(encoded.into_owned())
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.expect("json");
    assert_eq!(report["encoding"], "cp932");
    assert_eq!(
        (report["created"].as_i64(), report["updated"].as_i64()),
        (Some(2), Some(1))
    );
    let restored: Value = c
        .get(app.url("/api/v1/terminals?q=T-8"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(restored["items"][0]["site_code"], "011011");
    let list: Value = c
        .get(app.url("/api/v1/terminals?q=T-9"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"][0]["site_name"], "札幌市菊水分庁舎");
    assert_eq!(list["items"][0]["status"], "spare");

    // One bad row anywhere: nothing imported, each error named by row and column.
    let audit = app.audit_count().await;
    let bad = csv_crlf(&[
        "資産番号,製造番号,機種,拠点コード",
        "T-20,S-20,型式Ａ,011011",
        "T-21,,型式Ａ,011011",
        "T-22,S-22,型式Ａ,000000",
        "T-23,S-1,型式Ａ,011011",
    ]);
    let r = c
        .post(app.url("/api/v1/terminals/import"))
        .header("content-type", "text/csv")
        .body(bad.clone())
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    let messages: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["message"].as_str().expect("m"))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("3行目") && m.contains("製造番号")),
        "{messages:?}"
    );
    // The file itself parses once row 3 is fixed; the remaining errors come from the database.
    let fixed = bad.replace("T-21,,", "T-21,S-21,");
    let r = c
        .post(app.url("/api/v1/terminals/import"))
        .header("content-type", "text/csv")
        .body(fixed)
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 422);
    let body: Value = r.json().await.expect("json");
    let fields = problem_fields(&body);
    assert_eq!(fields, ["rows[4].site_code", "rows[5].serial"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .expect("m")
            .starts_with("4行目「拠点コード」")
    );
    assert_eq!(app.audit_count().await, audit);
    let none: Value = c
        .get(app.url("/api/v1/terminals?q=T-20"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(none["total"], 0, "nothing imported when any row is bad");
}

both_engines!(
    terminals_with_history_and_audit,
    bad_input_is_refused_naming_the_field_and_writes_nothing,
    touch_panel_swap_keeps_both_histories,
    csv_export_and_import,
);

async fn bad_path_and_query_parameters_are_problems(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::Auditor).await;
    let r = c
        .get(app.url("/api/v1/terminals/abc"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["id"]);
    let r = c
        .get(app.url("/api/v1/terminals?site_id=abc"))
        .send()
        .await
        .expect("get");
    // The list's own check: 422 naming the parameter.
    assert_eq!(r.status(), 422);
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["site_id"]);
    let r = c
        .get(app.url("/api/v1/terminals?status=broken"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 422);
    assert_eq!(problem_fields(&r.json().await.expect("json")), ["status"]);
}

both_engines!(bad_path_and_query_parameters_are_problems);

/// The list's rows (built as JSON by the database) are exactly what `show` returns.
async fn list_rows_equal_show(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    for n in 1..=3 {
        let mut body = terminal(&format!("T-{n}"), &format!("S-{n}"), "011011");
        if n == 2 {
            body["room"] = Value::Null;
            body["lessor"] = json!("賃貸\"業者\"");
        }
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
    let tid: i64 = sqlx::query_scalar("SELECT id FROM terminals WHERE asset_number = 'T-3'")
        .fetch_one(app.store.pool())
        .await
        .expect("id");
    let r = c.post(app.url("/api/v1/touch-panels")).json(&json!({"asset_number": "P-1", "serial": "PS-1", "model": "パネル", "terminal_id": tid})).send().await.expect("post");
    assert_eq!(r.status(), 201);
    let page: Value = c
        .get(app.url("/api/v1/terminals?per_page=20"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 3);
    assert_eq!(
        (
            page["total"].as_i64(),
            page["page"].as_i64(),
            page["per_page"].as_i64()
        ),
        (Some(3), Some(1), Some(20))
    );
    for item in items {
        let shown: Value = c
            .get(app.url(&format!("/api/v1/terminals/{}", item["id"])))
            .send()
            .await
            .expect("show")
            .json()
            .await
            .expect("json");
        assert_eq!(item, &shown);
    }
    assert_eq!(items[2]["touch_panel_asset_number"], "P-1");
    let empty: Value = c
        .get(app.url("/api/v1/terminals?q=none"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["total"], 0);
}

both_engines!(list_rows_equal_show);

/// The list's page cache never hides a change: a page read, the terminal changed, the
/// same page read again shows the change at once.
async fn the_list_shows_a_change_at_once(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    let r = c
        .post(app.url("/api/v1/terminals"))
        .json(&terminal("C-1", "CS-1", "011011"))
        .send()
        .await
        .expect("post");
    let id = r.json::<Value>().await.expect("json")["id"]
        .as_i64()
        .expect("id");
    let model = |page: Value| page["items"][0]["model"].as_str().map(String::from);
    let list = || async {
        c.get(app.url("/api/v1/terminals?per_page=20"))
            .send()
            .await
            .expect("list")
            .json::<Value>()
            .await
            .expect("json")
    };
    assert_eq!(model(list().await).as_deref(), Some("型式Ａ"));
    assert_eq!(
        model(list().await).as_deref(),
        Some("型式Ａ"),
        "a cached read"
    );
    let mut changed = terminal("C-1", "CS-1", "011011");
    changed["model"] = json!("型式Ｂ");
    let r = c
        .put(app.url(&format!("/api/v1/terminals/{id}")))
        .json(&changed)
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 200);
    assert_eq!(
        model(list().await).as_deref(),
        Some("型式Ｂ"),
        "the change, not the cached page"
    );
}

both_engines!(the_list_shows_a_change_at_once);

/// The same terminal sent by several clients at once: one is created, every other answer is
/// 409 naming the field, whether the duplicate was seen before writing or by the database's
/// unique index while writing.
async fn simultaneous_duplicates_are_refused_naming_the_field(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    let mut sends = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (c, url) = (c.clone(), app.url("/api/v1/terminals"));
        sends.spawn(async move {
            let r = c
                .post(url)
                .json(&terminal("T-SAME", "S-SAME", "011011"))
                .send()
                .await
                .expect("post");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.expect("json"))
        });
    }
    let mut created = 0;
    while let Some(answer) = sends.join_next().await {
        let (status, body) = answer.expect("task");
        match status {
            201 => created += 1,
            409 => assert_eq!(problem_fields(&body), ["asset_number"], "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
}

both_engines!(simultaneous_duplicates_are_refused_naming_the_field);
