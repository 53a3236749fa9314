//! Sites (拠点): ward offices and the branch building (R5.1).

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::contract::SiteSpec;
use jukiops_domain::inventory::{SiteDraft, taken};
use jukiops_domain::people::Authorized;
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

use jukiops_domain::listing::{Column, ListRequest, ListSpec, Searched};

use crate::sql;
use crate::{Change, Page, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Site {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub postal_code: Option<String>,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub needs_entry_permit: bool,
    /// Whether the City allows evidence photos in the site's terminal room.
    pub photos_allowed: bool,
    /// Terminals placed at the site that are not retired.
    pub terminal_count: i64,
}

const COLUMNS: &str = "s.id, s.code, s.name, s.postal_code, s.address, s.lat, s.lon, s.needs_entry_permit, s.photos_allowed, \
    (SELECT COUNT(*) FROM terminals t WHERE t.site_id = s.id AND t.status <> 'retired') AS terminal_count";

fn site_row(r: &AnyRow) -> Result<Site, sqlx::Error> {
    Ok(Site {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        postal_code: r.try_get("postal_code")?,
        address: r.try_get("address")?,
        lat: r.try_get("lat")?,
        lon: r.try_get("lon")?,
        needs_entry_permit: r.try_get::<i64, _>("needs_entry_permit")? != 0,
        photos_allowed: r.try_get::<i64, _>("photos_allowed")? != 0,
        terminal_count: r.try_get("terminal_count")?,
    })
}

fn snapshot(d: &SiteDraft) -> Value {
    json!({"code": d.code, "name": d.name, "postal_code": d.postal_code, "address": d.address, "lat": d.lat, "lon": d.lon, "photos_allowed": d.photos_allowed})
}

/// The list of sites: searched by code, name and address.
pub static SITE_LIST: ListSpec = ListSpec {
    name: "sites",
    title: "拠点",
    columns: &[
        Column::sortable("code", "拠点コード", "s.code"),
        Column::sortable("name", "拠点名", "s.name"),
        Column::sortable("postal_code", "郵便番号", "s.postal_code"),
        Column::sortable("address", "所在地", "s.address"),
        Column::sortable("terminal_count", "統合端末", "terminal_count"),
        Column::plain("needs_entry_permit", "入館許可"),
        Column::plain("photos_allowed", "写真撮影"),
    ],
    search: &[
        Searched::code("s.code"),
        Searched::text("s.name"),
        Searched::text("s.address"),
    ],
    filters: &[],
    default_sort: "code",
    default_desc: false,
    tie_break: "s.id",
};

impl Store {
    /// The sites the list tools ask for.
    pub async fn site_list(&self, req: &ListRequest) -> Result<Page<Site>, StoreError> {
        self.list_page(COLUMNS, "FROM sites s", &[], req, |r| Ok(site_row(r)?))
            .await
    }

    /// Every site, for choosers (a municipality has tens, not thousands, of sites).
    pub async fn all_sites(&self) -> Result<Vec<Site>, StoreError> {
        let rows = sqlx::query(sql(format!(
            "SELECT {COLUMNS} FROM sites s ORDER BY s.code LIMIT 5000"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(site_row).collect::<Result<_, _>>()?)
    }

    /// Every site code, for reading codes from spreadsheets.
    pub async fn site_codes(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT code FROM sites ORDER BY code")
            .fetch_all(&self.pool)
            .await?)
    }

    pub async fn site(&self, id: i64) -> Result<Site, StoreError> {
        let mut conn = self.pool.acquire().await?;
        site_in(&mut conn, id).await
    }

    pub async fn create_site(&self, who: &Authorized, d: SiteDraft) -> Result<Site, StoreError> {
        let mut ch = self.begin(who).await?;
        let id = insert_site(&mut ch, &d, false).await?;
        ch.commit().await?;
        self.site(id).await
    }

    pub async fn update_site(
        &self,
        who: &Authorized,
        id: i64,
        d: SiteDraft,
    ) -> Result<Site, StoreError> {
        let mut ch = self.begin(who).await?;
        // The "before" of the audit diff is read inside the change that writes the "after".
        let before = site_in(ch.conn(), id).await?;
        let clash: Option<i64> =
            sqlx::query_scalar("SELECT id FROM sites WHERE code = $1 AND id <> $2")
                .bind(&d.code)
                .bind(id)
                .fetch_optional(ch.conn())
                .await?;
        if clash.is_some() {
            return Err(taken("code", &d.code).into());
        }
        let now = ch.now().to_string();
        // Coordinates are bound as numbers with a flag for "none": sqlx 0.9's Any driver
        // binds a missing f64 as PostgreSQL float4, and the statement cached with it then
        // refuses the next real coordinate (22P03, a 500 after clearing a site's lat/lon).
        sqlx::query(
            "UPDATE sites SET code = $1, name = $2, postal_code = $3, address = $4, \
             lat = CASE WHEN $10 = 1 THEN $5 END, lon = CASE WHEN $11 = 1 THEN $6 END, \
             photos_allowed = $7, updated_at = $8 WHERE id = $9",
        )
        .bind(&d.code)
        .bind(&d.name)
        .bind(d.postal_code.as_deref())
        .bind(d.address.as_deref())
        .bind(d.lat.unwrap_or_default())
        .bind(d.lon.unwrap_or_default())
        .bind(i64::from(d.photos_allowed))
        .bind(&now)
        .bind(id)
        .bind(i64::from(d.lat.is_some()))
        .bind(i64::from(d.lon.is_some()))
        .execute(ch.conn())
        .await?;
        let old = json!({"code": before.code, "name": before.name, "postal_code": before.postal_code,
            "address": before.address, "lat": before.lat, "lon": before.lon, "photos_allowed": before.photos_allowed});
        ch.audit(
            Entity::Site,
            id,
            AuditAction::Update,
            &jukiops_domain::audit::diff(&old, &snapshot(&d)),
        );
        ch.commit().await?;
        self.site(id).await
    }

    /// Adds the contract's sites that are not in the database yet (R1, R5.1); returns how
    /// many were added. Existing sites are left as the users edited them.
    pub async fn sync_contract_sites(
        &self,
        who: &Authorized,
        specs: &[SiteSpec],
    ) -> Result<usize, StoreError> {
        let mut ch = self.begin(who).await?;
        let mut added = 0;
        for s in specs {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM sites WHERE code = $1")
                .bind(&s.code)
                .fetch_optional(ch.conn())
                .await?;
            if exists.is_none() {
                let d = SiteDraft {
                    code: s.code.clone(),
                    name: s.name.clone(),
                    postal_code: s.postal_code.clone(),
                    address: s.address.clone(),
                    lat: s.lat,
                    lon: s.lon,
                    photos_allowed: false,
                };
                insert_site(&mut ch, &d, s.needs_entry_permit).await?;
                added += 1;
            }
        }
        if added == 0 {
            return Ok(0); // nothing changed: roll back, no audit entry
        }
        ch.commit().await?;
        Ok(added)
    }
}

/// One site, read on `conn`.
async fn site_in(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Site, StoreError> {
    let r = sqlx::query(sql(format!(
        "SELECT {COLUMNS} FROM sites s WHERE s.id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await?
    .ok_or(StoreError::NotFound(Entity::Site))?;
    Ok(site_row(&r)?)
}

async fn insert_site(
    ch: &mut Change,
    d: &SiteDraft,
    needs_entry_permit: bool,
) -> Result<i64, StoreError> {
    let clash: Option<i64> = sqlx::query_scalar("SELECT id FROM sites WHERE code = $1")
        .bind(&d.code)
        .fetch_optional(ch.conn())
        .await?;
    if clash.is_some() {
        return Err(taken("code", &d.code).into());
    }
    let now = ch.now().to_string();
    // Coordinates with their "none" flag, as in `update_site`.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sites (code, name, postal_code, address, lat, lon, needs_entry_permit, photos_allowed, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, CASE WHEN $10 = 1 THEN $5 END, CASE WHEN $11 = 1 THEN $6 END, $7, $8, $9, $9) \
         RETURNING id",
    )
    .bind(&d.code)
    .bind(&d.name)
    .bind(d.postal_code.as_deref())
    .bind(d.address.as_deref())
    .bind(d.lat.unwrap_or_default())
    .bind(d.lon.unwrap_or_default())
    .bind(i64::from(needs_entry_permit))
    .bind(i64::from(d.photos_allowed))
    .bind(&now)
    .bind(i64::from(d.lat.is_some()))
    .bind(i64::from(d.lon.is_some()))
    .fetch_one(ch.conn())
    .await?;
    ch.audit(
        Entity::Site,
        id,
        AuditAction::Create,
        &jukiops_domain::audit::diff(&Value::Null, &snapshot(d)),
    );
    Ok(id)
}

impl Store {
    /// Sites, terminals not retired, and terminals under repair: the dashboard's figures.
    pub async fn inventory_counts(&self) -> Result<(i64, i64, i64), StoreError> {
        let r = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM sites) AS sites, \
             (SELECT COUNT(*) FROM terminals WHERE status <> 'retired') AS terminals, \
             (SELECT COUNT(*) FROM terminals WHERE status = 'under_repair') AS under_repair",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((
            r.try_get("sites")?,
            r.try_get("terminals")?,
            r.try_get("under_repair")?,
        ))
    }
}
