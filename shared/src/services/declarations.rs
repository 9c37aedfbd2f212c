//! Declarations (申报): create a draft per tier and year, save it (暂存), submit it (提交), withdraw it (撤回), and
//! read its audit trail. The state machine is `domain::declaration`; this module loads, checks access, applies
//! and saves the record with its audit event in one transaction.
//!
//! Records:
//! - `pk = DECL#<id>, sk = DECL` — the declaration (versioned); `gsi1 = (ENT#<uscc>#DECL, <id>)` lists an
//!   enterprise's declarations, newest first (ids sort by time).
//! - `pk = DECL#<id>, sk = EVENT#<ulid>` — its audit trail (and the outbox of messages).
//! - `pk = ENT#<uscc>, sk = ACTIVE#<tier>#<year>` — the one active declaration of a tier and year: created with
//!   the draft under `Absent`, removed when the declaration is withdrawn or rejected.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::domain::calendar::china_year;
use crate::domain::declaration::{
    Action, Declaration, Kind, Snapshot, Status, Transition, TransitionError, WithdrawMode,
    review_chain,
};
use crate::domain::principal::{Level, Principal, Role};
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Cond, Item, Query, TxOp};
use crate::rules::region::RegionCode;
use crate::services::Platform;
use crate::services::accounts::Versioned;
use crate::services::enterprise;
use crate::services::events::{EVENT_PREFIX, Event, new_id};
use crate::services::windows;

pub fn decl_pk(id: &str) -> String {
    format!("DECL#{id}")
}

pub const DECL_SK: &str = "DECL";

fn list_pk(uscc: &str) -> String {
    format!("ENT#{uscc}#DECL")
}

fn active_key(kind: Kind, uscc: &str, tier: Tier, year: i32) -> (String, String) {
    let sk = match kind {
        Kind::Declaration => format!("ACTIVE#{}#{year}", tier.as_str()),
        Kind::ReReview => format!("ACTIVE#re_review#{}#{year}", tier.as_str()),
    };
    (enterprise::ent_pk(uscc), sk)
}

/// The verified USCC of an enterprise caller, or the right refusal for other roles.
pub fn require_enterprise(caller: &Principal) -> AppResult<&str> {
    match (caller.role, caller.uscc.as_deref()) {
        (Role::Enterprise, Some(uscc)) => Ok(uscc),
        (Role::NaturalPerson, _) => Err(AppError::new(
            ErrorCode::NaturalPersonNotAllowed,
            "自然人账户不能申报，请使用完成法人实名认证的企业账户",
        )),
        (Role::Unverified, _) => Err(AppError::new(
            ErrorCode::NotVerified,
            "请先完成法人实名认证（统一社会信用代码、企业名称、法定代表人）",
        )),
        _ => Err(AppError::forbidden("仅企业账户可以执行此操作")),
    }
}

fn not_found() -> AppError {
    AppError::not_found("申报不存在")
}

/// Load a declaration with its version (no access check).
pub async fn load(p: &Platform, id: &str) -> AppResult<Option<Versioned<Declaration>>> {
    if !crate::services::events::is_valid_id(id) {
        return Ok(None);
    }
    Ok(match p.store.get(&decl_pk(id), DECL_SK).await? {
        Some(item) => Some(Versioned {
            value: item.decode()?,
            version: item.version,
        }),
        None => None,
    })
}

