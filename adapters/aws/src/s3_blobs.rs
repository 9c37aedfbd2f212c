//! Evidence files in S3: presigned PUTs that sign the content type, the exact length and the SHA-256 checksum
//! (so S3 itself refuses any other body), presigned GETs that name the saved file, and the checks `complete`
//! makes once the client says it has uploaded.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_s3::operation::head_object::HeadObjectError;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{ChecksumMode, ChecksumType};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use shared::ports::blob_checks::{
    check_content_type, check_download_name, check_expiry, check_key, content_disposition,
    expiry_after,
};
use shared::ports::{BlobError, BlobMeta, Blobs, PresignedRequest, SharedClock, UploadSpec};

/// Evidence files in one S3 bucket.
#[derive(Clone)]
pub struct S3Blobs {
    client: aws_sdk_s3::Client,
    bucket: String,
    clock: SharedClock,
}

impl std::fmt::Debug for S3Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Blobs")
            .field("bucket", &self.bucket)
            .finish_non_exhaustive()
    }
}

impl S3Blobs {
    /// Objects in `bucket` through `client` (built once in `main`); presigned URLs are signed at `clock`'s now.
    pub fn new(client: aws_sdk_s3::Client, bucket: String, clock: SharedClock) -> Self {
        S3Blobs {
            client,
            bucket,
            clock,
        }
    }

    /// A presigning configuration starting at the clock's now (whole seconds) and lasting `secs`.
    fn presigning(&self, secs: u64) -> Result<(PresigningConfig, OffsetDateTime), BlobError> {
        let now = self.clock.now();
        let start = u64::try_from(now.unix_timestamp())
            .map(|t| SystemTime::UNIX_EPOCH + Duration::from_secs(t))
            .map_err(|_| BlobError::Invalid("the clock reads before 1970".into()))?;
        let config = PresigningConfig::builder()
            .start_time(start)
            .expires_in(Duration::from_secs(secs))
            .build()
            .map_err(|e| BlobError::Invalid(format!("presigning: {e}")))?;
        Ok((config, expiry_after(now, secs)?))
    }

    /// Stream the object and hash it; returns the number of bytes read and their SHA-256.
    async fn hash_object(&self, key: &str) -> Result<(u64, [u8; 32]), BlobError> {
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => output,
            Err(e) if get_not_found(&e) => return Err(BlobError::Missing),
            Err(e) => return Err(unavailable(e)),
        };
        let mut body = output.body;
        let mut hasher = Sha256::new();
        let mut read: u64 = 0;
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|e| BlobError::Unavailable(e.to_string()))?
        {
            read += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok((read, hasher.finalize().into()))
    }
}

/// An SDK error of one S3 operation.
type S3Error<E> = SdkError<E, HttpResponse>;

fn unavailable<E: std::error::Error + 'static>(e: S3Error<E>) -> BlobError {
    BlobError::Unavailable(DisplayErrorContext(&e).to_string())
}

/// The HTTP status S3 answered with, if it answered.
fn status_of<E>(e: &S3Error<E>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

fn get_not_found(e: &S3Error<GetObjectError>) -> bool {
    e.as_service_error()
        .is_some_and(|s| s.is_no_such_key() || s.code() == Some("NotFound"))
        || status_of(e) == Some(404)
}

fn head_not_found(e: &S3Error<HeadObjectError>) -> bool {
    e.as_service_error()
        .is_some_and(HeadObjectError::is_not_found)
        || status_of(e) == Some(404)
}

fn size_of(length: Option<i64>) -> Result<u64, BlobError> {
    length
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| BlobError::Unavailable("S3 returned no object size".into()))
}

