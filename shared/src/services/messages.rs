//! Messages (我的消息): delivering an event's messages idempotently, and the mailbox use cases
//! (`GET /v1/messages`, `POST /v1/messages/{id}/read`).
//!
//! Records:
//! - `pk = MSGBOX#ACCOUNT#<account id>` — an account's mailbox (enterprises: the account their USCC points to);
//!   `pk = MSGBOX#<level>#<scope>` — the mailbox of the officials of a level and scope (county: the 6-digit code,
//!   city: 4 digits, province: 2 digits, ministry: `CN`), shared by them; an official reads its own box and its
//!   scope's box. Read state is per official: reading a scope message writes `sk = READ#<message id>` in the
//!   official's own box (and counts it under `sk = READS#<scope box>`), the scope message itself stays unread
//!   for the other officials.
//! - `sk = MSG#<message id>` — one message; the id is `<event id>-<recipient tag>` (`a` account, `o` officials),
//!   so ids sort by time and a redelivered event finds its message already there (conditional put `Absent`).
//! - `sk = UNREAD` — the box's unread count, changed in the same transaction as the message it counts (for a
//!   scope box: every message it holds; an official's unread count there is that less its `READS#` count).
//!
//! SMS and e-mail of results go through the `Notifier` after the message is stored; the message records that they
//! went (`notified`), so redelivery does not send them twice (at least once: a crash between sending and
//! recording may repeat one).

use crate::domain::message::{MessageDraft, Recipient, messages_for};
use crate::domain::principal::{Level, Principal, Role};
use crate::error::{AppError, AppResult};
use crate::ports::{Channel, Cond, Item, OutgoingMessage, Query, StoreError, TxOp};
use crate::rules::region::RegionCode;
use crate::services::events::Event;
use crate::services::records::level_name;
use crate::services::{Platform, accounts};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

const MSG_PREFIX: &str = "MSG#";
const UNREAD_SK: &str = "UNREAD";
/// An official's read marker of a scope message, in its own box: `READ#<message id>`.
const READ_PREFIX: &str = "READ#";
/// An official's count of scope messages read, in its own box: `READS#<scope box>`.
const READS_PREFIX: &str = "READS#";
/// Attempts of a transaction that lost a race on the unread counter.
const COUNTER_ATTEMPTS: usize = 16;

/// One stored message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub category: String,
    pub title: String,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_id: Option<String>,
    pub event_id: String,
    pub event_kind: String,
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "crate::domain::timestamp::option")]
    pub read_at: Option<OffsetDateTime>,
    /// SMS/e-mail wanted for this message, and whether they went.
    #[serde(default)]
    pub notify: bool,
    #[serde(default)]
    pub notified: bool,
}

/// A message as the API shows it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: String,
    /// `declaration`, `re_review`, `info_update`, `change_report`, `qualification`, `reminder`, `account`, `queue`.
    pub category: String,
    pub title: String,
    pub body: String,
    /// The record the message is about (e.g. the declaration id).
    pub subject_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    #[serde(with = "crate::domain::timestamp")]
    pub created_at: OffsetDateTime,
    pub read: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    #[serde(with = "crate::domain::timestamp::option")]
    pub read_at: Option<OffsetDateTime>,
}

impl From<&Message> for MessageView {
    fn from(m: &Message) -> Self {
        MessageView {
            id: m.id.clone(),
            category: m.category.clone(),
            title: m.title.clone(),
            body: m.body.clone(),
            subject_id: m.subject_id.clone(),
            created_at: m.created_at,
            read: m.read_at.is_some(),
            read_at: m.read_at,
        }
    }
}

/// `GET /v1/messages`: newest first.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePage {
    pub items: Vec<MessageView>,
    pub next_cursor: Option<String>,
    /// Unread messages in every box the caller reads.
    pub unread: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Counter {
    count: u64,
}

/// An official's reading of a scope message.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ReadMarker {
    #[serde(with = "crate::domain::timestamp")]
    read_at: OffsetDateTime,
}

/// Whether `mailbox` is a box shared by the officials of a scope (read state kept per official).
fn is_scope_box(mailbox: &str) -> bool {
    !mailbox.starts_with("MSGBOX#ACCOUNT#")
}

/// When the caller read the scope message `id` (none: unread for it).
async fn read_by(p: &Platform, caller: &Principal, id: &str) -> AppResult<Option<OffsetDateTime>> {
    Ok(
        match p
            .store
            .get(
                &account_box(caller.account_id()),
                &format!("{READ_PREFIX}{id}"),
            )
            .await?
        {
            Some(item) => Some(item.decode::<ReadMarker>()?.read_at),
            None => None,
        },
    )
}

