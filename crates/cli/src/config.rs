//! Settings: flags, then `JUKIOPS_*` environment variables (clap reads both), then the
//! TOML config file, then defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use jukiops_app::second_factor::SealingKey;
use jukiops_domain::people::Role;
use jukiops_web::AccountPolicy;
use jukiops_web::client_address::parse_trusted_proxies;
use serde::Deserialize;

/// Where the data lives and how the server is reached.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// TOML config file (its keys are the long options with `_` for `-`, e.g. database_url, smtp_relay).
    #[arg(long, global = true, env = "JUKIOPS_CONFIG")]
    pub config: Option<PathBuf>,
    /// sqlite://PATH (default sqlite://jukiops.db) or postgres://USER@HOST/DB
    #[arg(
        long,
        global = true,
        env = "JUKIOPS_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, global = true, env = "JUKIOPS_LISTEN")]
    pub listen: Option<String>,
    /// A contract TOML file; default: the built-in FY2020 Sapporo contract.
    #[arg(long, global = true, env = "JUKIOPS_CONTRACT")]
    pub contract: Option<PathBuf>,
    /// Mark cookies Secure (set when served over HTTPS, e.g. behind a TLS proxy).
    #[arg(long, global = true, env = "JUKIOPS_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// Database connections (SQLite: readers, besides the one writer; default 2 per core.
    /// PostgreSQL: default 16).
    #[arg(long, global = true, env = "JUKIOPS_POOL_SIZE")]
    pub pool_size: Option<u32>,
    /// Reverse proxies whose X-Forwarded-For names the client, for login throttling:
    /// addresses or networks of proxies only, never of clients, comma separated (e.g.
    /// 127.0.0.1,10.0.9.0/29). Default: none.
    #[arg(long, global = true, env = "JUKIOPS_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Roles that must sign in with a second factor (TOTP), comma separated, or `none`.
    /// Default: city_staff,contractor_lead,security_officer,admin.
    #[arg(long, global = true, env = "JUKIOPS_SECOND_FACTOR_ROLES")]
    pub second_factor_roles: Option<String>,
    /// A password set by someone else is changed at the first sign-in (default true).
    #[arg(long, global = true, env = "JUKIOPS_FIRST_SIGN_IN_CHANGE")]
    pub first_sign_in_change: Option<bool>,
    /// Minutes a browser session lives unused (default 30).
    #[arg(long, global = true, env = "JUKIOPS_IDLE_TIMEOUT_MINUTES")]
    pub idle_timeout_minutes: Option<u32>,
    /// Hours a browser session lives at most (default 10).
    #[arg(long, global = true, env = "JUKIOPS_SESSION_HOURS")]
    pub session_hours: Option<u32>,
    /// Failed sign-ins after which an account is locked (default 5).
    #[arg(long, global = true, env = "JUKIOPS_LOCKOUT_AFTER")]
    pub lockout_after: Option<u32>,
    /// Minutes the failures count and the lock lasts, unless an administrator unlocks it
    /// (default 15).
    #[arg(long, global = true, env = "JUKIOPS_LOCKOUT_MINUTES")]
    pub lockout_minutes: Option<u32>,
    /// The file holding the key (base64 of 32 bytes) that seals the second factors'
    /// secrets. Default on SQLite: jukiops.key beside the database file (created, mode
    /// 0600). `JUKIOPS_SECRET_KEY` (base64) wins over the file.
    #[arg(long, global = true, env = "JUKIOPS_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
    /// Clients that may read /metrics without a token, comma separated addresses or
    /// networks (default: 127.0.0.0/8,::1).
    #[arg(long, global = true, env = "JUKIOPS_METRICS_ADDRESSES")]
    pub metrics_addresses: Option<String>,
    /// A scrape token: `Authorization: Bearer TOKEN` reads /metrics from anywhere.
    #[arg(
        long,
        global = true,
        env = "JUKIOPS_METRICS_TOKEN",
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// The City's SMTP relay (`host` or `host:port`, no TLS or login) for inbox notices by
    /// e-mail. Default: none, and no mail is sent.
    #[arg(long, global = true, env = "JUKIOPS_SMTP_RELAY")]
    pub smtp_relay: Option<String>,
    /// The sender of the notices (needed with smtp_relay).
    #[arg(long, global = true, env = "JUKIOPS_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// The address people open jukiops at, for the links in the notices (needed with
    /// smtp_relay), e.g. https://jukiops.city.example/
    #[arg(long, global = true, env = "JUKIOPS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Minutes between two rounds of notices (default 10).
    #[arg(long, global = true, env = "JUKIOPS_MAIL_INTERVAL_MINUTES")]
    pub mail_interval_minutes: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    contract: Option<PathBuf>,
    secure_cookies: Option<bool>,
    pool_size: Option<u32>,
    trusted_proxies: Option<Vec<String>>,
    second_factor_roles: Option<Vec<String>>,
    first_sign_in_change: Option<bool>,
    idle_timeout_minutes: Option<u32>,
    session_hours: Option<u32>,
    lockout_after: Option<u32>,
    lockout_minutes: Option<u32>,
    secret_key_file: Option<PathBuf>,
    metrics_addresses: Option<Vec<String>>,
    metrics_token: Option<String>,
    smtp_relay: Option<String>,
    mail_from: Option<String>,
    public_url: Option<String>,
    mail_interval_minutes: Option<u32>,
}

