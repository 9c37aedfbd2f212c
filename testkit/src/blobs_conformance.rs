//! The one conformance suite of the [`Blobs`] port. Every adapter runs it (see `testkit/tests/conformance/blobs_conformance.rs`):
//! real bytes go over HTTP to the presigned URLs, exactly as a browser would send them.
//!
//! The suite is not `cfg(test)`, so other crates' tests (the local runner's) can run it on their own wiring. It
//! does not pick an HTTP client: the caller passes one through [`HttpClient`] (the tests use `reqwest`), so the
//! shared crate itself never links a second HTTP stack.
//!
//! Each case is a public `async fn(&Harness)` that panics on a violation; [`CASES`] lists them all and
//! [`run_all`] runs them in order. Cases use fresh random keys, so they may share one store.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

use shared::clock::MovableClock;
use shared::ports::{BlobError, BlobMeta, Clock, PresignedRequest, SharedBlobs, UploadSpec};

/// An HTTP reply as the suite needs it.
#[derive(Clone, Debug)]
pub struct HttpReply {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpReply {
    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one HTTP request exactly as given: the method, the URL, these headers (and no other content headers)
/// and this body. Implemented by the tests on `reqwest`.
#[async_trait]
pub trait HttpClient: Send + Sync {
    async fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Result<HttpReply, String>;
}

/// Whether the server behind the presigned URLs checks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enforcement {
    /// The server refuses a bad or tampered signature, an expired URL (by the harness clock), another content
    /// type, another length or another checksum, each with an `application/problem+json` document naming the
    /// reason: the local adapter's server.
    Enforced,
    /// The server takes whatever reaches a presigned URL (moto): the suite checks what the URLs sign instead,
    /// and that `complete` catches the objects such a server lets through.
    SignedOnly,
}

/// What every case runs against.
#[derive(Clone)]
pub struct Harness {
    pub blobs: SharedBlobs,
    /// The clock the adapter (and, when [`Enforcement::Enforced`], its server) reads.
    pub clock: Arc<MovableClock>,
    pub enforcement: Enforcement,
    pub http: Arc<dyn HttpClient>,
}

/// A boxed case future.
pub type CaseFuture<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// A named case of the suite.
pub type Case = (&'static str, for<'a> fn(&'a Harness) -> CaseFuture<'a>);

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        /// Every case, by name.
        pub const CASES: &[Case] = &[$((stringify!($name), |h| Box::pin($name(h)))),*];
    };
}

cases!(
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

/// Run every case in order.
pub async fn run_all(h: &Harness) {
    for (name, case) in CASES {
        tracing::info!(case = name, "blobs conformance");
        case(h).await;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------------

const PDF: &str = "application/pdf";
const EXPIRY: Duration = Duration::from_secs(300);

fn fresh_key(case: &str) -> String {
    format!("conformance/{case}/{}/evidence.pdf", ulid::Ulid::new())
}

/// A recognisable body of `len` bytes starting with a PDF header.
fn body_of(len: usize, seed: u8) -> Vec<u8> {
    let mut body = b"%PDF-1.7\n".to_vec();
    body.extend(
        (0..len.saturating_sub(body.len())).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)),
    );
    body.truncate(len);
    body
}

fn spec_for(key: &str, body: &[u8]) -> UploadSpec {
    UploadSpec {
        key: key.to_owned(),
        content_type: PDF.to_owned(),
        size: body.len() as u64,
        sha256: Sha256::digest(body).into(),
        expires_in: EXPIRY,
    }
}

async fn send(
    h: &Harness,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
) -> HttpReply {
    h.http
        .send(method, url, headers, body)
        .await
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

/// Send a presigned request with exactly its headers.
async fn send_presigned(h: &Harness, request: &PresignedRequest, body: Vec<u8>) -> HttpReply {
    send(h, &request.method, &request.url, &request.headers, body).await
}

/// The presigned headers with `name` replaced by `value` (added if absent) or removed (`None`).
fn with_header(
    request: &PresignedRequest,
    name: &str,
    value: Option<&str>,
) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    if let Some(value) = value {
        headers.push((name.to_owned(), value.to_owned()));
    }
    headers
}

/// Upload `body` to a fresh presigned URL for it; panics unless the server accepts.
async fn upload(h: &Harness, key: &str, body: &[u8]) -> UploadSpec {
    let spec = spec_for(key, body);
    let put = h.blobs.presign_put(&spec).await.expect("presign_put");
    let reply = send_presigned(h, &put, body.to_vec()).await;
    assert!(
        (200..300).contains(&reply.status),
        "upload refused: {} {}",
        reply.status,
        String::from_utf8_lossy(&reply.body)
    );
    spec
}

/// The decoded query parameters of a URL.
fn query_params(url: &str) -> Vec<(String, String)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(name), decode(value))
        })
        .collect()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    query_params(url)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// Assert a refusal: a 4xx status and, when the server answers a problem document, its `code` (one of
