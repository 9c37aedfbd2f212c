//! Scenario-test support: the whole platform router (`sme_local::build_with`) served in-process on a free
//! 127.0.0.1 port, over the SQLite store and disk blobs or over DynamoDB and S3 on the test process's moto
//! server, with a movable clock; plus an HTTP client that checks every error is problem+json and no answer is a
//! 500, and helpers for the common steps (accounts, profile, windows, evidence); shared test data and journeys
//! (profiles, forms, officials, ready and submitted declarations) are in [`fixtures`].

#![allow(dead_code)]

pub mod fixtures;
pub mod runner;

use std::path::PathBuf;
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Digest;

use shared::clock::MovableClock;
use shared::ports::{SharedBlobs, SharedStore};
use shared::services::Policy;
use sme_aws::aws;
use sme_aws::dynamo_store::{DynamoStore, create_table_from_template};
use sme_aws::s3_blobs::S3Blobs;
use sme_local::{LocalConfig, Overrides};
use sme_testkit::moto;

const TEMPLATE: &str = include_str!("../../../../template.yaml");

pub const OPERATOR: (&str, &str) = ("ops_admin", "Operator2026");
pub const PASSWORD: &str = "Passw0rd2026";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file + disk blobs (the local default).
    Local,
    /// DynamoDB + S3 on moto.
    Moto,
}

/// An HTTP client of a running platform (in-process or the `sme-local` binary).
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_owned(),
            http: reqwest::Client::new(),
        }
    }
}

/// The platform served in-process, with its store and movable clock.
pub struct TestPlatform {
    pub client: Client,
    pub store: SharedStore,
    pub clock: Arc<MovableClock>,
    /// The notify dispatcher, without its background task.
    pub dispatcher: sme_local::Dispatcher,
    pub dir: PathBuf,
    server: tokio::task::JoinHandle<()>,
}

