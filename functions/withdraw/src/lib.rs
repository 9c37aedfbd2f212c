//! The withdraw function: 撤回 (cancel) and 撤回修改 (modify) of a submitted declaration.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use shared::error::AppResult;
use shared::http::app::Handlers;
use shared::http::auth::Caller;
use shared::http::common::health;
use shared::http::error::JsonBody;
use shared::http::extract::{IfMatch, etag};
use shared::http::routes::{Function, RouteId};
use shared::http::state::AppState;
use shared::http::views::declaration_view;
use shared::services::declarations::{self, WithdrawRequest};
use shared::services::{info_updates, rereviews};

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
) -> AppResult<Response> {
    let d = declarations::withdraw(&s, &c, &id, if_match, &body).await?;
    Ok(([etag(d.version)], Json(declaration_view(&d))).into_response())
}

async fn withdraw_info_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<WithdrawRequest>,
) -> AppResult<Response> {
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
) -> AppResult<Response> {
    rereviews::load_own(&s, &c, &id).await?;
    let d = declarations::withdraw(&s, &c, &id, if_match, &body).await?;
    Ok(([etag(d.version)], Json(declaration_view(&d))).into_response())
}
