//! Domain services: the use cases, written over the ports. Handlers decode a request, call one service
//! function, encode its answer.

pub mod accounts;
pub mod application;
pub mod change_reports;
pub mod common;
pub mod declarations;
pub mod eligibility;
pub mod enterprise;
pub mod enterprise_views;
pub mod events;
pub mod evidence;
pub mod identity;
pub mod identity_registry;
pub mod imports;
pub mod info_updates;
pub mod limits;
pub mod messages;
pub mod outbox;
pub mod passwords;
pub mod publicity;
pub mod publicity_lists;
pub mod queue_filter;
pub mod records;
pub mod recovery_documents;
pub mod reminders;
pub mod repository;
pub mod rereviews;
pub mod review;
pub mod review_views;
pub mod sessions;
pub mod statistics;
pub mod stream;
pub mod uscc_claims;
pub mod windows;

use std::sync::Arc;

use crate::ports::{SharedBlobs, SharedClock, SharedNotifier, SharedStore, SharedVerifier};

/// Real-name verification mode (configuration `SME_VERIFICATION_MODE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VerificationMode {
    /// Format and checksums; uniqueness by the store. Codes failing only their check character go to an operator.
    #[default]
    Checks,
    /// Every request waits for an operator's decision.
    Manual,
}

impl std::str::FromStr for VerificationMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "checks" | "" => Ok(VerificationMode::Checks),
            "manual" => Ok(VerificationMode::Manual),
            other => Err(format!(
                "unknown verification mode {other:?} (checks | manual)"
            )),
        }
    }
}

/// Tunable policy of the platform (defaults are the documented ones).
#[derive(Clone, Debug)]
pub struct Policy {
    /// Failed logins per account before it is locked.
    pub account_max_failures: u32,
    /// Failed logins per client address before the address is locked (offices share addresses: higher).
    pub address_max_failures: u32,
    /// How long a lock lasts, and the window failures are counted in (seconds).
    pub lock_seconds: i64,
    /// Validity of one-time codes (seconds) and wrong tries allowed.
    pub code_ttl_seconds: i64,
    pub code_max_tries: u32,
    /// A new code for the same purpose is not sent within this many seconds.
    pub code_resend_seconds: i64,
    /// argon2id cost: memory (KiB), iterations, parallelism.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Largest evidence file accepted (bytes; `SME_EVIDENCE_MAX_BYTES`, default 50 MB).
    pub evidence_max_bytes: u64,
    /// Validity of a presigned upload URL (seconds; 15 minutes).
    pub upload_url_seconds: u64,
    /// Validity of a presigned download URL (seconds; 5 minutes).
    pub download_url_seconds: u64,
    /// The yearly information-update periods (`SME_UPDATE_PERIOD`, default `01-01/04-30`; per year and province
    /// too, see [`info_updates::UpdatePeriods`]).
    pub update_period: info_updates::UpdatePeriods,
    /// The least time a recovery request (`POST /v1/password-resets`, `POST /v1/phone-changes`) takes to answer
    /// (milliseconds; `SME_RECOVERY_MIN_MS`, default 300), so that the sends a known login causes (SMS, e-mail
    /// through a provider) do not tell it apart from an unknown one by timing.
    pub recovery_min_millis: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            account_max_failures: 5,
            address_max_failures: 20,
            lock_seconds: 15 * 60,
            code_ttl_seconds: 10 * 60,
            code_max_tries: 5,
            code_resend_seconds: 60,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            evidence_max_bytes: 50 * 1024 * 1024,
            upload_url_seconds: 15 * 60,
            download_url_seconds: 5 * 60,
            update_period: info_updates::UpdatePeriods::default(),
            recovery_min_millis: 300,
        }
    }
}

/// Everything a use case needs from the world, built once per process.
pub struct Platform {
    pub store: SharedStore,
    pub blobs: Option<SharedBlobs>,
    pub clock: SharedClock,
    pub notifier: SharedNotifier,
    pub verifier: SharedVerifier,
    pub policy: Policy,
    /// Which sessions are still current, cached briefly per account (see [`sessions`]).
    pub sessions: sessions::SessionCache,
}

pub type SharedPlatform = Arc<Platform>;
