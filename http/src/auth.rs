//! Session tokens: EdDSA (Ed25519) JWTs signed by `register` only; every other function holds the public key
//! and verifies. Tokens carry the caller's [`Principal`]; the [`Caller`] extractor verifies them.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::ApiError;
use crate::state::AppState;
use shared::domain::principal::Principal;
use shared::error::{AppError, ErrorCode};

pub const ISSUER: &str = "sme-platform/register";
pub const AUDIENCE: &str = "sme-platform";

/// The claims of a session token.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    /// The account's session generation when the token was issued (see `Account::session_generation`).
    #[serde(default)]
    #[serde(rename = "gen")]
    pub generation: u32,
    #[serde(flatten)]
    pub principal: Principal,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("invalid key: {0}")]
    Invalid(String),
}

pub use shared::keys::{KeyPairPem, generate_key_pair};

/// Signing (register only) and verification keys, built once at start-up.
pub struct TokenKeys {
    signer: Option<EncodingKey>,
    verifier: DecodingKey,
    /// Expiry is checked against the platform clock in `verify_claims`, not the system clock: this validation
    /// leaves it out (built once; cloning a `Validation` per request cost a few allocations).
    validation: Validation,
    /// Lifetime of issued tokens (at most two hours).
    pub ttl: time::Duration,
}

impl TokenKeys {
    /// Keys that can verify only.
    pub fn verifying(public_pem: &str) -> Result<Self, KeyError> {
        let verifier = DecodingKey::from_ed_pem(public_pem.as_bytes())
            .map_err(|e| KeyError::Invalid(e.to_string()))?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        validation.validate_exp = false;
        Ok(TokenKeys {
            signer: None,
            verifier,
            validation,
            ttl: time::Duration::hours(2),
        })
    }

    /// Keys that sign and verify.
    pub fn signing(private_pem: &str, public_pem: &str) -> Result<Self, KeyError> {
        let signer = EncodingKey::from_ed_pem(private_pem.as_bytes())
            .map_err(|e| KeyError::Invalid(e.to_string()))?;
        let mut keys = Self::verifying(public_pem)?;
        keys.signer = Some(signer);
        Ok(keys)
    }

    /// Set the token lifetime; anything above two hours is capped at two hours.
    pub fn with_ttl(mut self, ttl: time::Duration) -> Self {
        self.ttl = ttl.min(time::Duration::hours(2));
        self
    }

    pub fn can_sign(&self) -> bool {
        self.signer.is_some()
    }

    /// Issue a token for `principal` in session generation `generation` at `now`; returns the token and its expiry.
    pub fn issue(
        &self,
        principal: &Principal,
        generation: u32,
        now: OffsetDateTime,
    ) -> Result<(String, OffsetDateTime), AppError> {
        let signer = self
            .signer
            .as_ref()
            .ok_or_else(|| AppError::internal("本服务未配置签名密钥"))?;
        let expires = now + self.ttl;
        let claims = Claims {
            sub: principal.account_id().to_owned(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now.unix_timestamp(),
            exp: expires.unix_timestamp(),
            jti: ulid::Ulid::new().to_string(),
            generation,
            principal: principal.clone(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::EdDSA), &claims, signer)
            .map_err(|e| AppError::internal(format!("签发令牌失败：{e}")))?;
        Ok((token, expires))
    }

    /// Verify a token at `now` (the platform clock, so a moved clock expires tokens too).
    pub fn verify(&self, token: &str, now: OffsetDateTime) -> Result<Principal, AppError> {
        self.verify_claims(token, now)
            .map(|claims| claims.principal)
    }

    /// [`verify`](Self::verify), keeping every claim.
    pub fn verify_claims(&self, token: &str, now: OffsetDateTime) -> Result<Claims, AppError> {
        // Expiry is checked against the platform clock below, not the system clock.
        let data = jsonwebtoken::decode::<Claims>(token, &self.verifier, &self.validation)
            .map_err(|_| AppError::unauthenticated("登录凭证无效，请重新登录"))?;
        let claims = data.claims;
        if claims.exp + (self.validation.leeway as i64) < now.unix_timestamp() {
            return Err(AppError::unauthenticated("登录已过期，请重新登录"));
        }
        if claims.sub != claims.principal.account_id() {
            return Err(AppError::unauthenticated("登录凭证无效，请重新登录"));
        }
        Ok(claims)
    }
}

/// The authenticated caller, extracted from `Authorization: Bearer <jwt>`; 401 `UNAUTHENTICATED` otherwise —
/// also when the session has ended (logout, password reset, phone change, account recovery).
#[derive(Clone, Debug)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        CallerSession::from_request_parts(parts, state)
            .await
            .map(|session| Caller(session.0.principal))
    }
}

