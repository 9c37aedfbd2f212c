//! The upload function: evidence files of a declaration — presigned uploads, the completion check, the list with
//! short-lived download links, and deletion while the declaration is editable.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use sme_http::pagination::Page;

use shared::services::evidence::{self, Evidence, Listed, OwnerKind, UploadRequest, UploadTicket};
use sme_http::app::Handlers;
use sme_http::auth::Caller;
use sme_http::common::health;
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::routes::{Function, RouteId};
use sme_http::state::AppState;

mod recovery;

pub const FUNCTION: Function = Function::Upload;

pub fn handlers() -> Handlers {
    let mut all = vec![
        (RouteId::Health(FUNCTION), health(FUNCTION)),
        (RouteId::CreateEvidence, post(create)),
        (RouteId::CompleteEvidence, post(complete)),
        (RouteId::ListEvidence, get(list)),
        (RouteId::DeleteEvidence, delete(remove)),
        (RouteId::CreateUpdateEvidence, post(create_for_update)),
        (RouteId::CompleteUpdateEvidence, post(complete_for_update)),
        (RouteId::ListUpdateEvidence, get(list_for_update)),
        (RouteId::DeleteUpdateEvidence, delete(remove_for_update)),
    ];
    all.extend(recovery::handlers());
    all
}

async fn create(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    let ticket = evidence::request_upload(&s, &c, OwnerKind::Declaration, &id, &body).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

async fn complete(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path((id, evidence_id)): Path<(String, String)>,
) -> ApiResult<Json<Evidence>> {
    Ok(Json(
        evidence::complete(&s, &c, OwnerKind::Declaration, &id, &evidence_id).await?,
    ))
}

async fn list(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<Listed>>> {
    let items = evidence::list(&s, &c, OwnerKind::Declaration, &id).await?;
    Ok(Json(Page::all(items)))
}

async fn remove(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path((id, evidence_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    evidence::delete(&s, &c, OwnerKind::Declaration, &id, &evidence_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// Yearly information updates: the same evidence flow, files optional.

async fn create_for_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UploadRequest>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    let ticket = evidence::request_upload(&s, &c, OwnerKind::InfoUpdate, &id, &body).await?;
    Ok((StatusCode::CREATED, Json(ticket)))
}

async fn complete_for_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path((id, evidence_id)): Path<(String, String)>,
) -> ApiResult<Json<Evidence>> {
    Ok(Json(
        evidence::complete(&s, &c, OwnerKind::InfoUpdate, &id, &evidence_id).await?,
    ))
}

async fn list_for_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Page<Listed>>> {
    let items = evidence::list(&s, &c, OwnerKind::InfoUpdate, &id).await?;
    Ok(Json(Page::all(items)))
}

async fn remove_for_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path((id, evidence_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    evidence::delete(&s, &c, OwnerKind::InfoUpdate, &id, &evidence_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
