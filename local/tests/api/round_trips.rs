//! Store round trips per HTTP request on DynamoDB (moto): an SDK interceptor on the DynamoDB client records every
//! operation the store issues while one request is served, and the test GENERATES the table in
//! `docs/round-trips.md` from what it saw. The file is compared, not trusted: when a change alters a count the test
//! fails until the table is regenerated with `SME_WRITE_ROUND_TRIPS=1` (and the diff then shows the change).
//!
//! Counts are taken with the session cache warm (an unmeasured `GET /v1/accounts/me` with the same token just
//! before): a cold cache adds one `GetItem` of the account to any authenticated request, once per account and
//! process per 30 s.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use serde_json::{Value, json};

use crate::support::fixtures::*;
use crate::support::*;

const TABLE_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/round-trips.md");

/// Every DynamoDB operation the client runs, in order (with the number of actions of a transaction, and whether
/// it started a new round: it began after an operation had finished since the current round began; operations
/// issued together, before any of them finishes, are one round).
#[derive(Clone, Debug, Default)]
struct Recorder(Arc<Mutex<Recorded>>);

#[derive(Debug, Default)]
struct Recorded {
    ops: Vec<(String, usize, bool)>,
    finished_since_round: bool,
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "RoundTrips"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let name = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_else(|| "<unnamed>".into());
        let actions = context
            .input()
            .downcast_ref::<TransactWriteItemsInput>()
            .map_or(0, |t| t.transact_items().len());
        let mut recorded = self.0.lock().unwrap();
        let new_round = recorded.finished_since_round;
        recorded.finished_since_round = false;
        recorded.ops.push((name, actions, new_round));
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mut recorded = self.0.lock().unwrap();
        recorded.finished_since_round = true;
        Ok(())
    }
}

impl Recorder {
    /// The number of operations so far; the next operation starts a round.
    fn start(&self) -> usize {
        let mut recorded = self.0.lock().unwrap();
        recorded.finished_since_round = true;
        recorded.ops.len()
    }

    fn since(&self, start: usize) -> Vec<(String, usize, bool)> {
        self.0.lock().unwrap().ops[start..].to_vec()
    }
}

/// One row of the table: a request and the operations it issued.
struct Row {
    request: String,
    ops: Vec<(String, usize)>,
    /// Sequential rounds (operations issued together are one round).
    rounds: usize,
}

impl Row {
    fn calls(&self) -> usize {
        self.ops.len()
    }

    fn count(&self, op: &str) -> usize {
        self.ops.iter().filter(|(name, _)| name == op).count()
    }

