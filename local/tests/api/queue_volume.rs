//! Queues and statistics with several hundred declarations across regions (issue 4), on SQLite and on DynamoDB
//! (moto) — where an SDK interceptor records every operation the store issues and the test asserts it never
//! called `Scan`.
//!
//! Seeding: a few dozen declarations go the whole way through HTTP (enterprise, profile, evidence, submit, then
//! officials start and pass them); the bulk (450) is written straight through the store, each declaration
//! built by the domain state machine and saved with the service's own index entries (`index_ops`) at chosen
//! instants. The test keeps its own model of every declaration (region, tier, status,
//! the level it waits at, since when) and derives every expectation from that model, never from the product.
//! Every read under test goes through HTTP: `GET /v1/admin/queue` paged with `limit=37` and cursors, and
//! `GET /v1/admin/statistics` (JSON and CSV).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

use crate::support::fixtures::*;
use crate::support::*;
use shared::domain::declaration::{
    Action, Decision, Declaration, Snapshot, WithdrawMode, review_chain,
};
use shared::domain::principal::Level;
use shared::domain::tier::Tier;
use shared::ports::{Cond, Item, TxOp};
use shared::rules::industry::IndustryCode;
use shared::rules::region::RegionCode;
use shared::services::records::{DECL_SK, decl_pk, index_ops};

const YEAR: i32 = 2026;
/// How many declarations are written straight through the store.
const DIRECT: usize = 450;
const PAGE: usize = 37;

/// The regions: five Zhejiang counties in two cities, a Jiangsu county, a Beijing district (no city level).
const COUNTIES: [&str; 7] = [
    "330106", "330102", "330108", "330203", "330212", "320102", "110105",
];
const CITIES: [&str; 3] = ["330100", "330200", "320100"];
const PROVINCES: [&str; 3] = ["330000", "320000", "110000"];
/// Industry classes and their sections (GB/T 4754-2017), as the test knows them.
const INDUSTRIES: [(&str, &str); 5] = [
    ("3741", "C"),
    ("6513", "I"),
    ("7320", "M"),
    ("4411", "D"),
    ("0511", "A"),
];

/// The platform clock (frozen while the test reads).
fn now(tp: &TestPlatform) -> OffsetDateTime {
    shared::ports::Clock::now(tp.clock.as_ref())
}

fn t(rfc3339: &str) -> OffsetDateTime {
    OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).unwrap()
}

/// HTTP seeding happens here (inside every window), the clock frozen a few seconds apart per action.
const DURING: &str = "2026-05-10T10:00:00+08:00";
/// The bulk's first submission; one every 100 minutes after it.
const BULK_FROM: &str = "2026-04-01T09:00:00+08:00";
/// The statistics are read here, then ten days later.
const READ_AT: &str = "2026-05-12T12:00:30+08:00";

// ---- the test's own model --------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Model {
    id: String,
    region: &'static str,
    tier: &'static str,
    section: &'static str,
    status: &'static str,
    /// The level it waits at (queue), if any.
    waits_at: Option<&'static str>,
    /// The level it is at (submitted / under review), for the backlog.
    level: Option<&'static str>,
    since: OffsetDateTime,
}

/// The review chain as the policy states it: county → city → province (→ ministry for little giants); Beijing
/// districts have no city level.
fn chain(tier: &str, region: &str) -> Vec<&'static str> {
    let mut c = vec!["county"];
    if !region.starts_with("11") {
        c.push("city");
    }
    c.push("province");
    if tier == "little_giant" {
        c.push("ministry");
    }
    c
}

