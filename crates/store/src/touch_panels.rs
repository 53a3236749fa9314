//! Touch panels (タッチパネル): assets of their own, attached to at most one terminal;
//! attaching one where another is attached is a swap (R4.2).

use jukiops_domain::audit::{AuditAction, Entity, diff};
use jukiops_domain::inventory::{
    AssetEventKind, AssetKind, AssetStatus, Attachable, PANEL_REGISTERED, TouchPanelDraft,
    attach_history, judge_attach, taken,
};
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use jukiops_domain::listing::{
    Column, Filter, FilterKind, ListRequest, ListSpec, Searched, choices,
};

use crate::sql;
use crate::terminals::record_event;
use crate::{Change, Page, PageRequest, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TouchPanel {
    pub id: i64,
    pub asset_number: String,
    pub serial: String,
    pub model: String,
    pub status: AssetStatus,
    pub terminal_id: Option<i64>,
    pub terminal_asset_number: Option<String>,
    pub site_name: Option<String>,
}

const COLUMNS: &str = "p.id, p.asset_number, p.serial, p.model, p.status, p.terminal_id, \
    t.asset_number AS terminal_asset_number, s.name AS site_name \
    FROM touch_panels p LEFT JOIN terminals t ON t.id = p.terminal_id LEFT JOIN sites s ON s.id = t.site_id";

fn panel_row(r: &AnyRow) -> Result<TouchPanel, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(TouchPanel {
        id: r.try_get("id")?,
        asset_number: r.try_get("asset_number")?,
        serial: r.try_get("serial")?,
        model: r.try_get("model")?,
        status: AssetStatus::decode(&status).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        terminal_id: r.try_get("terminal_id")?,
        terminal_asset_number: r.try_get("terminal_asset_number")?,
        site_name: r.try_get("site_name")?,
    })
}

/// The list of touch panels: searched by asset number, serial, model, terminal and site.
pub static TOUCH_PANEL_LIST: ListSpec = ListSpec {
    name: "touch-panels",
    title: "タッチパネル",
    columns: &[
        Column::sortable("asset_number", "資産番号", "p.asset_number"),
        Column::sortable("serial", "製造番号", "p.serial"),
        Column::sortable("model", "機種", "p.model"),
        Column::sortable("status", "状態", "p.status").shown_as("status_label"),
        Column::sortable(
            "terminal_asset_number",
            "接続先の統合端末",
            "t.asset_number",
        ),
        Column::sortable("site_name", "拠点", "s.name"),
    ],
    search: &[
        Searched::code("p.asset_number"),
        Searched::code("p.serial"),
        Searched::code("p.model"),
        Searched::code("t.asset_number"),
        Searched::text("s.name"),
    ],
    filters: &[Filter {
        key: "status",
        label: "状態",
        sql: "p.status",
        kind: FilterKind::Choice(choices::<AssetStatus>),
    }],
    default_sort: "asset_number",
    default_desc: false,
    tie_break: "p.id",
};

impl Store {
    /// The touch panels the list tools ask for.
    pub async fn touch_panel_list(
        &self,
        req: &ListRequest,
    ) -> Result<Page<TouchPanel>, StoreError> {
        let (columns, from) = COLUMNS.split_once(" FROM ").unwrap_or((COLUMNS, ""));
        self.list_page(columns, &format!("FROM {from}"), &[], req, |r| {
            Ok(panel_row(r)?)
        })
        .await
    }

