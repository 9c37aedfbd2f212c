//! Evidence files on one machine: objects on disk under a root folder, uploaded and downloaded through URLs that
//! this module signs (HMAC-SHA256) and that the local runner serves with [`LocalBlobs::router`].
//!
//! It keeps the contract of the S3 adapter: a presigned PUT pins the content type, the exact length and the
//! SHA-256 of the body, and expires; a presigned GET expires and names the saved file. Unlike the S3 emulators,
//! the server side here enforces all of it, and refuses with `application/problem+json`.
//!
//! # URLs
//! - upload: `PUT {base}/v1/local-blobs/{key}?expires={unix}&type={content type}&size={bytes}&sha256={hex}&sig={hex}`
//!   with the headers `content-type` and `content-length` exactly as returned;
//! - download: `GET {base}/v1/local-blobs/{key}?expires={unix}[&name={file name}]&sig={hex}`.
//!
//! `sig` is the hex HMAC-SHA256, under the adapter's secret, of [`string_to_sign`]: the method, the key and
//! every other query value, each length-prefixed so that no two different requests share a signature.
//!
//! # Refusals (`application/problem+json`, `{type, title, status, detail, code}`, Chinese title and detail)
//! `403 SIGNATURE_INVALID` (missing, malformed, duplicated or wrong parameters or signature, including a key
//! swapped into another key's URL), `403 URL_EXPIRED` (by the adapter's clock), `400 KEY_INVALID`,
//! `400 CONTENT_TYPE_MISMATCH`, `411 LENGTH_REQUIRED`, `400 SIZE_MISMATCH` (shorter), `413 FILE_TOO_LARGE`
//! (longer: the body is read only up to the signed length), `400 CHECKSUM_MISMATCH`, `400 UPLOAD_INTERRUPTED`,
//! `404 NOT_FOUND` (download of an absent object), `500 INTERNAL` (disk failure; logged).
//!
//! Downloads are always `Content-Disposition: attachment` (with the signed file name when there is one),
//! `X-Content-Type-Options: nosniff` and a sandboxing CSP: the files come from users and share the runner's origin.
//!
//! # Layout on disk
//! `{root}/objects/{key}` holds the bytes, `{root}/meta/{key}.json` what the upload declared (content type, size,
//! SHA-256), `{root}/tmp/` uploads in flight. An upload is written to `tmp/`, checked, flushed to disk and only
//! then renamed into place, so a refused or interrupted upload leaves nothing behind.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::primitives::{ByteStream, Length};
use axum::Router;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hmac::{Hmac, Mac};
use http_body_util::BodyExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use shared::ports::blob_checks::{
    check_content_type, check_download_name, check_expiry, check_key, content_disposition,
    expiry_after,
};
use shared::ports::{BlobError, BlobMeta, Blobs, PresignedRequest, SharedClock, UploadSpec};

type HmacSha256 = Hmac<Sha256>;

/// The path prefix the local runner serves the blobs under (the key follows).
pub const ROUTE_PREFIX: &str = "/v1/local-blobs/";

const PROBLEM_JSON: &str = "application/problem+json";
const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";
const READ_BUFFER: usize = 64 * 1024;

/// Characters left as they are in a query value; everything else is percent-encoded (in particular `+`, which
/// form decoding would turn into a space).
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

// ---------------------------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------------------------

/// The bytes a local URL's signature covers: a version tag, the method, the key, then each `(name, value)` as
/// `name=LEN:value` on its own line. Length prefixes make the encoding injective whatever the values contain.
pub fn string_to_sign(method: &str, key: &str, fields: &[(&str, &str)]) -> Vec<u8> {
    let mut out = format!("sme-local-blobs-v1\n{method}\n{}:{key}\n", key.len());
    for (name, value) in fields {
        out.push_str(&format!("{name}={}:{value}\n", value.len()));
    }
    out.into_bytes()
}

// ---------------------------------------------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------------------------------------------

/// What an upload declared, kept beside the object.
#[derive(Debug, Serialize, Deserialize)]
struct Sidecar {
    content_type: String,
    size: u64,
    sha256: String,
}

/// Evidence files on the local disk behind signed URLs. See the module documentation.
pub struct LocalBlobs {
    root: PathBuf,
    base_url: String,
    secret: Vec<u8>,
    clock: SharedClock,
}

