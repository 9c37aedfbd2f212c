//! The records of an enterprise and of its declarations, each key layout written once, with their loaders and
//! the writes every declaration transition makes (record, audit event, indexes, queue entries).
//!
//! Records under `pk = ENT#<uscc>`:
//! - `sk = PROFILE` — the profile (versioned, `If-Match`);
//! - `sk = DIGITAL#<ulid>` — every self-assessment (the latest counts);
//! - `sk = QUAL#<tier>` — the tier's current qualification;
//! - `sk = ACTIVE#<tier>#<year>` — the one active declaration of a tier and year: created with the draft under
//!   `Absent`, removed when the declaration is withdrawn or rejected;
//! - `sk = EVENT#<ulid>` — the enterprise's own audit events.
//!
//! Declarations:
//! - `pk = DECL#<id>, sk = DECL` — the declaration (versioned); `gsi1 = (ENT#<uscc>#DECL, <id>)` lists an
//!   enterprise's declarations, newest first (ids sort by time);
//! - `pk = DECL#<id>, sk = EVENT#<ulid>` — its audit trail (and the outbox of messages);
//! - `REG#<province>` registry entries and `QUEUE#<kind>#<level>#<region>` queue entries (see [`queue_pk`]).

use crate::domain::declaration::{Declaration, Kind, Status, Transition, TransitionError};
use crate::domain::enterprise::EnterpriseProfile;
use crate::domain::principal::{Level, Principal};
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::domain::timestamp::Timestamp;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::ports::{Cond, Item, Query, TxOp};
use crate::rules::region::RegionCode;
use crate::services::Platform;
use crate::services::common::{Versioned, require_enterprise};
use crate::services::events::Event;
use crate::services::repository::{self, Record, Tx, TxError};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;

pub fn ent_pk(uscc: &str) -> String {
    format!("ENT#{uscc}")
}

pub const PROFILE_SK: &str = "PROFILE";

pub const DIGITAL_PREFIX: &str = "DIGITAL#";

pub const QUAL_PREFIX: &str = "QUAL#";

pub async fn load_profile(
    p: &Platform,
    uscc: &str,
) -> AppResult<Option<Versioned<EnterpriseProfile>>> {
    Ok(match p.store.get(&ent_pk(uscc), PROFILE_SK).await? {
        Some(item) => Some(Versioned {
            value: item.decode()?,
            version: item.version,
        }),
        None => None,
    })
}

pub async fn qualifications(p: &Platform, uscc: &str) -> AppResult<Vec<Qualification>> {
    let page = p
        .store
        .query(Query::base(ent_pk(uscc)).begins_with(QUAL_PREFIX).limit(10))
        .await?;
    page.items
        .iter()
        .map(|i| i.decode().map_err(AppError::from))
        .collect()
}

/// The actions recording a tier's current qualification (recognition, re-review), with its event.
pub fn qualification_ops(
    uscc: &str,
    q: &Qualification,
    actor: Option<&str>,
    now: OffsetDateTime,
) -> Vec<TxOp> {
    let event = Event::new(
        "enterprise.qualification_recorded",
        &ent_pk(uscc),
        actor,
        now,
        json!({"uscc": uscc, "qualification": q}),
    );
    vec![
        TxOp::Put {
            item: Item::new(ent_pk(uscc), format!("{QUAL_PREFIX}{}", q.tier.as_str()), q),
            cond: Cond::Always,
        },
        event.tx_op(),
    ]
}

/// Record a tier's current qualification on its own (tests, data migration).
pub async fn record_qualification(
    store: &dyn crate::ports::Store,
    uscc: &str,
    q: &Qualification,
    actor: Option<&str>,
    now: OffsetDateTime,
) -> AppResult<()> {
    store
        .transact(qualification_ops(uscc, q, actor, now))
        .await?;
    Ok(())
}

/// A digital-level self-assessment as stored and shown (`POST /v1/digital-assessments` (201) ·
/// `GET /v1/digital-assessments/latest`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DigitalAssessmentRecord {
    pub id: String,
    pub assessed_at: Timestamp,
    pub result: crate::rules::digital::DigitalResult,
    /// The answers by question id.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub answers: serde_json::Map<String, Value>,
}

/// The latest self-assessment record of an enterprise.
pub async fn latest_digital_assessment(
    p: &Platform,
    uscc: &str,
) -> AppResult<Option<DigitalAssessmentRecord>> {
    let page = p
        .store
        .query(
            Query::base(ent_pk(uscc))
                .begins_with(DIGITAL_PREFIX)
                .backward()
                .limit(1),
        )
        .await?;
    match page.items.first() {
        Some(item) => Ok(Some(item.decode()?)),
        None => Ok(None),
    }
}

/// `GET /v1/digital-assessments/latest`.
pub async fn latest_digital_assessment_of(
    p: &Platform,
    caller: &Principal,
) -> AppResult<Option<DigitalAssessmentRecord>> {
    let uscc = require_enterprise(caller)?;
    latest_digital_assessment(p, uscc).await
}

