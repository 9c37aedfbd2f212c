//! The state every handler receives: the platform's ports and the token keys.

use std::ops::Deref;
use std::sync::Arc;

use crate::auth::TokenKeys;
use shared::error::{AppError, AppResult};
use shared::services::Platform;
use shared::services::application::signing::DocumentKeys;

#[derive(Clone)]
pub struct AppState {
    pub platform: Arc<Platform>,
    pub tokens: Arc<TokenKeys>,
    /// The application-document key and public address (the declare function and the local runner only).
    pub documents: Option<Arc<DocumentKeys>>,
}

impl AppState {
    pub fn new(platform: Platform, tokens: TokenKeys) -> Self {
        AppState {
            platform: Arc::new(platform),
            tokens: Arc::new(tokens),
            documents: None,
        }
    }

    /// With the key that signs application documents.
    pub fn with_documents(mut self, keys: DocumentKeys) -> Self {
        self.documents = Some(Arc::new(keys));
        self
    }

    /// The document key, or a 500 when this function was deployed without one.
    pub fn document_keys(&self) -> AppResult<&DocumentKeys> {
        self.documents
            .as_deref()
            .ok_or_else(|| AppError::internal("本服务未配置申请书签名密钥"))
    }
}

impl Deref for AppState {
    type Target = Platform;
    fn deref(&self) -> &Platform {
        &self.platform
    }
}