/// Status and levels after `steps` alternating starts and passes along the chain.
fn after_steps(
    chain: &[&'static str],
    steps: usize,
) -> (&'static str, Option<&'static str>, Option<&'static str>) {
    if steps == 2 * chain.len() {
        ("publicity", Some(chain[chain.len() - 1]), None)
    } else if steps.is_multiple_of(2) {
        ("submitted", Some(chain[steps / 2]), Some(chain[steps / 2]))
    } else {
        (
            "under_review",
            Some(chain[steps / 2]),
            Some(chain[steps / 2]),
        )
    }
}

/// The scope prefix of an official (`330106`, `3301`, `33`; empty for the ministry) and its level.
fn scope_of(level: &str, region: Option<&str>) -> String {
    match (level, region) {
        ("county", Some(r)) => r.to_owned(),
        ("city", Some(r)) => r[..4].to_owned(),
        ("province", Some(r)) => r[..2].to_owned(),
        _ => String::new(),
    }
}

/// What the model says waits in an official's queue, oldest first (ties by id).
fn expected_queue<'a>(
    models: &'a [Model],
    level: &str,
    scope: &str,
    keep: impl Fn(&Model) -> bool,
) -> Vec<&'a Model> {
    let mut out: Vec<&Model> = models
        .iter()
        .filter(|m| m.waits_at == Some(level) && m.region.starts_with(scope) && keep(m))
        .collect();
    out.sort_by(|a, b| (a.since, &a.id).cmp(&(b.since, &b.id)));
    out
}

/// Deterministic pseudo-random numbers (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn level_of(name: &str) -> Level {
    match name {
        "county" => Level::County,
        "city" => Level::City,
        "province" => Level::Province,
        _ => Level::Ministry,
    }
}

// ---- direct seeding ----------------------------------------------------------------------------------------------

/// What happens to a bulk declaration after submission.
#[derive(Clone, Copy, Debug)]
enum Fate {
    /// Alternating starts and passes along the chain.
    Steps(usize),
    /// Started, then returned (退回) at the first level.
    Returned,
    /// Started, then rejected (不通过) at the first level.
    Rejected,
    /// Withdrawn (撤回) before any review.
    Withdrawn,
}

/// Write a new declaration with the service's own index entries (`index_ops`: the jurisdiction registry and,
/// while it waits, the queue entry). One item at a time rather than in one transaction: moto copies the whole
/// table for every `TransactWriteItems`, which makes hundreds of them take minutes; nothing reads meanwhile.
async fn write(tp: &TestPlatform, d: &Declaration) {
    let record = Item::new(decl_pk(&d.id), DECL_SK, d)
        .with_gsi1(format!("ENT#{}#DECL", d.uscc), d.id.clone())
        .with_version(1);
    tp.store
        .put(record, Cond::Absent)
        .await
        .expect("seed a declaration");
    for op in index_ops(d) {
        match op {
            TxOp::Put { item, cond } => {
                tp.store.put(item, cond).await.expect("seed an index entry")
            }
            // A new record has no queue entry to remove.
            TxOp::Delete { .. } | TxOp::Check { .. } => {}
        }
    }
}

