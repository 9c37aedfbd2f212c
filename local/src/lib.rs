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

use shared::adapters::clock::MovableClock;
use shared::adapters::identity::verifier_for;
use shared::adapters::local_blobs::LocalBlobs;
use shared::adapters::outbox::StoreOutbox;
use shared::adapters::sqlite_store::SqliteStore;
use shared::error::{AppError, AppResult};
use shared::http::app::{self, Handlers};
use shared::http::auth::{TokenKeys, generate_key_pair};
use shared::http::error::JsonBody;
use shared::http::routes::Function;
use shared::http::state::AppState;
use shared::ports::{Clock, SharedStore};
use shared::services::{Platform, VerificationMode, accounts, reminders, stream};

pub mod web;

/// Configuration of the local runner: environment first, then flags.
#[derive(Clone, Debug)]
pub struct LocalConfig {
    pub listen: String,
    pub data_dir: PathBuf,
    pub dev: bool,
    pub bootstrap_operator: Option<String>,
    pub verification_mode: VerificationMode,
    /// The built web front end served at `/` (`web/dist`; a notice page when it is missing).
    pub web_dir: PathBuf,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl LocalConfig {
    /// From `SME_LISTEN`, `SME_DATA_DIR`, `SME_DEV`, `SME_BOOTSTRAP_OPERATOR`, `SME_VERIFICATION_MODE`,
    /// `SME_WEB_DIR`, then the flags `--listen ADDR`, `--data-dir DIR`, `--dev`, `--web-dir DIR`.
    pub fn from_env_and_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut config = LocalConfig {
            listen: env("SME_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".into()),
            data_dir: PathBuf::from(env("SME_DATA_DIR").unwrap_or_else(|| "./data".into())),
            dev: matches!(env("SME_DEV").as_deref(), Some("1" | "true" | "yes")),
            bootstrap_operator: env("SME_BOOTSTRAP_OPERATOR"),
            verification_mode: shared::config::verification_mode().map_err(|e| e.to_string())?,
            web_dir: PathBuf::from(env("SME_WEB_DIR").unwrap_or_else(|| "web/dist".into())),
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

fn load_blob_secret(data_dir: &Path) -> Result<[u8; 32], String> {
    let path = data_dir.join("keys").join("blob-url-secret");
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
/// runs the reminders when they are due (the China date changed since the last run, or an hour passed) and then
/// tails the event feed through `shared::services::stream` — the same code the Lambda runs. It stops when the
/// `Dispatcher` is dropped (with the runner).
pub struct Dispatcher {
    inner: Arc<DispatchInner>,
    task: Option<tokio::task::JoinHandle<()>>,
}

struct DispatchInner {
    platform: Arc<Platform>,
    feed: stream::FeedDispatcher,
    last_reminders: tokio::sync::Mutex<Option<(time::Date, std::time::Instant)>>,
}

/// The dispatcher's default interval.
pub const DISPATCH_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

impl DispatchInner {
    async fn tick(&self) {
        if let Err(e) = self.reminders_if_due().await {
            tracing::warn!(error = %e, "reminder run failed");
        }
        if let Err(e) = self.feed.run_once(&self.platform).await {
            tracing::warn!(error = %e, "dispatcher pass failed");
        }
    }

    async fn reminders_if_due(&self) -> Result<(), AppError> {
        let today = shared::domain::calendar::china_date(self.platform.clock.now());
        let mut last = self.last_reminders.lock().await;
        let due = match *last {
            Some((day, at)) => day != today || at.elapsed() >= std::time::Duration::from_secs(3600),
            None => true,
        };
        if due {
            reminders::run(&self.platform).await?;
            *last = Some((today, std::time::Instant::now()));
        }
        Ok(())
    }
}

impl Dispatcher {
    fn start(platform: Arc<Platform>, interval: std::time::Duration) -> Dispatcher {
        let inner = Arc::new(DispatchInner {
            platform,
            feed: stream::FeedDispatcher::default(),
            last_reminders: tokio::sync::Mutex::new(None),
        });
        let task = (!interval.is_zero()).then(|| {
            let inner = inner.clone();
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(interval);
                ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    ticker.tick().await;
                    inner.tick().await;
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

    /// The reminders when due, then one feed pass: what the background task does every interval.
    pub async fn tick(&self) {
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
    Json(
        json!({"now": d.clock.now().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()}),
    )
}

async fn set_clock(
    State(d): State<DevState>,
    JsonBody(b): JsonBody<ClockBody>,
) -> AppResult<Json<Value>> {
    let at =
        time::OffsetDateTime::parse(b.now.trim(), &time::format_description::well_known::Rfc3339)
            .map_err(|_| {
            AppError::field(
                "now",
                "INVALID_TIME",
                "now 须为 RFC 3339 时间，例如 2026-04-15T10:00:00+08:00",
            )
        })?;
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
) -> AppResult<Json<Value>> {
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
    shared::rules::load_all();
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
        store: store.clone(),
        blobs: Some(match overrides.blobs {
            Some(factory) => factory(shared_clock.clone()),
            None => blobs.clone(),
        }),
        clock: shared_clock,
        notifier: outbox.clone(),
        verifier: verifier_for(config.verification_mode),
        policy: match overrides.policy {
            Some(policy) => policy,
            None => shared::config::policy().map_err(|e| e.to_string())?,
        },
    };
    let state = AppState::new(platform, load_keys(&config.data_dir)?);
    let dispatcher = Dispatcher::start(
        state.platform.clone(),
        overrides.dispatch_interval.unwrap_or(DISPATCH_INTERVAL),
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
        .route("/healthz", get(|| async { Json(json!({"status": "ok"})) }))
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
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    let base = format!("http://{addr}");
    let local = build(&config, &base).await?;
    tracing::info!(%addr, data_dir = %config.data_dir.display(), dev = config.dev, "sme-local ready");
    println!("sme-local listening on {base}");
    axum::serve(
        listener,
        local
            .router
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| e.to_string())?;
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
