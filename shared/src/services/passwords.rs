//! Password hashing: argon2id, run off the async threads (feature `passwords`: register, review, the local
//! runner). A function built without it serves no route that sets or checks a password — the route table puts
//! those in register and review only — and answers an internal error should one ever be called.

#[cfg(feature = "passwords")]
mod argon {
    use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use argon2::{Algorithm, Argon2, Params, Version};

    use crate::error::{AppError, AppResult};
    use crate::services::Policy;

    fn hasher(policy: &Policy) -> AppResult<Argon2<'static>> {
        let params = Params::new(policy.argon2_memory_kib, policy.argon2_iterations, 1, None)
            .map_err(|e| AppError::internal(format!("argon2 参数无效：{e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// Hash a password into a PHC string.
    pub async fn hash(policy: &Policy, password: String) -> AppResult<String> {
        let argon = hasher(policy)?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            argon
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| AppError::internal(format!("密码哈希失败：{e}")))
        })
        .await
        .map_err(|e| AppError::internal(format!("密码哈希任务失败：{e}")))?
    }

    /// Check a password against a PHC string (parameters come from the string).
    pub async fn verify(password: String, phc: String) -> AppResult<bool> {
        tokio::task::spawn_blocking(move || {
            let parsed = PasswordHash::new(&phc)
                .map_err(|e| AppError::internal(format!("密码记录损坏：{e}")))?;
            Ok(Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await
        .map_err(|e| AppError::internal(format!("密码校验任务失败：{e}")))?
    }

    /// A hash to verify against when the account does not exist, so unknown logins cost as much as known ones.
    pub async fn dummy_verify(policy: &Policy, password: String) {
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let phc = match DUMMY.get() {
            Some(p) => p.clone(),
            None => match hash(policy, "not-a-real-password-1".into()).await {
                Ok(p) => DUMMY.get_or_init(|| p).clone(),
                Err(_) => return,
            },
        };
        let _ = verify(password, phc).await;
    }
}
#[cfg(feature = "passwords")]
pub use argon::{dummy_verify, hash, verify};

#[cfg(not(feature = "passwords"))]
mod absent {
    use crate::error::{AppError, AppResult};
    use crate::services::Policy;

    fn refused() -> AppError {
        AppError::internal("本服务未启用密码处理（passwords 功能）")
    }

    pub async fn hash(_: &Policy, _: String) -> AppResult<String> {
        Err(refused())
    }

    pub async fn verify(_: String, _: String) -> AppResult<bool> {
        Err(refused())
    }

    pub async fn dummy_verify(_: &Policy, _: String) {}
}
#[cfg(not(feature = "passwords"))]
pub use absent::{dummy_verify, hash, verify};

#[cfg(all(test, feature = "passwords"))]
mod tests {
    use super::*;
    use crate::services::Policy;

    fn cheap() -> Policy {
        Policy {
            argon2_memory_kib: 1024,
            argon2_iterations: 1,
            ..Policy::default()
        }
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only_and_is_argon2id() {
        let phc = hash(&cheap(), "abc12345".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("abc12345".into(), phc.clone()).await.unwrap());
        assert!(!verify("abc12346".into(), phc).await.unwrap());
    }
}
