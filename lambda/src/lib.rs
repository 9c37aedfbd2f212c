//! The Lambda composition root: each function's `main` reads its [`Settings`] once, builds the adapters its
//! routes use — the DynamoDB store always, S3 blobs (feature `s3`), SNS/SES delivery (feature `notify`) — and
//! serves its router. A function links only the adapter clients its features name.

mod runtime;

use std::sync::Arc;

use shared::clock::SystemClock;
use shared::ports::sealed_cursors::SealedCursors;
use shared::ports::{SharedBlobs, SharedClock, SharedNotifier, SharedStore};
use shared::services::Platform;
use shared::services::application::signing::DocumentKeys;
use shared::services::identity::verifier_for;
use shared::services::outbox::StoreOutbox;
use sme_aws::dynamo_store::DynamoStore;
use sme_http::app::{self, Handlers};
use sme_http::auth::TokenKeys;
use sme_http::routes::Function;
use sme_http::settings::{ConfigError, Settings};
use sme_http::state::AppState;

pub use runtime::{Error, init_tracing, serve_router};

/// What every function starts from: its settings, the AWS SDK configuration, the clock and the store.
pub struct Start {
    pub settings: Settings,
    pub aws: aws_config::SdkConfig,
    pub clock: SharedClock,
    pub store: SharedStore,
}

/// Read the settings, start the logs, and open the table (`SME_TABLE`, cursors sealed with `SME_CURSOR_KEY`).
pub async fn start() -> Result<Start, ConfigError> {
    init_tracing();
    // The rule files are parsed on first use (checked by the tests, not at every cold start).
    let settings = Settings::from_env()?;
    let aws = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let clock: SharedClock = Arc::new(SystemClock);
    let store: SharedStore = Arc::new(DynamoStore::new(
        aws_sdk_dynamodb::Client::new(&aws),
        Settings::required(&settings.table, "SME_TABLE")?.clone(),
        clock.clone(),
    ));
    let key = *Settings::required(&settings.cursor_key, "SME_CURSOR_KEY")?;
    let store: SharedStore = Arc::new(SealedCursors::new(store, key));
    Ok(Start {
        settings,
        aws,
        clock,
        store,
    })
}

impl Start {
    /// Evidence files in the bucket `SME_BUCKET`.
    #[cfg(feature = "s3")]
    pub fn blobs(&self) -> Result<SharedBlobs, ConfigError> {
        Ok(Arc::new(sme_aws::s3_blobs::S3Blobs::new(
            aws_sdk_s3::Client::new(&self.aws),
            Settings::required(&self.settings.bucket, "SME_BUCKET")?.clone(),
            self.clock.clone(),
        )))
    }

    /// SMS through SNS and e-mail through SES from `SME_MAIL_FROM`: only the notify function sends.
    #[cfg(feature = "notify")]
    pub fn delivery(&self) -> SharedNotifier {
        Arc::new(sme_aws::notify_aws::AwsNotifier::new(
            aws_sdk_sns::Client::new(&self.aws),
            aws_sdk_sesv2::Client::new(&self.aws),
            self.settings.mail_from.clone(),
        ))
    }

    /// The outbox: messages written as records that the notify function relays from the table's stream.
    pub fn outbox(&self) -> SharedNotifier {
        Arc::new(StoreOutbox::new(self.store.clone(), self.clock.clone()))
    }

    /// Keys that verify session tokens (`SME_JWT_PUBLIC_KEY`).
    pub fn verifying_keys(&self) -> Result<TokenKeys, ConfigError> {
        TokenKeys::verifying(Settings::required(
            &self.settings.jwt_public_key,
            "SME_JWT_PUBLIC_KEY",
        )?)
        .map_err(|e| ConfigError(e.to_string()))
    }

    /// Keys that also sign them (`SME_JWT_PRIVATE_KEY`): register only.
    pub fn signing_keys(&self) -> Result<TokenKeys, ConfigError> {
        TokenKeys::signing(
            Settings::required(&self.settings.jwt_private_key, "SME_JWT_PRIVATE_KEY")?,
            Settings::required(&self.settings.jwt_public_key, "SME_JWT_PUBLIC_KEY")?,
        )
        .map_err(|e| ConfigError(e.to_string()))
    }

    /// The application-document key (`SME_DOCUMENT_SIGNING_KEY`) and the public address the documents' QR codes
    /// point to (`SME_PUBLIC_BASE_URL`): declare only.
    pub fn document_keys(&self) -> Result<DocumentKeys, ConfigError> {
        DocumentKeys::from_pem(
            Settings::required(
                &self.settings.document_signing_key,
                "SME_DOCUMENT_SIGNING_KEY",
            )?,
            Settings::required(&self.settings.public_base_url, "SME_PUBLIC_BASE_URL")?,
        )
        .map_err(ConfigError)
    }

    /// The application state over these adapters.
    pub fn state(
        self,
        blobs: Option<SharedBlobs>,
        notifier: SharedNotifier,
        tokens: TokenKeys,
    ) -> AppState {
        let platform = Platform {
            sessions: Default::default(),
            notifier,
            verifier: verifier_for(self.settings.verification_mode),
            policy: self.settings.policy.clone(),
            store: self.store,
            blobs,
            clock: self.clock,
        };
        AppState::new(platform, tokens)
    }
}

/// Serve one function's routes until the runtime stops.
pub async fn serve(function: Function, handlers: Handlers, state: AppState) -> Result<(), Error> {
    serve_router(app::finish(app::function_router(function, handlers), state)).await
}
