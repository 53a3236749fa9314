//! What is waiting for the signed-in person (issue 13, item 1): their inbox, kind by kind,
//! each item linking to where it is acted on.

use chrono::Utc;
use jukiops_domain::inbox::{InboxItem, InboxKind, kinds_for};
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::time::today_jst;
use jukiops_store::InboxOf;
use serde::Serialize;

use crate::{App, Result};

/// The items of one kind.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InboxGroup {
    pub kind: InboxKind,
    pub label: String,
    /// How many there are (the list holds the first ones).
    pub count: usize,
    pub items: Vec<InboxItem>,
}

/// One person's inbox: every kind that may wait for their role, empty ones too.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Inbox {
    /// How many items wait in all.
    pub total: usize,
    pub groups: Vec<InboxGroup>,
}

impl App {
    /// What waits for `who` today (Japan time); an actor with no account has none.
    pub async fn inbox(&self, who: &Actor) -> Result<Inbox> {
        let me = who.authorize(Action::ViewContract)?;
        let Some(user_id) = me.user_id() else {
            return Ok(Inbox::default());
        };
        let of = InboxOf {
            user_id,
            role: me.role(),
            today: today_jst(Utc::now()),
        };
        let kinds = kinds_for(me.role());
        let mut found = self.store.inbox(of, kinds).await?;
        if kinds.contains(&InboxKind::DeliverableOwed) {
            let items = self.owed_deliverables().await?;
            found.push((InboxKind::DeliverableOwed, items.len(), items));
        }
        // In the order the role's inbox shows them.
        found.sort_by_key(|(kind, _, _)| kinds.iter().position(|k| k == kind));
        let groups: Vec<InboxGroup> = found
            .into_iter()
            .map(|(kind, count, mut items)| {
                items.truncate(jukiops_store::MAX_PER_KIND);
                (kind, count, items)
            })
            .map(|(kind, count, items)| InboxGroup {
                kind,
                label: kind.label_ja().to_string(),
                count,
                items,
            })
            .collect();
        Ok(Inbox {
            total: groups.iter().map(|g| g.count).sum(),
            groups,
        })
    }
}