impl std::fmt::Debug for LocalBlobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalBlobs")
            .field("root", &self.root)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl LocalBlobs {
    /// Files under `root` (created on first write), served at `{public_base_url}/v1/local-blobs/…` (the URL the
    /// browser reaches the local runner at, e.g. `http://127.0.0.1:8080`), URLs signed with `secret` and timed by
    /// `clock`. The secret must survive restarts for URLs to outlive the process.
    pub fn new(
        root: PathBuf,
        public_base_url: String,
        secret: [u8; 32],
        clock: SharedClock,
    ) -> Self {
        LocalBlobs {
            root,
            base_url: public_base_url.trim_end_matches('/').to_owned(),
            secret: secret.to_vec(),
            clock,
        }
    }

    /// The axum routes serving the signed URLs: `PUT` and `GET` (and so `HEAD`) on `/v1/local-blobs/{*key}`.
    /// Merge them into the local runner's router; they carry their own state and need no authentication (the
    /// signature is the authorisation).
    pub fn router(self: Arc<Self>) -> Router {
        Router::new()
            .route("/v1/local-blobs/{*key}", get(serve_get).put(serve_put))
            .with_state(self)
    }

    /// Remove what interrupted uploads left in the temporary folder (a killed process cannot clean up after
    /// itself). Call it at start-up, before serving; returns how many files were removed. Leftovers are never
    /// visible as objects, so skipping this only costs disk space.
    pub async fn remove_stale_uploads(&self) -> Result<usize, BlobError> {
        let dir = self.tmp_dir();
        let mut entries = match tokio::fs::read_dir(&dir).await {
            Ok(entries) => entries,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(io_error(&dir, e)),
        };
        let mut removed = 0;
        while let Some(entry) = entries.next_entry().await.map_err(|e| io_error(&dir, e))? {
            let path = entry.path();
            match tokio::fs::remove_file(&path).await {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(e) => return Err(io_error(&path, e)),
            }
        }
        Ok(removed)
    }

    fn object_path(&self, key: &str) -> PathBuf {
        self.root.join("objects").join(key)
    }

    fn sidecar_path(&self, key: &str) -> PathBuf {
        self.root.join("meta").join(format!("{key}.json"))
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.secret).expect("HMAC accepts keys of any length")
    }

    fn sign(&self, method: &str, key: &str, fields: &[(&str, &str)]) -> String {
        let mut mac = self.mac();
        mac.update(&string_to_sign(method, key, fields));
        hex::encode(mac.finalize().into_bytes())
    }

    /// Constant-time check of a hex signature.
    fn verify(&self, method: &str, key: &str, fields: &[(&str, &str)], sig_hex: &str) -> bool {
        let Ok(sig) = hex::decode(sig_hex) else {
            return false;
        };
        let mut mac = self.mac();
        mac.update(&string_to_sign(method, key, fields));
        mac.verify_slice(&sig).is_ok()
    }

    fn url(&self, key: &str, query: &[(&str, &str)]) -> String {
        let query: Vec<String> = query
            .iter()
            .map(|(name, value)| format!("{name}={}", utf8_percent_encode(value, QUERY_VALUE)))
            .collect();
        format!("{}{ROUTE_PREFIX}{key}?{}", self.base_url, query.join("&"))
    }

    async fn read_sidecar(&self, key: &str) -> Result<Option<Sidecar>, BlobError> {
        let path = self.sidecar_path(key);
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(&path, e)),
        }
    }

    /// Open the object's file, `None` when absent (a directory — the prefix of longer keys — is absent too).
    async fn open(&self, key: &str) -> Result<Option<(tokio::fs::File, u64)>, BlobError> {
        check_key(key)?;
        let path = self.object_path(key);
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                return Ok(None);
            }
            Err(e) => return Err(io_error(&path, e)),
        };
        let meta = file.metadata().await.map_err(|e| io_error(&path, e))?;
        if !meta.is_file() {
            return Ok(None);
        }
        Ok(Some((file, meta.len())))
    }

    /// Put a fully checked temporary file in place as `key`, with its sidecar.
    async fn commit(&self, key: &str, tmp: &Path, sidecar: &Sidecar) -> Result<(), std::io::Error> {
        let object = self.object_path(key);
        let meta = self.sidecar_path(key);
        for path in [&object, &meta] {
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
        }
        let meta_tmp = self.tmp_dir().join(format!("{}.meta", ulid::Ulid::new()));
        let guard = RemoveOnDrop::new(meta_tmp.clone());
        let json = serde_json::to_vec(sidecar).map_err(std::io::Error::other)?;
        tokio::fs::write(&meta_tmp, json).await?;
        tokio::fs::rename(&meta_tmp, &meta).await?;
        guard.disarm();
        tokio::fs::rename(tmp, &object).await
    }
}

