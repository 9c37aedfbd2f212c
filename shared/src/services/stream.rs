//! The notify consumer: events in, messages (and SMS/e-mail, reminder bookkeeping) out — from the table's DynamoDB
//! Stream under Lambda ([`handle_stream_batch`]) and from the event feed in the local runner ([`FeedDispatcher`]),
//! through the same [`process_event`]. Both are idempotent: message ids derive from event ids.
//!
//! A stream batch is read record by record from plain JSON (not one typed document): a malformed record must fail
//! alone and be reported in `batchItemFailures` by its sequence number while the others are processed.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{AppError, AppResult};
use crate::ports::{Cond, Item, OutgoingMessage, Query};
use crate::services::Platform;
use crate::services::events::{EVENT_PREFIX, Event, feed_partitions};
use crate::services::outbox::{OUTBOX_PK, OutboxEntry};
use crate::services::{messages, reminders};

/// Handle one event: its messages, and what the reminders keep from it.
pub async fn process_event(p: &Platform, event: &Event) -> AppResult<messages::Delivery> {
    let delivery = messages::deliver(p, event).await?;
    reminders::on_event(p, event).await?;
    Ok(delivery)
}

// ---- Lambda payloads -----------------------------------------------------------------------------------------------

/// What a notify invocation carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invocation {
    /// A DynamoDB Stream batch (`Records[*].eventSource == "aws:dynamodb"`).
    Stream,
    /// An EventBridge schedule (`source == "aws.events"` / `detail-type == "Scheduled Event"`).
    Schedule,
    /// Anything else: an API Gateway HTTP request.
    Http,
}

/// Tell the payload kinds apart by their shape.
pub fn classify(payload: &Value) -> Invocation {
    if let Some(records) = payload.get("Records").and_then(Value::as_array)
        && (records.is_empty()
            || records.iter().any(|r| {
                r.get("eventSource").and_then(Value::as_str) == Some("aws:dynamodb")
                    || r.get("dynamodb").is_some()
            }))
    {
        return Invocation::Stream;
    }
    if payload.get("source").and_then(Value::as_str) == Some("aws.events")
        || payload.get("detail-type").and_then(Value::as_str) == Some("Scheduled Event")
    {
        return Invocation::Schedule;
    }
    Invocation::Http
}

/// The partial-batch answer Lambda expects with `FunctionResponseTypes: [ReportBatchItemFailures]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<BatchItemFailure>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchItemFailure {
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

/// The event in one stream record: `Ok(None)` for records that are not event inserts (removals, other items —
/// the event-source filter should keep them away), `Err` for a record that cannot be read.
pub fn event_of_record(record: &Value) -> Result<Option<Event>, String> {
    let name = record
        .get("eventName")
        .and_then(Value::as_str)
        .ok_or("record without eventName")?;
    if name == "REMOVE" {
        return Ok(None);
    }
    let change = record.get("dynamodb").ok_or("record without dynamodb")?;
    let image = change
        .get("NewImage")
        .ok_or("record without NewImage (the stream must carry new images)")?;
    let s = |attr: &str| -> Option<&str> { image.get(attr)?.get("S")?.as_str() };
    let sk = s("sk").ok_or("NewImage without sk")?;
    if !sk.starts_with(EVENT_PREFIX) {
        return Ok(None);
    }
    let data = s("data").ok_or("event item without data")?;
    let event: Event = serde_json::from_str(data)
        .map_err(|e| format!("event item {sk}: undecodable data: {e}"))?;
    if format!("{EVENT_PREFIX}{}", event.id) != sk {
        return Err(format!("event item {sk}: id {} does not match", event.id));
    }
    Ok(Some(event))
}

/// An outbox entry inserted by another function (`pk = OUTBOX`): a code or notice to send by SMS/e-mail. `Some(Err)`
/// for an entry that cannot be read.
fn outbox_entry_of_record(record: &Value) -> Option<Result<OutboxEntry, String>> {
    let image = record.pointer("/dynamodb/NewImage")?;
    if image.pointer("/pk/S").and_then(Value::as_str) != Some(OUTBOX_PK) {
        return None;
    }
    Some(
        image
            .pointer("/data/S")
            .and_then(Value::as_str)
            .ok_or_else(|| "outbox item without data".to_owned())
            .and_then(|d| serde_json::from_str(d).map_err(|e| format!("outbox item: {e}"))),
    )
}