/// `codes`) and its `status`; then that nothing is stored under `key`.
async fn assert_refused(h: &Harness, reply: &HttpReply, codes: &[&str], key: &str) {
    assert!(
        (400..500).contains(&reply.status),
        "expected a refusal ({codes:?}), got {} {}",
        reply.status,
        String::from_utf8_lossy(&reply.body)
    );
    let is_problem = reply
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/problem+json"));
    // An enforcing server of ours explains every refusal; other servers (real S3) may answer in their own format.
    assert!(
        is_problem || h.enforcement != Enforcement::Enforced,
        "a refusal without application/problem+json: {} {:?}",
        reply.status,
        reply.headers
    );
    if is_problem {
        let problem: serde_json::Value =
            serde_json::from_slice(&reply.body).expect("problem+json body is JSON");
        let code = problem["code"].as_str().unwrap_or_default();
        assert!(
            codes.contains(&code),
            "expected one of {codes:?}, got {problem}"
        );
        assert_eq!(
            problem["status"].as_u64(),
            Some(u64::from(reply.status)),
            "{problem}"
        );
        for field in ["type", "title", "detail"] {
            assert!(
                problem[field].as_str().is_some_and(|s| !s.is_empty()),
                "problem without {field}: {problem}"
            );
        }
    }
    assert_eq!(
        h.blobs.head(key).await,
        Ok(None),
        "a refused upload left an object at {key}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------------------------

/// Upload over HTTP with exactly the presigned headers; `complete`, `head`, `read_prefix` and a presigned
/// download all see the same bytes.
pub async fn happy_path(h: &Harness) {
    let key = fresh_key("happy");
    let body = body_of(70_000, 1);
    let spec = spec_for(&key, &body);
    let now = h.clock.now();
    let put = h.blobs.presign_put(&spec).await.expect("presign_put");
    assert_eq!(put.method, "PUT");
    let lifetime = put.expires_at - now;
    assert!(
        lifetime <= time::Duration::seconds(300) && lifetime > time::Duration::seconds(298),
        "expires_at {} is not now + 300 s",
        put.expires_at
    );
    for name in ["content-type", "content-length"] {
        assert!(
            put.headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name)),
            "presigned PUT does not name {name}"
        );
    }
    let reply = send_presigned(h, &put, body.clone()).await;
    assert!(
        (200..300).contains(&reply.status),
        "upload refused: {} {}",
        reply.status,
        String::from_utf8_lossy(&reply.body)
    );

    let meta = h
        .blobs
        .complete(&key, spec.size, &spec.sha256)
        .await
        .expect("complete");
    assert_eq!(meta.size, spec.size);
    assert_eq!(meta.content_type.as_deref(), Some(PDF));
    assert_eq!(
        h.blobs.head(&key).await,
        Ok(Some(BlobMeta {
            size: spec.size,
            content_type: Some(PDF.into())
        }))
    );
    assert_eq!(
        h.blobs.read_prefix(&key, 8).await.expect("read_prefix"),
        body[..8].to_vec()
    );
    assert_eq!(
        h.blobs
            .read_prefix(&key, 1 << 20)
            .await
            .expect("read_prefix of more than the size"),
        body
    );
    assert_eq!(
        h.blobs
            .read_prefix(&key, 0)
            .await
            .expect("read_prefix of nothing"),
        Vec::<u8>::new()
    );

    let mut whole = Vec::new();
    std::io::Read::read_to_end(
        &mut h.blobs.open_read(&key).await.expect("open_read"),
        &mut whole,
    )
    .expect("read the opened object");
    assert!(whole == body, "open_read gave other bytes than uploaded");

    let get = h
        .blobs
        .presign_get(&key, Duration::from_secs(60), None)
        .await
        .expect("presign_get");
    assert_eq!(get.method, "GET");
    let reply = send_presigned(h, &get, Vec::new()).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    // Even without a name, a download is an attachment (moto ignores the override: then the URL must ask for it).
    let disposition = match (reply.header("content-disposition"), h.enforcement) {
        (Some(disposition), _) => disposition.to_owned(),
        (None, Enforcement::SignedOnly) => query_param(&get.url, "response-content-disposition")
            .expect("an unnamed download without response-content-disposition"),
        (None, Enforcement::Enforced) => panic!("no Content-Disposition on an unnamed download"),
    };
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(
        reply.body == body,
        "downloaded bytes differ from the uploaded ones"
    );

    // The same key uploaded again holds the new content.
    let second = body_of(1_000, 2);
    let spec = upload(h, &key, &second).await;
    assert_eq!(
        h.blobs
            .complete(&key, spec.size, &spec.sha256)
            .await
            .map(|m| m.size),
        Ok(1_000)
    );

    // An empty file is a file.
    let empty_key = fresh_key("empty");
    let spec = upload(h, &empty_key, &[]).await;
    assert_eq!(
        h.blobs
            .complete(&empty_key, 0, &spec.sha256)
            .await
            .map(|m| m.size),
        Ok(0)
    );
    assert_eq!(h.blobs.read_prefix(&empty_key, 16).await, Ok(Vec::new()));
}

