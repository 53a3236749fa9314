//! The web UI in a real browser: headless Chromium driven over WebDriver (chromedriver) against
//! the real server, from the login form to the dashboard, a list page and logout.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian: `chromium chromium-driver`);
//! without them the test fails rather than being skipped. Set `JUKIOPS_SCREENSHOT_DIR` to keep
//! a screenshot of the dashboard (`dashboard.png`) for a look by eye.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use jukiops_domain::people::Role;
use rand::Rng;
use serde_json::json;

use crate::support::{Engine, TestApp, test_password, username};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// Longest wait for chromedriver to listen, and for a page to be reached.
const STARTUP: Duration = Duration::from_secs(10);
const NAVIGATION: Duration = Duration::from_secs(10);
/// The whole browser scenario; a hung browser fails the test instead of blocking CI.
pub(crate) const SCENARIO: Duration = Duration::from_secs(120);

const CONTRACT_NAME: &str = "令和２年度住基ネット統合端末増設機器の運用サポート業務";
const CATEGORY_KANA: [&str; 8] = ["ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク"];

/// A running chromedriver (and the browser it starts) with its profile folder; all of it is
/// killed and removed on drop, also when the test fails half-way.
#[derive(Debug)]
pub(crate) struct ChromeDriver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl ChromeDriver {
    pub(crate) async fn start() -> ChromeDriver {
        for (path, package) in [(CHROMEDRIVER, "chromium-driver"), (CHROMIUM, "chromium")] {
            assert!(
                Path::new(path).is_file(),
                "{path} not found: the browser test needs Chromium and chromedriver \
                 (Debian: apt-get install chromium chromium-driver; missing package: {package})"
            );
        }
        let port = free_port();
        let n: u64 = rand::rng().random();
        let profile =
            std::env::temp_dir().join(format!("jukiops_chromium_{}_{n:016x}", std::process::id()));
        std::fs::create_dir_all(&profile).expect("browser profile folder");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            // Its own process group, so that drop can end chromedriver and the browser together.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let mut driver = ChromeDriver {
            child,
            port,
            profile,
        };
        driver.wait_listening().await;
        driver
    }

    async fn wait_listening(&mut self) {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{CHROMEDRIVER} exited at startup: {status}");
            }
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return;
            }
            assert!(
                started.elapsed() < STARTUP,
                "{CHROMEDRIVER} did not listen on port {} within {STARTUP:?}",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Headless Chromium with a fresh profile and nothing talking to the network by itself.
    pub(crate) async fn connect(&self) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    format!("--user-data-dir={}", self.profile.display()),
                ],
            }),
        );
        ClientBuilder::rustls()
            .expect("WebDriver client (TLS roots)")
            .capabilities(caps)
            .connect(&self.url())
            .await
            .unwrap_or_else(|e| panic!("cannot open a Chromium session via {}: {e}", self.url()))
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The whole process group (chromedriver and the browser it started) by its id.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A port free right now on 127.0.0.1 (the OS picks it; the listener is dropped at once).
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind a free port");
    listener.local_addr().expect("local addr").port()
}

