//! Accounts: registration, real-name verification, login lock-out, one-time codes. Pure types and rules; the
//! I/O lives in `crate::services::accounts`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::domain::principal::{Level, Principal, Role};

/// Who an account was verified as (实名认证主体).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "subject_type", rename_all = "snake_case")]
pub enum RealNameSubject {
    /// 法人: an enterprise with its unified social credit code.
    LegalPerson {
        uscc: String,
        enterprise_name: String,
        legal_representative: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id_number: Option<String>,
        /// The USCC's check character did not verify (early pilot-area codes): an operator looked at it.
        #[serde(default)]
        uscc_check_warning: bool,
    },
    /// 自然人.
    NaturalPerson { name: String, id_number: String },
}

impl RealNameSubject {
    pub fn uscc(&self) -> Option<&str> {
        match self {
            RealNameSubject::LegalPerson { uscc, .. } => Some(uscc),
            RealNameSubject::NaturalPerson { .. } => None,
        }
    }

    pub fn role(&self) -> Role {
        match self {
            RealNameSubject::LegalPerson { .. } => Role::Enterprise,
            RealNameSubject::NaturalPerson { .. } => Role::NaturalPerson,
        }
    }
}

/// The real-name verification state of an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Verification {
    Unverified,
    Pending {
        subject: RealNameSubject,
        review_id: String,
        #[serde(with = "crate::domain::timestamp")]
        requested_at: OffsetDateTime,
    },
    Verified {
        subject: RealNameSubject,
        #[serde(with = "crate::domain::timestamp")]
        verified_at: OffsetDateTime,
    },
    Rejected {
        subject: RealNameSubject,
        reason: String,
        #[serde(with = "crate::domain::timestamp")]
        rejected_at: OffsetDateTime,
    },
}

impl Verification {
    pub fn status(&self) -> &'static str {
        match self {
            Verification::Unverified => "unverified",
            Verification::Pending { .. } => "pending",
            Verification::Verified { .. } => "verified",
            Verification::Rejected { .. } => "rejected",
        }
    }

    /// A new verification may be requested when none is verified or pending.
    pub fn may_request(&self) -> bool {
        matches!(
            self,
            Verification::Unverified | Verification::Rejected { .. }
        )
    }
}

/// What an official account is responsible for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficialScope {
    pub level: Level,
    /// GB/T 2260 code of the official's region; none for the ministry.
    pub region: Option<String>,
}

/// The account record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    /// As the user typed it (uniqueness is on the lower-cased form).
    pub login_name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// 11-digit mainland mobile number.
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Set for operators and officials at creation; enterprises and natural persons get theirs by verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<OfficialScope>,
    pub verification: Verification,
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub password_changed_at: OffsetDateTime,
    /// Session generation: tokens carry the generation they were issued in, and a password reset, a phone change
    /// or an account recovery moves it on, which ends every older session.
    #[serde(default)]
    pub session_generation: u32,
    /// Sessions ended one by one (logout) before they expire: their token ids and expiry (Unix seconds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revoked_sessions: Vec<RevokedSession>,
}

/// One logged-out session, kept until its token would have expired anyway.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokedSession {
    pub jti: String,
    pub expires_at: i64,
}

impl Account {
    /// End every session issued so far.
    pub fn end_all_sessions(&mut self) {
        self.session_generation = self.session_generation.wrapping_add(1);
        self.revoked_sessions.clear();
    }

    /// End one session (logout), forgetting sessions that have expired by `now`.
    pub fn end_session(&mut self, jti: &str, expires_at: i64, now: i64) {
        self.revoked_sessions.retain(|r| r.expires_at >= now);
        if !self.revoked_sessions.iter().any(|r| r.jti == jti) {
            self.revoked_sessions.push(RevokedSession {
                jti: jti.to_owned(),
                expires_at,
            });
        }
    }

    /// Whether a token of `generation` with id `jti` still opens a session.
    pub fn session_is_current(&self, generation: u32, jti: &str) -> bool {
        generation == self.session_generation && !self.revoked_sessions.iter().any(|r| r.jti == jti)
    }

    pub fn role(&self) -> Role {
        if let Some(role) = self.fixed_role {
            return role;
        }
        match &self.verification {
            Verification::Verified { subject, .. } => subject.role(),
            _ => Role::Unverified,
        }
    }

    /// The verified USCC of a legal-person account.
    pub fn verified_uscc(&self) -> Option<&str> {
        match &self.verification {
            Verification::Verified { subject, .. } => subject.uscc(),
            _ => None,
        }
    }

    /// Only verified legal persons log in with their USCC.
    pub fn may_log_in_with_uscc(&self) -> bool {
        self.role() == Role::Enterprise && self.verified_uscc().is_some()
    }

    /// The caller this account acts as. An account record that makes no valid caller (an official without a
    /// scope) acts as an unverified account: it can do nothing an official or enterprise could.
    pub fn principal(&self) -> Principal {
        Principal::from_parts(
            self.id.clone(),
            self.role(),
            self.verified_uscc().map(str::to_owned),
            self.official.as_ref().map(|o| o.level),
            self.official.as_ref().and_then(|o| o.region.clone()),
        )
        .unwrap_or_else(|_| Principal::Unverified {
            account_id: self.id.clone(),
        })
    }
}

