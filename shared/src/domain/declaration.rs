//! A declaration (申报) of one tier by one enterprise for one year, and the one state machine every actor goes
//! through. API.md "Statuses":
//!
//! ```text
//! draft ──submit──▶ submitted (未审核, at a level) ──start──▶ under_review (审核中, at a level)
//!   ▲                 │  │                                      │ pass (not last level) ──▶ submitted at the next level
//!   │  withdraw:modify│  │ withdraw:cancel ──▶ withdrawn         │ pass (last level) ──▶ publicity ──close──▶ recognized
//!   └─────────────────┘                                         │ return ──▶ returned ──submit──▶ submitted (first level)
//!                                                               │ reject ──▶ rejected        publicity ──objection──▶ rejected
//! ```
//!
//! `withdrawn`, `rejected` and `recognized` are terminal. The enterprise may withdraw only while the declaration is
//! `submitted` and no official has started on it in this round ([`Declaration::review_started`]).
//!
//! Everything here is pure: the services load a declaration, ask [`Declaration::apply`] for the next one, and save
//! both the record and the [`Transition`] (the audit-trail entry) in one transaction.

use crate::rules::uscc::Uscc;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::domain::principal::Level;
use crate::domain::tier::Tier;
use crate::rules::region::RegionCode;

/// Where a declaration is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 草稿 / 暂存.
    Draft,
    /// 未审核: waiting at a level for an official to start.
    Submitted,
    /// 审核中 at a level.
    UnderReview,
    /// 公示中.
    Publicity,
    /// 已认定.
    Recognized,
    /// 退回: editable again, resubmittable even after the window closed.
    Returned,
    /// 不通过 (final).
    Rejected,
    /// 撤回 (final).
    Withdrawn,
    /// 已通过 (final): a re-review accepted at its last level (re-reviews have no publicity).
    Accepted,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Draft,
        Status::Submitted,
        Status::UnderReview,
        Status::Publicity,
        Status::Recognized,
        Status::Returned,
        Status::Rejected,
        Status::Withdrawn,
        Status::Accepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::UnderReview => "under_review",
            Status::Publicity => "publicity",
            Status::Recognized => "recognized",
            Status::Returned => "returned",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
            Status::Accepted => "accepted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::Submitted => "未审核",
            Status::UnderReview => "审核中",
            Status::Publicity => "公示中",
            Status::Recognized => "已认定",
            Status::Returned => "退回",
            Status::Rejected => "不通过",
            Status::Withdrawn => "撤回",
            Status::Accepted => "已通过",
        }
    }

    /// The enterprise may change the form and its evidence.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Nothing can happen to the declaration any more.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Status::Withdrawn | Status::Rejected | Status::Recognized | Status::Accepted
        )
    }

    /// Still counts as the enterprise's one declaration of its tier and year.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Withdrawn | Status::Rejected)
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Every transition the state machine allows (API.md "Statuses"), as (from, to). Tests check that no sequence
/// of actions leaves this table.
pub const ALLOWED: &[(Status, Status)] = &[
    (Status::Draft, Status::Draft),
    (Status::Draft, Status::Submitted),
    (Status::Returned, Status::Returned),
    (Status::Returned, Status::Submitted),
    (Status::Submitted, Status::Draft),
    (Status::Submitted, Status::Withdrawn),
    (Status::Submitted, Status::UnderReview),
    (Status::UnderReview, Status::Submitted),
    (Status::UnderReview, Status::Publicity),
    (Status::UnderReview, Status::Returned),
    (Status::UnderReview, Status::Rejected),
    (Status::UnderReview, Status::Accepted),
    (Status::Publicity, Status::Recognized),
    (Status::Publicity, Status::Rejected),
];

/// How the enterprise withdraws (API.md withdraw table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WithdrawMode {
    /// 撤回: the declaration ends (`withdrawn`).
    Cancel,
    /// 撤回修改: back to `draft` for edits.
    Modify,
}

/// An official's decision on a declaration at its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Pass,
    Return,
    Reject,
}

