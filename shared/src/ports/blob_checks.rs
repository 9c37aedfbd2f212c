//! What every `Blobs` adapter checks the same way (so the disk and S3 adapters refuse exactly the same
//! requests): object keys, content types, presigned-URL lifetimes, download names, and the
//! `Content-Disposition` header built from a download name.

use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use time::OffsetDateTime;

use super::BlobError;

/// The longest key accepted (S3's limit).
pub const MAX_KEY_LEN: usize = 1024;

/// The longest presigned URL lifetime accepted (S3's limit for SigV4: seven days).
pub const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

/// RFC 5987 `attr-char`: what may stay unencoded in `filename*=UTF-8''…`.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Check an object key: 1..=1024 characters of `[A-Za-z0-9/_.-]`, no leading or trailing `/`, no empty segment,
/// no `..` anywhere and no `.` segment — so that a key can never name a path outside the root.
pub fn check_key(key: &str) -> Result<(), BlobError> {
    let invalid = |why: &str| Err(BlobError::Invalid(format!("key {key:?}: {why}")));
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return invalid("must be 1 to 1024 characters");
    }
    if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'.' | b'-'))
    {
        return invalid("only A-Z a-z 0-9 / _ . - are allowed");
    }
    if key.contains("..") {
        return invalid("must not contain ..");
    }
    if key
        .split('/')
        .any(|segment| segment.is_empty() || segment == ".")
    {
        return invalid("no leading, trailing or doubled / and no . segment");
    }
    Ok(())
}

/// Check a content type that will be signed and sent as a header: 1..=255 visible ASCII characters or spaces.
pub fn check_content_type(content_type: &str) -> Result<(), BlobError> {
    let ok = !content_type.is_empty()
        && content_type.len() <= 255
        && content_type
            .bytes()
            .all(|b| b == b' ' || b.is_ascii_graphic())
        && !content_type.starts_with(' ')
        && !content_type.ends_with(' ');
    if ok {
        Ok(())
    } else {
        Err(BlobError::Invalid(format!(
            "content type {content_type:?} is not a valid header value"
        )))
    }
}

/// Check a presigned URL lifetime: at least one second, at most [`MAX_EXPIRY`]; returns it in whole seconds
/// (fractions are dropped).
pub fn check_expiry(expires_in: Duration) -> Result<u64, BlobError> {
    let secs = expires_in.as_secs();
    if secs == 0 || expires_in > MAX_EXPIRY {
        return Err(BlobError::Invalid(format!(
            "expiry {expires_in:?} must be between 1 s and 7 days"
        )));
    }
    Ok(secs)
}

/// Check a download file name: 1..=255 characters, no control characters.
pub fn check_download_name(name: &str) -> Result<(), BlobError> {
    if name.is_empty() || name.chars().count() > 255 || name.chars().any(char::is_control) {
        return Err(BlobError::Invalid(format!(
            "download name {name:?} must be 1 to 255 characters without control characters"
        )));
    }
    Ok(())
}

/// The `Content-Disposition` value that makes a browser save the file as `name` (RFC 6266): an ASCII fallback
/// in `filename="…"` and the exact UTF-8 name in `filename*=UTF-8''…`.
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// The time a URL signed at `now` for `secs` seconds expires, truncated to whole seconds.
pub fn expiry_after(now: OffsetDateTime, secs: u64) -> Result<OffsetDateTime, BlobError> {
    i64::try_from(secs)
        .ok()
        .and_then(|secs| now.unix_timestamp().checked_add(secs))
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .ok_or_else(|| BlobError::Invalid("expiry out of range".into()))
}
