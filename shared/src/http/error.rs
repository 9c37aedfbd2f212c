//! `AppError` → `application/problem+json` (RFC 9457), in this one place; plus the JSON body extractor whose
//! failures are problem documents too, and the fallbacks for unknown routes and methods.

use axum::extract::{FromRequest, Request, rejection::JsonRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::error::{AppError, ErrorCode, FieldError};

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

impl IntoResponse for AppError {
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

/// A JSON request body. Unlike `axum::Json`, every failure (no body, wrong content type, malformed JSON, a
/// missing or mistyped field) answers a problem document with a stable code.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::new(
            ErrorCode::UnsupportedMediaType,
            "请求体须为 JSON，并设置 Content-Type: application/json",
        ),
        JsonRejection::JsonDataError(e) => {
            // serde's message names the field and the problem; keep it for developers, in a Chinese frame.
            let raw = e.body_text();
            let field = field_of(&raw);
            AppError::validation(vec![FieldError::new(
                field,
                "INVALID_FIELD",
                format!("字段内容不符合要求：{raw}"),
            )])
        }
        JsonRejection::JsonSyntaxError(_) => AppError::validation(vec![FieldError::new(
            "body",
            "MALFORMED_JSON",
            "请求体不是合法的 JSON",
        )]),
        JsonRejection::BytesRejection(_) => {
            AppError::new(ErrorCode::PayloadTooLarge, "请求体无法读取或过大")
        }
        other => AppError::validation(vec![FieldError::new(
            "body",
            "INVALID_BODY",
            other.body_text(),
        )]),
    }
}

/// Best effort: the field a serde error names (`missing field `x``, or a path `a.b: ...`).
fn field_of(message: &str) -> String {
    if let Some(rest) = message.split("missing field `").nth(1) {
        return rest.split('`').next().unwrap_or("body").to_owned();
    }
    if let Some(rest) = message.split("unknown variant `").nth(1) {
        let _ = rest;
    }
    // axum prefixes data errors with "Failed to deserialize the JSON body into the target type: <path>: <msg>".
    let tail = message.rsplit("target type: ").next().unwrap_or(message);
    match tail.split_once(": ") {
        Some((path, _)) if !path.contains(' ') => path.to_owned(),
        _ => "body".to_owned(),
    }
}

/// For requests no route matches.
pub async fn not_found_fallback() -> AppError {
    AppError::not_found("请求的地址不存在")
}

/// For a known path with an unsupported method.
pub async fn method_not_allowed_fallback() -> AppError {
    AppError::new(ErrorCode::MethodNotAllowed, "该地址不支持此请求方法")
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

    #[test]
    fn the_field_named_by_a_serde_error_is_reported() {
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: missing field `password` at line 1"
            ),
            "password"
        );
        assert_eq!(
            field_of(
                "Failed to deserialize the JSON body into the target type: phone: invalid type: integer"
            ),
            "phone"
        );
    }
}