/// Build a declaration with the domain state machine and write it with the service's index entries.
async fn seed_direct(tp: &TestPlatform, n: usize, rng: &mut Rng) -> Model {
    // Weighted regions: many in Xihu (several pages of its county queue), fewer elsewhere.
    const WEIGHTED: [usize; 15] = [0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 4, 5, 5, 6];
    let region = COUNTIES[WEIGHTED[rng.next(WEIGHTED.len())]];
    let tier = ["innovative", "specialized", "little_giant"][rng.next(3)];
    let (industry, section) = INDUSTRIES[rng.next(INDUSTRIES.len())];
    let chain_names = chain(tier, region);
    let fate = match rng.next(100) {
        0..=3 => Fate::Returned,
        4..=7 => Fate::Rejected,
        8..=11 => Fate::Withdrawn,
        // Many still at the first level, the rest anywhere along the chain.
        12..=51 => Fate::Steps(rng.next(2)),
        _ => Fate::Steps(rng.next(2 * chain_names.len() + 1)),
    };
    let mut at = t(BULK_FROM) + Duration::minutes(100 * n as i64);
    let code = RegionCode::parse(region).unwrap();
    let tier_value = Tier::parse(tier).unwrap();
    let levels: Vec<Level> = chain_names.iter().map(|l| level_of(l)).collect();
    assert_eq!(
        review_chain(tier_value, code),
        levels,
        "the review chain of {tier} in {region}"
    );
    let id = shared::services::events::new_id(at);
    let mut d = Declaration::new_draft(
        id.clone(),
        uscc(10_000 + n as u32, region).parse().unwrap(),
        format!("批量企业{n}"),
        format!("ACCOUNT{n}"),
        tier_value,
        YEAR,
        code,
        at,
    );
    d.industry = Some(IndustryCode::parse(industry).unwrap());
    let apply = |d: &Declaration, action: Action, at: OffsetDateTime| {
        d.apply(action, at).expect("a valid transition").0
    };
    d = apply(
        &d,
        Action::Submit {
            chain: levels.clone(),
            window_open: true,
            snapshot: Box::new(Snapshot::freeze(at, "2026", json!({"seeded": n}))),
        },
        at,
    );
    let mut step = |d: &Declaration, action: Action| {
        at += Duration::minutes(37);
        apply(d, action, at)
    };
    let (status, waits_at, level) = match fate {
        Fate::Steps(steps) => {
            for k in 0..steps {
                let level = levels[k / 2];
                d = if k.is_multiple_of(2) {
                    step(&d, Action::StartReview { level })
                } else {
                    step(
                        &d,
                        Action::Decide {
                            level,
                            decision: Decision::Pass,
                            comment: String::new(),
                        },
                    )
                };
            }
            after_steps(&chain_names, steps)
        }
        Fate::Returned | Fate::Rejected => {
            d = step(&d, Action::StartReview { level: levels[0] });
            let decision = if matches!(fate, Fate::Returned) {
                Decision::Return
            } else {
                Decision::Reject
            };
            d = step(
                &d,
                Action::Decide {
                    level: levels[0],
                    decision,
                    comment: "材料不全".into(),
                },
            );
            let status = if matches!(fate, Fate::Returned) {
                "returned"
            } else {
                "rejected"
            };
            (status, None, None)
        }
        Fate::Withdrawn => {
            d = step(
                &d,
                Action::Withdraw {
                    mode: WithdrawMode::Cancel,
                    window_open: true,
                    acknowledge_no_resubmit: false,
                },
            );
            ("withdrawn", None, None)
        }
    };
    assert_eq!(d.status.as_str(), status, "{fate:?}");
    write(tp, &d).await;
    Model {
        id,
        region,
        tier,
        section,
        status,
        waits_at,
        level,
        since: d.waiting_since,
    }
}

// ---- HTTP seeding ------------------------------------------------------------------------------------------------

/// A verified enterprise of `region` submits a declaration of `tier` at the frozen instant `at`.
async fn seed_http(
    tp: &TestPlatform,
    n: u32,
    region: &'static str,
    tier: &'static str,
    at: OffsetDateTime,
) -> Model {
    tp.clock.freeze(at);
    let firm = tp
        .firm(
            &format!("firm{n}"),
            &uscc(n, region),
            &format!("测试企业{n}"),
            &profile(region, &LAST_THREE_YEARS),
            None,
        )
        .await;
    // Specialized needs a valid innovative qualification (granted after the profile: a recognised enterprise's
    // profile is locked outside the annual update period).
    tp.grant(&firm.uscc, "innovative", "2025-12-01").await;
    tp.assess_digital(&firm.token, Pick::Best).await;
    let (id, _) = tp.submit_ready_declaration(&firm.token, tier, YEAR).await;
    let (status, waits_at, level) = after_steps(&chain(tier, region), 0);
    Model {
        id,
        region,
        tier,
        section: "C",
        status,
        waits_at,
        level,
        since: at,
    }
}

// ---- officials -----------------------------------------------------------------------------------------------------

struct Official {
    login: String,
    level: &'static str,
    region: Option<&'static str>,
    token: String,
}

impl Official {
    fn scope(&self) -> String {
        scope_of(self.level, self.region)
    }
}

