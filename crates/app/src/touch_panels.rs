//! Touch panels (タッチパネル, R4.2): registered, attached to a terminal (a swap detaches the
//! one there and sends it to repair), each move kept in the panel's history.

use jukiops_domain::Checked;
use jukiops_domain::inventory::{AssetStatus, TouchPanelDraft};
use jukiops_domain::people::{Action, Actor};
use jukiops_store::{PageRequest, TouchPanel};

use crate::{App, Result};

/// The most panels a form offers to attach at once.
const SPARE_LIST: u32 = 200;

impl App {
    /// A page of touch panels, by asset number.
    pub async fn touch_panel(&self, who: &Actor, id: i64) -> Result<TouchPanel> {
        who.authorize(Action::ViewInventory)?;
        self.store.touch_panel(id).await
    }

    /// The panels that may be attached to a terminal: attached to none, not retired.
    pub async fn spare_touch_panels(&self, who: &Actor) -> Result<Vec<TouchPanel>> {
        who.authorize(Action::ViewInventory)?;
        let page = self
            .store
            .touch_panels(PageRequest::new(Some(1), Some(SPARE_LIST)))
            .await?;
        Ok(page
            .items
            .into_iter()
            .filter(|p| p.terminal_id.is_none() && p.status != AssetStatus::Retired)
            .collect())
    }

    /// Registers a panel, attached at once to `terminal_id` when given.
    pub async fn create_touch_panel(
        &self,
        who: &Actor,
        input: impl Checked<TouchPanelDraft>,
        terminal_id: Option<i64>,
    ) -> Result<TouchPanel> {
        let who = who.authorize(Action::EditInventory)?;
        let draft = input.checked()?;
        self.store
            .create_touch_panel(&who, draft, terminal_id)
            .await
    }

    /// Attaches panel `panel_id` to terminal `terminal_id`; the panel attached there is
    /// detached and set to 修理中.
    pub async fn attach_touch_panel(
        &self,
        who: &Actor,
        terminal_id: i64,
        panel_id: i64,
    ) -> Result<TouchPanel> {
        let who = who.authorize(Action::EditInventory)?;
        self.store
            .attach_touch_panel(&who, terminal_id, panel_id)
            .await
    }
}
