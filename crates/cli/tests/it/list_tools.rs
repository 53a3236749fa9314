//! The list tools on the jobs, J-LIS notices and kept plans (issue 13, item 2), pages and
//! API alike: search (full-width as half-width), filters, sort both ways, and exports that
//! hold exactly the filtered rows; a bad query named; who may not read may not export.

use jukiops_domain::people::Role;
use serde_json::json;

use crate::both_engines;
use crate::chain_rules::Chain;
use crate::lists::{codes, csv_rows, download, get, xlsx_rows};
use crate::support::{Engine, problem_fields};

async fn jobs_are_searched_filtered_sorted_and_exported(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let app = &c.app;
    for (category, title) in [("エ", "設定変更AB"), ("カ", "年次点検"), ("オ", "パスワード変更二回目")] {
        let (status, j) = c
            .post(&c.city, "/api/v1/jobs", json!({"category": category, "origin": "city_order", "title": title, "terminal_ids": [c.places[0].1]}))
            .await;
        assert_eq!(status, 201, "{j}");
    }
    // The dashboard's link: ?category=オ.
    let (status, page) = get(&c.city, app, "/api/v1/jobs?category=オ&sort=title&dir=asc").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(codes(&page, "title"), ["パスワード変更二回目", "本市の指示による作業"]);
    let (_, page) = get(&c.city, app, "/api/v1/jobs?category=オ&sort=title&dir=desc").await;
    assert_eq!(codes(&page, "title"), ["本市の指示による作業", "パスワード変更二回目"]);
    let (_, page) = get(&c.city, app, "/api/v1/jobs?q=設定変更ＡＢ").await;
    assert_eq!(codes(&page, "title"), ["設定変更AB"], "typed full-width, found half-width");
    let (_, page) = get(&c.city, app, "/api/v1/jobs?status=requested").await;
    assert_eq!(codes(&page, "title"), ["本市の指示による作業"]);
    let (status, body) = get(&c.city, app, "/api/v1/jobs?category=ケ&sort=secret").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["sort", "category"]);

    let (status, _, bytes) = download(&c.city, app, "/jobs?category=オ&format=csv").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows[0][..2], ["区分", "作業名"]);
    assert_eq!(rows.len(), 3, "exactly the filtered rows: {rows:?}");
    assert!(rows[1..].iter().all(|r| r[0] == "オ"), "{rows:?}");
    let (status, ctype, bytes) = download(&c.lead, app, "/api/v1/jobs?q=点検&format=xlsx").await;
    assert_eq!(status, 200);
    assert!(ctype.contains("spreadsheetml"), "{ctype}");
    let rows = xlsx_rows(bytes);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[1][0].as_str(), rows[1][1].as_str()), ("カ", "年次点検"));

    let html = c.city.get(app.url("/jobs?category=オ")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains(r#"<option value="オ" selected>"#), "{html}");
    assert!(html.contains(">パスワード変更二回目<") && !html.contains(">年次点検<"), "{html}");
    assert!(html.contains("format=xlsx") && html.contains(r#"aria-sort="#), "{html}");
    let r = c.city.get(app.url("/jobs?per_page=3")).send().await.expect("page");
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.expect("html").contains("1ページの件数"));

    let admin = app.client(Role::Admin).await;
    assert_eq!(download(&admin, app, "/api/v1/jobs?format=csv").await.0, 403);
    assert_eq!(download(&admin, app, "/jobs?format=csv").await.0, 403);
}

async fn notices_are_searched_filtered_sorted_and_exported(engine: Engine) {
    let c = Chain::set_up(engine).await;
    let app = &c.app;
    for (reference, kind, received, title) in [
        ("JL-0001", "software_update", "2020-10-01", "住基ソフト更新"),
        ("JL-0002", "os_security_update", "2020-10-05", "OS月例更新"),
        ("JL-0003", "settings_change", "2020-10-09", "設定の変更"),
    ] {
        let body = json!({"received_on": received, "jlis_reference": reference, "title": title,
            "body": "本文", "kind": kind, "requested_deadline": "2020-11-30"});
        let (status, n) = c.post(&c.city, "/api/v1/notices", body).await;
        assert_eq!(status, 201, "{n}");
    }
    let (status, page) = get(&c.lead, app, "/api/v1/notices?q=ｊｌ－０００２").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(codes(&page, "jlis_reference"), ["JL-0002"]);
    let (_, page) = get(&c.lead, app, "/api/v1/notices?kind=ア").await;
    assert_eq!(codes(&page, "jlis_reference"), ["JL-0001"], "a kind by its category's kana");
    let (_, page) = get(&c.lead, app, "/api/v1/notices").await;
    assert_eq!(codes(&page, "jlis_reference"), ["JL-0003", "JL-0002", "JL-0001"], "newest received first");
    let (_, page) = get(&c.lead, app, "/api/v1/notices?sort=jlis_reference&dir=asc&received_from=2020-10-05").await;
    assert_eq!(codes(&page, "jlis_reference"), ["JL-0002", "JL-0003"]);
    let (status, body) = get(&c.lead, app, "/api/v1/notices?received_to=10/9&kind=z").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["kind", "received_to"]);

    let (status, _, bytes) = download(&c.city, app, "/notices?received_from=2020-10-05&format=csv").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][..3], ["受付日", "文書番号", "種類"]);
    assert_eq!((rows[1][1].as_str(), rows[1][2].as_str()), ("JL-0003", "設定変更"));
    let (status, _, bytes) = download(&c.city, app, "/api/v1/notices?kind=os_security_update&format=xlsx").await;
    assert_eq!(status, 200);
    let rows = xlsx_rows(bytes);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][1], "JL-0002");

    let html = c.city.get(app.url("/notices?kind=settings_change")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("設定の変更") && !html.contains("OS月例更新"), "{html}");
    assert!(html.contains(r#"<option value="settings_change" selected>"#), "{html}");
    let r = c.city.get(app.url("/notices?sort=body")).send().await.expect("page");
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.expect("html").contains("並べ替えの項目「body」"));
    let admin = app.client(Role::Admin).await;
    assert_eq!(download(&admin, app, "/api/v1/notices?format=xlsx").await.0, 403);
}

