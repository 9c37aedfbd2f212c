//! The authorisation matrix of the admin routes (issue 4): every `/v1/admin/...` route of the route table ×
//! every kind of caller → the status (and stable code) the services define. The record is a Zhejiang county
//! enterprise (西湖区 330106) with a submitted declaration; "inside" and "outside" officials are inside or
//! outside that region at their level. Records outside an official's jurisdiction are 404, never 403.
//!
//! The matrix is data ([`MATRIX`], one row per route × caller). The test walks the route table, not the matrix,
//! so an admin route added to `ROUTES` without rows here fails the test.
//!
//! Rows expecting a success change state (start a review, decide, publish, object, close, decide a manual
//! check); each of those uses a fixture of its own, prepared up front, so the order of the rows does not matter.

use std::collections::BTreeMap;

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};
use sme_http::routes::{ROUTES, RouteId};

const YEAR: i32 = 2026;
/// Fixtures are prepared here (inside the Zhejiang window)…
const PREPARED: &str = "2026-05-10T10:00:00+08:00";
/// …and the matrix runs here: the one-day publicity list has ended, the seven-day ones are still open.
const MATRIX_AT: &str = "2026-05-12T10:00:00+08:00";
const RECORD_REGION: &str = "330106";

/// The callers of the matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    /// The enterprise that owns the record.
    Enterprise,
    NaturalPerson,
    /// County official of 330106 (西湖区).
    CountyIn,
    /// County official of 330108 (滨江区, same city).
    CountyOut,
    /// City official of 330100 (杭州市).
    CityIn,
    /// City official of 330200 (宁波市).
    CityOut,
    /// Province official of 330000 (浙江省).
    ProvinceIn,
    /// Province official of 320000 (江苏省).
    ProvinceOut,
    Ministry,
    Operator,
}

const EVERYONE: [Who; 11] = [
    Who::Anonymous,
    Who::Enterprise,
    Who::NaturalPerson,
    Who::CountyIn,
    Who::CountyOut,
    Who::CityIn,
    Who::CityOut,
    Who::ProvinceIn,
    Who::ProvinceOut,
    Who::Ministry,
    Who::Operator,
];

use RouteId as R;
use Who::*;

const UNAUTH: &str = "UNAUTHENTICATED";
const FORBIDDEN: &str = "FORBIDDEN";
const NOT_FOUND: &str = "NOT_FOUND";
const INVALID_STATE: &str = "INVALID_STATE";
const VALIDATION: &str = "VALIDATION_FAILED";