/// A Chinese download name reaches the browser intact (RFC 6266 `filename*=UTF-8''…`).
pub async fn chinese_download_name(h: &Harness) {
    let key = fresh_key("name");
    let body = body_of(2_000, 3);
    upload(h, &key, &body).await;
    let name = "营业执照（副本）2026 年.pdf";
    let get = h
        .blobs
        .presign_get(&key, Duration::from_secs(60), Some(name))
        .await
        .expect("presign_get");
    let reply = send_presigned(h, &get, Vec::new()).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(
        reply.body == body,
        "downloaded bytes differ from the uploaded ones"
    );
    let disposition = match (reply.header("content-disposition"), h.enforcement) {
        (Some(disposition), _) => disposition.to_owned(),
        // moto ignores `response-content-disposition`: check what the URL asks S3 to answer instead.
        (None, Enforcement::SignedOnly) => query_param(&get.url, "response-content-disposition")
            .expect("a named download without Content-Disposition or response-content-disposition"),
        (None, Enforcement::Enforced) => panic!("no Content-Disposition on a named download"),
    };
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let encoded = disposition
        .split(';')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("filename*=UTF-8''"))
        .unwrap_or_else(|| panic!("no filename*=UTF-8'' in {disposition}"));
    assert_eq!(
        percent_decode_str(encoded)
            .decode_utf8()
            .expect("UTF-8 file name"),
        name
    );
}

