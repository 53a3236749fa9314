//! Sites (拠点, R5.1): the ward offices and the Kikusui branch building, brought in from the
//! contract and kept in the register with their history.

use jukiops_domain::Checked;
use jukiops_domain::inventory::SiteDraft;
use jukiops_domain::people::{Action, Actor};
use jukiops_store::Site;

use crate::{App, Result};

impl App {
    /// Every site, for a form's list of choices.
    pub async fn all_sites(&self, who: &Actor) -> Result<Vec<Site>> {
        who.authorize(Action::ViewInventory)?;
        self.store.all_sites().await
    }

    pub async fn site(&self, who: &Actor, id: i64) -> Result<Site> {
        who.authorize(Action::ViewInventory)?;
        self.store.site(id).await
    }

    /// How many sites and terminals in use the register holds, and how many are in repair.
    pub async fn inventory_counts(&self, who: &Actor) -> Result<(i64, i64, i64)> {
        who.authorize(Action::ViewInventory)?;
        self.store.inventory_counts().await
    }

    /// Adds a site; a code already used is a conflict naming the field.
    pub async fn create_site(&self, who: &Actor, input: impl Checked<SiteDraft>) -> Result<Site> {
        let who = who.authorize(Action::EditInventory)?;
        let draft = input.checked()?;
        self.store.create_site(&who, draft).await
    }

    /// Replaces a site's fields.
    pub async fn update_site(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<SiteDraft>,
    ) -> Result<Site> {
        let who = who.authorize(Action::EditInventory)?;
        let draft = input.checked()?;
        self.store.update_site(&who, id, draft).await
    }
}