/// route × caller → status and stable code (`""` for successes).
#[rustfmt::skip]
const MATRIX: &[(RouteId, Who, u16, &str)] = &[
    // GET /v1/admin/queue — officials only; what waits at the caller's own level and region.
    (R::Queue, Anonymous, 401, UNAUTH),
    (R::Queue, Enterprise, 403, FORBIDDEN),
    (R::Queue, NaturalPerson, 403, FORBIDDEN),
    (R::Queue, CountyIn, 200, ""),
    (R::Queue, CountyOut, 200, ""),
    (R::Queue, CityIn, 200, ""),
    (R::Queue, CityOut, 200, ""),
    (R::Queue, ProvinceIn, 200, ""),
    (R::Queue, ProvinceOut, 200, ""),
    (R::Queue, Ministry, 200, ""),
    (R::Queue, Operator, 403, FORBIDDEN),
    // POST /v1/admin/info-updates/{id}/decision — county officials of the enterprise's region only; no update
    // exists in May (outside the update period), so inside the county the id is simply not found.
    (R::DecideInfoUpdate, Anonymous, 401, UNAUTH),
    (R::DecideInfoUpdate, Enterprise, 403, FORBIDDEN),
    (R::DecideInfoUpdate, NaturalPerson, 403, FORBIDDEN),
    (R::DecideInfoUpdate, CountyIn, 404, NOT_FOUND),
    (R::DecideInfoUpdate, CountyOut, 404, NOT_FOUND),
    (R::DecideInfoUpdate, CityIn, 403, FORBIDDEN),
    (R::DecideInfoUpdate, CityOut, 403, FORBIDDEN),
    (R::DecideInfoUpdate, ProvinceIn, 403, FORBIDDEN),
    (R::DecideInfoUpdate, ProvinceOut, 403, FORBIDDEN),
    (R::DecideInfoUpdate, Ministry, 403, FORBIDDEN),
    (R::DecideInfoUpdate, Operator, 403, FORBIDDEN),
    // POST /v1/admin/re-reviews/{id}/decision with the id of a (first) declaration: not a re-review, so 404 for
    // every official; other roles are refused before any lookup.
    (R::DecideReReview, Anonymous, 401, UNAUTH),
    (R::DecideReReview, Enterprise, 403, FORBIDDEN),
    (R::DecideReReview, NaturalPerson, 403, FORBIDDEN),
    (R::DecideReReview, CountyIn, 404, NOT_FOUND),
    (R::DecideReReview, CountyOut, 404, NOT_FOUND),
    (R::DecideReReview, CityIn, 404, NOT_FOUND),
    (R::DecideReReview, CityOut, 404, NOT_FOUND),
    (R::DecideReReview, ProvinceIn, 404, NOT_FOUND),
    (R::DecideReReview, ProvinceOut, 404, NOT_FOUND),
    (R::DecideReReview, Ministry, 404, NOT_FOUND),
    (R::DecideReReview, Operator, 403, FORBIDDEN),
    // POST /v1/admin/enterprises/{uscc}/re-review-eligibility {tier: innovative} — provinces (and operators);
    // the record's enterprise holds no innovative qualification, so the one allowed inside gets 409.
    (R::ReReviewEligibility, Anonymous, 401, UNAUTH),
    (R::ReReviewEligibility, Enterprise, 403, FORBIDDEN),
    (R::ReReviewEligibility, NaturalPerson, 403, FORBIDDEN),
    (R::ReReviewEligibility, CountyIn, 403, FORBIDDEN),
    (R::ReReviewEligibility, CountyOut, 403, FORBIDDEN),
    (R::ReReviewEligibility, CityIn, 403, FORBIDDEN),
    (R::ReReviewEligibility, CityOut, 403, FORBIDDEN),
    (R::ReReviewEligibility, ProvinceIn, 409, INVALID_STATE),
    (R::ReReviewEligibility, ProvinceOut, 404, NOT_FOUND),
    (R::ReReviewEligibility, Ministry, 403, FORBIDDEN),
    (R::ReReviewEligibility, Operator, 409, INVALID_STATE),
    // POST /v1/admin/change-reports/{id}/decision {accept} — the county of the enterprise's region.
    (R::DecideChangeReport, Anonymous, 401, UNAUTH),
    (R::DecideChangeReport, Enterprise, 403, FORBIDDEN),
    (R::DecideChangeReport, NaturalPerson, 403, FORBIDDEN),
    (R::DecideChangeReport, CountyIn, 200, ""),
    (R::DecideChangeReport, CountyOut, 404, NOT_FOUND),
    (R::DecideChangeReport, CityIn, 403, FORBIDDEN),
    (R::DecideChangeReport, CityOut, 403, FORBIDDEN),
    (R::DecideChangeReport, ProvinceIn, 403, FORBIDDEN),
    (R::DecideChangeReport, ProvinceOut, 403, FORBIDDEN),
    (R::DecideChangeReport, Ministry, 403, FORBIDDEN),
    (R::DecideChangeReport, Operator, 403, FORBIDDEN),
    // POST /v1/admin/enterprises/{uscc}/revocation {tier: innovative} — the level that recognises the tier (the
    // province) inside its jurisdiction, or an operator; there is no valid qualification to revoke: 409.
    (R::Revoke, Anonymous, 401, UNAUTH),
    (R::Revoke, Enterprise, 403, FORBIDDEN),
    (R::Revoke, NaturalPerson, 403, FORBIDDEN),
    (R::Revoke, CountyIn, 403, FORBIDDEN),
    (R::Revoke, CountyOut, 403, FORBIDDEN),
    (R::Revoke, CityIn, 403, FORBIDDEN),
    (R::Revoke, CityOut, 403, FORBIDDEN),
    (R::Revoke, ProvinceIn, 409, INVALID_STATE),
    (R::Revoke, ProvinceOut, 404, NOT_FOUND),
    (R::Revoke, Ministry, 403, FORBIDDEN),
    (R::Revoke, Operator, 409, INVALID_STATE),
    // POST /v1/admin/recognitions/import {csv} — a province for its own province, or an operator; a row of
    // another province refuses the file (422).
    (R::ImportRecognitions, Anonymous, 401, UNAUTH),
    (R::ImportRecognitions, Enterprise, 403, FORBIDDEN),
    (R::ImportRecognitions, NaturalPerson, 403, FORBIDDEN),
    (R::ImportRecognitions, CountyIn, 403, FORBIDDEN),
    (R::ImportRecognitions, CountyOut, 403, FORBIDDEN),
    (R::ImportRecognitions, CityIn, 403, FORBIDDEN),
    (R::ImportRecognitions, CityOut, 403, FORBIDDEN),
    (R::ImportRecognitions, ProvinceIn, 200, ""),
    (R::ImportRecognitions, ProvinceOut, 422, VALIDATION),
    (R::ImportRecognitions, Ministry, 403, FORBIDDEN),
    (R::ImportRecognitions, Operator, 200, ""),
    // POST /v1/admin/declarations/{id}/start — the record waits at the county level.
    (R::StartReview, Anonymous, 401, UNAUTH),
    (R::StartReview, Enterprise, 403, FORBIDDEN),
    (R::StartReview, NaturalPerson, 403, FORBIDDEN),
    (R::StartReview, CountyIn, 200, ""),
    (R::StartReview, CountyOut, 404, NOT_FOUND),
    (R::StartReview, CityIn, 409, INVALID_STATE),
    (R::StartReview, CityOut, 404, NOT_FOUND),
    (R::StartReview, ProvinceIn, 409, INVALID_STATE),
    (R::StartReview, ProvinceOut, 404, NOT_FOUND),
    (R::StartReview, Ministry, 409, INVALID_STATE),
    (R::StartReview, Operator, 403, FORBIDDEN),
    // POST /v1/admin/declarations/{id}/decision — a declaration under review at the county level.
    (R::DecideDeclaration, Anonymous, 401, UNAUTH),
    (R::DecideDeclaration, Enterprise, 403, FORBIDDEN),
    (R::DecideDeclaration, NaturalPerson, 403, FORBIDDEN),
    (R::DecideDeclaration, CountyIn, 200, ""),
    (R::DecideDeclaration, CountyOut, 404, NOT_FOUND),
    (R::DecideDeclaration, CityIn, 409, INVALID_STATE),
    (R::DecideDeclaration, CityOut, 404, NOT_FOUND),
    (R::DecideDeclaration, ProvinceIn, 409, INVALID_STATE),
    (R::DecideDeclaration, ProvinceOut, 404, NOT_FOUND),
    (R::DecideDeclaration, Ministry, 409, INVALID_STATE),
    (R::DecideDeclaration, Operator, 403, FORBIDDEN),
    // POST /v1/admin/publicity {tier: innovative, declaration_ids: [one awaiting publicity in Zhejiang]} — the
    // final level (province) only. Another province does not have it on its waiting list: 422, exactly as for
    // an id that does not exist (nothing leaks).
    (R::PublishPublicity, Anonymous, 401, UNAUTH),
    (R::PublishPublicity, Enterprise, 403, FORBIDDEN),
    (R::PublishPublicity, NaturalPerson, 403, FORBIDDEN),
    (R::PublishPublicity, CountyIn, 403, FORBIDDEN),
    (R::PublishPublicity, CountyOut, 403, FORBIDDEN),
    (R::PublishPublicity, CityIn, 403, FORBIDDEN),
    (R::PublishPublicity, CityOut, 403, FORBIDDEN),
    (R::PublishPublicity, ProvinceIn, 201, ""),
    (R::PublishPublicity, ProvinceOut, 422, VALIDATION),
    (R::PublishPublicity, Ministry, 403, FORBIDDEN),
    (R::PublishPublicity, Operator, 403, FORBIDDEN),
    // GET /v1/admin/publicity — every official's own level and scope (only the Zhejiang province has lists).
    (R::ListPublicity, Anonymous, 401, UNAUTH),
    (R::ListPublicity, Enterprise, 403, FORBIDDEN),
    (R::ListPublicity, NaturalPerson, 403, FORBIDDEN),
    (R::ListPublicity, CountyIn, 200, ""),
    (R::ListPublicity, CountyOut, 200, ""),
    (R::ListPublicity, CityIn, 200, ""),
    (R::ListPublicity, CityOut, 200, ""),
    (R::ListPublicity, ProvinceIn, 200, ""),
    (R::ListPublicity, ProvinceOut, 200, ""),
    (R::ListPublicity, Ministry, 200, ""),
    (R::ListPublicity, Operator, 403, FORBIDDEN),
    // GET /v1/admin/publicity/{id} — a list of the Zhejiang province: its publisher's level and scope only.
    (R::GetPublicity, Anonymous, 401, UNAUTH),
    (R::GetPublicity, Enterprise, 403, FORBIDDEN),
    (R::GetPublicity, NaturalPerson, 403, FORBIDDEN),
    (R::GetPublicity, CountyIn, 404, NOT_FOUND),
    (R::GetPublicity, CountyOut, 404, NOT_FOUND),
    (R::GetPublicity, CityIn, 404, NOT_FOUND),
    (R::GetPublicity, CityOut, 404, NOT_FOUND),
    (R::GetPublicity, ProvinceIn, 200, ""),
    (R::GetPublicity, ProvinceOut, 404, NOT_FOUND),
    (R::GetPublicity, Ministry, 404, NOT_FOUND),
    (R::GetPublicity, Operator, 403, FORBIDDEN),
    // POST /v1/admin/publicity/{id}/objection — during the period.
    (R::ObjectPublicity, Anonymous, 401, UNAUTH),
    (R::ObjectPublicity, Enterprise, 403, FORBIDDEN),
    (R::ObjectPublicity, NaturalPerson, 403, FORBIDDEN),
    (R::ObjectPublicity, CountyIn, 404, NOT_FOUND),
    (R::ObjectPublicity, CountyOut, 404, NOT_FOUND),
    (R::ObjectPublicity, CityIn, 404, NOT_FOUND),
    (R::ObjectPublicity, CityOut, 404, NOT_FOUND),
    (R::ObjectPublicity, ProvinceIn, 200, ""),
    (R::ObjectPublicity, ProvinceOut, 404, NOT_FOUND),
    (R::ObjectPublicity, Ministry, 404, NOT_FOUND),
    (R::ObjectPublicity, Operator, 403, FORBIDDEN),
    // POST /v1/admin/publicity/{id}/close — a list whose period has ended.
    (R::ClosePublicity, Anonymous, 401, UNAUTH),
    (R::ClosePublicity, Enterprise, 403, FORBIDDEN),
    (R::ClosePublicity, NaturalPerson, 403, FORBIDDEN),
    (R::ClosePublicity, CountyIn, 404, NOT_FOUND),
    (R::ClosePublicity, CountyOut, 404, NOT_FOUND),
    (R::ClosePublicity, CityIn, 404, NOT_FOUND),
    (R::ClosePublicity, CityOut, 404, NOT_FOUND),
    (R::ClosePublicity, ProvinceIn, 200, ""),
    (R::ClosePublicity, ProvinceOut, 404, NOT_FOUND),
    (R::ClosePublicity, Ministry, 404, NOT_FOUND),
    (R::ClosePublicity, Operator, 403, FORBIDDEN),
    // GET /v1/admin/enterprises/{uscc} — officials with jurisdiction, and operators.
    (R::AdminEnterprise, Anonymous, 401, UNAUTH),
    (R::AdminEnterprise, Enterprise, 403, FORBIDDEN),
    (R::AdminEnterprise, NaturalPerson, 403, FORBIDDEN),
    (R::AdminEnterprise, CountyIn, 200, ""),
    (R::AdminEnterprise, CountyOut, 404, NOT_FOUND),
    (R::AdminEnterprise, CityIn, 200, ""),
    (R::AdminEnterprise, CityOut, 404, NOT_FOUND),
    (R::AdminEnterprise, ProvinceIn, 200, ""),
    (R::AdminEnterprise, ProvinceOut, 404, NOT_FOUND),
    (R::AdminEnterprise, Ministry, 200, ""),
    (R::AdminEnterprise, Operator, 200, ""),
    // GET /v1/admin/statistics — every official (its own jurisdiction) and operators.
    (R::Statistics, Anonymous, 401, UNAUTH),
    (R::Statistics, Enterprise, 403, FORBIDDEN),
    (R::Statistics, NaturalPerson, 403, FORBIDDEN),
    (R::Statistics, CountyIn, 200, ""),
    (R::Statistics, CountyOut, 200, ""),
    (R::Statistics, CityIn, 200, ""),
    (R::Statistics, CityOut, 200, ""),
    (R::Statistics, ProvinceIn, 200, ""),
    (R::Statistics, ProvinceOut, 200, ""),
    (R::Statistics, Ministry, 200, ""),
    (R::Statistics, Operator, 200, ""),
    // GET /v1/admin/windows?tier=innovative&year=2026 — officials (their province's) and operators.
    (R::ListWindows, Anonymous, 401, UNAUTH),
    (R::ListWindows, Enterprise, 403, FORBIDDEN),
    (R::ListWindows, NaturalPerson, 403, FORBIDDEN),
    (R::ListWindows, CountyIn, 200, ""),
    (R::ListWindows, CountyOut, 200, ""),
    (R::ListWindows, CityIn, 200, ""),
    (R::ListWindows, CityOut, 200, ""),
    (R::ListWindows, ProvinceIn, 200, ""),
    (R::ListWindows, ProvinceOut, 200, ""),
    (R::ListWindows, Ministry, 200, ""),
    (R::ListWindows, Operator, 200, ""),
    // POST /v1/admin/windows {innovative, 2027, 330000} — the province itself, or an operator.
    (R::CreateWindow, Anonymous, 401, UNAUTH),
    (R::CreateWindow, Enterprise, 403, FORBIDDEN),
    (R::CreateWindow, NaturalPerson, 403, FORBIDDEN),
    (R::CreateWindow, CountyIn, 403, FORBIDDEN),
    (R::CreateWindow, CountyOut, 403, FORBIDDEN),
    (R::CreateWindow, CityIn, 403, FORBIDDEN),
    (R::CreateWindow, CityOut, 403, FORBIDDEN),
    (R::CreateWindow, ProvinceIn, 201, ""),
    (R::CreateWindow, ProvinceOut, 403, FORBIDDEN),
    (R::CreateWindow, Ministry, 403, FORBIDDEN),
    (R::CreateWindow, Operator, 201, ""),
    // PATCH /v1/admin/windows/{id} {closes_at} on the Zhejiang innovative 2027 window — the province itself or an
    // operator; officials of the province below it see it (403), another province does not (404).
    (R::ChangeWindow, Anonymous, 401, UNAUTH),
    (R::ChangeWindow, Enterprise, 403, FORBIDDEN),
    (R::ChangeWindow, NaturalPerson, 403, FORBIDDEN),
    (R::ChangeWindow, CountyIn, 403, FORBIDDEN),
    (R::ChangeWindow, CountyOut, 403, FORBIDDEN),
    (R::ChangeWindow, CityIn, 403, FORBIDDEN),
    (R::ChangeWindow, CityOut, 403, FORBIDDEN),
    (R::ChangeWindow, ProvinceIn, 200, ""),
    (R::ChangeWindow, ProvinceOut, 404, NOT_FOUND),
    (R::ChangeWindow, Ministry, 403, FORBIDDEN),
    (R::ChangeWindow, Operator, 200, ""),
    // POST /v1/admin/officials {county, 330106} — operators, or officials above the county containing it.
    (R::CreateOfficial, Anonymous, 401, UNAUTH),
    (R::CreateOfficial, Enterprise, 403, FORBIDDEN),
    (R::CreateOfficial, NaturalPerson, 403, FORBIDDEN),
    (R::CreateOfficial, CountyIn, 403, FORBIDDEN),
    (R::CreateOfficial, CountyOut, 403, FORBIDDEN),
    (R::CreateOfficial, CityIn, 201, ""),
    (R::CreateOfficial, CityOut, 403, FORBIDDEN),
    (R::CreateOfficial, ProvinceIn, 201, ""),
    (R::CreateOfficial, ProvinceOut, 403, FORBIDDEN),
    (R::CreateOfficial, Ministry, 201, ""),
    (R::CreateOfficial, Operator, 201, ""),
    // GET /v1/admin/phone-changes — operators' manual checks.
    (R::ListPhoneChanges, Anonymous, 401, UNAUTH),
    (R::ListPhoneChanges, Enterprise, 403, FORBIDDEN),
    (R::ListPhoneChanges, NaturalPerson, 403, FORBIDDEN),
    (R::ListPhoneChanges, CountyIn, 403, FORBIDDEN),
    (R::ListPhoneChanges, CountyOut, 403, FORBIDDEN),
    (R::ListPhoneChanges, CityIn, 403, FORBIDDEN),
    (R::ListPhoneChanges, CityOut, 403, FORBIDDEN),
    (R::ListPhoneChanges, ProvinceIn, 403, FORBIDDEN),
    (R::ListPhoneChanges, ProvinceOut, 403, FORBIDDEN),
    (R::ListPhoneChanges, Ministry, 403, FORBIDDEN),
    (R::ListPhoneChanges, Operator, 200, ""),
    // POST /v1/admin/phone-changes/{id}/decision — a pending manual phone change.
    (R::DecidePhoneChange, Anonymous, 401, UNAUTH),
    (R::DecidePhoneChange, Enterprise, 403, FORBIDDEN),
    (R::DecidePhoneChange, NaturalPerson, 403, FORBIDDEN),
    (R::DecidePhoneChange, CountyIn, 403, FORBIDDEN),
    (R::DecidePhoneChange, CountyOut, 403, FORBIDDEN),
    (R::DecidePhoneChange, CityIn, 403, FORBIDDEN),
    (R::DecidePhoneChange, CityOut, 403, FORBIDDEN),
    (R::DecidePhoneChange, ProvinceIn, 403, FORBIDDEN),
    (R::DecidePhoneChange, ProvinceOut, 403, FORBIDDEN),
    (R::DecidePhoneChange, Ministry, 403, FORBIDDEN),
    (R::DecidePhoneChange, Operator, 200, ""),
    // GET /v1/admin/phone-changes/{id} — a manual phone change with its documents and what is on file.
    (R::GetPhoneChangeReview, Anonymous, 401, UNAUTH),
    (R::GetPhoneChangeReview, Enterprise, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, NaturalPerson, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, CountyIn, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, CountyOut, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, CityIn, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, CityOut, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, ProvinceIn, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, ProvinceOut, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, Ministry, 403, FORBIDDEN),
    (R::GetPhoneChangeReview, Operator, 200, ""),
    // GET /v1/admin/uscc-claims — operators' queue of USCC claims.
    (R::ListUsccClaims, Anonymous, 401, UNAUTH),
    (R::ListUsccClaims, Enterprise, 403, FORBIDDEN),
    (R::ListUsccClaims, NaturalPerson, 403, FORBIDDEN),
    (R::ListUsccClaims, CountyIn, 403, FORBIDDEN),
    (R::ListUsccClaims, CountyOut, 403, FORBIDDEN),
    (R::ListUsccClaims, CityIn, 403, FORBIDDEN),
    (R::ListUsccClaims, CityOut, 403, FORBIDDEN),
    (R::ListUsccClaims, ProvinceIn, 403, FORBIDDEN),
    (R::ListUsccClaims, ProvinceOut, 403, FORBIDDEN),
    (R::ListUsccClaims, Ministry, 403, FORBIDDEN),
    (R::ListUsccClaims, Operator, 200, ""),
    // GET /v1/admin/uscc-claims/{id} — no such claim: operators are told so, others are refused first.
    (R::GetUsccClaimReview, Anonymous, 401, UNAUTH),
    (R::GetUsccClaimReview, Enterprise, 403, FORBIDDEN),
    (R::GetUsccClaimReview, NaturalPerson, 403, FORBIDDEN),
    (R::GetUsccClaimReview, CountyIn, 403, FORBIDDEN),
    (R::GetUsccClaimReview, CountyOut, 403, FORBIDDEN),
    (R::GetUsccClaimReview, CityIn, 403, FORBIDDEN),
    (R::GetUsccClaimReview, CityOut, 403, FORBIDDEN),
    (R::GetUsccClaimReview, ProvinceIn, 403, FORBIDDEN),
    (R::GetUsccClaimReview, ProvinceOut, 403, FORBIDDEN),
    (R::GetUsccClaimReview, Ministry, 403, FORBIDDEN),
    (R::GetUsccClaimReview, Operator, 404, NOT_FOUND),
    // POST /v1/admin/uscc-claims/{id}/decision — no such claim, as above.
    (R::DecideUsccClaim, Anonymous, 401, UNAUTH),
    (R::DecideUsccClaim, Enterprise, 403, FORBIDDEN),
    (R::DecideUsccClaim, NaturalPerson, 403, FORBIDDEN),
    (R::DecideUsccClaim, CountyIn, 403, FORBIDDEN),
    (R::DecideUsccClaim, CountyOut, 403, FORBIDDEN),
    (R::DecideUsccClaim, CityIn, 403, FORBIDDEN),
    (R::DecideUsccClaim, CityOut, 403, FORBIDDEN),
    (R::DecideUsccClaim, ProvinceIn, 403, FORBIDDEN),
    (R::DecideUsccClaim, ProvinceOut, 403, FORBIDDEN),
    (R::DecideUsccClaim, Ministry, 403, FORBIDDEN),
    (R::DecideUsccClaim, Operator, 404, NOT_FOUND),
    // GET /v1/admin/real-name-reviews
    (R::ListRealNameReviews, Anonymous, 401, UNAUTH),
    (R::ListRealNameReviews, Enterprise, 403, FORBIDDEN),
    (R::ListRealNameReviews, NaturalPerson, 403, FORBIDDEN),
    (R::ListRealNameReviews, CountyIn, 403, FORBIDDEN),
    (R::ListRealNameReviews, CountyOut, 403, FORBIDDEN),
    (R::ListRealNameReviews, CityIn, 403, FORBIDDEN),
    (R::ListRealNameReviews, CityOut, 403, FORBIDDEN),
    (R::ListRealNameReviews, ProvinceIn, 403, FORBIDDEN),
    (R::ListRealNameReviews, ProvinceOut, 403, FORBIDDEN),
    (R::ListRealNameReviews, Ministry, 403, FORBIDDEN),
    (R::ListRealNameReviews, Operator, 200, ""),
    // POST /v1/admin/real-name-reviews/{id}/decision — a pending manual real-name check.
    (R::DecideRealNameReview, Anonymous, 401, UNAUTH),
    (R::DecideRealNameReview, Enterprise, 403, FORBIDDEN),
    (R::DecideRealNameReview, NaturalPerson, 403, FORBIDDEN),
    (R::DecideRealNameReview, CountyIn, 403, FORBIDDEN),
    (R::DecideRealNameReview, CountyOut, 403, FORBIDDEN),
    (R::DecideRealNameReview, CityIn, 403, FORBIDDEN),
    (R::DecideRealNameReview, CityOut, 403, FORBIDDEN),
    (R::DecideRealNameReview, ProvinceIn, 403, FORBIDDEN),
    (R::DecideRealNameReview, ProvinceOut, 403, FORBIDDEN),
    (R::DecideRealNameReview, Ministry, 403, FORBIDDEN),
    (R::DecideRealNameReview, Operator, 200, ""),
];

