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

use crate::domain::calendar::{china_date, china_year};
use crate::domain::declaration::{
    Action, Declaration, Kind, Snapshot, Status, TransitionError, WithdrawMode, review_chain,
};
use crate::domain::enterprise::EnterpriseProfile;
use crate::domain::principal::Principal;
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, ErrorCode, FieldError};
use crate::ports::{Cond, Item, Query, TxOp};
use crate::rules::tiers;
use crate::rules::uscc::Uscc;
use crate::services::common::{Versioned, check_if_match, require_enterprise};
use crate::services::eligibility::{
    assess_tier, check_not_banned, check_prerequisites, check_sme, facts_for, size_of, valid_tiers,
};
use crate::services::events::{EVENT_PREFIX, Event, new_id};
use crate::services::records::{
    active_key, decl_item, decl_pk, digital_level_of, index_ops, latest_digital_assessment,
    list_pk, load_owned, load_profile, load_visible, qualifications, save_transition,
    transition_error,
};
use crate::services::{Platform, eligibility, evidence, records, windows};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

// ---- create, list, read ------------------------------------------------------------------------------------------

/// `POST /v1/declarations` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    // The profile and (for a first declaration) the qualifications, in one round.
    let qualifications_needed = async {
        match kind {
            Kind::Declaration => qualifications(p, &uscc).await.map(Some),
            Kind::ReReview => Ok(None),
        }
    };
    let (profile, quals) =
        tokio::try_join!(records::load_profile(p, &uscc), qualifications_needed)?;
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
    if let Some(quals) = &quals {
        let today = china_date(now);
        check_not_banned(quals, tier, today)?;
        check_prerequisites(quals, tier, today)?;
    }
    // The account's verified code (an operator may have accepted a pilot-area check character).
    let code = Uscc::parse_lenient(&uscc)
        .map(|(code, _)| code)
        .map_err(|_| {
            AppError::new(
                ErrorCode::NotVerified,
                "账户的统一社会信用代码无效，请重新完成法人实名认证",
            )
        })?;
    let mut declaration = Declaration::new_draft(
        new_id(now),
        code,
        name,
        caller.account_id().to_owned(),
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
        Some(caller.account_id()),
        now,
        json!({
            "declaration_id": declaration.id,
            "kind": kind,
            "uscc": uscc,
            "tier": tier,
            "year": year,
            "actor_role": caller.role(),
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
    let structural = eligibility::form_structure_errors(&before.value, &form);
    if !structural.is_empty() {
        return Err(AppError::validation(structural));
    }
    let now = p.clock.now();
    let (next, t) = before
        .value
        .apply(Action::Save { form }, now)
        .map_err(transition_error)?;
    let version = save_transition(p, &before, &next, &t, caller, Vec::new()).await?;
    let problems = eligibility::form_problems(&next);
    Ok(Saved {
        declaration: Versioned {
            value: next,
            version,
        },
        problems,
    })
}

/// 提交: checks, freezes the snapshot and moves to the first review level.
///
/// One round of reads before the transaction: the declaration, everything the checks read (keyed by the caller's
/// USCC or by the declaration's id) and the windows of the two years the declaration can be for (its id tells
/// when it was created; its year is that year or the next), all at once. Only when none of those windows is open
/// is the declaration's own window partition read before the answer (a window created a moment ago may not be
/// listed yet; see [`windows::listed_in_years`]).
pub async fn submit(
    p: &Platform,
    caller: &Principal,
    id: &str,
    if_match: Option<u64>,
) -> AppResult<Versioned<Declaration>> {
    let uscc = require_enterprise(caller)?;
    if !crate::services::events::is_valid_id(id) {
        return Err(records::not_found());
    }
    let created = created_china_year(id);
    let listed_windows = async {
        match created {
            Some(year) => windows::listed_in_years(p, year, year + 1).await,
            None => Ok(Vec::new()),
        }
    };
    let owner_pk = decl_pk(id);
    let (before, reads, listed) = tokio::try_join!(
        load_owned(p, caller, id),
        SubmissionReads::load(p, uscc, &owner_pk),
        listed_windows,
    )?;
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
    } else if listed
        .iter()
        .any(|w| windows::applies(w, d.tier, d.year, d.region) && w.is_open(now))
    {
        true
    } else {
        let windows = windows::applicable(p, d.tier, d.year, d.region).await?;
        let open = windows.iter().any(|w| w.is_open(now));
        // Returned declarations may be resubmitted after the window closed; drafts may not.
        if d.status == Status::Draft && !open {
            return Err(windows::closed_error(&windows));
        }
        open
    };
    let package = package_from(p, d, now, reads).await?;
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

/// The China year a declaration id was created in (ids are ULIDs minted at creation), if it is one.
fn created_china_year(id: &str) -> Option<i32> {
    let created = ulid::Ulid::from_string(id).ok()?.datetime();
    Some(china_year(OffsetDateTime::from(created)))
}

/// `POST /v1/declarations/{id}/withdraw` body.
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

// ---- the submission package --------------------------------------------------------------------------------------

/// What a submission freezes.
pub struct Package {
    pub rule_version: String,
    pub content: Value,
    /// The industry at submission (kept on the declaration for statistics).
    pub industry: Option<crate::rules::industry::IndustryCode>,
}

/// What the checks of a submission read: the enterprise's qualifications, profile and latest self-assessment,
/// and the declaration's current evidence files.
pub struct SubmissionReads {
    pub quals: Vec<crate::domain::qualification::Qualification>,
    pub profile: Option<Versioned<EnterpriseProfile>>,
    pub files: Vec<evidence::Evidence>,
    pub digital: Option<crate::services::records::DigitalAssessmentRecord>,
}

impl SubmissionReads {
    /// Every read, in one round of concurrent calls.
    pub async fn load(p: &Platform, uscc: &str, owner_pk: &str) -> AppResult<SubmissionReads> {
        let (quals, profile, files, digital) = tokio::try_join!(
            qualifications(p, uscc),
            load_profile(p, uscc),
            evidence::current_files(p, owner_pk),
            latest_digital_assessment(p, uscc),
        )?;
        Ok(SubmissionReads {
            quals,
            profile,
            files,
            digital,
        })
    }
}

/// Every check of a submission (issue 3 item 6, in this order: prerequisites, SME size, profile completeness,
/// form, evidence, digital level), then the content to freeze with the score computed by the same engine the
/// advisor uses.
pub async fn submission_package(
    p: &Platform,
    d: &Declaration,
    now: OffsetDateTime,
) -> AppResult<Package> {
    let reads = SubmissionReads::load(p, d.uscc.as_str(), &decl_pk(&d.id)).await?;
    package_from(p, d, now, reads).await
}

/// [`submission_package`] on reads already made.
async fn package_from(
    p: &Platform,
    d: &Declaration,
    now: OffsetDateTime,
    reads: SubmissionReads,
) -> AppResult<Package> {
    let today = china_date(now);
    let rule_set = tiers::rule_set_for(today);
    let SubmissionReads {
        quals,
        profile: stored_profile,
        files,
        digital,
    } = reads;
    if d.kind == crate::domain::declaration::Kind::Declaration {
        check_not_banned(&quals, d.tier, today)?;
        check_prerequisites(&quals, d.tier, today)?;
    }
    let profile = stored_profile
        .map(|v| v.value)
        .unwrap_or_else(|| EnterpriseProfile::new(d.enterprise_name.clone(), d.uscc.to_string()));
    let missing = profile.missing_for(d.tier, d.year);
    if !missing.is_empty() {
        let labels: Vec<String> = missing
            .iter()
            .map(|m| EnterpriseProfile::missing_label(m))
            .collect();
        let mut e = AppError::new(
            ErrorCode::ProfileIncomplete,
            format!(
                "企业基本信息尚缺 {} 项：{}，请补充后再提交",
                missing.len(),
                labels.join("、")
            ),
        )
        .with_extra("missing", json!(missing));
        e.errors = missing
            .iter()
            .zip(&labels)
            .map(|(path, label)| {
                FieldError::new(path.clone(), "REQUIRED", format!("缺少“{label}”"))
            })
            .collect();
        return Err(e);
    }
    check_sme(&profile, d.year)?;
    let form = tiers::form_for(rule_set, d.tier);
    let problems = form.validate(&d.form);
    if !problems.is_empty() {
        return Err(AppError::validation(problems));
    }
    let missing_slots: Vec<Value> = form
        .evidence
        .iter()
        .filter(|s| s.required && !files.iter().any(|f| f.slot == s.id))
        .map(|s| json!({"slot": s.id, "label": s.label}))
        .collect();
    if !missing_slots.is_empty() {
        let labels: Vec<&str> = missing_slots
            .iter()
            .filter_map(|s| s["label"].as_str())
            .collect();
        return Err(AppError::new(
            ErrorCode::EvidenceMissing,
            format!("尚缺证明材料：{}", labels.join("、")),
        )
        .with_extra("missing_slots", json!(missing_slots)));
    }
    let level = digital_level_of(&digital);
    if (d.tier == Tier::Specialized || tiers::needs_digital_level(rule_set, d.tier))
        && level.is_none()
    {
        return Err(AppError::new(
            ErrorCode::DigitalAssessmentRequired,
            "申报专精特新中小企业须先完成数字化水平自评测",
        ));
    }
    let held = valid_tiers(&quals, today);
    // A re-review is not assessed on growth (2026 小巨人) and passes the score on an earlier one of the last 2
    // years.
    let re_review = match d.kind {
        crate::domain::declaration::Kind::ReReview => Some(
            crate::services::declarations::recent_scores(p, d.uscc.as_str(), d.year - 2).await?,
        ),
        crate::domain::declaration::Kind::Declaration => None,
    };
    let facts = facts_for(&profile, d.year, level, held, today, re_review);
    let assessment = assess_tier(rule_set, d.tier, &facts);
    let view = profile.view();
    let mut profile_json = serde_json::to_value(&profile).unwrap_or_default();
    profile_json["region_name"] = json!(view.region_name);
    profile_json["industry_name"] = json!(view.industry_name);
    let size = size_of(&profile, d.year);
    profile_json["size_class"] = json!(size.as_ref().map(|s| s.class.label()));
    let evidence: Vec<Value> = files
        .iter()
        .map(|f| json!({"slot": f.slot, "file_name": f.file_name, "size": f.size, "sha256": f.sha256, "evidence_id": f.id}))
        .collect();
    let content = json!({
        "declaration_id": d.id,
        "tier": d.tier,
        "year": d.year,
        "profile": profile_json,
        "form": d.form,
        "evidence": evidence,
        "digital": digital.as_ref().map(|r| json!({"assessment_id": r.id, "level": r.result.level, "score": r.result.score})),
        "assessment": assessment,
        "assessment_summary": {
            "rule_version": rule_set.version,
            "eligible": assessment.eligible,
            "score": assessment.score,
        },
    });
    Ok(Package {
        rule_version: rule_set.version.clone(),
        content,
        industry: profile.industry,
    })
}

// ---- history ----------------------------------------------------------------------------------------------------

/// One entry of the audit trail.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
