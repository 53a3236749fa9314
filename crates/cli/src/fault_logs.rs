//! `jukiops fault-logs purge` and the server's hourly task: the content of fault logs past
//! the retention the contract sets is deleted, each with an audit entry keeping its hash
//! (§5(6)ア).

use chrono::Utc;
use clap::Subcommand;
use jukiops_store::Actor;

#[derive(Debug, Subcommand)]
pub enum FaultLogCommand {
    /// Delete now the content of fault logs past their retention (the server does this
    /// every hour); their records and SHA-256 stay.
    Purge,
}

/// One purge round as `actor`: how many logs lost their content.
pub async fn purge(app: &jukiops_app::App, actor: &str) -> anyhow::Result<usize> {
    let deleted = app
        .purge_fault_logs(&Actor::System(actor.into()), Utc::now())
        .await?;
    for log in &deleted {
        tracing::info!(id = log.id, sha256 = %log.sha256, "fault log content deleted");
    }
    Ok(deleted.len())
}

/// Runs a purge round every hour for as long as the server runs.
pub fn spawn_purge(app: jukiops_app::App) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = purge(&app, "system").await {
                tracing::warn!(error = ?e, "fault log purge failed");
            }
        }
    });
}