/// Absent objects: `head` is `None`; `complete` and `read_prefix` say `Missing`; a download is a 404.
pub async fn missing_objects(h: &Harness) {
    let key = fresh_key("missing");
    assert_eq!(h.blobs.head(&key).await, Ok(None));
    assert_eq!(
        h.blobs.complete(&key, 10, &[0; 32]).await,
        Err(BlobError::Missing)
    );
    assert_eq!(h.blobs.read_prefix(&key, 10).await, Err(BlobError::Missing));
    assert_eq!(
        h.blobs.open_read(&key).await.map(|_| ()),
        Err(BlobError::Missing)
    );
    let get = h
        .blobs
        .presign_get(&key, Duration::from_secs(60), None)
        .await
        .expect("presign_get");
    let reply = send_presigned(h, &get, Vec::new()).await;
    // moto answers a missing key whose URL carries `response-content-disposition` (every download does) with
    // 403 SignatureDoesNotMatch instead of S3's 404; the bytes stay out of reach either way.
    let moto_quirk = h.enforcement == Enforcement::SignedOnly
        && reply.status == 403
        && String::from_utf8_lossy(&reply.body).contains("SignatureDoesNotMatch");
    assert!(
        reply.status == 404 || moto_quirk,
        "{}: {}",
        reply.status,
        String::from_utf8_lossy(&reply.body)
    );
    // A presigned but never used upload stores nothing either.
    h.blobs
        .presign_put(&spec_for(&key, b"abc"))
        .await
        .expect("presign_put");
    assert_eq!(
        h.blobs
            .complete(&key, 3, &Sha256::digest(b"abc").into())
            .await,
        Err(BlobError::Missing)
    );
}

/// A body longer or shorter than the signed length: refused by an enforcing server; otherwise `complete`
/// refuses it with `SizeMismatch`.
pub async fn wrong_length(h: &Harness) {
    let declared = body_of(5_000, 4);
    for actual_len in [5_001, 4_999] {
        let key = fresh_key("length");
        let spec = spec_for(&key, &declared);
        let put = h.blobs.presign_put(&spec).await.expect("presign_put");
        let actual = body_of(actual_len, 4);
        // What a client sending another file would do: the real length of what it sends.
        let headers = with_header(&put, "content-length", Some(&actual_len.to_string()));
        let reply = send(h, "PUT", &put.url, &headers, actual).await;
        match h.enforcement {
            Enforcement::Enforced => {
                assert_refused(h, &reply, &["SIZE_MISMATCH", "FILE_TOO_LARGE"], &key).await;
                assert_eq!(
                    h.blobs.complete(&key, spec.size, &spec.sha256).await,
                    Err(BlobError::Missing)
                );
            }
            Enforcement::SignedOnly => {
                assert!(
                    (200..300).contains(&reply.status),
                    "upload: {}",
                    reply.status
                );
                assert_eq!(
                    h.blobs.complete(&key, spec.size, &spec.sha256).await,
                    Err(BlobError::SizeMismatch {
                        expected: 5_000,
                        actual: actual_len as u64
                    })
                );
            }
        }
    }
}

/// A body of the signed length but other bytes: refused by an enforcing server; otherwise `complete` refuses
/// it with `ChecksumMismatch`.
pub async fn wrong_checksum(h: &Harness) {
    let key = fresh_key("checksum");
    let declared = body_of(4_096, 5);
    let spec = spec_for(&key, &declared);
    let put = h.blobs.presign_put(&spec).await.expect("presign_put");
    let mut other = declared.clone();
    other[4_000] ^= 0xff;
    match h.enforcement {
        Enforcement::Enforced => {
            let reply = send_presigned(h, &put, other).await;
            assert_refused(h, &reply, &["CHECKSUM_MISMATCH"], &key).await;
        }
        Enforcement::SignedOnly => {
            // Without the checksum header: an object that reached the bucket some other way than through a
            // checking server must still be caught by `complete`.
            let headers = with_header(&put, "x-amz-checksum-sha256", None);
            let reply = send(h, "PUT", &put.url, &headers, other).await;
            assert!(
                (200..300).contains(&reply.status),
                "upload: {}",
                reply.status
            );
            assert_eq!(
                h.blobs.complete(&key, spec.size, &spec.sha256).await,
                Err(BlobError::ChecksumMismatch)
            );
        }
    }
    // The right bytes, then a `complete` with another declared checksum.
    let spec = upload(h, &key, &declared).await;
    let mut wrong = spec.sha256;
    wrong[0] ^= 1;
    assert_eq!(
        h.blobs.complete(&key, spec.size, &wrong).await,
        Err(BlobError::ChecksumMismatch)
    );
    assert_eq!(
        h.blobs.complete(&key, spec.size + 1, &spec.sha256).await,
        Err(BlobError::SizeMismatch {
            expected: spec.size + 1,
            actual: spec.size
        })
    );
}

