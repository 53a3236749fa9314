//! Overdue notices (issue 13, item 1): a notice still open past its deadline is marked in
//! the API and highlighted in the list and on its page; one without a deadline, or no longer
//! open, is not.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp};

async fn open_notices_past_their_deadline_are_marked(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let mut ids = Vec::new();
    for (reference, deadline) in [("J-LATE", json!("2020-10-20")), ("J-NONE", Value::Null), ("J-GONE", json!("2020-10-20"))] {
        let (status, n) = call(&city, Method::POST, app.url("/api/v1/notices"), json!({"received_on": "2020-10-01",
            "jlis_reference": reference, "title": "件名", "body": "本文", "kind": "software_update",
            "requested_deadline": deadline})).await;
        assert_eq!(status, 201, "{n}");
        ids.push(n["id"].as_i64().expect("id"));
    }
    let (status, body) = call(&city, Method::POST, app.url(&format!("/api/v1/notices/{}/transition", ids[2])),
        json!({"verb": "withdraw"})).await;
    assert!(status < 300, "{body}");

    let (_, list) = call(&city, Method::GET, app.url("/api/v1/notices"), Value::Null).await;
    let overdue = |reference: &str| {
        list["items"].as_array().expect("items").iter().find(|n| n["jlis_reference"] == reference).expect("listed")["overdue"]
            .clone()
    };
    assert_eq!((overdue("J-LATE"), overdue("J-NONE"), overdue("J-GONE")), (json!(true), json!(false), json!(false)), "{list}");
    let (_, one) = call(&city, Method::GET, app.url(&format!("/api/v1/notices/{}", ids[0])), Value::Null).await;
    assert_eq!(one["overdue"], true, "{one}");

    let html = city.get(app.url("/notices")).send().await.expect("list").text().await.expect("html");
    assert_eq!(html.matches(r#"<tr class="overdue">"#).count(), 1, "{html}");
    assert_eq!(html.matches("期限超過").count(), 1, "{html}");
    let html = city.get(app.url(&format!("/notices/{}", ids[0]))).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("期限超過"), "{html}");
}

both_engines!(open_notices_past_their_deadline_are_marked);
