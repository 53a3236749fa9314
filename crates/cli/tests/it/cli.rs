//! The command line: contract check, user administration, migrate and backup, run as the
//! real binary.

use std::io::Write;
use std::process::{Command, Stdio};

use jukiops_domain::people::Role;

use crate::support::{Engine, TestDb, jukiops_bin};

fn run(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    let mut child = Command::new(jukiops_bin())
        .args(args)
        .env_remove("JUKIOPS_CONFIG")
        .env_remove("JUKIOPS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn jukiops");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn contract_check_names_line_and_field_of_each_error() {
    let dir = std::env::temp_dir().join(format!("jukiops_contract_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let good = dir.join("good.toml");
    std::fs::write(&good, jukiops_domain::contract::BUILTIN_DEFAULT_TOML).expect("write");
    let (ok, out, err) = run(&["contract", "check", good.to_str().expect("path")], None);
    assert!(ok, "{err}");
    assert!(out.contains("拠点 11 件"), "{out}");

    let bad_text = jukiops_domain::contract::BUILTIN_DEFAULT_TOML
        .replacen("end = 2021-03-31", "end = 2020-03-31", 1)
        .replacen(
            "all_site_deadline_business_days = 3",
            "all_site_deadline_business_days = 0",
            1,
        );
    assert_ne!(
        bad_text,
        jukiops_domain::contract::BUILTIN_DEFAULT_TOML,
        "the fixture edits must apply"
    );
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, &bad_text).expect("write");
    let (ok, _, err) = run(&["contract", "check", bad.to_str().expect("path")], None);
    assert!(!ok);
    let line_of = |needle: &str| {
        bad_text
            .lines()
            .position(|l| l.contains(needle))
            .expect("line")
            + 1
    };
    assert!(
        err.contains(&format!("{}行目 period.end", line_of("end = 2020-03-31"))),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}行目 all_site_deadline_business_days",
            line_of("all_site_deadline_business_days = 0")
        )),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

async fn user_commands_and_backup(engine: Engine) {
    let db = TestDb::new(engine).await;
    let url = db.url.clone();
    let (ok, out, err) = run(&["migrate", "--database-url", &url], None);
    assert!(ok, "{out}{err}");
    let (ok, _, err) = run(
        &[
            "user",
            "add",
            "tanaka",
            "--display-name",
            "田中",
            "--role",
            "city_staff",
            "--password-stdin",
            "--database-url",
            &url,
        ],
        Some("short\n"),
    );
    assert!(!ok, "a short password is refused");
    assert!(err.contains("12文字以上"), "{err}");
    let (ok, out, err) = run(
        &[
            "user",
            "add",
            "tanaka",
            "--display-name",
            "田中",
            "--role",
            "city_staff",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(ok, "{err}");
    let generated = out
        .lines()
        .find_map(|l| {
            l.split(": ")
                .nth(1)
                .filter(|_| l.contains("初期パスワード"))
        })
        .expect("printed once")
        .to_string();
    let store = db.store().await;
    assert!(
        store
            .check_password("tanaka", &generated)
            .await
            .expect("check")
            .is_some()
    );
    let (ok, _, _) = run(
        &[
            "user",
            "passwd",
            "tanaka",
            "--password-stdin",
            "--database-url",
            &url,
        ],
        Some("another long password\n"),
    );
    assert!(ok);
    assert!(
        store
            .check_password("tanaka", "another long password")
            .await
            .expect("check")
            .is_some()
    );
    let (ok, _, _) = run(&["user", "disable", "tanaka", "--database-url", &url], None);
    assert!(ok);
    assert!(
        store
            .check_password("tanaka", "another long password")
            .await
            .expect("check")
            .is_none(),
        "disabled"
    );
    let user = store
        .user_by_name("tanaka")
        .await
        .expect("q")
        .expect("user");
    assert_eq!(user.role, Role::CityStaff);
    let trail = store
        .audit_for("user", &user.id.to_string())
        .await
        .expect("audit");
    assert_eq!(trail.len(), 3);
    assert!(
        trail
            .iter()
            .all(|e| e.actor == "cli" && !e.changes.contains("another long password"))
    );

    let dir = std::env::temp_dir().join(format!(
        "jukiops_backup_{}_{}",
        std::process::id(),
        matches!(engine, Engine::Sqlite)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("backup.db");
    let (ok, _, err) = run(
        &[
            "backup",
            file.to_str().expect("path"),
            "--database-url",
            &url,
        ],
        None,
    );
    match engine {
        Engine::Sqlite => {
            assert!(ok, "{err}");
            let copy = jukiops_store::Store::connect(&format!("sqlite://{}", file.display()), 1)
                .await
                .expect("open backup");
            assert!(copy.user_by_name("tanaka").await.expect("q").is_some());
            copy.close().await;
        }
        Engine::Postgres => {
            assert!(!ok);
            assert!(err.contains("pg_dump"), "{err}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

crate::both_engines!(user_commands_and_backup);

#[test]
fn config_file_and_environment() {
    let dir = std::env::temp_dir().join(format!("jukiops_config_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("from-config.db");
    let config = dir.join("jukiops.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"sqlite://{}\"\nlisten = \"127.0.0.1:0\"\n",
            db.display()
        ),
    )
    .expect("write");
    let (ok, _, err) = run(
        &["migrate", "--config", config.to_str().expect("path")],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        db.exists(),
        "the database named in the config file was created"
    );

    // A flag wins over the file.
    let db2 = dir.join("from-flag.db");
    let url2 = format!("sqlite://{}", db2.display());
    let (ok, _, err) = run(
        &[
            "migrate",
            "--config",
            config.to_str().expect("path"),
            "--database-url",
            &url2,
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(db2.exists());

    // An unknown key is an error, not silently ignored.
    std::fs::write(&config, "databse_url = \"sqlite://x.db\"\n").expect("write");
    let (ok, _, err) = run(
        &["migrate", "--config", config.to_str().expect("path")],
        None,
    );
    assert!(!ok);
    assert!(
        err.contains("設定ファイル") && err.contains("databse_url"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn calendar_commands() {
    let (ok, out, err) = run(
        &[
            "calendar",
            "holidays",
            "--from",
            "2021-07-01",
            "--to",
            "2021-08-31",
        ],
        None,
    );
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "date,name\n2021-07-22,海の日\n2021-07-23,スポーツの日\n2021-08-08,山の日\n2021-08-09,休日\n"
    );
    let (ok, out, _) = run(
        &[
            "calendar",
            "closed",
            "--from",
            "2020-12-28",
            "--to",
            "2021-01-04",
        ],
        None,
    );
    assert!(ok);
    assert_eq!(out.lines().count(), 1 + 6, "12/29-1/3: {out}");
    assert!(
        out.contains("2021-01-01,元日")
            && out.contains("2020-12-29,年末年始")
            && !out.contains("2020-12-28")
    );
    let (ok, out, _) = run(&["calendar", "add-business-days", "2020-11-02", "1"], None);
    assert!(ok);
    assert_eq!(out.trim(), "2020-11-04", "11/3 is 文化の日");
    // Friday 10:00 JST to Monday 09:00 JST: 7h15m on Friday and 15 minutes on Monday.
    let (ok, out, _) = run(
        &[
            "calendar",
            "business-minutes",
            "2020-10-30T10:00",
            "2020-11-02T00:00:00Z",
        ],
        None,
    );
    assert!(ok);
    assert_eq!(out.trim(), "450");
    let (ok, _, err) = run(
        &[
            "calendar",
            "holidays",
            "--from",
            "2021-13-01",
            "--to",
            "2021-12-31",
        ],
        None,
    );
    assert!(!ok);
    assert!(err.contains("--from"), "{err}");
    let (ok, _, err) = run(
        &[
            "calendar",
            "holidays",
            "--from",
            "2021-02-01",
            "--to",
            "2021-01-01",
        ],
        None,
    );
    assert!(!ok);
    assert!(err.contains("--to"), "{err}");
}

async fn calendar_table_from_the_command_line(engine: Engine) {
    let db = TestDb::new(engine).await;
    let url = db.url.clone();
    let (ok, out, err) = run(
        &[
            "calendar",
            "set-day",
            "2020-11-30",
            "--reason",
            "庁舎停電",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("閉庁日"), "{out}");
    let (ok, _, err) = run(
        &[
            "calendar",
            "set-day",
            "2020-11-29",
            "--open",
            "--reason",
            "",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(!ok, "an empty reason is refused");
    assert!(err.contains("理由"), "{err}");
    let store = db.store().await;
    let rows = store.calendar_overrides().await.expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].date.as_str(),
            rows[0].is_open,
            rows[0].reason.as_str()
        ),
        ("2020-11-30", false, "庁舎停電")
    );
    // `calendar closed` reads the table when given the database.
    let closed = |with_db: bool| {
        let mut args = vec![
            "calendar",
            "closed",
            "--from",
            "2020-11-30",
            "--to",
            "2020-11-30",
        ];
        if with_db {
            args.extend(["--database-url", url.as_str()]);
        }
        run(&args, None)
    };
    let (ok, out, err) = closed(true);
    assert!(ok, "{err}");
    assert_eq!(out, "date,reason\n2020-11-30,庁舎停電\n");
    let (ok, out, _) = closed(false);
    assert!(ok);
    assert_eq!(out, "date,reason\n", "the contract alone keeps 11/30 open");
    assert_eq!(
        store
            .audit_for("calendar_override", "2020-11-30")
            .await
            .expect("audit")
            .len(),
        1
    );
    let (ok, _, err) = run(
        &[
            "calendar",
            "unset-day",
            "2020-11-30",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(store.calendar_overrides().await.expect("rows").is_empty());
    let (ok, _, _) = run(
        &[
            "calendar",
            "unset-day",
            "2020-11-30",
            "--database-url",
            &url,
        ],
        None,
    );
    assert!(!ok, "nothing to remove");
}

crate::both_engines!(calendar_table_from_the_command_line);

/// `jukiops plan`: the planner on a JSON input, its verdict in Japanese, the workbook
/// written and opened by a reader, and a non-zero exit when the deadline is missed.
#[test]
fn plan_from_the_command_line() {
    let dir = std::env::temp_dir().join(format!("jukiops_plan_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = |terminals: i64, workers: usize| {
        serde_json::json!({
            "start": "2020-11-03", "deadline_business_days": 3, "work_minutes_per_terminal": 30,
            "travel": {"kind": "coordinates"},
            "sites": [
                {"id": 1, "code": "011011", "name": "札幌市中央区役所", "lat": 43.05536, "lon": 141.34097,
                 "terminal_ids": (0..terminals).collect::<Vec<_>>()},
                {"id": 2, "code": "011029", "name": "札幌市北区役所", "lat": 43.09083, "lon": 141.34083,
                 "terminal_ids": (100..100 + terminals).collect::<Vec<_>>()}
            ],
            "workers": (0..workers).map(|i| serde_json::json!({"id": i, "name": format!("作業{i}")})).collect::<Vec<_>>()
        })
        .to_string()
    };
    let small = dir.join("small.json");
    std::fs::write(&small, input(4, 1)).expect("write");
    let xlsx = dir.join("plan.xlsx");
    let (ok, out, err) = run(
        &[
            "plan",
            small.to_str().expect("path"),
            "--xlsx",
            xlsx.to_str().expect("path"),
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("期限内に完了します: 11月4日(水)"), "{out}");
    assert!(
        out.contains("文化の日"),
        "the holiday start is explained: {out}"
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).expect("a real workbook");
    use calamine::Reader;
    assert_eq!(book.sheet_names()[0], "計画概要");
    let visits = book.worksheet_range("訪問一覧").expect("visits");
    assert!(visits.rows().count() > 1);

    let big = dir.join("big.json");
    std::fs::write(&big, input(40, 1)).expect("write");
    let (ok, out, err) = run(&["plan", big.to_str().expect("path")], None);
    assert!(!ok, "a missed deadline exits non-zero");
    assert!(out.contains("名必要"), "what would meet it: {out}");
    assert!(err.contains("期限内に完了する計画"), "{err}");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"start\": 3\n}").expect("write");
    let (ok, _, err) = run(&["plan", bad.to_str().expect("path")], None);
    assert!(!ok);
    assert!(err.contains("2行目"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_server_settings_are_refused_before_anything_opens() {
    let dir = std::env::temp_dir().join(format!("jukiops_pool_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("never.db");
    let url = format!("sqlite://{}", db.display());
    let (ok, _, err) = run(
        &["migrate", "--database-url", &url, "--pool-size", "0"],
        None,
    );
    assert!(!ok);
    assert!(err.contains("pool_size は1以上"), "{err}");
    assert!(!db.exists(), "nothing is created");
    let (ok, _, err) = run(
        &["migrate", "--database-url", &url, "--pool-size", "2"],
        None,
    );
    assert!(ok, "{err}");
    assert!(db.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