/// Another Content-Type than the signed one is refused by an enforcing server (and is signed otherwise).
pub async fn wrong_content_type(h: &Harness) {
    let key = fresh_key("type");
    let body = body_of(1_000, 6);
    let put = h
        .blobs
        .presign_put(&spec_for(&key, &body))
        .await
        .expect("presign_put");
    match h.enforcement {
        Enforcement::Enforced => {
            for other in [
                "text/html",
                "application/pdf; charset=utf-8",
                "APPLICATION/PDF",
            ] {
                let headers = with_header(&put, "content-type", Some(other));
                let reply = send(h, "PUT", &put.url, &headers, body.clone()).await;
                assert_refused(h, &reply, &["CONTENT_TYPE_MISMATCH"], &key).await;
            }
            let headers = with_header(&put, "content-type", None);
            let reply = send(h, "PUT", &put.url, &headers, body.clone()).await;
            assert_refused(h, &reply, &["CONTENT_TYPE_MISMATCH"], &key).await;
        }
        Enforcement::SignedOnly => {
            let signed = query_param(&put.url, "X-Amz-SignedHeaders").expect("X-Amz-SignedHeaders");
            assert!(
                signed.split(';').any(|h| h == "content-type"),
                "content-type not signed: {signed}"
            );
        }
    }
}

/// URLs stop working once the clock passes their expiry (enforcing servers); the expiry is signed otherwise.
pub async fn expired_urls(h: &Harness) {
    let key = fresh_key("expired");
    let body = body_of(1_000, 7);
    upload(h, &key, &body).await;
    let get = h
        .blobs
        .presign_get(&key, Duration::from_secs(60), Some("a.pdf"))
        .await
        .expect("presign_get");
    let spec = spec_for(&fresh_key("expired"), &body);
    let put = h.blobs.presign_put(&spec).await.expect("presign_put");
    match h.enforcement {
        Enforcement::Enforced => {
            h.clock.advance(time::Duration::seconds(59));
            let reply = send_presigned(h, &get, Vec::new()).await;
            assert_eq!(
                reply.status, 200,
                "a download URL stopped working before its expiry"
            );
            h.clock.advance(time::Duration::seconds(2));
            let reply = send_presigned(h, &get, Vec::new()).await;
            assert_refused(h, &reply, &["URL_EXPIRED"], &spec.key).await;
            h.clock.advance(time::Duration::seconds(300));
            let reply = send_presigned(h, &put, body.clone()).await;
            assert_refused(h, &reply, &["URL_EXPIRED"], &spec.key).await;
            h.clock.advance(time::Duration::seconds(-361));
        }
        Enforcement::SignedOnly => {
            assert_eq!(
                query_param(&get.url, "X-Amz-Expires").as_deref(),
                Some("60")
            );
            assert_eq!(
                query_param(&put.url, "X-Amz-Expires").as_deref(),
                Some("300")
            );
        }
    }
}

