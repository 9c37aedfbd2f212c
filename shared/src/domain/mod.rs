//! The domain: plain types and rules with no I/O.

pub mod account;
pub mod contact;
pub mod principal;
