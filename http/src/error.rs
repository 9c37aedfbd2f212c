//! `AppError` → `application/problem+json` (RFC 9457), in this one place (through [`ApiError`], the HTTP face of
//! the use cases' error); plus the JSON body extractor whose
//! failures are problem documents too, and the fallbacks for unknown routes and methods.

use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use shared::error::{AppError, ErrorCode, FieldError};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// The problem document of an error.
pub fn problem_body(e: &AppError) -> Value {
    let mut body = json!({
        "type": format!("https://errors.sme-platform.local/{}", e.code.as_str().to_ascii_lowercase().replace('_', "-")),
        "title": e.code.title(),
        "status": e.code.status(),
        "detail": e.detail,
        "code": e.code.as_str(),
    });
    let obj = body.as_object_mut().expect("object literal");
    if !e.errors.is_empty() {
        obj.insert(
            "errors".into(),
            serde_json::to_value(&e.errors).expect("field errors serialise"),
        );
    }
    for (k, v) in &e.extra {
        obj.insert(k.clone(), v.clone());
    }
    body
}

/// The use cases' [`AppError`] on its way out as a problem document. Handlers return [`ApiResult`]; `?` turns an
/// `AppError` (or anything that converts into one) into it.
#[derive(Debug)]
pub struct ApiError(pub AppError);

/// What a handler returns.
pub type ApiResult<T> = Result<T, ApiError>;

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let ApiError(this) = self;
        ProblemResponse::into_response(this)
    }
}

/// An [`AppError`] answered directly (middleware that builds its responses by hand).
pub trait ProblemResponse {
    fn into_response(self) -> Response;
}

impl ProblemResponse for AppError {
    fn into_response(self) -> Response {
        if self.code == ErrorCode::Internal {
            tracing::error!(detail = %self.detail, "internal error");
        }
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, problem_body(&self).to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A JSON request body. Unlike `axum::Json`, every failure (no body, wrong content type, malformed JSON, an array
/// or a scalar where an object is specified, a missing or mistyped field) answers a problem document with a stable
/// code and a Chinese message naming the field, never serde's own wording.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json_content_type(req.headers()) {
            return Err(AppError::new(
                ErrorCode::UnsupportedMediaType,
                "请求体须为 JSON，并设置 Content-Type: application/json",
            )
            .into());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::new(ErrorCode::PayloadTooLarge, "请求体无法读取或过大"))?;
        Ok(parse_json_object(&bytes).map(JsonBody)?)
    }
}

fn is_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parse a request body that the contract specifies as a JSON object into `T`.
pub fn parse_json_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        None => {
            return Err(AppError::validation(vec![FieldError::new(
                "body",
                "REQUIRED",
                "请求体不能为空，须为 JSON 对象",
            )]));
        }
        Some(b'{') => {}
        Some(_) => {
            return Err(AppError::validation(vec![FieldError::new(
                "body",
                "INVALID_TYPE",
                "请求体须为 JSON 对象（{…}），不能是数组、字符串或数字",
            )]));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            return AppError::validation(vec![FieldError::new(
                "body",
                "MALFORMED_JSON",
                "请求体不是合法的 JSON",
            )]);
        }
        let (field, code, message) = describe_data_error(&path, &inner.to_string());
        AppError::validation(vec![FieldError::new(field, code, message)])
    })?;
    deserializer.end().map_err(|_| {
        AppError::validation(vec![FieldError::new(
            "body",
            "MALFORMED_JSON",
            "请求体不是合法的 JSON（对象之后还有多余内容）",
        )])
    })?;
    Ok(value)
}

/// Turn a serde data error at `path` into (field, code, Chinese message). serde's wording never reaches a user.
pub(crate) fn describe_data_error(path: &str, raw: &str) -> (String, &'static str, String) {
    let raw = raw.split(" at line ").next().unwrap_or(raw);
    let at = |name: &str| -> String {
        match (path, name) {
            (".", n) | ("", n) => n.to_owned(),
            (p, "") => p.to_owned(),
            (p, n) => format!("{p}.{n}"),
        }
    };
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        let field = at(name);
        return (field.clone(), "REQUIRED", format!("缺少必填项“{field}”"));
    }
    let field = if path == "." || path.is_empty() {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        // The path already ends at the unknown field itself.
        let field = if path == name || path.ends_with(&format!(".{name}")) {
            path.to_owned()
        } else {
            at(name)
        };
        return (
            field.clone(),
            "UNKNOWN_FIELD",
            format!("不支持的字段“{field}”"),
        );
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let got = rest.split('`').next().unwrap_or("");
        let allowed: Vec<&str> = rest
            .split("expected ")
            .nth(1)
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        let message = if allowed.is_empty() {
            format!("“{field}”的取值“{got}”不在允许范围内")
        } else {
            format!(
                "“{field}”的取值“{got}”不在允许范围内，可选：{}",
                allowed.join("、")
            )
        };
        return (field, "INVALID_VALUE", message);
    }
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        let expected = rest.split("expected ").nth(1).unwrap_or("");
        return (
            field.clone(),
            "INVALID_TYPE",
            format!(
                "“{field}”的类型不正确，应为{}",
                expected_in_chinese(expected)
            ),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ") {
        let expected = rest.split("expected ").nth(1).unwrap_or("");
        return (
            field.clone(),
            "INVALID_VALUE",
            format!(
                "“{field}”的取值不符合要求，应为{}",
                expected_in_chinese(expected)
            ),
        );
    }
    if raw.starts_with("invalid length") {
        return (
            field.clone(),
            "INVALID_VALUE",
            format!("“{field}”的元素个数不符合要求"),
        );
    }
    // Messages of the platform's own parsers are Chinese already; anything else gets a plain sentence.
    if raw.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return (field.clone(), "INVALID_VALUE", format!("“{field}”：{raw}"));
    }
    (
        field.clone(),
        "INVALID_VALUE",
        format!("“{field}”的内容不符合要求"),
    )
}

