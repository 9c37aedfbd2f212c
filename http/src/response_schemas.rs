//! Schemas of the JSON the handlers answer, for the OpenAPI document (the web front end's types are generated
//! from it). These types are descriptions only: the handlers build their views elsewhere (`views.rs`, the
//! functions' `account_view`, …) and these structs must say exactly what those write. Fields the handlers may
//! leave out or set to `null` are `Option`s (not required, nullable); no schema forbids extra members.

use utoipa::openapi::schema::{Schema, SchemaType};
use utoipa::openapi::{ObjectBuilder, RefOr};
use utoipa::{PartialSchema, ToSchema};

use shared::domain::declaration::{Kind, Status};
use shared::domain::principal::Role;
use shared::domain::tier::Tier;
use shared::error::FieldError;
use shared::rules::tiers::FormSpec;

/// Any JSON value (a form's answers, a stored snapshot): described as "anything".
pub struct AnyJson;

impl PartialSchema for AnyJson {
    fn schema() -> RefOr<Schema> {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .build(),
        ))
    }
}

impl ToSchema for AnyJson {}

/// A real-name subject as shown to the account's owner.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SubjectView {
    /// `legal_person` or `natural_person`.
    pub subject_type: String,
    pub uscc: Option<String>,
    pub enterprise_name: Option<String>,
    pub legal_representative: Option<String>,
    /// A natural person's name.
    pub name: Option<String>,
}

/// The state of an account's real-name verification.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerificationView {
    /// `unverified`, `pending`, `verified` or `rejected`.
    pub status: String,
    pub requested_at: Option<String>,
    pub verified_at: Option<String>,
    pub rejected_at: Option<String>,
    pub reason: Option<String>,
    pub subject: Option<SubjectView>,
}

/// An official's level and region.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OfficialView {
    pub level: String,
    /// The region's code; absent for the ministry.
    pub region: Option<String>,
    /// Its names from the province down (`浙江省 / 杭州市 / 西湖区`); absent for the ministry.
    pub region_name: Option<String>,
}

/// `GET /v1/accounts/me`: the account as its owner sees it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct AccountView {
    pub account_id: String,
    pub login_name: String,
    pub role: Role,
    pub role_label: String,
    /// The verified USCC of a legal-person account.
    pub uscc: Option<String>,
    /// Masked: `138****5678`.
    pub phone: String,
    pub email: Option<String>,
    pub verification: VerificationView,
    pub official: Option<OfficialView>,
    pub created_at: String,
}

/// `POST /v1/accounts` (201).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CreatedAccount {
    pub account_id: String,
    pub account: AccountView,
}

/// `POST /v1/sessions` (201).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SessionView {
    pub token: String,
    /// `Bearer`.
    pub token_type: String,
    pub expires_at: String,
    pub account: AccountView,
}

/// `POST /v1/accounts/me/real-name`: a new token (carrying the new role) once verified.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RealNameResult {
    /// `verified` or `pending`.
    pub status: String,
    pub account: AccountView,
    pub token: Option<String>,
    pub expires_at: Option<String>,
}

/// `POST /v1/password-resets` (202).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MessageAnswer {
    pub message: String,
}

/// One node of a cascading picker (regions and industries).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CatalogEntry {
    pub code: String,
    pub name: String,
    /// Regions: `province`, `city`, `county`; industries: `section`, `division`, `group`, `class`.
    pub level: String,
    pub has_children: bool,
}

/// `GET /v1/catalog/regions` · `GET /v1/catalog/industries`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CatalogPage {
    pub items: Vec<CatalogEntry>,
}

/// The fixed record of a submission.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SnapshotView {
    pub submitted_at: String,
    pub rule_version: String,
    pub sha256: String,
    /// The tier engine's assessment at submission (`null` when absent).
    pub assessment: Option<AnyJson>,
}

/// The form of a declaration's tier under the rule version in force.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct FormSpecView {
    pub rule_version: String,
    pub spec: FormSpec,
}

/// A declaration (or re-review) as its enterprise and reviewers see it. `form_spec` comes with create and read,
/// `form_problems` with read and save.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DeclarationView {
    pub id: String,
    pub kind: Kind,
    pub uscc: String,
    pub enterprise_name: String,
    pub tier: Tier,
    pub tier_label: String,
    pub year: i32,
    /// Six-digit region code.
    pub region: String,
    pub region_name: String,
    pub status: Status,
    pub status_label: String,
    /// The level reviewing it now (`county`, `city`, `province`, `ministry`).
    pub level: Option<String>,
    /// The review chain's levels, first to last.
    pub chain: Vec<String>,
    pub withdrawable: bool,
    pub resubmit_forbidden: bool,
    /// The tier form's answers by field id.
    #[schema(value_type = Object)]
    pub form: AnyJson,
    pub submissions: u32,
    /// The officials' latest comment (a returned declaration's reason).
    pub last_comment: Option<String>,
    pub snapshot: Option<SnapshotView>,
    pub waiting_since: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: u64,
    pub form_spec: Option<FormSpecView>,
    pub form_problems: Option<Vec<FieldError>>,
}