const OUTBOX_SENT_PK: &str = "OUTBOX#SENT";

/// Send an outbox entry through the notifier once (a marker records it; at least once if the marker write fails).
async fn relay_outbox(p: &Platform, entry: Result<OutboxEntry, String>) -> Result<(), String> {
    let entry = entry?;
    if p.store
        .get(OUTBOX_SENT_PK, &entry.id)
        .await
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Ok(());
    }
    p.notifier
        .send(OutgoingMessage {
            channel: entry.channel,
            to: entry.to.clone(),
            body: entry.body.clone(),
        })
        .await
        .map_err(|e| e.to_string())?;
    let week = p.clock.now().unix_timestamp() + 7 * 24 * 3600;
    p.store
        .put(
            Item::new(OUTBOX_SENT_PK, entry.id.clone(), &serde_json::json!({})).expiring_at(week),
            Cond::Always,
        )
        .await
        .map_err(|e| e.to_string())
}

fn record_identifier(record: &Value, index: usize) -> String {
    record
        .pointer("/dynamodb/SequenceNumber")
        .and_then(Value::as_str)
        .or_else(|| record.get("eventID").and_then(Value::as_str))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("record-{index}"))
}

/// Handle a DynamoDB Stream batch: every record on its own; the ones that failed are answered by sequence number.
pub async fn handle_stream_batch(p: &Platform, payload: &Value) -> Result<BatchResponse, String> {
    let records = payload
        .get("Records")
        .and_then(Value::as_array)
        .ok_or("not a stream batch: no Records")?;
    let mut response = BatchResponse::default();
    for (index, record) in records.iter().enumerate() {
        if let Some(entry) = outbox_entry_of_record(record) {
            if let Err(why) = relay_outbox(p, entry).await {
                let id = record_identifier(record, index);
                tracing::error!(item = %id, error = %why, "outbox relay failed");
                response.batch_item_failures.push(BatchItemFailure {
                    item_identifier: id,
                });
            }
            continue;
        }
        let outcome = match event_of_record(record) {
            Ok(Some(event)) => process_event(p, &event)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        };
        if let Err(why) = outcome {
            let id = record_identifier(record, index);
            tracing::error!(item = %id, error = %why, "stream record failed");
            response.batch_item_failures.push(BatchItemFailure {
                item_identifier: id,
            });
        }
    }
    Ok(response)
}

// ---- the local dispatcher ------------------------------------------------------------------------------------------

/// Where the dispatcher's cursor is kept (it survives restarts).
const CURSOR_PK: &str = "DISPATCH";
const CURSOR_SK: &str = "FEED";
/// A failing event is retried on this many passes, then given up (and logged).
const MAX_FAILURES: u32 = 5;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct CursorRecord {
    /// Platform-clock milliseconds at the start of the last complete pass: every event stamped before it (less the
    /// look-back) has been handled.
    ms: u64,
}

#[derive(Default)]
struct DispatchState {
    loaded: bool,
    cursor_ms: u64,
    /// Events handled within the look-back window, by id (value: the id's milliseconds).
    seen: BTreeMap<String, u64>,
    failures: HashMap<String, u32>,
    /// The newest event id read so far: the feed after it is new; before it, only the look-back window can hold
    /// an event that committed late.
    high_water: Option<ulid::Ulid>,
}

/// Tails the event feed (`gsi1 = FEED`) and hands every event to [`process_event`], in id order.
///
/// Event ids are ULIDs stamped by the platform clock before their transaction commits, so an event may become
/// visible after a later one was read (slow transactions; several events in one millisecond), and the development
/// clock may be moved backwards or forwards. The cursor is therefore the platform time at the start of the last
/// pass, not the newest id seen: each pass reads from the earlier of that cursor and "now", less a look-back
/// window (longer than a write takes from stamping its event to its commit: [`LATE_COMMIT_LOOKBACK`]), to the end
/// of the feed, skipping ids it has handled; what it handles twice anyway is harmless (idempotent delivery). Only
/// what lies after the newest event read is read in full; the look-back before it is listed by keys alone (which
/// the embedded store answers from its index) and only an event not handled yet is then read. So an event is
/// handled once and its data read once (twice if it committed late), its key listed at most look-back / interval
/// more times, and the idle dispatcher stops listing a burst's keys one look-back after it.
pub struct FeedDispatcher {
    lookback_ms: u64,
    state: tokio::sync::Mutex<DispatchState>,
    /// The earliest time the clock was moved to since the last pass.
    rewinds: std::sync::Mutex<Option<u64>>,
}

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PassReport {
    pub events: usize,
    pub messages: usize,
    pub failed: usize,
}