// ---- boxes ---------------------------------------------------------------------------------------------------------

pub fn account_box(account_id: &str) -> String {
    format!("MSGBOX#ACCOUNT#{account_id}")
}

/// The officials' box of a level for the part of `region` that level covers.
pub fn officials_box(level: Level, region: RegionCode) -> String {
    let code = format!("{:06}", region.value());
    let scope = match level {
        Level::County => code,
        Level::City => code[..4].to_owned(),
        Level::Province => code[..2].to_owned(),
        Level::Ministry => "CN".to_owned(),
    };
    format!("MSGBOX#{}#{scope}", level_name(level))
}

/// The boxes a caller reads: its own, and for an official its level and scope's.
pub fn boxes_of(caller: &Principal) -> Vec<String> {
    let mut boxes = vec![account_box(caller.account_id())];
    if caller.role() == Role::Official
        && let Some(level) = caller.level()
    {
        let region = match (level, caller.region()) {
            (Level::Ministry, _) => RegionCode::parse("110000").ok(),
            (_, Some(r)) => RegionCode::parse(r).ok(),
            _ => None,
        };
        if let Some(region) = region {
            boxes.push(officials_box(level, region));
        }
    }
    boxes
}

/// A list cursor is the id of the last message of the previous page: `<event ULID>-<a|o>`.
fn is_message_cursor(cursor: &str) -> bool {
    match cursor.split_once('-') {
        Some((event, tag)) => {
            event.len() == 26 && ulid::Ulid::from_string(event).is_ok() && matches!(tag, "a" | "o")
        }
        None => false,
    }
}

fn message_id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 40 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

// ---- delivery ------------------------------------------------------------------------------------------------------

/// What delivering one event did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages newly stored.
    pub created: usize,
    /// Messages that were already there (a redelivery).
    pub existing: usize,
    /// SMS and e-mails sent.
    pub sent: usize,
}

/// Deliver an event's messages: store each (once), count it unread, and send the SMS/e-mail of results.
/// Redelivering the same event creates nothing twice.
pub async fn deliver(p: &Platform, event: &Event) -> AppResult<Delivery> {
    let mut report = Delivery::default();
    for draft in messages_for(&event.kind, &event.aggregate, &event.data) {
        let (mailbox, account) = match &draft.recipient {
            Recipient::Enterprise { uscc } => match accounts::account_for_uscc(p, uscc).await? {
                Some(acc) => (account_box(&acc.value.id), Some(acc.value)),
                None => {
                    tracing::warn!(event_id = %event.id, "no account holds the USCC; message dropped");
                    continue;
                }
            },
            Recipient::Account { account_id } => match accounts::load_account(p, account_id).await?
            {
                Some(acc) => (account_box(account_id), Some(acc.value)),
                None => continue,
            },
            Recipient::Officials { level, region } => (officials_box(*level, *region), None),
        };
        let message = new_message(event, &draft);
        let stored = match store_message(p, &mailbox, &message).await? {
            Some(created) => {
                report.created += 1;
                created
            }
            None => {
                report.existing += 1;
                match p
                    .store
                    .get(&mailbox, &format!("{MSG_PREFIX}{}", message.id))
                    .await?
                {
                    Some(item) => (item.decode::<Message>()?, item.version),
                    None => continue,
                }
            }
        };
        if let (true, false, Some(account)) = (stored.0.notify, stored.0.notified, account) {
            report.sent += send_result(p, &account, &stored.0).await?;
            let mut done = stored.0.clone();
            done.notified = true;
            // Losing this race (the message was read meanwhile) only risks one repeated SMS on redelivery.
            let _ = p
                .store
                .put(
                    Item::new(mailbox.clone(), format!("{MSG_PREFIX}{}", done.id), &done)
                        .with_version(stored.1 + 1),
                    Cond::VersionIs(stored.1),
                )
                .await;
        }
    }
    Ok(report)
}

fn new_message(event: &Event, draft: &MessageDraft) -> Message {
    Message {
        id: format!("{}-{}", event.id, draft.recipient.tag()),
        category: draft.category.to_owned(),
        title: draft.title.clone(),
        body: draft.body.clone(),
        subject_id: draft.subject_id.clone(),
        event_id: event.id.clone(),
        event_kind: event.kind.clone(),
        created_at: event.at,
        read_at: None,
        notify: draft.notify,
        notified: false,
    }
}

