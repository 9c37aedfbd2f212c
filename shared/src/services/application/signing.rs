//! The document key: a separate Ed25519 key (not the session-token key, which only `register` holds) with which
//! the platform signs the digest of a submitted snapshot, so anyone holding the paper or the verification
//! answer can check offline that the platform issued that digest for that declaration.
//!
//! Ed25519 signatures are deterministic, so the signature is computed when a document or a verification answer
//! is made, and is the same every time. The signed message is [`message`]: UTF-8 text
//! `sme-application-digest/v1\n{declaration_id}\n{sha256 hex}` (no trailing newline).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePublicKey};
use ed25519_dalek::{Signer, SigningKey};

/// The signed-message format, also told in the verification answer.
pub const MESSAGE_FORMAT: &str = "sme-application-digest/v1\\n{declaration_id}\\n{sha256}";

/// The message signed for `declaration_id` and its snapshot digest.
pub fn message(declaration_id: &str, sha256: &str) -> String {
    format!("sme-application-digest/v1\n{declaration_id}\n{sha256}")
}

/// What the document routes need: the key and the public address the QR code points to.
pub struct DocumentKeys {
    key: SigningKey,
    public_pem: String,
    /// Base of the public verification address (`https://api.example.gov.cn/prod`), without a trailing `/`.
    pub public_base_url: String,
}

impl std::fmt::Debug for DocumentKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentKeys")
            .field("public_base_url", &self.public_base_url)
            .finish_non_exhaustive()
    }
}

impl DocumentKeys {
    /// From a PKCS#8 PEM private key (`sme-local keygen` prints one).
    pub fn from_pem(private_pem: &str, public_base_url: &str) -> Result<Self, String> {
        let key = SigningKey::from_pkcs8_pem(private_pem)
            .map_err(|e| format!("document signing key: {e}"))?;
        Ok(Self::from_key(key, public_base_url))
    }

    pub fn from_key(key: SigningKey, public_base_url: &str) -> Self {
        let public_pem = key
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .expect("ed25519 SPKI encodes");
        DocumentKeys {
            key,
            public_pem,
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// Base64 (standard, padded) Ed25519 signature of [`message`].
    pub fn sign(&self, declaration_id: &str, sha256: &str) -> String {
        STANDARD.encode(
            self.key
                .sign(message(declaration_id, sha256).as_bytes())
                .to_bytes(),
        )
    }

    /// The public key as SPKI PEM.
    pub fn public_pem(&self) -> &str {
        &self.public_pem
    }

    /// The raw 32-byte public key, base64.
    pub fn public_raw_base64(&self) -> String {
        STANDARD.encode(self.key.verifying_key().to_bytes())
    }

    /// The public verification address of a declaration's document: the web front end's 申请书核验 page, which
    /// asks `GET /v1/public/verify/{declaration_id}?digest=` (same origin) and shows the answer to a person.
    pub fn verify_url(&self, declaration_id: &str, sha256: &str) -> String {
        format!(
            "{}/check?id={declaration_id}&digest={sha256}",
            self.public_base_url
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::DecodePublicKey;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};

    #[test]
    fn the_signature_is_deterministic_and_verifies_with_the_public_key_only() {
        let pair = crate::keys::generate_key_pair();
        let keys = DocumentKeys::from_pem(&pair.private_pem, "http://127.0.0.1:1/").unwrap();
        let sig = keys.sign("01ABC", "ab".repeat(32).as_str());
        assert_eq!(sig, keys.sign("01ABC", "ab".repeat(32).as_str()));
        let public = VerifyingKey::from_public_key_pem(keys.public_pem()).unwrap();
        let bytes: [u8; 64] = STANDARD.decode(&sig).unwrap().try_into().unwrap();
        let signature = Signature::from_bytes(&bytes);
        assert!(
            public
                .verify(message("01ABC", &"ab".repeat(32)).as_bytes(), &signature)
                .is_ok()
        );
        assert!(
            public
                .verify(message("01ABC", &"ac".repeat(32)).as_bytes(), &signature)
                .is_err()
        );
        assert_eq!(
            keys.verify_url("01ABC", "ff"),
            "http://127.0.0.1:1/check?id=01ABC&digest=ff"
        );
    }
}