/// The caller with every claim of its token (logout needs the token id and expiry).
#[derive(Clone, Debug)]
pub struct CallerSession(pub Claims);

impl FromRequestParts<AppState> for CallerSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::Unauthenticated,
                    "请先登录（缺少 Authorization 请求头）",
                )
            })?;
        let value = header
            .to_str()
            .map_err(|_| AppError::unauthenticated("Authorization 请求头格式错误"))?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| AppError::unauthenticated("Authorization 请求头须为 Bearer 令牌"))?;
        let token = token.trim();
        let claims = match parts.extensions.get::<VerifiedToken>() {
            Some(verified) if verified.token == token => verified.claims.clone(),
            _ => state.tokens.verify_claims(token, state.clock.now())?,
        };
        if !state
            .platform
            .sessions
            .is_current(&state.platform, &claims.sub, claims.generation, &claims.jti)
            .await?
        {
            return Err(AppError::unauthenticated(
                "登录已失效（已退出或账户安全信息已变更），请重新登录",
            )
            .into());
        }
        tracing::Span::current().record("account_id", claims.sub.as_str());
        Ok(CallerSession(claims))
    }
}

/// A bearer token whose signature and claims were already verified earlier in the same request (the idempotency
/// layer verifies it to scope the key), kept in the request's extensions so it is not verified twice. Only code
/// of this crate can make one.
#[derive(Clone, Debug)]
pub struct VerifiedToken {
    token: String,
    claims: Claims,
}

impl VerifiedToken {
    pub(crate) fn new(token: &str, claims: Claims) -> Self {
        VerifiedToken {
            token: token.to_owned(),
            claims,
        }
    }
}

/// Shared handle to the keys.
pub type SharedKeys = Arc<TokenKeys>;

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use time::macros::datetime;

    fn principal() -> Principal {
        Principal::Enterprise {
            account_id: "acc1".into(),
            uscc: "91350100M000100Y43".into(),
        }
    }

    fn keys() -> TokenKeys {
        let pair = generate_key_pair();
        TokenKeys::signing(&pair.private_pem, &pair.public_pem).unwrap()
    }

    #[test]
    fn a_token_issued_now_verifies_and_carries_the_principal() {
        let keys = keys();
        let now = datetime!(2026-05-01 08:00 UTC);
        let (token, exp) = keys.issue(&principal(), 0, now).unwrap();
        assert_eq!(exp, now + time::Duration::hours(2));
        assert_eq!(keys.verify(&token, now).unwrap(), principal());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = keys();
        let now = datetime!(2026-05-01 08:00 UTC);
        let (token, _) = keys.issue(&principal(), 0, now).unwrap();
        let err = keys
            .verify(
                &token,
                now + time::Duration::hours(2) + time::Duration::minutes(1),
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::Unauthenticated);
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let now = datetime!(2026-05-01 08:00 UTC);
        let (token, _) = keys().issue(&principal(), 0, now).unwrap();
        assert!(keys().verify(&token, now).is_err());
    }

    #[test]
    fn ttl_is_capped_at_two_hours() {
        assert_eq!(
            keys().with_ttl(time::Duration::hours(8)).ttl,
            time::Duration::hours(2)
        );
    }

    fn b64(v: &serde_json::Value) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn alg_none_and_hs256_with_the_public_key_are_refused() {
        let pair = generate_key_pair();
        let keys = TokenKeys::signing(&pair.private_pem, &pair.public_pem).unwrap();
        let now = datetime!(2026-05-01 08:00 UTC);
        let (good, _) = keys.issue(&principal(), 0, now).unwrap();
        let payload = good.split('.').nth(1).unwrap().to_owned();
        let none = format!(
            "{}.{}.",
            b64(&serde_json::json!({"alg":"none","typ":"JWT"})),
            payload
        );
        assert!(keys.verify(&none, now).is_err());
        let header = b64(&serde_json::json!({"alg":"HS256","typ":"JWT"}));
        let forged = {
            use hmac::{Hmac, Mac};
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(pair.public_pem.as_bytes()).unwrap();
            mac.update(format!("{header}.{payload}").as_bytes());
            let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(mac.finalize().into_bytes());
            format!("{header}.{payload}.{sig}")
        };
        assert!(keys.verify(&forged, now).is_err());
    }
}