async fn officials(tp: &TestPlatform) -> Vec<Official> {
    let op = tp.operator().await;
    let mut wanted: Vec<(&'static str, Option<&'static str>)> = Vec::new();
    wanted.extend(COUNTIES.iter().map(|r| ("county", Some(*r))));
    wanted.extend(CITIES.iter().map(|r| ("city", Some(*r))));
    wanted.extend(PROVINCES.iter().map(|r| ("province", Some(*r))));
    wanted.push(("ministry", None));
    let mut out = Vec::new();
    for (level, region) in wanted {
        let login = format!("{level}_{}", region.unwrap_or("cn"));
        tp.official_by(&op, &login, level, region).await;
        let token = tp.login(&login, PASSWORD).await;
        out.push(Official {
            login,
            level,
            region,
            token,
        });
    }
    out
}

async fn relogin(tp: &TestPlatform, officials: &mut [Official]) {
    for o in officials {
        o.token = tp.login(&o.login, PASSWORD).await;
    }
}

fn find<'a>(officials: &'a [Official], level: &str, region: Option<&str>) -> &'a Official {
    officials
        .iter()
        .find(|o| o.level == level && o.region == region)
        .unwrap()
}

/// The official who acts at `level` on a declaration of `region`.
fn reviewer<'a>(officials: &'a [Official], level: &str, region: &str) -> &'a Official {
    officials
        .iter()
        .find(|o| {
            o.level == level
                && match o.region {
                    None => true,
                    Some(r) => region.starts_with(&scope_of(level, Some(r))),
                }
        })
        .unwrap_or_else(|| panic!("no {level} official for {region}"))
}

// ---- reading the queue -----------------------------------------------------------------------------------------------

/// Every page of a queue with `limit=37`: checks that pages are full except the last, never overlap, and that
/// each item's waiting time is right; returns the items in order.
async fn read_queue(tp: &TestPlatform, o: &Official, filter: &str) -> Vec<Value> {
    let now = now(tp);
    let mut items: Vec<Value> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path = format!("/v1/admin/queue?limit={PAGE}{filter}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", enc(c)));
        }
        let page = tp
            .call("GET", &path, Some(&o.token), None)
            .await
            .expect(200);
        pages += 1;
        assert!(pages < 100, "{}: the cursor never ends", o.login);
        let got = page.body["items"].as_array().unwrap();
        assert!(
            got.len() <= PAGE,
            "{} {filter}: {} items",
            o.login,
            got.len()
        );
        for item in got {
            let id = item["id"].as_str().unwrap().to_owned();
            assert!(
                seen.insert(id.clone()),
                "{} {filter}: {id} on two pages",
                o.login
            );
            let since = t(item["waiting_since"].as_str().unwrap());
            let waited = now - since;
            assert_eq!(
                item["waited_days"].as_i64(),
                Some(waited.whole_days()),
                "{item}"
            );
            assert_eq!(item["kind"], "declaration");
            items.push(item.clone());
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(
                    got.len(),
                    PAGE,
                    "{} {filter}: a page before the last is not full",
                    o.login
                );
                cursor = Some(c.to_owned());
            }
            None => return items,
        }
    }
}

/// One official's queue with a filter equals the model's expectation, in order.
async fn check_queue(
    tp: &TestPlatform,
    models: &[Model],
    o: &Official,
    filter: &str,
    keep: impl Fn(&Model) -> bool,
) -> usize {
    let got = read_queue(tp, o, filter).await;
    let expected = expected_queue(models, o.level, &o.scope(), keep);
    let got_ids: Vec<&str> = got.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let expected_ids: Vec<&str> = expected.iter().map(|m| m.id.as_str()).collect();
    if got_ids != expected_ids {
        let got_set: BTreeSet<&str> = got_ids.iter().copied().collect();
        let expected_set: BTreeSet<&str> = expected_ids.iter().copied().collect();
        panic!(
            "queue of {} {filter}: {} items, expected {}; missing {:?}; unexpected {:?}; (same set: {})",
            o.login,
            got_ids.len(),
            expected_ids.len(),
            expected_set.difference(&got_set).collect::<Vec<_>>(),
            got_set.difference(&expected_set).collect::<Vec<_>>(),
            got_set == expected_set,
        );
    }
    for (item, m) in got.iter().zip(&expected) {
        assert_eq!(item["status"], m.status, "{item}");
        assert_eq!(item["tier"], m.tier, "{item}");
        assert_eq!(item["region"], m.region, "{item}");
        assert_eq!(
            t(item["waiting_since"].as_str().unwrap()),
            m.since,
            "{item}"
        );
    }
    got.len()
}

