//! The people the organisation chart (作業体制図) draws besides the responsible persons:
//! the workers and the City's contacts. This is the ONE place the chart learns who the
//! workers are: the people on the roster (従事者名簿) on the chart's date, with their
//! badge numbers as notified (a subcontractor's person without an account too).

use chrono::NaiveDate;
use jukiops_domain::responsible_persons::org_chart::{ChartWorker, CityContact};
use sqlx::AnyConnection;
use sqlx::Row;

use crate::StoreError;
use crate::roster::people_on;

/// The workers and the City's contacts of the chart on `date`.
pub(crate) async fn chart_people(
    conn: &mut AnyConnection,
    contract: i64,
    date: NaiveDate,
) -> Result<(Vec<ChartWorker>, Vec<CityContact>), StoreError> {
    let workers = people_on(&mut *conn, contract, date)
        .await?
        .into_iter()
        .map(|d| ChartWorker {
            name: d.name,
            badge_number: Some(d.badge_number).filter(|b| !b.is_empty()),
        })
        .collect();
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
