//! The one error type of the platform. Every failure a client can see is an [`AppError`] carrying a stable
//! [`ErrorCode`]; `sme_http::error` turns it into `application/problem+json` in one place.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::ports::{BlobError, StoreError};

/// Declares [`ErrorCode`] from one table: each code's variant, HTTP status, stable string and Chinese title.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = ($status:literal, $code:literal, $title:literal),)*) => {
        /// Stable error codes (API.md "Stable error codes"), each with its HTTP status and a Chinese title.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the table's order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$variant => $status,)*
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// A short Chinese title for people.
            pub fn title(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $title,)*
                }
            }
        }
    };
}

// The one table: code, HTTP status, stable string (never changes once published), Chinese title.
error_codes! {
    ValidationFailed = (422, "VALIDATION_FAILED", "提交的信息有误"),
    Unauthenticated = (401, "UNAUTHENTICATED", "请先登录"),
    Forbidden = (403, "FORBIDDEN", "无权执行此操作"),
    NotFound = (404, "NOT_FOUND", "未找到"),
    MethodNotAllowed = (405, "METHOD_NOT_ALLOWED", "不支持的请求方法"),
    VersionConflict = (409, "VERSION_CONFLICT", "数据已被修改，请刷新后重试"),
    RateLimited = (429, "RATE_LIMITED", "操作过于频繁，请稍后再试"),
    LoginTaken = (409, "LOGIN_TAKEN", "登录名已被使用"),
    UsccTaken = (409, "USCC_TAKEN", "该统一社会信用代码已被其他账户认证"),
    InvalidUscc = (422, "INVALID_USCC", "统一社会信用代码无效"),
    BadCredentials = (401, "BAD_CREDENTIALS", "登录名或密码错误"),
    AccountLocked = (429, "ACCOUNT_LOCKED", "账户已被临时锁定"),
    NaturalPersonNotAllowed = (403, "NATURAL_PERSON_NOT_ALLOWED", "自然人账户不能执行此操作"),
    NotVerified = (403, "NOT_VERIFIED", "请先完成法人实名认证"),
    AlreadyVerified = (409, "ALREADY_VERIFIED", "账户已完成实名认证"),
    InvalidCode = (422, "INVALID_CODE", "验证码错误或已失效"),
    InvalidState = (409, "INVALID_STATE", "当前状态下不能执行此操作"),
    ProfileIncomplete = (422, "PROFILE_INCOMPLETE", "企业基本信息不完整"),
    ProfileLocked = (409, "PROFILE_LOCKED", "已认定企业仅可在信息更新期内修改基本信息"),
    NotSme = (409, "NOT_SME", "企业不符合中小企业划型标准"),
    WindowClosed = (409, "WINDOW_CLOSED", "不在申报时间内"),
    /// A window's dates that can no longer change: it has closed, or it has opened and the change moves its start.
    WindowNotChangeable = (409, "WINDOW_NOT_CHANGEABLE", "申报时间已开始或已截止，不能这样修改"),
    DuplicateDeclaration = (409, "DUPLICATE_DECLARATION", "该梯度本年度已有申报"),
    PrerequisiteMissing = (409, "PREREQUISITE_MISSING", "不具备申报该梯度的前置资质"),
    DigitalAssessmentRequired = (422, "DIGITAL_ASSESSMENT_REQUIRED", "请先完成数字化水平自评测"),
    EvidenceMissing = (422, "EVIDENCE_MISSING", "证明材料不齐全"),
    NotWithdrawable = (409, "NOT_WITHDRAWABLE", "审核已开始，不能撤回"),
    AcknowledgementRequired = (409, "ACKNOWLEDGEMENT_REQUIRED", "请确认撤回后果"),
    ResubmitNotAllowed = (409, "RESUBMIT_NOT_ALLOWED", "申报截止后撤回的申报不能再次提交"),
    NotInUpdatePeriod = (409, "NOT_IN_UPDATE_PERIOD", "不在信息更新期内"),
    UpdateNotRequired = (409, "UPDATE_NOT_REQUIRED", "本年度无需信息更新"),
    ReReviewNotEligible = (409, "RE_REVIEW_NOT_ELIGIBLE", "不具备复核资格"),
    DeclarationBanned = (409, "DECLARATION_BANNED", "资质被撤销未满三年，不能申报该梯度"),
    UploadIncomplete = (409, "UPLOAD_INCOMPLETE", "文件尚未上传完成"),
    FileTypeNotAllowed = (422, "FILE_TYPE_NOT_ALLOWED", "文件类型不允许"),
    /// The file is of an allowed type but broken or unsafe to open (scripts, macros, embedded files, zip bombs).
    FileContentInvalid = (422, "FILE_CONTENT_INVALID", "文件内容无效或不安全"),
    FileTooLarge = (422, "FILE_TOO_LARGE", "文件过大"),
    ChecksumMismatch = (422, "CHECKSUM_MISMATCH", "文件校验值不符"),
    IdempotencyKeyReused = (422, "IDEMPOTENCY_KEY_REUSED", "幂等键已用于不同的请求"),
    RequestInProgress = (409, "REQUEST_IN_PROGRESS", "相同的请求正在处理中"),
    PayloadTooLarge = (413, "PAYLOAD_TOO_LARGE", "请求内容过大"),
    UnsupportedMediaType = (415, "UNSUPPORTED_MEDIA_TYPE", "请求内容类型不受支持"),
    Unavailable = (503, "UNAVAILABLE", "服务暂时不可用，请稍后再试"),
    Internal = (500, "INTERNAL", "服务内部错误"),
}

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// A failure to show a client: a stable code, a Chinese detail, field errors for validation, and any extra
/// members the problem document should carry (e.g. the recovery steps of `USCC_TAKEN`).
#[derive(Clone, Debug, PartialEq)]
pub struct AppError {
    pub code: ErrorCode,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub extra: Map<String, Value>,
    /// Seconds after which a retry may succeed (429, 503).
    pub retry_after: Option<u64>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        AppError {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            extra: Map::new(),
            retry_after: None,
        }
    }

    /// 422 with one or more field errors.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("；");
        AppError {
            errors,
            ..AppError::new(ErrorCode::ValidationFailed, detail)
        }
    }

    pub fn field(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, detail)
    }

    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Unauthenticated, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, detail)
    }

    pub fn with_extra(mut self, key: &str, value: Value) -> Self {
        self.extra.insert(key.to_owned(), value);
        self
    }

    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::ConditionFailed { .. } | StoreError::Conflict => {
                AppError::new(ErrorCode::VersionConflict, "记录已被同时修改，请刷新后重试")
            }
            StoreError::Unavailable(msg) => {
                tracing::error!(error = %msg, "store unavailable");
                AppError::new(ErrorCode::Unavailable, "数据服务暂时不可用，请稍后再试")
                    .retry_after(5)
            }
            StoreError::BadCursor => AppError::field(
                "cursor",
                "INVALID_CURSOR",
                "分页游标（cursor）无效，请从第一页重新查询",
            ),
            StoreError::Invalid(msg) | StoreError::Corrupt(msg) => {
                tracing::error!(error = %msg, "store request failed");
                AppError::internal("数据处理失败，请联系平台运维")
            }
        }
    }
}

impl From<BlobError> for AppError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::Missing => AppError::not_found("文件不存在"),
            BlobError::Unavailable(msg) => {
                tracing::error!(error = %msg, "blob store unavailable");
                AppError::new(ErrorCode::Unavailable, "文件服务暂时不可用，请稍后再试")
                    .retry_after(5)
            }
            other => {
                tracing::error!(error = %other, "blob request failed");
                AppError::internal("文件处理失败，请联系平台运维")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_unique_stable_string_an_error_status_and_a_chinese_title() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(
                text.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
                "{text}"
            );
            assert!((400..600).contains(&code.status()), "{text}");
            assert!(code.title().chars().any(|c| c > '\u{2e80}'), "{text}");
        }
        assert_eq!(ErrorCode::ALL.len(), 44);
    }
}