/// The declaration if the caller owns it (enterprise). Everyone else: 404.
pub async fn load_owned(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<Declaration>> {
    let uscc = require_enterprise(caller)?;
    match load(p, id).await? {
        Some(d) if d.value.uscc == uscc => Ok(d),
        _ => Err(not_found()),
    }
}

/// The declaration if the caller owns it or reviews it (an official with jurisdiction over its region, or an
/// operator). Everyone else: 404 — existence is never leaked.
pub async fn load_visible(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<Declaration>> {
    let found = load(p, id).await?.ok_or_else(not_found)?;
    let d = &found.value;
    let visible = match caller.role {
        Role::Enterprise => caller.uscc.as_deref() == Some(d.uscc.as_str()),
        Role::Official => caller.has_jurisdiction_over(&d.region) && d.status != Status::Draft,
        Role::Operator => true,
        _ => false,
    };
    if visible { Ok(found) } else { Err(not_found()) }
}

/// What officials' indexes keep of a declaration (queue entries and the jurisdiction registry).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
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
            uscc: d.uscc.clone(),
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

fn decl_item(d: &Declaration, version: u64) -> Item {
    Item::new(decl_pk(&d.id), DECL_SK, d)
        .with_gsi1(list_pk(&d.uscc), d.id.clone())
        .with_version(version)
}

/// The audit event of a transition.
fn transition_event(
    d: &Declaration,
    t: &Transition,
    caller: &Principal,
    now: OffsetDateTime,
) -> Event {
    Event::new(
        &format!("declaration.{}", t.action),
        &decl_pk(&d.id),
        Some(&caller.account_id),
        now,
        json!({
            "declaration_id": d.id,
            "kind": d.kind,
            "uscc": d.uscc,
            "tier": d.tier,
            "year": d.year,
            "region": format!("{:06}", d.region.value()),
            "actor_role": caller.role,
            "actor_level": caller.level,
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
    mut extra: Vec<TxOp>,
) -> AppResult<u64> {
    let now = next.updated_at;
    let version = before.version + 1;
    let mut ops = vec![TxOp::Put {
        item: decl_item(next, version),
        cond: Cond::VersionIs(before.version),
    }];
    // Leaving the active set frees the tier and year for a new declaration.
    if before.value.status.is_active() && !next.status.is_active() {
        let (pk, sk) = active_key(next.kind, &next.uscc, next.tier, next.year);
        ops.push(TxOp::Delete {
            pk,
            sk,
            cond: Cond::Always,
        });
    }
    // A declaration that did not wait at a level has no queue entry to delete (a draft save used to delete one).
    let was_waiting = waiting_level(&before.value).is_some();
    ops.extend(
        index_ops(next)
            .into_iter()
            .filter(|op| was_waiting || !matches!(op, TxOp::Delete { sk, .. } if sk == QUEUE_SK)),
    );
    ops.append(&mut extra);
    ops.push(transition_event(next, transition, caller, now).tx_op());
    p.store.transact(ops).await.map_err(|e| match e {
        crate::ports::StoreError::ConditionFailed { index: 0 } => AppError::new(
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

/// Check `If-Match` against the version read.
pub fn check_if_match(if_match: Option<u64>, version: u64) -> AppResult<()> {
    match if_match {
        Some(expected) if expected != version => Err(AppError::new(
            ErrorCode::VersionConflict,
            format!("数据已被修改（当前版本 {version}），请刷新后重试"),
        )
        .with_extra("current_version", json!(version))),
        _ => Ok(()),
    }
}

// ---- create, list, read ------------------------------------------------------------------------------------------

/// `POST /v1/declarations` body.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct NewDeclaration {
    /// `innovative`, `specialized` or `little_giant`.
    pub tier: String,
    /// Defaults to the current year (China time).
    pub year: Option<i32>,
}

/// Create a draft.
pub async fn create(
    p: &Platform,
    caller: &Principal,
    req: &NewDeclaration,
) -> AppResult<Versioned<Declaration>> {
    create_of_kind(p, caller, req, Kind::Declaration).await
}

/// Create a draft declaration or re-review (the re-review's own checks are made by its module first).
pub async fn create_of_kind(
    p: &Platform,
    caller: &Principal,
    req: &NewDeclaration,
    kind: Kind,
) -> AppResult<Versioned<Declaration>> {
    let uscc = require_enterprise(caller)?.to_owned();
    let now = p.clock.now();
    let tier = Tier::parse(&req.tier).ok_or_else(|| {
        AppError::field(
            "tier",
            "INVALID_TIER",
            "tier 须为 innovative（创新型）、specialized（专精特新）或 little_giant（小巨人）",
        )
    })?;
    let current = china_year(now);
    let year = req.year.unwrap_or(current);
    if year != current && year != current + 1 {
        return Err(AppError::field(
            "year",
            "INVALID_YEAR",
            format!("申报年度须为 {current} 或 {}", current + 1),
        ));
    }
    let profile = enterprise::load_profile(p, &uscc).await?;
    let industry = profile.as_ref().and_then(|v| v.value.industry);
    let (name, region) = match profile
        .as_ref()
        .and_then(|v| v.value.region.map(|r| (v.value.name.clone(), r)))
    {
        Some(found) => found,
        None => {
            return Err(AppError::new(
                ErrorCode::ProfileIncomplete,
                "请先在企业基本信息中填写注册地（县级行政区划），再创建申报",
            )
            .with_extra("missing", json!(["region"])));
        }
    };
    if kind == Kind::Declaration {
        enterprise::check_may_declare(p, &uscc, tier, now).await?;
    }
    let mut declaration = Declaration::new_draft(
        new_id(now),
        uscc.clone(),
        name,
        caller.account_id.clone(),
        tier,
        year,
        region,
        now,
    );
    declaration.industry = industry;
    declaration.kind = kind;
    let (lock_pk, lock_sk) = active_key(kind, &uscc, tier, year);
    let lock = Item::new(lock_pk, lock_sk, &json!({"declaration_id": declaration.id}));
    let event = Event::new(
        "declaration.created",
        &decl_pk(&declaration.id),
        Some(&caller.account_id),
        now,
        json!({
            "declaration_id": declaration.id,
            "kind": kind,
            "uscc": uscc,
            "tier": tier,
            "year": year,
            "actor_role": caller.role,
            "transition": {"action": "create", "from": null, "to": "draft"},
        }),
    );
    let result = p
        .store
        .transact(vec![
            TxOp::Put {
                item: lock,
                cond: Cond::Absent,
            },
            TxOp::Put {
                item: decl_item(&declaration, 1),
                cond: Cond::Absent,
            },
            index_ops(&declaration).remove(0),
            event.tx_op(),
        ])
        .await;
    match result {
        Ok(()) => Ok(Versioned {
            value: declaration,
            version: 1,
        }),
        Err(crate::ports::StoreError::ConditionFailed { index: 0 }) => Err(AppError::new(
            ErrorCode::DuplicateDeclaration,
            format!(
                "{year} 年度已有一份{}申报（未撤回），请在原申报上继续",
                tier.label()
            ),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The enterprise's declarations, newest first.
pub async fn list(
    p: &Platform,
    caller: &Principal,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<(Vec<Versioned<Declaration>>, Option<String>)> {
    let uscc = require_enterprise(caller)?;
    let page = p
        .store
        .query(
            Query::gsi1(list_pk(uscc))
                .backward()
                .limit(limit)
                .after(cursor),
        )
        .await?;
    let items = page
        .items
        .iter()
        .map(|i| {
            Ok(Versioned {
                value: i.decode()?,
                version: i.version,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok((items, page.next_cursor))
}

/// The scores the platform computed for the enterprise's submitted declarations and re-reviews (tier, China year
/// of the submission, score) from `since_year` on: what a re-review's "either of the last 2 years" reads.
pub async fn recent_scores(
    p: &Platform,
    uscc: &str,
    since_year: i32,
) -> AppResult<Vec<(Tier, i32, u32)>> {
    let mut out = Vec::new();
    for item in crate::ports::query_all(p.store.as_ref(), Query::gsi1(list_pk(uscc))).await? {
        let d: Declaration = item.decode()?;
        let Some(s) = &d.snapshot else { continue };
        let year = crate::domain::calendar::china_year(s.submitted_at);
        let score = s.content["assessment"]["score"]
            .as_u64()
            .and_then(|v| u32::try_from(v).ok());
        if let Some(score) = score
            && year >= since_year
        {
            out.push((d.tier, year, score));
        }
    }
    Ok(out)
}

// ---- save, submit, withdraw --------------------------------------------------------------------------------------

/// The outcome of a save: the record, and what the form still lacks (listed, not blocking).
pub struct Saved {
    pub declaration: Versioned<Declaration>,
    pub problems: Vec<FieldError>,
}

/// 暂存: save the form of a draft or returned declaration.
pub async fn save(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
    form: Map<String, Value>,
) -> AppResult<Saved> {
    let before = load_owned(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
    let structural = enterprise::form_structure_errors(&before.value, &form);
    if !structural.is_empty() {
        return Err(AppError::validation(structural));
    }
    let now = p.clock.now();
    let (next, t) = before
        .value
        .apply(Action::Save { form }, now)
        .map_err(transition_error)?;
    let version = save_transition(p, &before, &next, &t, caller, Vec::new()).await?;
    let problems = enterprise::form_problems(&next);
    Ok(Saved {
        declaration: Versioned {
            value: next,
            version,
        },
        problems,
    })
}

/// 提交: checks, freezes the snapshot and moves to the first review level.
pub async fn submit(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
) -> AppResult<Versioned<Declaration>> {
    let before = load_owned(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
    let d = &before.value;
    let now = p.clock.now();
    if d.resubmit_forbidden {
        return Err(transition_error(TransitionError::ResubmitNotAllowed));
    }
    if !d.status.is_editable() {
        return Err(transition_error(TransitionError::InvalidState(
            d.status.label(),
        )));
    }
    let window_open = if d.kind == Kind::ReReview {
        // Re-reviews are gated by the eligibility flag, not by declaration windows.
        true
    } else if d.status == Status::Draft {
        let windows = windows::applicable(p, d.tier, d.year, d.region).await?;
        if !windows.iter().any(|w| w.is_open(now)) {
            return Err(windows::closed_error(&windows));
        }
        true
    } else {
        // Returned declarations may be resubmitted after the window closed.
        windows::is_open(p, d.tier, d.year, d.region, now).await?
    };
    let package = enterprise::submission_package(p, d, now).await?;
    let industry = package.industry;
    let snapshot = Snapshot::freeze(now, &package.rule_version, package.content);
    let (mut next, t) = d
        .apply(
            Action::Submit {
                chain: review_chain(d.tier, d.region),
                window_open,
                snapshot: Box::new(snapshot),
            },
            now,
        )
        .map_err(transition_error)?;
    next.industry = industry;
    let version = save_transition(p, &before, &next, &t, caller, Vec::new()).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

/// `POST /v1/declarations/{id}/withdraw` body.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct WithdrawRequest {
    pub mode: WithdrawMode,
    /// Required after the window closed: the declaration can then never be submitted again.
    #[serde(default)]
    pub acknowledge_no_resubmit: bool,
}

/// 撤回 / 撤回修改.
pub async fn withdraw(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
    req: &WithdrawRequest,
) -> AppResult<Versioned<Declaration>> {
    let before = load_owned(p, caller, id).await?;
    check_if_match(if_match, before.version)?;
    let d = &before.value;
    let now = p.clock.now();
    let window_open =
        d.kind == Kind::ReReview || windows::is_open(p, d.tier, d.year, d.region, now).await?;
    let (next, t) = d
        .apply(
            Action::Withdraw {
                mode: req.mode,
                window_open,
                acknowledge_no_resubmit: req.acknowledge_no_resubmit,
            },
            now,
        )
        .map_err(|e| match e {
            TransitionError::AcknowledgementRequired => transition_error(e)
                .with_extra("acknowledge_field", json!("acknowledge_no_resubmit")),
            other => transition_error(other),
        })?;
    let version = save_transition(p, &before, &next, &t, caller, Vec::new()).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

// ---- history ----------------------------------------------------------------------------------------------------

/// One entry of the audit trail.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub id: String,
    #[serde(with = "crate::domain::timestamp")]
    pub at: OffsetDateTime,
    pub action: String,
    pub actor_account_id: Option<String>,
    pub actor_role: Option<String>,
    pub actor_level: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub level: Option<String>,
    pub comment: Option<String>,
}

/// The audit trail, oldest first.
pub async fn history(
    p: &Platform,
    caller: &Principal,
    id: &str,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<(Vec<HistoryEntry>, Option<String>)> {
    let d = load_visible(p, caller, id).await?;
    let page = p
        .store
        .query(
            Query::base(decl_pk(&d.value.id))
                .begins_with(EVENT_PREFIX)
                .limit(limit)
                .after(cursor),
        )
        .await?;
    let mut out = Vec::new();
    for item in &page.items {
        let e: Event = item.decode()?;
        let t = &e.data["transition"];
        let s = |v: &Value| v.as_str().map(str::to_owned);
        out.push(HistoryEntry {
            id: e.id.clone(),
            at: e.at,
            action: s(&t["action"]).unwrap_or_else(|| e.kind.clone()),
            actor_account_id: e.actor.clone(),
            actor_role: s(&e.data["actor_role"]),
            actor_level: s(&e.data["actor_level"]),
            from: s(&t["from"]),
            to: s(&t["to"]),
            level: s(&t["level"]),
            comment: s(&t["comment"]),
        });
    }
    Ok((out, page.next_cursor))
}