fn io_error(path: &Path, e: std::io::Error) -> BlobError {
    BlobError::Unavailable(format!("{}: {e}", path.display()))
}

#[async_trait]
impl Blobs for LocalBlobs {
    async fn presign_put(&self, spec: &UploadSpec) -> Result<PresignedRequest, BlobError> {
        check_key(&spec.key)?;
        check_content_type(&spec.content_type)?;
        let secs = check_expiry(spec.expires_in)?;
        let expires_at = expiry_after(self.clock.now(), secs)?;
        let expires = expires_at.unix_timestamp().to_string();
        let size = spec.size.to_string();
        let sha256 = hex::encode(spec.sha256);
        let fields = [
            ("expires", expires.as_str()),
            ("type", spec.content_type.as_str()),
            ("size", size.as_str()),
            ("sha256", sha256.as_str()),
        ];
        let sig = self.sign("PUT", &spec.key, &fields);
        let mut query = fields.to_vec();
        query.push(("sig", &sig));
        Ok(PresignedRequest {
            method: "PUT".into(),
            url: self.url(&spec.key, &query),
            headers: vec![
                ("content-type".into(), spec.content_type.clone()),
                ("content-length".into(), size.clone()),
            ],
            expires_at,
        })
    }

    async fn presign_get(
        &self,
        key: &str,
        expires_in: Duration,
        download_name: Option<&str>,
    ) -> Result<PresignedRequest, BlobError> {
        check_key(key)?;
        if let Some(name) = download_name {
            check_download_name(name)?;
        }
        let secs = check_expiry(expires_in)?;
        let expires_at = expiry_after(self.clock.now(), secs)?;
        let expires = expires_at.unix_timestamp().to_string();
        let mut fields = vec![("expires", expires.as_str())];
        if let Some(name) = download_name {
            fields.push(("name", name));
        }
        let sig = self.sign("GET", key, &fields);
        fields.push(("sig", &sig));
        Ok(PresignedRequest {
            method: "GET".into(),
            url: self.url(key, &fields),
            headers: Vec::new(),
            expires_at,
        })
    }

    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError> {
        let Some((_, size)) = self.open(key).await? else {
            return Ok(None);
        };
        let content_type = self.read_sidecar(key).await?.map(|s| s.content_type);
        Ok(Some(BlobMeta { size, content_type }))
    }

    async fn read_prefix(&self, key: &str, len: usize) -> Result<Vec<u8>, BlobError> {
        let (file, size) = self.open(key).await?.ok_or(BlobError::Missing)?;
        let want = usize::try_from(size).map_or(len, |size| size.min(len));
        let mut out = Vec::with_capacity(want);
        let limit = u64::try_from(want).unwrap_or(u64::MAX);
        file.take(limit)
            .read_to_end(&mut out)
            .await
            .map_err(|e| io_error(&self.object_path(key), e))?;
        Ok(out)
    }

    async fn open_read(&self, key: &str) -> Result<std::fs::File, BlobError> {
        let (file, _) = self.open(key).await?.ok_or(BlobError::Missing)?;
        Ok(file.into_std().await)
    }

    async fn complete(
        &self,
        key: &str,
        size: u64,
        sha256: &[u8; 32],
    ) -> Result<BlobMeta, BlobError> {
        let (mut file, actual) = self.open(key).await?.ok_or(BlobError::Missing)?;
        if actual != size {
            return Err(BlobError::SizeMismatch {
                expected: size,
                actual,
            });
        }
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; READ_BUFFER];
        loop {
            let n = file
                .read(&mut buf)
                .await
                .map_err(|e| io_error(&self.object_path(key), e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        let digest: [u8; 32] = hasher.finalize().into();
        if digest != *sha256 {
            return Err(BlobError::ChecksumMismatch);
        }
        let content_type = self.read_sidecar(key).await?.map(|s| s.content_type);
        Ok(BlobMeta { size, content_type })
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_key(key)?;
        for path in [self.object_path(key), self.sidecar_path(key)] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {}
                // A directory (the prefix of longer keys) is not an object: nothing to delete.
                Err(_) if path.is_dir() => {}
                Err(e) => return Err(io_error(&path, e)),
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The HTTP side
// ---------------------------------------------------------------------------------------------------------------

/// A refusal of the blob server, answered as `application/problem+json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobProblem {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: String,
}

impl BlobProblem {
    fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        BlobProblem {
            status,
            code,
            title,
            detail: detail.into(),
        }
    }

    fn signature() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "SIGNATURE_INVALID",
            "链接签名无效",
            "链接缺少签名或签名不正确，请重新获取上传或下载链接。",
        )
    }

