//! The City's table of extra closed or open days (R5.2): listed by anyone signed in,
//! edited by the City (and the administrator), each change audited.

use jukiops_domain::calendar::check_override;
use jukiops_domain::people::{Action, Actor};
use jukiops_store::CalendarOverride;

use crate::{App, Result};

impl App {
    /// The whole table, by date.
    pub async fn calendar_overrides(&self, who: &Actor) -> Result<Vec<CalendarOverride>> {
        who.authorize(Action::ViewContract)?;
        self.store.calendar_overrides().await
    }

    /// Sets (or replaces) the status of `date`: open on a day the rules close, or closed
    /// on a day they open, with the reason.
    pub async fn set_calendar_override(
        &self,
        who: &Actor,
        date: &str,
        is_open: bool,
        reason: &str,
    ) -> Result<CalendarOverride> {
        let who = who.authorize(Action::EditCalendar)?;
        let (day, reason) = check_override(date, reason)?;
        let o = CalendarOverride {
            date: day.to_string(),
            is_open,
            reason,
        };
        self.store.set_calendar_override(&who, &o).await?;
        Ok(o)
    }

    /// Removes the setting of `date`; the rules decide it again.
    pub async fn delete_calendar_override(&self, who: &Actor, date: &str) -> Result<()> {
        let who = who.authorize(Action::EditCalendar)?;
        self.store.delete_calendar_override(&who, date.trim()).await
    }
}
