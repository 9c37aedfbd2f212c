//! Publicity (公示) and recognition (认定): the final level of a tier's chain publishes the declarations that
//! passed it on a list for N days (default 7); during the period an official may pull one out on objection
//! (→ rejected, with the reason); closing the list after its end recognises the rest, each gaining the
//! qualification {tier, valid_from = the closing day (China), valid_until = three years later less a day}.
//!
//! Records: `pk = PUBLICITY#<id>, sk = LIST` with `gsi1 = (PUBLICITY#<tier>, <starts_at>#<id>)` for the public
//! list of recognised enterprises per tier and batch.
//!
//! Each declaration moves in its own transaction (with its index entries, its qualification and its audit
//! event); the list record says which declarations it holds, so a close interrupted half-way can simply be run
//! again: it recognises the ones still in publicity on this list.

use crate::domain::calendar::china_date;
use crate::domain::declaration::{Action, Declaration, Status, final_level};
use crate::domain::principal::{Level, Principal};
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::domain::timestamp::{Timestamp, rfc3339};
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Cond, Item, Query, TxOp, query_all};
use crate::services::common::Versioned;
use crate::services::events::{Event, new_id};
use crate::services::records::{Summary, decl_item_ops, qualification_ops, transition_error};
use crate::services::review::scope_of;
use crate::services::{Platform, records};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};

/// Default length of a publicity period (days; RULES.md §1.8: local practice 3–7 days, national UNCONFIRMED).
pub const DEFAULT_DAYS: i64 = 7;
/// Most declarations on one list.
pub const MAX_LIST: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListStatus {
    Open,
    Closed,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublicityList {
    pub id: String,
    pub tier: Tier,
    pub level: Level,
    /// The publisher's scope (`33` for Zhejiang, `CN` for the ministry).
    pub scope: String,
    pub title: String,
    #[serde(with = "crate::domain::timestamp")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub ends_at: OffsetDateTime,
    pub days: i64,
    pub entries: Vec<Summary>,
    pub status: ListStatus,
    pub created_by: String,
    #[serde(default, with = "crate::domain::timestamp::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// After closing: the ids recognised, and those pulled out on objection.
    #[serde(default)]
    pub recognized: Vec<String>,
    #[serde(default)]
    pub objected: Vec<String>,
}

/// `POST /v1/admin/publicity` body.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct NewPublicity {
    pub tier: String,
    /// Days of publicity (1–30, default 7).
    pub days: Option<i64>,
    /// Which passed declarations to publish; all that wait for publicity in the caller's scope when omitted.
    pub declaration_ids: Option<Vec<String>>,
    pub title: Option<String>,
}

/// `POST /v1/admin/publicity/{id}/objection` body.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
pub struct Objection {
    pub declaration_id: String,
    pub reason: String,
}

fn list_pk(id: &str) -> String {
    format!("PUBLICITY#{id}")
}

const LIST_SK: &str = "LIST";

async fn load_list(p: &Platform, id: &str) -> AppResult<Versioned<PublicityList>> {
    if !crate::services::events::is_valid_id(id) {
        return Err(AppError::not_found("公示不存在"));
    }
    match p.store.get(&list_pk(id), LIST_SK).await? {
        Some(item) => Ok(Versioned {
            value: item.decode()?,
            version: item.version,
        }),
        None => Err(AppError::not_found("公示不存在")),
    }
}

/// The list if the caller published it or shares its scope and level (404 otherwise).
async fn load_own_list(
    p: &Platform,
    caller: &Principal,
    id: &str,
) -> AppResult<Versioned<PublicityList>> {
    let (level, scope) = scope_of(caller)?;
    let list = load_list(p, id).await?;
    if list.value.level != level || list.value.scope != scope {
        return Err(AppError::not_found("公示不存在"));
    }
    Ok(list)
}

/// A list the caller may see (its publisher's level and scope).
pub async fn get(p: &Platform, caller: &Principal, id: &str) -> AppResult<PublicityList> {
    Ok(load_own_list(p, caller, id).await?.value)
}

