//! A day of each role in Chromium (issue 13, "done means"): the real `jukiops demo` server
//! with its demo data, each demo account signed in at 1366, 768 and 390 px, starting from its
//! inbox, then every page of its menu and the first record each list links to. On every page:
//! a heading, no English identifier left in what the user reads, nothing wider than the
//! window. A screenshot of each page and width is kept under
//! `$JUKIOPS_SCREENSHOT_DIR` (default `target/screenshots`), which CI keeps as an artefact.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;

use crate::browser::{ChromeDriver, wait_for_path};
use crate::browser_request::{click, fill};
use crate::support::jukiops_bin;

const WIDTHS: [u32; 3] = [1366, 768, 390];
/// The whole walk; a hung browser fails the test instead of blocking CI.
const WALK: Duration = Duration::from_secs(900);

/// What Japanese users write in Latin letters, as the demo's data and the pages show it.
const LATIN_WORDS: &[&str] = &[
    "J-LIS", "LIS", "OS", "USB", "CSV", "PDF", "ID", "API", "Excel", "Word", "PC", "LAN", "QR", "TOTP",
    // The demo terminals' model name (ESPRIMO D588/V) as the inventory records it.
    "ESPRIMO",
    // A site code of the built-in contract (菊水分庁舎), as the contract file writes it.
    "kikusui",
    // The extension of a file's name as it was submitted (業務報告書.pdf).
    "pdf",
];

/// The demo server, killed on drop.
struct Demo {
    child: Child,
    base: String,
    /// Each account's login and password, as the demo prints them.
    accounts: Vec<(String, String)>,
    _dir: PathBuf,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self._dir);
    }
}

/// Starts `jukiops demo` on a free port and reads its accounts from what it prints.
fn start_demo() -> Demo {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let n: u64 = rand::random();
    let dir = std::env::temp_dir().join(format!("jukiops_day_{}_{n:016x}", std::process::id()));
    let mut child = Command::new(jukiops_bin())
        .args(["demo", "--listen", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&dir)
        .env_remove("JUKIOPS_CONFIG")
        .env_remove("JUKIOPS_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start jukiops demo");
    let mut accounts = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    for line in lines.by_ref() {
        let line = line.expect("demo output");
        if line.starts_with("jukiops を起動しました") {
            break;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if line.starts_with("  ") && words.len() == 3 {
            accounts.push((words[0].to_string(), words[2].to_string()));
        }
    }
    // Keep reading so that the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    assert!(accounts.len() >= 6, "the demo printed its accounts: {accounts:?}");
    Demo {
        child,
        base: format!("http://127.0.0.1:{port}"),
        accounts,
        _dir: dir,
    }
}

/// The Latin-letter words on the page that are not in [`LATIN_WORDS`]: internal names,
/// English verbs and states left in the UI. Words with digits (asset numbers, serials,
/// request numbers) and single letters pass.
fn english_left(text: &str, also: &[String]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || c == '_' || (c == '-' && !word.is_empty()) {
            word.push(c);
            continue;
        }
        let w = word.trim_end_matches('-').to_string();
        word.clear();
        let letters = w.chars().filter(char::is_ascii_alphabetic).count();
        if letters < 2 || w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let known = |p: &str| LATIN_WORDS.contains(&p) || also.iter().any(|a| a == p);
        if !known(&w) && !w.split('-').all(known) {
            found.insert(w);
        }
    }
    found
}

async fn eval(client: &Client, script: &str) -> Value {
    client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// The links of `css` on the current page that stay on the server, without their origin.
async fn links(client: &Client, css: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll({css:?})).map(a => a.getAttribute('href'));"
    );
    eval(client, &script)
        .await
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        // Pages only: not downloads (files, exports).
        .filter(|h| {
            !h.starts_with("/attachments/")
                && ![".csv", ".xlsx", ".docx", ".pdf"].iter().any(|x| h.split('?').next().unwrap_or(h).ends_with(x))
                && !h.contains("format=")
        })
        .collect()
}

/// The pages of one role's day: the inbox and what waits there, each menu page and the
/// first record of each list.
async fn day_of(client: &Client, base: &str) -> Vec<String> {
    let mut pages = vec!["/".to_string()];
    let menu = links(client, "header.top nav a").await;
    if menu.iter().any(|h| h == "/inbox") {
        client.goto(&format!("{base}/inbox")).await.expect("inbox");
        pages.push("/inbox".into());
        pages.extend(links(client, "main li a").await.into_iter().take(3));
    }
    for page in menu.iter().filter(|h| *h != "/" && *h != "/inbox") {
        pages.push(page.clone());
        client.goto(&format!("{base}{page}")).await.expect("menu page");
        if let Some(record) = links(client, "main table tbody a").await.into_iter().find(|h| {
            h.trim_start_matches('/').split('/').nth(1).is_some_and(|id| id.parse::<i64>().is_ok())
        }) {
            pages.push(record);
        }
    }
    // Whoever records work also walks the on-site pages of the first request: the
    // terminals to choose from and the first terminal.
    if let Some(request) = pages.iter().find(|p| is_record(p, "requests")).cloned() {
        client.goto(&format!("{base}{request}")).await.expect("request");
        if let Some(on_site) = links(client, "main a[href$='/on-site']").await.into_iter().next() {
            client.goto(&format!("{base}{on_site}")).await.expect("on-site");
            pages.push(on_site);
            pages.extend(links(client, "main a.choice").await.into_iter().take(1));
        }
    }
    let mut seen = BTreeSet::new();
    pages.retain(|p| seen.insert(p.clone()));
    pages
}

