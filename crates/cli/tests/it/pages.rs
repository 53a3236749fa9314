//! Every page renders for a role that may see it, in Japanese, with no inline script, and
//! the forms work without JavaScript. Also the operational endpoints.

use jukiops_domain::people::Role;
use serde_json::json;

use crate::both_engines;
use crate::support::{Engine, TestApp};

/// Words that may appear in the UI as they are: abbreviations Japanese offices use.
const ALLOWED_LATIN: &[&str] = &[
    "CSV",
    "API",
    "ID",
    "UTF",
    "Shift_JIS",
    "YYYY",
    "MM",
    "DD",
    "J-LIS",
    "OS",
    "Excel",
    "PDF",
    "QR",
];

/// Data, not UI: the test accounts' login names (shown as actors), the system actor of the
/// fixtures and the Kikusui branch's site code.
fn is_data(word: &str) -> bool {
    Role::ALL
        .iter()
        .any(|r| crate::support::username(*r) == word)
        || ["test", "kikusui"].contains(&word)
}

/// The visible text of a page: tags, scripts and styles removed.
pub(crate) fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        out.push(' ');
        let tail = &rest[i..];
        let lower = tail.get(..8).unwrap_or("").to_ascii_lowercase();
        let end = if lower.starts_with("<script") || lower.starts_with("<style") {
            let close = if lower.starts_with("<script") {
                "</script>"
            } else {
                "</style>"
            };
            tail.find(close)
                .map(|j| j + close.len())
                .unwrap_or(tail.len())
        } else {
            let open = tail.find('>').map(|j| j + 1).unwrap_or(tail.len());
            // `translate="no"` marks data shown as it is (a secret key, a code): its text,
            // up to the next tag, is not UI.
            if tail[..open].contains("translate=\"no\"") {
                tail[open..].find('<').map(|j| open + j).unwrap_or(tail.len())
            } else {
                open
            }
        };
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn english_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphabetic() || c == '_' || c == '-'))
        .map(|w| w.trim_matches('-'))
        .filter(|w| w.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2)
        .filter(|w| !ALLOWED_LATIN.contains(w) && !is_data(w))
        .map(String::from)
        .collect()
}

/// A J-LIS notice with a job, and an オ job on `tid` with one password change recorded:
/// their pages and audit entries must read in Japanese too.
async fn notice_and_rotation_job(app: &TestApp, tid: i64, worker: i64) -> (i64, i64) {
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let send = |c: &reqwest::Client, path: &str, body: serde_json::Value| {
        let r = c.post(app.url(path)).json(&body);
        async move {
            let r = r.send().await.expect("post");
            assert!(r.status().is_success(), "{}", r.status());
            r.json::<serde_json::Value>().await.expect("json")
        }
    };
    let n = send(
        &city,
        "/api/v1/notices",
        json!({"received_on": "2020-10-01", "jlis_reference": "J-LIS 2020-1",
        "title": "更新の通知", "body": "更新してください。", "kind": "ア"}),
    )
    .await;
    let nid = n["id"].as_i64().expect("notice id");
    send(
        &city,
        "/api/v1/jobs",
        json!({"category": "ア", "origin": "notice", "notice_id": nid,
        "title": "ソフトウェア更新", "all_terminals": true}),
    )
    .await;
    let t2 = send(
        &lead,
        "/api/v1/terminals",
        json!({"asset_number": "1002", "serial": "2002",
        "model": "型式", "site_code": "011011"}),
    )
    .await;
    let j = send(
        &city,
        "/api/v1/jobs",
        json!({"category": "オ", "origin": "city_order",
        "title": "管理者パスワード変更", "terminal_ids": [tid, t2["id"]]}),
    )
    .await;
    let jid = j["id"].as_i64().expect("job id");
    crate::support::request_and_approve(app, &[jid]).await;
    send(
        &lead,
        "/api/v1/password-rotations",
        json!({"job_id": jid, "terminal_id": tid,
        "performer_id": worker, "rotated_at": "2020-10-05 10:30"}),
    )
    .await;
    (nid, jid)
}