/// Publish a list.
pub async fn publish(
    p: &Platform,
    caller: &Principal,
    req: &NewPublicity,
) -> AppResult<PublicityList> {
    let (level, scope) = scope_of(caller)?;
    let tier = Tier::parse(&req.tier).ok_or_else(|| {
        AppError::field(
            "tier",
            "INVALID_TIER",
            "tier 须为 innovative、specialized 或 little_giant",
        )
    })?;
    if level != final_level(tier) {
        return Err(AppError::forbidden(match tier {
            Tier::LittleGiant => "“小巨人”由工业和信息化部公示",
            _ => "创新型、专精特新由省级主管部门公示",
        }));
    }
    let days = req.days.unwrap_or(DEFAULT_DAYS);
    if !(1..=30).contains(&days) {
        return Err(AppError::field(
            "days",
            "OUT_OF_RANGE",
            "公示天数须为 1–30 天",
        ));
    }
    // Everything that waits for publicity in the caller's scope.
    let pk = format!("QUEUE#declaration#{}#{scope}", records::level_name(level));
    let mut waiting = Vec::new();
    for item in query_all(p.store.as_ref(), Query::gsi1(pk)).await? {
        let s: Summary = item.decode()?;
        if s.status == Status::Publicity && s.tier == tier && s.publicity_id.is_none() {
            waiting.push(s);
        }
    }
    let chosen: Vec<Summary> = match &req.declaration_ids {
        None => waiting,
        Some(ids) => {
            let mut errors = Vec::new();
            let mut chosen = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                match waiting.iter().find(|s| &s.id == id) {
                    Some(s) => chosen.push(s.clone()),
                    None => errors.push(FieldError::new(
                        format!("declaration_ids[{i}]"),
                        "NOT_AWAITING_PUBLICITY",
                        "该申报不在本级待公示名单中",
                    )),
                }
            }
            if !errors.is_empty() {
                return Err(AppError::validation(errors));
            }
            chosen
        }
    };
    if chosen.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidState, "没有待公示的申报"));
    }
    if chosen.len() > MAX_LIST {
        return Err(AppError::field(
            "declaration_ids",
            "TOO_MANY",
            format!("一次最多公示 {MAX_LIST} 家，请分批公示"),
        ));
    }
    let now = p.clock.now();
    let id = new_id(now);
    let list = PublicityList {
        id: id.clone(),
        tier,
        level,
        scope,
        title: req
            .title
            .clone()
            .map(|t| t.trim().chars().take(100).collect())
            .filter(|t: &String| !t.is_empty())
            .unwrap_or_else(|| format!("{}拟认定名单公示", tier.label())),
        starts_at: now,
        ends_at: now + Duration::days(days),
        days,
        entries: chosen.clone(),
        status: ListStatus::Open,
        created_by: caller.account_id.clone(),
        closed_at: None,
        recognized: Vec::new(),
        objected: Vec::new(),
    };
    let event = Event::new(
        "publicity.published",
        &list_pk(&id),
        Some(&caller.account_id),
        now,
        json!({"publicity_id": id, "tier": tier, "count": chosen.len(), "ends_at": rfc3339(list.ends_at)}),
    );
    p.store
        .transact(vec![
            TxOp::Put {
                item: list_item(&list, 1),
                cond: Cond::Absent,
            },
            event.tx_op(),
        ])
        .await?;
    for s in &chosen {
        mark_listed(p, caller, &s.id, &id, now).await?;
    }
    Ok(list)
}

fn list_item(list: &PublicityList, version: u64) -> Item {
    Item::new(list_pk(&list.id), LIST_SK, list)
        .with_gsi1(
            format!("PUBLICITY#{}", list.tier.as_str()),
            format!(
                "{}#{}",
                crate::domain::calendar::sortable(list.starts_at),
                list.id
            ),
        )
        .with_version(version)
}