/// Where inbox notices go by e-mail.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub relay: String,
    pub from: String,
    pub public_url: String,
    pub interval: std::time::Duration,
}

/// The settings in force.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub listen: String,
    pub contract: Option<PathBuf>,
    pub secure_cookies: bool,
    pub pool_size: u32,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How sign-in is guarded (second factor, first sign-in, sessions, lockout).
    pub accounts: AccountPolicy,
    pub secret_key_file: Option<PathBuf>,
    pub metrics_addresses: Vec<ipnet::IpNet>,
    pub metrics_token: Option<String>,
    /// Inbox notices by e-mail; `None`: off.
    pub mail: Option<MailSettings>,
}

impl Settings {
    /// The settings of a server on `database_url` with every other setting at its default.
    pub fn defaults(database_url: String, listen: String) -> Settings {
        Settings {
            pool_size: jukiops_store::default_pool_size(&database_url),
            database_url,
            listen,
            contract: None,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            accounts: AccountPolicy::default(),
            secret_key_file: None,
            metrics_addresses: jukiops_web::loopback_networks(),
            metrics_token: None,
            mail: None,
        }
    }
}

/// Reads a list of roles (`none` or nothing for none), naming the setting in Japanese.
fn parse_roles(items: &[String]) -> anyhow::Result<Vec<Role>> {
    let mut roles = Vec::new();
    for item in items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if item == "none" {
            continue;
        }
        let role = Role::parse(item).with_context(|| {
            format!(
                "second_factor_roles: 「{item}」はロールではありません(city_staff, contractor_lead, contractor_worker, security_officer, auditor, admin、または none)"
            )
        })?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// A count or length setting that must be at least 1.
fn positive(name: &str, value: Option<u32>, default: u32) -> anyhow::Result<i64> {
    match value {
        Some(0) => anyhow::bail!("{name} は1以上を指定してください"),
        Some(n) => Ok(i64::from(n)),
        None => Ok(i64::from(default)),
    }
}

impl ServerArgs {
    pub fn resolve(&self) -> anyhow::Result<Settings> {
        let file = match &self.config {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("設定ファイル {} を読めません", p.display()))?;
                toml::from_str::<FileConfig>(&text).with_context(|| {
                    format!("設定ファイル {} の内容が正しくありません", p.display())
                })?
            }
            None => FileConfig::default(),
        };
        let database_url = self
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| "sqlite://jukiops.db".into());
        let pool_size = match self.pool_size.or(file.pool_size) {
            Some(0) => anyhow::bail!("pool_size は1以上を指定してください"),
            Some(n) => n,
            None => jukiops_store::default_pool_size(&database_url),
        };
        let trusted_proxies = match (&self.trusted_proxies, file.trusted_proxies) {
            (Some(text), _) => parse_trusted_proxies(text),
            (None, Some(list)) => parse_trusted_proxies(&list.join(",")),
            (None, None) => Ok(Vec::new()),
        }
        .map_err(anyhow::Error::msg)?;
        let metrics_addresses = match (&self.metrics_addresses, file.metrics_addresses) {
            (Some(text), _) => parse_trusted_proxies(text),
            (None, Some(list)) => parse_trusted_proxies(&list.join(",")),
            (None, None) => Ok(jukiops_web::loopback_networks()),
        }
        .map_err(|e| anyhow::anyhow!(e.replace("trusted_proxies", "metrics_addresses")))?;
        let mail = mail_settings(
            self.smtp_relay.clone().or(file.smtp_relay),
            self.mail_from.clone().or(file.mail_from),
            self.public_url.clone().or(file.public_url),
            self.mail_interval_minutes.or(file.mail_interval_minutes),
        )?;
        let defaults = AccountPolicy::default();
        let second_factor_roles = match (&self.second_factor_roles, file.second_factor_roles) {
            (Some(text), _) => parse_roles(&text.split(',').map(String::from).collect::<Vec<_>>())?,
            (None, Some(list)) => parse_roles(&list)?,
            (None, None) => defaults.second_factor_roles.clone(),
        };
        let accounts = AccountPolicy {
            second_factor_roles,
            first_sign_in_change: self
                .first_sign_in_change
                .or(file.first_sign_in_change)
                .unwrap_or(defaults.first_sign_in_change),
            idle_timeout: chrono::Duration::minutes(positive(
                "idle_timeout_minutes",
                self.idle_timeout_minutes.or(file.idle_timeout_minutes),
                30,
            )?),
            session_ttl: chrono::Duration::hours(positive(
                "session_hours",
                self.session_hours.or(file.session_hours),
                10,
            )?),
            max_failures_per_account: positive(
                "lockout_after",
                self.lockout_after.or(file.lockout_after),
                5,
            )?,
            throttle_window: chrono::Duration::minutes(positive(
                "lockout_minutes",
                self.lockout_minutes.or(file.lockout_minutes),
                15,
            )?),
            ..defaults
        };
        Ok(Settings {
            database_url,
            pool_size,
            trusted_proxies,
            accounts,
            secret_key_file: self.secret_key_file.clone().or(file.secret_key_file),
            metrics_addresses,
            metrics_token: self
                .metrics_token
                .clone()
                .or(file.metrics_token)
                .filter(|t| !t.trim().is_empty()),
            mail,
            listen: self
                .listen
                .clone()
                .or(file.listen)
                .unwrap_or_else(|| "127.0.0.1:8080".into()),
            contract: self.contract.clone().or(file.contract),
            secure_cookies: self.secure_cookies.or(file.secure_cookies).unwrap_or(false),
        })
    }
}