pub fn digital_level_of(record: &Option<DigitalAssessmentRecord>) -> Option<u8> {
    record.as_ref().map(|r| r.result.level)
}

pub fn decl_pk(id: &str) -> String {
    format!("DECL#{id}")
}

pub const DECL_SK: &str = "DECL";

pub fn list_pk(uscc: &str) -> String {
    format!("ENT#{uscc}#DECL")
}

pub fn active_key(kind: Kind, uscc: &str, tier: Tier, year: i32) -> (String, String) {
    let sk = match kind {
        Kind::Declaration => format!("ACTIVE#{}#{year}", tier.as_str()),
        Kind::ReReview => format!("ACTIVE#re_review#{}#{year}", tier.as_str()),
    };
    (ent_pk(uscc), sk)
}

pub fn not_found() -> AppError {
    AppError::not_found("申报不存在")
}

impl Record for Declaration {
    const NOT_FOUND: &'static str = "申报不存在";

    fn key(id: &str) -> (String, String) {
        (decl_pk(id), DECL_SK.to_owned())
    }

    fn owner_uscc(&self) -> &str {
        self.uscc.as_str()
    }

    /// Officials with jurisdiction over its region once submitted; operators always.
    fn visible_to_reviewer(&self, caller: &Principal) -> bool {
        match caller {
            Principal::Official { .. } => {
                caller.has_jurisdiction_over(&self.region) && self.status != Status::Draft
            }
            Principal::Operator { .. } => true,
            _ => false,
        }
    }
}

/// Load a declaration with its version (no access check).
pub async fn load(p: &Platform, id: &str) -> AppResult<Option<Versioned<Declaration>>> {
    repository::load(p, id).await
}

/// The declaration if the caller owns it (enterprise). Everyone else: 404.
pub async fn load_owned(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<Declaration>> {
    repository::load_owned(p, caller, id).await
}

/// The declaration if the caller owns it or reviews it (an official with jurisdiction over its region, or an
/// operator). Everyone else: 404 — existence is never leaked.
pub async fn load_visible(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<Declaration>> {
    repository::load_visible(p, caller, id).await
}

/// What officials' indexes keep of a declaration (queue entries and the jurisdiction registry).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub id: String,
    /// A first declaration or a re-review (older entries without it are first declarations).
    #[serde(default)]
    pub kind: Kind,
    pub uscc: String,
    pub enterprise_name: String,
    pub tier: Tier,
    pub year: i32,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_id: Option<String>,
    #[serde(with = "crate::domain::timestamp")]
    pub waiting_since: OffsetDateTime,
    pub submissions: u32,
}

impl Summary {
    pub fn of(d: &Declaration) -> Summary {
        Summary {
            id: d.id.clone(),
            kind: d.kind,
            uscc: d.uscc.to_string(),
            enterprise_name: d.enterprise_name.clone(),
            tier: d.tier,
            year: d.year,
            region: format!("{:06}", d.region.value()),
            industry: d.industry.map(|i| i.as_str().to_owned()),
            status: d.status,
            level: d.level,
            publicity_id: d.publicity_id.clone(),
            waiting_since: d.waiting_since,
            submissions: d.submissions,
        }
    }
}

pub const REGISTRY_SK: &str = "REG";

pub const QUEUE_SK: &str = "QUEUE";

/// The registry partition of a province (`REG#33`): every declaration officials may see, by region.
pub fn registry_pk(province_prefix: u32) -> String {
    format!("REG#{province_prefix:02}")
}

/// The queue partition of a kind at a level for the part of a region that level covers: `QUEUE#declaration#
/// county#330106`, `…#city#3301`, `…#province#33`, `…#ministry#CN`.
pub fn queue_pk(kind: &str, level: Level, region: RegionCode) -> String {
    let code = format!("{:06}", region.value());
    let scope = match level {
        Level::County => code,
        Level::City => code[..4].to_owned(),
        Level::Province => code[..2].to_owned(),
        Level::Ministry => "CN".to_owned(),
    };
    format!("QUEUE#{kind}#{}#{scope}", level_name(level))
}

pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::County => "county",
        Level::City => "city",
        Level::Province => "province",
        Level::Ministry => "ministry",
    }
}

/// The level a declaration waits at: its current level while submitted or under review; the final level while in
/// publicity and not yet on a published list.
pub fn waiting_level(d: &Declaration) -> Option<Level> {
    match d.status {
        Status::Submitted | Status::UnderReview => d.level,
        Status::Publicity if d.publicity_id.is_none() && d.kind == Kind::Declaration => {
            d.chain.last().copied()
        }
        _ => None,
    }
}

/// Index maintenance for a declaration's new state: the registry entry (officials' lists and statistics, by
/// region) and the queue entry (present only while it waits at a level). Written in the same transaction as the
/// declaration, so the indexes never disagree with it.
pub fn index_ops(d: &Declaration) -> Vec<TxOp> {
    let summary = Summary::of(d);
    let mut ops = vec![TxOp::Put {
        item: Item::new(decl_pk(&d.id), REGISTRY_SK, &summary).with_gsi1(
            registry_pk(d.region.province_prefix()),
            format!("{:06}#{}", d.region.value(), d.id),
        ),
        cond: Cond::Always,
    }];
    let waiting = waiting_level(d).map(|level| (level, d.region, d.waiting_since));
    ops.push(queue_entry_op(
        &decl_pk(&d.id),
        d.kind.as_str(),
        &d.id,
        waiting,
        &summary,
    ));
    ops
}

