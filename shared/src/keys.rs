//! Ed25519 key pairs as PEM text: the session-token keys (generated on the local runner's first start and by
//! `sme-local keygen` for deployments) and the application-document signing key.

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey, spki::der::pem::LineEnding};

/// An Ed25519 key pair as PKCS#8 / SPKI PEM text.
pub struct KeyPairPem {
    pub private_pem: String,
    pub public_pem: String,
}

/// Generate a fresh Ed25519 key pair (local runner's first start; `sme-local keygen` for deployments).
pub fn generate_key_pair() -> KeyPairPem {
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    let key = SigningKey::from_bytes(&secret);
    let private_pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .expect("ed25519 PKCS#8 encodes")
        .to_string();
    let public_pem = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("ed25519 SPKI encodes");
    KeyPairPem {
        private_pem,
        public_pem,
    }
}
