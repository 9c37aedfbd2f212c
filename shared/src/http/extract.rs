//! Small extractors: `If-Match` versions and query strings that fail as problem documents.

use axum::extract::{FromRequestParts, Query};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{AppError, ErrorCode};

/// The `If-Match` header as a record version (`3`, `"3"` or `W/"3"`); absent → `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(raw) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        parse_if_match(raw)
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::ValidationFailed,
                    "If-Match 须为记录版本号，例如 If-Match: 3",
                )
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
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(QueryParams(v)),
            Err(e) => Err(AppError::new(
                ErrorCode::ValidationFailed,
                format!("查询参数不符合要求：{}", e.body_text()),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