/// Failed-login counting for one account or one client address: after `max` failures inside the window, the
/// subject is locked for `lock_seconds`; a success resets it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureCounter {
    pub failures: u32,
    /// Unix seconds of the first failure counted.
    pub since: i64,
    /// Unix seconds until which logins are refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<i64>,
}

impl FailureCounter {
    /// Seconds left of a lock at `now`, if locked.
    pub fn locked_for(&self, now: i64) -> Option<u64> {
        self.locked_until
            .filter(|&t| t > now)
            .map(|t| (t - now) as u64)
    }

    /// Count one failure at `now`; failures older than `lock_seconds` start a new window. Returns true when this
    /// failure locks the subject.
    pub fn record_failure(&mut self, now: i64, max: u32, lock_seconds: i64) -> bool {
        if self.locked_until.is_some_and(|t| t <= now) || now - self.since >= lock_seconds {
            *self = FailureCounter {
                failures: 0,
                since: now,
                locked_until: None,
            };
        }
        self.failures += 1;
        if self.failures >= max {
            self.locked_until = Some(now + lock_seconds);
            return true;
        }
        false
    }
}

/// A one-time numeric code (password reset, e-mail confirmation): stored hashed, valid until `expires_at`,
/// `max_tries` wrong guesses burn it, a right guess uses it up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OneTimeCode {
    /// Hex SHA-256 of `salt || code`.
    pub hash: String,
    pub salt: String,
    pub expires_at: i64,
    pub tries_left: u32,
    #[serde(default)]
    pub used: bool,
}

/// The outcome of presenting a one-time code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    /// Wrong code; this many tries remain.
    Wrong {
        tries_left: u32,
    },
    /// Expired, used up or out of tries.
    Dead,
}

impl OneTimeCode {
    pub fn new(code: &str, salt: String, expires_at: i64, max_tries: u32) -> Self {
        OneTimeCode {
            hash: Self::digest(&salt, code),
            salt,
            expires_at,
            tries_left: max_tries,
            used: false,
        }
    }

    fn digest(salt: &str, code: &str) -> String {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(format!("{salt}{code}").as_bytes()))
    }

    /// Check `code` at `now`, updating tries and use.
    pub fn check(&mut self, code: &str, now: i64) -> CodeCheck {
        if self.used || self.tries_left == 0 || now >= self.expires_at {
            return CodeCheck::Dead;
        }
        let given = Self::digest(&self.salt, code.trim());
        if constant_time_eq(given.as_bytes(), self.hash.as_bytes()) {
            self.used = true;
            CodeCheck::Accepted
        } else {
            self.tries_left -= 1;
            if self.tries_left == 0 {
                CodeCheck::Dead
            } else {
                CodeCheck::Wrong {
                    tries_left: self.tries_left,
                }
            }
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh 6-digit code.
pub fn six_digit_code() -> String {
    use rand::Rng;
    format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_for_the_lock_period_and_the_lock_then_lapses() {
        let mut c = FailureCounter::default();
        for i in 1..5 {
            assert!(!c.record_failure(1000 + i, 5, 900));
        }
        assert!(c.record_failure(1005, 5, 900));
        assert_eq!(c.locked_for(1006), Some(899));
        assert_eq!(c.locked_for(1905), None);
        assert!(!c.record_failure(1906, 5, 900));
        assert_eq!(c.failures, 1);
    }

    #[test]
    fn failures_spread_beyond_the_window_do_not_lock() {
        let mut c = FailureCounter::default();
        for i in 0..10 {
            assert!(!c.record_failure(i * 1000, 5, 900));
        }
    }

    #[test]
    fn a_one_time_code_is_single_use() {
        let mut code = OneTimeCode::new("123456", "s".into(), 600, 5);
        assert_eq!(code.check("123456", 10), CodeCheck::Accepted);
        assert_eq!(code.check("123456", 11), CodeCheck::Dead);
    }

    #[test]
    fn a_one_time_code_dies_after_five_wrong_tries_or_at_expiry() {
        let mut code = OneTimeCode::new("123456", "s".into(), 600, 5);
        for left in (1..5).rev() {
            assert_eq!(
                code.check("000000", 10),
                CodeCheck::Wrong { tries_left: left }
            );
        }
        assert_eq!(code.check("000000", 10), CodeCheck::Dead);
        assert_eq!(code.check("123456", 10), CodeCheck::Dead);
        let mut late = OneTimeCode::new("123456", "s".into(), 600, 5);
        assert_eq!(late.check("123456", 600), CodeCheck::Dead);
    }

    #[test]
    fn six_digit_codes_have_six_digits() {
        for _ in 0..100 {
            let c = six_digit_code();
            assert_eq!(c.len(), 6);
            assert!(c.chars().all(|ch| ch.is_ascii_digit()));
        }
    }
}