/// What someone does to a declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// 暂存 the form.
    Save { form: Map<String, Value> },
    /// 提交: `chain` is the review chain for the declaration's tier and region (first level first); `window_open`
    /// tells whether a declaration window is open now; the snapshot is frozen by the service.
    Submit {
        chain: Vec<Level>,
        window_open: bool,
        snapshot: Box<Snapshot>,
    },
    /// 撤回 / 撤回修改. `window_open`: a window for the declaration is open now.
    Withdraw {
        mode: WithdrawMode,
        window_open: bool,
        acknowledge_no_resubmit: bool,
    },
    /// An official at `level` starts the review (未审核 → 审核中).
    StartReview { level: Level },
    /// An official at `level` decides.
    Decide {
        level: Level,
        decision: Decision,
        comment: String,
    },
    /// The publicity list closed: recognised.
    Recognize,
    /// Pulled out of publicity on objection (→ rejected).
    Object { reason: String },
}

impl Action {
    /// A short name for the audit trail.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Save { .. } => "save",
            Action::Submit { .. } => "submit",
            Action::Withdraw {
                mode: WithdrawMode::Cancel,
                ..
            } => "withdraw_cancel",
            Action::Withdraw {
                mode: WithdrawMode::Modify,
                ..
            } => "withdraw_modify",
            Action::StartReview { .. } => "start_review",
            Action::Decide {
                decision: Decision::Pass,
                ..
            } => "pass",
            Action::Decide {
                decision: Decision::Return,
                ..
            } => "return",
            Action::Decide {
                decision: Decision::Reject,
                ..
            } => "reject",
            Action::Recognize => "recognize",
            Action::Object { .. } => "objection",
        }
    }
}

/// What was frozen at submission: the profile, the form, the evidence and the score, with their SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    #[serde(with = "crate::domain::timestamp")]
    pub submitted_at: OffsetDateTime,
    /// The rule version in force on the submission date.
    pub rule_version: String,
    /// The frozen content (profile, form, evidence list, digital level, assessment).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub content: Value,
    /// SHA-256 (hex) of the canonical JSON of `content`: printed on the application document.
    pub sha256: String,
}

impl Snapshot {
    /// Freeze `content` with its digest (serde_json writes object keys in sorted order: canonical enough).
    pub fn freeze(submitted_at: OffsetDateTime, rule_version: &str, content: Value) -> Snapshot {
        use sha2::Digest as _;
        let bytes = serde_json::to_vec(&content).unwrap_or_default();
        Snapshot {
            submitted_at,
            rule_version: rule_version.to_owned(),
            sha256: hex::encode(sha2::Sha256::digest(&bytes)),
            content,
        }
    }

    /// Recompute the digest (tests and integrity checks).
    pub fn verify(&self) -> bool {
        Snapshot::freeze(self.submitted_at, &self.rule_version, self.content.clone()).sha256
            == self.sha256
    }
}

/// What a declaration record is: a first declaration of a tier, or the re-review (复核) of a held one. Both go
/// through the same form, evidence, review chain and withdrawal rules; a re-review ends `accepted` at its last
/// level (renewing the qualification) instead of going to publicity.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Declaration,
    ReReview,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Declaration => "declaration",
            Kind::ReReview => "re_review",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "declaration" => Some(Kind::Declaration),
            "re_review" => Some(Kind::ReReview),
            _ => None,
        }
    }

    /// 申报 (a first declaration) / 复核 (a re-review).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Declaration => "申报",
            Kind::ReReview => "复核",
        }
    }
}

