//! Operators' side of the recovery paths: a manual phone change with its documents beside what is on file for
//! the account, and USCC claims (both accounts side by side, the documents, the decision).

use axum::Json;
use axum::extract::{Path, State};
use axum::routing::{get, post};

use shared::services::recovery_documents;
use shared::services::{evidence, uscc_claims};
use sme_http::app::Handlers;
use sme_http::auth::Caller;
use sme_http::dto::DecisionBody;
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::extract::QueryParams;
use sme_http::pagination::{Page, PageParams};
use sme_http::routes::RouteId;
use sme_http::state::AppState;
use sme_http::views::accounts::{OperatorPhoneChange, PhoneChangeReview};

pub fn handlers() -> Handlers {
    vec![
        (RouteId::GetPhoneChangeReview, get(phone_change_review)),
        (RouteId::ListUsccClaims, get(list_claims)),
        (RouteId::GetUsccClaimReview, get(claim_review)),
        (RouteId::DecideUsccClaim, post(decide_claim)),
    ]
}

async fn phone_change_review(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PhoneChangeReview>> {
    let (change, owner, on_file) =
        recovery_documents::phone_change_for_operator(&s, &caller, &id).await?;
    Ok(Json(PhoneChangeReview {
        change: OperatorPhoneChange::detail(&change),
        on_file,
        slots: recovery_documents::slot_views(&s, &owner).await?,
        documents: evidence::list_of(&s, &owner).await?,
        missing_documents: recovery_documents::missing(&s, &owner).await?,
    }))
}

async fn list_claims(
    State(s): State<AppState>,
    Caller(caller): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<uscc_claims::UsccClaim>>> {
    let page = uscc_claims::list_pending(&s, &caller, q.limit()?, q.cursor()).await?;
    Ok(Json(Page::new(page.items, page.next_cursor)))
}

async fn claim_review(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<uscc_claims::ClaimReview>> {
    Ok(Json(uscc_claims::review(&s, &caller, &id).await?))
}

async fn decide_claim(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> ApiResult<Json<uscc_claims::UsccClaim>> {
    Ok(Json(
        uscc_claims::decide(&s, &caller, &id, b.decision, b.comment).await?,
    ))
}
