//! The declare function: catalogs, the enterprise profile and advisor, the digital-level self-assessment, and
//! declarations (draft, save, submit, application document, history). Each handler decodes the request, calls
//! one use case of `shared::services`, and encodes its answer.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;

use shared::domain::declaration::Kind;
use shared::domain::enterprise::ProfileInput;
use shared::error::AppError;
use shared::rules::{industry, region};
use shared::services::change_reports::ChangeReportView;
use shared::services::declarations::{self, NewDeclaration};
use shared::services::enterprise_views::Advice;
use shared::services::info_updates::InfoUpdateView;
use shared::services::records::DigitalAssessmentRecord;
use shared::services::{application, change_reports, info_updates, rereviews};
use shared::services::{eligibility, enterprise, records};
use sme_http::app::Handlers;
use sme_http::auth::Caller;
use sme_http::common::health;
use sme_http::dto::{DigitalAssessmentBody, InfoUpdateBody, SaveDeclarationBody, TierBody};
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::extract::{IfMatch, QueryParams, etag};
use sme_http::pagination::{Page, PageParams};
use sme_http::routes::{Function, RouteId};
use sme_http::state::AppState;
use sme_http::views::DeclarationView;

pub const FUNCTION: Function = Function::Declare;

pub fn handlers() -> Handlers {
    vec![
        (RouteId::Health(FUNCTION), health(FUNCTION)),
        (RouteId::CatalogRegions, get(catalog_regions)),
        (RouteId::CatalogIndustries, get(catalog_industries)),
        (RouteId::GetEnterprise, get(get_enterprise)),
        (RouteId::PutEnterprise, put(put_enterprise)),
        (RouteId::GetAdvice, get(get_advice)),
        (RouteId::GetDigitalQuestionnaire, get(get_questionnaire)),
        (RouteId::CreateDigitalAssessment, post(create_assessment)),
        (RouteId::GetLatestDigitalAssessment, get(latest_assessment)),
        (RouteId::ListDeclarations, get(list_declarations)),
        (RouteId::CreateDeclaration, post(create_declaration)),
        (RouteId::GetDeclaration, get(get_declaration)),
        (RouteId::SaveDeclaration, put(save_declaration)),
        (RouteId::SubmitDeclaration, post(submit_declaration)),
        (RouteId::GetApplication, get(get_application)),
        (RouteId::GetHistory, get(get_history)),
        (RouteId::VerifyApplication, get(verify_application)),
        (RouteId::VerifyKey, get(verify_key)),
        (RouteId::CreateInfoUpdate, post(create_info_update)),
        (RouteId::ListInfoUpdates, get(list_info_updates)),
        (RouteId::SaveInfoUpdate, put(save_info_update)),
        (RouteId::SubmitInfoUpdate, post(submit_info_update)),
        (RouteId::CreateReReview, post(create_re_review)),
        (RouteId::ListReReviews, get(list_re_reviews)),
        (RouteId::SaveReReview, put(save_re_review)),
        (RouteId::SubmitReReview, post(submit_re_review)),
        (RouteId::CreateChangeReport, post(create_change_report)),
        (RouteId::ListChangeReports, get(list_change_reports)),
    ]
}

// ---- catalogs ---------------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct ParentParams {
    parent: Option<String>,
}

async fn catalog_regions(
    QueryParams(q): QueryParams<ParentParams>,
) -> ApiResult<Json<Page<region::RegionEntry>>> {
    let parent = match q.parent.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            region::RegionCode::parse(raw)
                .map_err(|e| AppError::field("parent", e.code(), e.to_string()))?,
        ),
    };
    Ok(Json(Page::all(region::children(parent.as_ref()))))
}

async fn catalog_industries(
    QueryParams(q): QueryParams<ParentParams>,
) -> ApiResult<Json<Page<industry::IndustryEntry>>> {
    let parent = q.parent.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(code) = parent
        && industry::lookup(code).is_none()
    {
        return Err(AppError::field(
            "parent",
            "INVALID_INDUSTRY",
            format!("行业代码 {code} 不存在"),
        )
        .into());
    }
    Ok(Json(Page::all(industry::children(parent))))
}

// ---- enterprise profile, advice, digital assessment ----------------------------------------------------------------

async fn get_enterprise(State(s): State<AppState>, Caller(c): Caller) -> ApiResult<Response> {
    let view = enterprise::view(&s, &c).await?;
    Ok(([etag(view.version)], Json(view)).into_response())
}

