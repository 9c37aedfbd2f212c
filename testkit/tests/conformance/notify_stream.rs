//! The notify consumer on a recorded DynamoDB Stream batch (`fixtures/stream_batch.json`, the shape Lambda
//! delivers with `StreamViewType: NEW_IMAGE`): the expected messages, no duplicates on redelivery, a malformed
//! record reported alone in `batchItemFailures`, and the local feed dispatcher producing the same messages from the
//! same events.

use std::sync::Arc;

use serde_json::{Value, json};
use time::macros::datetime;

use shared::clock::MovableClock;
use shared::domain::account::{Account, RealNameSubject, Verification};
use shared::domain::principal::Level;
use shared::ports::{Cond, Item, SharedClock, SharedStore};
use shared::rules::region::RegionCode;
use shared::services::events::Event;
use shared::services::identity::verifier_for;
use shared::services::messages::{self, Message};
use shared::services::outbox::StoreOutbox;
use shared::services::stream::{self, FeedDispatcher};
use shared::services::{Platform, Policy, VerificationMode};
use sme_embedded::sqlite_store::SqliteStore;

const FIXTURE: &str = include_str!("fixtures/stream_batch.json");
const USCC: &str = "91330106MA2B3C4D5E";
const ACCOUNT: &str = "01JZ8Q0000ACC0VNT000000001";

fn platform() -> Platform {
    let clock: SharedClock = Arc::new(MovableClock::frozen_at(datetime!(2026-05-16 02:00 UTC)));
    let store: SharedStore = Arc::new(SqliteStore::in_memory(clock.clone()).expect("sqlite"));
    Platform {
        sessions: Default::default(),
        notifier: Arc::new(StoreOutbox::new(store.clone(), clock.clone())),
        verifier: verifier_for(VerificationMode::Checks),
        policy: Policy::default(),
        blobs: None,
        store,
        clock,
    }
}

/// The enterprise's verified account and the USCC pointer to it, as registration leaves them.
async fn seed_enterprise(p: &Platform) {
    let now = datetime!(2026-05-01 02:00 UTC);
    let account = Account {
        id: ACCOUNT.into(),
        login_name: "hangzhou_gear".into(),
        password_hash: "$argon2id$unused".into(),
        phone: "13912345678".into(),
        email: Some("finance@gear.example.cn".into()),
        fixed_role: None,
        official: None,
        verification: Verification::Verified {
            subject: RealNameSubject::LegalPerson {
                uscc: USCC.into(),
                enterprise_name: "杭州精密齿轮有限公司".into(),
                legal_representative: "张三".into(),
                id_number: None,
                uscc_check_warning: false,
            },
            verified_at: now,
        },
        created_at: now,
        password_changed_at: now,
        session_generation: 0,
        revoked_sessions: Vec::new(),
    };
    p.store
        .put(
            Item::new(format!("ACCOUNT#{ACCOUNT}"), "PROFILE", &account),
            Cond::Absent,
        )
        .await
        .unwrap();
    p.store
        .put(
            Item::new(
                format!("USCC#{USCC}"),
                "POINTER",
                &json!({"account_id": ACCOUNT}),
            ),
            Cond::Absent,
        )
        .await
        .unwrap();
}

fn batch() -> Value {
    serde_json::from_str(FIXTURE).expect("fixture parses")
}

fn enterprise_box() -> String {
    messages::account_box(ACCOUNT)
}

fn county_box() -> String {
    messages::officials_box(Level::County, RegionCode::parse("330106").unwrap())
}

fn city_box() -> String {
    messages::officials_box(Level::City, RegionCode::parse("330106").unwrap())
}

async fn titles(p: &Platform, mailbox: &str) -> Vec<String> {
    messages::all_in_box(p, mailbox)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.title)
        .collect()
}