/// Waits until the browser shows `path` (and, when given, `query`), after a click or redirect.
pub(crate) async fn wait_for_path(client: &Client, path: &str, query: Option<&str>) -> url::Url {
    let started = Instant::now();
    loop {
        let url = client.current_url().await.expect("current url");
        if url.path() == path && query.is_none_or(|q| url.query() == Some(q)) {
            return url;
        }
        assert!(
            started.elapsed() < NAVIGATION,
            "expected to reach {path}{}, still on {url}",
            query.map(|q| format!("?{q}")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("element {css}: {e}"))
        .text()
        .await
        .expect("element text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_read_dashboard_in_chromium() {
    let app = TestApp::spawn(Engine::Sqlite).await;
    let driver = ChromeDriver::start().await;
    let client = driver.connect().await;
    // A desktop-sized window (headless Chromium starts at 800x600).
    client
        .set_window_size(1280, 1024)
        .await
        .expect("window size");
    tokio::time::timeout(SCENARIO, scenario(&app, &client))
        .await
        .unwrap_or_else(|_| panic!("the browser scenario took longer than {SCENARIO:?}"));
    client.close().await.expect("close the browser session");
    drop(driver);
}

async fn scenario(app: &TestApp, client: &Client) {
    let role = Role::CityStaff;
    let display_name = format!("{}テスト", role.label_ja());

    // Anonymous: the dashboard sends the visitor to the login form, remembering where to go.
    client.goto(&app.url("/")).await.expect("open /");
    wait_for_path(client, "/login", Some("next=%2F")).await;
    assert_eq!(text_of(client, "main h1").await, "ログイン");
    client
        .find(Locator::Css("#username"))
        .await
        .expect("#username")
        .send_keys(&username(role))
        .await
        .expect("type login id");
    client
        .find(Locator::Css("#password"))
        .await
        .expect("#password")
        .send_keys(&test_password(role))
        .await
        .expect("type password");
    client
        .find(Locator::Css("form[action='/login'] button[type='submit']"))
        .await
        .expect("login button")
        .click()
        .await
        .expect("click ログイン");

    // The dashboard (R1): the contract, its period and the eight work categories.
    wait_for_path(client, "/", None).await;
    let title = client.title().await.expect("title");
    assert!(title.contains("ダッシュボード"), "title: {title}");
    assert_eq!(text_of(client, "main h1").await, "ダッシュボード");
    let body = text_of(client, "main").await;
    assert!(
        body.contains(CONTRACT_NAME),
        "contract name missing from the dashboard:\n{body}"
    );
    let period = client
        .find(Locator::XPath(
            "//main//tr[th[normalize-space()='履行期間']]/td",
        ))
        .await
        .expect("履行期間 row")
        .text()
        .await
        .expect("period text");
    assert!(period.contains("2020年10月1日"), "period: {period}");
    let rows = client
        .find_all(Locator::XPath(
            "//h2[normalize-space()='作業区分と見込み回数']/following-sibling::table[1]/tbody/tr",
        ))
        .await
        .expect("category rows");
    let mut kana = Vec::new();
    for row in &rows {
        let first = row.find(Locator::Css("td")).await.expect("category cell");
        kana.push(first.text().await.expect("category code"));
    }
    assert_eq!(kana, CATEGORY_KANA, "category table rows");
    let who = text_of(client, "header.top .who a").await;
    assert!(
        who.contains(&display_name),
        "signed-in user not shown: {who}"
    );
    let nav = text_of(client, "header.top nav").await;
    assert!(nav.contains("統合端末"), "menu: {nav}");

    let png = client.screenshot().await.expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    if let Some(dir) = std::env::var_os("JUKIOPS_SCREENSHOT_DIR") {
        let path = Path::new(&dir).join("dashboard.png");
        std::fs::write(&path, &png).expect("write screenshot");
        eprintln!("dashboard screenshot: {}", path.display());
    }

    // A list page through the menu's target.
    client
        .goto(&app.url("/terminals"))
        .await
        .expect("open /terminals");
    wait_for_path(client, "/terminals", None).await;
    let header = text_of(client, "main table thead").await;
    assert!(
        header.contains("資産番号"),
        "terminal table header: {header}"
    );

    // Logout ends the session: back on the login form, and the dashboard is closed again.
    client
        .find(Locator::XPath(
            "//header//form[@action='/logout']/button[normalize-space()='ログアウト']",
        ))
        .await
        .expect("ログアウト button")
        .click()
        .await
        .expect("click ログアウト");
    wait_for_path(client, "/login", None).await;
    client.goto(&app.url("/")).await.expect("open / again");
    wait_for_path(client, "/login", Some("next=%2F")).await;
}
