//! Messages (我的消息): which people an event concerns and what it tells them, as data. Pure: an event's kind,
//! aggregate and data in, message drafts out; `crate::services::messages` stores and delivers them.
//!
//! The mapping is the table [`RULES`]: one row per (subject, action[, new status]) with the audience, a category,
//! a Chinese title and body template, and whether the result also goes out by SMS and e-mail. Templates take
//! `{placeholders}` filled from the event data ([`render`]). Unknown kinds, and known kinds whose data lack what a
//! row needs (a USCC, a region, a level), produce no message: the notify function never fails on them.
//!
//! Event kinds understood:
//! - `declaration.<action>` — declarations; with `data.kind = "re_review"` the same actions of a re-review (复核);
//! - `info_update.<action>`, `change_report.<action>` — annual updates (信息更新), major-change reports (重大变更);
//! - `declaration.publicity_listed`, `enterprise.qualification_revoked`;
//! - `reminder.<kind>` — the scheduled reminders (`crate::services::reminders`);
//! - `account.verified`, `account.real_name_rejected`, `account.password_reset`, `account.phone_changed`.

use serde_json::Value;

use crate::domain::declaration::review_chain;
use crate::domain::principal::Level;
use crate::domain::tier::Tier;
use crate::rules::region::RegionCode;

/// Who a rule speaks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The enterprise (`data.uscc`), through the account its USCC points to.
    Enterprise,
    /// The officials of the level and region where the item now waits (their queue changed).
    Officials,
    /// The account the event's aggregate is (`ACCOUNT#<id>`).
    Account,
}

/// A resolved recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recipient {
    Enterprise { uscc: String },
    Officials { level: Level, region: RegionCode },
    Account { account_id: String },
}

impl Recipient {
    /// A short tag that, with the event id, makes the message id (one message per event and recipient).
    pub fn tag(&self) -> &'static str {
        match self {
            Recipient::Enterprise { .. } | Recipient::Account { .. } => "a",
            Recipient::Officials { .. } => "o",
        }
    }
}

/// A message to store for one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDraft {
    pub recipient: Recipient,
    /// `declaration`, `re_review`, `info_update`, `change_report`, `qualification`, `reminder`, `account`, `queue`.
    pub category: &'static str,
    pub title: String,
    pub body: String,
    /// The record the message is about (declaration id, …), for the client to link to.
    pub subject_id: Option<String>,
    /// A result that also goes out by SMS (and e-mail when the account has one).
    pub notify: bool,
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// `declaration`, `re_review`, `info_update`, `change_report`, `enterprise`, `reminder`, `account`.
    pub subject: &'static str,
    pub action: &'static str,
    /// Only when the record's new status (`data.transition.to`) is this one.
    pub to: Option<&'static str>,
    pub audience: Audience,
    pub title: &'static str,
    pub body: &'static str,
    pub notify: bool,
}

const fn rule(
    subject: &'static str,
    action: &'static str,
    to: Option<&'static str>,
    audience: Audience,
    title: &'static str,
    body: &'static str,
    notify: bool,
) -> Rule {
    Rule {
        subject,
        action,
        to,
        audience,
        title,
        body,
        notify,
    }
}

use Audience::*;

/// Subjects whose records run through the review chain; `{what}` names them in the texts.
const REVIEWED: [&str; 4] = ["declaration", "re_review", "info_update", "change_report"];