/// A changed signature or a changed signed value is refused (enforcing servers only).
pub async fn tampered_signature(h: &Harness) {
    if h.enforcement != Enforcement::Enforced {
        return;
    }
    let key = fresh_key("tampered");
    let body = body_of(1_000, 8);
    let put = h
        .blobs
        .presign_put(&spec_for(&key, &body))
        .await
        .expect("presign_put");
    let params = query_params(&put.url);
    let (sig_name, sig) = params
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("sig") || n == "X-Amz-Signature")
        .cloned()
        .expect("a signature parameter");
    let flipped: String = sig
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                if c == '0' { '1' } else { '0' }
            } else {
                c
            }
        })
        .collect();
    let tampered = put.url.replace(
        &format!("{sig_name}={sig}"),
        &format!("{sig_name}={flipped}"),
    );
    assert_ne!(tampered, put.url);
    let reply = send(h, "PUT", &tampered, &put.headers, body.clone()).await;
    assert_refused(h, &reply, &["SIGNATURE_INVALID"], &key).await;

    let without: String = put.url.replace(&format!("&{sig_name}={sig}"), "");
    let reply = send(h, "PUT", &without, &put.headers, body.clone()).await;
    assert_refused(h, &reply, &["SIGNATURE_INVALID"], &key).await;

    // A bigger signed size with a matching body: the size is part of the signature.
    let bigger = body_of(1_001, 8);
    let size_param = params
        .iter()
        .find(|(_, v)| *v == "1000")
        .map(|(n, _)| n.clone())
        .expect("a size parameter");
    let resized = put
        .url
        .replace(&format!("{size_param}=1000"), &format!("{size_param}=1001"));
    let headers = with_header(&put, "content-length", Some("1001"));
    let reply = send(h, "PUT", &resized, &headers, bigger).await;
    assert_refused(h, &reply, &["SIGNATURE_INVALID"], &key).await;

    let get = h
        .blobs
        .presign_get(&key, Duration::from_secs(60), Some("a.pdf"))
        .await
        .expect("presign_get");
    let renamed = get.url.replace("name=a.pdf", "name=b.pdf");
    assert_ne!(renamed, get.url);
    let reply = send(h, "GET", &renamed, &[], Vec::new()).await;
    assert!(
        (400..500).contains(&reply.status),
        "renamed download: {}",
        reply.status
    );
}

/// A URL signed for one key does not write or read another (enforcing servers only).
pub async fn key_swapped_into_another_url(h: &Harness) {
    if h.enforcement != Enforcement::Enforced {
        return;
    }
    let key = fresh_key("swap-a");
    let other = fresh_key("swap-b");
    let body = body_of(1_000, 9);
    let put = h
        .blobs
        .presign_put(&spec_for(&key, &body))
        .await
        .expect("presign_put");
    let swapped = put.url.replacen(&key, &other, 1);
    assert_ne!(swapped, put.url);
    let reply = send(h, "PUT", &swapped, &put.headers, body.clone()).await;
    assert_refused(h, &reply, &["SIGNATURE_INVALID"], &other).await;
    assert_eq!(h.blobs.head(&key).await, Ok(None));

    // A download URL for one object does not read another.
    upload(h, &other, &body).await;
    let get = h
        .blobs
        .presign_get(&key, Duration::from_secs(60), None)
        .await
        .expect("presign_get");
    let reply = send(
        h,
        "GET",
        &get.url.replacen(&key, &other, 1),
        &[],
        Vec::new(),
    )
    .await;
    assert!(
        (400..500).contains(&reply.status) && reply.status != 404,
        "swapped download: {}",
        reply.status
    );
    assert!(
        reply.body != body,
        "a swapped download URL served another object"
    );
}

/// What a presigned PUT binds: content type, length and SHA-256 among the signed headers, with the right
/// values in the headers the client must send, and the requested expiry.
pub async fn signed_headers_and_expiry(h: &Harness) {
    let key = fresh_key("signed");
    let body = body_of(3_000, 10);
    let spec = spec_for(&key, &body);
    let put = h.blobs.presign_put(&spec).await.expect("presign_put");
    let header = |name: &str| {
        put.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("content-type"), Some(PDF));
    assert_eq!(header("content-length"), Some("3000"));
    match h.enforcement {
        Enforcement::SignedOnly => {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(spec.sha256);
            assert_eq!(header("x-amz-checksum-sha256"), Some(b64.as_str()));
            let signed = query_param(&put.url, "X-Amz-SignedHeaders").expect("X-Amz-SignedHeaders");
            let signed: Vec<&str> = signed.split(';').collect();
            for name in [
                "content-length",
                "content-type",
                "host",
                "x-amz-checksum-sha256",
            ] {
                assert!(signed.contains(&name), "{name} is not signed: {signed:?}");
            }
            // Every x-amz-* header the client must send is signed, and every signed header is sent.
            for (name, _) in &put.headers {
                if name.starts_with("x-amz-") {
                    assert!(
                        signed.contains(&name.as_str()),
                        "{name} must be sent but is not signed"
                    );
                }
            }
            for name in &signed {
                assert!(
                    *name == "host" || header(name).is_some(),
                    "signed header {name} is not handed to the client"
                );
            }
            assert_eq!(
                query_param(&put.url, "X-Amz-Expires").as_deref(),
                Some("300")
            );
        }
        Enforcement::Enforced => {
            // Proven by behaviour in the other cases; here, only that the sent headers suffice.
            let reply = send_presigned(h, &put, body).await;
            assert!(
                (200..300).contains(&reply.status),
                "upload: {}",
                reply.status
            );
        }
    }
}