    /// `GetItem 2, Query 1, TransactWriteItems 1 (4 actions)`: by operation name, so the order of concurrent reads
    /// does not matter.
    fn summary(&self) -> String {
        let mut by_name: BTreeMap<&str, (usize, Vec<usize>)> = BTreeMap::new();
        for (name, actions) in &self.ops {
            let e = by_name.entry(name).or_default();
            e.0 += 1;
            if name == "TransactWriteItems" {
                e.1.push(*actions);
            }
        }
        if by_name.is_empty() {
            return "—".into();
        }
        by_name
            .into_iter()
            .map(|(name, (n, actions))| {
                if actions.is_empty() {
                    format!("{name} {n}")
                } else {
                    let list: Vec<String> = actions.iter().map(usize::to_string).collect();
                    format!("{name} {n} ({} actions)", list.join(" + "))
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

struct Walk {
    tp: TestPlatform,
    rec: Recorder,
    rows: Vec<Row>,
}

impl Walk {
    /// Serve one request and record its operations under `request`; the session cache is warmed first.
    async fn measure(
        &mut self,
        request: &str,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, String)],
    ) -> Answer {
        if let Some(t) = token {
            self.tp
                .call("GET", "/v1/accounts/me", Some(t), None)
                .await
                .expect(200);
        }
        let start = self.rec.start();
        let answer = self.tp.call_with(method, path, token, body, headers).await;
        let recorded = self.rec.since(start);
        self.rows.push(Row {
            request: request.to_owned(),
            rounds: recorded
                .iter()
                .filter(|(_, _, new_round)| *new_round)
                .count(),
            ops: recorded
                .into_iter()
                .map(|(name, actions, _)| (name, actions))
                .collect(),
        });
        answer
    }

    fn row(&self, request: &str) -> &Row {
        self.rows
            .iter()
            .find(|r| r.request == request)
            .unwrap_or_else(|| panic!("no row {request}"))
    }

    fn table(&self) -> String {
        let mut out = String::from(
            "# Store round trips per request (DynamoDB)\n\n\
             Generated by `local/tests/api/round_trips.rs` (`cargo test -p sme-local --test api round_trips::` with a \
             moto server; `SME_WRITE_ROUND_TRIPS=1` rewrites this file). Each row is one HTTP request of a walk \
             through the platform on DynamoDB (moto): the operations the store issued while it was served, counted \
             by an SDK interceptor, with the session cache warm (a cold cache adds one `GetItem` per account and \
             process per 30 s). Rounds: the calls made one after another (calls issued together, before any of them \
             has answered, are one round; a call issued after an answer starts the next). No request issues a `Scan`.\n\n\
             | request | calls | rounds | operations |\n|---|---:|---:|---|\n",
        );
        for row in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                row.request,
                row.calls(),
                row.rounds,
                row.summary()
            ));
        }
        out
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_round_trips_per_request_match_the_generated_table() {
    let endpoint = sme_testkit::moto::moto_endpoint().await;
    let rec = Recorder::default();
    let client = sme_aws::aws::local_client_with_interceptor(&endpoint, rec.clone()).await;
    let tp = start_with_dynamo_client(client).await;
    tp.set_time("2026-05-06T09:00:00+08:00");
    tp.open_window(
        "innovative",
        2026,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;
    let mut w = Walk {
        tp,
        rec,
        rows: Vec::new(),
    };

    let login = "roundtrip_firm";
    let firm_uscc = uscc(7, "330106");
    w.measure(
        "`POST /v1/accounts` (register)",
        "POST",
        "/v1/accounts",
        None,
        Some(json!({"login_name": login, "password": PASSWORD, "phone": phone_for(login)})),
        &[],
    )
    .await
    .expect(201);
    let session = w
        .measure(
            "`POST /v1/sessions` (log in)",
            "POST",
            "/v1/sessions",
            None,
            Some(json!({"login": login, "password": PASSWORD})),
            &[],
        )
        .await
        .expect(201);
    let token = session.body["token"].as_str().unwrap().to_owned();
    w.measure(
        "`POST /v1/accounts/me/real-name`",
        "POST",
        "/v1/accounts/me/real-name",
        Some(&token),
        Some(json!({"subject_type": "legal_person", "uscc": firm_uscc,
                    "enterprise_name": "往返测试有限公司", "legal_representative": "张三"})),
        &[],
    )
    .await
    .expect(200);
    let token = w.tp.login(login, PASSWORD).await;
    w.measure(
        "`GET /v1/accounts/me`",
        "GET",
        "/v1/accounts/me",
        Some(&token),
        None,
        &[],
    )
    .await
    .expect(200);
    let profile = profile("330106", &LAST_THREE_YEARS);
    w.measure(
        "`PUT /v1/enterprise` (first profile)",
        "PUT",
        "/v1/enterprise",
        Some(&token),
        Some(profile.clone()),
        &[],
    )
    .await
    .expect(200);
    w.measure(
        "`PUT /v1/enterprise` (changed profile)",
        "PUT",
        "/v1/enterprise",
        Some(&token),
        Some({
            let mut p = profile.clone();
            p["employees"] = json!(121);
            p
        }),
        &[],
    )
    .await
    .expect(200);
    w.measure(
        "`GET /v1/enterprise` (no qualification)",
        "GET",
        "/v1/enterprise",
        Some(&token),
        None,
        &[],
    )
    .await
    .expect(200);
    w.tp.assess_digital(&token, Pick::Best).await;
    let created = w
        .measure(
            "`POST /v1/declarations` (with `Idempotency-Key`)",
            "POST",
            "/v1/declarations",
            Some(&token),
            Some(json!({"tier": "innovative", "year": 2026})),
            &[("idempotency-key", "round-trip-create-1".to_owned())],
        )
        .await
        .expect(201);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let spec = created.body["form_spec"]["spec"].clone();
    let declaration = format!("/v1/declarations/{id}");
    w.measure(
        "`GET /v1/declarations/{id}`",
        "GET",
        &declaration,
        Some(&token),
        None,
        &[],
    )
    .await
    .expect(200);
    w.measure(
        "`PUT /v1/declarations/{id}` (draft save)",
        "PUT",
        &declaration,
        Some(&token),
        Some(json!({"form": fill_form(&spec)})),
        &[],
    )
    .await
    .expect(200);
    w.tp.upload_required(&token, &id, &spec, "材料.pdf").await;
    w.measure(
        "`GET /v1/declarations`",
        "GET",
        "/v1/declarations",
        Some(&token),
        None,
        &[],
    )
    .await
    .expect(200);
    w.measure(
        "`POST /v1/declarations/{id}/submit`",
        "POST",
        &format!("{declaration}/submit"),
        Some(&token),
        None,
        &[],
    )
    .await
    .expect(200);
    w.tp.dispatch().await;
    w.measure(
        "`GET /v1/messages`",
        "GET",
        "/v1/messages",
        Some(&token),
        None,
        &[],
    )
    .await
    .expect(200);
    // The same enterprise with two qualifications behind it and a year more: the view costs the same.
    w.tp.grant(&firm_uscc, "innovative", "2024-06-01").await;
    w.tp.grant(&firm_uscc, "specialized", "2025-06-01").await;
    w.measure(
        "`GET /v1/enterprise` (two qualifications)",
        "GET",
        "/v1/enterprise",
        Some(&token),
        None,
        &[],
    )
    .await
    .expect(200);

    let table = w.table();
    eprintln!("{table}");
    let all: Vec<&(String, usize)> = w.rows.iter().flat_map(|r| &r.ops).collect();
    assert!(all.iter().all(|(name, _)| name != "Scan"), "{table}");
    assert!(all.iter().all(|(name, _)| name != "<unnamed>"), "{table}");
    // A read of one record is one GetItem.
    for request in ["`GET /v1/accounts/me`", "`GET /v1/declarations/{id}`"] {
        let row = w.row(request);
        assert_eq!(
            (row.calls(), row.count("GetItem")),
            (1, 1),
            "{request}: {}",
            row.summary()
        );
    }
    // The enterprise view costs the same whatever the enterprise's history (its updates and re-review flags in one
    // query each, however many qualifications and elapsed years), and at most four calls.
    let view = w.row("`GET /v1/enterprise` (two qualifications)");
    assert!(view.calls() <= 4, "{}", view.summary());
    // A profile save reads the qualifications once, and the first one as every later one: one round of reads,
    // then its transaction.
    let saved = w.row("`PUT /v1/enterprise` (changed profile)");
    assert_eq!(saved.count("Query"), 1, "{}", saved.summary());
    for request in [
        "`PUT /v1/enterprise` (first profile)",
        "`PUT /v1/enterprise` (changed profile)",
    ] {
        let row = w.row(request);
        assert_eq!(
            (row.rounds, row.count("TransactWriteItems")),
            (2, 1),
            "{request}: {}",
            row.summary()
        );
    }
    // A login: the address counter, the login pointer, the account, the pair counter; nothing to clear.
    let login = w.row("`POST /v1/sessions` (log in)");
    assert_eq!(login.summary(), "GetItem 4", "{}", login.summary());
    // A draft save: one read, one transaction of the record, its registry entry and its event.
    let save = w.row("`PUT /v1/declarations/{id}` (draft save)");
    assert_eq!(
        save.summary(),
        "GetItem 1, TransactWriteItems 1 (3 actions)"
    );

    // A submission: one round of concurrent reads (the declaration, the enterprise's records, the evidence, the
    // windows), then its one transaction; no read twice.
    let submit = w.row("`POST /v1/declarations/{id}/submit`");
    assert_eq!(
        (submit.rounds, submit.count("TransactWriteItems")),
        (2, 1),
        "{}",
        submit.summary()
    );
    // Creating a draft reads the profile and the qualifications together.
    let created = w.row("`POST /v1/declarations` (with `Idempotency-Key`)");
    assert_eq!(created.count("Query"), 1, "{}", created.summary());

    if std::env::var_os("SME_WRITE_ROUND_TRIPS").is_some() {
        std::fs::write(TABLE_FILE, &table).expect("write docs/round-trips.md");
    } else {
        let recorded = std::fs::read_to_string(TABLE_FILE).unwrap_or_default();
        assert!(
            recorded == table,
            "docs/round-trips.md is not what this walk measured; rerun with SME_WRITE_ROUND_TRIPS=1 and review \
             the diff.\n{table}"
        );
    }
}