async fn put_enterprise(
    State(s): State<AppState>,
    Caller(c): Caller,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<ProfileInput>,
) -> ApiResult<Response> {
    let view = enterprise::save(&s, &c, if_match, body).await?;
    Ok(([etag(view.version)], Json(view)).into_response())
}

async fn get_advice(State(s): State<AppState>, Caller(c): Caller) -> ApiResult<Json<Advice>> {
    Ok(Json(enterprise::advice(&s, &c).await?))
}

/// Account-only, as the route table says: the questionnaire is part of the declaration flow.
async fn get_questionnaire(
    Caller(_): Caller,
) -> Json<&'static shared::rules::digital::Questionnaire> {
    Json(shared::rules::digital::questionnaire())
}

async fn create_assessment(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<DigitalAssessmentBody>,
) -> ApiResult<(StatusCode, Json<DigitalAssessmentRecord>)> {
    let record = enterprise::submit_digital_assessment(&s, &c, body.answers).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

async fn latest_assessment(
    State(s): State<AppState>,
    Caller(c): Caller,
) -> ApiResult<Json<DigitalAssessmentRecord>> {
    match records::latest_digital_assessment_of(&s, &c).await? {
        Some(v) => Ok(Json(v)),
        None => Err(AppError::not_found("尚未进行数字化水平自评测").into()),
    }
}

// ---- declarations -------------------------------------------------------------------------------------------------

async fn list_declarations(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<DeclarationView>>> {
    let (items, next_cursor) = declarations::list(&s, &c, q.limit()?, q.cursor()).await?;
    Ok(Json(Page::new(
        items.iter().map(DeclarationView::of).collect(),
        next_cursor,
    )))
}

async fn create_declaration(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<NewDeclaration>,
) -> ApiResult<Response> {
    let d = declarations::create(&s, &c, &body).await?;
    let view = DeclarationView::of(&d).with_form_spec(&d.value);
    Ok((
        StatusCode::CREATED,
        [
            etag(d.version),
            (header::LOCATION, format!("/v1/declarations/{}", d.value.id)),
        ],
        Json(view),
    )
        .into_response())
}

async fn get_declaration(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let d = records::load_visible(&s, &c, &id).await?;
    let view = DeclarationView::of(&d)
        .with_form_spec(&d.value)
        .with_form_problems(eligibility::form_problems(&d.value));
    Ok(([etag(d.version)], Json(view)).into_response())
}

async fn save_declaration(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<SaveDeclarationBody>,
) -> ApiResult<Response> {
    let saved = declarations::save(&s, &c, &id, if_match, body.form).await?;
    let view = DeclarationView::of(&saved.declaration).with_form_problems(saved.problems);
    Ok(([etag(saved.declaration.version)], Json(view)).into_response())
}

async fn submit_declaration(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
) -> ApiResult<Response> {
    let d = declarations::submit(&s, &c, &id, if_match).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}

#[derive(Deserialize)]
struct FormatParams {
    format: Option<String>,
}

/// The application document: HTML for the screen and printing, or PDF (`?format=pdf` or `Accept:
/// application/pdf`).
async fn get_application(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<FormatParams>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let format = application::Format::negotiate(
        q.format.as_deref(),
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()),
    )?;
    let keys = s.document_keys()?;
    let d = records::load_visible(&s, &c, &id).await?;
    let sha = d
        .value
        .snapshot
        .as_ref()
        .map(|s| s.sha256.clone())
        .unwrap_or_default();
    let common = [
        (header::CACHE_CONTROL, "private, no-store".to_owned()),
        (header::VARY, "Accept".to_owned()),
        (header::HeaderName::from_static("x-snapshot-sha256"), sha),
    ];
    Ok(match format {
        application::Format::Html => (
            common,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"application-{}.html\"", d.value.id),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    application::html::content_security_policy(),
                ),
            ],
            application::render_html(&d.value, keys)?,
        )
            .into_response(),
        application::Format::Pdf => (
            common,
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"application-{}.pdf\"", d.value.id),
                ),
            ],
            application::render_pdf(&d.value, keys)?,
        )
            .into_response(),
    })
}