impl std::ops::Deref for TestPlatform {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Drop for TestPlatform {
    fn drop(&mut self) {
        self.server.abort();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sme-scenario-{name}-{}-{}",
        std::process::id(),
        ulid::Ulid::new()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fast argon2 for tests (the cost is measured in benchmarks, not here).
pub fn test_policy() -> Policy {
    Policy {
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        // No floor under recovery answers (the timing test sets its own).
        recovery_min_millis: 0,
        ..Policy::default()
    }
}

pub async fn start(backend: Backend) -> TestPlatform {
    start_with(backend, test_policy()).await
}

pub async fn start_with(backend: Backend, policy: Policy) -> TestPlatform {
    start_inner(backend, policy, None).await
}

/// [`start`] on SQLite with the store wrapped (e.g. by a decorator that counts store calls).
pub async fn start_with_store_wrapper(
    wrap: impl FnOnce(SharedStore) -> SharedStore + Send + 'static,
) -> TestPlatform {
    let mut wrap = Some(wrap);
    let dir_probe = fresh_dir("wrapped");
    let path = dir_probe.join("sme.sqlite3");
    let factory: sme_local::StoreFactory = Box::new(move |clock| {
        let inner: SharedStore =
            Arc::new(sme_embedded::sqlite_store::SqliteStore::open(&path, clock).expect("sqlite"));
        (wrap.take().expect("store built once"))(inner)
    });
    start_overridden(Backend::Local, test_policy(), None, Some(factory)).await
}

/// [`start`] on DynamoDB + S3 on moto with the DynamoDB client given — e.g. one built by
/// `aws::local_client_with_interceptor` on `moto::moto_endpoint()` to record every operation the store issues.
pub async fn start_with_dynamo_client(client: aws_sdk_dynamodb::Client) -> TestPlatform {
    start_inner(Backend::Moto, test_policy(), Some(client)).await
}

async fn start_inner(
    backend: Backend,
    policy: Policy,
    dynamo: Option<aws_sdk_dynamodb::Client>,
) -> TestPlatform {
    start_overridden(backend, policy, dynamo, None).await
}

async fn start_overridden(
    backend: Backend,
    policy: Policy,
    dynamo: Option<aws_sdk_dynamodb::Client>,
    store: Option<sme_local::StoreFactory>,
) -> TestPlatform {
    let dir = fresh_dir(match backend {
        Backend::Local => "local",
        Backend::Moto => "moto",
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let config = LocalConfig {
        listen: addr.to_string(),
        data_dir: dir.clone(),
        dev: true,
        bootstrap_operator: Some(format!("{}:{}", OPERATOR.0, OPERATOR.1)),
        settings: Default::default(),
        limits: Default::default(),
        web_dir: dir.join("web"),
    };
    let mut overrides = Overrides {
        policy: Some(policy),
        store,
        ..Overrides::default()
    };
    if backend == Backend::Moto {
        let endpoint = moto::moto_endpoint().await;
        let client = match dynamo {
            Some(client) => client,
            None => aws::local_client(&endpoint).await,
        };
        let table = format!("records-{}", ulid::Ulid::new().to_string().to_lowercase());
        create_table_from_template(&client, &table, TEMPLATE)
            .await
            .expect("create table on moto");
        overrides.store = Some(Box::new(move |clock| {
            Arc::new(DynamoStore::new(client, table, clock)) as SharedStore
        }));
        let s3 = aws::local_s3_client(&endpoint).await;
        let bucket = format!(
            "sme-evidence-{}",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        aws::create_bucket(&s3, &bucket)
            .await
            .expect("create bucket");
        overrides.blobs = Some(Box::new(move |clock| {
            Arc::new(S3Blobs::new(s3, bucket, clock)) as SharedBlobs
        }));
    }
    // No background dispatcher: tests run its passes when they want them (`TestPlatform::dispatch`).
    overrides.dispatch_interval = Some(std::time::Duration::ZERO);
    let local = sme_local::build_with(&config, &base, overrides)
        .await
        .expect("build platform");
    let clock = local.clock.clone();
    let store = local.store.clone();
    let dispatcher = local.dispatcher;
    let router = local.router;
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap();
    });
    TestPlatform {
        client: Client::new(&base),
        store,
        clock,
        dispatcher,
        dir,
        server,
    }
}

/// An answer: status, headers, JSON body (Null when empty).
pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Answer {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {}",
            self.text
        );
        self
    }

    #[track_caller]
    pub fn expect_problem(self, status: u16, code: &str) -> Answer {
        assert_eq!(
            (self.status.as_u16(), self.code()),
            (status, code),
            "unexpected answer: {}",
            self.text
        );
        self
    }

    pub fn version(&self) -> u64 {
        self.body["version"].as_u64().expect("version in body")
    }
}

impl Client {
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        self.call_with(method, path, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, String)],
    ) -> Answer {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        };
        let mut req = self.http.request(method.parse().unwrap(), url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        let content_type = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = res.text().await.unwrap();
        assert_ne!(
            status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{method} {path} answered 500: {text}"
        );
        let body = if content_type.contains("json") && !text.is_empty() {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        } else {
            Value::Null
        };
        if status.is_client_error() || status.is_server_error() {
            assert_eq!(
                content_type, "application/problem+json",
                "{method} {path} error without problem+json: {text}"
            );
            assert!(
                body["code"].is_string() && body["title"].is_string() && body["detail"].is_string(),
                "{text}"
            );
            assert_eq!(body["status"], status.as_u16());
        }
        assert_times_are_rfc3339_utc(&body, &format!("{method} {path}"));
        Answer {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn login(&self, login: &str, password: &str) -> String {
        let a = self
            .call(
                "POST",
                "/v1/sessions",
                None,
                Some(json!({"login": login, "password": password})),
            )
            .await
            .expect(201);
        a.body["token"].as_str().unwrap().to_owned()
    }

    pub async fn operator(&self) -> String {
        self.login(OPERATOR.0, OPERATOR.1).await
    }

    /// Register and verify a legal person; returns its token (role enterprise).
    pub async fn enterprise(&self, login_name: &str, uscc: &str, name: &str) -> String {
        self.call(
            "POST",
            "/v1/accounts",
            None,
            Some(json!({"login_name": login_name, "password": PASSWORD, "phone": phone_for(login_name)})),
        )
        .await
        .expect(201);
        let token = self.login(login_name, PASSWORD).await;
        self.call(
            "POST",
            "/v1/accounts/me/real-name",
            Some(&token),
            Some(
                json!({"subject_type": "legal_person", "uscc": uscc, "enterprise_name": name,
                        "legal_representative": "张三"}),
            ),
        )
        .await
        .expect(200);
        self.login(login_name, PASSWORD).await
    }

    /// A natural person's token.
    pub async fn natural_person(&self, login_name: &str) -> String {
        self.call(
            "POST",
            "/v1/accounts",
            None,
            Some(json!({"login_name": login_name, "password": PASSWORD, "phone": phone_for(login_name)})),
        )
        .await
        .expect(201);
        let token = self.login(login_name, PASSWORD).await;
        self.call(
            "POST",
            "/v1/accounts/me/real-name",
            Some(&token),
            Some(
                json!({"subject_type": "natural_person", "legal_representative": "李四",
                        "id_number": "11010519491231002X"}),
            ),
        )
        .await
        .expect(200);
        self.login(login_name, PASSWORD).await
    }

    /// An unverified account's token.
    pub async fn unverified(&self, login_name: &str) -> String {
        self.call(
            "POST",
            "/v1/accounts",
            None,
            Some(json!({"login_name": login_name, "password": PASSWORD, "phone": phone_for(login_name)})),
        )
        .await
        .expect(201);
        self.login(login_name, PASSWORD).await
    }

    /// Open a window (operator) for a tier, year and province (`None` for little giant).
    pub async fn open_window(
        &self,
        tier: &str,
        year: i32,
        province: Option<&str>,
        opens: &str,
        closes: &str,
    ) {
        let op = self.operator().await;
        self.open_window_as(&op, tier, year, province, opens, closes)
            .await;
    }

    /// [`Client::open_window`] as the caller `token` (a province's or the ministry's official).
    pub async fn open_window_as(
        &self,
        token: &str,
        tier: &str,
        year: i32,
        province: Option<&str>,
        opens: &str,
        closes: &str,
    ) {
        let mut body = json!({"tier": tier, "year": year, "opens_at": opens, "closes_at": closes});
        if let Some(p) = province {
            body["region"] = json!(p);
        }
        self.call("POST", "/v1/admin/windows", Some(token), Some(body))
            .await
            .expect(201);
    }

    /// Upload real bytes for a slot and complete it; returns the evidence id.
    pub async fn upload(
        &self,
        token: &str,
        decl: &str,
        slot: &str,
        file_name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        let ticket = self
            .call(
                "POST",
                &format!("/v1/declarations/{decl}/evidence"),
                Some(token),
                Some(
                    json!({"slot": slot, "file_name": file_name, "content_type": content_type,
                            "size": bytes.len(), "sha256": sha256_hex(bytes)}),
                ),
            )
            .await
            .expect(201);
        let status = self
            .put_presigned(&ticket.body["upload"], bytes.to_vec())
            .await;
        assert!(status.is_success(), "upload PUT answered {status}");
        let id = ticket.body["evidence_id"].as_str().unwrap().to_owned();
        self.call(
            "POST",
            &format!("/v1/declarations/{decl}/evidence/{id}/complete"),
            Some(token),
            None,
        )
        .await
        .expect(200);
        id
    }

    /// PUT bytes to a presigned request `{method, url, headers}`.
    pub async fn put_presigned(&self, upload: &Value, bytes: Vec<u8>) -> StatusCode {
        let mut req = self.http.put(upload["url"].as_str().unwrap());
        for h in upload["headers"].as_array().unwrap() {
            let (k, v) = (h[0].as_str().unwrap(), h[1].as_str().unwrap());
            if !k.eq_ignore_ascii_case("host") && !k.eq_ignore_ascii_case("content-length") {
                req = req.header(k, v);
            }
        }
        req.body(bytes).send().await.expect("PUT").status()
    }
}

impl TestPlatform {
    /// Give an enterprise a tier's qualification valid from `from` (`YYYY-MM-DD`), as recognition will.
    pub async fn grant(&self, uscc: &str, tier: &str, from: &str) {
        use shared::domain::qualification::Qualification;
        use shared::domain::tier::Tier;
        let from = time::Date::parse(
            from,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .unwrap();
        let q = Qualification::new(Tier::parse(tier).unwrap(), from, "TEST".into());
        shared::services::records::record_qualification(
            self.store.as_ref(),
            uscc,
            &q,
            None,
            shared::ports::Clock::now(self.clock.as_ref()),
        )
        .await
        .unwrap();
    }

    /// Turn the events written so far into messages (one pass of the local notify dispatcher).
    pub async fn dispatch(&self) {
        self.dispatcher.run_once().await.expect("dispatcher pass");
    }

    /// Move the platform clock (China time given as RFC 3339).
    pub fn set_time(&self, rfc3339: &str) {
        let t =
            time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
                .expect("time");
        self.clock.set(t);
    }
}

/// Every time field of an answer (a key `at`, `now` or ending in `_at` / `_since`) is `null` or an RFC 3339 string
/// in UTC (`…Z`), and no value anywhere is an instant serialized as an array of its parts (`[2026,130,2,…]`): the
/// contract's one time format. [`Client::call`] checks it on every answer.
#[track_caller]
pub fn assert_times_are_rfc3339_utc(v: &Value, what: &str) {
    fn walk(v: &Value, path: &str, what: &str) {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    let p = format!("{path}.{k}");
                    let time_key =
                        k == "at" || k == "now" || k.ends_with("_at") || k.ends_with("_since");
                    if time_key && !x.is_null() {
                        let text = x.as_str().unwrap_or_else(|| {
                            panic!("{what}: {p} is not an RFC 3339 string: {x}")
                        });
                        assert!(
                            text.ends_with('Z')
                                && time::OffsetDateTime::parse(
                                    text,
                                    &time::format_description::well_known::Rfc3339
                                )
                                .is_ok(),
                            "{what}: {p} is not RFC 3339 UTC: {text}"
                        );
                    }
                    walk(x, &p, what);
                }
            }
            Value::Array(items) => {
                let looks_like_time_parts = items.len() == 9
                    && items.iter().all(|i| i.is_i64() || i.is_u64())
                    && items[0]
                        .as_i64()
                        .is_some_and(|y| (1970..=9999).contains(&y))
                    && items[1].as_i64().is_some_and(|d| (1..=366).contains(&d));
                assert!(
                    !looks_like_time_parts,
                    "{what}: {path} is an instant serialized as an array: {v}"
                );
                for (i, x) in items.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), what);
                }
            }
            _ => {}
        }
    }
    walk(v, "$", what);
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// A mainland mobile number derived from a name (unique enough per test).
pub fn phone_for(name: &str) -> String {
    let h = sha2::Sha256::digest(name.as_bytes());
    let n = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) % 100_000_000;
    format!("139{n:08}")
}

/// A valid USCC (GB 32100 check character and GB 11714 organisation-code check) for the n-th test enterprise
/// registered at `region` (6 digits).
pub fn uscc(n: u32, region: &str) -> String {
    const ORG_W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let body8 = format!("{:08}", 10_000_000 + n);
    let s: u32 = body8
        .bytes()
        .zip(ORG_W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    let c = 11 - (s % 11);
    let check = match c {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10).unwrap(),
    };
    let body17 = format!("91{region}{body8}{check}");
    let last = shared::rules::uscc::check_character(&body17).expect("check character");
    format!("{body17}{last}")
}

/// Minimal real file contents (built in code; `complete` checks their whole structure).
pub fn pdf_bytes() -> Vec<u8> {
    shared::rules::file_content::samples::pdf()
}

pub fn png_bytes() -> Vec<u8> {
    shared::rules::file_content::samples::png()
}