async fn plans_are_searched_filtered_sorted_and_exported(engine: Engine) {
    let app = crate::support::TestApp::spawn(engine).await;
    let sites = crate::plans::seed_terminals(&app).await;
    let workers = crate::plans::people(&app).await;
    let lead = app.client(Role::ContractorLead).await;
    for (title, start) in [("OS更新 十月", "2020-10-05"), ("設定変更 十一月", "2020-11-09")] {
        let mut body = crate::plans::request(start, 30, &workers, &sites);
        body["title"] = json!(title);
        let r = lead.post(app.url("/api/v1/plans")).json(&body).send().await.expect("post");
        assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap_or_default());
    }
    let (status, page) = get(&lead, &app, "/api/v1/plans?q=ｏｓ更新").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(codes(&page, "title"), ["OS更新 十月"]);
    let (_, page) = get(&lead, &app, "/api/v1/plans?sort=start_date&dir=asc").await;
    assert_eq!(codes(&page, "title"), ["OS更新 十月", "設定変更 十一月"]);
    let (_, page) = get(&lead, &app, "/api/v1/plans?sort=start_date&dir=desc").await;
    assert_eq!(codes(&page, "title"), ["設定変更 十一月", "OS更新 十月"]);
    let (_, page) = get(&lead, &app, "/api/v1/plans?start_from=2020-11-01&agreed=no").await;
    assert_eq!(codes(&page, "title"), ["設定変更 十一月"]);
    let (_, page) = get(&lead, &app, "/api/v1/plans?agreed=yes").await;
    assert_eq!(page["total"], 0, "{page}");
    let (status, body) = get(&lead, &app, "/api/v1/plans?agreed=maybe&per_page=0").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["per_page", "agreed"]);

    let (status, _, bytes) = download(&lead, &app, "/plans?start_to=2020-10-31&format=csv").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0][0].as_str(), rows[1][0].as_str()), ("計画名", "OS更新 十月"));
    let (status, _, bytes) = download(&lead, &app, "/api/v1/plans?format=xlsx").await;
    assert_eq!(status, 200);
    assert_eq!(xlsx_rows(bytes).len(), 3);

    let html = lead.get(app.url("/plans?q=設定")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains("設定変更 十一月") && !html.contains("OS更新 十月"), "{html}");
    let r = lead.get(app.url("/plans?start_from=someday")).send().await.expect("page");
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.expect("html").contains("開始日(から)"));
    let site_staff = app.client(Role::Admin).await;
    assert_eq!(download(&site_staff, &app, "/api/v1/plans?format=csv").await.0, 403);
}

