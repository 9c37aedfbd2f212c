//! The authoritative real-name check behind the `IdentityVerifier` port: a deployment plugs in a client of the
//! register it is allowed to consult (the ministry's unified login, the 电子营业执照 service of the State
//! Administration for Market Regulation, a provincial enterprise credit register) by implementing
//! [`EnterpriseRegister`], and wires `RegistryVerifier::new(client)` where `verifier_for` picks the verifier.
//! How to do it, and what the platform does with each answer: docs/identity.md.
//!
//! There is no built-in client: the platform does not ship a fake that could be mistaken for the real check. The
//! one implementation in this repository is [`test_double::RegisterTestDouble`], for tests only.

use async_trait::async_trait;

use crate::domain::account::RealNameSubject;
use crate::ports::{IdentityCheck, IdentityVerifier};

/// What the register holds for an enterprise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredEnterprise {
    pub uscc: String,
    pub enterprise_name: String,
    pub legal_representative: String,
}

/// The register could not answer (network, quota, maintenance).
#[derive(Debug, thiserror::Error)]
#[error("enterprise register unavailable: {0}")]
pub struct RegisterUnavailable(pub String);

/// A client of an authoritative enterprise register.
#[async_trait]
pub trait EnterpriseRegister: Send + Sync {
    /// The register's record of a USCC; `None` when it has no such enterprise.
    async fn lookup(&self, uscc: &str)
    -> Result<Option<RegisteredEnterprise>, RegisterUnavailable>;
}

/// Verifies legal persons against an [`EnterpriseRegister`]: the name and the legal representative must match
/// the register (after trimming and full-width/half-width brackets are unified); a mismatch or an unknown USCC is
/// refused; an unavailable register sends the request to an operator. Natural persons go to an operator (the
/// register knows enterprises only).
pub struct RegistryVerifier<R> {
    register: R,
}

impl<R: EnterpriseRegister> RegistryVerifier<R> {
    pub fn new(register: R) -> Self {
        RegistryVerifier { register }
    }
}

/// Names compared as a register prints them: brackets unified, spaces dropped.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect()
}

#[async_trait]
impl<R: EnterpriseRegister> IdentityVerifier for RegistryVerifier<R> {
    async fn check(&self, subject: &RealNameSubject) -> IdentityCheck {
        let RealNameSubject::LegalPerson {
            uscc,
            enterprise_name,
            legal_representative,
            ..
        } = subject
        else {
            return IdentityCheck::ManualReview {
                reason: "自然人身份须人工核验".into(),
            };
        };
        match self.register.lookup(uscc).await {
            Ok(Some(found)) => {
                if normalise(&found.enterprise_name) != normalise(enterprise_name) {
                    IdentityCheck::Refused {
                        reason: "企业名称与登记机关登记的名称不一致".into(),
                    }
                } else if normalise(&found.legal_representative) != normalise(legal_representative)
                {
                    IdentityCheck::Refused {
                        reason: "法定代表人与登记机关登记的不一致".into(),
                    }
                } else {
                    IdentityCheck::Verified
                }
            }
            Ok(None) => IdentityCheck::Refused {
                reason: "登记机关无此统一社会信用代码的企业".into(),
            },
            Err(e) => {
                tracing::warn!(error = %e, "enterprise register unavailable; manual review");
                IdentityCheck::ManualReview {
                    reason: "登记机关核验服务暂不可用，转人工核验".into(),
                }
            }
        }
    }

    fn authoritative(&self) -> bool {
        true
    }
}

/// Test doubles. Never wire these into a deployment: they answer from a list the test gives them.
pub mod test_double {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    /// An [`EnterpriseRegister`] answering from an in-memory list; `unavailable()` makes every lookup fail.
    #[derive(Default)]
    pub struct RegisterTestDouble {
        entries: Mutex<HashMap<String, RegisteredEnterprise>>,
        unavailable: Mutex<bool>,
    }

    impl RegisterTestDouble {
        pub fn with(entries: impl IntoIterator<Item = RegisteredEnterprise>) -> Self {
            let double = RegisterTestDouble::default();
            for e in entries {
                double
                    .entries
                    .lock()
                    .expect("test double lock")
                    .insert(e.uscc.clone(), e);
            }
            double
        }

        pub fn unavailable(self) -> Self {
            *self.unavailable.lock().expect("test double lock") = true;
            self
        }
    }

    #[async_trait]
    impl EnterpriseRegister for RegisterTestDouble {
        async fn lookup(
            &self,
            uscc: &str,
        ) -> Result<Option<RegisteredEnterprise>, RegisterUnavailable> {
            if *self.unavailable.lock().expect("test double lock") {
                return Err(RegisterUnavailable("test double set unavailable".into()));
            }
            Ok(self
                .entries
                .lock()
                .expect("test double lock")
                .get(uscc)
                .cloned())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_double::RegisterTestDouble;
    use super::*;

    fn legal(name: &str, rep: &str) -> RealNameSubject {
        RealNameSubject::LegalPerson {
            uscc: "91330106MA27XW4T2K".into(),
            enterprise_name: name.into(),
            legal_representative: rep.into(),
            id_number: None,
            uscc_check_warning: false,
        }
    }

    fn register() -> RegisterTestDouble {
        RegisterTestDouble::with([RegisteredEnterprise {
            uscc: "91330106MA27XW4T2K".into(),
            enterprise_name: "杭州示例科技有限公司（分公司）".into(),
            legal_representative: "张三".into(),
        }])
    }

    #[tokio::test]
    async fn the_register_confirms_matching_details_and_refuses_others() {
        let v = RegistryVerifier::new(register());
        assert!(v.authoritative());
        assert_eq!(
            v.check(&legal("杭州示例科技有限公司(分公司)", " 张三"))
                .await,
            IdentityCheck::Verified
        );
        assert!(matches!(
            v.check(&legal("冒用科技有限公司", "张三")).await,
            IdentityCheck::Refused { .. }
        ));
        assert!(matches!(
            v.check(&legal("杭州示例科技有限公司（分公司）", "李四"))
                .await,
            IdentityCheck::Refused { .. }
        ));
    }

    #[tokio::test]
    async fn an_unknown_code_is_refused_and_an_unavailable_register_goes_to_an_operator() {
        let v = RegistryVerifier::new(RegisterTestDouble::default());
        assert!(matches!(
            v.check(&legal("任意", "张三")).await,
            IdentityCheck::Refused { .. }
        ));
        let v = RegistryVerifier::new(register().unavailable());
        assert!(matches!(
            v.check(&legal("杭州示例科技有限公司（分公司）", "张三"))
                .await,
            IdentityCheck::ManualReview { .. }
        ));
        let person = RealNameSubject::NaturalPerson {
            name: "李四".into(),
            id_number: "11010519491231002X".into(),
        };
        assert!(matches!(
            v.check(&person).await,
            IdentityCheck::ManualReview { .. }
        ));
    }
}
