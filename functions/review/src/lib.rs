//! The review function: officials' and operators' admin routes. So far the operators' manual checks
//! (人工核验) of phone changes and real-name verifications.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post};

use axum::response::{IntoResponse, Response};
use shared::domain::declaration::Kind;
use shared::domain::tier::Tier;
use shared::error::AppError;
use shared::services::accounts;
use shared::services::review_views::{
    AdminEnterpriseView, CreatedOfficial, QueueEntry, RevocationResult,
};
use shared::services::windows::{self, NewWindow, Window, WindowChange};
use shared::services::{
    change_reports, info_updates, publicity, recovery_documents, rereviews, review, statistics,
};
use sme_http::app::Handlers;
use sme_http::auth::Caller;
use sme_http::common::health;
use sme_http::dto::DecisionBody;
use sme_http::error::JsonBody;
use sme_http::extract::{IfMatch, QueryParams, etag};
use sme_http::pagination::{Page, PageParams};
use sme_http::routes::{Function, RouteId};
use sme_http::state::AppState;
use sme_http::views::DeclarationView;

use sme_http::error::ApiResult;
use sme_http::views::accounts::{OperatorPhoneChange, RealNameReviewView};

mod recovery;

pub const FUNCTION: Function = Function::Review;

pub fn handlers() -> Handlers {
    let mut all = vec![
        (RouteId::Health(FUNCTION), health(FUNCTION)),
        (RouteId::ListPhoneChanges, get(list_phone_changes)),
        (RouteId::DecidePhoneChange, post(decide_phone_change)),
        (RouteId::ListRealNameReviews, get(list_real_name_reviews)),
        (RouteId::DecideRealNameReview, post(decide_real_name)),
        (RouteId::ListWindows, get(list_windows)),
        (RouteId::CreateWindow, post(create_window)),
        (RouteId::ChangeWindow, patch(change_window)),
        (RouteId::CreateOfficial, post(create_official)),
        (RouteId::StartReview, post(start_review)),
        (RouteId::DecideDeclaration, post(decide_declaration)),
        (RouteId::Queue, get(queue)),
        (RouteId::PublishPublicity, post(publish_publicity)),
        (RouteId::ListPublicity, get(list_publicity)),
        (RouteId::GetPublicity, get(get_publicity)),
        (RouteId::ObjectPublicity, post(object_publicity)),
        (RouteId::ClosePublicity, post(close_publicity)),
        (RouteId::AdminEnterprise, get(admin_enterprise)),
        (RouteId::Statistics, get(statistics)),
        (RouteId::PublicRecognitions, get(public_recognitions)),
        (RouteId::DecideInfoUpdate, post(decide_info_update)),
        (RouteId::DecideReReview, post(decide_re_review)),
        (RouteId::ReReviewEligibility, post(re_review_eligibility)),
        (RouteId::DecideChangeReport, post(decide_change_report)),
        (RouteId::Revoke, post(revoke)),
        (RouteId::ImportRecognitions, post(import_recognitions)),
    ];
    all.extend(recovery::handlers());
    all
}

async fn list_phone_changes(
    State(s): State<AppState>,
    Caller(caller): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<OperatorPhoneChange>>> {
    let page = accounts::list_phone_changes(&s, &caller, q.limit()?, q.cursor()).await?;
    Ok(Json(Page::of(page, OperatorPhoneChange::of)))
}

async fn decide_phone_change(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> ApiResult<Json<OperatorPhoneChange>> {
    let change =
        recovery_documents::decide_phone_change(&s, &caller, &id, b.decision, b.comment).await?;
    Ok(Json(OperatorPhoneChange::of(&change)))
}

async fn list_real_name_reviews(
    State(s): State<AppState>,
    Caller(caller): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<RealNameReviewView>>> {
    let page = accounts::list_real_name_reviews(&s, &caller, q.limit()?, q.cursor()).await?;
    Ok(Json(Page::of(page, RealNameReviewView::of)))
}

async fn decide_real_name(
    State(s): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    JsonBody(b): JsonBody<DecisionBody>,
) -> ApiResult<Json<RealNameReviewView>> {
    let review = accounts::decide_real_name(&s, &caller, &id, b.decision, b.comment).await?;
    Ok(Json(RealNameReviewView::of(&review)))
}

#[derive(serde::Deserialize)]
struct WindowParams {
    tier: Option<String>,
    year: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

/// `GET /v1/admin/windows`: every window the caller may see, `?tier=` and `?year=` narrowing it, paged.
async fn list_windows(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<WindowParams>,
) -> ApiResult<Json<Page<Window>>> {
    let tier = match q.tier.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(Tier::parse(raw).ok_or_else(|| {
            AppError::field(
                "tier",
                "INVALID_TIER",
                "tier 须为 innovative、specialized 或 little_giant",
            )
        })?),
    };
    let year = match q.year.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse()
                .map_err(|_| AppError::field("year", "INVALID_YEAR", "year 须为年份，例如 2026"))?,
        ),
    };
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (items, next_cursor) =
        windows::list(&s, &c, tier, year, page.limit()?, page.cursor()).await?;
    Ok(Json(Page::new(items, next_cursor)))
}

async fn create_window(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<NewWindow>,
) -> ApiResult<(StatusCode, Json<Window>)> {
    Ok((
        StatusCode::CREATED,
        Json(windows::create(&s, &c, &body).await?),
    ))
}

/// `PATCH /v1/admin/windows/{id}`: new dates for a window (`If-Match`: its `version`); the answer carries the
/// new version as `ETag`.
async fn change_window(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<WindowChange>,
) -> ApiResult<Response> {
    let w = windows::change(&s, &c, &id, if_match, &body).await?;
    Ok(([etag(w.version)], Json(w)).into_response())
}

async fn create_official(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<review::NewOfficial>,
) -> ApiResult<(StatusCode, Json<CreatedOfficial>)> {
    let account = review::create_official(&s, &c, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedOfficial::of(&account, body.level)),
    ))
}