async fn terminals_share_the_tools_and_keep_their_cache(engine: Engine) {
    let app = crate::support::TestApp::spawn(engine).await;
    let lead = app.client(Role::ContractorLead).await;
    for (asset, site, status) in [
        ("JT-T-0003", "011011", "in_service"),
        ("JT-T-0001", "011029", "spare"),
        ("JT-T-0002", "011011", "in_service"),
    ] {
        let body = json!({"asset_number": asset, "serial": format!("S{asset}"), "model": "型式", "site_code": site, "status": status});
        let (status, t) = crate::chain_rules::call(&lead, reqwest::Method::POST, app.url("/api/v1/terminals"), body).await;
        assert_eq!(status, 201, "{t}");
    }
    let (status, page) = get(&lead, &app, "/api/v1/terminals").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0001", "JT-T-0002", "JT-T-0003"]);
    assert_eq!(page["per_page"], 50);
    let (_, page) = get(&lead, &app, "/api/v1/terminals?sort=asset_number&dir=desc").await;
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0003", "JT-T-0002", "JT-T-0001"]);
    // By site (its code), then the terminal's id.
    let (_, page) = get(&lead, &app, "/api/v1/terminals?sort=site_name&dir=asc").await;
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0003", "JT-T-0002", "JT-T-0001"]);
    let (_, page) = get(&lead, &app, "/api/v1/terminals?status=in_service&q=ｊｔ－ｔ").await;
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0002", "JT-T-0003"]);
    let sites = two_sites(&lead, &app).await;
    let (_, page) = get(&lead, &app, &format!("/api/v1/terminals?q={}", sites.1)).await;
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0001"], "found by its site's name");
    let (_, page) = get(&lead, &app, &format!("/api/v1/terminals?site_id={}", sites.0)).await;
    assert_eq!(codes(&page, "asset_number"), ["JT-T-0002", "JT-T-0003"]);
    // The cached page is dropped by any change.
    let (_, before) = get(&lead, &app, "/api/v1/terminals?status=spare").await;
    assert_eq!(before["total"], 1);
    let body = json!({"asset_number": "JT-T-0004", "serial": "S4", "model": "型式", "site_code": "011011", "status": "spare"});
    let (status, _) = crate::chain_rules::call(&lead, reqwest::Method::POST, app.url("/api/v1/terminals"), body).await;
    assert_eq!(status, 201);
    let (_, after) = get(&lead, &app, "/api/v1/terminals?status=spare").await;
    assert_eq!(after["total"], 2, "{after}");

    let (status, body) = get(&lead, &app, "/api/v1/terminals?sort=lessor&per_page=5").await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(problem_fields(&body), ["sort", "per_page"]);
    let (status, _, bytes) = download(&lead, &app, "/terminals?status=in_service&format=csv").await;
    assert_eq!(status, 200);
    let rows = csv_rows(&bytes);
    assert_eq!(rows[0][..2], ["資産番号", "製造番号"]);
    let exported: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(exported, ["JT-T-0002", "JT-T-0003"], "exactly the filtered rows");
    assert_eq!(rows[1][7], "稼働中");
    let (status, _, bytes) = download(&lead, &app, "/api/v1/terminals?status=spare&format=xlsx").await;
    assert_eq!(status, 200);
    let rows = xlsx_rows(bytes);
    let exported: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(exported, ["JT-T-0001", "JT-T-0004"]);

    let html = lead.get(app.url("/terminals?status=spare&sort=asset_number&dir=desc")).send().await.expect("page").text().await.expect("html");
    assert!(html.contains(r#"aria-sort="descending""#) && html.contains(r#"<option value="spare" selected>"#), "{html}");
    assert!(html.contains(">JT-T-0004<") && !html.contains(">JT-T-0002<"), "{html}");
    let r = lead.get(app.url("/terminals?lease_end_to=soon")).send().await.expect("page");
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.expect("html").contains("リース終了日(まで)"));
    let admin = app.client(Role::Admin).await;
    assert_eq!(download(&admin, &app, "/api/v1/terminals?format=csv").await.0, 403);
}

/// The id of the site 011011 and the name of the site 011029.
async fn two_sites(c: &reqwest::Client, app: &crate::support::TestApp) -> (i64, String) {
    let (_, page) = get(c, app, "/api/v1/sites?q=011011").await;
    let id = page["items"][0]["id"].as_i64().expect("id");
    let (_, page) = get(c, app, "/api/v1/sites?q=011029").await;
    (id, page["items"][0]["name"].as_str().expect("name").to_string())
}

both_engines!(
    terminals_share_the_tools_and_keep_their_cache,
    jobs_are_searched_filtered_sorted_and_exported,
    notices_are_searched_filtered_sorted_and_exported,
    plans_are_searched_filtered_sorted_and_exported,
);