/// Rows marked with subject `*` apply to every subject of [`REVIEWED`].
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    // The enterprise, at each step of its record.
    rule("*", "submit", None, Enterprise, "{what}已提交", "您的{what}{about}已提交，等待{level}主管部门审核。", false),
    rule("*", "start_review", None, Enterprise, "{what}审核中", "{level}主管部门已开始审核您的{what}{about}。审核开始后不能撤回，如需修改请等待审核结果。", false),
    rule("*", "pass", Some("submitted"), Enterprise, "{what}已通过{level}审核", "您的{what}{about}已通过{level}主管部门审核，已报送{next_level}主管部门。", false),
    rule("*", "pass", Some("publicity"), Enterprise, "{what}已通过审核", "您的{what}{about}已通过{level}主管部门审核，将列入公示名单。", false),
    rule("*", "pass", Some("accepted"), Enterprise, "{what}已通过审核", "您的{what}{about}已通过{level}主管部门审核。", true),
    rule("*", "accept", None, Enterprise, "{what}已通过审核", "您的{what}{about}已通过主管部门审核。", true),
    rule("*", "return", None, Enterprise, "{what}被退回", "您的{what}{about}被{level}主管部门退回，意见：{comment}。请修改后重新提交。", true),
    rule("*", "reject", None, Enterprise, "{what}未通过", "您的{what}{about}未通过{level}主管部门审核，意见：{comment}。", true),
    rule("*", "withdraw_cancel", None, Enterprise, "{what}已撤回", "您已撤回{what}{about}。", false),
    rule("*", "withdraw_modify", None, Enterprise, "{what}已撤回修改", "您已撤回{what}{about}进行修改，修改后请重新提交。", false),
    rule("*", "withdraw", None, Enterprise, "{what}已撤回", "您已撤回{what}{about}。", false),
    rule("declaration", "publicity_listed", None, Enterprise, "已列入公示名单", "您的{what}{about}已列入公示名单，公示期满无异议的将予以认定。", false),
    rule("declaration", "objection", None, Enterprise, "公示期异议：未予认定", "您的{what}{about}在公示期间收到异议，未予认定，理由：{comment}。", true),
    rule("declaration", "recognize", None, Enterprise, "已认定为{tier}", "恭喜！您的企业已被认定为{tier}（{year}年度），有效期三年。", true),
    rule("re_review", "recognize", None, Enterprise, "复核通过", "您的{tier}复核已通过，资质有效期延续三年。", true),
    rule("*", "recognize", None, Enterprise, "{what}已通过", "您的{what}{about}已通过。", true),
    rule("enterprise", "qualification_revoked", None, Enterprise, "{tier}资质已撤销", "您的企业{tier}资质已被撤销，原因：{reason}。自撤销之日起三年内不得再次申报该梯度。", true),
    // The officials whose queue gained an item.
    rule("*", "submit", Some("submitted"), Officials, "新的待审核{what}", "{enterprise}的{what}{about}已提交，请在“本级待办”中审核。", false),
    rule("*", "pass", Some("submitted"), Officials, "新的待审核{what}", "{enterprise}的{what}{about}已通过{level}审核，报送本级，请在“本级待办”中审核。", false),
    rule("declaration", "pass", Some("publicity"), Officials, "待公示{what}", "{enterprise}的{what}{about}已通过本级审核，待列入公示名单。", false),
    // Reminders (beyond the seed).
    rule("reminder", "update_opening", None, Enterprise, "{year}年度信息更新已开始", "{year}年度信息更新已于1月1日开始，请于{deadline}前提交（已认定梯度：{tier}）。逾期未更新将失去复核资格。", true),
    rule("reminder", "update_closing", None, Enterprise, "信息更新即将截止", "{year}年度信息更新将于{deadline}截止，您尚需提交（已认定梯度：{tier}）。逾期未更新将失去复核资格。", true),
    rule("reminder", "qualification_expiring", None, Enterprise, "{tier}资质即将到期", "您的企业{tier}资质将于{valid_until}到期，请关注复核安排。", true),
    rule("reminder", "change_report_due", None, Enterprise, "重大变更报告即将逾期", "您的企业发生的重大变更须于{deadline}前报告，请及时提交重大变更报告。", true),
    // Accounts.
    rule("account", "verified", None, Account, "实名认证已通过", "您的账户已完成实名认证。", false),
    rule("account", "real_name_rejected", None, Account, "实名认证未通过", "您的实名认证申请未通过，请核对信息后重新提交。", false),
    rule("account", "password_reset", None, Account, "密码已重置", "您的账户密码已重置。如非本人操作，请立即联系平台。", false),
    rule("account", "phone_changed", None, Account, "手机号已更换", "您的账户绑定手机号已更换。如非本人操作，请立即联系平台。", false),
];