#[async_trait]
impl Blobs for S3Blobs {
    async fn presign_put(&self, spec: &UploadSpec) -> Result<PresignedRequest, BlobError> {
        check_key(&spec.key)?;
        check_content_type(&spec.content_type)?;
        let secs = check_expiry(spec.expires_in)?;
        let size =
            i64::try_from(spec.size).map_err(|_| BlobError::Invalid("size out of range".into()))?;
        let (config, expires_at) = self.presigning(secs)?;
        let presigned = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(&spec.key)
            .content_type(&spec.content_type)
            .content_length(size)
            .checksum_sha256(BASE64.encode(spec.sha256))
            .presigned(config)
            .await
            .map_err(|e| BlobError::Unavailable(DisplayErrorContext(&e).to_string()))?;
        let mut headers: Vec<(String, String)> = presigned
            .headers()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
            .collect();
        // `content-length` is signed (it is in X-Amz-SignedHeaders) but the SDK may leave it out of the header
        // list, since HTTP clients set it themselves: name it anyway, the client must send exactly this length.
        if !headers.iter().any(|(name, _)| name == "content-length") {
            headers.push(("content-length".into(), spec.size.to_string()));
        }
        headers.sort();
        Ok(PresignedRequest {
            method: "PUT".into(),
            url: presigned.uri().to_owned(),
            headers,
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
        let (config, expires_at) = self.presigning(secs)?;
        // Always a download, never a page the browser renders (the files come from users).
        let disposition =
            download_name.map_or_else(|| "attachment".to_owned(), content_disposition);
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(disposition);
        let presigned = request
            .presigned(config)
            .await
            .map_err(|e| BlobError::Unavailable(DisplayErrorContext(&e).to_string()))?;
        let headers = presigned
            .headers()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
            .collect();
        Ok(PresignedRequest {
            method: "GET".into(),
            url: presigned.uri().to_owned(),
            headers,
            expires_at,
        })
    }

    async fn head(&self, key: &str) -> Result<Option<BlobMeta>, BlobError> {
        check_key(key)?;
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => Ok(Some(BlobMeta {
                size: size_of(output.content_length())?,
                content_type: output.content_type().map(str::to_owned),
            })),
            Err(e) if head_not_found(&e) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    async fn read_prefix(&self, key: &str, len: usize) -> Result<Vec<u8>, BlobError> {
        check_key(key)?;
        if len == 0 {
            return match self.head(key).await? {
                Some(_) => Ok(Vec::new()),
                None => Err(BlobError::Missing),
            };
        }
        let range = format!("bytes=0-{}", len - 1);
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range(range)
            .send()
            .await
        {
            Ok(output) => output,
            Err(e) if get_not_found(&e) => return Err(BlobError::Missing),
            // An empty object has no byte 0: S3 answers 416 InvalidRange.
            Err(e)
                if e.as_service_error().and_then(|s| s.code()) == Some("InvalidRange")
                    || status_of(&e) == Some(416) =>
            {
                return match self.head(key).await? {
                    Some(_) => Ok(Vec::new()),
                    None => Err(BlobError::Missing),
                };
            }
            Err(e) => return Err(unavailable(e)),
        };
        let mut body = output.body;
        let mut out = Vec::with_capacity(len.min(64 * 1024));
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|e| BlobError::Unavailable(e.to_string()))?
        {
            let room = len - out.len();
            out.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if out.len() == len {
                break;
            }
        }
        Ok(out)
    }

    async fn open_read(&self, key: &str) -> Result<std::fs::File, BlobError> {
        check_key(key)?;
        let output = match self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => output,
            Err(e) if get_not_found(&e) => return Err(BlobError::Missing),
            Err(e) => return Err(unavailable(e)),
        };
        let spill = |e: std::io::Error| BlobError::Unavailable(format!("temporary file: {e}"));
        // An anonymous temporary file (Lambda: /tmp): created, unlinked at once, kept open.
        let path = std::env::temp_dir().join(format!("sme-evidence-{}", ulid::Ulid::new()));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(spill)?;
        let _ = std::fs::remove_file(&path);
        let mut file = tokio::fs::File::from_std(file);
        let mut body = output.body;
        while let Some(chunk) = body
            .try_next()
            .await
            .map_err(|e| BlobError::Unavailable(e.to_string()))?
        {
            tokio::io::AsyncWriteExt::write_all(&mut file, &chunk)
                .await
                .map_err(spill)?;
        }
        tokio::io::AsyncWriteExt::flush(&mut file)
            .await
            .map_err(spill)?;
        let mut file = file.into_std().await;
        std::io::Seek::rewind(&mut file).map_err(spill)?;
        Ok(file)
    }

    async fn complete(
        &self,
        key: &str,
        size: u64,
        sha256: &[u8; 32],
    ) -> Result<BlobMeta, BlobError> {
        check_key(key)?;
        let head = match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send()
            .await
        {
            Ok(output) => output,
            Err(e) if head_not_found(&e) => return Err(BlobError::Missing),
            Err(e) => return Err(unavailable(e)),
        };
        let actual = size_of(head.content_length())?;
        if actual != size {
            return Err(BlobError::SizeMismatch {
                expected: size,
                actual,
            });
        }
        let meta = BlobMeta {
            size,
            content_type: head.content_type().map(str::to_owned),
        };
        // S3 verified a full-object SHA-256 at upload time when the client sent one (our presigned PUT makes it
        // send one); a composite checksum (multipart, `…-N`) is not a hash of the content.
        let stored = head
            .checksum_sha256()
            .filter(|c| !c.contains('-') && head.checksum_type() != Some(&ChecksumType::Composite))
            .and_then(|c| BASE64.decode(c).ok())
            .and_then(|c| <[u8; 32]>::try_from(c).ok());
        let digest = match stored {
            Some(digest) => digest,
            None => {
                let (read, digest) = self.hash_object(key).await?;
                if read != size {
                    return Err(BlobError::SizeMismatch {
                        expected: size,
                        actual: read,
                    });
                }
                digest
            }
        };
        if digest != *sha256 {
            return Err(BlobError::ChecksumMismatch);
        }
        Ok(meta)
    }

    async fn delete(&self, key: &str) -> Result<(), BlobError> {
        check_key(key)?;
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