// ---- statistics ------------------------------------------------------------------------------------------------------

/// The sub-region a count falls under for an official of `level`: provinces for the ministry, cities for a
/// province (the district itself where there is no city level), the county for a city or county.
fn sub_region(level: &str, region: &str) -> String {
    match level {
        "ministry" => format!("{}0000", &region[..2]),
        "province" if region.starts_with("11") => region.to_owned(),
        "province" => format!("{}00", &region[..4]),
        _ => region.to_owned(),
    }
}

type Counts = BTreeMap<(String, String, String, String), u64>;
type Backlog = BTreeMap<String, [u64; 4]>;

fn expected_statistics(
    models: &[Model],
    level: &str,
    scope: &str,
    now: OffsetDateTime,
) -> (Counts, Backlog) {
    let mut counts = Counts::new();
    let mut backlog = Backlog::new();
    for m in models.iter().filter(|m| m.region.starts_with(scope)) {
        *counts
            .entry((
                m.tier.to_owned(),
                m.status.to_owned(),
                sub_region(level, m.region),
                m.section.to_owned(),
            ))
            .or_default() += 1;
        if let Some(at) = m.level {
            let days = (now - m.since).whole_seconds().div_euclid(86_400);
            let b = backlog.entry(at.to_owned()).or_default();
            b[0] += 1;
            b[1] += u64::from(days > 7);
            b[2] += u64::from(days > 14);
            b[3] += u64::from(days > 30);
        }
    }
    (counts, backlog)
}

async fn check_statistics(tp: &TestPlatform, models: &[Model], o: &Official) -> (Counts, Backlog) {
    let now = now(tp);
    let (counts, backlog) = expected_statistics(models, o.level, &o.scope(), now);
    let stats = tp
        .call("GET", "/v1/admin/statistics", Some(&o.token), None)
        .await
        .expect(200);
    let mut got = Counts::new();
    for row in stats.body["counts"].as_array().unwrap() {
        let key = (
            row["tier"].as_str().unwrap().to_owned(),
            row["status"].as_str().unwrap().to_owned(),
            row["region"].as_str().unwrap().to_owned(),
            row["industry_section"].as_str().unwrap().to_owned(),
        );
        assert!(!row["region_name"].as_str().unwrap().is_empty(), "{row}");
        assert!(
            got.insert(key, row["count"].as_u64().unwrap()).is_none(),
            "a cell twice: {row}"
        );
    }
    assert_eq!(got, counts, "counts of {}", o.login);
    assert_eq!(
        stats.body["total"].as_u64(),
        Some(counts.values().sum::<u64>()),
        "total of {}",
        o.login
    );
    let mut got_backlog = Backlog::new();
    for b in stats.body["backlog"].as_array().unwrap() {
        got_backlog.insert(
            b["level"].as_str().unwrap().to_owned(),
            [
                b["waiting"].as_u64().unwrap(),
                b["over_7_days"].as_u64().unwrap(),
                b["over_14_days"].as_u64().unwrap(),
                b["over_30_days"].as_u64().unwrap(),
            ],
        );
    }
    assert_eq!(got_backlog, backlog, "backlog of {} at {now}", o.login);

    // The CSV: a header and one line per cell, the same counts.
    let csv = tp
        .call(
            "GET",
            "/v1/admin/statistics?format=csv",
            Some(&o.token),
            None,
        )
        .await
        .expect(200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{:?}",
        csv.headers
    );
    let text = csv.text.trim_start_matches('\u{feff}');
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().expect("a header row").split(',').collect();
    assert_eq!(
        header,
        [
            "kind",
            "kind_label",
            "tier",
            "tier_label",
            "status",
            "status_label",
            "region",
            "region_name",
            "industry_section",
            "count"
        ]
    );
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut from_csv = Counts::new();
    for line in lines {
        assert!(!line.contains('"'), "unexpected quoting: {line}");
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), header.len(), "{line}");
        let key = (
            fields[col("tier")].to_owned(),
            fields[col("status")].to_owned(),
            fields[col("region")].to_owned(),
            fields[col("industry_section")].to_owned(),
        );
        let count: u64 = fields[col("count")].parse().expect("a count");
        assert!(from_csv.insert(key, count).is_none(), "{line}");
    }
    assert_eq!(from_csv, counts, "CSV of {}", o.login);
    (counts, backlog)
}