/// How far back the dispatcher looks for events that committed after a newer one was read (their ids are
/// stamped before the transaction commits): longer than any write waits for its commit.
pub const LATE_COMMIT_LOOKBACK: std::time::Duration = std::time::Duration::from_secs(3);

impl Default for FeedDispatcher {
    fn default() -> Self {
        Self::new(LATE_COMMIT_LOOKBACK)
    }
}

fn ulid_ms(id: &str) -> Option<u64> {
    ulid::Ulid::from_string(id).ok().map(|u| u.timestamp_ms())
}

/// What a pass has done so far.
#[derive(Default)]
struct Pass {
    report: PassReport,
    /// The id time of the earliest event that failed and will be retried.
    first_failed: Option<u64>,
}

impl Pass {
    /// Hand one feed item to [`process_event`] unless it was handled already; count the outcome.
    async fn handle(&mut self, p: &Platform, st: &mut DispatchState, id: &str, item: &Item) {
        if st.seen.contains_key(id) {
            return;
        }
        let ms = ulid_ms(id).unwrap_or(0);
        let outcome = match item.decode::<Event>() {
            Ok(event) => process_event(p, &event).await,
            Err(e) => Err(AppError::from(e)),
        };
        match outcome {
            Ok(d) => {
                self.report.events += 1;
                self.report.messages += d.created;
                st.failures.remove(id);
                st.seen.insert(id.to_owned(), ms);
            }
            Err(e) => {
                self.report.failed += 1;
                let n = st.failures.entry(id.to_owned()).or_default();
                *n += 1;
                if *n >= MAX_FAILURES {
                    tracing::error!(event_id = %id, error = %e, "event given up after repeated failures");
                    st.failures.remove(id);
                    st.seen.insert(id.to_owned(), ms);
                } else {
                    tracing::warn!(event_id = %id, error = %e, "event not delivered; retried next pass");
                    self.first_failed = Some(self.first_failed.map_or(ms, |f| f.min(ms)));
                }
            }
        }
    }
}

impl FeedDispatcher {
    pub fn new(lookback: std::time::Duration) -> Self {
        FeedDispatcher {
            lookback_ms: lookback.as_millis() as u64,
            state: tokio::sync::Mutex::new(DispatchState::default()),
            rewinds: std::sync::Mutex::new(None),
        }
    }

