//! `Idempotency-Key` on POSTs (API.md conventions): a retry with the same key returns the first result.
//!
//! The first request with a key claims it (`pk = IDEM#<caller>#<key>`, written under `Absent`, kept 24 hours by
//! TTL) together with a fingerprint of the request (method, path, body). When the handler has answered with
//! anything but a server error, the answer (status, a few headers, body) is stored on the claim; a retry replays
//! it with `Idempotent-Replayed: true`. A retry while the first is still running gets 409 `REQUEST_IN_PROGRESS`;
//! the same key with a different request gets 422 `IDEMPOTENCY_KEY_REUSED`. A server error releases the claim so
//! the client may retry. Keys are scoped by the caller (the token's account, or the anonymous client address), so
//! two accounts can never see each other's answers.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::{ClientAddr, MAX_BODY_BYTES};
use crate::error::ProblemResponse;
use crate::state::AppState;
use shared::error::{AppError, ErrorCode};
use shared::ports::{Cond, Item, StoreError};

/// How long a key is remembered.
const KEEP_SECONDS: i64 = 24 * 3600;
/// Answers larger than this are not stored (the claim is released instead; DynamoDB items hold 400 KB).
const MAX_STORED_BODY: usize = 300 * 1024;
/// Headers replayed with a stored answer.
const REPLAYED_HEADERS: [&str; 4] = ["content-type", "etag", "location", "content-disposition"];

#[derive(Serialize, Deserialize)]
struct Claim {
    fingerprint: String,
    #[serde(default)]
    status: Option<u16>,
    #[serde(default)]
    headers: Vec<(String, String)>,
    /// Base64 of the body.
    #[serde(default)]
    body: String,
}

fn valid_key(key: &str) -> bool {
    (1..=200).contains(&key.len()) && key.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// The caller's scope: the verified account of the bearer token, else the client address; with the verified
/// token, which the handler's `Caller` then takes instead of verifying the signature a second time.
fn scope_of(
    state: &AppState,
    headers: &HeaderMap,
    req: &Request,
) -> (String, Option<crate::auth::VerifiedToken>) {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        });
    if let Some(token) = token
        && let Ok(claims) = state.tokens.verify_claims(token.trim(), state.clock.now())
    {
        let scope = format!("ACC#{}", claims.principal.account_id());
        return (
            scope,
            Some(crate::auth::VerifiedToken::new(token.trim(), claims)),
        );
    }
    let addr = req
        .extensions()
        .get::<ClientAddr>()
        .map(|a| a.0.clone())
        .unwrap_or_else(|| "unknown".into());
    (format!("ANON#{addr}"), None)
}

fn replay(claim: &Claim) -> Response {
    let status = StatusCode::from_u16(claim.status.unwrap_or(200)).unwrap_or(StatusCode::OK);
    let body = base64::engine::general_purpose::STANDARD
        .decode(&claim.body)
        .unwrap_or_default();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    for (k, v) in &claim.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k.as_str()), HeaderValue::from_str(v)) {
            response.headers_mut().insert(k, v);
        }
    }
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// The middleware (installed by `app::finish`).
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(raw_key) = req.headers().get("idempotency-key").cloned() else {
        return next.run(req).await;
    };
    let key = match raw_key.to_str() {
        Ok(k) if valid_key(k) => k.to_owned(),
        _ => {
            return AppError::new(
                ErrorCode::ValidationFailed,
                "Idempotency-Key 须为 1–200 个可见 ASCII 字符",
            )
            .into_response();
        }
    };
    let (scope, verified) = scope_of(&state, req.headers(), &req);
    let (mut parts, body) = req.into_parts();
    if let Some(verified) = verified {
        parts.extensions.insert(verified);
    }
    let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return AppError::new(ErrorCode::PayloadTooLarge, "请求内容过大").into_response();
        }
    };
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str().as_bytes());
    hasher.update([0]);
    hasher.update(parts.uri.path().as_bytes());
    hasher.update([0]);
    hasher.update(&bytes);
    let fingerprint = hex::encode(hasher.finalize());
    let pk = format!("IDEM#{scope}#{key}");
    let now = state.clock.now();
    let expires = now.unix_timestamp() + KEEP_SECONDS;
    let claim = Claim {
        fingerprint: fingerprint.clone(),
        status: None,
        headers: Vec::new(),
        body: String::new(),
    };
    match state
        .store
        .put(
            Item::new(pk.clone(), "IDEM", &claim).expiring_at(expires),
            Cond::Absent,
        )
        .await
    {
        Ok(()) => {}
        Err(StoreError::ConditionFailed { .. }) => {
            let existing = match state.store.get(&pk, "IDEM").await {
                Ok(Some(item)) => item.decode::<Claim>().ok(),
                Ok(None) => None,
                Err(e) => return AppError::from(e).into_response(),
            };
            return match existing {
                Some(c) if c.fingerprint != fingerprint => AppError::new(
                    ErrorCode::IdempotencyKeyReused,
                    "该 Idempotency-Key 已用于另一个请求，请为新请求使用新的键",
                )
                .into_response(),
                Some(c) if c.status.is_some() => replay(&c),
                _ => AppError::new(
                    ErrorCode::RequestInProgress,
                    "相同的请求正在处理中，请稍后再试",
                )
                .retry_after(1)
                .into_response(),
            };
        }
        Err(e) => return AppError::from(e).into_response(),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    let (res_parts, res_body) = response.into_parts();
    let res_bytes = match to_bytes(res_body, usize::MAX).await {
        Ok(b) => b,
        Err(_) => {
            let _ = state.store.delete(&pk, "IDEM", Cond::Always).await;
            return AppError::internal("响应读取失败").into_response();
        }
    };
    if status.is_server_error() || res_bytes.len() > MAX_STORED_BODY {
        // Let the client retry.
        let _ = state.store.delete(&pk, "IDEM", Cond::Always).await;
    } else {
        let headers = REPLAYED_HEADERS
            .iter()
            .filter_map(|h| {
                res_parts
                    .headers
                    .get(*h)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| ((*h).to_owned(), v.to_owned()))
            })
            .collect();
        let done = Claim {
            fingerprint,
            status: Some(status.as_u16()),
            headers,
            body: base64::engine::general_purpose::STANDARD.encode(&res_bytes),
        };
        if let Err(e) = state
            .store
            .put(
                Item::new(pk.clone(), "IDEM", &done).expiring_at(expires),
                Cond::Always,
            )
            .await
        {
            tracing::warn!(error = %e, "could not record an idempotent answer");
        }
    }
    Response::from_parts(res_parts, Body::from(res_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(valid_key("9f1c-2026-05-10"));
        assert!(!valid_key(""));
        assert!(!valid_key("has space"));
        assert!(!valid_key("中文"));
        assert!(!valid_key(&"k".repeat(201)));
    }
}