/// The record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Declaration {
    pub id: String,
    #[serde(default)]
    pub kind: Kind,
    /// The enterprise's code (read leniently: an operator may have accepted a pilot-area check character).
    #[serde(with = "crate::rules::uscc::lenient")]
    pub uscc: Uscc,
    pub enterprise_name: String,
    /// The account that created it.
    pub account_id: String,
    pub tier: Tier,
    pub year: i32,
    /// The enterprise's registered county when the declaration was created (decides its reviewers).
    pub region: RegionCode,
    /// The enterprise's industry (GB/T 4754 class) when last submitted (statistics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<crate::rules::industry::IndustryCode>,
    /// The publicity list (公示) it is on, once published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publicity_id: Option<String>,
    pub status: Status,
    /// The level the declaration waits at or is reviewed at (`submitted`, `under_review`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// The review chain fixed at submission.
    #[serde(default)]
    pub chain: Vec<Level>,
    /// An official has started on it in this round: the enterprise can no longer withdraw.
    #[serde(default)]
    pub review_started: bool,
    /// Withdrawn to modify after the window closed: may never be submitted again.
    #[serde(default)]
    pub resubmit_forbidden: bool,
    /// The tier-specific form (暂存 content).
    #[serde(default)]
    pub form: Map<String, Value>,
    /// The latest submission's frozen snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
    /// How many times it was submitted.
    #[serde(default)]
    pub submissions: u32,
    /// The latest comment of an official (return or reject reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_comment: Option<String>,
    /// Since when it waits in its current state (queue ageing).
    #[serde(with = "crate::domain::timestamp")]
    pub waiting_since: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::domain::timestamp")]
    pub updated_at: OffsetDateTime,
}

/// Why an action is refused; the services map each to its stable error code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not allowed from the current status (`INVALID_STATE`).
    #[error("当前状态（{0}）下不能执行此操作")]
    InvalidState(&'static str),
    /// Submit outside a window (`WINDOW_CLOSED`).
    #[error("当前不在申报时间内，不能提交")]
    WindowClosed,
    /// Submit after a withdrawal that gave up resubmission (`RESUBMIT_NOT_ALLOWED`).
    #[error("该申报在申报截止后撤回，不能再次提交")]
    ResubmitNotAllowed,
    /// Withdraw after an official started (`NOT_WITHDRAWABLE`).
    #[error("主管部门已开始审核，不能撤回")]
    NotWithdrawable,
    /// Withdraw after the window closed without acknowledging the consequence (`ACKNOWLEDGEMENT_REQUIRED`).
    #[error(
        "申报时间已截止：撤回后本申报不能再次提交。如确认撤回，请在请求中携带 acknowledge_no_resubmit: true"
    )]
    AcknowledgementRequired,
    /// An official acting at a level the declaration is not at (`INVALID_STATE`).
    #[error("该申报当前不在本级审核")]
    WrongLevel,
    /// A decision that needs a comment came without one (`VALIDATION_FAILED`).
    #[error("退回或不通过须填写意见")]
    CommentRequired,
    /// An empty review chain (configuration error).
    #[error("未配置审核流程")]
    NoChain,
}