/// Put a declaration on a list (it leaves the publicity queue).
async fn mark_listed(
    p: &Platform,
    caller: &Principal,
    id: &str,
    list_id: &str,
    now: OffsetDateTime,
) -> AppResult<()> {
    let before = records::load(p, id)
        .await?
        .ok_or_else(|| AppError::not_found("申报不存在"))?;
    if before.value.status != Status::Publicity || before.value.publicity_id.is_some() {
        return Ok(());
    }
    let mut next = before.value.clone();
    next.publicity_id = Some(list_id.to_owned());
    next.updated_at = now;
    let mut ops = decl_item_ops(&before, &next);
    ops.push(
        Event::new(
            "declaration.publicity_listed",
            &records::decl_pk(id),
            Some(&caller.account_id),
            now,
            json!({"declaration_id": id, "publicity_id": list_id, "uscc": next.uscc, "tier": next.tier,
                   "actor_role": caller.role, "actor_level": caller.level}),
        )
        .tx_op(),
    );
    p.store.transact(ops).await?;
    Ok(())
}

/// Pull a declaration out on objection during the period (→ rejected).
pub async fn object(
    p: &Platform,
    caller: &Principal,
    list_id: &str,
    req: &Objection,
) -> AppResult<Versioned<Declaration>> {
    let list = load_own_list(p, caller, list_id).await?;
    let now = p.clock.now();
    if list.value.status != ListStatus::Open || now >= list.value.ends_at {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            "公示期已结束，不能再提出异议",
        ));
    }
    if req.reason.trim().is_empty() {
        return Err(AppError::field("reason", "REQUIRED", "请填写异议理由"));
    }
    let before = records::load(p, &req.declaration_id)
        .await?
        .filter(|d| d.value.publicity_id.as_deref() == Some(list_id))
        .ok_or_else(|| AppError::not_found("该申报不在本公示名单中"))?;
    let (next, t) = before
        .value
        .apply(
            Action::Object {
                reason: req.reason.clone(),
            },
            now,
        )
        .map_err(transition_error)?;
    // The list shows the objection and its effect at once: the entry is rejected and named in `objected`, in the
    // same transaction as the declaration (a close running meanwhile makes one of the two fail, never both apply).
    let mut shown = list.value.clone();
    if !shown.objected.contains(&next.id) {
        shown.objected.push(next.id.clone());
    }
    if let Some(entry) = shown.entries.iter_mut().find(|e| e.id == next.id) {
        *entry = Summary::of(&next);
    }
    let extra = vec![TxOp::Put {
        item: list_item(&shown, list.version + 1),
        cond: Cond::VersionIs(list.version),
    }];
    let version = records::save_transition(p, &before, &next, &t, caller, extra).await?;
    Ok(Versioned {
        value: next,
        version,
    })
}

/// Close a list after its end: recognise every declaration still in publicity on it.
pub async fn close(p: &Platform, caller: &Principal, list_id: &str) -> AppResult<PublicityList> {
    let list = load_own_list(p, caller, list_id).await?;
    let now = p.clock.now();
    if now < list.value.ends_at {
        return Err(AppError::new(
            ErrorCode::InvalidState,
            format!(
                "公示期至 {} 结束，结束后方可办结",
                crate::domain::calendar::in_china(list.value.ends_at)
                    .format(time::macros::format_description!(
                        "[year]-[month]-[day] [hour]:[minute]"
                    ))
                    .unwrap_or_default()
            ),
        ));
    }
    let valid_from = china_date(now);
    let mut recognized = list.value.recognized.clone();
    let mut objected = list.value.objected.clone();
    for entry in &list.value.entries {
        let Some(before) = records::load(p, &entry.id).await? else {
            continue;
        };
        if before.value.publicity_id.as_deref() != Some(list_id) {
            continue;
        }
        match before.value.status {
            Status::Publicity => {
                let (next, t) = before
                    .value
                    .apply(Action::Recognize, now)
                    .map_err(transition_error)?;
                let q = Qualification::new(next.tier, valid_from, next.id.clone());
                let extra = qualification_ops(&next.uscc, &q, Some(&caller.account_id), now);
                records::save_transition(p, &before, &next, &t, caller, extra).await?;
                recognized.push(next.id.clone());
            }
            Status::Recognized if !recognized.contains(&entry.id) => {
                recognized.push(entry.id.clone())
            }
            Status::Rejected if !objected.contains(&entry.id) => objected.push(entry.id.clone()),
            _ => {}
        }
    }
    let mut closed = list.value.clone();
    closed.status = ListStatus::Closed;
    closed.closed_at = Some(now);
    closed.recognized = recognized;
    closed.objected = objected;
    let event = Event::new(
        "publicity.closed",
        &list_pk(list_id),
        Some(&caller.account_id),
        now,
        json!({"publicity_id": list_id, "recognized": closed.recognized, "objected": closed.objected}),
    );
    p.store
        .transact(vec![
            TxOp::Put {
                item: list_item(&closed, list.version + 1),
                cond: Cond::VersionIs(list.version),
            },
            event.tx_op(),
        ])
        .await?;
    Ok(closed)
}

