//! Request bodies shared by the handlers and the OpenAPI document.

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct CreateAccountBody {
    /// 4–32 characters: letters, digits, `_ - .`, starting with a letter.
    pub login_name: String,
    /// At least 8 characters with letters and digits.
    pub password: String,
    /// Mainland mobile number.
    pub phone: String,
    pub email: Option<String>,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct SessionBody {
    /// Login name, or the USCC of a verified legal-person account.
    pub login: String,
    pub password: String,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetRequestBody {
    /// Login name or USCC.
    pub login: String,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct ResetConfirmBody {
    pub login: String,
    /// The 6-digit code sent to the bound phone.
    pub code: String,
    pub new_password: String,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct CodeBody {
    pub code: String,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct DecisionBody {
    pub decision: shared::services::accounts::Decision,
    /// Required when rejecting.
    pub comment: Option<String>,
}

/// `PUT /v1/declarations/{id}`: the tier form (field id → value) to save (暂存).
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct SaveDeclarationBody {
    #[schema(value_type = Object)]
    pub form: serde_json::Map<String, serde_json::Value>,
}

/// `POST /v1/digital-assessments`: answers by question id (an option id, or a list for multiple choice).
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct DigitalAssessmentBody {
    #[schema(value_type = Object)]
    pub answers: serde_json::Map<String, serde_json::Value>,
}

/// `POST /v1/re-reviews`.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct TierBody {
    /// `innovative`, `specialized` or `little_giant`.
    pub tier: String,
}

/// Officials' decision on an info update or change report.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct AcceptReturnBody {
    /// `accept` or `return`.
    pub decision: String,
    /// Required when returning.
    #[serde(default)]
    pub comment: String,
}

/// `PUT /v1/info-updates/{id}`: the updated basic information (same shape as `PUT /v1/enterprise`).
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct InfoUpdateBody {
    pub profile: shared::domain::enterprise::ProfileInput,
}