/// Whether a page declared with `needs` is shown to `role` (sign-in and sign-out pages are
/// checked signed out, below).
fn shown_to(needs: &jukiops_web::access::Needs, role: Role) -> bool {
    match needs {
        jukiops_web::access::Needs::Action(a) => jukiops_domain::people::may(role, *a),
        _ => false,
    }
}

async fn every_page_renders_in_japanese(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let body = json!({"asset_number": "1001", "serial": "2001", "model": "型式", "site_code": "011011", "room": "市民課"});
    let t: serde_json::Value = lead
        .post(app.url("/api/v1/terminals"))
        .json(&body)
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    let tid = t["id"].as_i64().expect("id");
    let worker = app.store.contractor_people().await.expect("people")[0].id;
    let site_id = t["site_id"].as_i64().expect("site");
    let v: serde_json::Value = lead
        .post(app.url("/api/v1/visits"))
        .json(
            &json!({"site_id": site_id, "date": "2020-10-06", "start": "09:00", "end": "11:00",
            "purpose": "設定変更", "worker_ids": [worker], "terminal_ids": [tid]}),
        )
        .send()
        .await
        .expect("visit")
        .json()
        .await
        .expect("json");
    let vid = v["id"].as_i64().expect("visit id");
    for (path, body) in [
        (
            "/api/v1/off-hours",
            json!({"site_id": site_id, "date": "2020-10-06", "start": "17:15", "end": "18:00",
            "cause": "contractor", "reason": "機器の再起動待ち", "worker_ids": [worker]}),
        ),
        (
            "/api/v1/permits",
            json!({"site_id": site_id, "kind": "after_hours", "valid_from": "2020-10-06"}),
        ),
    ] {
        let r = lead
            .post(app.url(path))
            .json(&body)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 201, "{path}");
    }
    let plan: serde_json::Value = lead
        .post(app.url("/api/v1/plans"))
        .json(
            &json!({"title": "設定変更", "purpose": "設定変更", "start": "2020-10-12",
            "work_minutes_per_terminal": 30, "workers": [{"id": worker}], "site_ids": [site_id]}),
        )
        .send()
        .await
        .expect("plan")
        .json()
        .await
        .expect("json");
    let plan_id = plan["id"].as_i64().expect("plan id");
    let (nid, jid) = notice_and_rotation_job(&app, tid, worker).await;
    let kid = crate::inspections::inspection_job_with_finding(&app, tid, worker).await;
    let pages: Vec<(Role, String)> = vec![
        (Role::CityStaff, "/".into()),
        (Role::ContractorLead, "/sites".into()),
        (Role::ContractorLead, "/sites/1".into()),
        (Role::ContractorLead, "/terminals".into()),
        (
            Role::ContractorLead,
            "/terminals?status=in_service&q=10".into(),
        ),
        (Role::ContractorLead, format!("/terminals/{tid}")),
        (Role::ContractorLead, "/terminals/new".into()),
        (Role::ContractorLead, "/terminals/import".into()),
        (Role::ContractorLead, "/touch-panels".into()),
        (Role::Admin, "/users".into()),
        (Role::Auditor, "/audit".into()),
        (Role::Auditor, "/audit?verify=1".into()),
        (Role::ContractorWorker, "/account".into()),
        (Role::Admin, "/calendar".into()),
        (Role::ContractorWorker, "/calendar?month=2021-01".into()),
        (Role::ContractorLead, "/calendar?month=2020-10".into()),
        (Role::ContractorLead, "/".into()),
        (Role::ContractorLead, "/schedule".into()),
        (
            Role::Auditor,
            "/schedule?from=2020-10-01&to=2020-10-31".into(),
        ),
        (Role::ContractorWorker, format!("/visits/{vid}")),
        (Role::CityStaff, "/off-hours".into()),
        (Role::ContractorLead, "/off-hours".into()),
        (Role::CityStaff, "/permits".into()),
        (Role::ContractorLead, "/permits".into()),
        (Role::ContractorLead, "/plans".into()),
        (Role::CityStaff, "/requests".into()),
        (Role::Auditor, format!("/plans/{plan_id}")),
        (Role::CityStaff, "/notices".into()),
        (
            Role::ContractorWorker,
            "/notices?status=jobs_created&kind=ア".into(),
        ),
        (Role::CityStaff, format!("/notices/{nid}")),
        (Role::ContractorLead, "/jobs".into()),
        (Role::Auditor, "/jobs?category=オ&status=in_progress".into()),
        (Role::ContractorLead, "/jobs/new".into()),
        (Role::CityStaff, format!("/jobs/new?notice_id={nid}")),
        (Role::CityStaff, format!("/jobs/{jid}")),
        (Role::ContractorWorker, format!("/jobs/{jid}")),
        (Role::CityStaff, format!("/jobs/{kid}")),
        (Role::ContractorWorker, format!("/jobs/{kid}")),
        (Role::CityStaff, "/inspection/template".into()),
        (Role::Auditor, "/inspection/template".into()),
        (Role::ContractorWorker, format!("/terminals/{tid}")),
        (Role::SecurityOfficer, "/".into()),
    ];
    // And every page without a parameter, for every role it is shown to: a new page is
    // checked the day it is declared.
    let pages: Vec<(Role, String)> = pages
        .into_iter()
        .chain(jukiops_web::page_routes().into_iter().flat_map(|r| {
            // `/account/setup` is shown only while an account must be set up (accounts.rs).
            let listed = r.method == axum::http::Method::GET
                && r.path != "/account/setup"
                && !r.path.contains('{')
                && !r.path.contains('.');
            Role::ALL
                .into_iter()
                .filter(move |role| listed && shown_to(&r.needs, *role))
                .map(move |role| (role, r.path.clone()))
        }))
        .collect();
    let mut problems = Vec::new();
    for (role, path) in &pages {
        let c = app.client(*role).await;
        let r = c.get(app.url(path)).send().await.expect("get");
        if r.status() != 200 {
            problems.push(format!("{path}: {}", r.status()));
            continue;
        }
        let html = r.text().await.expect("text");
        assert!(html.contains("<html lang=\"ja\">"), "{path}");
        let words = english_words(&visible_text(&html));
        if !words.is_empty() {
            problems.push(format!("{path}: English left in the UI: {words:?}"));
        }
        if has_inline_script_or_style(&html) {
            problems.push(format!("{path}: inline script or style"));
        }
        for asset in ["http://", "https://"] {
            if html.contains(&format!("src=\"{asset}")) || html.contains(&format!("href=\"{asset}"))
            {
                problems.push(format!("{path}: external asset"));
            }
        }
    }
    let login = app
        .anonymous()
        .get(app.url("/login"))
        .send()
        .await
        .expect("login")
        .text()
        .await
        .expect("text");
    let words = english_words(&visible_text(&login));
    assert!(words.is_empty(), "login page: {words:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A bad ID in a page's URL, a bad search condition or an unreadable form gets the Japanese
/// error page, never the framework's English text or an API problem body.
async fn bad_urls_and_forms_show_the_japanese_error_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::ContractorLead).await;
    let requests = [
        (c.get(app.url("/terminals/abc")), 400),
        (c.get(app.url("/requests/1x")), 400),
        // A bad list condition is answered on the list page, naming the field (422).
        (c.get(app.url("/jobs?notice_id=abc")), 422),
        (c.post(app.url("/sites")).form(&[("name", "名前だけ")]), 422),
        (
            c.post(app.url("/sites"))
                .header("content-type", "application/json")
                .body("{}"),
            415,
        ),
    ];
    for (request, status) in requests {
        let r = request.send().await.expect("send");
        let what = format!("{} {}", r.url().path(), r.url().query().unwrap_or(""));
        assert_eq!(r.status(), status, "{what}");
        let ct = r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .to_string();
        assert!(ct.starts_with("text/html"), "{what}: {ct}");
        let html = r.text().await.expect("text");
        assert!(html.contains("<html lang=\"ja\">"), "{what}");
        let words = english_words(&visible_text(&html));
        assert!(words.is_empty(), "{what}: {words:?}");
    }
}

