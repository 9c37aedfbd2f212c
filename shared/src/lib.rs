//! The SME tiered-cultivation platform's domain crate: the domain types and rules (with the code-system
//! newtypes), the ports it needs from the world (and their decorators that need no I/O crate: sealed cursors,
//! the checks every adapter applies), and the use cases written over the ports. No HTTP, AWS SDK or database
//! crate: the adapters (`sme-aws`, `sme-embedded`) and the HTTP layer (`sme-http`) are crates of their own.

pub mod clock;
pub mod domain;
pub mod error;
pub mod keys;
pub mod ports;
pub mod rules;
pub mod services;
