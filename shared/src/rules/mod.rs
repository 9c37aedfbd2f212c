//! Policy rules and code systems (USCC, ID numbers, regions, industries), pure and unit-tested.
mod csv;
pub mod id_number;
pub mod industry;
pub mod region;
pub mod uscc;
