//! The review function: officials' and operators' admin routes. So far the operators' manual checks
//! (人工核验) of phone changes and real-name verifications.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use serde_json::{Value, json};

use shared::error::AppResult;
use shared::http::app::Handlers;
use shared::http::auth::Caller;
use shared::http::common::health;
use shared::http::dto::DecisionBody;
use shared::http::error::JsonBody;
use shared::http::pagination::PageParams;
use shared::http::routes::{Function, RouteId};
use shared::http::state::AppState;
use shared::services::accounts::{self, RealNameReview};

use register::{phone_change_view, rfc3339};

pub const FUNCTION: Function = Function::Review;

pub fn handlers() -> Handlers {
    vec![
        (RouteId::Health(FUNCTION), health(FUNCTION)),
        (RouteId::ListPhoneChanges, get(list_phone_changes)),
        (RouteId::DecidePhoneChange, post(decide_phone_change)),
        (RouteId::ListRealNameReviews, get(list_real_name_reviews)),
        (RouteId::DecideRealNameReview, post(decide_real_name)),
    ]
}

/// What an operator sees of a manual phone change: enough to check the identity.
fn operator_phone_change_view(c: &accounts::PhoneChange) -> Value {
    let mut v = phone_change_view(c);
    v["new_phone"] = json!(c.new_phone);
    v["login_name"] = json!(c.login_name);
    v["uscc"] = json!(c.uscc);
    v["enterprise_name"] = json!(c.enterprise_name);
    v["contact_name"] = json!(c.contact_name);
    v["id_number"] = json!(c.id_number);
    v["reason"] = json!(c.reason);
    v["account_found"] = json!(c.account_id.is_some());
    v
}

async fn list_phone_changes(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<PageParams>,
) -> AppResult<Json<Value>> {
    let page = accounts::list_phone_changes(&s, &caller, q.limit()?, q.cursor()).await?;
    Ok(Json(
        json!({"items": page.items.iter().map(operator_phone_change_view).collect::<Vec<_>>(), "next_cursor": page.next_cursor}),
    ))
}

async fn decide_phone_change(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> AppResult<Json<Value>> {
    let change = accounts::decide_phone_change(&s, &caller, &id, b.decision, b.comment).await?;
    Ok(Json(operator_phone_change_view(&change)))
}

fn review_view(r: &RealNameReview) -> Value {
    json!({
        "id": r.id,
        "account_id": r.account_id,
        "login_name": r.login_name,
        "subject": r.subject,
        "reason": r.reason,
        "status": r.status,
        "requested_at": rfc3339(r.requested_at),
        "decided_at": r.decided_at.map(rfc3339),
        "comment": r.comment,
    })
}

async fn list_real_name_reviews(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<PageParams>,
) -> AppResult<Json<Value>> {
    let page = accounts::list_real_name_reviews(&s, &caller, q.limit()?, q.cursor()).await?;
    Ok(Json(
        json!({"items": page.items.iter().map(review_view).collect::<Vec<_>>(), "next_cursor": page.next_cursor}),
    ))
}

async fn decide_real_name(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> AppResult<Json<Value>> {
    let review = accounts::decide_real_name(&s, &caller, &id, b.decision, b.comment).await?;
    Ok(Json(review_view(&review)))
}