async fn outbox_count(p: &Platform) -> usize {
    StoreOutbox::new(p.store.clone(), p.clock.clone())
        .recent(1000)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_recorded_stream_batch_produces_the_expected_messages() {
    let p = platform();
    seed_enterprise(&p).await;
    let answer = stream::handle_stream_batch(&p, &batch()).await.unwrap();
    assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        json!({"batchItemFailures": []})
    );

    assert_eq!(
        titles(&p, &enterprise_box()).await,
        [
            "申报已提交",
            "申报审核中",
            "申报被退回",
            "申报已提交",
            "申报审核中",
            "申报已通过县级审核",
        ]
    );
    let mine = messages::all_in_box(&p, &enterprise_box()).await.unwrap();
    assert_eq!(mine[0].id, "01KR7SSR804TFF59TDWH9EDD1R-a");
    assert!(
        mine[2]
            .body
            .contains("被县级主管部门退回，意见：营业收入证明材料不清晰"),
        "{}",
        mine[2].body
    );
    assert!(
        mine[5].body.contains("已报送市级主管部门"),
        "{}",
        mine[5].body
    );
    assert!(
        mine.iter()
            .all(|m| m.subject_id.as_deref() == Some("01JZ8Q0000DECLARATI0N00001"))
    );
    assert_eq!(
        messages::unread_in_box(&p, &enterprise_box())
            .await
            .unwrap(),
        6
    );

    // The county's queue gained the submission twice; the city's once, after the county passed it.
    assert_eq!(
        titles(&p, &county_box()).await,
        ["新的待审核申报", "新的待审核申报"]
    );
    assert_eq!(titles(&p, &city_box()).await, ["新的待审核申报"]);

    // Only the result (the return) went out by SMS and e-mail.
    let sent = StoreOutbox::new(p.store.clone(), p.clock.clone())
        .recent(100)
        .await
        .unwrap();
    assert_eq!(sent.len(), 2, "{sent:?}");
    let mut to: Vec<(String, String)> = sent
        .iter()
        .map(|m| (format!("{:?}", m.channel), m.to.clone()))
        .collect();
    to.sort();
    assert_eq!(
        to,
        [
            ("Email".to_owned(), "finance@gear.example.cn".to_owned()),
            ("Sms".to_owned(), "13912345678".to_owned())
        ]
    );
    assert!(sent.iter().all(|m| m.body.contains("申报被退回")));
}

#[tokio::test]
async fn the_same_batch_twice_creates_nothing_twice() {
    let p = platform();
    seed_enterprise(&p).await;
    let first = stream::handle_stream_batch(&p, &batch()).await.unwrap();
    let second = stream::handle_stream_batch(&p, &batch()).await.unwrap();
    assert!(first.batch_item_failures.is_empty() && second.batch_item_failures.is_empty());
    assert_eq!(
        messages::all_in_box(&p, &enterprise_box())
            .await
            .unwrap()
            .len(),
        6
    );
    assert_eq!(
        messages::all_in_box(&p, &county_box()).await.unwrap().len(),
        2
    );
    assert_eq!(
        messages::all_in_box(&p, &city_box()).await.unwrap().len(),
        1
    );
    assert_eq!(
        messages::unread_in_box(&p, &enterprise_box())
            .await
            .unwrap(),
        6
    );
    assert_eq!(messages::unread_in_box(&p, &county_box()).await.unwrap(), 2);
    assert_eq!(outbox_count(&p).await, 2, "no second SMS/e-mail");
}