/// The public list of recognised enterprises, by batch (closed lists, newest first): of one tier, or of every
/// tier when none is given (then the cursor is the last batch's id).
pub async fn recognized_batches(
    p: &Platform,
    tier: Option<Tier>,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<(Vec<RecognitionBatch>, Option<String>)> {
    let Some(tier) = tier else {
        let mut lists = Vec::new();
        for tier in Tier::ALL {
            let query = Query::gsi1(format!("PUBLICITY#{}", tier.as_str()));
            for item in query_all(p.store.as_ref(), query).await? {
                let list: PublicityList = item.decode()?;
                if list.status == ListStatus::Closed {
                    lists.push(list);
                }
            }
        }
        lists.sort_by(|a, b| (b.closed_at, &b.id).cmp(&(a.closed_at, &a.id)));
        let start =
            match cursor {
                None => 0,
                Some(c) => {
                    lists.iter().position(|l| l.id == c).ok_or_else(|| {
                        AppError::field("cursor", "INVALID_CURSOR", "分页游标无效")
                    })? + 1
                }
            };
        let rest = lists.len().saturating_sub(start);
        let page: Vec<&PublicityList> = lists.iter().skip(start).take(limit as usize).collect();
        let next = (rest > limit as usize)
            .then(|| page.last().map(|l| l.id.clone()))
            .flatten();
        return Ok((page.into_iter().map(batch_view).collect(), next));
    };
    let page = p
        .store
        .query(
            Query::gsi1(format!("PUBLICITY#{}", tier.as_str()))
                .backward()
                .limit(limit)
                .after(cursor),
        )
        .await?;
    let mut out = Vec::new();
    for item in &page.items {
        let list: PublicityList = item.decode()?;
        if list.status != ListStatus::Closed {
            continue;
        }
        out.push(batch_view(&list));
    }
    Ok((out, page.next_cursor))
}

/// An enterprise on the public list of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecognizedEnterprise {
    pub enterprise_name: String,
    pub uscc: String,
    pub region: String,
}

/// One closed publicity list: the enterprises it recognised (`GET /v1/public/recognitions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecognitionBatch {
    pub batch: String,
    pub title: String,
    pub tier: Tier,
    pub closed_at: Option<Timestamp>,
    /// China date the recognition took effect.
    pub valid_from: Option<String>,
    pub enterprises: Vec<RecognizedEnterprise>,
}

/// One recognised batch as the public sees it.
fn batch_view(list: &PublicityList) -> RecognitionBatch {
    RecognitionBatch {
        batch: list.id.clone(),
        title: list.title.clone(),
        tier: list.tier,
        closed_at: list.closed_at.map(Timestamp),
        valid_from: list.closed_at.map(|t| china_date(t).to_string()),
        enterprises: list
            .entries
            .iter()
            .filter(|e| list.recognized.contains(&e.id))
            .map(|e| RecognizedEnterprise {
                enterprise_name: e.enterprise_name.clone(),
                uscc: e.uscc.clone(),
                region: e.region.clone(),
            })
            .collect(),
    }
}
