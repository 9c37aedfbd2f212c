//! The state every handler receives: the platform's ports and the token keys.

use std::ops::Deref;
use std::sync::Arc;

use crate::http::auth::TokenKeys;
use crate::services::Platform;

#[derive(Clone)]
pub struct AppState {
    pub platform: Arc<Platform>,
    pub tokens: Arc<TokenKeys>,
}

impl AppState {
    pub fn new(platform: Platform, tokens: TokenKeys) -> Self {
        AppState {
            platform: Arc::new(platform),
            tokens: Arc::new(tokens),
        }
    }
}

impl Deref for AppState {
    type Target = Platform;
    fn deref(&self) -> &Platform {
        &self.platform
    }
}
