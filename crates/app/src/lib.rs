//! The operations of jukiops: every read and every change that the pages, the JSON API and
//! the CLI perform, one function each. An operation is the one place that names the
//! [`Action`](jukiops_domain::people::Action) it needs: it asks the access table for an
//! [`Authorized`](jukiops_domain::people::Authorized) (403 otherwise) before it reads or
//! checks anything, has the domain check the input, and hands the proof to the store, whose
//! [`Change`](jukiops_store::Change) writes the rows and their audit entry in one
//! transaction. Front ends only parse and render.
//!
//! One module per feature, named as in every other crate: `calendar`, `notices`, ...

pub mod accounts;
pub mod attachments;
pub mod audit;
pub mod availability;
pub mod calendar;
pub mod contract;
pub mod deliverables;
pub mod fault_logs;
pub mod inbox;
pub mod incident_figures;
pub mod incidents;
pub mod inspections;
pub mod jobs;
pub mod lists;
pub mod mail;
pub mod notices;
pub mod off_hours;
pub mod on_site;
pub mod permits;
pub mod plan_progress;
pub mod plans;
pub mod requests;
pub mod responsible_persons;
pub mod roster;
pub mod rotations;
pub mod second_factor;
pub mod site_staff;
pub mod sites;
pub mod terminals;
pub mod touch_panels;
pub mod urgent_requests;
pub mod users;
pub mod visits;
pub mod waivers;
pub mod work_log;

use std::sync::Arc;

use accounts::AccountPolicy;
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::Contract;
use jukiops_domain::people::{Action, Actor};
use jukiops_store::{Rules, Store};

/// What an operation can fail with: refused (403), not found (404), invalid input naming
/// its fields (422), a conflict with the records (409), or a storage failure.
pub use jukiops_store::StoreError as Error;

pub type Result<T> = std::result::Result<T, Error>;

/// A value of a list's filter: empty is none.
pub fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The running application: the store and the contract it serves.
#[derive(Debug, Clone)]
pub struct App {
    store: Store,
    contract: Arc<Contract>,
    accounts: AccountPolicy,
    pending: Arc<accounts::PendingChecks>,
    /// The key sealing the second factors' secrets; without it no one can enrol one.
    sealing: Option<Arc<second_factor::SealingKey>>,
}

impl App {
    /// The application over `store` in the context of `contract` (read from `source`):
    /// the contract becomes (or is found as) a row, its sites are brought into the register,
    /// and every operation then reads and writes that year's records (R1.2).
    pub async fn open(store: Store, contract: Contract, source: &str) -> Result<App> {
        let system = Actor::System("契約の読み込み".into());
        let id = store
            .adopt_contract(&system.authorize(Action::LoadContract)?, &contract, source)
            .await?;
        store
            .sync_contract_sites(&system.authorize(Action::EditInventory)?, &contract.sites)
            .await?;
        let app = App {
            store: store.scoped(id),
            contract: Arc::new(contract),
            accounts: AccountPolicy::default(),
            pending: Arc::default(),
            sealing: None,
        };
        app.schedule_deliverables().await?;
        Ok(app)
    }

    /// The same application with sign-in guarded by `policy`.
    pub fn with_account_policy(mut self, policy: AccountPolicy) -> App {
        self.accounts = policy;
        self
    }

    /// The same application sealing the second factors' secrets with `key`.
    pub fn with_sealing_key(mut self, key: second_factor::SealingKey) -> App {
        self.sealing = Some(Arc::new(key));
        self
    }

    /// The application over the built-in FY2020 Sapporo contract.
    pub async fn open_builtin(store: Store) -> Result<App> {
        let text = jukiops_domain::contract::BUILTIN_DEFAULT_TOML;
        App::open(store, Contract::builtin_default(), text).await
    }

    /// The store, for what is not an operation on the records: health checks, backups,
    /// the benchmark's seeding.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether the database answers, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        self.store.ping().await
    }

    /// The contract in force (R1).
    pub fn contract(&self) -> &Contract {
        &self.contract
    }

    /// The business calendar in force: the contract's closed days and the City's table of
    /// extra closed or open days (R5.2).
    pub async fn business_calendar(&self) -> Result<BusinessCalendar> {
        self.store.business_calendar(&self.contract).await
    }

    /// The schedule's rules under `calendar` and the contract.
    pub fn rules<'a>(&'a self, calendar: &'a BusinessCalendar) -> Rules<'a> {
        Rules {
            calendar,
            contract: &self.contract,
        }
    }
}
