//! The contract in force (R1), for everyone signed in.

use jukiops_domain::contract::Contract;
use jukiops_domain::people::{Action, Actor};

use crate::{App, Result};

impl App {
    /// The contract in force: period, categories with expected counts, hours, closed days,
    /// sites, parties.
    pub fn contract_for(&self, who: &Actor) -> Result<&Contract> {
        who.authorize(Action::ViewContract)?;
        Ok(&self.contract)
    }
}
