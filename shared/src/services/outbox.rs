//! The outbox notifier: every SMS and e-mail is written as a record (`OUTBOX` partition, time-ordered). Locally
//! that is the development outbox (`GET /v1/dev/outbox`); on AWS the records wait for the notify function's
//! SMS/e-mail delivery.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ports::{
    Channel, Cond, Item, Notifier, NotifyError, OutgoingMessage, Query, SharedClock, SharedStore,
};
use crate::services::events::new_id;

pub const OUTBOX_PK: &str = "OUTBOX";

/// One message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxEntry {
    pub id: String,
    pub channel: Channel,
    pub to: String,
    pub body: String,
    #[serde(with = "crate::domain::timestamp")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub sent_at: OffsetDateTime,
}

pub struct StoreOutbox {
    store: SharedStore,
    clock: SharedClock,
}

impl StoreOutbox {
    pub fn new(store: SharedStore, clock: SharedClock) -> Self {
        StoreOutbox { store, clock }
    }

    /// The newest `limit` messages, oldest of them first ("newest last").
    pub async fn recent(&self, limit: u32) -> Result<Vec<OutboxEntry>, crate::ports::StoreError> {
        let page = self
            .store
            .query(Query::base(OUTBOX_PK).backward().limit(limit))
            .await?;
        let mut items = page
            .items
            .iter()
            .map(Item::decode)
            .collect::<Result<Vec<OutboxEntry>, _>>()?;
        items.reverse();
        Ok(items)
    }
}

#[async_trait]
impl Notifier for StoreOutbox {
    async fn send(&self, message: OutgoingMessage) -> Result<(), NotifyError> {
        let now = self.clock.now();
        let entry = OutboxEntry {
            id: new_id(now),
            channel: message.channel,
            to: message.to,
            body: message.body,
            sent_at: now,
        };
        tracing::info!(channel = ?entry.channel, id = %entry.id, "message queued in the outbox");
        self.store
            .put(Item::new(OUTBOX_PK, entry.id.clone(), &entry), Cond::Absent)
            .await
            .map_err(|e| NotifyError(e.to_string()))
    }
}