/// `GET /v1/declarations`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DeclarationPage {
    pub items: Vec<DeclarationView>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/declarations/{id}/history`: the audit trail, oldest first.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct HistoryPage {
    pub items: Vec<shared::services::declarations::HistoryEntry>,
    pub next_cursor: Option<String>,
}

/// `GET /v1/declarations/{id}/evidence` (and the information-update list): files with download links.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct EvidenceList {
    pub items: Vec<shared::services::evidence::Listed>,
    pub next_cursor: Option<String>,
}

/// An enterprise on the public list of a batch.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RecognizedEnterprise {
    pub enterprise_name: String,
    pub uscc: String,
    pub region: String,
}

/// One closed publicity list: the enterprises it recognised.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RecognitionBatch {
    pub batch: String,
    pub title: String,
    pub tier: Tier,
    pub closed_at: Option<String>,
    /// China date the recognition took effect.
    pub valid_from: Option<String>,
    pub enterprises: Vec<RecognizedEnterprise>,
}

/// `GET /v1/public/recognitions?tier=`: closed batches, newest first.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RecognitionPage {
    pub items: Vec<RecognitionBatch>,
    pub next_cursor: Option<String>,
}

/// The response schema of a route, when the document describes it (a name under `components.schemas`).
/// The platform's signature of an application document's digest, to check offline.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct DigestSignature {
    /// `Ed25519`.
    pub algorithm: String,
    /// `base64`.
    pub encoding: String,
    pub value: String,
    /// The signed text: `sme-application-digest/v1\n{declaration_id}\n{sha256}`.
    pub message: String,
    pub message_format: String,
    /// Where the public key is published (`/v1/public/verify-key`).
    pub public_key: String,
}

/// The answer of `GET /v1/public/verify/{declaration_id}`: "一致" with what the paper may be checked against, or
/// "不一致" with nothing about the declaration.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct VerificationAnswer {
    pub declaration_id: Option<String>,
    /// `一致` or `不一致`.
    pub result: String,
    pub matches: bool,
    /// Why it does not match (only for "不一致").
    pub detail: Option<String>,
    pub enterprise_name: Option<String>,
    pub tier: Option<Tier>,
    pub tier_label: Option<String>,
    pub year: Option<i32>,
    /// RFC 3339, UTC.
    pub submitted_at: Option<String>,
    pub status: Option<Status>,
    pub status_label: Option<String>,
    pub digest: Option<String>,
    pub signature: Option<DigestSignature>,
}

pub fn response_schema(id: crate::routes::RouteId) -> Option<&'static str> {
    use crate::routes::RouteId::*;
    Some(match id {
        GetMyAccount => "AccountView",
        CreateAccount => "CreatedAccount",
        CreateSession => "SessionView",
        RealName => "RealNameResult",
        RequestPasswordReset => "MessageAnswer",
        CatalogRegions | CatalogIndustries => "CatalogPage",
        ListDeclarations => "DeclarationPage",
        CreateDeclaration | GetDeclaration | SaveDeclaration | SubmitDeclaration => {
            "DeclarationView"
        }
        CreateEvidence | CreateUpdateEvidence => "UploadTicket",
        CompleteEvidence | CompleteUpdateEvidence => "Evidence",
        ListMessages => "MessagePage",
        GetHistory => "HistoryPage",
        ListEvidence | ListUpdateEvidence => "EvidenceList",
        GetDigitalQuestionnaire => "Questionnaire",
        PublicRecognitions => "RecognitionPage",
        VerifyApplication => "VerificationAnswer",
        _ => {
            // The workbench's schemas first: the screens read them (the account routes' file holds the rest).
            return crate::schemas_workbench::response_schema(id)
                .or_else(|| crate::schemas_accounts::response_schema(id));
        }
    })
}

/// The schemas [`response_schema`] names, with the ones they refer to.
pub fn schemas() -> Vec<(String, RefOr<Schema>)> {
    fn entry<T: ToSchema + PartialSchema>(all: &mut Vec<(String, RefOr<Schema>)>) {
        all.push((T::name().into_owned(), T::schema()));
        T::schemas(all);
    }
    let mut all = Vec::new();
    entry::<AccountView>(&mut all);
    entry::<CreatedAccount>(&mut all);
    entry::<SessionView>(&mut all);
    entry::<RealNameResult>(&mut all);
    entry::<MessageAnswer>(&mut all);
    entry::<CatalogPage>(&mut all);
    entry::<DeclarationView>(&mut all);
    entry::<DeclarationPage>(&mut all);
    entry::<RecognitionPage>(&mut all);
    entry::<HistoryPage>(&mut all);
    entry::<EvidenceList>(&mut all);
    entry::<shared::rules::digital::Questionnaire>(&mut all);
    entry::<shared::services::evidence::UploadTicket>(&mut all);
    entry::<shared::services::evidence::Evidence>(&mut all);
    entry::<shared::services::messages::MessagePage>(&mut all);
    entry::<VerificationAnswer>(&mut all);
    all.extend(crate::schemas_accounts::schemas());
    all.extend(crate::schemas_workbench::schemas());
    all
}
