//! The urgent 作業依頼書 of an incident (issue 14 item 6): the City's form on the incident's
//! page, which asks first, then issues the job, the request and its approved procedure in
//! one step and goes back to the incident.

use axum::extract::State;
use jukiops_domain::incidents::{UrgentApproval, UrgentRequestInput};
use jukiops_domain::people::Action;
use serde_json::json;

use super::extract::Path;
use super::feedback::{Confirm, Done};
use super::form::{PageForm, post_redirect_get};
use super::incidents::show_page;
use super::{PageResult, PageRoutes, PageUser};
use crate::AppState;

impl PageForm for UrgentRequestInput {
    const ACTION: Action = Action::IssueRequests;
}

pub async fn issue(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    c: Confirm<UrgentRequestInput>,
) -> PageResult {
    let way = UrgentApproval::parse(&c.form.approval).map(UrgentApproval::label_ja);
    let what = async move {
        Ok(format!(
            "障害 {id} の緊急の作業依頼書を本日付で発行し、作業手順書を{}として承認済みにします（本市の決裁は省略されます）。",
            way.unwrap_or("指定の方法による承認")
        ))
    };
    if let Some(page) = c.ask(&user, what).await {
        return page;
    }
    let form = c.form;
    let result = state
        .app
        .issue_urgent_request(&user.actor(), id, &form)
        .await;
    post_redirect_get(
        Done::Registered,
        result.map_err(Into::into),
        |_| format!("/incidents/{id}"),
        &form,
        // The incident page's own `form` and `errors` belong to its event forms.
        |status, extra| {
            let extra = json!({"error": extra["error"], "urgent_form": extra["form"],
                "urgent_errors": extra["errors"]});
            show_page(&state, &user, id, status, extra)
        },
    )
    .await
}

/// The pages of this feature, each naming what it needs.
pub fn routes() -> PageRoutes {
    PageRoutes::new().post(
        "/incidents/{id}/urgent-request",
        Action::IssueRequests,
        issue,
    )
}