/// Whether `path` is one record of the list `/{list}`: `/{list}/{id}`.
fn is_record(path: &str, list: &str) -> bool {
    let mut parts = path.trim_start_matches('/').split('/');
    parts.next() == Some(list)
        && parts.next().is_some_and(|id| id.parse::<i64>().is_ok())
        && parts.next().is_none()
}

/// What is wrong with the current page at `width`, one line each.
async fn judge(client: &Client, width: u32, also: &[String]) -> Vec<String> {
    let mut wrong = Vec::new();
    let status = eval(
        client,
        "const e = document.querySelector('[data-status]'); return e ? e.dataset.status : null;",
    )
    .await;
    if !status.is_null() {
        wrong.push(format!("an error page ({status})"));
    }
    let scroll = eval(client, "return document.documentElement.scrollWidth;").await;
    let inner = eval(client, "return window.innerWidth;").await;
    if scroll.as_u64() > inner.as_u64() {
        wrong.push(format!("{scroll} px wide in a {inner} px window ({width})"));
    }
    let text = eval(client, "return document.body.innerText + ' ' + document.title;").await;
    let english = english_left(text.as_str().unwrap_or_default(), also);
    if !english.is_empty() {
        wrong.push(format!("English left: {english:?}"));
    }
    wrong
}

fn screenshot_dir() -> PathBuf {
    std::env::var_os("JUKIOPS_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots")
        })
}

/// A picture of the whole page (the window stretched to its height, up to 6000 px).
async fn keep_screenshot(client: &Client, width: u32, who: &str, path: &str) {
    let height = eval(client, "return document.documentElement.scrollHeight;")
        .await
        .as_u64()
        .unwrap_or(900)
        .clamp(600, 6000) as u32;
    client.set_window_size(width, height).await.expect("resize");
    let png = client.screenshot().await.expect("screenshot");
    let name: String = path
        .trim_start_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let dir = screenshot_dir().join(who).join(width.to_string());
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    let file = if name.is_empty() { "root".to_string() } else { name };
    std::fs::write(dir.join(format!("{file}.png")), png).expect("write screenshot");
    client.set_window_size(width, 900).await.expect("resize back");
}

async fn walk(demo: &Demo, client: &Client) -> Vec<String> {
    let mut wrong = Vec::new();
    for (who, password) in &demo.accounts {
        client.goto(&format!("{}/login", demo.base)).await.expect("login page");
        fill(client, "#username", who).await;
        fill(client, "#password", password).await;
        click(client, "form[action='/login'] button[type='submit']").await;
        wait_for_path(client, "/", None).await;
        client.set_window_size(WIDTHS[0], 900).await.expect("window");
        let pages = day_of(client, &demo.base).await;
        let user_agent = eval(client, "return navigator.userAgent;").await.as_str().unwrap_or_default().to_string();
        for width in WIDTHS {
            client.set_window_size(width, 900).await.expect("window");
            for path in &pages {
                client.goto(&format!("{}{path}", demo.base)).await.expect("page");
                let h1 = client.find(Locator::Css("main h1")).await;
                if h1.is_err() {
                    wrong.push(format!("{who} {path} ({width}): no heading"));
                }
                // The accounts page lists the login IDs people type (Latin by design); the
                // audit trail also keeps, as recorded, what a sign-in typed and the browser
                // it came from.
                let mut also: Vec<String> = Vec::new();
                if path.starts_with("/users") || path.starts_with("/audit") {
                    also.extend(demo.accounts.iter().map(|(login, _)| login.clone()));
                }
                if path.starts_with("/audit") {
                    also.extend(user_agent.split(|c: char| !c.is_ascii_alphanumeric()).map(String::from));
                }
                for w in judge(client, width, &also).await {
                    wrong.push(format!("{who} {path}: {w}"));
                }
                keep_screenshot(client, width, who, path).await;
            }
        }
        client.goto(&format!("{}/", demo.base)).await.expect("home");
        click(client, "header form[action='/logout'] button").await;
        wait_for_path(client, "/login", None).await;
    }
    wrong
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_each_role_in_japanese_at_three_widths() {
    let demo = start_demo();
    let driver = ChromeDriver::start().await;
    let client = driver.connect().await;
    let wrong = tokio::time::timeout(WALK, walk(&demo, &client))
        .await
        .unwrap_or_else(|_| panic!("the walk took longer than {WALK:?}"));
    client.close().await.expect("close the browser");
    drop(driver);
    assert!(wrong.is_empty(), "{} problems:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn english_left_finds_identifiers_and_passes_what_users_write() {
    let found = english_left(
        "状態: submitted → 受理 step_order USB メモリ JT-0001 J-LIS R2 CSV出力 a lead",
        &["lead".to_string()],
    );
    assert_eq!(found, BTreeSet::from(["step_order".to_string(), "submitted".to_string()]));
}