/// One transition, for the audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transition {
    pub action: String,
    pub from: Status,
    pub to: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Declaration {
    /// A new draft.
    #[allow(clippy::too_many_arguments)]
    pub fn new_draft(
        id: String,
        uscc: Uscc,
        enterprise_name: String,
        account_id: String,
        tier: Tier,
        year: i32,
        region: RegionCode,
        now: OffsetDateTime,
    ) -> Declaration {
        Declaration {
            id,
            kind: Kind::Declaration,
            uscc,
            enterprise_name,
            account_id,
            tier,
            year,
            region,
            industry: None,
            publicity_id: None,
            status: Status::Draft,
            level: None,
            chain: Vec::new(),
            review_started: false,
            resubmit_forbidden: false,
            form: Map::new(),
            snapshot: None,
            submissions: 0,
            last_comment: None,
            waiting_since: now,
            created_at: now,
            updated_at: now,
        }
    }

    /// The enterprise may withdraw now (ignoring the window question).
    pub fn is_withdrawable(&self) -> bool {
        self.status == Status::Submitted && !self.review_started
    }

    /// The next record and the audit entry, or why not. `now` stamps the change.
    pub fn apply(
        &self,
        action: Action,
        now: OffsetDateTime,
    ) -> Result<(Declaration, Transition), TransitionError> {
        let from = self.status;
        let mut next = self.clone();
        let mut comment = None;
        let invalid = || TransitionError::InvalidState(from.label());
        match action.clone() {
            Action::Save { form } => {
                if !from.is_editable() {
                    return Err(invalid());
                }
                next.form = form;
            }
            Action::Submit {
                chain,
                window_open,
                snapshot,
            } => {
                // Withdrawn (either way) after the window closed: the contract's own answer, before the state's.
                if self.resubmit_forbidden {
                    return Err(TransitionError::ResubmitNotAllowed);
                }
                if !from.is_editable() {
                    return Err(invalid());
                }
                // A returned declaration may be resubmitted after the window closed (issue 3, item 9).
                if from == Status::Draft && !window_open {
                    return Err(TransitionError::WindowClosed);
                }
                let first = *chain.first().ok_or(TransitionError::NoChain)?;
                next.status = Status::Submitted;
                next.level = Some(first);
                next.chain = chain;
                next.review_started = false;
                next.snapshot = Some(*snapshot);
                next.submissions += 1;
                next.waiting_since = now;
            }
            Action::Withdraw {
                mode,
                window_open,
                acknowledge_no_resubmit,
            } => {
                match from {
                    Status::Submitted if !self.review_started => {}
                    Status::Submitted | Status::UnderReview | Status::Publicity => {
                        return Err(TransitionError::NotWithdrawable);
                    }
                    _ => return Err(invalid()),
                }
                if !window_open && !acknowledge_no_resubmit {
                    return Err(TransitionError::AcknowledgementRequired);
                }
                next.level = None;
                next.resubmit_forbidden = !window_open;
                next.status = match mode {
                    WithdrawMode::Cancel => Status::Withdrawn,
                    WithdrawMode::Modify => Status::Draft,
                };
                next.waiting_since = now;
            }
            Action::StartReview { level } => {
                if from != Status::Submitted {
                    return Err(invalid());
                }
                if self.level != Some(level) {
                    return Err(TransitionError::WrongLevel);
                }
                next.status = Status::UnderReview;
                next.review_started = true;
                next.waiting_since = now;
            }
            Action::Decide {
                level,
                decision,
                comment: text,
            } => {
                if from != Status::UnderReview {
                    return Err(invalid());
                }
                if self.level != Some(level) {
                    return Err(TransitionError::WrongLevel);
                }
                let text = text.trim().to_owned();
                if decision != Decision::Pass && text.is_empty() {
                    return Err(TransitionError::CommentRequired);
                }
                if !text.is_empty() {
                    comment = Some(text.clone());
                    next.last_comment = Some(text);
                }
                match decision {
                    Decision::Pass => {
                        let position = self.chain.iter().position(|l| *l == level);
                        match position.and_then(|i| self.chain.get(i + 1)) {
                            Some(next_level) => {
                                next.status = Status::Submitted;
                                next.level = Some(*next_level);
                            }
                            None => {
                                next.status = match self.kind {
                                    Kind::Declaration => Status::Publicity,
                                    Kind::ReReview => Status::Accepted,
                                };
                                next.level = None;
                            }
                        }
                    }
                    Decision::Return => {
                        next.status = Status::Returned;
                        next.level = None;
                        next.review_started = false;
                    }
                    Decision::Reject => {
                        next.status = Status::Rejected;
                        next.level = None;
                    }
                }
                next.waiting_since = now;
            }
            Action::Recognize => {
                if from != Status::Publicity {
                    return Err(invalid());
                }
                next.status = Status::Recognized;
                next.waiting_since = now;
            }
            Action::Object { reason } => {
                if from != Status::Publicity {
                    return Err(invalid());
                }
                let reason = reason.trim().to_owned();
                if reason.is_empty() {
                    return Err(TransitionError::CommentRequired);
                }
                comment = Some(reason.clone());
                next.last_comment = Some(reason);
                next.status = Status::Rejected;
                next.waiting_since = now;
            }
        }
        next.updated_at = now;
        let transition = Transition {
            action: action.name().to_owned(),
            from,
            to: next.status,
            level: match action {
                Action::StartReview { level } | Action::Decide { level, .. } => Some(level),
                _ => next.level,
            },
            comment,
        };
        Ok((next, transition))
    }
}

