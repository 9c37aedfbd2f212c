//! `sme-local`: every function of the platform in one process on 127.0.0.1, through the same handlers Lambda
//! uses, with the embedded SQLite store and disk blobs under a data folder. See README.md "Run locally".

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use shared::clock::MovableClock;
use shared::error::{AppError, ErrorCode};
use shared::ports::{Clock, SharedStore};
use shared::services::application::signing::DocumentKeys;
use shared::services::identity::verifier_for;
use shared::services::outbox::StoreOutbox;
use shared::services::{Platform, accounts, reminders, stream};
use sme_embedded::local_blobs::LocalBlobs;
use sme_embedded::sqlite_store::SqliteStore;
use sme_http::app::{self, Handlers};
use sme_http::auth::{TokenKeys, generate_key_pair};
use sme_http::error::ApiResult;
use sme_http::error::JsonBody;
use sme_http::routes::Function;
use sme_http::settings::Settings;
use sme_http::state::AppState;

pub mod serve;
pub use serve::ServeLimits;

/// `GET /healthz`: 200 while the background dispatcher completes its passes, 503 `UNAVAILABLE` when it has not
/// completed one for longer than its limit ([`DISPATCH_STALE_AFTER`]).
async fn healthz(State(d): State<Arc<DispatchInner>>) -> ApiResult<Json<Value>> {
    match d.stale_for() {
        None => Ok(Json(json!({"status": "ok"}))),
        Some(since) => Err(AppError::new(
            ErrorCode::Unavailable,
            format!("消息分发已 {} 秒未完成一轮，请查看日志", since.as_secs()),
        )
        .into()),
    }
}
pub mod web;

/// Configuration of the local runner: the platform's [`Settings`] and the runner's own (address, data folder,
/// development mode, bootstrap operator, web folder, connection limits), from the environment first, then flags.
#[derive(Clone, Debug)]
pub struct LocalConfig {
    pub listen: String,
    pub data_dir: PathBuf,
    pub dev: bool,
    pub bootstrap_operator: Option<String>,
    /// The built web front end served at `/` (`web/dist`; a notice page when it is missing).
    pub web_dir: PathBuf,
    /// What every function reads (verification mode, policy); the local runner keeps its keys in `data_dir`.
    pub settings: Settings,
    /// Timeouts and the connection limit of the HTTP server.
    pub limits: ServeLimits,
}

impl LocalConfig {
    /// From `SME_LISTEN`, `SME_DATA_DIR`, `SME_DEV`, `SME_BOOTSTRAP_OPERATOR`, `SME_WEB_DIR`, the platform
    /// settings ([`Settings::from_lookup`]) and the server limits ([`ServeLimits::from_lookup`]) in `lookup` (the
    /// environment, read by `main`), then the flags `--listen ADDR`, `--data-dir DIR`, `--dev`, `--web-dir DIR`.
    pub fn from_lookup_and_args(
        lookup: impl Fn(&str) -> Option<String>,
        args: impl IntoIterator<Item = String>,
    ) -> Result<Self, String> {
        let env = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut config = LocalConfig {
            listen: env("SME_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".into()),
            data_dir: PathBuf::from(env("SME_DATA_DIR").unwrap_or_else(|| "./data".into())),
            dev: matches!(env("SME_DEV").as_deref(), Some("1" | "true" | "yes")),
            bootstrap_operator: env("SME_BOOTSTRAP_OPERATOR"),
            web_dir: PathBuf::from(env("SME_WEB_DIR").unwrap_or_else(|| "web/dist".into())),
            settings: Settings::from_lookup(&lookup).map_err(|e| e.to_string())?,
            limits: ServeLimits::from_lookup(&lookup)?,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--listen" => config.listen = args.next().ok_or("--listen needs an address")?,
                "--data-dir" => {
                    config.data_dir = PathBuf::from(args.next().ok_or("--data-dir needs a folder")?)
                }
                "--dev" => config.dev = true,
                "--web-dir" => {
                    config.web_dir = PathBuf::from(args.next().ok_or("--web-dir needs a folder")?)
                }
                other => {
                    return Err(format!(
                        "unknown argument {other:?} (known: --listen ADDR, --data-dir DIR, --dev, --web-dir DIR, keygen)"
                    ));
                }
            }
        }
        Ok(config)
    }
}

