//! Fault logs of incidents (§5(6)ア): stored by the contractor with their SHA-256 and the
//! medium they were carried on, read only by those who need them, and deleted once past
//! the retention the contract sets (by `jukiops purge-fault-logs` or the server's
//! background task), the record and its hash kept.
//!
//! Storing is two steps so that the role is checked before the file is read:
//! [`App::begin_fault_log`] grants a [`LogUpload`], [`App::store_fault_log`] takes the file.

use chrono::{DateTime, Utc};
use jukiops_domain::incidents::{FaultLogRules, check_log};
use jukiops_domain::people::{Action, Actor, Authorized};
use jukiops_store::{FaultLog, FaultLogFile, StoreError};

use crate::{App, Result};

/// Leave to store one fault log on one incident, granted before the file is read.
#[derive(Debug)]
pub struct LogUpload {
    who: Authorized,
    incident_id: i64,
}

impl LogUpload {
    pub fn incident_id(&self) -> i64 {
        self.incident_id
    }
}

impl App {
    /// The contract's bounds of fault logs (retention, size).
    pub fn fault_log_rules(&self) -> FaultLogRules {
        self.contract().fault_logs
    }

    /// Grants storing a fault log on incident `incident_id` (of the year) to those who
    /// collect them (the contractor). Nothing is read yet.
    pub async fn begin_fault_log(&self, who: &Actor, incident_id: i64) -> Result<LogUpload> {
        let who = who.authorize(Action::CollectFaultLogs)?;
        self.store.incident(incident_id).await?;
        Ok(LogUpload { who, incident_id })
    }

    /// Stores the fault log `bytes` named `file_name`, carried on `medium`: checked by
    /// content and size ([`check_log`]), kept with its hash until the retention ends, with
    /// a `log_collected` event on the timeline; nothing stored when refused.
    pub async fn store_fault_log(
        &self,
        upload: LogUpload,
        file_name: &str,
        bytes: &[u8],
        medium: Option<&str>,
    ) -> Result<FaultLog> {
        let rules = self.fault_log_rules();
        let log = check_log(rules, file_name, bytes, medium)?;
        let now = Utc::now();
        self.store
            .add_fault_log(
                &upload.who,
                upload.incident_id,
                &log,
                bytes,
                rules.delete_after(now),
                now,
            )
            .await
    }

    /// The fault logs of incident `incident_id`, oldest first (records only).
    pub async fn fault_logs(&self, who: &Actor, incident_id: i64) -> Result<Vec<FaultLog>> {
        who.authorize(Action::ViewFaultLogs)?;
        self.store.incident(incident_id).await?;
        self.store.fault_logs_of(incident_id).await
    }

    /// One fault log with its content, for download; 409 once its content was deleted.
    pub async fn fault_log_file(&self, who: &Actor, id: i64) -> Result<FaultLogFile> {
        who.authorize(Action::ViewFaultLogs)?;
        let (meta, content) = self.store.fault_log_file(id).await?;
        let Some(content) = content else {
            return Err(StoreError::Conflict {
                field: "content".into(),
                message: format!(
                    "この障害ログは保管期限（{}）を過ぎたため、内容を削除しました。SHA-256は記録に残っています。",
                    meta.delete_after
                ),
            });
        };
        Ok(FaultLogFile { meta, content })
    }

    /// Deletes the content of every fault log whose retention ended by `now`, each with
    /// an audit entry keeping its hash (the system: the CLI or the server's task).
    pub async fn purge_fault_logs(&self, who: &Actor, now: DateTime<Utc>) -> Result<Vec<FaultLog>> {
        let who = who.authorize(Action::PurgeFaultLogs)?;
        self.store.purge_fault_logs(&who, now).await
    }
}
