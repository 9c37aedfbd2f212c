//! Domain events: every state change writes one in the same transaction (audit trail and outbox).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::ports::{Cond, Item, TxOp};

/// One event, stored beside its aggregate (`pk` of the aggregate, `sk = EVENT#<ulid>`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// e.g. `account.registered`.
    pub kind: String,
    /// The aggregate's partition key, e.g. `ACCOUNT#01J...`.
    pub aggregate: String,
    /// The account that acted (none for the system).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(with = "crate::domain::timestamp")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub data: Value,
}

pub const EVENT_PREFIX: &str = "EVENT#";

/// The secondary-index partition of the event feed: every event item carries `gsi1 = (FEED, <event id>)`, so a
/// reader (the local runner's dispatcher, a replay tool) tails all events in id order after any cursor with one
/// `Query` per page.
///
/// Why one partition and not one per day (`FEED#<UTC date>`) or sharded:
/// - At any instant every new event goes to the *current* bucket whichever time bucketing is chosen, so a daily
///   key is exactly as hot for writes as a single one; only sharding (`FEED#<n>`, n = hash(aggregate) mod N,
///   read back as an N-way merge) spreads writes. The platform's event rate (national, but tens of thousands of
///   enterprises with a few dozen state changes each per year; peaks of tens per second at a window's deadline)
///   is two orders of magnitude below DynamoDB's per-partition ceiling (~1000 writes/s), and GSIs have no
///   item-collection size limit. Should that change, the key becomes `FEED#<n>` and [`feed_partitions`] lists
///   the N keys to merge.
/// - On AWS the table's stream, not this feed, carries the events to the notify function; the feed costs one
///   index write per event and is read only by the local dispatcher and by replays.
/// - A single partition lets a reader resume from any cursor without knowing which dates hold events, which
///   matters locally where the development clock may be moved backwards (events are stamped with the platform
///   clock).
pub const FEED_PK: &str = "FEED";

/// The feed partitions a reader merges (one today; see [`FEED_PK`]).
pub fn feed_partitions() -> &'static [&'static str] {
    &[FEED_PK]
}

/// A time-ordered id (ULID) from the platform clock, monotonic within the process: ids made for the same
/// millisecond increase by one in their random part, so "the latest" by id is the one made last and records of
/// one moment keep their creation order, even when calls for other milliseconds come in between. The id's time
/// stays the clock's (after the development clock was moved back, ids sort by the time they carry).
pub fn new_id(now: OffsetDateTime) -> String {
    static IDS: IdGenerator = IdGenerator::new();
    IDS.next(now)
}

/// The state behind [`new_id`]: the last random part used for each recent millisecond.
struct IdGenerator {
    last: std::sync::Mutex<std::collections::BTreeMap<u64, u128>>,
}

impl IdGenerator {
    const RANDOM_BITS: u32 = 80;
    /// How many milliseconds are remembered (older ones are forgotten first).
    const REMEMBERED: usize = 4096;

    const fn new() -> Self {
        IdGenerator {
            last: std::sync::Mutex::new(std::collections::BTreeMap::new()),
        }
    }

    fn next(&self, now: OffsetDateTime) -> String {
        let ms = (now.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
        let mut last = self
            .last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let random = match last.get(&ms) {
            // 2^79 increments of headroom from a fresh start; beyond the 80 bits, start again at zero (never
            // reached in practice).
            Some(r) if r + 1 < (1u128 << Self::RANDOM_BITS) => r + 1,
            Some(_) => 0,
            // A new millisecond starts below 2^79.
            None => rand::random::<u128>() & ((1u128 << (Self::RANDOM_BITS - 1)) - 1),
        };
        last.insert(ms, random);
        while last.len() > Self::REMEMBERED {
            last.pop_first();
        }
        ulid::Ulid::from_parts(ms, random).to_string()
    }
}

/// Whether a client-supplied id can be one of ours (1–64 ASCII letters and digits); anything else is simply
/// not found, without a store round trip.
pub fn is_valid_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

impl Event {
    pub fn new(
        kind: &str,
        aggregate: &str,
        actor: Option<&str>,
        now: OffsetDateTime,
        data: Value,
    ) -> Self {
        Event {
            id: new_id(now),
            kind: kind.to_owned(),
            aggregate: aggregate.to_owned(),
            actor: actor.map(str::to_owned),
            at: now,
            data,
        }
    }

    /// The transaction action that appends this event.
    pub fn tx_op(&self) -> TxOp {
        TxOp::Put {
            item: Item::new(
                self.aggregate.clone(),
                format!("{EVENT_PREFIX}{}", self.id),
                self,
            )
            .with_gsi1(FEED_PK, self.id.clone()),
            cond: Cond::Absent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn ids_made_in_one_millisecond_keep_their_creation_order() {
        let ids = IdGenerator::new();
        let t = datetime!(2026-05-10 02:00:00.123 UTC);
        let other = t + time::Duration::milliseconds(1);
        // Calls for another millisecond in between do not reset the order of this one.
        let mut made: Vec<String> = (0..10_000)
            .map(|i| {
                if i % 7 == 0 {
                    ids.next(other);
                }
                ids.next(t)
            })
            .collect();
        made.push(ids.next(t + time::Duration::milliseconds(2)));
        assert!(
            made.windows(2).all(|w| w[0] < w[1]),
            "ids are strictly increasing"
        );
        let back = ids.next(t - time::Duration::hours(1));
        assert_eq!(
            ulid::Ulid::from_string(&back).unwrap().timestamp_ms() as i128,
            (t - time::Duration::hours(1)).unix_timestamp_nanos() / 1_000_000,
            "an id carries the clock's time"
        );
    }

    #[test]
    fn every_event_item_is_in_the_feed_under_its_id() {
        let e = Event::new(
            "account.registered",
            "ACCOUNT#A",
            None,
            datetime!(2026-05-10 02:00 UTC),
            serde_json::json!({}),
        );
        let TxOp::Put { item, cond } = e.tx_op() else {
            panic!("a put")
        };
        assert_eq!(cond, Cond::Absent);
        assert_eq!(item.sk, format!("EVENT#{}", e.id));
        assert_eq!(item.gsi1, Some((FEED_PK.to_owned(), e.id.clone())));
        assert_eq!(item.decode::<Event>().unwrap(), e);
    }
}
