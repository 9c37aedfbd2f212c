//! The SME tiered-cultivation platform's shared crate: the domain (pure types and rules), the ports it needs
//! from the world, the adapters that implement them, and the HTTP plumbing every function uses.

pub mod adapters;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod keys;
pub mod ports;
pub mod rules;
pub mod services;