/// The review chains, as data (`shared/rules/review-chains.yaml`), checked when first read: every tier has a
/// chain, levels rise strictly, and the county level starts it.
static CHAINS: std::sync::LazyLock<std::collections::BTreeMap<Tier, Vec<Level>>> =
    std::sync::LazyLock::new(|| {
        parse_chains(include_str!("../../rules/review-chains.yaml"))
            .unwrap_or_else(|e| panic!("rules/review-chains.yaml: {e}"))
    });

fn parse_chains(yaml: &str) -> Result<std::collections::BTreeMap<Tier, Vec<Level>>, String> {
    let chains: std::collections::BTreeMap<Tier, Vec<Level>> =
        serde_yaml_ng::from_str(yaml).map_err(|e| e.to_string())?;
    for tier in Tier::ALL {
        let chain = chains.get(&tier).ok_or(format!("no chain for {tier}"))?;
        if chain.first() != Some(&Level::County) {
            return Err(format!(
                "the chain of {tier} must start at the county level"
            ));
        }
        if chain.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!("the chain of {tier} must rise strictly"));
        }
    }
    Ok(chains)
}

/// The configured chain of a tier (before skipping absent levels).
pub fn configured_chain(tier: Tier) -> &'static [Level] {
    CHAINS.get(&tier).map(Vec::as_slice).unwrap_or(&[])
}

/// The level that decides a tier: the last of its chain.
pub fn final_level(tier: Tier) -> Level {
    configured_chain(tier)
        .last()
        .copied()
        .unwrap_or(Level::Province)
}