/// `delete` removes; deleting again (or an absent key) is fine.
pub async fn delete_removes(h: &Harness) {
    let key = fresh_key("delete");
    let body = body_of(1_500, 11);
    let spec = upload(h, &key, &body).await;
    assert!(h.blobs.head(&key).await.expect("head").is_some());
    h.blobs.delete(&key).await.expect("delete");
    assert_eq!(h.blobs.head(&key).await, Ok(None));
    assert_eq!(
        h.blobs.complete(&key, spec.size, &spec.sha256).await,
        Err(BlobError::Missing)
    );
    assert_eq!(h.blobs.read_prefix(&key, 4).await, Err(BlobError::Missing));
    h.blobs.delete(&key).await.expect("delete again");
    h.blobs
        .delete(&fresh_key("never"))
        .await
        .expect("delete of an absent key");
}

/// Keys that could name something outside the store, bad content types and bad expiries are `Invalid`.
pub async fn invalid_requests(h: &Harness) {
    let body = b"abc";
    for key in [
        "../escape",
        "/absolute",
        "a/../../b",
        "a//b",
        "a/",
        "with space",
        "反斜杠\\",
        "",
    ] {
        let spec = spec_for(key, body);
        assert!(
            matches!(h.blobs.presign_put(&spec).await, Err(BlobError::Invalid(_))),
            "presign_put({key:?})"
        );
        assert!(
            matches!(
                h.blobs.presign_get(key, EXPIRY, None).await,
                Err(BlobError::Invalid(_))
            ),
            "presign_get({key:?})"
        );
        assert!(
            matches!(h.blobs.head(key).await, Err(BlobError::Invalid(_))),
            "head({key:?})"
        );
        assert!(
            matches!(
                h.blobs.read_prefix(key, 1).await,
                Err(BlobError::Invalid(_))
            ),
            "read_prefix({key:?})"
        );
        assert!(
            matches!(
                h.blobs.complete(key, 3, &[0; 32]).await,
                Err(BlobError::Invalid(_))
            ),
            "complete({key:?})"
        );
        assert!(
            matches!(h.blobs.delete(key).await, Err(BlobError::Invalid(_))),
            "delete({key:?})"
        );
    }
    let key = fresh_key("invalid");
    let mut spec = spec_for(&key, body);
    spec.content_type = "text/plain\r\nx-injected: 1".into();
    assert!(
        matches!(h.blobs.presign_put(&spec).await, Err(BlobError::Invalid(_))),
        "header injection"
    );
    let mut spec = spec_for(&key, body);
    spec.expires_in = Duration::ZERO;
    assert!(
        matches!(h.blobs.presign_put(&spec).await, Err(BlobError::Invalid(_))),
        "zero expiry"
    );
    spec.expires_in = Duration::from_secs(8 * 24 * 3600);
    assert!(
        matches!(h.blobs.presign_put(&spec).await, Err(BlobError::Invalid(_))),
        "expiry beyond 7 days"
    );
    assert!(
        matches!(
            h.blobs.presign_get(&key, EXPIRY, Some("a\nb.pdf")).await,
            Err(BlobError::Invalid(_))
        ),
        "control character in the download name"
    );
}