// ---- the scenario --------------------------------------------------------------------------------------------------

async fn volume(tp: &TestPlatform, http_seeded: u32) {
    let started = std::time::Instant::now();
    tp.clock.freeze(t(DURING));
    for province in PROVINCES {
        for tier in ["innovative", "specialized"] {
            tp.open_window(
                tier,
                YEAR,
                Some(province),
                "2026-05-01T00:00:00+08:00",
                "2026-06-01T00:00:00+08:00",
            )
            .await;
        }
    }
    let mut officials = officials(tp).await;
    let mut models = Vec::new();

    // Through HTTP: enterprises in every region submit; officials then start and pass some of them.
    for n in 0..http_seeded {
        let region = COUNTIES[n as usize % COUNTIES.len()];
        let tier = ["innovative", "specialized"][(n as usize / COUNTIES.len()) % 2];
        let at = t(DURING) + Duration::seconds(11 * i64::from(n));
        models.push(seed_http(tp, n + 1, region, tier, at).await);
    }
    let mut at = t(DURING) + Duration::minutes(30);
    for (k, m) in models.iter_mut().enumerate() {
        let chain = chain(m.tier, m.region);
        let steps = k % 5;
        for s in 0..steps {
            at += Duration::seconds(7);
            tp.clock.freeze(at);
            let who = reviewer(&officials, chain[s / 2], m.region);
            let (what, body) = if s.is_multiple_of(2) {
                ("start", None)
            } else {
                ("decision", Some(json!({"decision": "pass"})))
            };
            tp.call(
                "POST",
                &format!("/v1/admin/declarations/{}/{what}", m.id),
                Some(&who.token),
                body,
            )
            .await
            .expect(200);
        }
        let (status, waits_at, level) = after_steps(&chain, steps);
        (m.status, m.waits_at, m.level) = (status, waits_at, level);
        if steps > 0 {
            m.since = at;
        }
    }
    let http_done = started.elapsed();

    // The bulk, straight through the store.
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    for n in 0..DIRECT {
        models.push(seed_direct(tp, n, &mut rng).await);
    }
    let seeded = started.elapsed();

    // Queues, read at a frozen instant so waiting times are exact.
    tp.clock.freeze(t(READ_AT));
    relogin(tp, &mut officials).await;
    let mut total_waiting = 0;
    let mut sizes = Vec::new();
    for o in &officials {
        let n = check_queue(tp, &models, o, "", |_| true).await;
        assert!(n > 0, "{}: an empty queue proves nothing", o.login);
        sizes.push(format!("{}={n}", o.login));
        total_waiting += n;
    }
    eprintln!("queue sizes: {}", sizes.join(" "));
    assert!(
        sizes.len() == officials.len() && total_waiting > 4 * PAGE,
        "several pages"
    );
    let waiting_in_model = models.iter().filter(|m| m.waits_at.is_some()).count();
    assert_eq!(
        total_waiting, waiting_in_model,
        "every waiting declaration is in exactly one official's queue"
    );
    let xihu = find(&officials, "county", Some("330106"));
    let hangzhou = find(&officials, "city", Some("330100"));
    let zhejiang = find(&officials, "province", Some("330000"));
    let beijing = find(&officials, "province", Some("110000"));
    let ministry = find(&officials, "ministry", None);
    for (o, filter) in [
        (xihu, "&tier=specialized"),
        (xihu, "&status=under_review"),
        (xihu, "&tier=innovative&status=submitted"),
        (xihu, "&kind=declaration&tier=little_giant"),
        (hangzhou, "&status=submitted"),
        (hangzhou, "&tier=little_giant&status=under_review"),
        (zhejiang, "&status=publicity"),
        (zhejiang, "&tier=specialized&status=under_review"),
        (beijing, "&status=submitted"),
        (ministry, "&status=publicity"),
        (ministry, "&tier=innovative"),
    ] {
        let (tier, status) = parse_filter(filter);
        check_queue(tp, &models, o, filter, |m| {
            tier.as_deref().is_none_or(|x| m.tier == x)
                && status.as_deref().is_none_or(|x| m.status == x)
        })
        .await;
    }
    // Narrowed by sub-region and industry section or code (the workbench's filters), paged the same way.
    type Place = (Option<&'static str>, Option<&'static str>);
    for (o, filter, (region, section)) in [
        (zhejiang, "&region=330100", (Some("3301"), None) as Place),
        (
            zhejiang,
            "&region=330203&industry=C",
            (Some("330203"), Some("C")),
        ),
        (zhejiang, "&status=submitted&industry=i", (None, Some("I"))),
        (hangzhou, "&industry=3741", (None, Some("C"))),
        (
            ministry,
            "&region=320000&industry=M",
            (Some("32"), Some("M")),
        ),
    ] {
        let (_, status) = parse_filter(filter);
        check_queue(tp, &models, o, filter, |m| {
            region.is_none_or(|r| m.region.starts_with(r))
                && section.is_none_or(|s| m.section == s)
                && status.as_deref().is_none_or(|x| m.status == x)
        })
        .await;
    }
    for bad in ["region=999999", "industry=9Z"] {
        tp.call(
            "GET",
            &format!("/v1/admin/queue?{bad}"),
            Some(&zhejiang.token),
            None,
        )
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    }
    // Kinds that have nothing waiting yet answer an empty list.
    let other = tp
        .call(
            "GET",
            "/v1/admin/queue?kind=re_review",
            Some(&xihu.token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(other.body["items"], json!([]));
    let queues_done = started.elapsed();

    // Statistics now, and ten days later (the backlog ages).
    let (zj_counts, zj_backlog) = check_statistics(tp, &models, zhejiang).await;
    check_statistics(tp, &models, hangzhou).await;
    check_statistics(tp, &models, beijing).await;
    check_statistics(tp, &models, xihu).await;
    check_statistics(tp, &models, ministry).await;
    assert!(zj_counts.len() > 20, "a varied table: {zj_counts:?}");
    tp.clock.freeze(t(READ_AT) + Duration::days(10));
    relogin(tp, &mut officials).await;
    let zhejiang = find(&officials, "province", Some("330000"));
    let hangzhou = find(&officials, "city", Some("330100"));
    let (_, zj_later) = check_statistics(tp, &models, zhejiang).await;
    check_statistics(tp, &models, hangzhou).await;
    assert_ne!(zj_backlog, zj_later, "the backlog ages with the clock");
    assert!(
        zj_backlog.values().any(|b| b[1] > b[2]) && zj_later.values().any(|b| b[3] > 0),
        "every age band is exercised: {zj_backlog:?} then {zj_later:?}"
    );
    eprintln!(
        "queue volume: {} declarations ({} through HTTP in {:?}, seeded by {:?}), queues read by {:?}, all done in {:?}",
        models.len(),
        http_seeded,
        http_done,
        seeded,
        queues_done,
        started.elapsed()
    );
}

fn parse_filter(filter: &str) -> (Option<String>, Option<String>) {
    let mut tier = None;
    let mut status = None;
    for pair in filter.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("tier", v)) => tier = Some(v.to_owned()),
            Some(("status", v)) => status = Some(v.to_owned()),
            _ => {}
        }
    }
    (tier, status)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_and_statistics_hold_with_hundreds_of_declarations_on_sqlite() {
    let tp = start(Backend::Local).await;
    volume(&tp, 24).await;
}