/// The mail settings: none without a relay; with one, the sender and the public address
/// are required and the address must be http(s).
fn mail_settings(
    relay: Option<String>,
    from: Option<String>,
    public_url: Option<String>,
    interval_minutes: Option<u32>,
) -> anyhow::Result<Option<MailSettings>> {
    let Some(relay) = relay.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    let from = from.filter(|f| !f.trim().is_empty()).context(
        "smtp_relay を指定するときは mail_from(送信元のメールアドレス)も指定してください",
    )?;
    let public_url = public_url.filter(|u| !u.trim().is_empty()).context(
        "smtp_relay を指定するときは public_url(通知のリンク先、例: https://jukiops.example/)も指定してください",
    )?;
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        bail!("public_url は http:// か https:// で始めてください: {public_url}");
    }
    let minutes = positive("mail_interval_minutes", interval_minutes, 10)?;
    Ok(Some(MailSettings {
        relay: relay.trim().to_string(),
        from: from.trim().to_string(),
        public_url: public_url.trim().to_string(),
        interval: std::time::Duration::from_secs(60 * minutes as u64),
    }))
}

/// Loads the contract file, or the built-in default.
pub fn load_contract(path: Option<&Path>) -> anyhow::Result<jukiops_domain::contract::Contract> {
    Ok(load_contract_source(path)?.0)
}