/// Read a file, or create it with `make()` (0600) on first start.
fn read_or_create(path: &Path, make: impl FnOnce() -> String) -> std::io::Result<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let content = make();
            write_secret(path, &content)?;
            Ok(content)
        }
        Err(e) => Err(e),
    }
}

/// Write a key file atomically (temporary file, then rename), readable by the owner only from its creation.
fn write_secret(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Signing keys kept under `<data>/keys`, generated on first start.
fn load_keys(data_dir: &Path) -> Result<TokenKeys, String> {
    let dir = data_dir.join("keys");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let private_path = dir.join("jwt-ed25519.pem");
    let public_path = dir.join("jwt-ed25519.pub.pem");
    let io = |e: std::io::Error| format!("key files under {}: {e}", dir.display());
    if !private_path.exists() {
        // A new pair: the public half first, so a crash in between leaves no private key without its public one.
        let pair = generate_key_pair();
        write_secret(&public_path, &pair.public_pem).map_err(io)?;
        write_secret(&private_path, &pair.private_pem).map_err(io)?;
    }
    let private_pem = std::fs::read_to_string(&private_path).map_err(io)?;
    let public_pem = std::fs::read_to_string(&public_path).map_err(io)?;
    TokenKeys::signing(&private_pem, &public_pem).map_err(|e| e.to_string())
}

/// The key that signs application documents, `<data>/keys/document-ed25519.pem`, generated on first start.
fn load_document_key(data_dir: &Path, public_base_url: &str) -> Result<DocumentKeys, String> {
    let path = data_dir.join("keys").join("document-ed25519.pem");
    let pem = read_or_create(&path, || generate_key_pair().private_pem)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    DocumentKeys::from_pem(&pem, public_base_url)
}

fn load_blob_secret(data_dir: &Path) -> Result<[u8; 32], String> {
    load_secret(data_dir, "blob-url-secret")
}

/// A 32-byte secret kept (hex) under `<data>/keys/<name>`, generated on first start.
fn load_secret(data_dir: &Path, name: &str) -> Result<[u8; 32], String> {
    let path = data_dir.join("keys").join(name);
    let text = read_or_create(&path, || {
        let mut secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
        hex::encode(secret)
    })
    .map_err(|e| format!("{}: {e}", path.display()))?;
    let bytes = hex::decode(text.trim()).map_err(|e| format!("{}: {e}", path.display()))?;
    bytes
        .try_into()
        .map_err(|_| format!("{}: expected 32 bytes", path.display()))
}

/// Every function's handlers.
pub fn all_handlers() -> Vec<(Function, Handlers)> {
    vec![
        (Function::Register, register::handlers()),
        (Function::Declare, declare::handlers()),
        (Function::Upload, upload::handlers()),
        (Function::Withdraw, withdraw::handlers()),
        (Function::Review, review::handlers()),
        (Function::Notify, notify::handlers()),
    ]
}

/// The platform in one process.
pub struct Local {
    pub router: Router,
    pub clock: Arc<MovableClock>,
    pub store: SharedStore,
    /// The notify dispatcher: its background task lives as long as this value.
    pub dispatcher: Dispatcher,
}

/// The local stand-in for the notify function's stream and schedule: a background task that, every interval,
/// tails the event feed through `shared::services::stream` — the same code the Lambda runs — and then runs the
/// reminders when they are due (the China date changed since the last run, an hour passed, or the pass handled
/// events). It stops when the `Dispatcher` is dropped (with the runner).
pub struct Dispatcher {
    inner: Arc<DispatchInner>,
    task: Option<tokio::task::JoinHandle<()>>,
}

struct DispatchInner {
    platform: Arc<Platform>,
    feed: stream::FeedDispatcher,
    last_reminders: tokio::sync::Mutex<Option<(time::Date, std::time::Instant)>>,
    /// When the last pass completed without error (the start time before the first).
    last_pass: std::sync::Mutex<std::time::Instant>,
    /// `/healthz` answers 503 when no pass completed for this long; `None` when there is no background task.
    stale_after: Option<std::time::Duration>,
}

/// The dispatcher's default interval.
pub const DISPATCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// How long the background dispatcher may go without completing a pass before `/healthz` answers 503, at the
/// default interval: 30 s (thirty passes). For another interval it is thirty intervals, at least 30 s.
pub const DISPATCH_STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

impl DispatchInner {
    /// A feed pass first, so the reminders read a holders projection that has caught up with every event
    /// written so far (a reminder run right after a clock jump used to see a projection one pass behind, and
    /// the day's run was then spent without the new holder); the reminders when due; and another feed pass when
    /// they sent something, so their messages arrive in the same tick. `true` when every step went through.
    async fn tick(&self) -> bool {
        let mut ok = true;
        let handled = match self.feed.run_once(&self.platform).await {
            Ok(report) => report.events,
            Err(e) => {
                tracing::warn!(error = %e, "dispatcher pass failed");
                ok = false;
                0
            }
        };
        match self.reminders_if_due(handled > 0).await {
            Ok(Some(report)) if report.sent > 0 => {
                if let Err(e) = self.feed.run_once(&self.platform).await {
                    tracing::warn!(error = %e, "dispatcher pass failed");
                    ok = false;
                }
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "reminder run failed");
                ok = false;
            }
        }
        if ok {
            *self.last_pass.lock().unwrap_or_else(|e| e.into_inner()) = std::time::Instant::now();
        }
        ok
    }

    /// How long ago the last pass completed, when that is longer than allowed.
    fn stale_for(&self) -> Option<std::time::Duration> {
        let limit = self.stale_after?;
        let since = self
            .last_pass
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed();
        (since > limit).then_some(since)
    }

    /// Run the reminders when the China date changed since the last run, an hour passed, or the feed pass just
    /// handled events (the holders projection may have changed; markers make a rerun send nothing twice).
    async fn reminders_if_due(
        &self,
        events_handled: bool,
    ) -> Result<Option<reminders::ReminderReport>, AppError> {
        let today = shared::domain::calendar::china_date(self.platform.clock.now());
        let mut last = self.last_reminders.lock().await;
        let due = events_handled
            || match *last {
                Some((day, at)) => {
                    day != today || at.elapsed() >= std::time::Duration::from_secs(3600)
                }
                None => true,
            };
        if !due {
            return Ok(None);
        }
        let report = reminders::run(&self.platform).await?;
        *last = Some((today, std::time::Instant::now()));
        Ok(Some(report))
    }
}