/// Put the message under `Absent` and bump the box's unread count in one transaction. `None` when the message
/// already exists.
async fn store_message(
    p: &Platform,
    mailbox: &str,
    message: &Message,
) -> AppResult<Option<(Message, u64)>> {
    let item = Item::new(mailbox, format!("{MSG_PREFIX}{}", message.id), message);
    for _ in 0..COUNTER_ATTEMPTS {
        let counter_op = counter_change(p, mailbox, 1).await?;
        match p
            .store
            .transact(vec![
                TxOp::Put {
                    item: item.clone(),
                    cond: Cond::Absent,
                },
                counter_op,
            ])
            .await
        {
            Ok(()) => return Ok(Some((message.clone(), 1))),
            Err(StoreError::ConditionFailed { index: 0 }) => return Ok(None),
            Err(StoreError::ConditionFailed { .. } | StoreError::Conflict) => {
                tokio::task::yield_now().await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// The action changing a box's unread count by `delta`, conditioned on the count read.
async fn counter_change(p: &Platform, mailbox: &str, delta: i64) -> AppResult<TxOp> {
    counter_change_at(p, mailbox, UNREAD_SK, delta).await
}

/// The action changing the counter `(pk, sk)` by `delta`, conditioned on the count read.
async fn counter_change_at(p: &Platform, pk: &str, sk: &str, delta: i64) -> AppResult<TxOp> {
    let current = p.store.get(pk, sk).await?;
    let (count, cond, version) = match &current {
        Some(item) => (
            item.decode::<Counter>()?.count,
            Cond::VersionIs(item.version),
            item.version + 1,
        ),
        None => (0, Cond::Absent, 1),
    };
    let next = count.saturating_add_signed(delta);
    Ok(TxOp::Put {
        item: Item::new(pk, sk, &Counter { count: next }).with_version(version),
        cond,
    })
}

/// SMS to the account's phone and e-mail to its address (if any); the number sent.
async fn send_result(
    p: &Platform,
    account: &crate::domain::account::Account,
    m: &Message,
) -> AppResult<usize> {
    let text = format!("【优质中小企业梯度培育平台】{}：{}", m.title, m.body);
    let mut out = vec![OutgoingMessage {
        channel: Channel::Sms,
        to: account.phone.clone(),
        body: text.clone(),
    }];
    if let Some(email) = account.email.as_deref().filter(|e| !e.is_empty()) {
        out.push(OutgoingMessage {
            channel: Channel::Email,
            to: email.to_owned(),
            body: text,
        });
    }
    let n = out.len();
    for message in out {
        p.notifier.send(message).await.map_err(|e| {
            tracing::error!(error = %e, "notifier failed");
            AppError::new(crate::error::ErrorCode::Unavailable, "短信/邮件发送失败")
        })?;
    }
    Ok(n)
}

// ---- mailbox use cases ---------------------------------------------------------------------------------------------

async fn unread_of(p: &Platform, mailbox: &str) -> AppResult<u64> {
    count_at(p, mailbox, UNREAD_SK).await
}

async fn count_at(p: &Platform, pk: &str, sk: &str) -> AppResult<u64> {
    Ok(match p.store.get(pk, sk).await? {
        Some(item) => item.decode::<Counter>()?.count,
        None => 0,
    })
}

/// The caller's unread count in one of its boxes.
async fn unread_for(p: &Platform, caller: &Principal, mailbox: &str) -> AppResult<u64> {
    let count = unread_of(p, mailbox).await?;
    if !is_scope_box(mailbox) {
        return Ok(count);
    }
    let read = count_at(
        p,
        &account_box(caller.account_id()),
        &format!("{READS_PREFIX}{mailbox}"),
    )
    .await?;
    Ok(count.saturating_sub(read))
}

/// `GET /v1/messages`: the caller's messages, newest first, `limit` per page, after `cursor` (the last id of the
/// previous page), with the unread count.
pub async fn list(
    p: &Platform,
    caller: &Principal,
    limit: u32,
    cursor: Option<String>,
) -> AppResult<MessagePage> {
    if let Some(c) = &cursor
        && !is_message_cursor(c)
    {
        return Err(AppError::field(
            "cursor",
            "INVALID_CURSOR",
            "cursor 无效，请从第一页重新查询",
        ));
    }
    let upper = match &cursor {
        Some(c) => format!("{MSG_PREFIX}{c}"),
        None => format!("{MSG_PREFIX}~"),
    };
    let mut found: Vec<Message> = Vec::new();
    let mut unread = 0;
    for mailbox in boxes_of(caller) {
        let page = p
            .store
            .query(
                Query::base(mailbox.clone())
                    .between(MSG_PREFIX, upper.clone())
                    .backward()
                    .limit(limit + 2),
            )
            .await?;
        for item in &page.items {
            let mut m: Message = item.decode()?;
            if Some(&m.id) != cursor.as_ref() {
                if is_scope_box(&mailbox) {
                    m.read_at = read_by(p, caller, &m.id).await?;
                }
                found.push(m);
            }
        }
        unread += unread_for(p, caller, &mailbox).await?;
    }
    found.sort_by(|a, b| b.id.cmp(&a.id));
    found.dedup_by(|a, b| a.id == b.id);
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    Ok(MessagePage {
        next_cursor: if more {
            found.last().map(|m| m.id.clone())
        } else {
            None
        },
        items: found.iter().map(MessageView::from).collect(),
        unread,
    })
}

/// `POST /v1/messages/{id}/read`: mark one of the caller's messages read (again: no change). 404 for any
/// message not in the caller's boxes.
pub async fn mark_read(p: &Platform, caller: &Principal, id: &str) -> AppResult<MessageView> {
    let not_found = || AppError::not_found("消息不存在");
    if !message_id_ok(id) {
        return Err(not_found());
    }
    let sk = format!("{MSG_PREFIX}{id}");
    for mailbox in boxes_of(caller) {
        if is_scope_box(&mailbox) {
            let Some(item) = p.store.get(&mailbox, &sk).await? else {
                continue;
            };
            let mut m: Message = item.decode()?;
            m.read_at = Some(mark_scope_message_read(p, caller, &mailbox, id).await?);
            return Ok(MessageView::from(&m));
        }
        for _ in 0..COUNTER_ATTEMPTS {
            let Some(item) = p.store.get(&mailbox, &sk).await? else {
                break;
            };
            let mut m: Message = item.decode()?;
            if m.read_at.is_some() {
                return Ok(MessageView::from(&m));
            }
            m.read_at = Some(p.clock.now());
            let counter_op = counter_change(p, &mailbox, -1).await?;
            match p
                .store
                .transact(vec![
                    TxOp::Put {
                        item: Item::new(mailbox.clone(), sk.clone(), &m)
                            .with_version(item.version + 1),
                        cond: Cond::VersionIs(item.version),
                    },
                    counter_op,
                ])
                .await
            {
                Ok(()) => return Ok(MessageView::from(&m)),
                Err(StoreError::ConditionFailed { .. } | StoreError::Conflict) => {
                    tokio::task::yield_now().await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Err(not_found())
}

/// Record that the caller read the scope message `id` of `mailbox` (once); when it was read.
async fn mark_scope_message_read(
    p: &Platform,
    caller: &Principal,
    mailbox: &str,
    id: &str,
) -> AppResult<OffsetDateTime> {
    let own = account_box(caller.account_id());
    let marker_sk = format!("{READ_PREFIX}{id}");
    let reads_sk = format!("{READS_PREFIX}{mailbox}");
    for _ in 0..COUNTER_ATTEMPTS {
        if let Some(at) = read_by(p, caller, id).await? {
            return Ok(at);
        }
        let read_at = p.clock.now();
        let counter_op = counter_change_at(p, &own, &reads_sk, 1).await?;
        match p
            .store
            .transact(vec![
                TxOp::Put {
                    item: Item::new(own.clone(), marker_sk.clone(), &ReadMarker { read_at }),
                    cond: Cond::Absent,
                },
                counter_op,
            ])
            .await
        {
            Ok(()) => return Ok(read_at),
            Err(StoreError::ConditionFailed { .. } | StoreError::Conflict) => {
                tokio::task::yield_now().await;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict.into())
}

/// For tests and tools: every message of a box, oldest first.
pub async fn all_in_box(p: &Platform, mailbox: &str) -> AppResult<Vec<Message>> {
    let query = Query::base(mailbox).begins_with(MSG_PREFIX);
    crate::ports::query_all(p.store.as_ref(), query)
        .await?
        .iter()
        .map(|item| item.decode().map_err(AppError::from))
        .collect()
}

/// The unread count of a box (tests and tools).
pub async fn unread_in_box(p: &Platform, mailbox: &str) -> AppResult<u64> {
    unread_of(p, mailbox).await
}
