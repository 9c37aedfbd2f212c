//! Configuration from the environment, and the Lambda functions' start-up: adapters are built once here.

use std::sync::Arc;

use crate::adapters::clock::SystemClock;
use crate::adapters::dynamo_store::DynamoStore;
use crate::adapters::identity::verifier_for;
use crate::adapters::notify_aws::AwsNotifier;
use crate::adapters::outbox::StoreOutbox;
use crate::adapters::s3_blobs::S3Blobs;
use crate::adapters::sealed_cursors::SealedCursors;
use crate::http::auth::TokenKeys;
use crate::http::routes::Function;
use crate::http::state::AppState;
use crate::ports::{SharedBlobs, SharedClock, SharedNotifier, SharedStore};
use crate::services::{Platform, Policy, VerificationMode};

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(pub String);

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn required(name: &str) -> Result<String, ConfigError> {
    var(name).ok_or_else(|| ConfigError(format!("{name} is not set")))
}

/// `SME_VERIFICATION_MODE` (checks | manual; default checks).
pub fn verification_mode() -> Result<VerificationMode, ConfigError> {
    var("SME_VERIFICATION_MODE")
        .unwrap_or_default()
        .parse()
        .map_err(ConfigError)
}

/// Policy defaults, with the argon2 cost overridable (`SME_ARGON2_MEMORY_KIB`, `SME_ARGON2_ITERATIONS`).
pub fn policy() -> Result<Policy, ConfigError> {
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
    if let Some(v) = var("SME_UPDATE_PERIOD") {
        policy.update_period = crate::services::info_updates::UpdatePeriods::parse(&v).map_err(|e| {
            ConfigError(format!(
                "SME_UPDATE_PERIOD ({e}), e.g. 01-01/04-30 or 01-01/04-30;2026:01-01/05-31;2026@33:01-01/05-31"
            ))
        })?;
    }
    Ok(policy)
}

/// The key that seals pagination cursors (`SME_CURSOR_KEY`: 64 hex characters, the same for every function).
fn cursor_key() -> Result<[u8; 32], ConfigError> {
    let text = required("SME_CURSOR_KEY")?;
    hex::decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| ConfigError("SME_CURSOR_KEY must be 64 hex characters (32 bytes)".into()))
}

/// PEM text from an environment variable that may hold the PEM itself or, escaped, with literal `\n`.
fn pem(name: &str) -> Result<String, ConfigError> {
    Ok(required(name)?.replace("\\n", "\n"))
}

/// Build a Lambda function's state: DynamoDB table `SME_TABLE`, bucket `SME_BUCKET` (upload only), the public
/// key `SME_JWT_PUBLIC_KEY`, for register the private key `SME_JWT_PRIVATE_KEY`, and for declare the document key
/// `SME_DOCUMENT_SIGNING_KEY` with the public address `SME_PUBLIC_BASE_URL` the documents' QR codes point to.
pub async fn lambda_state(function: Function) -> Result<AppState, ConfigError> {
    // The rule files are parsed on first use (checked by the tests, not at every cold start).
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let clock: SharedClock = Arc::new(SystemClock);
    let store: SharedStore = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&aws),
        required("SME_TABLE")?,
        clock.clone(),
    ));
    let store: SharedStore = Arc::new(SealedCursors::new(store, cursor_key()?));
    let blobs: Option<SharedBlobs> = match function {
        Function::Upload | Function::Declare | Function::Review => {
            let s3 = aws_sdk_s3::Client::new(&aws);
            Some(Arc::new(S3Blobs::new(
                s3,
                required("SME_BUCKET")?,
                clock.clone(),
            )))
        }
        _ => None,
    };
    let tokens = if function == Function::Register {
        TokenKeys::signing(&pem("SME_JWT_PRIVATE_KEY")?, &pem("SME_JWT_PUBLIC_KEY")?)
    } else {
        TokenKeys::verifying(&pem("SME_JWT_PUBLIC_KEY")?)
    }
    .map_err(|e| ConfigError(e.to_string()))?;
    // The notify function sends SMS and e-mail itself (SNS, SES); the others queue theirs in the outbox, which the
    // notify function relays from the table's stream.
    let notifier: SharedNotifier = if function == Function::Notify {
        Arc::new(AwsNotifier::new(
            aws_sdk_sns::Client::new(&aws),
            aws_sdk_sesv2::Client::new(&aws),
            var("SME_MAIL_FROM"),
        ))
    } else {
        Arc::new(StoreOutbox::new(store.clone(), clock.clone()))
    };
    let platform = Platform {
        sessions: Default::default(),
        notifier,
        verifier: verifier_for(verification_mode()?),
        policy: policy()?,
        store,
        blobs,
        clock,
    };
    let state = AppState::new(platform, tokens);
    // The declare function renders and verifies application documents: it holds the document key (its own key,
    // not the token key) and knows the public address the documents' QR codes point to.
    if function == Function::Declare {
        let keys = crate::services::application::signing::DocumentKeys::from_pem(
            &pem("SME_DOCUMENT_SIGNING_KEY")?,
            &required("SME_PUBLIC_BASE_URL")?,
        )
        .map_err(ConfigError)?;
        return Ok(state.with_documents(keys));
    }
    Ok(state)
}
