//! The withdraw function: 撤回 (cancel) and 撤回修改 (modify) of a submitted declaration.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use shared::services::declarations::{self, WithdrawRequest};
use shared::services::{info_updates, rereviews};
use sme_http::app::Handlers;
use sme_http::auth::Caller;
use sme_http::common::health;
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::extract::{IfMatch, etag};
use sme_http::routes::{Function, RouteId};
use sme_http::state::AppState;
use sme_http::views::DeclarationView;

pub const FUNCTION: Function = Function::Withdraw;

pub fn handlers() -> Handlers {
    vec![
        (RouteId::Health(FUNCTION), health(FUNCTION)),
        (RouteId::WithdrawDeclaration, post(withdraw)),
        (RouteId::WithdrawInfoUpdate, post(withdraw_info_update)),
        (RouteId::WithdrawReReview, post(withdraw_re_review)),
    ]
}

async fn withdraw(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<WithdrawRequest>,
) -> ApiResult<Response> {
    let d = declarations::withdraw(&s, &c, &id, if_match, &body).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}

async fn withdraw_info_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<WithdrawRequest>,
) -> ApiResult<Response> {
    let u = info_updates::withdraw(&s, &c, &id, if_match, body.mode).await?;
    let mut v = serde_json::json!(u.value);
    v["version"] = serde_json::json!(u.version);
    Ok(([etag(u.version)], Json(v)).into_response())
}

async fn withdraw_re_review(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<WithdrawRequest>,
) -> ApiResult<Response> {
    rereviews::load_own(&s, &c, &id).await?;
    let d = declarations::withdraw(&s, &c, &id, if_match, &body).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}