/// The review chain for a tier and an enterprise's county: the configured chain without the levels the region
/// does not have (a county with no city level skips the city).
pub fn review_chain(tier: Tier, region: RegionCode) -> Vec<Level> {
    configured_chain(tier)
        .iter()
        .copied()
        .filter(|level| *level != Level::City || region.city().is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-05-10 02:00 UTC);

    fn draft(tier: Tier, county: &str) -> Declaration {
        Declaration::new_draft(
            "D1".into(),
            "91350100M000100Y43".parse().unwrap(),
            "测试企业".into(),
            "A1".into(),
            tier,
            2026,
            RegionCode::parse(county).unwrap(),
            NOW,
        )
    }

    #[test]
    fn a_declaration_of_a_code_accepted_with_a_wrong_check_character_reads_back() {
        // A pilot-area code an operator accepted at real-name: strict parsing refuses it, the record must not.
        let (pilot, warned) = Uscc::parse_lenient("91350100M0001TGQXM").unwrap();
        assert!(warned);
        let mut d = draft(Tier::Innovative, "330106");
        d.uscc = pilot;
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["uscc"], "91350100M0001TGQXM");
        let back: Declaration = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back.uscc, pilot);
        let mut broken = json;
        broken["uscc"] = "not a code".into();
        assert!(serde_json::from_value::<Declaration>(broken).is_err());
    }

    fn snapshot() -> Box<Snapshot> {
        Box::new(Snapshot::freeze(
            NOW,
            "2026",
            serde_json::json!({"form": {"a": 1}}),
        ))
    }

    fn submit(d: &Declaration, window_open: bool) -> Result<Declaration, TransitionError> {
        d.apply(
            Action::Submit {
                chain: review_chain(d.tier, d.region),
                window_open,
                snapshot: snapshot(),
            },
            NOW,
        )
        .map(|(n, _)| n)
    }

    fn withdraw(
        d: &Declaration,
        mode: WithdrawMode,
        window_open: bool,
        ack: bool,
    ) -> Result<Declaration, TransitionError> {
        d.apply(
            Action::Withdraw {
                mode,
                window_open,
                acknowledge_no_resubmit: ack,
            },
            NOW,
        )
        .map(|(n, _)| n)
    }

    fn act(d: &Declaration, a: Action) -> Result<Declaration, TransitionError> {
        d.apply(a, NOW).map(|(n, _)| n)
    }

    fn decide(level: Level, decision: Decision, comment: &str) -> Action {
        Action::Decide {
            level,
            decision,
            comment: comment.into(),
        }
    }

    #[test]
    fn chain_files_that_break_the_rules_are_refused() {
        assert!(parse_chains("innovative: [county, city, province]").is_err());
        let bad = "innovative: [city, province]\nspecialized: [county, province]\nlittle_giant: [county, ministry]";
        assert!(parse_chains(bad).unwrap_err().contains("county"));
        let backwards =
            "innovative: [county, province, city]\nspecialized: [county]\nlittle_giant: [county]";
        assert!(parse_chains(backwards).unwrap_err().contains("rise"));
        assert_eq!(final_level(Tier::LittleGiant), Level::Ministry);
        assert_eq!(final_level(Tier::Specialized), Level::Province);
    }

    #[test]
    fn review_chains_skip_the_city_level_where_there_is_none() {
        let beijing_district = RegionCode::parse("110108").unwrap();
        let zhejiang_county = RegionCode::parse("330106").unwrap();
        assert_eq!(
            review_chain(Tier::LittleGiant, beijing_district),
            vec![Level::County, Level::Province, Level::Ministry]
        );
        assert_eq!(
            review_chain(Tier::Specialized, zhejiang_county),
            vec![Level::County, Level::City, Level::Province]
        );
    }

    #[test]
    fn a_draft_is_submitted_only_inside_a_window() {
        let d = draft(Tier::Specialized, "330106");
        assert_eq!(submit(&d, false), Err(TransitionError::WindowClosed));
        let s = submit(&d, true).unwrap();
        assert_eq!(s.status, Status::Submitted);
        assert_eq!(s.level, Some(Level::County));
        assert_eq!(s.submissions, 1);
        assert!(s.snapshot.as_ref().unwrap().verify());
    }

    #[test]
    fn withdrawal_follows_the_window_and_the_review_start() {
        let d = submit(&draft(Tier::Innovative, "330106"), true).unwrap();
        // Inside the window: modify goes back to draft, cancel ends it.
        let m = withdraw(&d, WithdrawMode::Modify, true, false).unwrap();
        assert_eq!(m.status, Status::Draft);
        assert!(!m.resubmit_forbidden);
        assert_eq!(
            withdraw(&d, WithdrawMode::Cancel, true, false)
                .unwrap()
                .status,
            Status::Withdrawn
        );
        // After the window: the consequence must be acknowledged, and the draft can never be submitted again.
        assert_eq!(
            withdraw(&d, WithdrawMode::Modify, false, false),
            Err(TransitionError::AcknowledgementRequired)
        );
        let late = withdraw(&d, WithdrawMode::Modify, false, true).unwrap();
        assert!(late.resubmit_forbidden);
        assert_eq!(
            submit(&late, true),
            Err(TransitionError::ResubmitNotAllowed)
        );
        // Cancelled after the window: resubmitting is refused for that reason, not for the state.
        let cancelled = withdraw(&d, WithdrawMode::Cancel, false, true).unwrap();
        assert_eq!(cancelled.status, Status::Withdrawn);
        assert_eq!(
            submit(&cancelled, true),
            Err(TransitionError::ResubmitNotAllowed)
        );
        // After an official started: not withdrawable, even at a later level.
        let started = act(
            &d,
            Action::StartReview {
                level: Level::County,
            },
        )
        .unwrap();
        assert_eq!(
            withdraw(&started, WithdrawMode::Cancel, true, true),
            Err(TransitionError::NotWithdrawable)
        );
        let at_city = act(&started, decide(Level::County, Decision::Pass, "")).unwrap();
        assert_eq!(at_city.status, Status::Submitted);
        assert_eq!(at_city.level, Some(Level::City));
        assert_eq!(
            withdraw(&at_city, WithdrawMode::Modify, true, true),
            Err(TransitionError::NotWithdrawable)
        );
    }

    #[test]
    fn a_returned_declaration_is_resubmitted_after_the_window_and_starts_at_the_first_level() {
        let d = submit(&draft(Tier::Specialized, "330106"), true).unwrap();
        let started = act(
            &d,
            Action::StartReview {
                level: Level::County,
            },
        )
        .unwrap();
        assert_eq!(
            act(&started, decide(Level::County, Decision::Return, "  ")),
            Err(TransitionError::CommentRequired)
        );
        let returned = act(
            &started,
            decide(Level::County, Decision::Return, "补充材料"),
        )
        .unwrap();
        assert_eq!(returned.status, Status::Returned);
        assert_eq!(returned.last_comment.as_deref(), Some("补充材料"));
        let again = submit(&returned, false).unwrap();
        assert_eq!(again.status, Status::Submitted);
        assert_eq!(again.level, Some(Level::County));
        assert!(again.is_withdrawable());
        assert_eq!(again.submissions, 2);
    }

    #[test]
    fn officials_act_only_at_the_level_the_declaration_is_at() {
        let d = submit(&draft(Tier::LittleGiant, "110108"), true).unwrap();
        assert_eq!(
            act(
                &d,
                Action::StartReview {
                    level: Level::Province
                }
            ),
            Err(TransitionError::WrongLevel)
        );
        let mut cur = d;
        for level in [Level::County, Level::Province, Level::Ministry] {
            cur = act(&cur, Action::StartReview { level }).unwrap();
            cur = act(&cur, decide(level, Decision::Pass, "")).unwrap();
        }
        assert_eq!(cur.status, Status::Publicity);
        assert_eq!(
            act(&cur, Action::Recognize).unwrap().status,
            Status::Recognized
        );
        assert_eq!(
            act(
                &cur,
                Action::Object {
                    reason: "异议成立".into()
                }
            )
            .unwrap()
            .status,
            Status::Rejected
        );
    }

    fn arb_level() -> impl Strategy<Value = Level> {
        prop_oneof![
            Just(Level::County),
            Just(Level::City),
            Just(Level::Province),
            Just(Level::Ministry)
        ]
    }

    fn arb_action() -> impl Strategy<Value = Action> {
        prop_oneof![
            Just(Action::Save { form: Map::new() }),
            (any::<bool>()).prop_map(|w| Action::Submit {
                chain: vec![Level::County, Level::City, Level::Province],
                window_open: w,
                snapshot: snapshot(),
            }),
            (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(c, w, a)| Action::Withdraw {
                mode: if c {
                    WithdrawMode::Cancel
                } else {
                    WithdrawMode::Modify
                },
                window_open: w,
                acknowledge_no_resubmit: a,
            }),
            arb_level().prop_map(|level| Action::StartReview { level }),
            (
                arb_level(),
                prop_oneof![
                    Just(Decision::Pass),
                    Just(Decision::Return),
                    Just(Decision::Reject)
                ],
                prop_oneof![Just(String::new()), Just("意见".to_owned())]
            )
                .prop_map(|(level, decision, comment)| Action::Decide {
                    level,
                    decision,
                    comment
                }),
            Just(Action::Recognize),
            prop_oneof![Just(String::new()), Just("异议".to_owned())]
                .prop_map(|reason| Action::Object { reason }),
        ]
    }

    proptest! {
        #[test]
        fn no_sequence_of_actions_leaves_the_table_and_terminal_states_stay_terminal(
            actions in proptest::collection::vec(arb_action(), 0..40)
        ) {
            let mut d = draft(Tier::Specialized, "330106");
            for action in actions {
                let before = d.status;
                if let Ok((next, t)) = d.apply(action, NOW) {
                    {
                        prop_assert!(!before.is_terminal(), "{before:?} is terminal but moved to {:?}", next.status);
                        prop_assert!(ALLOWED.contains(&(before, next.status)), "{before:?} -> {:?} not allowed", next.status);
                        prop_assert_eq!(t.from, before);
                        prop_assert_eq!(t.to, next.status);
                        // Invariants of the record.
                        prop_assert_eq!(next.level.is_some(), matches!(next.status, Status::Submitted | Status::UnderReview));
                        if next.status == Status::Submitted || next.status == Status::UnderReview {
                            prop_assert!(next.snapshot.is_some());
                        }
                        d = next;
                    }
                }
            }
        }
    }
}