    pub async fn touch_panels(&self, req: PageRequest) -> Result<Page<TouchPanel>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} ORDER BY p.asset_number LIMIT $1 OFFSET $2"
        )))
        .bind(req.limit())
        .bind(req.offset())
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM touch_panels")
            .fetch_one(&self.pool)
            .await?;
        Ok(Page::new(
            rows.iter().map(panel_row).collect::<Result<_, _>>()?,
            total,
            req,
        ))
    }

    pub async fn touch_panel(&self, id: i64) -> Result<TouchPanel, StoreError> {
        let r = sqlx::query(sql(format!("SELECT {COLUMNS} WHERE p.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(Entity::TouchPanel))?;
        Ok(panel_row(&r)?)
    }

    /// Registers a touch panel, attached to `terminal_id` when given.
    pub async fn create_touch_panel(
        &self,
        who: &Authorized,
        d: TouchPanelDraft,
        terminal_id: Option<i64>,
    ) -> Result<TouchPanel, StoreError> {
        let mut ch = self.begin(who).await?;
        let id = insert_panel(&mut ch, &d).await?;
        if let Some(t) = terminal_id {
            attach_in(&mut ch, t, id).await?;
        }
        ch.commit().await?;
        self.touch_panel(id).await
    }

    /// Attaches `panel_id` to `terminal_id`; a panel already there is detached and set to
    /// 修理中 (the usual reason for a swap is a fault; R4.2).
    pub async fn attach_touch_panel(
        &self,
        who: &Authorized,
        terminal_id: i64,
        panel_id: i64,
    ) -> Result<TouchPanel, StoreError> {
        let mut ch = self.begin(who).await?;
        attach_in(&mut ch, terminal_id, panel_id).await?;
        ch.commit().await?;
        self.touch_panel(panel_id).await
    }
}

pub(crate) async fn attach_in(
    ch: &mut Change,
    terminal_id: i64,
    panel_id: i64,
) -> Result<(), StoreError> {
    // One attach to the terminal and of the panel at a time, each seeing the one before.
    ch.lock("terminals", terminal_id).await?;
    ch.lock("touch_panels", panel_id).await?;
    let term =
        sqlx::query("SELECT asset_number, site_id, room, status FROM terminals WHERE id = $1")
            .bind(terminal_id)
            .fetch_optional(ch.conn())
            .await?;
    let panel =
        sqlx::query("SELECT asset_number, terminal_id, status FROM touch_panels WHERE id = $1")
            .bind(panel_id)
            .fetch_optional(ch.conn())
            .await?
            .ok_or(StoreError::NotFound(Entity::TouchPanel))?;
    let panel = Attachable {
        asset_number: panel.try_get("asset_number")?,
        status: AssetStatus::decode(&panel.try_get::<String, _>("status")?)?,
        attached_to: panel.try_get("terminal_id")?,
    };
    let terminal = match &term {
        Some(t) => Some(Attachable {
            asset_number: t.try_get("asset_number")?,
            status: AssetStatus::decode(&t.try_get::<String, _>("status")?)?,
            attached_to: None,
        }),
        None => None,
    };
    judge_attach(terminal_id, terminal.as_ref(), &panel)?;
    let (Some(term), Some(terminal)) = (term, terminal) else {
        return Err(StoreError::NotFound(Entity::Terminal));
    };
    let (t_asset, p_asset) = (terminal.asset_number, panel.asset_number);
    let site_id: i64 = term.try_get("site_id")?;
    let room: Option<String> = term.try_get("room")?;
    let now = ch.now().to_string();
    let old: Option<(i64, String)> =
        sqlx::query("SELECT id, asset_number FROM touch_panels WHERE terminal_id = $1")
            .bind(terminal_id)
            .fetch_optional(ch.conn())
            .await?
            .map(|r| Ok::<_, sqlx::Error>((r.try_get("id")?, r.try_get("asset_number")?)))
            .transpose()?;
    let history = attach_history(&t_asset, &p_asset, old.as_ref().map(|(_, a)| a.as_str()));
    if let Some((old_id, _)) = &old {
        sqlx::query("UPDATE touch_panels SET terminal_id = NULL, status = $1, updated_at = $2 WHERE id = $3")
            .bind(AssetStatus::UnderRepair.as_str())
            .bind(&now)
            .bind(old_id)
            .execute(ch.conn())
            .await?;
        record_event(
            ch,
            AssetKind::TouchPanel,
            *old_id,
            AssetEventKind::Swapped,
            Some(site_id),
            room.as_deref(),
            &history.detached,
        )
        .await?;
        ch.audit(Entity::TouchPanel, old_id, AuditAction::Detach, &json!({"terminal": {"before": t_asset, "after": null}, "status": {"before": null, "after": "under_repair"}}));
    }
    // A panel moved from another terminal leaves that one without a panel.
    sqlx::query(
        "UPDATE touch_panels SET terminal_id = $1, status = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(terminal_id)
    .bind(AssetStatus::InService.as_str())
    .bind(&now)
    .bind(panel_id)
    .execute(ch.conn())
    .await?;
    record_event(
        ch,
        AssetKind::TouchPanel,
        panel_id,
        AssetEventKind::Installed,
        Some(site_id),
        room.as_deref(),
        &history.attached,
    )
    .await?;
    let (kind, t_detail) = &history.terminal;
    record_event(
        ch,
        AssetKind::Terminal,
        terminal_id,
        *kind,
        Some(site_id),
        room.as_deref(),
        t_detail,
    )
    .await?;
    ch.audit(
        Entity::Terminal,
        terminal_id,
        AuditAction::AttachTouchPanel,
        &json!({"touch_panel": {"before": old.map(|o| o.1), "after": p_asset}}),
    );
    Ok(())
}

/// Registers touch panel `d` within `ch` (its numbers not taken), with its history and
/// audit entry. Answers its id.
pub(crate) async fn insert_panel(ch: &mut Change, d: &TouchPanelDraft) -> Result<i64, StoreError> {
    for (field, value) in [("asset_number", &d.asset_number), ("serial", &d.serial)] {
        let sql_text = format!("SELECT id FROM touch_panels WHERE {field} = $1");
        let other: Option<i64> = sqlx::query_scalar(sql(sql_text))
            .bind(value)
            .fetch_optional(ch.conn())
            .await?;
        if other.is_some() {
            return Err(taken(field, value).into());
        }
    }
    let now = ch.now().to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO touch_panels (asset_number, serial, model, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(&d.asset_number)
    .bind(&d.serial)
    .bind(&d.model)
    .bind(d.status.as_str())
    .bind(&now)
    .fetch_one(ch.conn())
    .await?;
    let snap = json!({"asset_number": d.asset_number, "serial": d.serial, "model": d.model, "status": d.status.as_str()});
    ch.audit(
        Entity::TouchPanel,
        id,
        AuditAction::Create,
        &diff(&Value::Null, &snap),
    );
    record_event(
        ch,
        AssetKind::TouchPanel,
        id,
        AssetEventKind::Installed,
        None,
        None,
        PANEL_REGISTERED,
    )
    .await?;
    Ok(id)
}
