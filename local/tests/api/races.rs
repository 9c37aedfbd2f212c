//! Races on both store adapters (issue 4): two HTTP calls on the same declaration fired at the same moment
//! (`tokio::join!` on a multi-threaded runtime, so the server handles them in parallel). Exactly one succeeds, the
//! other answers 409, and the record, its audit trail and the officials' queue all tell the same story — nothing
//! is half-applied.
//!
//! (a) the enterprise withdraws (撤回) while the county official starts the review (开始审核);
//! (b) two county officials decide the same declaration under review, one passing, one returning it.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::json;

const YEAR: i32 = 2026;
const DURING: &str = "2026-05-10T10:00:00+08:00";
const XIHU: &str = "330106";
const ROUNDS: u32 = 10;

// ---- helpers --------------------------------------------------------------------------------------------------------

/// A verified Xihu enterprise with an innovative declaration submitted (waiting at the county level).
async fn submitted(tp: &TestPlatform, n: u32) -> (String, String) {
    let firm = tp
        .firm(
            &format!("firm{n}"),
            &uscc(n, XIHU),
            &format!("测试紧固件有限公司{n}"),
            &profile(XIHU, &LAST_THREE_YEARS),
            None,
        )
        .await;
    let (id, _) = tp
        .submit_ready_declaration(&firm.token, "innovative", YEAR)
        .await;
    (firm.token, id)
}

