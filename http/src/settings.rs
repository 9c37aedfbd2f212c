//! The settings of a function, read once in its `main` from the environment (the local runner reads the same
//! names, with flags over them) and passed down. Nothing else reads the environment.

use shared::services::info_updates::UpdatePeriods;
use shared::services::{Policy, VerificationMode};

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

/// Everything a function may be configured with. What a function needs and lacks is refused at start-up by
/// [`Settings::required`].
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `SME_VERIFICATION_MODE` (checks | manual; default checks).
    pub verification_mode: VerificationMode,
    /// Policy defaults, with `SME_ARGON2_MEMORY_KIB`, `SME_ARGON2_ITERATIONS`, `SME_EVIDENCE_MAX_BYTES`,
    /// `SME_RECOVERY_MIN_MS` and `SME_UPDATE_PERIOD` over them.
    pub policy: Policy,
    /// `SME_TABLE`: the DynamoDB table.
    pub table: Option<String>,
    /// `SME_BUCKET`: the evidence bucket.
    pub bucket: Option<String>,
    /// `SME_JWT_PUBLIC_KEY` / `SME_JWT_PRIVATE_KEY` (PEM, literal `\n` allowed); the private key only in register.
    pub jwt_public_key: Option<String>,
    pub jwt_private_key: Option<String>,
    /// `SME_DOCUMENT_SIGNING_KEY` (PEM) and `SME_PUBLIC_BASE_URL`: the application documents' key and the public
    /// address their QR codes point to (declare only).
    pub document_signing_key: Option<String>,
    pub public_base_url: Option<String>,
    /// `SME_MAIL_FROM`: the sender address of e-mail (notify only).
    pub mail_from: Option<String>,
    /// `SME_CURSOR_KEY`: 64 hex characters sealing pagination cursors, the same for every function.
    pub cursor_key: Option<[u8; 32]>,
}

impl Settings {
    /// The settings in the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The settings from any source of named values (the environment, a test's map); blank values count as
    /// absent.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let pem = |name: &str| var(name).map(|v| v.replace("\\n", "\n"));
        let verification_mode = var("SME_VERIFICATION_MODE")
            .unwrap_or_default()
            .parse()
            .map_err(ConfigError)?;
        let mut policy = Policy::default();
        if let Some(v) = var("SME_ARGON2_MEMORY_KIB") {
            policy.argon2_memory_kib = v
                .parse()
                .map_err(|_| ConfigError("SME_ARGON2_MEMORY_KIB must be a number".into()))?;
        }
        if let Some(v) = var("SME_ARGON2_ITERATIONS") {
            policy.argon2_iterations = v
                .parse()
                .map_err(|_| ConfigError("SME_ARGON2_ITERATIONS must be a number".into()))?;
        }
        if let Some(v) = var("SME_EVIDENCE_MAX_BYTES") {
            policy.evidence_max_bytes = v.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                ConfigError("SME_EVIDENCE_MAX_BYTES must be a positive number of bytes".into())
            })?;
        }
        if let Some(v) = var("SME_RECOVERY_MIN_MS") {
            policy.recovery_min_millis = v.parse().map_err(|_| {
                ConfigError("SME_RECOVERY_MIN_MS must be a number of milliseconds".into())
            })?;
        }
        if let Some(v) = var("SME_UPDATE_PERIOD") {
            policy.update_period = UpdatePeriods::parse(&v).map_err(|e| {
                ConfigError(format!(
                    "SME_UPDATE_PERIOD ({e}), e.g. 01-01/04-30 or 01-01/04-30;2026:01-01/05-31;2026@33:01-01/05-31"
                ))
            })?;
        }
        let cursor_key = match var("SME_CURSOR_KEY") {
            None => None,
            Some(text) => Some(
                hex::decode(text.trim())
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                    .ok_or_else(|| {
                        ConfigError("SME_CURSOR_KEY must be 64 hex characters (32 bytes)".into())
                    })?,
            ),
        };
        Ok(Settings {
            verification_mode,
            policy,
            table: var("SME_TABLE"),
            bucket: var("SME_BUCKET"),
            jwt_public_key: pem("SME_JWT_PUBLIC_KEY"),
            jwt_private_key: pem("SME_JWT_PRIVATE_KEY"),
            document_signing_key: pem("SME_DOCUMENT_SIGNING_KEY"),
            public_base_url: var("SME_PUBLIC_BASE_URL"),
            mail_from: var("SME_MAIL_FROM"),
            cursor_key,
        })
    }

    /// A setting the function cannot run without.
    pub fn required<'a, T>(value: &'a Option<T>, name: &str) -> Result<&'a T, ConfigError> {
        value
            .as_ref()
            .ok_or_else(|| ConfigError(format!("{name} is not set")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn blank_values_count_as_absent_and_pem_newlines_are_unescaped() {
        let s = from(&[
            ("SME_TABLE", "  "),
            ("SME_JWT_PUBLIC_KEY", "-----BEGIN\\nX\\n-----END"),
        ])
        .unwrap();
        assert_eq!(s.table, None);
        assert_eq!(s.jwt_public_key.as_deref(), Some("-----BEGIN\nX\n-----END"));
        assert!(Settings::required(&s.table, "SME_TABLE").is_err());
    }

    #[test]
    fn malformed_numbers_and_keys_are_refused_at_start_up() {
        assert!(from(&[("SME_ARGON2_ITERATIONS", "many")]).is_err());
        assert!(from(&[("SME_EVIDENCE_MAX_BYTES", "0")]).is_err());
        assert!(from(&[("SME_CURSOR_KEY", "abcd")]).is_err());
        assert!(from(&[("SME_VERIFICATION_MODE", "magic")]).is_err());
        let key = "11".repeat(32);
        assert_eq!(
            from(&[("SME_CURSOR_KEY", &key)]).unwrap().cursor_key,
            Some([0x11; 32])
        );
    }
}
