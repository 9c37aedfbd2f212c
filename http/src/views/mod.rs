//! How records are shown over HTTP (shared by the functions that return them): typed views that derive both
//! `Serialize` and the OpenAPI schema, so what a handler writes and what the document says are one type.

pub mod accounts;
pub mod declarations;

pub use declarations::DeclarationView;
