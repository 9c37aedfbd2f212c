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
/// questionnaire, the review chains). The files are compiled in, so whether they parse is decided at build time:
/// the test below runs this on every build the test suite checks, and start-up no longer pays for it (each file is
/// parsed on first use and cached). A bad file fails the tests, never a start or a request.
pub fn load_all() {
    let _ = tiers::all_rule_sets();
    let _ = digital::questionnaire();
    for tier in crate::domain::tier::Tier::ALL {
        let _ = crate::domain::declaration::configured_chain(tier);
    }
}

#[cfg(test)]
mod tests {
    /// What the entry points used to do at start-up: every rule file compiled in parses and passes its checks.
    #[test]
    fn every_rule_file_compiled_in_parses_and_checks() {
        super::load_all();
    }
}
