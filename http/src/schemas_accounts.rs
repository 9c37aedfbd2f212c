//! Response schemas of the enterprises' and recovery routes (accounts, sessions, real-name, password resets,
//! phone changes, USCC claims, messages, evidence, declarations' side routes, digital assessment, information
//! updates, re-reviews, change reports, catalogs, public and health routes), for the OpenAPI document. Like
//! `response_schemas.rs`, these structs describe what the handlers write; fields that may be absent or `null` are
//! `Option`s; no schema forbids extra members. Richer views whose members are still assembled as JSON by the
//! handlers (the enterprise profile, the advisor, an assessment) are described by their stable members only.

use utoipa::ToSchema;

use crate::response_schemas::AnyJson;
use shared::services::evidence::Listed;
use shared::services::recovery_documents::{OnFile, SlotView};

/// `GET /v1/health/<function>`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct HealthAnswer {
    /// `ok`.
    pub status: String,
    pub function: String,
}

/// A phone change as its requester sees it (`POST /v1/phone-changes` adds `query_code` and `message`).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhoneChangeView {
    pub id: String,
    /// `email` or `manual`.
    pub method: String,
    /// `awaiting_code`, `pending_review`, `completed`, `rejected`.
    pub status: String,
    /// Masked.
    pub new_phone: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    /// Shown once, with the request: needed to read the request and file its documents.
    pub query_code: Option<String>,
    pub message: Option<String>,
}

/// A phone change as an operator sees it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OperatorPhoneChange {
    pub id: String,
    pub method: String,
    pub status: String,
    /// In full.
    pub new_phone: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    pub login_name: Option<String>,
    pub uscc: Option<String>,
    pub enterprise_name: Option<String>,
    pub contact_name: Option<String>,
    pub id_number: Option<String>,
    pub reason: Option<String>,
    /// Whether the login named an account (a request for no account never completes).
    pub account_found: bool,
    /// The deciding operator's account id (the detail view).
    pub decided_by: Option<String>,
}

/// `GET /v1/admin/phone-changes/{id}`: the request, its documents, what is on file for the account.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PhoneChangeReview {
    pub change: OperatorPhoneChange,
    /// `null` when the login named no account.
    pub on_file: Option<OnFile>,
    pub slots: Vec<SlotView>,
    pub documents: Vec<Listed>,
    pub missing_documents: Vec<String>,
}

/// A manual real-name check as an operator sees it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RealNameReviewView {
    pub id: String,
    pub account_id: String,
    pub login_name: String,
    /// The subject as requested (`subject_type` and its fields).
    #[schema(value_type = Object)]
    pub subject: AnyJson,
    pub reason: String,
    /// `pending`, `approved`, `rejected`.
    pub status: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
}

/// `GET /v1/public/verify-key`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerifyKeyAnswer {
    /// `Ed25519`.
    pub algorithm: String,
    pub public_key_pem: String,
    pub public_key_base64: String,
    pub message_format: String,
    pub how_to_verify: String,
}

/// `GET /v1/openapi.json`: this document.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OpenApiDocument {
    pub openapi: String,
}
