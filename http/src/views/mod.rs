//! How records are shown over HTTP (shared by the functions that return them): typed views that derive both
//! `Serialize` and the OpenAPI schema, so what a handler writes and what the document says are one type.

pub mod accounts;
pub mod declarations;

use shared::domain::declaration::Declaration;
use shared::services::common::Versioned;

pub use declarations::DeclarationView;

/// How a declaration is shown (to its enterprise and its reviewers).
pub fn declaration_view(d: &Versioned<Declaration>) -> DeclarationView {
    DeclarationView::of(d)
}