    /// The platform clock was moved to `to` (the local runner's `POST /v1/dev/clock`): events stamped from then on
    /// may lie before the cursor, so the next pass reads from there.
    pub fn clock_moved(&self, to: time::OffsetDateTime) {
        let ms = (to.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
        let mut rewinds = self.rewinds.lock().unwrap_or_else(|e| e.into_inner());
        *rewinds = Some(rewinds.map_or(ms, |r: u64| r.min(ms)));
    }

    /// One pass over the feed: every event not handled yet, oldest first. Passes never overlap.
    pub async fn run_once(&self, p: &Platform) -> AppResult<PassReport> {
        let mut st = self.state.lock().await;
        if !st.loaded {
            if let Some(item) = p.store.get(CURSOR_PK, CURSOR_SK).await? {
                st.cursor_ms = item.decode::<CursorRecord>()?.ms;
            }
            st.loaded = true;
        }
        if let Some(to) = self
            .rewinds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            st.cursor_ms = st.cursor_ms.min(to);
        }
        let now_ms = (p.clock.now().unix_timestamp_nanos() / 1_000_000).max(0) as u64;
        let start_ms = st.cursor_ms.min(now_ms).saturating_sub(self.lookback_ms);
        let window = ulid::Ulid::from_parts(start_ms, 0);
        // New events lie after the newest one read. Before it, only the look-back window can hold an event that
        // committed late: that part is listed by keys alone (the store may answer from its index), and only the
        // events not handled yet are read. When the newest read lies before the window (idle for a while, or a
        // clock moved back), everything from the earlier of the two is read in full.
        let after_newest = st.high_water.and_then(|h| h.increment());
        let (late, fresh_from) = match (after_newest, st.high_water) {
            (Some(after), Some(newest)) if after > window => (Some((window, newest)), after),
            (Some(after), _) if after < window => (None, after),
            _ => (None, window),
        };
        let mut pass = Pass::default();
        for partition in feed_partitions() {
            if let Some((from, to)) = late {
                let query = Query::gsi1(*partition)
                    .between(from.to_string(), to.to_string())
                    .limit(1000)
                    .keys_only();
                let mut unseen = Vec::new();
                for key in crate::ports::query_all(p.store.as_ref(), query).await? {
                    if let Some((_, id)) = &key.gsi1
                        && !st.seen.contains_key(id)
                    {
                        unseen.push((id.clone(), key.pk, key.sk));
                    }
                }
                unseen.sort();
                for (id, pk, sk) in unseen {
                    if let Some(item) = p.store.get(&pk, &sk).await? {
                        pass.handle(p, &mut st, &id, &item).await;
                    }
                }
            }
            let mut cursor = None;
            loop {
                let page = p
                    .store
                    .query(
                        Query::gsi1(*partition)
                            .between(fresh_from.to_string(), "~")
                            .limit(200)
                            .after(cursor),
                    )
                    .await?;
                for item in &page.items {
                    let Some((_, id)) = &item.gsi1 else { continue };
                    if let Ok(read) = ulid::Ulid::from_string(id)
                        && st.high_water.is_none_or(|h| read > h)
                    {
                        st.high_water = Some(read);
                    }
                    pass.handle(p, &mut st, id, item).await;
                }
                match page.next_cursor {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
        }
        let Pass {
            report,
            first_failed,
        } = pass;
        // A failed event holds the cursor so it stays inside the window until it succeeds or is given up.
        let cursor_ms = match first_failed {
            Some(f) => now_ms.min(f),
            None => now_ms,
        };
        let keep_from = cursor_ms.saturating_sub(self.lookback_ms);
        st.seen.retain(|_, ms| *ms >= keep_from);
        if cursor_ms != st.cursor_ms {
            st.cursor_ms = cursor_ms;
            p.store
                .put(
                    Item::new(CURSOR_PK, CURSOR_SK, &CursorRecord { ms: cursor_ms }),
                    Cond::Always,
                )
                .await?;
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payloads_are_told_apart_by_shape() {
        assert_eq!(
            classify(&json!({"Records": [{"eventSource": "aws:dynamodb", "dynamodb": {}}]})),
            Invocation::Stream
        );
        assert_eq!(
            classify(
                &json!({"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
            ),
            Invocation::Schedule
        );
        assert_eq!(
            classify(
                &json!({"version": "2.0", "routeKey": "GET /v1/messages", "rawPath": "/v1/messages"})
            ),
            Invocation::Http
        );
        assert_eq!(
            classify(&json!({"Records": [{"eventSource": "aws:sqs"}]})),
            Invocation::Http
        );
    }

    #[test]
    fn non_event_and_removed_records_are_skipped_and_broken_ones_refused() {
        let removal = json!({"eventName": "REMOVE", "dynamodb": {}});
        assert_eq!(event_of_record(&removal), Ok(None));
        let other = json!({"eventName": "INSERT", "dynamodb": {"NewImage": {"pk": {"S": "DECL#1"}, "sk": {"S": "DECL"}, "data": {"S": "{}"}}}});
        assert_eq!(event_of_record(&other), Ok(None));
        let broken = json!({"eventName": "INSERT", "dynamodb": {"NewImage": {"pk": {"S": "DECL#1"}, "sk": {"S": "EVENT#01J"}, "data": {"S": "{not json"}}}});
        assert!(event_of_record(&broken).is_err());
        assert!(event_of_record(&json!({})).is_err());
    }
}