impl Dispatcher {
    fn start(
        platform: Arc<Platform>,
        interval: std::time::Duration,
        stale_after: Option<std::time::Duration>,
    ) -> Dispatcher {
        let stale_after = (!interval.is_zero())
            .then(|| stale_after.unwrap_or_else(|| DISPATCH_STALE_AFTER.max(interval * 30)));
        let inner = Arc::new(DispatchInner {
            platform,
            feed: stream::FeedDispatcher::default(),
            last_reminders: tokio::sync::Mutex::new(None),
            last_pass: std::sync::Mutex::new(std::time::Instant::now()),
            stale_after,
        });
        let task = (!interval.is_zero()).then(|| {
            let inner = inner.clone();
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(interval);
                ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticker.tick().await;
                    // Each pass in its own task: a panic in it is reported here and the loop goes on.
                    let pass = inner.clone();
                    if let Err(e) = tokio::spawn(async move { pass.tick().await }).await {
                        tracing::error!(error = %e, "dispatcher pass panicked; retrying next interval");
                    }
                }
            })
        });
        Dispatcher { inner, task }
    }

    /// One pass over the event feed, now (tests; passes never overlap with the background task's).
    pub async fn run_once(&self) -> Result<stream::PassReport, AppError> {
        self.inner.feed.run_once(&self.inner.platform).await
    }

    /// One reminder run, now, whether or not it is due.
    pub async fn run_reminders(&self) -> Result<reminders::ReminderReport, AppError> {
        reminders::run(&self.inner.platform).await
    }

    /// A feed pass, the reminders when due, and another pass when they sent something: what the background task
    /// does every interval (`true` when every step went through).
    pub async fn tick(&self) -> bool {
        self.inner.tick().await
    }
}

