//! The sme-local test suite in one binary (one link instead of nineteen): HTTP scenarios through the router served
//! on a real socket, end-to-end walks of the `sme-local` binary, races, the access-control matrix and the
//! hardening checks. Each module is one subject; `support` holds the client, the runner and the fixtures.

mod support;

mod advice_and_submission;
mod application_document;
mod authz_matrix;
mod dispatcher_health;
mod e2e_accounts;
mod e2e_declarations;
mod e2e_messages;
mod e2e_reminders;
mod e2e_slow_clients;
mod evidence_content;
mod hardening;
mod queue_volume;
mod races;
mod recovery_claims;
mod region_names;
mod round_trips;
mod scenarios_after;
mod scenarios_declarations;
mod scenarios_fidelity;
mod scenarios_review;
mod submission_windows;
mod typed_views;
mod web_serving;
mod windows_change;