/// Records the name of every DynamoDB operation the client runs.
#[derive(Clone, Debug, Default)]
struct Operations(Arc<Mutex<BTreeMap<String, u64>>>);

impl Intercept for Operations {
    fn name(&self) -> &'static str {
        "RecordOperations"
    }

    // Client interceptors' `read_before_execution` runs before the operation's configuration (and its
    // `Metadata`) is in the bag; by serialisation it is there.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let name = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_else(|| "<unnamed>".into());
        *self.0.lock().unwrap().entry(name).or_default() += 1;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queues_and_statistics_hold_on_dynamodb_without_a_single_scan() {
    let endpoint = sme_testkit::moto::moto_endpoint().await;
    // The recorder itself sees a Scan (and names every operation).
    let probe = Operations::default();
    let probing = sme_aws::aws::local_client_with_interceptor(&endpoint, probe.clone()).await;
    let _ = probing.list_tables().send().await;
    let _ = probing.scan().table_name("no-such-table").send().await;
    assert_eq!(
        probe.0.lock().unwrap().keys().collect::<Vec<_>>(),
        ["ListTables", "Scan"]
    );

    let operations = Operations::default();
    let client = sme_aws::aws::local_client_with_interceptor(&endpoint, operations.clone()).await;
    let tp = start_with_dynamo_client(client).await;
    volume(&tp, 6).await;
    let seen = operations.0.lock().unwrap().clone();
    eprintln!("DynamoDB operations: {seen:?}");
    assert!(!seen.contains_key("<unnamed>"), "{seen:?}");
    assert!(seen.get("Query").is_some_and(|n| *n > 100), "{seen:?}");
    assert!(seen.contains_key("TransactWriteItems"), "{seen:?}");
    assert!(
        !seen.contains_key("Scan"),
        "the DynamoDB adapter issued Scan: {seen:?}"
    );
}

