//! End to end on the real `sme-local` binary (issue 5, items 5 and 6): the enterprise's messages (我的消息) of a
//! full declaration → return → resubmission → three levels → publicity → recognition journey arrive in order
//! through the runner's dispatcher; officials get their queue messages in their scope's box; read marks and unread
//! counts; results by SMS in the dev outbox; and the reminders fire once each as the dev clock moves past their
//! dates.

use std::time::{Duration, Instant};

use crate::support::fixtures::*;
use crate::support::runner::{Runner, fresh_dir};
use crate::support::*;
use serde_json::{Value, json};

const YEAR: i32 = 2026;

/// Every message of the caller, newest first, read page by page (small pages to cross page boundaries).
async fn all_messages(c: &Client, token: &str) -> (Vec<Value>, u64) {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut unread;
    loop {
        let path = match &cursor {
            Some(cur) => format!("/v1/messages?limit=4&cursor={cur}"),
            None => "/v1/messages?limit=4".to_owned(),
        };
        let page = c.call("GET", &path, Some(token), None).await.expect(200);
        unread = page.body["unread"].as_u64().unwrap();
        items.extend(page.body["items"].as_array().unwrap().iter().cloned());
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return (items, unread),
        }
    }
}

/// Wait (the dispatcher runs every second) until the caller has `n` messages; their titles oldest first.
async fn wait_for_messages(c: &Client, token: &str, n: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (items, _) = all_messages(c, token).await;
        if items.len() >= n || Instant::now() > deadline {
            let mut titles: Vec<String> = items
                .iter()
                .map(|m| m["title"].as_str().unwrap().to_owned())
                .collect();
            titles.reverse();
            assert_eq!(titles.len(), n, "messages so far: {titles:#?}");
            return titles;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_runner_delivers_the_journeys_messages_in_order_and_each_reminder_once() {
    let dir = fresh_dir("messages");
    let runner = Runner::start(&dir);
    let c = Client::new(&runner.base);
    c.set_dev_clock("2026-05-06T09:00:00+08:00").await;

    // Officials of Zhejiang, Hangzhou and Xihu; the province opens the window.
    let op = c.operator().await;
    let zj = c
        .official_by(&op, "zj_official", "province", Some("330000"))
        .await;
    let zj_token = c.login(&zj, PASSWORD).await;
    let hz = c
        .official_by(&zj_token, "hz_official", "city", Some("330100"))
        .await;
    let xihu = c
        .official_by(&zj_token, "xihu_official", "county", Some("330106"))
        .await;
    c.open_window_as(
        &zj_token,
        "innovative",
        YEAR,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;

    // The enterprise: verified, profile, a declaration with its evidence, submitted.
    let code = uscc(31, "330106");
    let token = c
        .firm(
            "xihu_gear",
            &code,
            "杭州西湖齿轮有限公司",
            &grown_profile("330106"),
            None,
        )
        .await
        .token;
    let (id, _) = c.submit_ready_declaration(&token, "innovative", YEAR).await;

    // The county official's scope box gets the new submission; read marks count down; others' ids are 404.
    let xihu_token = c.login(&xihu, PASSWORD).await;
    let county_titles = wait_for_messages(&c, &xihu_token, 1).await;
    assert_eq!(county_titles, ["新的待审核申报"]);
    let (county_items, unread) = all_messages(&c, &xihu_token).await;
    assert_eq!(unread, 1);
    let county_msg = county_items[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(county_items[0]["subject_id"], json!(id));
    c.call(
        "POST",
        &format!("/v1/messages/{county_msg}/read"),
        Some(&token),
        None,
    )
    .await
    .expect_problem(404, "NOT_FOUND");
    let read = c
        .call(
            "POST",
            &format!("/v1/messages/{county_msg}/read"),
            Some(&xihu_token),
            None,
        )
        .await
        .expect(200);
    assert_eq!(read.body["read"], true);
    assert_eq!(all_messages(&c, &xihu_token).await.1, 0);
    c.call(
        "POST",
        &format!("/v1/messages/{county_msg}/read"),
        Some(&xihu_token),
        None,
    )
    .await
    .expect(200);
    assert_eq!(
        all_messages(&c, &xihu_token).await.1,
        0,
        "reading twice counts once"
    );

    // County returns; the enterprise resubmits; county, city and province pass.
    c.start_and_decide(
        &xihu,
        &id,
        json!({"decision": "return", "comment": "请补充研发费用明细"}),
    )
    .await;
    let token = c.login("xihu_gear", PASSWORD).await;
    c.submit_declaration(&token, &id).await.expect(200);
    c.start_and_decide(&xihu, &id, json!({"decision": "pass", "comment": ""}))
        .await;
    c.start_and_decide(&hz, &id, json!({"decision": "pass", "comment": ""}))
        .await;
    let last = c
        .start_and_decide(&zj, &id, json!({"decision": "pass", "comment": "同意"}))
        .await;
    assert_eq!(last["status"], "publicity");
    let zj_token = c.login(&zj, PASSWORD).await;
    let list = c
        .call(
            "POST",
            "/v1/admin/publicity",
            Some(&zj_token),
            Some(json!({"tier": "innovative"})),
        )
        .await
        .expect(201);
    let list_id = list.body["id"].as_str().unwrap().to_owned();
    c.set_dev_clock("2026-05-20T09:00:00+08:00").await;
    let zj_token = c.login(&zj, PASSWORD).await;
    c.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/close"),
        Some(&zj_token),
        None,
    )
    .await
    .expect(200);

    // The enterprise's messages, in order.
    let token = c.login("xihu_gear", PASSWORD).await;
    let titles = wait_for_messages(&c, &token, 13).await;
    assert_eq!(
        titles,
        [
            "实名认证已通过",
            "申报已提交",
            "申报审核中",
            "申报被退回",
            "申报已提交",
            "申报审核中",
            "申报已通过县级审核",
            "申报审核中",
            "申报已通过市级审核",
            "申报审核中",
            "申报已通过审核",
            "已列入公示名单",
            "已认定为创新型中小企业",
        ]
    );
    let (items, unread) = all_messages(&c, &token).await;
    assert_eq!(unread, 13);
    assert!(
        items[9]["body"]
            .as_str()
            .unwrap()
            .contains("请补充研发费用明细"),
        "{}",
        items[9]
    );
    // The city and the province got their queue messages in their boxes.
    let hz_token = c.login(&hz, PASSWORD).await;
    assert_eq!(
        wait_for_messages(&c, &hz_token, 1).await,
        ["新的待审核申报"]
    );
    let zj_token = c.login(&zj, PASSWORD).await;
    assert_eq!(
        wait_for_messages(&c, &zj_token, 2).await,
        ["新的待审核申报", "待公示申报"]
    );

    // Results went out by SMS (the return and the recognition), once each.
    let outbox = c
        .call("GET", "/v1/dev/outbox", None, None)
        .await
        .expect(200);
    let sms: Vec<String> = outbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"] == json!(phone_for("xihu_gear")))
        .map(|m| m["body"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        sms.iter().filter(|b| b.contains("申报被退回")).count(),
        1,
        "{sms:#?}"
    );
    assert_eq!(
        sms.iter()
            .filter(|b| b.contains("已认定为创新型中小企业"))
            .count(),
        1,
        "{sms:#?}"
    );

    // Reminders as the clock passes their dates (recognised 2026-05-20, valid until 2029-05-19).
    let reminders = [
        ("2027-01-04T09:00:00+08:00", "2027年度信息更新已开始"),
        ("2027-04-20T09:00:00+08:00", "信息更新即将截止"),
        ("2029-03-01T09:00:00+08:00", "创新型中小企业资质即将到期"),
    ];
    let mut expected = 13;
    for (at, title) in reminders {
        c.set_dev_clock(at).await;
        let token = c.login("xihu_gear", PASSWORD).await;
        expected += 1;
        if title.contains("资质即将到期") {
            // 2029-03-01 is also inside the 2029 update period: its opening reminder comes too.
            expected += 1;
        }
        let titles = wait_for_messages(&c, &token, expected).await;
        assert!(titles.iter().any(|t| t == title), "{title} in {titles:#?}");
    }
    // Moving the clock again (a new day, and back to an earlier one) sends none of them twice.
    c.set_dev_clock("2029-03-02T09:00:00+08:00").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    c.set_dev_clock("2027-01-05T09:00:00+08:00").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    c.set_dev_clock("2029-03-03T09:00:00+08:00").await;
    let token = c.login("xihu_gear", PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let titles = wait_for_messages(&c, &token, expected).await;
    for (_, title) in reminders {
        assert_eq!(
            titles.iter().filter(|t| *t == title).count(),
            1,
            "{title} once: {titles:#?}"
        );
    }
    assert_eq!(
        titles
            .iter()
            .filter(|t| *t == "2029年度信息更新已开始")
            .count(),
        1
    );
    runner.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
