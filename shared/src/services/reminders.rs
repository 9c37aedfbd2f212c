//! Reminders (beyond the seed): a scheduled run (EventBridge under Lambda, a timer in the local dispatcher) tells
//! each enterprise its deadlines once:
//! - the annual information update period opening (1 January, China time) — `reminder.update_opening`;
//! - 14 days before it closes (30 April) while still due — `reminder.update_closing`;
//! - a qualification expiring within 90 days — `reminder.qualification_expiring`;
//! - a major change to report within 14 days — `reminder.change_report_due`, through the extension point
//!   [`change_reports_due`] (it needs the change-report records; empty until they exist).
//!
//! "Once" is a marker written with the reminder's event in one transaction: `pk = ENT#<uscc>,
//! sk = REMINDER#<reminder>#<key>` under `Absent` (key: the year, or tier and expiry year). The event then flows
//! like any other (stream / feed) and becomes the enterprise's message and SMS. Dates come from the platform clock.
//!
//! Which enterprises to look at comes from a projection the notify consumer keeps from the qualification events
//! (no `Scan`): `pk = REMINDER#HOLDERS, sk = <uscc>#<tier>` holds each tier's current qualification.

use crate::domain::calendar::china_date;
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::error::AppResult;
use crate::ports::{Cond, Item, Query, StoreError, TxOp};
use crate::services::Platform;
use crate::services::events::Event;
use crate::services::records::ent_pk;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::{Date, Duration};

const HOLDERS_PK: &str = "REMINDER#HOLDERS";

/// Days before the close when the closing reminder goes out.
pub const CLOSING_NOTICE_DAYS: i64 = 14;
/// Days before expiry when the expiry reminder goes out.
pub const EXPIRY_NOTICE_DAYS: i64 = 90;
/// Days before a change report's deadline when its reminder goes out.
pub const CHANGE_REPORT_NOTICE_DAYS: i64 = 14;

/// One tier's current qualification, as the reminders keep it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Holder {
    pub uscc: String,
    pub qualification: Qualification,
    /// The event that last changed this entry (newer events win).
    pub event_id: String,
}