/// Oldest first holds between instants of the same second too: a declaration that waits since 10:00:00 exactly
/// comes before one waiting since 10:00:00.5.
#[tokio::test]
async fn the_queue_orders_instants_within_one_second() {
    let tp = start(Backend::Local).await;
    tp.clock.freeze(t(DURING));
    let officials = officials(&tp).await;
    let xihu = find(&officials, "county", Some("330106"));
    let whole = t("2026-05-09T10:00:00+08:00");
    // Written newest first, with ids that sort the other way round from the instants.
    for (n, at) in [
        (1, whole + Duration::milliseconds(500)),
        (2, whole + Duration::milliseconds(120)),
        (3, whole + Duration::milliseconds(100)),
        (4, whole),
    ] {
        let code = RegionCode::parse("330106").unwrap();
        let id = format!("Z{n}");
        let d = Declaration::new_draft(
            id,
            uscc(20_000 + n, "330106").parse().unwrap(),
            format!("同秒企业{n}"),
            format!("ACCOUNT{n}"),
            Tier::Innovative,
            YEAR,
            code,
            at,
        );
        let (d, _) = d
            .apply(
                Action::Submit {
                    chain: review_chain(Tier::Innovative, code),
                    window_open: true,
                    snapshot: Box::new(Snapshot::freeze(at, "2026", json!({}))),
                },
                at,
            )
            .unwrap();
        write(&tp, &d).await;
    }
    let got: Vec<String> = read_queue(&tp, xihu, "")
        .await
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    // Sort keys use fixed-width nanoseconds (`calendar::sortable`): RFC 3339 text would order `.12Z` before `.1Z`.
    assert_eq!(got, ["Z4", "Z3", "Z2", "Z1"]);
}
