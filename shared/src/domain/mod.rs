//! The domain: plain types and rules with no I/O.

pub mod account;
pub mod calendar;
pub mod contact;
pub mod declaration;
pub mod enterprise;
pub mod message;
pub mod money;
pub mod principal;
pub mod qualification;
pub mod tier;
pub mod timestamp;
