//! The contract as a row (R1.1, R1.2): loaded from its file, kept as read with its SHA-256,
//! one row per name and fiscal year. Records of a year name it; adopting a contract gives
//! it the records written before contracts were rows.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::Contract;
use jukiops_domain::people::Authorized;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Store, StoreError};

/// The tables whose rows belong to a contract year.
const YEAR_TABLES: [&str; 8] = [
    "notices",
    "jobs",
    "work_requests",
    "off_hours",
    "permits",
    "plans",
    "visits",
    "inspection_templates",
];

impl Store {
    /// Records `contract` (read from `source`) as a row, or finds it by name and fiscal
    /// year, updating the row when the file changed; rows of a year that name no contract
    /// (written before contracts were rows) are given this one. Returns its id. Audited
    /// when anything was written.
    pub async fn adopt_contract(
        &self,
        who: &Authorized,
        contract: &Contract,
        source: &str,
    ) -> Result<i64, StoreError> {
        let digest = hex::encode(Sha256::digest(source.as_bytes()));
        let mut ch = self.begin(who).await?;
        let found = sqlx::query(
            "SELECT id, source_sha256 FROM contracts WHERE name = $1 AND fiscal_year = $2",
        )
        .bind(&contract.name)
        .bind(i64::from(contract.fiscal_year))
        .fetch_optional(ch.conn())
        .await?;
        let now = ch.now().to_string();
        let (id, before) = match found {
            Some(r) => (
                r.try_get::<i64, _>("id")?,
                Some(r.try_get::<String, _>("source_sha256")?),
            ),
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO contracts (name, fiscal_year, period_start, period_end, source, \
                     source_sha256, loaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&contract.name)
                .bind(i64::from(contract.fiscal_year))
                .bind(contract.period.start.to_string())
                .bind(contract.period.end.to_string())
                .bind(source)
                .bind(&digest)
                .bind(&now)
                .fetch_one(ch.conn())
                .await?;
                (id, None)
            }
        };
        if before.as_deref().is_some_and(|b| b != digest) {
            sqlx::query(
                "UPDATE contracts SET period_start = $1, period_end = $2, source = $3, \
                 source_sha256 = $4, loaded_at = $5 WHERE id = $6",
            )
            .bind(contract.period.start.to_string())
            .bind(contract.period.end.to_string())
            .bind(source)
            .bind(&digest)
            .bind(&now)
            .bind(id)
            .execute(ch.conn())
            .await?;
        }
        let mut adopted = 0;
        for table in YEAR_TABLES {
            adopted += sqlx::query(crate::sql(format!(
                "UPDATE {table} SET contract_id = $1 WHERE contract_id IS NULL"
            )))
            .bind(id)
            .execute(ch.conn())
            .await?
            .rows_affected();
        }
        if before.as_deref() == Some(digest.as_str()) && adopted == 0 {
            return Ok(id);
        }
        let changes = json!({
            "name": {"after": contract.name},
            "fiscal_year": {"after": contract.fiscal_year},
            "period": {"after": format!("{}〜{}", contract.period.start, contract.period.end)},
            "adopted": {"after": adopted},
        });
        // The file's digest stays in the row; the trail says what changed in words.
        let action = if before.is_some() {
            AuditAction::Update
        } else {
            AuditAction::Create
        };
        ch.audit(Entity::Contract, id, action, &changes);
        ch.commit().await?;
        Ok(id)
    }
}
