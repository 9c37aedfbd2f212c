//! How a declaration (or re-review) is shown to its enterprise and its reviewers.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use shared::domain::declaration::{Declaration, Kind, Status};
use shared::domain::principal::Level;
use shared::domain::tier::Tier;
use shared::domain::timestamp::Timestamp;
use shared::error::FieldError;
use shared::services::common::Versioned;
use shared::services::eligibility::{self, FormSpecView};

/// The fixed record of a submission.
#[derive(Serialize, ToSchema)]
pub struct SnapshotView {
    pub submitted_at: Timestamp,
    pub rule_version: String,
    pub sha256: String,
    /// The tier engine's assessment at submission, as frozen (`null` when absent).
    #[schema(value_type = Option<Object>)]
    pub assessment: Option<Value>,
}

/// A declaration (or re-review) as its enterprise and reviewers see it. `form_spec` comes with create and read,
/// `form_problems` with read and save.
#[derive(Serialize, ToSchema)]
pub struct DeclarationView {
    pub id: String,
    pub kind: Kind,
    pub uscc: String,
    pub enterprise_name: String,
    pub tier: Tier,
    pub tier_label: &'static str,
    pub year: i32,
    /// Six-digit region code.
    pub region: String,
    pub region_name: String,
    pub status: Status,
    pub status_label: &'static str,
    /// The level reviewing it now.
    pub level: Option<Level>,
    /// The review chain's levels, first to last.
    pub chain: Vec<Level>,
    pub withdrawable: bool,
    pub resubmit_forbidden: bool,
    /// The tier form's answers by field id.
    #[schema(value_type = Object)]
    pub form: Map<String, Value>,
    pub submissions: u32,
    /// The officials' latest comment (a returned declaration's reason).
    pub last_comment: Option<String>,
    pub snapshot: Option<SnapshotView>,
    pub waiting_since: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_spec: Option<FormSpecView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_problems: Option<Vec<FieldError>>,
}

impl DeclarationView {
    pub fn of(d: &Versioned<Declaration>) -> Self {
        let v = &d.value;
        DeclarationView {
            id: v.id.clone(),
            kind: v.kind,
            uscc: v.uscc.to_string(),
            enterprise_name: v.enterprise_name.clone(),
            tier: v.tier,
            tier_label: v.tier.label(),
            year: v.year,
            region: format!("{:06}", v.region.value()),
            region_name: v.region.full_name(),
            status: v.status,
            status_label: v.status.label(),
            level: v.level,
            chain: v.chain.clone(),
            withdrawable: v.is_withdrawable(),
            resubmit_forbidden: v.resubmit_forbidden,
            form: v.form.clone(),
            submissions: v.submissions,
            last_comment: v.last_comment.clone(),
            snapshot: v.snapshot.as_ref().map(|s| SnapshotView {
                submitted_at: s.submitted_at.into(),
                rule_version: s.rule_version.clone(),
                sha256: s.sha256.clone(),
                assessment: s.content.get("assessment").cloned(),
            }),
            waiting_since: v.waiting_since.into(),
            created_at: v.created_at.into(),
            updated_at: v.updated_at.into(),
            version: d.version,
            form_spec: None,
            form_problems: None,
        }
    }

    /// With the form the declaration is filled in against (create and read).
    pub fn with_form_spec(mut self, d: &Declaration) -> Self {
        self.form_spec = Some(eligibility::form_spec(d));
        self
    }

    /// With what the saved form still lacks (read and save).
    pub fn with_form_problems(mut self, problems: Vec<FieldError>) -> Self {
        self.form_problems = Some(problems);
        self
    }
}
