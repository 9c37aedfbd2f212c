//! Policy rules and code systems (USCC, ID numbers, regions, industries), pure and unit-tested.
mod csv;
pub mod digital;
pub mod file_type;
pub mod id_number;
pub mod industry;
pub mod region;
pub mod sme_size;
pub mod tiers;
pub mod uscc;
