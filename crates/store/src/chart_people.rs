//! The people the organisation chart (作業体制図) draws besides the responsible persons:
//! the workers and the City's contacts. This is the ONE place the chart learns who the
//! workers are. Until the roster (従事者名簿) exists they are the contractor's active
//! accounts (業務責任者・作業従事者) with their badge numbers; when the roster is merged,
//! this function reads the people on the roster on `date` instead, and nothing else of the
//! chart changes.

use chrono::NaiveDate;
use jukiops_domain::responsible_persons::org_chart::{ChartWorker, CityContact};
use sqlx::AnyConnection;
use sqlx::Row;

use crate::StoreError;

/// The workers and the City's contacts of the chart on `date`.
pub(crate) async fn chart_people(
    conn: &mut AnyConnection,
    _date: NaiveDate,
) -> Result<(Vec<ChartWorker>, Vec<CityContact>), StoreError> {
    let workers = sqlx::query(
        "SELECT display_name, badge_number FROM users WHERE disabled = 0 \
         AND role IN ('contractor_lead', 'contractor_worker') ORDER BY display_name, id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(ChartWorker {
            name: r.try_get("display_name")?,
            badge_number: r.try_get("badge_number")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let city = sqlx::query(
        "SELECT display_name, post, email FROM users WHERE disabled = 0 \
         AND role = 'city_staff' ORDER BY display_name, id",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(CityContact {
            name: r.try_get("display_name")?,
            post: r.try_get("post")?,
            email: r.try_get("email")?,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    Ok((workers, city))
}
