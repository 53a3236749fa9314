//! The responsible persons and the organisation chart (§6(1)-(3)) through the real server:
//! designations with their dates, an overlapping one refused naming the field with nothing
//! written, a new 業務責任者 recorded as a change, the chart of a day as well-formed SVG
//! with the persons in force on it and not those before, its versions, and who may do what
//! as the access table says.

use jukiops_domain::people::{Action, Role, may};
use quick_xml::events::Event;
use quick_xml::reader::Reader;
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp, problem_fields};

fn person(kind: &str, name: &str, from: &str, until: Option<&str>) -> Value {
    json!({"kind": kind, "name": name, "company": "受託システム株式会社",
        "contact": "011-222-3333", "effective_from": from, "effective_until": until})
}

async fn designate(app: &TestApp, lead: &reqwest::Client, body: Value) -> Value {
    let (s, d) = call(lead, Method::POST, app.url("/api/v1/responsible-persons"), body).await;
    assert_eq!(s, 201, "{d}");
    d
}

async fn rows(app: &TestApp) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM designations")
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

/// The chart of `date` as served, checked to be well-formed XML with an `svg` root, and
/// its text.
async fn chart(app: &TestApp, c: &reqwest::Client, date: &str) -> (String, String) {
    let r = c
        .get(app.url(&format!("/org-chart.svg?date={date}")))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 200, "{date}");
    let ct = r.headers()["content-type"].to_str().expect("type").to_string();
    assert!(ct.starts_with("image/svg+xml"), "{ct}");
    let svg = r.text().await.expect("svg");
    let mut reader = Reader::from_str(&svg);
    let (mut depth, mut root, mut text) = (0i32, None, String::new());
    loop {
        match reader.read_event() {
            Err(e) => panic!("not well-formed at {}: {e:?}", reader.error_position()),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                if depth == 0 {
                    root = Some(e.name().as_ref().to_string());
                }
                depth += 1;
            }
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Text(t)) => text.push_str(&t.xml10_content()),
            Ok(_) => {}
        }
    }
    assert_eq!((depth, root.as_deref()), (0, Some("svg")), "{svg}");
    (svg, text)
}

