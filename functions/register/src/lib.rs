//! The register function: accounts, real-name verification, sessions, password reset, phone change.
//! Each handler decodes, calls one `shared::services::accounts` use case, encodes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::Value;

use shared::services::accounts::{self, PhoneChangeRequest, RealNameRequest, Registration};
use sme_http::app::{ClientAddr, Handlers};
use sme_http::auth::{Caller, CallerSession};
use sme_http::common::health;
use sme_http::dto::{CodeBody, CreateAccountBody, ResetConfirmBody, ResetRequestBody, SessionBody};
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::extract::QueryParams;
use sme_http::routes::{Function, RouteId};
use sme_http::state::AppState;
use sme_http::views::accounts::{
    AccountView, CreatedAccount, MessageAnswer, PhoneChangeView, RealNameResult, SessionView,
};

mod claims;

pub const FUNCTION: Function = Function::Register;

pub fn handlers() -> Handlers {
    let mut all = vec![
        (
            RouteId::Health(Function::Register),
            health(Function::Register),
        ),
        (RouteId::OpenApi, get(openapi)),
        (RouteId::CreateAccount, post(create_account)),
        (RouteId::GetMyAccount, get(get_me)),
        (RouteId::RealName, post(real_name)),
        (RouteId::CreateSession, post(create_session)),
        (RouteId::DeleteCurrentSession, delete(logout)),
        (RouteId::RequestPasswordReset, post(request_password_reset)),
        (RouteId::ConfirmPasswordReset, post(confirm_password_reset)),
        (RouteId::RequestPhoneChange, post(request_phone_change)),
        (RouteId::GetPhoneChange, get(get_phone_change)),
        (RouteId::ConfirmPhoneChange, post(confirm_phone_change)),
    ];
    all.extend(claims::handlers());
    all
}

async fn openapi() -> Json<Value> {
    Json(sme_http::openapi::document())
}

async fn create_account(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<CreateAccountBody>,
) -> ApiResult<impl IntoResponse> {
    let reg = Registration::parse(&b.login_name, &b.password, &b.phone, b.email.as_deref())?;
    let account = accounts::register(&s, reg, None, None, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedAccount {
            account_id: account.id.clone(),
            account: AccountView::of(&account),
        }),
    ))
}

async fn get_me(State(s): State<AppState>, Caller(caller): Caller) -> ApiResult<Json<AccountView>> {
    Ok(Json(AccountView::of(&accounts::me(&s, &caller).await?)))
}

async fn real_name(
    State(s): State<AppState>,
    Caller(caller): Caller,
    JsonBody(b): JsonBody<RealNameRequest>,
) -> ApiResult<Json<RealNameResult>> {
    let account = accounts::request_real_name(&s, &caller, &b).await?;
    let status = account.verification.status();
    let mut answer = RealNameResult {
        status,
        account: AccountView::of(&account),
        token: None,
        expires_at: None,
    };
    if status == "verified" {
        // The role changed: hand out a token that carries it.
        let (token, expires_at) = s.tokens.issue(
            &account.principal(),
            account.session_generation,
            s.clock.now(),
        )?;
        answer.token = Some(token);
        answer.expires_at = Some(expires_at.into());
    }
    Ok(Json(answer))
}

async fn create_session(
    State(s): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    JsonBody(b): JsonBody<SessionBody>,
) -> ApiResult<impl IntoResponse> {
    let account = accounts::login(&s, &b.login, &b.password, &addr.0).await?;
    let (token, expires_at) = s.tokens.issue(
        &account.principal(),
        account.session_generation,
        s.clock.now(),
    )?;
    Ok((
        StatusCode::CREATED,
        Json(SessionView {
            token,
            token_type: "Bearer",
            expires_at: expires_at.into(),
            account: AccountView::of(&account),
        }),
    ))
}

async fn logout(
    State(s): State<AppState>,
    CallerSession(claims): CallerSession,
) -> ApiResult<StatusCode> {
    accounts::logout(&s, &claims.sub, &claims.jti, claims.exp).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn request_password_reset(
    State(s): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    JsonBody(b): JsonBody<ResetRequestBody>,
) -> ApiResult<impl IntoResponse> {
    let started = std::time::Instant::now();
    let outcome = accounts::request_password_reset(&s, &b.login, &addr.0).await;
    shared::services::limits::answer_no_sooner_than(&s, started, outcome).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(MessageAnswer {
            message: "如该账户存在，验证码已发送至其绑定手机号，10 分钟内有效",
        }),
    ))
}

async fn confirm_password_reset(
    State(s): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    JsonBody(b): JsonBody<ResetConfirmBody>,
) -> ApiResult<StatusCode> {
    accounts::confirm_password_reset(&s, &b.login, &b.code, &b.new_password, &addr.0).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn request_phone_change(
    State(s): State<AppState>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    JsonBody(b): JsonBody<PhoneChangeRequest>,
) -> ApiResult<impl IntoResponse> {
    let started = std::time::Instant::now();
    let outcome = accounts::request_phone_change(&s, &b, &addr.0).await;
    let (change, query_code) =
        shared::services::limits::answer_no_sooner_than(&s, started, outcome).await?;
    Ok((
        StatusCode::CREATED,
        Json(PhoneChangeView::requested(&change, query_code)),
    ))
}

#[derive(Deserialize)]
struct QueryCode {
    code: Option<String>,
}

async fn get_phone_change(
    State(s): State<AppState>,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<QueryCode>,
) -> ApiResult<Json<PhoneChangeView>> {
    let change = accounts::get_phone_change(&s, &id, q.code.as_deref().unwrap_or("")).await?;
    Ok(Json(PhoneChangeView::of(&change)))
}

async fn confirm_phone_change(
    State(s): State<AppState>,
    Path(id): Path<String>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    JsonBody(b): JsonBody<CodeBody>,
) -> ApiResult<Json<PhoneChangeView>> {
    let change = accounts::confirm_phone_change(&s, &id, &b.code, &addr.0).await?;
    Ok(Json(PhoneChangeView::of(&change)))
}