/// Public verification of a printed document: never an error for what a holder of the paper may type.
async fn verify_application(
    State(s): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> ApiResult<Response> {
    let keys = s.document_keys()?;
    let id = id.map(|Path(id)| id).unwrap_or_default();
    let digest = query.ok().and_then(|Query(mut q)| q.remove("digest"));
    let answer = application::verify(&s, keys, &id, digest.as_deref()).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(answer)).into_response())
}

async fn verify_key(State(s): State<AppState>) -> ApiResult<Json<application::VerifyKeyAnswer>> {
    Ok(Json(application::verify_key(s.document_keys()?)))
}

async fn get_history(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<declarations::HistoryEntry>>> {
    let (items, next_cursor) = declarations::history(&s, &c, &id, q.limit()?, q.cursor()).await?;
    Ok(Json(Page::new(items, next_cursor)))
}

// ---- yearly information update ------------------------------------------------------------------------------------

async fn create_info_update(State(s): State<AppState>, Caller(c): Caller) -> ApiResult<Response> {
    let u = info_updates::create(&s, &c).await?;
    Ok((
        StatusCode::CREATED,
        [etag(u.version)],
        Json(InfoUpdateView::of(&u)),
    )
        .into_response())
}

async fn list_info_updates(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<InfoUpdateView>>> {
    let (items, next_cursor) = info_updates::list(&s, &c, q.limit()?, q.cursor()).await?;
    let items = items.iter().map(InfoUpdateView::of).collect();
    Ok(Json(Page::new(items, next_cursor)))
}

async fn save_info_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<InfoUpdateBody>,
) -> ApiResult<Response> {
    let u = info_updates::save_draft(&s, &c, &id, if_match, body.profile).await?;
    Ok(([etag(u.version)], Json(InfoUpdateView::of(&u))).into_response())
}

async fn submit_info_update(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
) -> ApiResult<Response> {
    let u = info_updates::submit(&s, &c, &id, if_match).await?;
    Ok(([etag(u.version)], Json(InfoUpdateView::of(&u))).into_response())
}

// ---- re-reviews (same record as declarations, kind re_review) ---------------------------------------------------------

async fn create_re_review(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<TierBody>,
) -> ApiResult<Response> {
    let d = rereviews::create(&s, &c, &body.tier).await?;
    let view = DeclarationView::of(&d).with_form_spec(&d.value);
    Ok((StatusCode::CREATED, [etag(d.version)], Json(view)).into_response())
}

async fn list_re_reviews(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<DeclarationView>>> {
    let (items, next_cursor) = declarations::list(&s, &c, q.limit()?, q.cursor()).await?;
    let items = items
        .iter()
        .filter(|d| d.value.kind == Kind::ReReview)
        .map(DeclarationView::of)
        .collect();
    Ok(Json(Page::new(items, next_cursor)))
}

async fn save_re_review(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
    JsonBody(body): JsonBody<SaveDeclarationBody>,
) -> ApiResult<Response> {
    rereviews::load_own(&s, &c, &id).await?;
    let saved = declarations::save(&s, &c, &id, if_match, body.form).await?;
    let view = DeclarationView::of(&saved.declaration).with_form_problems(saved.problems);
    Ok(([etag(saved.declaration.version)], Json(view)).into_response())
}

async fn submit_re_review(
    State(s): State<AppState>,
    Caller(c): Caller,
    Path(id): Path<String>,
    IfMatch(if_match): IfMatch,
) -> ApiResult<Response> {
    let d = rereviews::submit(&s, &c, &id, if_match).await?;
    Ok(([etag(d.version)], Json(DeclarationView::of(&d))).into_response())
}

// ---- major-change reports -------------------------------------------------------------------------------------------

async fn create_change_report(
    State(s): State<AppState>,
    Caller(c): Caller,
    JsonBody(body): JsonBody<change_reports::NewChangeReport>,
) -> ApiResult<(StatusCode, Json<ChangeReportView>)> {
    let r = change_reports::create(&s, &c, &body).await?;
    Ok((StatusCode::CREATED, Json(change_reports::view(&r))))
}

async fn list_change_reports(
    State(s): State<AppState>,
    Caller(c): Caller,
    QueryParams(q): QueryParams<PageParams>,
) -> ApiResult<Json<Page<ChangeReportView>>> {
    let (items, next_cursor) = change_reports::list(&s, &c, q.limit()?, q.cursor()).await?;
    Ok(Json(Page::new(
        items.iter().map(change_reports::view).collect(),
        next_cursor,
    )))
}
