//! Navigation (issue 13, item 7): a record's page shows where it sits — ホーム, its section of
//! the menu, the records above it — each a link back up, the page itself last and unlinked.

use jukiops_domain::people::Role;
use reqwest::Method;
use serde_json::json;

use crate::both_engines;
use crate::chain_rules::call;
use crate::support::{Engine, TestApp};

/// The breadcrumb trail of a page: each (href, label), the current page with no href.
fn crumbs(html: &str) -> Vec<(Option<String>, String)> {
    let Some(start) = html.find(r#"<nav class="crumbs"#) else {
        return Vec::new();
    };
    let nav = &html[start..start + html[start..].find("</nav>").expect("closed")];
    nav.split("<li")
        .skip(1)
        .map(|li| {
            let href = li
                .split_once(r#"href=""#)
                .map(|(_, rest)| rest[..rest.find('"').expect("quote")].replace("&#x2f;", "/"));
            let text = li[li.find('>').expect("tag") + 1..]
                .replace("</a>", "")
                .replace("</li>", "")
                .replace("</ol>", "");
            let text = match text.find('>') {
                Some(i) if href.is_some() => text[i + 1..].to_string(),
                _ => text,
            };
            (href, text.trim().to_string())
        })
        .collect()
}

async fn record_pages_lead_back_up(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let city = app.client(Role::CityStaff).await;
    let lead = app.client(Role::ContractorLead).await;
    let (_, t) = call(&lead, Method::POST, app.url("/api/v1/terminals"),
        json!({"asset_number": "N-1", "serial": "NS-1", "model": "型式", "site_code": "011011"})).await;
    let (_, j) = call(&city, Method::POST, app.url("/api/v1/jobs"),
        json!({"category": "オ", "origin": "city_order", "title": "変更", "terminal_ids": [t["id"]]})).await;
    let (status, d) = call(&city, Method::POST, app.url("/api/v1/requests"), json!({"request_number": "R2-NAV",
        "issued_on": "2020-10-01", "period_from": "2020-10-05", "period_to": "2020-10-09", "site_ids": [t["site_id"]],
        "contents": "作業", "job_ids": [j["id"]]})).await;
    assert_eq!(status, 201, "{d}");
    let rid = d["request"]["id"].as_i64().expect("request");

    let page = |path: String| {
        let city = city.clone();
        let url = app.url(&path);
        async move {
            let r = city.get(url).send().await.expect("get");
            assert_eq!(r.status(), 200, "{path}");
            r.text().await.expect("html")
        }
    };
    let home = (Some("/".to_string()), "ホーム".to_string());

    let html = page(format!("/requests/{rid}")).await;
    assert_eq!(crumbs(&html), [home.clone(), (Some("/requests".into()), "作業依頼書".into()), (None, "作業依頼書 R2-NAV".into())],
        "{html}");
    let html = page(format!("/requests/{rid}/checklist?site_id={}", t["site_id"])).await;
    let trail = crumbs(&html);
    assert_eq!(trail[..3], [home.clone(), (Some("/requests".into()), "作業依頼書".into()), (Some(format!("/requests/{rid}")), "R2-NAV".into())]);
    assert!(trail[3].0.is_none() && trail[3].1.starts_with("作業チェックリスト R2-NAV"), "{trail:?}");
    let html = page(format!("/jobs/{}", j["id"])).await;
    assert_eq!(crumbs(&html)[..2], [home.clone(), (Some("/jobs".into()), "作業".into())]);
    let html = page(format!("/sites/{}", t["site_id"])).await;
    assert_eq!(crumbs(&html)[..2], [home.clone(), (Some("/sites".into()), "拠点".into())]);
    // A section's own list is reached from the menu: no trail.
    assert!(crumbs(&page("/requests".into()).await).is_empty());
}

both_engines!(record_pages_lead_back_up);