#[tokio::test]
async fn a_malformed_record_is_reported_while_the_others_succeed() {
    let p = platform();
    seed_enterprise(&p).await;
    let mut b = batch();
    let records = b["Records"].as_array_mut().unwrap();
    // Record 3 (the return): its event body is cut off.
    records[2]["dynamodb"]["NewImage"]["data"]["S"] = json!("{\"id\":\"01JZ8Q3W5X00");
    // And one record that is not a stream record at all.
    records.push(json!({"eventID": "junk", "eventName": "INSERT", "eventSource": "aws:dynamodb",
                        "dynamodb": {"SequenceNumber": "999", "NewImage": {"sk": {"S": "EVENT#X"}}}}));
    let answer = stream::handle_stream_batch(&p, &b).await.unwrap();
    let failed: Vec<&str> = answer
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    let seq3 = batch()["Records"][2]["dynamodb"]["SequenceNumber"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(failed, [seq3.as_str(), "999"]);
    assert_eq!(
        serde_json::to_value(&answer).unwrap()["batchItemFailures"][0],
        json!({"itemIdentifier": seq3})
    );
    // Every other record produced its messages.
    assert_eq!(
        messages::all_in_box(&p, &enterprise_box())
            .await
            .unwrap()
            .len(),
        5
    );
    assert_eq!(outbox_count(&p).await, 0);
}

fn comparable(ms: Vec<Message>) -> Vec<(String, String, String, String)> {
    ms.into_iter()
        .map(|m| (m.id, m.category, m.title, m.body))
        .collect()
}

#[tokio::test]
async fn the_local_dispatcher_produces_the_same_messages_as_the_stream() {
    // Stream consumer.
    let via_stream = platform();
    seed_enterprise(&via_stream).await;
    stream::handle_stream_batch(&via_stream, &batch())
        .await
        .unwrap();

    // The same events written as the services write them (event item with its feed key), then the dispatcher.
    let via_feed = platform();
    seed_enterprise(&via_feed).await;
    for record in batch()["Records"].as_array().unwrap() {
        let event: Event = serde_json::from_str(
            record["dynamodb"]["NewImage"]["data"]["S"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        via_feed.store.transact(vec![event.tx_op()]).await.unwrap();
    }
    let dispatcher = FeedDispatcher::default();
    let pass = dispatcher.run_once(&via_feed).await.unwrap();
    assert_eq!((pass.events, pass.failed), (6, 0));
    let again = dispatcher.run_once(&via_feed).await.unwrap();
    assert_eq!(again.events, 0, "a second pass finds nothing new");
    // A fresh dispatcher (a restart) resumes from the stored cursor and creates nothing twice.
    FeedDispatcher::default().run_once(&via_feed).await.unwrap();

    for mailbox in [enterprise_box(), county_box(), city_box()] {
        assert_eq!(
            comparable(messages::all_in_box(&via_feed, &mailbox).await.unwrap()),
            comparable(messages::all_in_box(&via_stream, &mailbox).await.unwrap()),
            "{mailbox}"
        );
        assert_eq!(
            messages::unread_in_box(&via_feed, &mailbox).await.unwrap(),
            messages::unread_in_box(&via_stream, &mailbox)
                .await
                .unwrap()
        );
    }
    assert_eq!(
        outbox_count(&via_feed).await,
        outbox_count(&via_stream).await
    );
}

#[tokio::test]
async fn the_dispatcher_sees_events_written_behind_its_cursor() {
    // An event stamped before the newest one handled (a slow transaction, or the dev clock moved back) still
    // reaches its recipients.
    let p = platform();
    seed_enterprise(&p).await;
    let records = batch();
    let events: Vec<Event> = records["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            serde_json::from_str(r["dynamodb"]["NewImage"]["data"]["S"].as_str().unwrap()).unwrap()
        })
        .collect();
    let dispatcher = FeedDispatcher::new(std::time::Duration::from_secs(10 * 24 * 3600));
    p.store.transact(vec![events[5].tx_op()]).await.unwrap();
    dispatcher.run_once(&p).await.unwrap();
    p.store.transact(vec![events[0].tx_op()]).await.unwrap();
    let pass = dispatcher.run_once(&p).await.unwrap();
    assert_eq!(pass.events, 1);
    assert_eq!(
        messages::all_in_box(&p, &enterprise_box())
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn the_dispatcher_follows_the_dev_clock_back_and_forward() {
    // The runner starts at real time, the dev clock is moved back to May, events happen, and the clock jumps to
    // a later day before the next pass: every event is still handled.
    let clock = Arc::new(MovableClock::frozen_at(datetime!(2026-11-26 02:00 UTC)));
    let mut p = platform();
    p.clock = clock.clone();
    seed_enterprise(&p).await;
    let dispatcher = FeedDispatcher::new(std::time::Duration::from_secs(10));
    dispatcher.run_once(&p).await.unwrap();
    let records = batch();
    let event = |i: usize, at: time::OffsetDateTime| {
        let mut e: Event = serde_json::from_str(
            records["Records"][i]["dynamodb"]["NewImage"]["data"]["S"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        e.id = shared::services::events::new_id(at);
        e.at = at;
        e
    };
    clock.freeze(datetime!(2026-05-06 01:00 UTC));
    // The runner tells its dispatcher whenever the dev clock is moved.
    dispatcher.clock_moved(clock.now_for_test());
    let a = event(0, clock.now_for_test());
    p.store.transact(vec![a.tx_op()]).await.unwrap();
    clock.freeze(datetime!(2026-05-20 01:00 UTC));
    dispatcher.clock_moved(clock.now_for_test());
    let b = event(1, clock.now_for_test());
    p.store.transact(vec![b.tx_op()]).await.unwrap();
    let pass = dispatcher.run_once(&p).await.unwrap();
    assert_eq!(pass.events, 2);
    assert_eq!(
        titles(&p, &enterprise_box()).await,
        ["申报已提交", "申报审核中"]
    );
}

trait NowForTest {
    fn now_for_test(&self) -> time::OffsetDateTime;
}

impl NowForTest for MovableClock {
    fn now_for_test(&self) -> time::OffsetDateTime {
        shared::ports::Clock::now(self)
    }
}

/// Counts the feed items every query hands back (what a dispatcher pass reads): in full, or only their keys.
struct CountingStore {
    inner: SharedStore,
    feed_items_read: std::sync::atomic::AtomicUsize,
    feed_keys_listed: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl shared::ports::Store for CountingStore {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, shared::ports::StoreError> {
        self.inner.get(pk, sk).await
    }
    async fn put(&self, item: Item, cond: Cond) -> Result<(), shared::ports::StoreError> {
        self.inner.put(item, cond).await
    }
    async fn delete(
        &self,
        pk: &str,
        sk: &str,
        cond: Cond,
    ) -> Result<(), shared::ports::StoreError> {
        self.inner.delete(pk, sk, cond).await
    }
    async fn transact(
        &self,
        ops: Vec<shared::ports::TxOp>,
    ) -> Result<(), shared::ports::StoreError> {
        self.inner.transact(ops).await
    }
    async fn query(
        &self,
        query: shared::ports::Query,
    ) -> Result<shared::ports::Page, shared::ports::StoreError> {
        let counter = if query.keys_only {
            &self.feed_keys_listed
        } else {
            &self.feed_items_read
        };
        let page = self.inner.query(query).await?;
        counter.fetch_add(page.items.len(), std::sync::atomic::Ordering::Relaxed);
        Ok(page)
    }
}

/// A platform on an in-memory store that counts what the feed queries hand back, its clock frozen on a day in May.
fn counting_platform() -> (Platform, Arc<MovableClock>, Arc<CountingStore>) {
    let clock = Arc::new(MovableClock::frozen_at(datetime!(2026-05-16 02:00 UTC)));
    let mut p = platform();
    p.clock = clock.clone();
    let counting = Arc::new(CountingStore {
        inner: Arc::new(SqliteStore::in_memory(clock.clone()).expect("sqlite")),
        feed_items_read: Default::default(),
        feed_keys_listed: Default::default(),
    });
    p.store = counting.clone();
    (p, clock, counting)
}

#[tokio::test]
async fn after_a_burst_each_event_is_read_once_and_its_key_listed_only_within_the_look_back() {
    // 400 events in one burst, handled by the next pass; then a pass every second with nothing new. Each event is
    // handled once and its data read once; its key is listed again only while it lies inside the late-commit
    // look-back (the former 10-second window re-read the whole burst in full on every one of the next ten passes;
    // the 3-second one read it in full on the next three).
    let (p, clock, counting) = counting_platform();
    let burst = 400;
    for i in 0..burst {
        let event = Event::new(
            "declaration.save",
            &format!("DECL#{i}"),
            None,
            clock.now_for_test(),
            json!({}),
        );
        p.store.transact(vec![event.tx_op()]).await.unwrap();
    }
    let dispatcher = FeedDispatcher::default();
    clock.advance(time::Duration::milliseconds(200));
    let first = dispatcher.run_once(&p).await.unwrap();
    assert_eq!(first.events, burst);
    let read = || {
        counting
            .feed_items_read
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    let listed = || {
        counting
            .feed_keys_listed
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    assert_eq!(read(), burst, "the first pass reads every event once");
    let mut per_pass = Vec::new();
    for _ in 0..12 {
        clock.advance(time::Duration::seconds(1));
        let before = listed();
        let pass = dispatcher.run_once(&p).await.unwrap();
        assert_eq!(pass.events, 0, "an event was handled twice");
        per_pass.push(listed() - before);
    }
    assert_eq!(read(), burst, "idle passes read no event's data again");
    // At most three seconds of look-back: from the fourth idle pass on, nothing is listed.
    let look_back = 3;
    assert!(stream::LATE_COMMIT_LOOKBACK.as_secs() as usize <= look_back);
    assert!(
        per_pass[look_back..].iter().all(|&n| n == 0),
        "idle passes after the look-back still list {per_pass:?}"
    );
    assert!(
        per_pass.iter().sum::<usize>() <= look_back * burst,
        "idle passes re-list {per_pass:?}"
    );
}

#[tokio::test]
async fn an_event_that_commits_after_a_newer_one_was_read_is_found_by_the_look_back_and_read_once()
{
    // Event ids are stamped before their transaction commits: `late` is stamped first but commits after `early`
    // has been read. The next pass lists the look-back by keys, reads `late` alone, and handles it once.
    let (p, clock, counting) = counting_platform();
    let event = |n: usize| {
        Event::new(
            "declaration.save",
            &format!("DECL#{n}"),
            None,
            clock.now_for_test(),
            json!({}),
        )
    };
    let late = event(0);
    clock.advance(time::Duration::milliseconds(5));
    let early = event(1);
    assert!(late.id < early.id);
    p.store.transact(vec![early.tx_op()]).await.unwrap();
    let dispatcher = FeedDispatcher::default();
    clock.advance(time::Duration::milliseconds(100));
    assert_eq!(dispatcher.run_once(&p).await.unwrap().events, 1);
    p.store.transact(vec![late.tx_op()]).await.unwrap();
    let read_before = counting
        .feed_items_read
        .load(std::sync::atomic::Ordering::Relaxed);
    clock.advance(time::Duration::seconds(1));
    let pass = dispatcher.run_once(&p).await.unwrap();
    assert_eq!(pass.events, 1, "the late commit is handled");
    assert_eq!(
        counting
            .feed_items_read
            .load(std::sync::atomic::Ordering::Relaxed),
        read_before,
        "found by its key, read with one get: no event is read in full by the look-back"
    );
    clock.advance(time::Duration::seconds(1));
    assert_eq!(
        dispatcher.run_once(&p).await.unwrap().events,
        0,
        "handled once"
    );
}
