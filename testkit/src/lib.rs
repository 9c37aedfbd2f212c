//! Test support, used only as a dev-dependency: the conformance suites every `Store` and `Blobs` adapter must
//! pass, and the launcher of the serialized moto server the AWS adapters are tested against.

pub mod blobs_conformance;
pub mod moto;
pub mod store_conformance;
