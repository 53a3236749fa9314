//! `jukiops calendar ...`: national holidays, the contract's closed days and business-time
//! arithmetic from the command line (R5.2). Dates are `YYYY-MM-DD`; instants are ISO 8601,
//! in Japan time when they carry no offset.

use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::Subcommand;
use jukiops_domain::calendar::{BusinessCalendar, holidays_between};
use jukiops_domain::time::jst;

use crate::config::{ServerArgs, load_contract};
use jukiops_store::Actor;

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// National holidays as CSV `date,name`.
    Holidays {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
    /// The contract's closed days as CSV `date,reason`; with --database-url (or a config
    /// file) the City's table of extra closed and open days applies too.
    Closed {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// The date N business days after DATE (DATE itself not counted).
    AddBusinessDays {
        date: String,
        n: u32,
        #[arg(long)]
        contract: Option<PathBuf>,
    },
    /// Close DATE (or, with --open, make it a business day) in the database's table of
    /// extra days, with a reason; audited.
    SetDay {
        date: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Remove DATE from the table of extra days (the rules apply again).
    UnsetDay {
        date: String,
        #[command(flatten)]
        server: ServerArgs,
    },
    /// Business minutes between two instants inside the working window.
    BusinessMinutes {
        from: String,
        to: String,
        #[arg(long)]
        contract: Option<PathBuf>,
    },
}

fn date(arg: &str, value: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .with_context(|| format!("{arg} は YYYY-MM-DD 形式の日付で指定してください: {value}"))
}

/// ISO 8601 with an offset, or a local time read as Japan time.
fn instant(arg: &str, value: &str) -> anyhow::Result<DateTime<Utc>> {
    let v = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(n) = NaiveDateTime::parse_from_str(v, f)
            && let Some(t) = jst().from_local_datetime(&n).single()
        {
            return Ok(t.with_timezone(&Utc));
        }
    }
    bail!(
        "{arg} は ISO 8601 の日時(例: 2020-10-01T09:00 または 2020-10-01T09:00:00+09:00)で指定してください: {value}"
    )
}

fn range(from: &str, to: &str) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let (f, t) = (date("--from", from)?, date("--to", to)?);
    if t < f {
        bail!("--to は --from 以降の日付にしてください。");
    }
    if (t - f).num_days() > 366 * 150 {
        bail!("期間は150年以内で指定してください。");
    }
    Ok((f, t))
}

pub async fn run(cmd: CalendarCommand) -> anyhow::Result<()> {
    match cmd {
        CalendarCommand::Holidays { from, to } => {
            let (f, t) = range(&from, &to)?;
            println!("date,name");
            for (d, name) in holidays_between(f, t) {
                println!("{d},{name}");
            }
        }
        CalendarCommand::Closed { from, to, server } => {
            let (f, t) = range(&from, &to)?;
            let contract = load_contract(server.contract.as_deref())?;
            let cal = if server.database_url.is_some() || server.config.is_some() {
                let store = crate::open(&server.resolve()?).await?;
                let cal = store.business_calendar(&contract).await?;
                store.close().await;
                cal
            } else {
                BusinessCalendar::new(&contract)
            };
            println!("date,reason");
            for d in f.iter_days().take_while(|d| *d <= t) {
                if let Some(reason) = cal.closed_reason(d) {
                    println!("{d},{reason}");
                }
            }
        }
        CalendarCommand::AddBusinessDays {
            date: d,
            n,
            contract,
        } => {
            let cal = BusinessCalendar::new(&load_contract(contract.as_deref())?);
            println!("{}", cal.add_business_days(date("DATE", &d)?, n));
        }
        CalendarCommand::SetDay {
            date: d,
            reason,
            open,
            server,
        } => {
            let app = crate::open_app(&server.resolve()?).await?;
            let o = app
                .set_calendar_override(&Actor::System("cli".into()), &d, open, &reason)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "{} を{}にしました。",
                o.date,
                if open { "開庁日" } else { "閉庁日" }
            );
        }
        CalendarCommand::UnsetDay { date: d, server } => {
            let day = date("DATE", &d)?;
            let app = crate::open_app(&server.resolve()?).await?;
            app.delete_calendar_override(&Actor::System("cli".into()), &day.to_string())
                .await?;
            println!("{day} の設定を削除しました。");
        }
        CalendarCommand::BusinessMinutes { from, to, contract } => {
            let cal = BusinessCalendar::new(&load_contract(contract.as_deref())?);
            println!(
                "{}",
                cal.business_minutes_between(instant("FROM", &from)?, instant("TO", &to)?)
            );
        }
    }
    Ok(())
}