/// Keep the holders' projection from the qualification events (idempotent; older events never overwrite newer).
pub async fn on_event(p: &Platform, event: &Event) -> AppResult<()> {
    let revoked = match event.kind.as_str() {
        "enterprise.qualification_recorded" => false,
        "enterprise.qualification_revoked" => true,
        _ => return Ok(()),
    };
    let Some(uscc) = event.data.get("uscc").and_then(Value::as_str) else {
        return Ok(());
    };
    let qualification: Option<Qualification> = event
        .data
        .get("qualification")
        .and_then(|q| serde_json::from_value(q.clone()).ok());
    let tier = qualification.as_ref().map(|q| q.tier).or_else(|| {
        event
            .data
            .get("tier")
            .and_then(Value::as_str)
            .and_then(Tier::parse)
    });
    let Some(tier) = tier else { return Ok(()) };
    let sk = format!("{uscc}#{}", tier.as_str());
    for _ in 0..8 {
        let current = p.store.get(HOLDERS_PK, &sk).await?;
        let (cond, version) = match &current {
            Some(item) => {
                let held: Holder = item.decode()?;
                if held.event_id >= event.id {
                    return Ok(());
                }
                (Cond::VersionIs(item.version), item.version + 1)
            }
            None => (Cond::Absent, 1),
        };
        let result = match (revoked, &qualification, &current) {
            (false, Some(q), _) => {
                let holder = Holder {
                    uscc: uscc.to_owned(),
                    qualification: q.clone(),
                    event_id: event.id.clone(),
                };
                p.store
                    .put(
                        Item::new(HOLDERS_PK, sk.clone(), &holder).with_version(version),
                        cond,
                    )
                    .await
            }
            (true, _, Some(_)) => p.store.delete(HOLDERS_PK, &sk, cond).await,
            _ => return Ok(()),
        };
        match result {
            Ok(()) => return Ok(()),
            Err(StoreError::ConditionFailed { .. } | StoreError::Conflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// A change report an enterprise owes (extension point, see [`change_reports_due`]).
#[derive(Clone, Debug)]
pub struct ChangeReportDue {
    pub uscc: String,
    /// The change's id (the reminder's key).
    pub change_id: String,
    /// The last day to report (China date).
    pub deadline: Date,
}

/// The change reports due within [`CHANGE_REPORT_NOTICE_DAYS`] of `today`: reports an official returned whose
/// 3-month deadline (from the change) is still ahead — the enterprise must file again before it. Enterprises are
/// those holding a qualification (the reminder holders list), so this never scans.
pub async fn change_reports_due(p: &Platform, today: Date) -> AppResult<Vec<ChangeReportDue>> {
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor = None;
    loop {
        let page = p
            .store
            .query(Query::base(HOLDERS_PK).limit(100).after(cursor))
            .await?;
        for item in &page.items {
            let h: Holder = item.decode()?;
            if !seen.insert(h.uscc.clone()) {
                continue;
            }
            for (change_id, deadline) in crate::services::change_reports::returned_due(
                p,
                &h.uscc,
                today,
                CHANGE_REPORT_NOTICE_DAYS,
            )
            .await?
            {
                out.push(ChangeReportDue {
                    uscc: h.uscc.clone(),
                    change_id,
                    deadline,
                });
            }
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(out)
}

/// Whether the enterprise already filed its update of `year` (then no closing reminder).
pub async fn update_already_filed(p: &Platform, uscc: &str, year: i32) -> AppResult<bool> {
    crate::services::info_updates::filed(p, uscc, year).await
}

/// What a run sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReminderReport {
    pub sent: usize,
    pub already: usize,
}

/// Send every reminder due today that was not sent before.
pub async fn run(p: &Platform) -> AppResult<ReminderReport> {
    let today = china_date(p.clock.now());
    let mut report = ReminderReport::default();
    let mut cursor = None;
    let mut group: Vec<Holder> = Vec::new();
    loop {
        let page = p
            .store
            .query(Query::base(HOLDERS_PK).limit(100).after(cursor))
            .await?;
        for item in &page.items {
            let h: Holder = item.decode()?;
            if group.first().is_some_and(|g| g.uscc != h.uscc) {
                remind_enterprise(p, &group, today, &mut report).await?;
                group.clear();
            }
            group.push(h);
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    if !group.is_empty() {
        remind_enterprise(p, &group, today, &mut report).await?;
    }
    for due in change_reports_due(p, today).await? {
        send(
            p,
            &due.uscc,
            "change_report_due",
            &due.change_id,
            json!({"uscc": due.uscc, "change_id": due.change_id, "deadline": due.deadline.to_string()}),
            &mut report,
        )
        .await?;
    }
    Ok(report)
}

async fn remind_enterprise(
    p: &Platform,
    holders: &[Holder],
    today: Date,
    report: &mut ReminderReport,
) -> AppResult<()> {
    let Some(uscc) = holders.first().map(|h| h.uscc.clone()) else {
        return Ok(());
    };
    // The update period of the enterprise's province this year.
    let region = crate::services::records::load_profile(p, &uscc)
        .await?
        .and_then(|v| v.value.region);
    let period = p.policy.update_period.of(today.year(), region);
    let (opens, closes) = (period.opens(today.year()), period.closes(today.year()));
    let closing_notice = closes - Duration::days(CLOSING_NOTICE_DAYS);
    let valid: Vec<&Qualification> = holders
        .iter()
        .map(|h| &h.qualification)
        .filter(|q| q.is_valid_on(today))
        .collect();
    let year = today.year();
    // The update is owed by holders of a valid qualification not recognised (or renewed) this year.
    let owing = valid
        .iter()
        .filter(|q| q.valid_from.year() != year)
        .map(|q| q.tier)
        .max();
    if let Some(tier) = owing
        && today >= opens
        && today <= closes
    {
        let data =
            json!({"uscc": uscc, "year": year, "tier": tier, "deadline": closes.to_string()});
        if today < closing_notice {
            send(p, &uscc, "update_opening", &year.to_string(), data, report).await?;
        } else if !update_already_filed(p, &uscc, year).await? {
            send(p, &uscc, "update_closing", &year.to_string(), data, report).await?;
        }
    }
    for q in &valid {
        if q.valid_until - today <= Duration::days(EXPIRY_NOTICE_DAYS) {
            send(
                p,
                &uscc,
                "qualification_expiring",
                &format!("{}#{}", q.tier.as_str(), q.valid_until.year()),
                json!({"uscc": uscc, "tier": q.tier, "valid_until": q.valid_until.to_string()}),
                report,
            )
            .await?;
        }
    }
    Ok(())
}

/// Write the reminder's marker (once) with its event.
async fn send(
    p: &Platform,
    uscc: &str,
    reminder: &str,
    key: &str,
    data: Value,
    report: &mut ReminderReport,
) -> AppResult<()> {
    let now = p.clock.now();
    let marker = Item::new(
        ent_pk(uscc),
        format!("REMINDER#{reminder}#{key}"),
        &json!({"sent_at": now.unix_timestamp()}),
    );
    let event = Event::new(
        &format!("reminder.{reminder}"),
        &ent_pk(uscc),
        None,
        now,
        data,
    );
    match p
        .store
        .transact(vec![
            TxOp::Put {
                item: marker,
                cond: Cond::Absent,
            },
            event.tx_op(),
        ])
        .await
    {
        Ok(()) => {
            report.sent += 1;
            Ok(())
        }
        Err(StoreError::ConditionFailed { index: 0 }) => {
            report.already += 1;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
