//! Throughput of the hot paths, measured (not asserted): `cargo bench -p sme-embedded --bench throughput`.
//! Results are written down in docs/benchmarks.md. Plain `Instant` timing (harness = false) keeps the dependency
//! list short; each figure is the median of five rounds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use shared::clock::SystemClock;
use shared::domain::enterprise::{EnterpriseProfile, ProfileInput};
use shared::domain::tier::Tier;
use shared::ports::{Cond, Item, Query, SharedClock, Store, TxOp};
use shared::rules::tiers;
use shared::services::Policy;
use sme_embedded::sqlite_store::SqliteStore;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn report(name: &str, per_round: usize, rounds: Vec<Duration>) {
    let m = median(rounds);
    let per_op = m.as_secs_f64() / per_round as f64;
    println!(
        "{name:<44} {:>10.1} µs/op {:>12.0} ops/s",
        per_op * 1e6,
        1.0 / per_op
    );
}

fn profile() -> EnterpriseProfile {
    let year = |y: i32| {
        json!({"year": y, "operating_revenue": "30000000", "main_business_revenue": "27000000",
               "rd_expense": "1500000", "net_profit": "3000000", "total_assets": "50000000",
               "total_liabilities": "20000000", "employees": 120, "rd_staff": 30})
    };
    let input: ProfileInput = serde_json::from_value(json!({
        "region": "330106", "address": "文三路1号", "industry": "3741", "niche_field": "航空紧固件",
        "main_products": ["钛合金紧固件"], "established_on": "2015-03-01", "employees": 120,
        "financials": [year(2023), year(2024), year(2025)],
        "ip": {"class1_high_value": 1, "class1_self_developed": 2, "class1_total": 3, "class2_total": 5, "class1_applied": 2},
        "honours": [], "awards": [], "makers_china": [], "financing": [],
        "market": {"since": "2016-01-01", "national_share_pct": 12.5},
        "quality": {"own_brand": true}, "rd_institution": {"level": "provincial"},
        "product_fields": {"strategic_emerging": true}, "operations": {"core_processes_on_info_systems": 2},
        "local_indicators": []
    }))
    .unwrap();
    let mut p = EnterpriseProfile::new("测试", "91350100M000100Y43");
    p.apply(input, time::macros::date!(2026 - 05 - 10)).unwrap();
    p
}

fn bench_engine() {
    let p = profile();
    let rules = tiers::rule_set_for(time::macros::date!(2026 - 05 - 10));
    let n = 2_000;
    for tier in Tier::ALL {
        let facts = tiers::Facts::new(p.clone(), 2026, time::macros::date!(2026 - 05 - 10))
            .with_digital_level(Some(3))
            .with_held_tiers(vec![Tier::Innovative, Tier::Specialized]);
        let rounds = (0..5)
            .map(|_| {
                let t = Instant::now();
                for _ in 0..n {
                    std::hint::black_box(tiers::assess(rules, tier, &facts));
                }
                t.elapsed()
            })
            .collect();
        report(&format!("tier engine: assess {}", tier.as_str()), n, rounds);
    }
}

async fn bench_sqlite() {
    let dir = std::env::temp_dir().join(format!("sme-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let clock: SharedClock = Arc::new(SystemClock);
    let store = SqliteStore::open(&dir.join("bench.sqlite3"), clock).unwrap();
    let body = json!({"form": {"a": "x".repeat(2_000)}, "status": "draft"});
    let n = 500;
    let mut rounds = Vec::new();
    for r in 0..5 {
        let t = Instant::now();
        for i in 0..n {
            let pk = format!("DECL#{r}-{i}");
            store
                .transact(vec![
                    TxOp::Put {
                        item: Item::new(pk.clone(), "DECL", &body)
                            .with_gsi1(format!("ENT#{}", i % 20), format!("{r}-{i}"))
                            .with_version(1),
                        cond: Cond::Absent,
                    },
                    TxOp::Put {
                        item: Item::new(pk, format!("EVENT#{i}"), &json!({"kind": "x"})),
                        cond: Cond::Absent,
                    },
                ])
                .await
                .unwrap();
        }
        rounds.push(t.elapsed());
    }
    report("sqlite: 2-item transaction (durable commit)", n, rounds);
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for i in 0..n {
            store.get(&format!("DECL#0-{i}"), "DECL").await.unwrap();
        }
        rounds.push(t.elapsed());
    }
    report("sqlite: get by key", n, rounds);
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for i in 0..100 {
            store
                .query(Query::gsi1(format!("ENT#{}", i % 20)).limit(25))
                .await
                .unwrap();
        }
        rounds.push(t.elapsed());
    }
    report("sqlite: gsi1 query, page of 25", 100, rounds);
    let _ = std::fs::remove_dir_all(&dir);
}

async fn bench_argon2() {
    let policy = Policy::default();
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        shared::services::passwords::hash(&policy, "Passw0rd2026".into())
            .await
            .unwrap();
        rounds.push(t.elapsed());
    }
    report("argon2id hash (19 MiB, t=2): one login", 1, rounds);
}

#[tokio::main]
async fn main() {
    println!("benchmark                                     per op        throughput");
    bench_engine();
    bench_sqlite().await;
    bench_argon2().await;
}
