//! Policy rules and code systems (USCC, ID numbers, regions, industries), pure and unit-tested.
pub(crate) mod csv;
pub mod digital;
#[cfg(feature = "file-checks")]
pub mod file_content;
pub mod file_type;
pub mod id_number;
pub mod industry;
pub mod region;
pub mod sme_size;
pub mod tiers;
pub mod uscc;

/// Parse and check every rule file compiled into the binary (tier standards and forms, the digital
/// questionnaire, the review chains) now, so a bad file stops the process at start-up instead of failing the first
/// request that reads it. Called by the Lambda entry points and the local runner.
pub fn load_all() {
    let _ = tiers::all_rule_sets();
    let _ = digital::questionnaire();
    for tier in crate::domain::tier::Tier::ALL {
        let _ = crate::domain::declaration::configured_chain(tier);
    }
}
