//! The `Blobs` conformance suite (`sme_testkit::blobs_conformance`) on every adapter:
//! - `LocalBlobs` behind its own router, served by axum on 127.0.0.1 with a fresh data folder per test;
//! - `S3Blobs` on moto (`sme_testkit::moto::moto_endpoint`), a fresh bucket per test. Moto does not check
//!   presigned signatures, so there the suite checks what the URLs sign and that `complete` catches bad objects.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use shared::clock::MovableClock;
use sme_aws::aws;
use sme_aws::s3_blobs::S3Blobs;
use sme_embedded::local_blobs::LocalBlobs;
use sme_testkit::blobs_conformance::{self, Enforcement, Harness, HttpClient, HttpReply};
use sme_testkit::moto;
use time::macros::datetime;

/// `reqwest` sending exactly what the suite asks for.
struct Reqwest(reqwest::Client);

impl Reqwest {
    fn new() -> Arc<Self> {
        Arc::new(Reqwest(
            reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("reqwest client"),
        ))
    }
}

#[async_trait]
impl HttpClient for Reqwest {
    async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<HttpReply, String> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = self.0.request(method, url);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| format!("{e:?}"))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = response.bytes().await.map_err(|e| e.to_string())?.to_vec();
        Ok(HttpReply {
            status,
            headers,
            body,
        })
    }
}

/// A data folder removed when the test ends.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `LocalBlobs` served on a free loopback port, its clock frozen so expiry cases are exact.
async fn local_harness() -> (Harness, TempDir) {
    let dir =
        TempDir(std::env::temp_dir().join(format!("sme-blobs-conformance-{}", ulid::Ulid::new())));
    let clock = Arc::new(MovableClock::frozen_at(
        datetime!(2026-04-15 02:00:00.25 UTC),
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let blobs = Arc::new(LocalBlobs::new(
        dir.0.clone(),
        base,
        rand::random(),
        clock.clone(),
    ));
    let router = blobs.clone().router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (
        Harness {
            blobs,
            clock,
            enforcement: Enforcement::Enforced,
            http: Reqwest::new(),
        },
        dir,
    )
}

/// `S3Blobs` on moto with a fresh bucket.
async fn s3_harness() -> Harness {
    let endpoint = moto::moto_endpoint().await;
    let client = aws::local_s3_client(&endpoint).await;
    let bucket = format!(
        "sme-blobs-{}",
        ulid::Ulid::new().to_string().to_ascii_lowercase()
    );
    aws::create_bucket(&client, &bucket)
        .await
        .expect("create bucket");
    let clock = Arc::new(MovableClock::new());
    let blobs = Arc::new(S3Blobs::new(client, bucket, clock.clone()));
    Harness {
        blobs,
        clock,
        enforcement: Enforcement::SignedOnly,
        http: Reqwest::new(),
    }
}

/// One test per case and adapter, so a failure names both.
macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod local {
            $(
                #[tokio::test]
                async fn $case() {
                    let (harness, _dir) = super::local_harness().await;
                    super::blobs_conformance::$case(&harness).await;
                }
            )*
        }
        mod s3_on_moto {
            $(
                #[tokio::test]
                async fn $case() {
                    let harness = super::s3_harness().await;
                    super::blobs_conformance::$case(&harness).await;
                }
            )*
        }
    };
}

conformance!(
    happy_path,
    chinese_download_name,
    missing_objects,
    wrong_length,
    wrong_checksum,
    wrong_content_type,
    expired_urls,
    tampered_signature,
    key_swapped_into_another_url,
    signed_headers_and_expiry,
    delete_removes,
    invalid_requests,
);

/// Every case of the suite is listed above (a new case cannot be forgotten here).
#[test]
fn every_case_runs_on_every_adapter() {
    let here = include_str!("blobs_conformance.rs");
    for (name, _) in blobs_conformance::CASES {
        assert!(
            here.contains(&format!("    {name},\n")),
            "case {name} is not run by this file"
        );
    }
}

/// The whole suite in one go on one store, as other crates run it.
#[tokio::test]
async fn run_all_on_the_local_adapter() {
    let (harness, _dir) = local_harness().await;
    blobs_conformance::run_all(&harness).await;
}
