//! The audit trail (R8.5): the whole trail for those who audit, one record's history for
//! whoever may read the record, and the verification of the hash chain.

use jukiops_domain::audit::{AuditContext, AuditEntry, BrokenEntry, Entity, ShownEntry, render};
use jukiops_domain::people::{Action, Actor};
use jukiops_store::VerifyReport;

use crate::{App, Result};

impl App {
    /// The history of record `id` of kind `entity`, oldest first: readable by whoever may
    /// read the record (a kind this version does not name: by the auditors).
    pub async fn history(&self, who: &Actor, entity: &str, id: &str) -> Result<Vec<AuditEntry>> {
        match Entity::parse(entity) {
            Some(kind) => self.history_of(who, kind, id).await,
            None => {
                who.authorize(Action::ViewAudit)?;
                self.store.audit_for(entity, id).await
            }
        }
    }

    /// The history of one record, oldest first.
    pub async fn history_of(
        &self,
        who: &Actor,
        entity: Entity,
        id: impl ToString,
    ) -> Result<Vec<AuditEntry>> {
        who.authorize(entity.view_action())?;
        self.store.audit_for(entity.as_str(), &id.to_string()).await
    }

    /// The history of 作業依頼書 `id` with its questions, procedures, work records and
    /// reports, oldest first: readable by whoever may read the request.
    pub async fn request_history(&self, who: &Actor, id: i64) -> Result<Vec<AuditEntry>> {
        who.authorize(Entity::WorkRequest.view_action())?;
        self.store.audit_for_request(id).await
    }

    /// `entries`, already read under the reader's rights, in plain Japanese: people by
    /// name, records linked to the pages that show them, instants in Japan time.
    pub async fn shown(&self, entries: &[AuditEntry]) -> Result<Vec<ShownEntry>> {
        let ctx: AuditContext = self.store.audit_context(entries).await?;
        Ok(entries.iter().map(|e| render(e, &ctx)).collect())
    }

    /// Walks the whole chain: the number of entries, or the first one edited, deleted or
    /// reordered.
    pub async fn verify_audit(
        &self,
        who: &Actor,
    ) -> Result<std::result::Result<VerifyReport, BrokenEntry>> {
        who.authorize(Action::ViewAudit)?;
        self.store.verify_audit().await
    }
}
