//! Site pages (R5.1): the list with the form to add one, and one site's page with its
//! fields to edit and its history.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use jukiops_domain::audit::Entity;
use jukiops_domain::inventory::{SiteDraft, SiteInput};
use jukiops_domain::listing::ListParams;
use jukiops_domain::people::Action;
use jukiops_domain::{Checked, FieldErrors};
use jukiops_store::SITE_LIST;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::PageRoutes;
use super::extract::{Path, Query};
use super::feedback::Done;
use super::form::{Form, PageForm, post_redirect_get};
use super::{PageResult, PageUser, history, merge, page_value};
use crate::AppState;
use crate::lists;
use crate::templates::render;

/// The site form: coordinates arrive as text and become numbers in [`Checked`].
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SiteForm {
    pub code: String,
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub lat: String,
    pub lon: String,
    /// `1` when the City allows evidence photos in the site's terminal room.
    pub photos_allowed: Option<String>,
}

impl PageForm for SiteForm {
    const ACTION: Action = Action::EditInventory;
}

fn coordinate(errors: &mut FieldErrors, field: &str, label: &str, v: &str) -> Option<f64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            errors.push(field, format!("{label}は数値で入力してください。"));
            None
        }
    }
}

impl Checked<SiteDraft> for &SiteForm {
    fn checked(self) -> Result<SiteDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let lat = coordinate(&mut e, "lat", "緯度", &self.lat);
        let lon = coordinate(&mut e, "lon", "経度", &self.lon);
        let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        let input = e.into_result(SiteInput {
            code: self.code.clone(),
            name: self.name.clone(),
            postal_code: opt(&self.postal_code),
            address: opt(&self.address),
            lat,
            lon,
            photos_allowed: self.photos_allowed.as_deref() == Some("1"),
        })?;
        input.check()
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListParams>,
) -> PageResult {
    let extra = json!({"form": SiteForm::default()});
    list_page(&state, &user, q, StatusCode::OK, extra).await
}

async fn list_page(
    state: &AppState,
    user: &PageUser,
    params: ListParams,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let (params, refused) = lists::sound(params, &SITE_LIST);
    let listed = state.app.site_list(&user.actor(), &params).await?;
    if let Some(export) = lists::export_if_asked(&listed, lists::labelled_row) {
        return Ok(export?);
    }
    let mut list = lists::view("/sites", &listed.request, &listed.page, &Vec::new());
    refused.show(&mut list);
    let mut ctx = json!({"page": page_value(&listed.page), "list": list, "can_edit": user.may(Action::EditInventory)});
    merge(&mut ctx, extra);
    Ok((
        refused.status(status),
        render("sites.html", user.ctx("拠点", ctx))?,
    )
        .into_response())
}

pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<SiteForm>,
) -> PageResult {
    let result = state.app.create_site(&user.actor(), &form).await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |s| format!("/sites/{}", s.id),
        &form,
        |status, extra| list_page(&state, &user, ListParams::default(), status, extra),
    )
    .await
}

pub async fn show(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    show_page(&state, &user, id, StatusCode::OK, Value::Null).await
}

async fn show_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    extra: Value,
) -> PageResult {
    let s = state.app.site(&user.actor(), id).await?;
    let audit = history(state, user, Entity::Site, id).await?;
    let form = json!({"code": s.code, "name": s.name, "postal_code": s.postal_code.clone().unwrap_or_default(),
        "address": s.address.clone().unwrap_or_default(), "lat": s.lat.map(|v| v.to_string()).unwrap_or_default(),
        "lon": s.lon.map(|v| v.to_string()).unwrap_or_default(),
        "photos_allowed": s.photos_allowed.then_some("1")});
    let mut ctx = json!({"site": s, "audit": audit, "form": form, "can_edit": user.may(Action::EditInventory)});
    merge(&mut ctx, extra);
    Ok((
        status,
        render("site.html", user.ctx_under("/sites", &[], &s.name, ctx))?,
    )
        .into_response())
}

pub async fn update(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    Form(form): Form<SiteForm>,
) -> PageResult {
    let result = state.app.update_site(&user.actor(), id, &form).await;
    post_redirect_get(
        Done::Updated,
        result.map_err(Into::into),
        |_| format!("/sites/{id}"),
        &form,
        |status, extra| show_page(&state, &user, id, status, extra),
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new()
        .get("/sites", Action::ViewInventory, list)
        .post("/sites", Action::EditInventory, create)
        .get("/sites/{id}", Action::ViewInventory, show)
        .post("/sites/{id}", Action::EditInventory, update)
}