async fn designations_dates_changes_and_the_chart(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    let city = app.client(Role::CityStaff).await;
    let list = app.url("/api/v1/responsible-persons");

    let first = designate(&app, &lead, person("contract_lead", "札幌 太郎", "2020-10-01", None)).await;
    assert_eq!(first["kind_label"], "業務責任者");
    designate(
        &app,
        &lead,
        person("data_protection_officer", "保護 花子", "2020-10-01", Some("2020-12-31")),
    )
    .await;
    let mut so = person("security_officer", "保全 三郎", "2020-10-01", None);
    so["user_id"] = json!(app.user_id(Role::SecurityOfficer).await);
    designate(&app, &lead, so).await;
    designate(&app, &lead, person("asset_handler", "取扱 一郎", "2020-10-01", None)).await;
    let handler = designate(&app, &lead, person("asset_handler", "取扱 二郎", "2020-10-01", None)).await;

    // An overlapping data-protection officer is refused naming the field; nothing written.
    let (count, audit) = (rows(&app).await, app.audit_count().await);
    let (s, body) = call(
        &lead,
        Method::POST,
        list.clone(),
        person("data_protection_officer", "重複 四郎", "2020-12-01", None),
    )
    .await;
    assert_eq!((s, problem_fields(&body)), (409, vec!["effective_from".to_string()]), "{body}");
    let (s, body) = call(&lead, Method::POST, list.clone(), person("contract_lead", "期間外", "2021-04-01", None)).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["effective_from".to_string()]), "{body}");
    let mut city_account = person("asset_handler", "本市 職員", "2020-10-01", None);
    city_account["user_id"] = json!(app.user_id(Role::CityStaff).await);
    let (s, body) = call(&lead, Method::POST, list.clone(), city_account).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["user_id".to_string()]), "{body}");
    let (s, _) = call(&city, Method::POST, list.clone(), person("contract_lead", "本市", "2021-01-04", None)).await;
    assert_eq!(s, 403);
    assert_eq!((rows(&app).await, app.audit_count().await), (count, audit));

    // A new lead while one is in force is a change: the predecessor ends the day before.
    let second = designate(&app, &lead, person("contract_lead", "後任 次郎", "2021-01-04", None)).await;
    assert_eq!(
        (&second["previous_id"], &second["previous_name"]),
        (&first["id"], &json!("札幌 太郎"))
    );
    assert_eq!(
        app.audit_count().await,
        audit + 4,
        "the change, the predecessor's end, and the two deliverables they owe"
    );
    // The register owes the City the 業務責任者変更通知書 and the changed chart, due that day.
    let (_, register) = call(&city, Method::GET, app.url("/api/v1/deliverables"), Value::Null).await;
    let owed: Vec<(String, String)> = register
        .as_array()
        .expect("register")
        .iter()
        .filter(|d| d["due_rule"] != "業務着手と同時" && d["due_rule"] != "月次の業務が完了したとき")
        .map(|d| (d["title"].as_str().unwrap_or("").to_string(), d["due_on"].as_str().unwrap_or("").to_string()))
        .collect();
    assert!(owed.contains(&("業務責任者変更通知書（札幌 太郎 から 後任 次郎 へ）".into(), "2021-01-04".into())), "{owed:?}");
    assert!(owed.iter().any(|(t, d)| t.starts_with("作業体制図（変更後）（2021-01-04の変更") && d == "2021-01-04"), "{owed:?}");
    let (_, all) = call(&city, Method::GET, list.clone(), Value::Null).await;
    let before = all.as_array().expect("list").iter().find(|d| d["id"] == first["id"]).expect("first");
    assert_eq!(before["effective_until"], "2021-01-03");
    let (s, changes) = call(&city, Method::GET, app.url("/api/v1/responsible-persons/lead-changes"), Value::Null).await;
    assert_eq!(s, 200);
    assert_eq!(
        changes,
        json!([{"designation_id": second["id"], "effective_date": "2021-01-04",
            "previous_name": "札幌 太郎", "name": "後任 次郎", "company": "受託システム株式会社"}])
    );

    // A handler leaves; ending them again later than that is refused.
    let end = app.url(&format!("/api/v1/responsible-persons/{}/end", handler["id"]));
    let (s, d) = call(&lead, Method::POST, end.clone(), json!({"effective_until": "2021-02-26"})).await;
    assert_eq!((s, &d["effective_until"]), (200, &json!("2021-02-26")), "{d}");
    let (s, body) = call(&lead, Method::POST, end, json!({"effective_until": "2021-03-31"})).await;
    assert_eq!((s, problem_fields(&body)), (409, vec!["effective_until".to_string()]), "{body}");

    // The chart of a day shows the persons in force on it, not those before.
    let (_, dec) = chart(&app, &city, "2020-12-15").await;
    for name in ["札幌 太郎", "保護 花子", "保全 三郎", "取扱 一郎", "取扱 二郎"] {
        assert!(dec.contains(name), "{name} in December: {dec}");
    }
    assert!(!dec.contains("後任 次郎"));
    let (jan_svg, jan) = chart(&app, &city, "2021-01-04").await;
    assert!(jan.contains("後任 次郎") && jan.contains("保全 三郎"), "{jan}");
    assert!(!jan.contains("札幌 太郎") && !jan.contains("保護 花子"), "{jan}");
    assert!(jan.contains("富士通リース株式会社") && jan.contains("作業従事者"), "{jan}");
    let (_, mar) = chart(&app, &city, "2021-03-01").await;
    assert!(mar.contains("取扱 一郎") && !mar.contains("取扱 二郎"), "{mar}");
    assert!(!jan_svg.contains("<script") && !jan_svg.contains("http://fonts"));

    // Every change kept a version; the lead change's is the chart of its day as served.
    let (_, versions) = call(&city, Method::GET, app.url("/api/v1/org-chart/versions"), Value::Null).await;
    let versions = versions.as_array().expect("versions").clone();
    assert_eq!(versions.len(), 7, "{versions:?}");
    let change = versions.iter().find(|v| v["designation_id"] == second["id"]).expect("lead change version");
    assert_eq!(change["effective_date"], "2021-01-04");
    assert_eq!(change["sha256"], hex::encode(Sha256::digest(jan_svg.as_bytes())));
    let (s, data) = call(&city, Method::GET, app.url("/api/v1/org-chart?date=2021-01-04"), Value::Null).await;
    assert_eq!((s, &data["sha256"]), (200, &change["sha256"]), "{data}");
    let (s, body) = call(&city, Method::GET, app.url("/api/v1/org-chart?date=2020-09-30"), Value::Null).await;
    assert_eq!((s, problem_fields(&body)), (422, vec!["date".to_string()]), "{body}");

    // The pages: the list for the City, the chart page with its image and versions.
    let html = city.get(app.url("/responsible-persons")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("後任 次郎") && html.contains("業務責任者の変更"), "{html}");
    assert!(!html.contains("責任者を指定する"), "the City reads only");
    let html = lead.get(app.url("/org-chart?date=2021-01-04")).send().await.expect("get").text().await.expect("html");
    assert!(html.contains("org-chart.svg?date=2021-01-04"), "{html}");
    assert!(html.contains(change["sha256"].as_str().expect("sha")), "{html}");
}

/// Who may read and designate, derived from the access table as access.rs does: a role
/// it refuses gets 403, a role it grants a page or an answer about the input.
async fn access_follows_the_table(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    for role in Role::ALL {
        let c = app.client(role).await;
        let read = may(role, Action::ViewResponsiblePersons);
        for path in ["/api/v1/responsible-persons", "/api/v1/org-chart", "/api/v1/org-chart/versions"] {
            let (s, _) = call(&c, Method::GET, app.url(path), Value::Null).await;
            assert_eq!(s, if read { 200 } else { 403 }, "{role:?} {path}");
        }
        for path in ["/org-chart", "/org-chart.svg", "/responsible-persons"] {
            let s = c.get(app.url(path)).send().await.expect("get").status();
            assert_eq!(s, if read { 200 } else { 403 }, "{role:?} {path}");
        }
        let (s, _) = call(&c, Method::POST, app.url("/api/v1/responsible-persons"), json!({})).await;
        let designate = may(role, Action::DesignateResponsiblePersons);
        assert_eq!(s, if designate { 422 } else { 403 }, "{role:?}");
    }
    assert!(may(Role::ContractorLead, Action::DesignateResponsiblePersons));
    assert!(may(Role::Auditor, Action::ViewResponsiblePersons));
    assert!(!may(Role::CityStaff, Action::DesignateResponsiblePersons));
    assert_eq!(rows(&app).await, 0);
}

both_engines!(designations_dates_changes_and_the_chart, access_follows_the_table);