/// The contract of `path` (the built-in one without) with the text it was read from.
pub fn load_contract_source(
    path: Option<&Path>,
) -> anyhow::Result<(jukiops_domain::contract::Contract, String)> {
    use jukiops_domain::contract::{BUILTIN_DEFAULT_TOML, Contract};
    let Some(path) = path else {
        return Ok((
            Contract::builtin_default(),
            BUILTIN_DEFAULT_TOML.to_string(),
        ));
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("契約ファイル {} を読めません", path.display()))?;
    let contract = Contract::parse(&text).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  {}:{e}", path.display()))
            .collect();
        anyhow::anyhow!("契約ファイルに誤りがあります:\n{}", lines.join("\n"))
    })?;
    Ok((contract, text))
}

/// The key that seals the second factors' secrets: `JUKIOPS_SECRET_KEY` (base64 of 32
/// bytes), else the `secret_key_file`, else on SQLite `jukiops.key` beside the database
/// (created with mode 0600 when missing). `None` on PostgreSQL without either: the server
/// then refuses to start when a role requires the second factor. The key is never printed.
pub fn sealing_key(settings: &Settings) -> anyhow::Result<Option<SealingKey>> {
    if let Ok(text) = std::env::var("JUKIOPS_SECRET_KEY")
        && !text.trim().is_empty()
    {
        return SealingKey::from_base64(&text)
            .map(Some)
            .map_err(|e| anyhow::anyhow!("JUKIOPS_SECRET_KEY を読めません: {e}"));
    }
    if let Some(path) = &settings.secret_key_file {
        return read_key_file(path).map(Some);
    }
    let Some(db) = sqlite_file(&settings.database_url) else {
        return Ok(None);
    };
    let path = db
        .parent()
        .map(|d| d.join("jukiops.key"))
        .unwrap_or_else(|| PathBuf::from("jukiops.key"));
    if path.exists() {
        return read_key_file(&path).map(Some);
    }
    let key = SealingKey::random();
    write_key_file(&path, &key)?;
    tracing::info!(path = %path.display(), "created the key file that seals the second factors");
    Ok(Some(key))
}

fn read_key_file(path: &Path) -> anyhow::Result<SealingKey> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "鍵ファイル {} を読めません(作成するには: head -c 32 /dev/urandom | base64 > {})",
            path.display(),
            path.display()
        )
    })?;
    SealingKey::from_base64(&text)
        .map_err(|e| anyhow::anyhow!("鍵ファイル {} を読めません: {e}", path.display()))
}

/// Writes a new key file readable by its owner only.
fn write_key_file(path: &Path, key: &SealingKey) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("鍵ファイル {} を作成できません", path.display()))?;
    writeln!(file, "{}", key.to_base64())
        .with_context(|| format!("鍵ファイル {} に書き込めません", path.display()))?;
    Ok(())
}

/// The file of a `sqlite://PATH` URL (none for an in-memory database or another engine).
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_and_roles() {
        assert_eq!(
            sqlite_file("sqlite:///var/lib/jukiops/jukiops.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/jukiops/jukiops.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://db/jukiops"), None);
        let roles =
            parse_roles(&["admin".into(), " city_staff".into(), "admin".into()]).expect("roles");
        assert_eq!(roles, [Role::Admin, Role::CityStaff]);
        assert!(parse_roles(&["none".into()]).expect("none").is_empty());
        assert!(parse_roles(&["king".into()]).is_err());
    }
}
