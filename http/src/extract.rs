//! Small extractors: `If-Match` versions and query strings that fail as problem documents.

use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use shared::error::{AppError, ErrorCode};

/// The `If-Match` header as a record version (`3`, `"3"` or `W/"3"`); absent → `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(raw) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        parse_if_match(raw)
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| {
                ApiError(AppError::new(
                    ErrorCode::ValidationFailed,
                    "If-Match 须为记录版本号，例如 If-Match: 3",
                ))
            })
    }
}

fn parse_if_match(raw: &HeaderValue) -> Option<u64> {
    let text = raw.to_str().ok()?.trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    let text = text.trim_matches('"');
    text.parse().ok()
}

/// The `ETag` value for a version.
pub fn etag(version: u64) -> (axum::http::HeaderName, String) {
    (axum::http::header::ETAG, format!("\"{version}\""))
}

/// A query string; malformed ones answer 422 `VALIDATION_FAILED` as a problem document.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parse_query(parts.uri.query().unwrap_or("")).map(QueryParams)?)
    }
}

/// Parse a query string into `T`; failures name the parameter in Chinese.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let (field, code, message) =
            crate::error::describe_data_error(&path, &e.into_inner().to_string());
        let field = if field == "body" {
            "query".to_owned()
        } else {
            field
        };
        AppError::validation(vec![shared::error::FieldError::new(
            field,
            code,
            format!("查询参数有误：{message}"),
        )])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Filter {
        tier: Option<shared::domain::tier::Tier>,
        limit: Option<u32>,
    }

    #[test]
    fn bad_query_parameters_are_named_without_serde_wording() {
        let e = parse_query::<Filter>("tier=gold").unwrap_err();
        assert_eq!(e.code, ErrorCode::ValidationFailed);
        assert_eq!(e.errors[0].field, "tier");
        assert!(
            e.errors[0].message.contains("不在允许范围内"),
            "{}",
            e.errors[0].message
        );
        let e = parse_query::<Filter>("limit=ten").unwrap_err();
        assert!(
            !e.errors[0].message.contains("invalid"),
            "{}",
            e.errors[0].message
        );
        assert!(parse_query::<Filter>("tier=innovative&limit=3").is_ok());
    }

    #[test]
    fn if_match_accepts_plain_quoted_and_weak_versions() {
        for (raw, want) in [
            ("3", Some(3)),
            ("\"3\"", Some(3)),
            ("W/\"12\"", Some(12)),
            ("abc", None),
            ("", None),
        ] {
            assert_eq!(
                parse_if_match(&HeaderValue::from_static(raw)),
                want,
                "{raw}"
            );
        }
    }
}
