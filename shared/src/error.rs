//! The one error type of the platform. Every failure a client can see is an [`AppError`] carrying a stable
//! [`ErrorCode`]; `crate::http::error` turns it into `application/problem+json` in one place.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::ports::{BlobError, StoreError};

/// Stable error codes (API.md "Stable error codes"), each with its HTTP status and a Chinese title.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    ValidationFailed,
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    VersionConflict,
    RateLimited,
    LoginTaken,
    UsccTaken,
    InvalidUscc,
    BadCredentials,
    AccountLocked,
    NaturalPersonNotAllowed,
    NotVerified,
    AlreadyVerified,
    InvalidCode,
    InvalidState,
    ProfileIncomplete,
    ProfileLocked,
    NotSme,
    WindowClosed,
    DuplicateDeclaration,
    PrerequisiteMissing,
    DigitalAssessmentRequired,
    EvidenceMissing,
    NotWithdrawable,
    AcknowledgementRequired,
    ResubmitNotAllowed,
    NotInUpdatePeriod,
    UpdateNotRequired,
    ReReviewNotEligible,
    DeclarationBanned,
    UploadIncomplete,
    FileTypeNotAllowed,
    /// The file is of an allowed type but broken or unsafe to open (scripts, macros, embedded files, zip bombs).
    FileContentInvalid,
    FileTooLarge,
    ChecksumMismatch,
    IdempotencyKeyReused,
    RequestInProgress,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            ValidationFailed | InvalidUscc | InvalidCode | IdempotencyKeyReused => 422,
            ProfileIncomplete
            | DigitalAssessmentRequired
            | EvidenceMissing
            | FileTypeNotAllowed
            | FileContentInvalid
            | FileTooLarge
            | ChecksumMismatch => 422,
            ProfileLocked
            | NotSme
            | WindowClosed
            | DuplicateDeclaration
            | PrerequisiteMissing
            | NotWithdrawable
            | AcknowledgementRequired
            | ResubmitNotAllowed
            | NotInUpdatePeriod
            | UpdateNotRequired
            | ReReviewNotEligible
            | DeclarationBanned
            | UploadIncomplete => 409,
            Unauthenticated | BadCredentials => 401,
            Forbidden | NaturalPersonNotAllowed | NotVerified => 403,
            NotFound => 404,
            MethodNotAllowed => 405,
            VersionConflict | LoginTaken | UsccTaken | AlreadyVerified | InvalidState
            | RequestInProgress => 409,
            PayloadTooLarge => 413,
            UnsupportedMediaType => 415,
            RateLimited | AccountLocked => 429,
            Unavailable => 503,
            Internal => 500,
        }
    }

    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            ValidationFailed => "VALIDATION_FAILED",
            Unauthenticated => "UNAUTHENTICATED",
            Forbidden => "FORBIDDEN",
            NotFound => "NOT_FOUND",
            MethodNotAllowed => "METHOD_NOT_ALLOWED",
            VersionConflict => "VERSION_CONFLICT",
            RateLimited => "RATE_LIMITED",
            LoginTaken => "LOGIN_TAKEN",
            UsccTaken => "USCC_TAKEN",
            InvalidUscc => "INVALID_USCC",
            BadCredentials => "BAD_CREDENTIALS",
            AccountLocked => "ACCOUNT_LOCKED",
            NaturalPersonNotAllowed => "NATURAL_PERSON_NOT_ALLOWED",
            NotVerified => "NOT_VERIFIED",
            AlreadyVerified => "ALREADY_VERIFIED",
            InvalidCode => "INVALID_CODE",
            InvalidState => "INVALID_STATE",
            ProfileIncomplete => "PROFILE_INCOMPLETE",
            ProfileLocked => "PROFILE_LOCKED",
            NotSme => "NOT_SME",
            WindowClosed => "WINDOW_CLOSED",
            DuplicateDeclaration => "DUPLICATE_DECLARATION",
            PrerequisiteMissing => "PREREQUISITE_MISSING",
            DigitalAssessmentRequired => "DIGITAL_ASSESSMENT_REQUIRED",
            EvidenceMissing => "EVIDENCE_MISSING",
            NotWithdrawable => "NOT_WITHDRAWABLE",
            AcknowledgementRequired => "ACKNOWLEDGEMENT_REQUIRED",
            ResubmitNotAllowed => "RESUBMIT_NOT_ALLOWED",
            NotInUpdatePeriod => "NOT_IN_UPDATE_PERIOD",
            UpdateNotRequired => "UPDATE_NOT_REQUIRED",
            ReReviewNotEligible => "RE_REVIEW_NOT_ELIGIBLE",
            DeclarationBanned => "DECLARATION_BANNED",
            UploadIncomplete => "UPLOAD_INCOMPLETE",
            FileTypeNotAllowed => "FILE_TYPE_NOT_ALLOWED",
            FileContentInvalid => "FILE_CONTENT_INVALID",
            FileTooLarge => "FILE_TOO_LARGE",
            ChecksumMismatch => "CHECKSUM_MISMATCH",
            IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            RequestInProgress => "REQUEST_IN_PROGRESS",
            PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            UnsupportedMediaType => "UNSUPPORTED_MEDIA_TYPE",
            Unavailable => "UNAVAILABLE",
            Internal => "INTERNAL",
        }
    }

    /// A short Chinese title for people.
    pub fn title(self) -> &'static str {
        use ErrorCode::*;
        match self {
            ValidationFailed => "提交的信息有误",
            Unauthenticated => "请先登录",
            Forbidden => "无权执行此操作",
            NotFound => "未找到",
            MethodNotAllowed => "不支持的请求方法",
            VersionConflict => "数据已被修改，请刷新后重试",
            RateLimited => "操作过于频繁，请稍后再试",
            LoginTaken => "登录名已被使用",
            UsccTaken => "该统一社会信用代码已被其他账户认证",
            InvalidUscc => "统一社会信用代码无效",
            BadCredentials => "登录名或密码错误",
            AccountLocked => "账户已被临时锁定",
            NaturalPersonNotAllowed => "自然人账户不能执行此操作",
            NotVerified => "请先完成法人实名认证",
            AlreadyVerified => "账户已完成实名认证",
            InvalidCode => "验证码错误或已失效",
            InvalidState => "当前状态下不能执行此操作",
            ProfileIncomplete => "企业基本信息不完整",
            ProfileLocked => "已认定企业仅可在信息更新期内修改基本信息",
            NotSme => "企业不符合中小企业划型标准",
            WindowClosed => "不在申报时间内",
            DuplicateDeclaration => "该梯度本年度已有申报",
            PrerequisiteMissing => "不具备申报该梯度的前置资质",
            DigitalAssessmentRequired => "请先完成数字化水平自评测",
            EvidenceMissing => "证明材料不齐全",
            NotWithdrawable => "审核已开始，不能撤回",
            AcknowledgementRequired => "请确认撤回后果",
            ResubmitNotAllowed => "申报截止后撤回的申报不能再次提交",
            NotInUpdatePeriod => "不在信息更新期内",
            UpdateNotRequired => "本年度无需信息更新",
            ReReviewNotEligible => "不具备复核资格",
            DeclarationBanned => "资质被撤销未满三年，不能申报该梯度",
            UploadIncomplete => "文件尚未上传完成",
            FileTypeNotAllowed => "文件类型不允许",
            FileContentInvalid => "文件内容无效或不安全",
            FileTooLarge => "文件过大",
            ChecksumMismatch => "文件校验值不符",
            IdempotencyKeyReused => "幂等键已用于不同的请求",
            RequestInProgress => "相同的请求正在处理中",
            PayloadTooLarge => "请求内容过大",
            UnsupportedMediaType => "请求内容类型不受支持",
            Unavailable => "服务暂时不可用，请稍后再试",
            Internal => "服务内部错误",
        }
    }
}

/// One invalid field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
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