fn expected_in_chinese(expected: &str) -> &'static str {
    let e = expected.trim();
    if e.contains("bool") {
        "布尔值（true 或 false）"
    } else if [
        "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "integer", "usize",
    ]
    .iter()
    .any(|t| e.contains(t))
    {
        "整数"
    } else if e.contains("f64") || e.contains("f32") || e.contains("number") {
        "数字"
    } else if e.contains("string") || e.contains("char") {
        "字符串"
    } else if e.contains("sequence")
        || e.contains("array")
        || e.contains("tuple")
        || e.contains("vec")
    {
        "数组"
    } else if e.contains("struct") || e.contains("map") || e.contains("object") {
        "对象"
    } else if e.contains("enum") || e.contains("variant") {
        "允许的取值之一"
    } else {
        "符合要求的值"
    }
}

/// For requests no route matches.
pub async fn not_found_fallback() -> ApiError {
    ApiError(AppError::not_found("请求的地址不存在"))
}

/// For a known path with an unsupported method.
pub async fn method_not_allowed_fallback() -> ApiError {
    ApiError(AppError::new(
        ErrorCode::MethodNotAllowed,
        "该地址不支持此请求方法",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_documents_carry_status_title_detail_code_and_field_errors() {
        let e = AppError::field("phone", "INVALID_PHONE", "手机号格式不正确");
        let body = problem_body(&e);
        assert_eq!(body["status"], 422);
        assert_eq!(body["code"], "VALIDATION_FAILED");
        assert_eq!(body["title"], "提交的信息有误");
        assert_eq!(body["detail"], "手机号格式不正确");
        assert_eq!(body["errors"][0]["field"], "phone");
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Login {
        login: String,
        password: String,
        remember: Option<bool>,
        method: Option<Method>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Method {
        Email,
        Manual,
    }

    fn refused(body: &str) -> FieldError {
        let e = parse_json_object::<Login>(body.as_bytes()).unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationFailed, "{body}");
        e.errors.into_iter().next().expect("a field error")
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        closes_at: Option<String>,
    }

    #[test]
    fn an_unknown_field_is_named_once() {
        let e = parse_json_object::<Strict>(br#"{"tier":"innovative"}"#).unwrap_err();
        assert_eq!(
            (e.errors[0].field.as_str(), e.errors[0].code.as_str()),
            ("tier", "UNKNOWN_FIELD")
        );
        assert_eq!(e.errors[0].message, "不支持的字段“tier”");
    }

    #[test]
    fn an_array_where_an_object_is_specified_is_refused() {
        assert_eq!(refused(r#"["login","password"]"#).code, "INVALID_TYPE");
        assert_eq!(refused(r#""login""#).field, "body");
        assert_eq!(refused("  ").code, "REQUIRED");
    }

    #[test]
    fn field_errors_name_the_field_in_chinese_without_serde_wording() {
        let missing = refused(r#"{"login":"a"}"#);
        assert_eq!(
            (missing.field.as_str(), missing.code.as_str()),
            ("password", "REQUIRED")
        );
        let mistyped = refused(r#"{"login":"a","password":"b","remember":"yes"}"#);
        assert_eq!(mistyped.field, "remember");
        assert!(mistyped.message.contains("布尔值"), "{}", mistyped.message);
        let variant = refused(r#"{"login":"a","password":"b","method":"sms"}"#);
        assert_eq!(variant.code, "INVALID_VALUE");
        assert!(
            variant.message.contains("email、manual"),
            "{}",
            variant.message
        );
        for e in [missing, mistyped, variant] {
            for english in [
                "invalid type",
                "expected",
                "line",
                "column",
                "missing field",
            ] {
                assert!(!e.message.contains(english), "{}", e.message);
            }
        }
        assert_eq!(
            refused(r#"{"login":"a","password":"b"} x"#).code,
            "MALFORMED_JSON"
        );
        assert_eq!(refused(r#"{"login":"a","#).code, "MALFORMED_JSON");
    }
}
