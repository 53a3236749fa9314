//! Settings: flags, then `JUKIOPS_*` environment variables (clap reads both), then the
//! TOML config file, then defaults.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use jukiops_web::client_address::parse_trusted_proxies;
use serde::Deserialize;

/// Where the data lives and how the server is reached.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// TOML config file (keys: database_url, listen, contract, secure_cookies, pool_size, trusted_proxies).
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
        Ok(Settings {
            database_url,
            pool_size,
            trusted_proxies,
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