async fn platform(backend: Backend) -> TestPlatform {
    let tp = start(backend).await;
    tp.set_time(DURING);
    tp.open_window(
        "innovative",
        YEAR,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;
    tp
}

/// Every item of an official's queue (all pages): `(id, status)`.
async fn queue(tp: &TestPlatform, token: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/admin/queue?limit=100&cursor={}", enc(c)),
            None => "/v1/admin/queue?limit=100".to_owned(),
        };
        let page = tp.call("GET", &path, Some(token), None).await.expect(200);
        for item in page.body["items"].as_array().unwrap() {
            out.push((
                item["id"].as_str().unwrap().to_owned(),
                item["status"].as_str().unwrap().to_owned(),
            ));
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
}

/// The transitions of the audit trail (actions), oldest first.
async fn history(tp: &TestPlatform, token: &str, id: &str) -> Vec<String> {
    let h = tp
        .call(
            "GET",
            &format!("/v1/declarations/{id}/history?limit=100"),
            Some(token),
            None,
        )
        .await
        .expect(200);
    assert!(h.body["next_cursor"].is_null(), "{}", h.text);
    h.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .filter(|a| !a.starts_with("evidence"))
        .collect()
}

fn count(actions: &[String], action: &str) -> usize {
    actions.iter().filter(|a| *a == action).count()
}

/// Which of two racing answers won: `(first won, loser's code)`. Exactly one must be 200, the other 409.
#[track_caller]
fn one_winner(round: u32, first: &Answer, second: &Answer, loser_codes: [&[&str]; 2]) -> bool {
    let statuses = (first.status.as_u16(), second.status.as_u16());
    let first_won = match statuses {
        (200, 409) => true,
        (409, 200) => false,
        _ => panic!(
            "round {round}: exactly one of the two must succeed and the other get 409, got {statuses:?}:\n{}\n{}",
            first.text, second.text
        ),
    };
    let (loser, allowed) = if first_won {
        (second, loser_codes[1])
    } else {
        (first, loser_codes[0])
    };
    assert!(
        allowed.contains(&loser.code()),
        "round {round}: the loser answered {} (allowed: {allowed:?})",
        loser.text
    );
    first_won
}

// ---- (a) withdraw × start -----------------------------------------------------------------------------------------

async fn withdraw_races_start(backend: Backend) {
    let tp = platform(backend).await;
    let county = tp.signed_in_official("xihu_a", "county", Some(XIHU)).await;
    let mut tally = std::collections::BTreeMap::<String, u32>::new();
    for round in 0..ROUNDS {
        let (firm, id) = submitted(&tp, round + 1).await;
        let withdraw_path = format!("/v1/declarations/{id}/withdraw");
        let start_path = format!("/v1/admin/declarations/{id}/start");
        let (withdrawn, started) = tokio::join!(
            tp.call(
                "POST",
                &withdraw_path,
                Some(&firm),
                Some(json!({"mode": "cancel"}))
            ),
            tp.call("POST", &start_path, Some(&county), None),
        );
        let withdraw_won = one_winner(
            round,
            &withdrawn,
            &started,
            [
                &["VERSION_CONFLICT", "NOT_WITHDRAWABLE"],
                &["VERSION_CONFLICT", "INVALID_STATE"],
            ],
        );
        let loser = if withdraw_won { &started } else { &withdrawn };
        *tally
            .entry(format!(
                "{} won, loser {}",
                if withdraw_won { "withdraw" } else { "start" },
                loser.code()
            ))
            .or_default() += 1;

        let record = tp
            .call("GET", &format!("/v1/declarations/{id}"), Some(&firm), None)
            .await
            .expect(200);
        let actions = history(&tp, &firm, &id).await;
        let waiting = queue(&tp, &county).await;
        let in_queue = waiting.iter().find(|(i, _)| *i == id);
        // A new declaration of the same tier and year is possible exactly when the withdrawal freed it.
        let again = tp
            .call(
                "POST",
                "/v1/declarations",
                Some(&firm),
                Some(json!({"tier": "innovative", "year": YEAR})),
            )
            .await;
        if withdraw_won {
            assert_eq!(record.body["status"], "withdrawn", "round {round}");
            assert_eq!(
                (
                    count(&actions, "withdraw_cancel"),
                    count(&actions, "start_review")
                ),
                (1, 0),
                "round {round}: {actions:?}"
            );
            assert!(
                in_queue.is_none(),
                "round {round}: a withdrawn declaration waits in the queue"
            );
            again.expect(201);
        } else {
            assert_eq!(record.body["status"], "under_review", "round {round}");
            assert_eq!(record.body["level"], "county", "round {round}");
            assert_eq!(record.body["withdrawable"], false, "round {round}");
            assert_eq!(
                (
                    count(&actions, "withdraw_cancel"),
                    count(&actions, "start_review")
                ),
                (0, 1),
                "round {round}: {actions:?}"
            );
            assert_eq!(
                in_queue.map(|(_, s)| s.as_str()),
                Some("under_review"),
                "round {round}"
            );
            again.expect_problem(409, "DUPLICATE_DECLARATION");
        }
        assert_eq!(
            actions.last().map(String::as_str),
            Some(if withdraw_won {
                "withdraw_cancel"
            } else {
                "start_review"
            }),
            "round {round}: {actions:?}"
        );
        // The version moved by exactly one transition.
        assert_eq!(
            record.version(),
            started_version(&withdrawn, &started),
            "round {round}"
        );
    }
    eprintln!("withdraw × start on {backend:?}: {tally:?}");
}

/// The version the winner answered with (the record must be at exactly that version afterwards).
fn started_version(a: &Answer, b: &Answer) -> u64 {
    if a.status.as_u16() == 200 {
        a.version()
    } else {
        b.version()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn withdraw_and_start_race_on_sqlite() {
    withdraw_races_start(Backend::Local).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn withdraw_and_start_race_on_dynamodb() {
    withdraw_races_start(Backend::Moto).await;
}

// ---- (b) two officials deciding ------------------------------------------------------------------------------------

async fn officials_race_to_decide(backend: Backend) {
    let tp = platform(backend).await;
    let a = tp.signed_in_official("xihu_a", "county", Some(XIHU)).await;
    let b = tp.signed_in_official("xihu_b", "county", Some(XIHU)).await;
    let city = tp
        .signed_in_official("hangzhou", "city", Some("330100"))
        .await;
    let mut tally = std::collections::BTreeMap::<String, u32>::new();
    for round in 0..ROUNDS {
        let (firm, id) = submitted(&tp, round + 1).await;
        tp.call(
            "POST",
            &format!("/v1/admin/declarations/{id}/start"),
            Some(&a),
            None,
        )
        .await
        .expect(200);
        // Alternate who passes and who returns.
        let (passer, returner) = if round.is_multiple_of(2) {
            (&a, &b)
        } else {
            (&b, &a)
        };
        let decide = format!("/v1/admin/declarations/{id}/decision");
        let (passed, returned) = tokio::join!(
            tp.call(
                "POST",
                &decide,
                Some(passer),
                Some(json!({"decision": "pass"}))
            ),
            tp.call(
                "POST",
                &decide,
                Some(returner),
                Some(json!({"decision": "return", "comment": "请补充研发费用说明"}))
            ),
        );
        let pass_won = one_winner(
            round,
            &passed,
            &returned,
            [
                &["VERSION_CONFLICT", "INVALID_STATE"],
                &["VERSION_CONFLICT", "INVALID_STATE"],
            ],
        );
        let loser = if pass_won { &returned } else { &passed };
        *tally
            .entry(format!(
                "{} won, loser {}",
                if pass_won { "pass" } else { "return" },
                loser.code()
            ))
            .or_default() += 1;

        let record = tp
            .call("GET", &format!("/v1/declarations/{id}"), Some(&firm), None)
            .await
            .expect(200);
        let actions = history(&tp, &firm, &id).await;
        let at_county = queue(&tp, &a).await;
        let at_city = queue(&tp, &city).await;
        assert!(
            !at_county.iter().any(|(i, _)| *i == id),
            "round {round}: still waiting at the county after a decision"
        );
        let city_entry = at_city
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, s)| s.as_str());
        if pass_won {
            assert_eq!(
                (
                    record.body["status"].as_str(),
                    record.body["level"].as_str()
                ),
                (Some("submitted"), Some("city")),
                "round {round}"
            );
            assert_eq!(
                (count(&actions, "pass"), count(&actions, "return")),
                (1, 0),
                "round {round}: {actions:?}"
            );
            assert_eq!(city_entry, Some("submitted"), "round {round}");
        } else {
            assert_eq!(record.body["status"], "returned", "round {round}");
            assert!(record.body["level"].is_null(), "round {round}");
            assert_eq!(record.body["last_comment"], "请补充研发费用说明");
            assert_eq!(
                (count(&actions, "pass"), count(&actions, "return")),
                (0, 1),
                "round {round}: {actions:?}"
            );
            assert_eq!(city_entry, None, "round {round}");
        }
        assert_eq!(
            actions.last().map(String::as_str),
            Some(if pass_won { "pass" } else { "return" }),
            "round {round}: {actions:?}"
        );
        assert_eq!(
            record.version(),
            started_version(&passed, &returned),
            "round {round}"
        );
    }
    eprintln!("two officials deciding on {backend:?}: {tally:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_officials_deciding_race_on_sqlite() {
    officials_race_to_decide(Backend::Local).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_officials_deciding_race_on_dynamodb() {
    officials_race_to_decide(Backend::Moto).await;
}
