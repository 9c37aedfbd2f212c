//! How records are shown over HTTP (shared by the functions that return them).

use serde_json::{Value, json};

use shared::domain::declaration::Declaration;
use shared::domain::timestamp::rfc3339;
use shared::services::accounts::PhoneChange;
use shared::services::common::Versioned;

/// How a declaration is shown (to its enterprise and its reviewers).
pub fn declaration_view(d: &Versioned<Declaration>) -> Value {
    let v = &d.value;
    json!({
        "id": v.id,
        "kind": v.kind,
        "uscc": v.uscc,
        "enterprise_name": v.enterprise_name,
        "tier": v.tier,
        "tier_label": v.tier.label(),
        "year": v.year,
        "region": format!("{:06}", v.region.value()),
        "region_name": v.region.full_name(),
        "status": v.status,
        "status_label": v.status.label(),
        "level": v.level,
        "chain": v.chain,
        "withdrawable": v.is_withdrawable(),
        "resubmit_forbidden": v.resubmit_forbidden,
        "form": v.form,
        "submissions": v.submissions,
        "last_comment": v.last_comment,
        "snapshot": v.snapshot.as_ref().map(|s| json!({
            "submitted_at": rfc3339(s.submitted_at),
            "rule_version": s.rule_version,
            "sha256": s.sha256,
            "assessment": s.content.get("assessment"),
        })),
        "waiting_since": rfc3339(v.waiting_since),
        "created_at": rfc3339(v.created_at),
        "updated_at": rfc3339(v.updated_at),
        "version": d.version,
    })
}

/// How a phone change is shown to its requester and to operators.
pub fn phone_change_view(c: &PhoneChange) -> Value {
    json!({
        "id": c.id,
        "method": c.method,
        "status": c.status,
        "new_phone": shared::services::accounts::mask_phone(&c.new_phone),
        "requested_at": rfc3339(c.requested_at),
        "decided_at": c.decided_at.map(rfc3339),
        "comment": c.comment,
    })
}
