//! The documents of a manual phone change (reached with its query code: its requester cannot log in) and of a
//! USCC claim (reached by the claimant's account), through the same evidence flow as declarations.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use sme_http::pagination::Page;

use shared::services::evidence::{self, Evidence, Listed, UploadRequest, UploadTicket};
use shared::services::{recovery_documents, uscc_claims};
use sme_http::app::Handlers;
use sme_http::auth::Caller;
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::extract::QueryParams;
use sme_http::routes::RouteId;
use sme_http::state::AppState;

pub fn handlers() -> Handlers {
    vec![
        (
            RouteId::CreatePhoneChangeDocument,
            post(create_for_phone_change),
        ),
        (
            RouteId::CompletePhoneChangeDocument,
            post(complete_for_phone_change),
        ),
        (
            RouteId::ListPhoneChangeDocuments,
            get(list_for_phone_change),
        ),
        (RouteId::CreateClaimDocument, post(create_for_claim)),
        (RouteId::CompleteClaimDocument, post(complete_for_claim)),
        (RouteId::ListClaimDocuments, get(list_for_claim)),
    ]
}

/// `?code=`: the query code handed out with the phone change.
#[derive(Deserialize)]
struct QueryCode {
    code: Option<String>,
}

async fn create_for_phone_change(
    State(s): State<AppState>,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<QueryCode>,
    JsonBody(body): JsonBody<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    let owner =
        recovery_documents::phone_change_owner(&s, &id, q.code.as_deref().unwrap_or("")).await?;
    let ticket = evidence::upload_to(&s, &owner, &body).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

async fn complete_for_phone_change(
    State(s): State<AppState>,
    Path((id, document_id)): Path<(String, String)>,
    QueryParams(q): QueryParams<QueryCode>,
) -> ApiResult<Json<Evidence>> {
    let owner =
        recovery_documents::phone_change_owner(&s, &id, q.code.as_deref().unwrap_or("")).await?;
    Ok(Json(
        evidence::complete_in(&s, &owner, None, &document_id).await?,
    ))
}

async fn list_for_phone_change(
    State(s): State<AppState>,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<QueryCode>,
) -> ApiResult<Json<Page<Listed>>> {
    let owner =
        recovery_documents::phone_change_owner(&s, &id, q.code.as_deref().unwrap_or("")).await?;
    let items = evidence::list_of(&s, &owner).await?;
    Ok(Json(Page::all(items)))
}

async fn create_for_claim(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    let owner = uscc_claims::documents_owner_for(&s, &c, &id).await?;
    let ticket = evidence::upload_to(&s, &owner, &body).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

async fn complete_for_claim(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path((id, document_id)): Path<(String, String)>,
) -> ApiResult<Json<Evidence>> {
    let owner = uscc_claims::documents_owner_for(&s, &c, &id).await?;
    Ok(Json(
        evidence::complete_in(&s, &owner, Some(c.account_id()), &document_id).await?,
    ))
}

async fn list_for_claim(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<Listed>>> {
    let owner = uscc_claims::documents_owner_for(&s, &c, &id).await?;
    let items = evidence::list_of(&s, &owner).await?;
    Ok(Json(Page::all(items)))
}