fn is_admin(path: &str) -> bool {
    path.starts_with("/v1/admin/")
}

fn row(route: RouteId, who: Who) -> Option<(u16, &'static str)> {
    let mut found = MATRIX
        .iter()
        .filter(|(r, w, _, _)| *r == route && *w == who);
    let first = found.next().map(|(_, _, status, code)| (*status, *code));
    assert!(
        found.next().is_none(),
        "{route:?} × {who:?} appears twice in the matrix"
    );
    first
}

/// Pure bookkeeping, no server: the matrix and the route table agree.
#[test]
fn the_matrix_covers_every_admin_route_and_every_caller_exactly_once() {
    let mut missing = Vec::new();
    for route in ROUTES.iter().filter(|r| is_admin(r.path)) {
        for who in EVERYONE {
            if row(route.id, who).is_none() {
                missing.push(format!("{} {} × {who:?}", route.method, route.path));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "admin routes without a row in the authorisation matrix:\n{}",
        missing.join("\n")
    );
    for (route, who, status, code) in MATRIX {
        let r = ROUTES
            .iter()
            .find(|r| r.id == *route)
            .unwrap_or_else(|| panic!("{route:?} is not in the route table"));
        assert!(is_admin(r.path), "{route:?} is not an admin route");
        assert!(
            [200, 201, 401, 403, 404, 409, 422].contains(status),
            "{route:?} × {who:?}: {status}"
        );
        assert_eq!(
            code.is_empty(),
            (200..300).contains(status),
            "{route:?} × {who:?}: a success has no code, a refusal has one"
        );
    }
}

// ---- fixtures ------------------------------------------------------------------------------------------------------

/// A verified enterprise registered in `region` with a complete profile and an innovative declaration submitted
/// (waiting at the county level); returns it and the declaration id.
async fn submitted_firm(tp: &TestPlatform, n: u32, region: &str) -> (String, String) {
    let firm = tp
        .firm(
            &format!("firm{n}"),
            &crate::support::uscc(n, region),
            &format!("测试紧固件有限公司{n}"),
            &profile(region, &LAST_THREE_YEARS),
            None,
        )
        .await;
    let (id, submitted) = tp
        .submit_ready_declaration(&firm.token, "innovative", YEAR)
        .await;
    assert_eq!(
        (submitted["status"].as_str(), submitted["level"].as_str()),
        (Some("submitted"), Some("county"))
    );
    (firm.uscc, id)
}

const OFFICIALS: [(Who, &str, &str, Option<&str>); 8] = [
    (CountyIn, "county_in", "county", Some("330106")),
    (CountyOut, "county_out", "county", Some("330108")),
    (CityIn, "city_in", "city", Some("330100")),
    (CityOut, "city_out", "city", Some("330200")),
    (ProvinceIn, "province_in", "province", Some("330000")),
    (ProvinceOut, "province_out", "province", Some("320000")),
    (Ministry, "ministry", "ministry", None),
    (Operator, OPERATOR.0, "", None),
];

/// The part of the country a caller's lists may show (region code prefix), for officials and operators.
fn scope(who: Who) -> Option<&'static str> {
    match who {
        CountyIn => Some("330106"),
        CountyOut => Some("330108"),
        CityIn => Some("3301"),
        CityOut => Some("3302"),
        ProvinceIn => Some("33"),
        ProvinceOut => Some("32"),
        Ministry | Operator => Some(""),
        Anonymous | Enterprise | NaturalPerson => None,
    }
}

/// Tokens of every caller (logged in at the current clock).
async fn tokens(tp: &TestPlatform, firm_login: &str) -> BTreeMap<Who, String> {
    let mut out = BTreeMap::new();
    out.insert(Enterprise, tp.login(firm_login, PASSWORD).await);
    out.insert(NaturalPerson, tp.login("person1", PASSWORD).await);
    for (who, login, ..) in OFFICIALS {
        let password = if who == Operator {
            OPERATOR.1
        } else {
            PASSWORD
        };
        out.insert(who, tp.login(login, password).await);
    }
    out
}

async fn act(tp: &TestPlatform, who: &str, id: &str, what: &str, body: Option<Value>) {
    let token = tp.login(who, PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/admin/declarations/{id}/{what}"),
        Some(&token),
        body,
    )
    .await
    .expect(200);
}

/// Start and pass at county, city and province: the declaration then awaits publicity at the province.
async fn through_every_level(tp: &TestPlatform, id: &str) {
    for who in ["county_in", "city_in", "province_in"] {
        act(tp, who, id, "start", None).await;
        act(tp, who, id, "decision", Some(json!({"decision": "pass"}))).await;
    }
}

async fn publish(tp: &TestPlatform, ids: &[&str], days: i64) -> String {
    let token = tp.login("province_in", PASSWORD).await;
    let list = tp
        .call(
            "POST",
            "/v1/admin/publicity",
            Some(&token),
            Some(json!({"tier": "innovative", "days": days, "declaration_ids": ids})),
        )
        .await
        .expect(201);
    list.body["id"].as_str().unwrap().to_owned()
}

/// Everything the rows refer to. "Shared" fixtures serve the refusals (which change nothing); each success row
/// has its own.
struct Fixtures {
    /// The record's enterprise.
    uscc: String,
    /// The record: submitted, waiting at the county level.
    record: String,
    start_fresh: String,
    /// Under review at the county level.
    under_review: String,
    decide_fresh: String,
    /// Passed the province, waiting for publicity.
    awaiting_publicity: String,
    publish_fresh: String,
    /// An open list (7 days) and the declaration on it.
    open_list: String,
    on_open_list: String,
    /// An open list kept for the one objection that succeeds.
    objection_list: String,
    on_objection_list: String,
    /// A one-day list, ended by the time the matrix runs.
    ended_list: String,
    phone_change: String,
    real_name_review: String,
    /// A rename reported by the record's enterprise, waiting at the county.
    change_report: String,
    /// Zhejiang's innovative window of next year (not open yet).
    next_year_window: String,
}

async fn prepare(tp: &TestPlatform) -> Fixtures {
    tp.set_time(PREPARED);
    tp.open_window(
        "innovative",
        YEAR,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;
    let op = tp.operator().await;
    let next_year_window = tp
        .call(
            "POST",
            "/v1/admin/windows",
            Some(&op),
            Some(json!({"tier": "innovative", "year": YEAR + 1, "region": "330000",
                        "opens_at": "2027-05-01T00:00:00+08:00", "closes_at": "2027-06-01T00:00:00+08:00"})),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (who, login, level, region) in OFFICIALS {
        if who != Operator {
            tp.official(login, level, region).await;
        }
    }
    tp.natural_person("person1").await;

    let (uscc, record) = submitted_firm(tp, 1, RECORD_REGION).await;
    let firm_token = tp.login("firm1", PASSWORD).await;
    let report = tp
        .call(
            "POST",
            "/v1/change-reports",
            Some(&firm_token),
            Some(json!({"kind": "rename", "occurred_on": "2026-05-01", "details": "更名", "new_name": "杭州更名后科技有限公司"})),
        )
        .await
        .expect(201);
    let change_report = report.body["id"].as_str().unwrap().to_owned();
    let mut next = 2;
    let mut fresh = || {
        next += 1;
        next
    };
    let (_, start_fresh) = submitted_firm(tp, fresh(), RECORD_REGION).await;
    let (_, under_review) = submitted_firm(tp, fresh(), RECORD_REGION).await;
    act(tp, "county_in", &under_review, "start", None).await;
    let (_, decide_fresh) = submitted_firm(tp, fresh(), RECORD_REGION).await;
    act(tp, "county_in", &decide_fresh, "start", None).await;
    let mut passed = Vec::new();
    for _ in 0..5 {
        let (_, id) = submitted_firm(tp, fresh(), RECORD_REGION).await;
        through_every_level(tp, &id).await;
        passed.push(id);
    }
    let [
        awaiting_publicity,
        publish_fresh,
        on_open_list,
        on_objection_list,
        on_ended_list,
    ] = <[String; 5]>::try_from(passed).unwrap();
    let open_list = publish(tp, &[&on_open_list], 7).await;
    let objection_list = publish(tp, &[&on_objection_list], 7).await;
    let ended_list = publish(tp, &[&on_ended_list], 1).await;

    // A manual phone change and a manual real-name check, pending for an operator.
    tp.unverified("phone_user").await;
    let change = tp
        .call(
            "POST",
            "/v1/phone-changes",
            None,
            Some(json!({"login": "phone_user", "new_phone": "13500135002", "method": "manual",
                        "contact_name": "王五", "id_number": "330106199003071236", "reason": "原手机号已停用"})),
        )
        .await
        .expect(201);
    assert_eq!(change.body["status"], "pending_review", "{}", change.text);
    let phone_change = change.body["id"].as_str().unwrap().to_owned();
    // A manual check is decided on documents: the person's ID (the account is not an enterprise's).
    let code = change.body["query_code"].as_str().unwrap();
    crate::recovery_claims::file_document(
        tp,
        None,
        &format!("/v1/phone-changes/{phone_change}/documents"),
        &format!("?code={code}"),
        "id_card",
        crate::recovery_claims::png("身份证.png"),
    )
    .await;

    let pilot = tp.unverified("pilot_firm").await;
    let mut code = crate::support::uscc(900, RECORD_REGION);
    let wrong = if code.ends_with('0') { '1' } else { '0' };
    code.pop();
    code.push(wrong);
    let pending = tp
        .call(
            "POST",
            "/v1/accounts/me/real-name",
            Some(&pilot),
            Some(json!({"subject_type": "legal_person", "uscc": code, "enterprise_name": "早期试点企业",
                        "legal_representative": "赵六", "request_manual_review": true})),
        )
        .await
        .expect(200);
    assert_eq!(pending.body["status"], "pending", "{}", pending.text);
    let op = tp.operator().await;
    let reviews = tp
        .call("GET", "/v1/admin/real-name-reviews", Some(&op), None)
        .await
        .expect(200);
    let real_name_review = reviews.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["login_name"] == "pilot_firm")
        .expect("the pending real-name review")["id"]
        .as_str()
        .unwrap()
        .to_owned();

    Fixtures {
        uscc,
        record,
        start_fresh,
        under_review,
        decide_fresh,
        awaiting_publicity,
        publish_fresh,
        open_list,
        on_open_list,
        objection_list,
        on_objection_list,
        ended_list,
        phone_change,
        real_name_review,
        change_report,
        next_year_window,
    }
}

/// The request a row sends: method, path (placeholders filled) and body. `success` picks the row's own fixture
/// where a success changes state.
fn request(
    fx: &Fixtures,
    route: RouteId,
    who: Who,
    success: bool,
    path: &str,
) -> (String, Option<Value>) {
    let fill = |id: &str| path.replace("{id}", id);
    match route {
        R::Queue
        | R::Statistics
        | R::ListPhoneChanges
        | R::ListRealNameReviews
        | R::ListUsccClaims
        | R::ListPublicity => (path.to_owned(), None),
        R::ListWindows => (format!("{path}?tier=innovative&year={YEAR}"), None),
        R::CreateWindow => (
            path.to_owned(),
            Some(
                json!({"tier": "innovative", "year": YEAR + 1, "region": "330000",
                        "opens_at": "2027-05-01T00:00:00+08:00", "closes_at": "2027-06-01T00:00:00+08:00"}),
            ),
        ),
        R::ChangeWindow => (
            fill(&fx.next_year_window),
            Some(json!({"closes_at": "2027-06-15T00:00:00+08:00"})),
        ),
        R::CreateOfficial => {
            let login = format!("made_by_{}", format!("{who:?}").to_lowercase());
            (
                path.to_owned(),
                Some(
                    json!({"login_name": login, "password": PASSWORD, "phone": phone_for(&login),
                            "level": "county", "region": RECORD_REGION}),
                ),
            )
        }
        R::StartReview => (
            fill(if success { &fx.start_fresh } else { &fx.record }),
            None,
        ),
        R::DecideDeclaration => (
            fill(if success {
                &fx.decide_fresh
            } else {
                &fx.under_review
            }),
            Some(json!({"decision": "return", "comment": "请补充研发费用说明"})),
        ),
        R::PublishPublicity => {
            let id = if success {
                &fx.publish_fresh
            } else {
                &fx.awaiting_publicity
            };
            (
                path.to_owned(),
                Some(json!({"tier": "innovative", "declaration_ids": [id]})),
            )
        }
        R::GetPublicity => (fill(&fx.open_list), None),
        R::ObjectPublicity => {
            let (list, id) = if success {
                (&fx.objection_list, &fx.on_objection_list)
            } else {
                (&fx.open_list, &fx.on_open_list)
            };
            (
                fill(list),
                Some(json!({"declaration_id": id, "reason": "举报：知识产权权属存在争议"})),
            )
        }
        R::ClosePublicity => (
            fill(if success {
                &fx.ended_list
            } else {
                &fx.open_list
            }),
            None,
        ),
        R::AdminEnterprise => (path.replace("{uscc}", &fx.uscc), None),
        R::DecidePhoneChange => (fill(&fx.phone_change), Some(json!({"decision": "approve"}))),
        R::GetPhoneChangeReview => (fill(&fx.phone_change), None),
        R::GetUsccClaimReview => (fill("NOSUCHCLAIM"), None),
        R::DecideUsccClaim => (fill("NOSUCHCLAIM"), Some(json!({"decision": "approve"}))),
        R::DecideRealNameReview => (
            fill(&fx.real_name_review),
            Some(json!({"decision": "approve"})),
        ),
        R::DecideInfoUpdate => (fill("NOSUCHUPDATE"), Some(json!({"decision": "accept"}))),
        R::DecideReReview => (fill(&fx.record), Some(json!({"decision": "pass"}))),
        R::ReReviewEligibility => (
            path.replace("{uscc}", &fx.uscc),
            Some(json!({"tier": "innovative"})),
        ),
        R::DecideChangeReport => (fill(&fx.change_report), Some(json!({"decision": "accept"}))),
        R::Revoke => (
            path.replace("{uscc}", &fx.uscc),
            Some(json!({"tier": "innovative", "reason": "偷漏税"})),
        ),
        R::ImportRecognitions => (
            path.to_owned(),
            Some(json!({"csv": format!(
                "uscc,enterprise_name,tier,recognised_on,valid_until,batch\n{},杭州早年科技有限公司,specialized,2022-06-01,2025-05-31,2022年第一批\n",
                uscc(90, "330106")
            )})),
        ),
        other => panic!("no request defined for the admin route {other:?}: add it to `request`"),
    }
}

/// What a successful list answer must show of the record: in the jurisdiction, or not at all.
fn check_visibility(fx: &Fixtures, route: RouteId, who: Who, answer: &Answer) {
    // Every fixture is in Xihu (330106).
    let prefix = scope(who).expect("lists answer officials and operators only");
    let inside = RECORD_REGION.starts_with(prefix);
    match route {
        R::Queue => {
            let items = answer.body["items"].as_array().unwrap();
            for item in items {
                assert!(
                    item["region"].as_str().unwrap().starts_with(prefix),
                    "{who:?} sees {item}"
                );
            }
            // The record waits at the county level: only the county inside sees it in its queue.
            assert_eq!(
                items.iter().any(|i| i["id"] == fx.record.as_str()),
                who == CountyIn,
                "queue of {who:?}: {}",
                answer.text
            );
        }
        R::Statistics => {
            let total = answer.body["total"].as_u64().unwrap();
            assert_eq!(total > 0, inside, "statistics of {who:?}: {}", answer.text);
            if !inside {
                assert!(answer.body["counts"].as_array().unwrap().is_empty());
            }
        }
        R::ListPublicity => {
            let ids: Vec<&str> = answer.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["id"].as_str().unwrap())
                .collect();
            assert_eq!(
                ids.contains(&fx.open_list.as_str()),
                who == ProvinceIn,
                "lists of {who:?}: {}",
                answer.text
            );
        }
        R::AdminEnterprise => {
            assert_eq!(answer.body["uscc"], fx.uscc.as_str());
            let ids: Vec<&str> = answer.body["declarations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap())
                .collect();
            assert_eq!(ids, [fx.record.as_str()], "{who:?}");
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_admin_route_answers_every_caller_as_the_matrix_says() {
    let tp = start(Backend::Local).await;
    let fx = prepare(&tp).await;
    tp.set_time(MATRIX_AT);
    let tokens = tokens(&tp, "firm1").await;

    let mut failures = Vec::new();
    let mut checked = 0;
    for route in ROUTES.iter().filter(|r| is_admin(r.path)) {
        for who in EVERYONE {
            let Some((status, code)) = row(route.id, who) else {
                failures.push(format!(
                    "{} {} × {who:?}: no row in the matrix",
                    route.method, route.path
                ));
                continue;
            };
            let success = (200..300).contains(&status);
            let (path, body) = request(&fx, route.id, who, success, route.path);
            let token = tokens.get(&who).map(String::as_str);
            let answer = tp.call(route.method, &path, token, body).await;
            checked += 1;
            let got = (answer.status.as_u16(), answer.code().to_owned());
            if got != (status, code.to_owned()) {
                failures.push(format!(
                    "{} {path} × {who:?}: expected {status} {code}, got {} {} — {}",
                    route.method, got.0, got.1, answer.text
                ));
                continue;
            }
            if success {
                check_visibility(&fx, route.id, who, &answer);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} matrix rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, MATRIX.len());
}