impl Drop for Dispatcher {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[derive(Clone)]
struct DevState {
    clock: Arc<MovableClock>,
    outbox: Arc<StoreOutbox>,
    dispatcher: Arc<DispatchInner>,
}

#[derive(Deserialize)]
struct ClockBody {
    now: String,
}

async fn get_clock(State(d): State<DevState>) -> Json<Value> {
    Json(json!({"now": shared::domain::timestamp::rfc3339(d.clock.now())}))
}

async fn set_clock(
    State(d): State<DevState>,
    JsonBody(b): JsonBody<ClockBody>,
) -> ApiResult<Json<Value>> {
    // Inside the range every date computation supports (1970–9000, China time): a 422, never a panic later.
    let at = shared::domain::calendar::parse_instant("now", &b.now)?;
    d.clock.set(at);
    d.dispatcher.feed.clock_moved(at);
    tracing::warn!(now = %b.now, "development clock moved");
    Ok(get_clock(State(d)).await)
}

#[derive(Deserialize)]
struct OutboxParams {
    limit: Option<u32>,
}

async fn dev_outbox(
    State(d): State<DevState>,
    Query(q): Query<OutboxParams>,
) -> ApiResult<Json<Value>> {
    let items = d
        .outbox
        .recent(q.limit.unwrap_or(100).clamp(1, 1000))
        .await?;
    Ok(Json(json!({"items": items})))
}

/// What tests may replace in [`build_with`]: the store (built over the platform clock), the blobs, the policy.
#[derive(Default)]
pub struct Overrides {
    pub store: Option<StoreFactory>,
    pub blobs: Option<BlobsFactory>,
    pub policy: Option<shared::services::Policy>,
    /// The notify dispatcher's interval ([`DISPATCH_INTERVAL`] when `None`); zero: no background task (tests then
    /// call [`Dispatcher::run_once`]).
    pub dispatch_interval: Option<std::time::Duration>,
    /// How long the background dispatcher may go without a completed pass before `/healthz` answers 503
    /// ([`DISPATCH_STALE_AFTER`] when `None`).
    pub dispatch_stale_after: Option<std::time::Duration>,
}

/// Builds a store over the platform clock.
pub type StoreFactory = Box<dyn FnOnce(shared::ports::SharedClock) -> SharedStore + Send>;

/// Builds the evidence blobs over the platform clock.
pub type BlobsFactory =
    Box<dyn FnOnce(shared::ports::SharedClock) -> shared::ports::SharedBlobs + Send>;

/// Build the whole platform over the data folder; `public_base_url` is where the runner can be reached (for the
/// presigned blob URLs).
pub async fn build(config: &LocalConfig, public_base_url: &str) -> Result<Local, String> {
    build_with(config, public_base_url, Overrides::default()).await
}

/// [`build`] with parts replaced (the scenario tests run the same router on DynamoDB and S3 on moto).
pub async fn build_with(
    config: &LocalConfig,
    public_base_url: &str,
    overrides: Overrides,
) -> Result<Local, String> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
    let clock = Arc::new(MovableClock::new());
    let shared_clock: shared::ports::SharedClock = clock.clone();
    let store: SharedStore = match overrides.store {
        Some(factory) => factory(shared_clock.clone()),
        None => Arc::new(
            SqliteStore::open(&config.data_dir.join("sme.sqlite3"), shared_clock.clone())
                .map_err(|e| e.to_string())?,
        ),
    };
    // Pagination cursors handed to clients are sealed (HMAC) and checked when they come back.
    let store: SharedStore = Arc::new(shared::ports::sealed_cursors::SealedCursors::new(
        store,
        load_secret(&config.data_dir, "cursor-secret")?,
    ));
    let blobs = Arc::new(LocalBlobs::new(
        config.data_dir.join("blobs"),
        public_base_url.to_owned(),
        load_blob_secret(&config.data_dir)?,
        shared_clock.clone(),
    ));
    match blobs.remove_stale_uploads().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            removed = n,
            "removed unfinished uploads left by an earlier run"
        ),
        Err(e) => tracing::warn!(error = %e, "could not sweep unfinished uploads"),
    }
    let outbox = Arc::new(StoreOutbox::new(store.clone(), shared_clock.clone()));
    let platform = Platform {
        sessions: Default::default(),
        store: store.clone(),
        blobs: Some(match overrides.blobs {
            Some(factory) => factory(shared_clock.clone()),
            None => blobs.clone(),
        }),
        clock: shared_clock,
        notifier: outbox.clone(),
        verifier: verifier_for(config.settings.verification_mode),
        policy: overrides
            .policy
            .unwrap_or_else(|| config.settings.policy.clone()),
    };
    let state = AppState::new(platform, load_keys(&config.data_dir)?)
        .with_documents(load_document_key(&config.data_dir, public_base_url)?);
    let dispatcher = Dispatcher::start(
        state.platform.clone(),
        overrides.dispatch_interval.unwrap_or(DISPATCH_INTERVAL),
        overrides.dispatch_stale_after,
    );
    if let Some(spec) = &config.bootstrap_operator {
        match accounts::bootstrap_operator(&state, spec).await {
            Ok(true) => tracing::info!("bootstrap operator created"),
            Ok(false) => tracing::info!("bootstrap operator already exists"),
            Err(e) => return Err(format!("SME_BOOTSTRAP_OPERATOR: {e}")),
        }
    }
    let mut api = Router::new();
    for (function, handlers) in all_handlers() {
        api = api.merge(app::function_router(function, handlers));
    }
    let mut router = app::finish(api, state)
        .route(
            "/healthz",
            get(healthz).with_state(dispatcher.inner.clone()),
        )
        .merge(blobs.router());
    if config.dev {
        let dev = DevState {
            clock: clock.clone(),
            outbox,
            dispatcher: dispatcher.inner.clone(),
        };
        router = router.merge(
            Router::new()
                .route("/v1/dev/clock", get(get_clock).post(set_clock))
                .route("/v1/dev/outbox", get(dev_outbox))
                .with_state(dev),
        );
    }
    let router = router.layer(axum::middleware::from_fn_with_state(
        Arc::new(web::WebFiles::new(&config.web_dir)),
        web::web_or_api,
    ));
    Ok(Local {
        router,
        clock,
        store,
        dispatcher,
    })
}

/// Start serving; prints `sme-local listening on http://ADDR` on standard output once ready.
pub async fn run(config: LocalConfig) -> Result<(), String> {
    let limits = config.limits.clone();
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    let base = format!("http://{addr}");
    let local = build(&config, &base).await?;
    tracing::info!(%addr, data_dir = %config.data_dir.display(), dev = config.dev, "sme-local ready");
    println!("sme-local listening on {base}");
    serve::serve(listener, local.router, limits, shutdown_signal()).await;
    drop(local.dispatcher);
    tracing::info!("sme-local stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