/// The queue entry of any reviewed record (declaration, re-review, yearly update, change report), beside it
/// under `sk = QUEUE`: put while it waits at a level (`waiting` = level, region, since when), deleted otherwise.
/// `entry` is what the queue shows (its `tier`/`status` fields are what the queue filters on).
pub fn queue_entry_op<T: Serialize>(
    owner_pk: &str,
    kind: &str,
    id: &str,
    waiting: Option<(Level, RegionCode, OffsetDateTime)>,
    entry: &T,
) -> TxOp {
    match waiting {
        Some((level, region, since)) => TxOp::Put {
            item: Item::new(owner_pk.to_owned(), QUEUE_SK, entry).with_gsi1(
                queue_pk(kind, level, region),
                format!("{}#{id}", crate::domain::calendar::sortable(since)),
            ),
            cond: Cond::Always,
        },
        None => TxOp::Delete {
            pk: owner_pk.to_owned(),
            sk: QUEUE_SK.into(),
            cond: Cond::Always,
        },
    }
}

pub fn decl_item(d: &Declaration, version: u64) -> Item {
    Item::new(decl_pk(&d.id), DECL_SK, d)
        .with_gsi1(list_pk(d.uscc.as_str()), d.id.clone())
        .with_version(version)
}

/// The audit event of a transition.
pub fn transition_event(
    d: &Declaration,
    t: &Transition,
    caller: &Principal,
    now: OffsetDateTime,
) -> Event {
    Event::new(
        &format!("declaration.{}", t.action),
        &decl_pk(&d.id),
        Some(caller.account_id()),
        now,
        json!({
            "declaration_id": d.id,
            "kind": d.kind,
            "uscc": d.uscc,
            "tier": d.tier,
            "year": d.year,
            "region": format!("{:06}", d.region.value()),
            "actor_role": caller.role(),
            "actor_level": caller.level(),
            "transition": t,
        }),
    )
}

/// The declaration's new state under the version read, with its index entries (no event).
pub fn decl_item_ops(before: &Versioned<Declaration>, next: &Declaration) -> Vec<TxOp> {
    let mut ops = vec![TxOp::Put {
        item: decl_item(next, before.version + 1),
        cond: Cond::VersionIs(before.version),
    }];
    ops.extend(index_ops(next));
    ops
}

/// Save a transition: the record under its version, the audit event, and any extra actions, all or nothing.
pub async fn save_transition(
    p: &Platform,
    before: &Versioned<Declaration>,
    next: &Declaration,
    transition: &Transition,
    caller: &Principal,
    extra: Vec<TxOp>,
) -> AppResult<u64> {
    let now = next.updated_at;
    let version = before.version + 1;
    let mut tx = Tx::new();
    tx.named(
        "declaration",
        TxOp::Put {
            item: decl_item(next, version),
            cond: Cond::VersionIs(before.version),
        },
    );
    // Leaving the active set frees the tier and year for a new declaration.
    if before.value.status.is_active() && !next.status.is_active() {
        let (pk, sk) = active_key(next.kind, next.uscc.as_str(), next.tier, next.year);
        tx.extend([TxOp::Delete {
            pk,
            sk,
            cond: Cond::Always,
        }]);
    }
    // A declaration that did not wait at a level has no queue entry to delete (a draft save used to delete one).
    let was_waiting = waiting_level(&before.value).is_some();
    tx.extend(
        index_ops(next)
            .into_iter()
            .filter(|op| was_waiting || !matches!(op, TxOp::Delete { sk, .. } if sk == QUEUE_SK)),
    );
    tx.extend(extra);
    tx.extend([transition_event(next, transition, caller, now).tx_op()]);
    tx.commit(p).await.map_err(|e| match e {
        TxError::Condition("declaration") => AppError::new(
            ErrorCode::VersionConflict,
            "申报已被他人同时修改（例如主管部门已开始审核），请刷新后重试",
        ),
        other => AppError::from(other),
    })?;
    Ok(version)
}

/// Map a refused transition to its stable error.
pub fn transition_error(e: TransitionError) -> AppError {
    let code = match e {
        TransitionError::InvalidState(_) | TransitionError::WrongLevel => ErrorCode::InvalidState,
        TransitionError::WindowClosed => ErrorCode::WindowClosed,
        TransitionError::ResubmitNotAllowed => ErrorCode::ResubmitNotAllowed,
        TransitionError::NotWithdrawable => ErrorCode::NotWithdrawable,
        TransitionError::AcknowledgementRequired => ErrorCode::AcknowledgementRequired,
        TransitionError::CommentRequired => {
            return AppError::field("comment", "REQUIRED", e.to_string());
        }
        TransitionError::NoChain => ErrorCode::Internal,
    };
    AppError::new(code, e.to_string())
}
