//! `jukiops`: one binary that serves the web UI and API, and administers the database.

mod calendar;
mod config;
mod demo;
mod demo_roster;
mod fault_logs;
mod plan;

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use config::{MailSettings, ServerArgs, Settings, load_contract_source};
use jukiops_app::mail::SmtpRelay;
use jukiops_app::second_factor::SealingKey;
use jukiops_domain::people::{NewUserInput, UserUpdateInput};
use jukiops_store::{Actor, Store, redact_url};
use jukiops_web::{AppState, WebConfig};

#[derive(Debug, Parser)]
#[command(
    name = "jukiops",
    version,
    about = "住基ネット統合端末 運用サポート業務システム"
)]
struct Cli {
    /// Log format: text or json.
    #[arg(
        long,
        global = true,
        env = "JUKIOPS_LOG_FORMAT",
        default_value = "text"
    )]
    log_format: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API (the default).
    Serve(ServerArgs),
    /// Serve a fresh SQLite database with demo data; prints one password per role.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Folder for the demo database (default: a new folder under the system temp dir).
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Apply database migrations.
    Migrate(ServerArgs),
    /// Online backup of the SQLite database into FILE.
    Backup {
        file: PathBuf,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Contract files.
    Contract {
        #[command(subcommand)]
        action: ContractCommand,
    },
    /// National holidays, closed days and business-time arithmetic (R5.2).
    Calendar {
        #[command(subcommand)]
        action: calendar::CalendarCommand,
    },
    /// Plan a job on all sites within the deadline (R4.4) from a planner input in JSON.
    Plan {
        /// The planner input (`PlanInput` of the OpenAPI document).
        file: PathBuf,
        /// Also write the plan as an Excel workbook.
        #[arg(long)]
        xlsx: Option<PathBuf>,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Inbox notices by e-mail through the SMTP relay of the settings.
    Mail {
        #[command(subcommand)]
        action: MailCommand,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Fault logs of incidents (§5(6)ア).
    FaultLogs {
        #[command(subcommand)]
        action: fault_logs::FaultLogCommand,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
        #[command(flatten)]
        server: ServerArgs,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add an account; the password is read from stdin with --password-stdin, else generated and printed.
    Add {
        username: String,
        #[arg(long)]
        display_name: String,
        /// city_staff, contractor_lead, contractor_worker, security_officer, auditor, admin, site_staff
        #[arg(long)]
        role: String,
        #[arg(long)]
        password_stdin: bool,
        /// The site (its id) of a ward office's staff: required for site_staff.
        #[arg(long)]
        site_id: Option<i64>,
        /// A worker's or lead's badge number, shown to the reception desk.
        #[arg(long)]
        badge_number: Option<String>,
    },
    /// Set a new password (from stdin with --password-stdin, else generated and printed).
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account; its sessions and tokens end at once.
    Disable { username: String },
    /// Set the e-mail address inbox notices go to (an empty ADDRESS removes it).
    Email { username: String, address: String },
}

#[derive(Debug, Subcommand)]
enum ContractCommand {
    /// Validate a contract file; every error names its line and field.
    Check { file: PathBuf },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Send one round now: each person with an address is told of the items newly waiting
    /// for them (the server does this every mail_interval_minutes).
    Send,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the hash chain; names the first bad entry and exits non-zero.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logs(&cli.log_format);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("エラー: 実行環境を初期化できません: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("エラー: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("JUKIOPS_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        b.json().init()
    } else {
        b.init()
    }
}

/// The operations over the database of `settings`, in the context of the contract they
/// name (the built-in one by default).
async fn open_app(settings: &Settings) -> anyhow::Result<jukiops_app::App> {
    let (contract, source) = load_contract_source(settings.contract.as_deref())?;
    Ok(jukiops_app::App::open(open(settings).await?, contract, &source).await?)
}

async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let store = Store::connect(&settings.database_url, settings.pool_size)
        .await
        .with_context(|| {
            format!(
                "データベース {} に接続できません",
                redact_url(&settings.database_url)
            )
        })?;
    store
        .migrate()
        .await
        .context("マイグレーションに失敗しました")?;
    Ok(store)
}

/// `jukiops` without a subcommand: the server's settings, from the environment only.
#[derive(Debug, clap::Parser)]
struct ServeFromEnv {
    #[command(flatten)]
    args: ServerArgs,
}

async fn run(command: Option<Command>) -> anyhow::Result<ExitCode> {
    // Bare `jukiops` serves, with the settings of the `JUKIOPS_*` variables.
    let command = match command {
        Some(c) => c,
        None => Command::Serve(ServeFromEnv::try_parse_from(["jukiops"])?.args),
    };
    match command {
        Command::Serve(args) => {
            let settings = args.resolve()?;
            let key = sealing_key(&settings)?;
            let app = open_app(&settings).await?;
            serve(app, &settings, key).await?;
        }
        Command::Demo { listen, data_dir } => {
            let dir = match data_dir {
                Some(d) => d,
                None => std::env::temp_dir().join(format!("jukiops-demo-{}", std::process::id())),
            };
            std::fs::create_dir_all(&dir)
                .with_context(|| format!("{} を作成できません", dir.display()))?;
            let db = dir.join("jukiops.db");
            if db.exists() {
                bail!(
                    "{} に既にデータベースがあります。空のフォルダを指定してください。",
                    dir.display()
                );
            }
            let database_url = format!("sqlite://{}", db.display());
            let mut settings = Settings::defaults(database_url, listen);
            // The demo's accounts sign in with the printed password alone.
            settings.accounts = settings.accounts.relaxed();
            let key = sealing_key(&settings)?;
            let app = open_app(&settings).await?;
            let people = demo::seed(&app).await?;
            println!("デモ用データベース: {}", db.display());
            println!("ログイン情報(この表示限り):");
            for (u, role, pw) in &people {
                println!("  {:<10} {:<20} {}", u, role.label_ja(), pw);
            }
            println!(
                "デモのため、二要素認証と初回ログイン時のパスワード変更は求めません(jukiops serve では求めます)。"
            );
            serve(app, &settings, key).await?;
        }
        Command::Migrate(args) => {
            let settings = args.resolve()?;
            open(&settings).await?;
            println!("マイグレーションを適用しました。");
        }
        Command::Backup { file, server } => {
            let store = open(&server.resolve()?).await?;
            store.backup_sqlite(&file).await?;
            println!("バックアップしました: {}", file.display());
        }
        Command::User { action, server } => {
            let app = open_app(&server.resolve()?).await?;
            user_command(&app, action).await?;
        }
        Command::Contract {
            action: ContractCommand::Check { file },
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("{} を読めません", file.display()))?;
            match jukiops_domain::contract::Contract::parse(&text) {
                Ok(c) => println!(
                    "OK: {}({}年度、拠点 {} 件)",
                    c.name,
                    c.fiscal_year,
                    c.sites.len()
                ),
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{}:{e}", file.display());
                    }
                    eprintln!("{} 件の誤りがあります。", errors.len());
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Calendar { action } => calendar::run(action).await?,
        Command::Plan { file, xlsx, server } => plan::run(&file, xlsx, server).await?,
        Command::Mail {
            action: MailCommand::Send,
            server,
        } => {
            let settings = server.resolve()?;
            let Some(mail) = settings.mail.clone() else {
                bail!(
                    "メール通知は設定されていません(smtp_relay、mail_from、public_url を指定してください)"
                );
            };
            let relay = SmtpRelay::new(&mail.relay, &mail.from).map_err(anyhow::Error::msg)?;
            let app = open_app(&settings).await?;
            let round = app.mail_inbox_notices(&relay, &mail.public_url).await?;
            println!(
                "メール通知: 宛先 {} 人、送信 {} 通、失敗 {} 通",
                round.recipients, round.sent, round.failed
            );
            if round.failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::FaultLogs {
            action: fault_logs::FaultLogCommand::Purge,
            server,
        } => {
            let app = open_app(&server.resolve()?).await?;
            let n = fault_logs::purge(&app, "cli:fault-logs-purge").await?;
            println!("保管期限を過ぎた障害ログ {n} 件の内容を削除しました。");
        }
        Command::Audit {
            action: AuditCommand::Verify,
            server,
        } => {
            let store = open(&server.resolve()?).await?;
            match store.verify_audit().await? {
                Ok(r) => println!("OK: 監査記録 {} 件の連鎖は正常です。", r.entries),
                Err(b) => {
                    eprintln!("改ざんを検出しました: {b}");
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The key sealing the second factors, checked before anything opens: refused when a role
/// requires the second factor and there is no key.
fn sealing_key(settings: &Settings) -> anyhow::Result<Option<SealingKey>> {
    match config::sealing_key(settings)? {
        Some(key) => Ok(Some(key)),
        None if !settings.accounts.second_factor_roles.is_empty() => bail!(
            "二要素認証の秘密を暗号化する鍵が設定されていません。PostgreSQL では JUKIOPS_SECRET_KEY(32バイトのbase64)か secret_key_file で鍵を指定してください(例: head -c 32 /dev/urandom | base64 > /etc/jukiops/jukiops.key)。二要素認証を求めない場合は second_factor_roles = [] にしてください。"
        ),
        None => {
            tracing::warn!("no key for the second factor: enrolment is refused");
            Ok(None)
        }
    }
}

async fn serve(
    app: jukiops_app::App,
    settings: &Settings,
    key: Option<SealingKey>,
) -> anyhow::Result<()> {
    let app = match key {
        Some(key) => app.with_sealing_key(key),
        None => app,
    };
    let listen = &settings.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("{listen} で待ち受けできません"))?;
    let addr = listener.local_addr()?;
    println!("jukiops を起動しました: http://{addr}/");
    let purge = app.store().clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = purge.purge_expired().await {
                tracing::warn!(error = ?e, "purge failed");
            }
        }
    });
    fault_logs::spawn_purge(app.clone());
    if let Some(mail) = &settings.mail {
        spawn_mail_rounds(app.clone(), mail)?;
    }
    let config = WebConfig {
        secure_cookies: settings.secure_cookies,
        trusted_proxies: settings.trusted_proxies.clone(),
        accounts: settings.accounts.clone(),
        metrics_addresses: settings.metrics_addresses.clone(),
        metrics_token: settings.metrics_token.clone(),
        ..WebConfig::default()
    };
    let state = AppState::new(app, config, jukiops_web::install_metrics());
    jukiops_web::serve(listener, state).await?;
    Ok(())
}

/// Sends inbox notices every `mail.interval` for as long as the server runs.
fn spawn_mail_rounds(app: jukiops_app::App, mail: &MailSettings) -> anyhow::Result<()> {
    let relay = SmtpRelay::new(&mail.relay, &mail.from).map_err(anyhow::Error::msg)?;
    let (public_url, interval) = (mail.public_url.clone(), mail.interval);
    tracing::info!(relay = %mail.relay, "inbox notices by e-mail are on");
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        loop {
            tick.tick().await;
            match app.mail_inbox_notices(&relay, &public_url).await {
                Ok(round) if round.sent + round.failed > 0 => {
                    tracing::info!(sent = round.sent, failed = round.failed, "inbox notices")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "inbox notices failed"),
            }
        }
    });
    Ok(())
}

fn read_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((demo::random_password(), true));
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
}

async fn user_command(app: &jukiops_app::App, action: UserCommand) -> anyhow::Result<()> {
    let actor = actor_cli();
    let find = |username: String| async move {
        app.user_by_name(&actor_cli(), &username)
            .await?
            .with_context(|| format!("利用者 {username} が見つかりません"))
    };
    match action {
        UserCommand::Add {
            username,
            display_name,
            role,
            password_stdin,
            site_id,
            badge_number,
        } => {
            let (pw, generated) = read_password(password_stdin)?;
            let input = NewUserInput {
                username: username.clone(),
                display_name,
                role,
                password: pw.clone(),
                site_id,
                badge_number: badge_number.unwrap_or_default(),
            };
            let user = app.create_user(&actor, &input).await?;
            println!(
                "利用者 {username}({})を追加しました。",
                user.role.label_ja()
            );
            if generated {
                println!("初期パスワード(この表示限り): {pw}");
            }
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let user = find(username.clone()).await?;
            let (pw, generated) = read_password(password_stdin)?;
            let input = UserUpdateInput {
                password: Some(pw.clone()),
                ..UserUpdateInput::default()
            };
            app.update_user(&actor, user.id, &input).await?;
            println!("利用者 {username} のパスワードを変更しました。");
            if generated {
                println!("新しいパスワード(この表示限り): {pw}");
            }
        }
        UserCommand::Disable { username } => {
            let user = find(username.clone()).await?;
            let input = UserUpdateInput {
                disabled: Some(true),
                ..UserUpdateInput::default()
            };
            app.update_user(&actor, user.id, &input).await?;
            println!("利用者 {username} を無効にしました。");
        }
        UserCommand::Email { username, address } => {
            let user = find(username.clone()).await?;
            let input = UserUpdateInput {
                email: Some(address.clone()),
                ..UserUpdateInput::default()
            };
            app.update_user(&actor, user.id, &input).await?;
            if address.trim().is_empty() {
                println!("利用者 {username} のメールアドレスを削除しました。");
            } else {
                println!(
                    "利用者 {username} のメールアドレスを {} にしました。",
                    address.trim()
                );
            }
        }
    }
    Ok(())
}

/// The operator at the command line.
fn actor_cli() -> Actor {
    Actor::System("cli".into())
}
