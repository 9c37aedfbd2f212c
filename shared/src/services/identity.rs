//! Identity verifiers for real-name verification, chosen by `SME_VERIFICATION_MODE`.

use async_trait::async_trait;

use crate::domain::account::RealNameSubject;
use crate::ports::{IdentityCheck, IdentityVerifier};
use crate::services::VerificationMode;

/// `checks`: the subject has already been parsed (formats and checksums hold) and the store enforces that a USCC
/// is bound to one account, so the check accepts.
pub struct ChecksVerifier;

#[async_trait]
impl IdentityVerifier for ChecksVerifier {
    async fn check(&self, _subject: &RealNameSubject) -> IdentityCheck {
        IdentityCheck::Verified
    }
}

/// `manual`: every verification waits for an operator.
pub struct ManualVerifier;

#[async_trait]
impl IdentityVerifier for ManualVerifier {
    async fn check(&self, _subject: &RealNameSubject) -> IdentityCheck {
        IdentityCheck::ManualReview {
            reason: "平台配置为人工核验模式".into(),
        }
    }
}

pub fn verifier_for(mode: VerificationMode) -> crate::ports::SharedVerifier {
    match mode {
        VerificationMode::Checks => std::sync::Arc::new(ChecksVerifier),
        VerificationMode::Manual => std::sync::Arc::new(ManualVerifier),
    }
}