fn what(subject: &str) -> &'static str {
    match subject {
        "declaration" => "申报",
        "re_review" => "复核",
        "info_update" => "信息更新",
        "change_report" => "重大变更报告",
        _ => "",
    }
}

pub fn level_label(level: Level) -> &'static str {
    match level {
        Level::County => "县级",
        Level::City => "市级",
        Level::Province => "省级",
        Level::Ministry => "工业和信息化部",
    }
}

fn parse_level(v: &Value) -> Option<Level> {
    serde_json::from_value(v.clone()).ok()
}

fn text<'a>(data: &'a Value, key: &str) -> Option<&'a str> {
    data.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// What an event is about: (subject, action).
fn subject_and_action<'a>(kind: &'a str, data: &Value) -> Option<(&'a str, &'a str)> {
    let (prefix, action) = kind.split_once('.')?;
    let subject = match prefix {
        "declaration" if text(data, "kind") == Some("re_review") => "re_review",
        "re_review" => "re_review",
        other => other,
    };
    Some((subject, action))
}

/// The level the record now waits at (for the officials' audience): `data.waiting_level` when the event carries
/// it; otherwise the submitting level, the next level of the review chain after a pass, or the deciding level when
/// a pass leads to publicity.
fn waiting_level(action: &str, to: &str, data: &Value) -> Option<Level> {
    if let Some(level) = data.get("waiting_level").and_then(parse_level) {
        return Some(level);
    }
    let acted = data.pointer("/transition/level").and_then(parse_level)?;
    match (action, to) {
        ("pass", "submitted") => {
            let tier = data
                .get("tier")
                .and_then(|t| t.as_str())
                .and_then(Tier::parse)?;
            let region = RegionCode::parse(text(data, "region")?).ok()?;
            let chain = review_chain(tier, region);
            let at = chain.iter().position(|l| *l == acted)?;
            chain.get(at + 1).copied()
        }
        _ => Some(acted),
    }
}