    fn expired() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "URL_EXPIRED",
            "链接已过期",
            "上传或下载链接已过有效期，请重新获取。",
        )
    }

    fn key_invalid() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "KEY_INVALID",
            "文件路径无效",
            "文件路径含有不允许的字符。",
        )
    }

    fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "local blob storage failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "服务器内部错误",
            "文件存储暂时不可用，请稍后重试。",
        )
    }
}

impl IntoResponse for BlobProblem {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "type": format!("https://errors.sme-platform.local/{}", self.code.to_ascii_lowercase().replace('_', "-")),
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
            "code": self.code,
        });
        let mut response = (self.status, body.to_string()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}

/// The key and the query pairs of a signed URL; a path or query that does not even decode is a problem too.
fn signed_request_parts(
    key: Result<UrlPath<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<(String, Vec<(String, String)>), BlobProblem> {
    let UrlPath(key) = key.map_err(|_| BlobProblem::key_invalid())?;
    let Query(pairs) = query.map_err(|_| BlobProblem::signature())?;
    Ok((key, pairs))
}

/// The query of a signed URL: each parameter at most once.
fn single_params(
    pairs: Vec<(String, String)>,
    allowed: &[&str],
) -> Result<Vec<(String, String)>, BlobProblem> {
    let mut seen: Vec<(String, String)> = Vec::with_capacity(pairs.len());
    for (name, value) in pairs {
        if !allowed.contains(&name.as_str()) || seen.iter().any(|(n, _)| *n == name) {
            return Err(BlobProblem::signature());
        }
        seen.push((name, value));
    }
    Ok(seen)
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Check the key, the signature (over `fields`, of which only `name` may be absent) and the expiry of a
/// signed request.
fn check_signed(
    blobs: &LocalBlobs,
    method: &str,
    key: &str,
    params: &[(String, String)],
    fields: &[&str],
) -> Result<(), BlobProblem> {
    if check_key(key).is_err() {
        return Err(BlobProblem::key_invalid());
    }
    let mut signed: Vec<(&str, &str)> = Vec::with_capacity(fields.len());
    for name in fields {
        match param(params, name) {
            Some(value) => signed.push((name, value)),
            None if *name == "name" => {}
            None => return Err(BlobProblem::signature()),
        }
    }
    let sig = param(params, "sig").ok_or_else(BlobProblem::signature)?;
    if !blobs.verify(method, key, &signed, sig) {
        return Err(BlobProblem::signature());
    }
    let expires: i64 = param(params, "expires")
        .and_then(|e| e.parse().ok())
        .ok_or_else(BlobProblem::signature)?;
    if blobs.clock.now().unix_timestamp() >= expires {
        return Err(BlobProblem::expired());
    }
    Ok(())
}

/// Removes a file when dropped unless disarmed: temporary files of refused or abandoned uploads never remain,
/// even when the client goes away and the handler is cancelled mid-stream.
struct RemoveOnDrop(Option<PathBuf>);

impl RemoveOnDrop {
    fn new(path: PathBuf) -> Self {
        RemoveOnDrop(Some(path))
    }

    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

async fn serve_put(
    State(blobs): State<Arc<LocalBlobs>>,
    key: Result<UrlPath<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, BlobProblem> {
    let (key, pairs) = signed_request_parts(key, query)?;
    let params = single_params(pairs, &["expires", "type", "size", "sha256", "sig"])?;
    check_signed(
        &blobs,
        "PUT",
        &key,
        &params,
        &["expires", "type", "size", "sha256"],
    )?;
    // Signed values: present and well-formed, or the URL was not made by presign_put.
    let content_type = param(&params, "type").ok_or_else(BlobProblem::signature)?;
    let size: u64 = param(&params, "size")
        .and_then(|s| s.parse().ok())
        .ok_or_else(BlobProblem::signature)?;
    let mut sha256 = [0u8; 32];
    param(&params, "sha256")
        .and_then(|s| hex::decode_to_slice(s, &mut sha256).ok())
        .ok_or_else(BlobProblem::signature)?;

    if headers.get(header::CONTENT_TYPE).map(HeaderValue::as_bytes) != Some(content_type.as_bytes())
    {
        return Err(BlobProblem::new(
            StatusCode::BAD_REQUEST,
            "CONTENT_TYPE_MISMATCH",
            "文件类型与申请时不符",
            format!("Content-Type 须与申请上传时声明的 {content_type} 完全一致。"),
        ));
    }
    let Some(length) = headers.get(header::CONTENT_LENGTH) else {
        return Err(BlobProblem::new(
            StatusCode::LENGTH_REQUIRED,
            "LENGTH_REQUIRED",
            "缺少文件长度",
            "上传请求须带 Content-Length，且与申请上传时声明的大小一致。",
        ));
    };
    let length: u64 = length
        .to_str()
        .ok()
        .and_then(|l| l.parse().ok())
        .ok_or_else(|| {
            BlobProblem::new(
                StatusCode::BAD_REQUEST,
                "SIZE_MISMATCH",
                "文件大小与申请时不符",
                "Content-Length 无法解析。",
            )
        })?;
    if length != size {
        return Err(size_problem(size, length));
    }

    let tmp_dir = blobs.tmp_dir();
    tokio::fs::create_dir_all(&tmp_dir)
        .await
        .map_err(BlobProblem::internal)?;
    let tmp = tmp_dir.join(format!("{}.part", ulid::Ulid::new()));
    let guard = RemoveOnDrop::new(tmp.clone());
    let mut file = tokio::fs::File::create(&tmp)
        .await
        .map_err(BlobProblem::internal)?;
    let mut hasher = Sha256::new();
    let mut received: u64 = 0;
    let mut body = body;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| {
            BlobProblem::new(
                StatusCode::BAD_REQUEST,
                "UPLOAD_INTERRUPTED",
                "上传中断",
                "上传的数据没有完整送达，请重新上传。",
            )
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        received = received.saturating_add(data.len() as u64);
        if received > size {
            // Never hold or write more than the signed length.
            return Err(size_problem(size, received));
        }
        hasher.update(&data);
        file.write_all(&data).await.map_err(BlobProblem::internal)?;
    }
    if received != size {
        return Err(size_problem(size, received));
    }
    let digest: [u8; 32] = hasher.finalize().into();
    if digest != sha256 {
        return Err(BlobProblem::new(
            StatusCode::BAD_REQUEST,
            "CHECKSUM_MISMATCH",
            "文件校验值不符",
            "上传内容的 SHA-256 与申请上传时声明的不一致，文件可能已损坏，请重新上传。",
        ));
    }
    file.sync_all().await.map_err(BlobProblem::internal)?;
    drop(file);
    let sidecar = Sidecar {
        content_type: content_type.to_owned(),
        size,
        sha256: hex::encode(sha256),
    };
    blobs
        .commit(&key, &tmp, &sidecar)
        .await
        .map_err(BlobProblem::internal)?;
    guard.disarm();

    let mut response = StatusCode::OK.into_response();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{}\"", hex::encode(digest))) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    Ok(response)
}

fn size_problem(expected: u64, actual: u64) -> BlobProblem {
    if actual > expected {
        BlobProblem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "FILE_TOO_LARGE",
            "文件超过申请的大小",
            format!("申请上传 {expected} 字节，实际发送的内容更大。"),
        )
    } else {
        BlobProblem::new(
            StatusCode::BAD_REQUEST,
            "SIZE_MISMATCH",
            "文件大小与申请时不符",
            format!("申请上传 {expected} 字节，实际收到 {actual} 字节。"),
        )
    }
}

async fn serve_get(
    State(blobs): State<Arc<LocalBlobs>>,
    key: Result<UrlPath<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, BlobProblem> {
    let (key, pairs) = signed_request_parts(key, query)?;
    let params = single_params(pairs, &["expires", "name", "sig"])?;
    check_signed(&blobs, "GET", &key, &params, &["expires", "name"])?;
    let not_found = || {
        BlobProblem::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "文件不存在",
            "所请求的文件不存在或已被删除。",
        )
    };
    let (file, size) = blobs
        .open(&key)
        .await
        .map_err(BlobProblem::internal)?
        .ok_or_else(not_found)?;
    let content_type = blobs
        .read_sidecar(&key)
        .await
        .map_err(BlobProblem::internal)?
        .map_or_else(|| DEFAULT_CONTENT_TYPE.to_owned(), |s| s.content_type);
    let stream = ByteStream::read_from()
        .file(file)
        .length(Length::Exact(size))
        .build()
        .await
        .map_err(BlobProblem::internal)?;

    let mut response = Body::new(stream.into_inner()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static(DEFAULT_CONTENT_TYPE)),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    // The files come from users and are served from the runner's own origin: always a download, never a page.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    let disposition = match param(&params, "name") {
        Some(name) => {
            HeaderValue::from_str(&content_disposition(name)).map_err(BlobProblem::internal)?
        }
        None => HeaderValue::from_static("attachment"),
    };
    headers.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;
    use shared::clock::MovableClock;
    use time::macros::datetime;
    use tower::ServiceExt;

    /// A data folder removed when the test ends.
    struct TempRoot(PathBuf);

    impl Drop for TempRoot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn blobs(tag: &str) -> (Arc<LocalBlobs>, TempRoot) {
        let root = TempRoot(
            std::env::temp_dir().join(format!("sme-local-blobs-{tag}-{}", ulid::Ulid::new())),
        );
        let clock = Arc::new(MovableClock::frozen_at(datetime!(2026-04-15 02:00 UTC)));
        let blobs = LocalBlobs::new(
            root.0.clone(),
            "http://127.0.0.1:1/".into(),
            [7u8; 32],
            clock,
        );
        (Arc::new(blobs), root)
    }

    fn spec(key: &str, body: &[u8]) -> UploadSpec {
        UploadSpec {
            key: key.into(),
            content_type: "application/pdf".into(),
            size: body.len() as u64,
            sha256: Sha256::digest(body).into(),
            expires_in: Duration::from_secs(300),
        }
    }

    fn path_and_query(url: &str) -> &str {
        url.strip_prefix("http://127.0.0.1:1").expect("base url")
    }

    #[test]
    fn keys_that_could_escape_the_root_are_refused() {
        for bad in [
            "", "/abs", "a/../b", "..", "a/./b", "./a", "a//b", "a/", "a\\b", "a b", "é", "a/..b",
            "%2e%2e",
        ] {
            assert!(
                matches!(check_key(bad), Err(BlobError::Invalid(_))),
                "{bad:?} accepted"
            );
        }
        for good in ["a", "decl/01J/evidence/01K.pdf", "A-b_c.d", ".hidden/x"] {
            assert_eq!(check_key(good), Ok(()), "{good:?} refused");
        }
        assert!(check_key(&"a".repeat(1025)).is_err());
    }

    #[test]
    fn content_disposition_carries_an_ascii_fallback_and_the_utf8_name() {
        assert_eq!(
            content_disposition("营业执照 2026.pdf"),
            "attachment; filename=\"____ 2026.pdf\"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%202026.pdf"
        );
        assert_eq!(
            content_disposition("a\"b.pdf"),
            "attachment; filename=\"a_b.pdf\"; filename*=UTF-8''a%22b.pdf"
        );
    }

    #[test]
    fn the_string_to_sign_is_injective() {
        assert_ne!(
            string_to_sign("GET", "a", &[("name", "x\nsig=1:y")]),
            string_to_sign("GET", "a", &[("name", "x"), ("sig", "y")])
        );
    }

    #[tokio::test]
    async fn presign_put_refuses_bad_specs() {
        let (blobs, _root) = blobs("bad-spec");
        let mut s = spec("k", b"x");
        s.expires_in = Duration::from_millis(500);
        assert!(matches!(
            blobs.presign_put(&s).await,
            Err(BlobError::Invalid(_))
        ));
        let mut s = spec("k", b"x");
        s.content_type = "text/plain\r\nx-evil: 1".into();
        assert!(matches!(
            blobs.presign_put(&s).await,
            Err(BlobError::Invalid(_))
        ));
        assert!(matches!(
            blobs.presign_put(&spec("../k", b"x")).await,
            Err(BlobError::Invalid(_))
        ));
        assert!(matches!(
            blobs.head("a/../../etc/passwd").await,
            Err(BlobError::Invalid(_))
        ));
    }

    /// The cap holds even when the declared Content-Length lies about the body (a client can only do that
    /// below hyper, so the router is driven directly).
    #[tokio::test]
    async fn a_body_longer_than_signed_is_cut_off_and_nothing_is_stored() {
        let (blobs, _root) = blobs("cap");
        let body = b"%PDF-1.7 hello".to_vec();
        let put = blobs
            .presign_put(&spec("d/1", &body))
            .await
            .expect("presign");
        let mut longer = body.clone();
        longer.extend_from_slice(&[0u8; 100_000]);
        let request = Request::put(path_and_query(&put.url))
            .header("content-type", "application/pdf")
            .header("content-length", body.len().to_string())
            .body(Body::from(longer))
            .expect("request");
        let response = blobs
            .clone()
            .router()
            .oneshot(request)
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let problem: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(problem["code"], "FILE_TOO_LARGE");
        assert_eq!(problem["status"], 413);
        assert_eq!(blobs.head("d/1").await, Ok(None));
        assert_eq!(
            std::fs::read_dir(blobs.tmp_dir()).expect("tmp").count(),
            0,
            "temporary file left behind"
        );
    }

    #[tokio::test]
    async fn stale_uploads_are_swept_and_never_seen_as_objects() {
        let (blobs, _root) = blobs("stale");
        assert_eq!(blobs.remove_stale_uploads().await, Ok(0));
        std::fs::create_dir_all(blobs.tmp_dir()).expect("tmp");
        std::fs::write(blobs.tmp_dir().join("01.part"), b"half").expect("leftover");
        assert_eq!(blobs.remove_stale_uploads().await, Ok(1));
        assert_eq!(std::fs::read_dir(blobs.tmp_dir()).expect("tmp").count(), 0);
    }

    #[tokio::test]
    async fn undecodable_paths_and_queries_answer_problems() {
        let (blobs, _root) = blobs("undecodable");
        for uri in [
            "/v1/local-blobs/a%FF?expires=1&sig=00",
            "/v1/local-blobs/a?expires=%FF&sig=00",
        ] {
            let request = Request::get(uri).body(Body::empty()).expect("request");
            let response = blobs
                .clone()
                .router()
                .oneshot(request)
                .await
                .expect("response");
            assert!(
                response.status().is_client_error(),
                "{uri}: {}",
                response.status()
            );
            assert_eq!(
                response.headers()[header::CONTENT_TYPE],
                PROBLEM_JSON,
                "{uri}"
            );
        }
    }

    #[tokio::test]
    async fn an_upload_without_content_length_is_refused() {
        let (blobs, _root) = blobs("no-length");
        let body = b"abc".to_vec();
        let put = blobs
            .presign_put(&spec("d/2", &body))
            .await
            .expect("presign");
        let request = Request::put(path_and_query(&put.url))
            .header("content-type", "application/pdf")
            .body(Body::from(body))
            .expect("request");
        let response = blobs
            .clone()
            .router()
            .oneshot(request)
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::LENGTH_REQUIRED);
        assert_eq!(blobs.head("d/2").await, Ok(None));
    }

    #[tokio::test]
    async fn duplicated_or_unknown_query_parameters_are_refused() {
        let (blobs, _root) = blobs("dup");
        let body = b"abc".to_vec();
        let put = blobs
            .presign_put(&spec("d/3", &body))
            .await
            .expect("presign");
        for url in [
            format!("{}&size=3", put.url),
            format!("{}&extra=1", put.url),
        ] {
            let request = Request::put(path_and_query(&url))
                .header("content-type", "application/pdf")
                .header("content-length", "3")
                .body(Body::from(body.clone()))
                .expect("request");
            let response = blobs
                .clone()
                .router()
                .oneshot(request)
                .await
                .expect("response");
            assert_eq!(response.status(), StatusCode::FORBIDDEN);
        }
    }

    #[tokio::test]
    async fn a_key_that_is_a_prefix_of_other_keys_is_absent() {
        let (blobs, _root) = blobs("prefix");
        tokio::fs::create_dir_all(blobs.object_path("a/b"))
            .await
            .expect("dir");
        assert_eq!(blobs.head("a").await, Ok(None));
        assert_eq!(blobs.head("a/b").await, Ok(None));
        assert_eq!(
            blobs.complete("a/b", 0, &[0; 32]).await,
            Err(BlobError::Missing)
        );
        assert_eq!(blobs.delete("a/b").await, Ok(()));
    }
}
