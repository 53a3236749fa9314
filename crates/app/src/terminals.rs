//! Integrated terminals (統合端末, R4.2): the register with its filters, each terminal's
//! asset history, and the Excel-friendly CSV export and import (UTF-8 or CP932, one
//! transaction, every error naming its row and column).

use jukiops_domain::inventory::csv as tcsv;
use jukiops_domain::inventory::{AssetKind, TerminalDraft, parse_date};
use jukiops_domain::listing::{ListParams, ListRequest};
use jukiops_domain::people::{Action, Actor};
use jukiops_domain::{Checked, FieldError, FieldErrors};
use jukiops_store::{
    AssetEvent, ImportMode, ImportReport, TERMINAL_LIST, Terminal, TerminalPageJson,
};

use crate::lists::Listed;

use crate::{App, Error, Result};

impl App {
    /// The terminals the list tools ask for.
    pub async fn terminal_list(
        &self,
        who: &Actor,
        params: &ListParams,
    ) -> Result<Listed<Terminal>> {
        let request = self.terminal_request(who, params)?;
        let page = self.store.terminal_list(&request).await?;
        Ok(Listed { request, page })
    }

    /// The same page as the database's JSON, for the API (served from the list cache while
    /// nothing changed).
    pub async fn terminals_json(
        &self,
        who: &Actor,
        params: &ListParams,
    ) -> Result<(ListRequest, TerminalPageJson)> {
        let request = self.terminal_request(who, params)?;
        let page = self.store.terminals_json(&request).await?;
        Ok((request, page))
    }

    /// Every terminal of the inventory, for a form's choice of one (a fault's device).
    pub async fn terminal_choices(&self, who: &Actor) -> Result<Vec<Terminal>> {
        who.authorize(Action::ViewInventory)?;
        self.store.all_terminals().await
    }

    fn terminal_request(&self, who: &Actor, params: &ListParams) -> Result<ListRequest> {
        who.authorize(Action::ViewInventory)?;
        Ok(params.check(&TERMINAL_LIST)?)
    }

    pub async fn terminal(&self, who: &Actor, id: i64) -> Result<Terminal> {
        who.authorize(Action::ViewInventory)?;
        self.store.terminal(id).await
    }

    /// A terminal's asset history (installed, moved, swapped, retired ...), oldest first.
    pub async fn terminal_history(&self, who: &Actor, id: i64) -> Result<Vec<AssetEvent>> {
        who.authorize(Action::ViewInventory)?;
        self.store.terminal(id).await?;
        self.store.asset_events(AssetKind::Terminal, id).await
    }

    /// Registers a terminal at its site, recorded as installed.
    pub async fn create_terminal(
        &self,
        who: &Actor,
        input: impl Checked<TerminalDraft>,
    ) -> Result<Terminal> {
        let who = who.authorize(Action::EditInventory)?;
        let draft = input.checked()?;
        self.store.create_terminal(&who, draft).await
    }

    /// Replaces a terminal's fields; a change of site or room is a move, to 撤去済 a
    /// retirement, each kept in its history.
    pub async fn update_terminal(
        &self,
        who: &Actor,
        id: i64,
        input: impl Checked<TerminalDraft>,
    ) -> Result<Terminal> {
        let who = who.authorize(Action::EditInventory)?;
        let draft = input.checked()?;
        self.store.update_terminal(&who, id, draft).await
    }

    /// Every terminal as CSV: UTF-8 with BOM and Japanese headers, as Excel opens it.
    pub async fn export_terminals_csv(&self, who: &Actor) -> Result<Vec<u8>> {
        who.authorize(Action::ViewInventory)?;
        let rows: Vec<tcsv::TerminalCsvRow> = self
            .store
            .all_terminals()
            .await?
            .into_iter()
            .map(|t| tcsv::TerminalCsvRow {
                asset_number: t.asset_number,
                serial: t.serial,
                model: t.model,
                site_code: t.site_code,
                site_name: t.site_name,
                room: t.room,
                lessor: t.lessor,
                lease_start: t.lease_start.as_deref().and_then(parse_date),
                lease_end: t.lease_end.as_deref().and_then(parse_date),
                status: t.status,
                touch_panel_asset_number: t.touch_panel_asset_number,
            })
            .collect();
        blocking(move || tcsv::write_terminals(&rows)).await
    }

    /// Imports terminals from CSV (UTF-8 or CP932) in one transaction: new asset numbers
    /// are created, known ones updated; any bad row imports nothing and every error names
    /// its row (`rows[n].column`). Returns what was done (in a preview: what would be,
    /// nothing written) and the encoding read.
    pub async fn import_terminals_csv(
        &self,
        who: &Actor,
        bytes: Vec<u8>,
        mode: ImportMode,
    ) -> Result<(ImportReport, tcsv::SourceEncoding)> {
        let who = who.authorize(Action::EditInventory)?;
        let parsed = blocking(move || tcsv::import_terminals(&bytes)).await?;
        let (mut rows, encoding) = parsed.map_err(|errors| {
            let errors = errors
                .iter()
                .map(|e| {
                    let field = match (e.row, &e.column) {
                        (Some(r), Some(c)) => format!("rows[{r}].{c}"),
                        (Some(r), None) => format!("rows[{r}]"),
                        (None, Some(c)) => format!("header.{c}"),
                        (None, None) => "file".into(),
                    };
                    FieldError::new(field, e.to_string())
                })
                .collect();
            Error::Invalid(FieldErrors(errors))
        })?;
        tcsv::restore_site_codes(
            rows.iter_mut().map(|(_, d)| &mut d.site_code),
            &self.store.site_codes().await?,
        );
        let report = self.store.import_terminals(&who, &rows, mode).await?;
        Ok((report, encoding))
    }
}

/// Runs CPU-bound work (a whole CSV file) off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}