/// Fill `{name}` placeholders from `vars`; unknown names become empty.
pub fn render(template: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                if let Some((_, v)) = vars.iter().find(|(k, _)| *k == name) {
                    out.push_str(v);
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The messages an event produces (none for unknown kinds). `aggregate` is the event's aggregate key.
pub fn messages_for(kind: &str, aggregate: &str, data: &Value) -> Vec<MessageDraft> {
    let Some((subject, action)) = subject_and_action(kind, data) else {
        return Vec::new();
    };
    let to = data
        .pointer("/transition/to")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut drafts: Vec<MessageDraft> = Vec::new();
    for r in RULES {
        let subject_matches =
            r.subject == subject || (r.subject == "*" && REVIEWED.contains(&subject));
        if !subject_matches || r.action != action || r.to.is_some_and(|t| t != to) {
            continue;
        }
        // The first matching row per audience wins (specific rows come before generic ones).
        if drafts
            .iter()
            .any(|d| audience_of(&d.recipient) == r.audience)
        {
            continue;
        }
        let (recipient, level) = match r.audience {
            Enterprise => match text(data, "uscc") {
                Some(uscc) => (
                    Recipient::Enterprise {
                        uscc: uscc.to_owned(),
                    },
                    data.pointer("/transition/level").and_then(parse_level),
                ),
                None => continue,
            },
            Officials => {
                let (Some(level), Some(region)) = (
                    waiting_level(action, to, data),
                    text(data, "region").and_then(|r| RegionCode::parse(r).ok()),
                ) else {
                    continue;
                };
                (Recipient::Officials { level, region }, Some(level))
            }
            Account => match aggregate.strip_prefix("ACCOUNT#") {
                Some(id) if !id.is_empty() => (
                    Recipient::Account {
                        account_id: id.to_owned(),
                    },
                    None,
                ),
                _ => continue,
            },
        };
        let vars = variables(subject, action, to, data, level);
        drafts.push(MessageDraft {
            recipient,
            category: category(subject, r.audience),
            title: render(r.title, &vars),
            body: render(r.body, &vars),
            subject_id: subject_id(data),
            notify: r.notify,
        });
    }
    drafts
}

fn audience_of(r: &Recipient) -> Audience {
    match r {
        Recipient::Enterprise { .. } => Enterprise,
        Recipient::Officials { .. } => Officials,
        Recipient::Account { .. } => Account,
    }
}

fn category(subject: &str, audience: Audience) -> &'static str {
    match (audience, subject) {
        (Officials, _) => "queue",
        (_, "declaration") => "declaration",
        (_, "re_review") => "re_review",
        (_, "info_update") => "info_update",
        (_, "change_report") => "change_report",
        (_, "enterprise") => "qualification",
        (_, "reminder") => "reminder",
        _ => "account",
    }
}

fn subject_id(data: &Value) -> Option<String> {
    [
        "declaration_id",
        "re_review_id",
        "info_update_id",
        "change_report_id",
        "id",
    ]
    .iter()
    .find_map(|k| text(data, k))
    .map(str::to_owned)
}

fn variables(
    subject: &str,
    action: &str,
    to: &str,
    data: &Value,
    level: Option<Level>,
) -> Vec<(&'static str, String)> {
    let tier = data
        .get("tier")
        .and_then(Value::as_str)
        .and_then(Tier::parse)
        .or_else(|| {
            data.pointer("/qualification/tier")
                .and_then(Value::as_str)
                .and_then(Tier::parse)
        });
    let year = data
        .get("year")
        .and_then(Value::as_i64)
        .map(|y| y.to_string())
        .unwrap_or_default();
    let about = match (tier, year.is_empty()) {
        (Some(t), false) => format!("（{}，{year}年度）", t.label()),
        (Some(t), true) => format!("（{}）", t.label()),
        (None, false) => format!("（{year}年度）"),
        (None, true) => String::new(),
    };
    let next_level = if (action, to) == ("pass", "submitted") {
        waiting_level(action, to, data)
            .map(level_label)
            .unwrap_or("上级")
    } else {
        ""
    };
    let enterprise = text(data, "enterprise_name")
        .map(str::to_owned)
        .or_else(|| text(data, "uscc").map(|u| format!("企业（统一社会信用代码 {u}）")))
        .unwrap_or_else(|| "企业".to_owned());
    vec![
        ("what", what(subject).to_owned()),
        ("about", about),
        (
            "tier",
            tier.map(|t| t.label().to_owned()).unwrap_or_default(),
        ),
        ("year", year),
        ("level", level.map(level_label).unwrap_or("").to_owned()),
        ("next_level", next_level.to_owned()),
        (
            "comment",
            data.pointer("/transition/comment")
                .and_then(Value::as_str)
                .or_else(|| text(data, "comment"))
                .unwrap_or("无")
                .to_owned(),
        ),
        ("reason", text(data, "reason").unwrap_or("无").to_owned()),
        ("enterprise", enterprise),
        (
            "valid_until",
            text(data, "valid_until")
                .or_else(|| {
                    data.pointer("/qualification/valid_until")
                        .and_then(Value::as_str)
                })
                .unwrap_or("")
                .to_owned(),
        ),
        ("deadline", text(data, "deadline").unwrap_or("").to_owned()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn decl(
        action: &str,
        from: &str,
        to: &str,
        level: Option<&str>,
        comment: Option<&str>,
    ) -> Value {
        json!({
            "declaration_id": "D1", "uscc": "91330106MA2B000001", "tier": "specialized", "year": 2026,
            "region": "330106", "actor_role": "official", "actor_level": level,
            "transition": {"action": action, "from": from, "to": to, "level": level, "comment": comment},
        })
    }

    #[test]
    fn a_submission_tells_the_enterprise_and_the_county_officials() {
        let m = messages_for(
            "declaration.submit",
            "DECL#D1",
            &decl("submit", "draft", "submitted", Some("county"), None),
        );
        assert_eq!(m.len(), 2);
        assert_eq!(
            m[0].recipient,
            Recipient::Enterprise {
                uscc: "91330106MA2B000001".into()
            }
        );
        assert_eq!(m[0].title, "申报已提交");
        assert_eq!(
            m[0].body,
            "您的申报（专精特新中小企业，2026年度）已提交，等待县级主管部门审核。"
        );
        assert!(!m[0].notify);
        assert_eq!(
            m[1].recipient,
            Recipient::Officials {
                level: Level::County,
                region: RegionCode::parse("330106").unwrap()
            }
        );
        assert_eq!(m[1].category, "queue");
        assert_eq!(m[1].subject_id.as_deref(), Some("D1"));
    }

    #[test]
    fn a_pass_reaches_the_next_level_of_the_chain() {
        let m = messages_for(
            "declaration.pass",
            "DECL#D1",
            &decl("pass", "under_review", "submitted", Some("county"), None),
        );
        assert!(m[0].body.contains("已报送市级主管部门"), "{}", m[0].body);
        assert_eq!(
            m[1].recipient,
            Recipient::Officials {
                level: Level::City,
                region: RegionCode::parse("330106").unwrap()
            }
        );
        let last = messages_for(
            "declaration.pass",
            "DECL#D1",
            &decl("pass", "under_review", "publicity", Some("province"), None),
        );
        assert_eq!(last[0].title, "申报已通过审核");
        assert_eq!(
            last[1].recipient,
            Recipient::Officials {
                level: Level::Province,
                region: RegionCode::parse("330106").unwrap()
            }
        );
    }

    #[test]
    fn results_go_out_by_sms_with_the_officials_comment() {
        let m = messages_for(
            "declaration.return",
            "DECL#D1",
            &decl(
                "return",
                "under_review",
                "returned",
                Some("city"),
                Some("材料不全"),
            ),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].notify);
        assert!(
            m[0].body.contains("被市级主管部门退回，意见：材料不全"),
            "{}",
            m[0].body
        );
        let r = messages_for(
            "declaration.recognize",
            "DECL#D1",
            &decl("recognize", "publicity", "recognized", None, None),
        );
        assert_eq!(r[0].title, "已认定为专精特新中小企业");
        assert!(r[0].notify);
    }

    #[test]
    fn re_reviews_are_declaration_events_of_their_own_kind() {
        let mut data = decl("recognize", "publicity", "recognized", None, None);
        data["kind"] = json!("re_review");
        let m = messages_for("declaration.recognize", "DECL#D1", &data);
        assert_eq!(m[0].title, "复核通过");
        assert_eq!(m[0].category, "re_review");
    }

    #[test]
    fn unknown_kinds_and_incomplete_data_produce_nothing() {
        assert!(messages_for("window.created", "WINDOW#1", &json!({})).is_empty());
        assert!(messages_for("nonsense", "X", &json!(null)).is_empty());
        assert!(messages_for("declaration.submit", "DECL#D1", &json!({})).is_empty());
        assert!(
            messages_for(
                "declaration.save",
                "DECL#D1",
                &decl("save", "draft", "draft", None, None)
            )
            .is_empty()
        );
        assert!(messages_for("account.verified", "NOTANACCOUNT", &json!({})).is_empty());
    }

    #[test]
    fn account_events_speak_to_the_account() {
        let m = messages_for("account.verified", "ACCOUNT#A1", &json!({}));
        assert_eq!(
            m[0].recipient,
            Recipient::Account {
                account_id: "A1".into()
            }
        );
    }

    #[test]
    fn render_fills_known_and_blanks_unknown_placeholders() {
        assert_eq!(render("{a}-{b}-{", &[("a", "1".into())]), "1--{");
    }
}
