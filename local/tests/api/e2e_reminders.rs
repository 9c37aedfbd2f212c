//! End to end on the real `sme-local` binary (issue 13): a recognised innovative enterprise (valid until
//! 2029-05-10) gets its reminders in 我的消息 while the development clock jumps 2027-02-01 → 2027-05-02 →
//! 2028-01-01 00:30 → 2029-02-15 10:00, each within 8 seconds of the jump, through the runner's own dispatcher.

use std::time::{Duration, Instant};

use crate::support::fixtures::*;
use crate::support::runner::{Runner, fresh_dir};
use crate::support::*;
use serde_json::json;

/// The caller's message titles, oldest first.
async fn titles(c: &Client, token: &str) -> Vec<String> {
    let inbox = c
        .call("GET", "/v1/messages?limit=100", Some(token), None)
        .await
        .expect(200);
    let mut t: Vec<String> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_owned())
        .collect();
    t.reverse();
    t
}

#[tokio::test]
async fn reminders_reach_a_recognised_enterprise_while_the_dev_clock_jumps_years() {
    let dir = fresh_dir("reminders");
    let runner = Runner::start(&dir);
    let c = Client::new(&runner.base);
    c.set_dev_clock("2026-05-06T09:00:00+08:00").await;
    let zj = c
        .signed_in_official("zj_official", "province", Some("330000"))
        .await;
    c.official_by(&zj, "hz_official", "city", Some("330100"))
        .await;
    c.official_by(&zj, "xihu_official", "county", Some("330106"))
        .await;
    c.open_window_as(
        &zj,
        "innovative",
        2026,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;
    let firm = c
        .firm(
            "firm1",
            &uscc(1, "330106"),
            "杭州测试1科技有限公司",
            &profile("330106", &LAST_THREE_YEARS),
            Some(Pick::Best),
        )
        .await;
    let (id, _) = c
        .submit_ready_declaration(&firm.token, "innovative", 2026)
        .await;
    for login in ["xihu_official", "hz_official", "zj_official"] {
        c.start_and_decide(login, &id, json!({"decision": "pass"}))
            .await;
    }
    let zj = c.login("zj_official", PASSWORD).await;
    let list = c
        .call(
            "POST",
            "/v1/admin/publicity",
            Some(&zj),
            Some(json!({"tier": "innovative", "days": 5})),
        )
        .await
        .expect(201);
    let list_id = list.body["id"].as_str().unwrap().to_owned();
    c.set_dev_clock("2026-05-11T10:00:00+08:00").await;
    let zj = c.login("zj_official", PASSWORD).await;
    c.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/close"),
        Some(&zj),
        None,
    )
    .await
    .expect(200);
    let token = c.login("firm1", PASSWORD).await;
    let ent = c
        .call("GET", "/v1/enterprise", Some(&token), None)
        .await
        .expect(200);
    assert_eq!(ent.body["qualifications"][0]["valid_until"], "2029-05-10");

    let walk = [
        ("2027-02-01T10:00:00+08:00", vec!["2027年度信息更新已开始"]),
        ("2027-05-02T10:00:00+08:00", vec![]),
        ("2028-01-01T00:30:00+08:00", vec!["2028年度信息更新已开始"]),
        (
            "2029-02-15T10:00:00+08:00",
            vec!["2029年度信息更新已开始", "创新型中小企业资质即将到期"],
        ),
    ];
    for (at, wanted) in walk {
        c.set_dev_clock(at).await;
        let token = c.login("firm1", PASSWORD).await;
        let deadline = Instant::now() + Duration::from_secs(8);
        loop {
            let got = titles(&c, &token).await;
            if wanted.iter().all(|w| got.iter().any(|g| g == w)) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "after moving to {at}, still missing {wanted:?} in {got:#?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    runner.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