async fn forms_work_without_javascript(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::CityStaff).await;
    let form = [
        ("asset_number", "2001"),
        ("serial", "3001"),
        ("model", "型式"),
        ("site_code", "kikusui"),
        ("room", ""),
        ("lessor", ""),
        ("lease_start", ""),
        ("lease_end", ""),
        ("status", "in_service"),
    ];
    let r = c
        .post(app.url("/terminals"))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().expect("loc").to_string();
    let page = c
        .get(app.url(&location))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        page.contains("札幌市菊水分庁舎") && page.contains("設置"),
        "detail shows the site and the installed event"
    );
    // A bad form comes back with the message beside the field, nothing written.
    let before = app.audit_count().await;
    let bad = [
        ("asset_number", "2002"),
        ("serial", "3001"),
        ("model", "型式"),
        ("site_code", "kikusui"),
    ];
    let r = c
        .post(app.url("/terminals"))
        .form(&bad)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 409);
    let page = r.text().await.expect("text");
    assert!(
        page.contains("製造番号「3001」は統合端末 2001 で既に登録されています。"),
        "{page}"
    );
    assert_eq!(app.audit_count().await, before);
    // Anonymous visitors are sent to the login page and come back after it.
    let anon = app.anonymous();
    let r = anon.get(app.url("/terminals")).send().await.expect("get");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2Fterminals");
    let r = anon
        .post(app.url("/login"))
        .form(&[
            ("username", "city-staff"),
            ("password", "test-password-city_staff"),
            ("next", "/terminals"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(r.headers()["location"], "/terminals");
    let r = anon
        .post(app.url("/login"))
        .form(&[
            ("username", "city-staff"),
            ("password", "x"),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 401);
    assert!(
        r.text()
            .await
            .expect("text")
            .contains("ログインIDまたはパスワードが違います")
    );
}

async fn operations_endpoints(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.anonymous();
    let r = c.get(app.url("/healthz")).send().await.expect("get");
    assert_eq!(r.status(), 200);
    let r = c
        .get(app.url("/static/htmx.min.js"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/javascript")
    );
    assert_eq!(
        c.get(app.url("/static/nothing.js"))
            .send()
            .await
            .expect("get")
            .status(),
        404
    );
    let doc: serde_json::Value = c
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(doc["paths"]["/api/v1/terminals"]["post"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

/// The month view shows the contract's closed days with their names.
async fn calendar_month_view(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let c = app.client(Role::CityStaff).await;
    let html = c
        .get(app.url("/calendar?month=2020-11"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(html.contains("2020年11月"), "{html}");
    assert!(html.contains("文化の日") && html.contains("勤労感謝の日"));
    assert!(
        html.contains("作業日 19日"),
        "30 days - 9 weekend days - 2 holidays"
    );
    let html = c
        .get(app.url("/calendar?month=2020-12"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert_eq!(html.matches(">年末年始<").count(), 3, "12/29-12/31");
    // A bad month falls back to the contract's first month instead of failing.
    let html = c
        .get(app.url("/calendar?month=junk"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(html.contains("2020年10月"));
}

/// The City closes a day and opens another; the calendar, its audit trail and bad input.
async fn calendar_overrides(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let put = |date: &str, body: serde_json::Value| {
        city.put(app.url(&format!("/api/v1/calendar/overrides/{date}")))
            .json(&body)
            .send()
    };
    assert_eq!(
        put(
            "2020-11-30",
            json!({"is_open": false, "reason": "庁舎停電"})
        )
        .await
        .expect("put")
        .status(),
        204
    );
    assert_eq!(
        put("2020-11-29", json!({"is_open": true, "reason": "選挙事務"}))
            .await
            .expect("put")
            .status(),
        204
    );
    let html = city
        .get(app.url("/calendar?month=2020-11"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(
        html.contains(">庁舎停電<"),
        "the closed day shows its reason"
    );
    // 19 business days in November 2020, minus Monday the 30th, plus Sunday the 29th.
    assert!(html.contains("作業日 19日"), "{html}");
    let r = put("2020-02-30", json!({"is_open": false, "reason": ""}))
        .await
        .expect("put");
    assert_eq!(r.status(), 422);
    assert_eq!(
        crate::support::problem_fields(&r.json().await.expect("json")),
        ["date", "reason"]
    );
    let list: serde_json::Value = city
        .get(app.url("/api/v1/calendar/overrides"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(list["total"], 2);
    let trail = app
        .store
        .audit_for("calendar_override", "2020-11-30")
        .await
        .expect("audit");
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].actor, "city-staff");
    let r = city
        .delete(app.url("/api/v1/calendar/overrides/2020-11-30"))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), 204);
    let html = city
        .get(app.url("/calendar?month=2020-11"))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(html.contains("作業日 20日") && !html.contains(">庁舎停電<"));
    assert_eq!(
        city.delete(app.url("/api/v1/calendar/overrides/2020-11-30"))
            .send()
            .await
            .expect("delete")
            .status(),
        404
    );
}

/// `/metrics` serves Prometheus text with the request counters by route and status.
async fn prometheus_metrics(engine: Engine) {
    let app = TestApp::spawn_with_metrics(engine).await;
    let c = app.client(Role::Auditor).await;
    assert_eq!(
        c.get(app.url("/api/v1/terminals"))
            .send()
            .await
            .expect("get")
            .status(),
        200
    );
    let r = app
        .anonymous()
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("text");
    let line = "http_requests_total{method=\"GET\",route=\"/api/v1/terminals\",status=\"200\"} 1";
    assert!(text.contains(line), "{text}");
    assert!(text.contains("http_request_duration_seconds"), "{text}");
}

both_engines!(
    calendar_overrides,
    calendar_month_view,
    prometheus_metrics,
    every_page_renders_in_japanese,
    forms_work_without_javascript,
    bad_urls_and_forms_show_the_japanese_error_page,
    operations_endpoints
);

#[test]
pub(crate) fn visible_text_ignores_markup() {
    let words = english_words(&visible_text(
        "<p class=\"x\">統合端末 CSV</p><script src=\"a.js\">var x;</script> Hello \
         <code translate=\"no\">ABCDEF</code> <code>Code</code>",
    ));
    assert_eq!(words, ["Hello", "Code"]);
}

/// Whether a page carries script or style the CSP would refuse: a `<script>` element without
/// a `src` (whatever its attributes), a `style` attribute or element, or an event-handler
/// attribute (`onclick=`, `onload=` ...).
fn has_inline_script_or_style(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    let inline_script = lower.match_indices("<script").any(|(i, _)| {
        let tag_end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
        !lower[i..tag_end].contains(" src=")
    });
    let handler = lower.match_indices(" on").any(|(i, _)| {
        let rest = &lower[i + 3..];
        let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        !name.is_empty() && rest[name.len()..].starts_with('=')
    });
    inline_script || handler || lower.contains(" style=") || lower.contains("<style")
}

#[test]
fn the_inline_check_sees_what_the_csp_refuses() {
    assert!(has_inline_script_or_style(
        "<script type=\"module\">x()</script>"
    ));
    assert!(has_inline_script_or_style("<SCRIPT>x()</SCRIPT>"));
    assert!(has_inline_script_or_style("<body onload=\"x()\">"));
    assert!(has_inline_script_or_style("<p style=\"color:red\">"));
    assert!(!has_inline_script_or_style(
        "<script src=\"/static/app.js\" defer></script><p class=\"online\">"
    ));
}
