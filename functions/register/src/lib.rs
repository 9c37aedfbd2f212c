//! The register function: accounts, real-name verification, sessions, password reset, phone change.
//! Each handler decodes, calls one `shared::services::accounts` use case, encodes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use shared::domain::account::{Account, RealNameSubject, Verification};
use shared::rules::region::RegionCode;
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
use sme_http::views::phone_change_view;

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

pub use shared::services::accounts::mask_phone;

/// How an account is shown to its owner.
pub fn account_view(a: &Account) -> Value {
    let verification = match &a.verification {
        Verification::Unverified => json!({"status": "unverified"}),
        Verification::Pending {
            subject,
            requested_at,
            ..
        } => {
            json!({"status": "pending", "requested_at": rfc3339(*requested_at), "subject": subject_view(subject)})
        }
        Verification::Verified {
            subject,
            verified_at,
        } => {
            json!({"status": "verified", "verified_at": rfc3339(*verified_at), "subject": subject_view(subject)})
        }
        Verification::Rejected {
            subject,
            reason,
            rejected_at,
        } => {
            json!({"status": "rejected", "reason": reason, "rejected_at": rfc3339(*rejected_at), "subject": subject_view(subject)})
        }
    };
    let role = a.role();
    json!({
        "account_id": a.id,
        "login_name": a.login_name,
        "role": role,
        "role_label": role.label(),
        "uscc": a.verified_uscc(),
        "phone": mask_phone(&a.phone),
        "email": a.email,
        "verification": verification,
        "official": a.official.as_ref().map(|o| json!({"level": o.level, "region": o.region,
            "region_name": o.region.as_deref().and_then(|r| RegionCode::parse(r).ok()).map(|r| r.full_name())})),
        "created_at": rfc3339(a.created_at),
    })
}

fn subject_view(s: &RealNameSubject) -> Value {
    match s {
        RealNameSubject::LegalPerson {
            uscc,
            enterprise_name,
            legal_representative,
            ..
        } => {
            json!({"subject_type": "legal_person", "uscc": uscc, "enterprise_name": enterprise_name, "legal_representative": legal_representative})
        }
        RealNameSubject::NaturalPerson { name, .. } => {
            json!({"subject_type": "natural_person", "name": name})
        }
    }
}

pub fn rfc3339(t: time::OffsetDateTime) -> String {
    shared::domain::timestamp::rfc3339(t)
}

async fn create_account(
    State(s): State<AppState>,
    JsonBody(b): JsonBody<CreateAccountBody>,
) -> ApiResult<impl IntoResponse> {
    let reg = Registration::parse(&b.login_name, &b.password, &b.phone, b.email.as_deref())?;
    let account = accounts::register(&s, reg, None, None, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"account_id": account.id, "account": account_view(&account)})),
    ))
}

async fn get_me(State(s): State<AppState>, Caller(caller): Caller) -> ApiResult<Json<Value>> {
    Ok(Json(account_view(&accounts::me(&s, &caller).await?)))
}

async fn real_name(
    State(s): State<AppState>,
    Caller(caller): Caller,
    JsonBody(b): JsonBody<RealNameRequest>,
) -> ApiResult<Json<Value>> {
    let account = accounts::request_real_name(&s, &caller, &b).await?;
    let status = account.verification.status();
    let mut body = json!({"status": status, "account": account_view(&account)});
    if status == "verified" {
        // The role changed: hand out a token that carries it.
        let (token, expires_at) = s.tokens.issue(
            &account.principal(),
            account.session_generation,
            s.clock.now(),
        )?;
        body["token"] = json!(token);
        body["expires_at"] = json!(rfc3339(expires_at));
    }
    Ok(Json(body))
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
        Json(
            json!({"token": token, "token_type": "Bearer", "expires_at": rfc3339(expires_at), "account": account_view(&account)}),
        ),
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
        Json(json!({"message": "如该账户存在，验证码已发送至其绑定手机号，10 分钟内有效"})),
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
    let mut body = phone_change_view(&change);
    body["query_code"] = json!(query_code);
    body["message"] = json!(match change.method {
        accounts::PhoneChangeMethod::Email =>
            "如该账户绑定了邮箱，验证码已发送至邮箱；请凭验证码确认更换",
        accounts::PhoneChangeMethod::Manual =>
            "申请已提交人工核验，结果将以短信通知新手机号；可凭申请编号和查询码查询进度",
    });
    Ok((StatusCode::CREATED, Json(body)))
}

#[derive(Deserialize)]
struct QueryCode {
    code: Option<String>,
}

async fn get_phone_change(
    State(s): State<AppState>,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<QueryCode>,
) -> ApiResult<Json<Value>> {
    let change = accounts::get_phone_change(&s, &id, q.code.as_deref().unwrap_or("")).await?;
    Ok(Json(phone_change_view(&change)))
}

async fn confirm_phone_change(
    State(s): State<AppState>,
    Path(id): Path<String>,
    axum::Extension(addr): axum::Extension<ClientAddr>,
    JsonBody(b): JsonBody<CodeBody>,
) -> ApiResult<Json<Value>> {
    let change = accounts::confirm_phone_change(&s, &id, &b.code, &addr.0).await?;
    Ok(Json(phone_change_view(&change)))
}
