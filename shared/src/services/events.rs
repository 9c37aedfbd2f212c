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
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    #[serde(default)]
    pub data: Value,
}

pub const EVENT_PREFIX: &str = "EVENT#";

/// A time-ordered id from the platform clock.
pub fn new_id(now: OffsetDateTime) -> String {
    let ms = (now.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
    ulid::Ulid::from_parts(ms, rand::random::<u128>()).to_string()
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
            ),
            cond: Cond::Absent,
        }
    }
}