async fn start_review(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
) -> ApiResult<Response> {
    let d = review::start(&s, &c, &id, if_match).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}

async fn decide_declaration(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<review::DecisionRequest>,
) -> ApiResult<Response> {
    let d = review::decide(&s, &c, &id, if_match, &body, Kind::Declaration).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}

async fn queue(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<review::QueueParams>,
) -> ApiResult<Json<Page<QueueEntry>>> {
    let (items, next_cursor) = review::queue(&s, &c, &q).await?;
    Ok(Json(Page::new(items, next_cursor)))
}

async fn publish_publicity(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<publicity::NewPublicity>,
) -> ApiResult<(StatusCode, Json<publicity::PublicityList>)> {
    Ok((
        StatusCode::CREATED,
        Json(publicity::publish(&s, &c, &body).await?),
    ))
}

#[derive(serde::Deserialize)]
struct PublicityParams {
    status: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

async fn list_publicity(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<PublicityParams>,
) -> ApiResult<Json<Page<publicity::PublicityList>>> {
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (items, next_cursor) = shared::services::publicity_lists::list_own(
        &s,
        &c,
        q.status.as_deref(),
        page.limit()?,
        page.cursor(),
    )
    .await?;
    Ok(Json(Page::new(items, next_cursor)))
}

async fn get_publicity(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<publicity::PublicityList>> {
    Ok(Json(publicity::get(&s, &c, &id).await?))
}

async fn object_publicity(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<publicity::Objection>,
) -> ApiResult<Response> {
    let d = publicity::object(&s, &c, &id, &body).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}

async fn close_publicity(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<publicity::PublicityList>> {
    Ok(Json(publicity::close(&s, &c, &id).await?))
}

async fn admin_enterprise(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(uscc): Path<String>,
) -> ApiResult<Json<AdminEnterpriseView>> {
    Ok(Json(review::enterprise_view(&s, &c, &uscc).await?))
}

async fn statistics(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<statistics::StatsParams>,
) -> ApiResult<Response> {
    let stats = statistics::statistics(&s, &c, &q).await?;
    match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("json") => Ok(Json(stats).into_response()),
        Some("csv") => Ok((
            [
                (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    "attachment; filename=\"statistics.csv\"",
                ),
            ],
            stats.to_csv(),
        )
            .into_response()),
        Some(_) => {
            Err(AppError::field("format", "INVALID_FORMAT", "format 须为 json 或 csv").into())
        }
    }
}

#[derive(serde::Deserialize)]
struct RecognitionParams {
    tier: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

async fn public_recognitions(
    State(s): State<AppState>,
    QueryParams(q): QueryParams<RecognitionParams>,
) -> ApiResult<Json<Page<publicity::RecognitionBatch>>> {
    let tier = match q.tier.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(Tier::parse(raw).ok_or_else(|| {
            AppError::field(
                "tier",
                "INVALID_TIER",
                "tier 须为 innovative、specialized 或 little_giant",
            )
        })?),
    };
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let (items, next_cursor) =
        publicity::recognized_batches(&s, tier, page.limit()?, page.cursor()).await?;
    Ok(Json(Page::new(items, next_cursor)))
}

async fn decide_info_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<sme_http::dto::AcceptReturnBody>,
) -> ApiResult<Json<info_updates::InfoUpdateView>> {
    let u = info_updates::decide(&s, &c, &id, &body.decision, &body.comment).await?;
    Ok(Json(info_updates::InfoUpdateView::decided(&u)))
}

async fn decide_re_review(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<review::DecisionRequest>,
) -> ApiResult<Response> {
    let d = review::decide(&s, &c, &id, if_match, &body, Kind::ReReview).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}

async fn re_review_eligibility(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(uscc): Path<String>,
    JsonBody(body): JsonBody<rereviews::EligibilityRequest>,
) -> ApiResult<(StatusCode, Json<rereviews::Eligibility>)> {
    Ok((
        StatusCode::CREATED,
        Json(rereviews::mark_eligible(&s, &c, &uscc, &body).await?),
    ))
}

async fn decide_change_report(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<sme_http::dto::AcceptReturnBody>,
) -> ApiResult<Json<change_reports::ChangeReportView>> {
    let r = change_reports::decide(&s, &c, &id, &body.decision, &body.comment).await?;
    Ok(Json(change_reports::view(&r)))
}

async fn import_recognitions(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<shared::services::imports::ImportRequest>,
) -> ApiResult<Json<shared::services::imports::ImportResult>> {
    Ok(Json(
        shared::services::imports::import_recognitions(&s, &c, &body).await?,
    ))
}

async fn revoke(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(uscc): Path<String>,
    JsonBody(body): JsonBody<review::RevocationRequest>,
) -> ApiResult<Json<RevocationResult>> {
    Ok(Json(review::revoke(&s, &c, &uscc, &body).await?))
}
