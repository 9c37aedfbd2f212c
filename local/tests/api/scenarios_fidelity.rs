//! What an enterprise and an official meet (issue 13): one time format on every route, the advisor agreeing
//! with submission, the latest record being the latest, objections showing at once, reminders over a long walk,
//! named missing profile items, and the contract's answers for resubmission, unfiltered lists, statistics by
//! kind and per-official read state.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};

const YEAR: i32 = 2026;

/// Zhejiang's officials (province, Hangzhou, Xihu district), an innovative window of May 2026 and two
/// enterprises of Xihu that submitted innovative declarations; returns (province token, declaration ids).
async fn two_submitted_innovative(tp: &TestPlatform) -> (String, [String; 2]) {
    tp.set_time("2026-05-06T09:00:00+08:00");
    let zj = tp
        .signed_in_official("zj_official", "province", Some("330000"))
        .await;
    tp.official_by(&zj, "hz_official", "city", Some("330100"))
        .await;
    tp.official_by(&zj, "xihu_official", "county", Some("330106"))
        .await;
    tp.open_window_as(
        &zj,
        "innovative",
        YEAR,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;
    let mut ids = Vec::new();
    for n in [1, 2] {
        let firm = tp
            .firm(
                &format!("firm{n}"),
                &uscc(n, "330106"),
                &format!("杭州测试{n}科技有限公司"),
                &profile("330106", &LAST_THREE_YEARS),
                Some(Pick::Best),
            )
            .await;
        let (id, _) = tp
            .submit_ready_declaration(&firm.token, "innovative", YEAR)
            .await;
        ids.push(id);
    }
    (zj, [ids[0].clone(), ids[1].clone()])
}

/// Both declarations through county and city, passed by the province into publicity, and published on a list;
/// returns the list id.
async fn to_publicity(tp: &TestPlatform, zj: &str, ids: &[String; 2]) -> String {
    for id in ids {
        for login in ["xihu_official", "hz_official"] {
            let token = tp.login(login, PASSWORD).await;
            tp.call("GET", "/v1/admin/queue", Some(&token), None)
                .await
                .expect(200);
            tp.start_and_decide(login, id, json!({"decision": "pass"}))
                .await;
        }
        let d = tp
            .start_and_decide("zj_official", id, json!({"decision": "pass"}))
            .await;
        assert_eq!(d["status"], "publicity");
    }
    let list = tp
        .call(
            "POST",
            "/v1/admin/publicity",
            Some(zj),
            Some(json!({"tier": "innovative"})),
        )
        .await
        .expect(201);
    list.body["id"].as_str().unwrap().to_owned()
}

#[track_caller]
fn assert_utc(v: &Value) {
    let s = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    assert!(s.ends_with('Z'), "{s}");
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).expect(s);
}

#[tokio::test]
async fn every_time_field_on_the_way_from_declaration_to_the_public_list_is_rfc3339_utc() {
    // Every answer of this walk (and of every scenario) passes `assert_times_are_rfc3339_utc` in `Client::call`;
    // the fields the contract names are checked here by name as well.
    let tp = start(Backend::Local).await;
    let (zj, ids) = two_submitted_innovative(&tp).await;
    let firm = tp.login("firm1", PASSWORD).await;
    let d = tp
        .call(
            "GET",
            &format!("/v1/declarations/{}", ids[0]),
            Some(&firm),
            None,
        )
        .await
        .expect(200);
    for field in ["created_at", "updated_at", "waiting_since"] {
        assert_utc(&d.body[field]);
    }
    assert_utc(&d.body["snapshot"]["submitted_at"]);
    let county = tp.login("xihu_official", PASSWORD).await;
    let queue = tp
        .call("GET", "/v1/admin/queue", Some(&county), None)
        .await
        .expect(200);
    assert_utc(&queue.body["items"][0]["waiting_since"]);
    let list_id = to_publicity(&tp, &zj, &ids).await;
    let list = tp
        .call(
            "GET",
            &format!("/v1/admin/publicity/{list_id}"),
            Some(&zj),
            None,
        )
        .await
        .expect(200);
    assert_utc(&list.body["ends_at"]);
    tp.set_time("2026-05-20T09:00:00+08:00");
    let zj = tp.login("zj_official", PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/close"),
        Some(&zj),
        None,
    )
    .await
    .expect(200);
    let public = tp
        .call("GET", "/v1/public/recognitions?tier=innovative", None, None)
        .await
        .expect(200);
    assert_utc(&public.body["items"][0]["closed_at"]);
    tp.dispatch().await;
    let firm = tp.login("firm1", PASSWORD).await;
    let inbox = tp
        .call("GET", "/v1/messages", Some(&firm), None)
        .await
        .expect(200);
    assert_utc(&inbox.body["items"][0]["created_at"]);
    for path in [
        format!("/v1/declarations/{}/history?limit=100", ids[0]),
        "/v1/declarations".to_owned(),
        "/v1/enterprise".to_owned(),
        "/v1/digital-assessments/latest".to_owned(),
    ] {
        tp.call("GET", &path, Some(&firm), None).await.expect(200);
    }
    for path in ["/v1/admin/windows", "/v1/admin/statistics"] {
        tp.call("GET", path, Some(&zj), None).await.expect(200);
    }
}

#[tokio::test]
async fn an_objection_shows_in_the_publicity_list_as_soon_as_it_is_recorded() {
    let tp = start(Backend::Local).await;
    let (zj, ids) = two_submitted_innovative(&tp).await;
    let list_id = to_publicity(&tp, &zj, &ids).await;
    tp.set_time("2026-05-08T09:00:00+08:00");
    let zj = tp.login("zj_official", PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/objection"),
        Some(&zj),
        Some(json!({"declaration_id": ids[1], "reason": "经核实存在知识产权纠纷"})),
    )
    .await
    .expect(200);
    let list = tp
        .call(
            "GET",
            &format!("/v1/admin/publicity/{list_id}"),
            Some(&zj),
            None,
        )
        .await
        .expect(200);
    assert_eq!(list.body["status"], "open");
    assert_eq!(list.body["objected"], json!([ids[1]]), "{}", list.text);
    let status_of = |id: &str| {
        list.body["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .map(|e| e["status"].clone())
    };
    assert_eq!(status_of(&ids[1]), Some(json!("rejected")));
    assert_eq!(status_of(&ids[0]), Some(json!("publicity")));
    // Closing keeps the objection and recognises the other.
    tp.set_time("2026-05-20T09:00:00+08:00");
    let zj = tp.login("zj_official", PASSWORD).await;
    let closed = tp
        .call(
            "POST",
            &format!("/v1/admin/publicity/{list_id}/close"),
            Some(&zj),
            None,
        )
        .await
        .expect(200);
    assert_eq!(closed.body["recognized"], json!([ids[0]]));
    assert_eq!(closed.body["objected"], json!([ids[1]]));
}

#[tokio::test]
async fn records_made_in_one_millisecond_keep_their_order_the_latest_assessment_and_the_messages() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-05-06T09:00:00+08:00");
    tp.open_window(
        "innovative",
        YEAR,
        Some("330000"),
        "2026-05-01T00:00:00+08:00",
        "2026-06-01T00:00:00+08:00",
    )
    .await;
    let firm = tp
        .firm(
            "firm1",
            &uscc(1, "330106"),
            "杭州测试1科技有限公司",
            &profile("330106", &LAST_THREE_YEARS),
            None,
        )
        .await;
    let id = tp.ready_declaration(&firm.token, "innovative", YEAR).await;
    // From here on the clock stands still: everything below happens in one millisecond.
    tp.clock.freeze(
        time::OffsetDateTime::parse(
            "2026-05-06T09:30:00.123+08:00",
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap(),
    );
    let mut last_level = None;
    for i in 0..30 {
        let pick = if i % 2 == 0 { Pick::Best } else { Pick::First };
        let a = tp.assess_digital(&firm.token, pick).await;
        last_level = Some(a.body["result"]["level"].clone());
        let latest = tp
            .call(
                "GET",
                "/v1/digital-assessments/latest",
                Some(&firm.token),
                None,
            )
            .await
            .expect(200);
        assert_eq!(
            latest.body["id"], a.body["id"],
            "assessment {i} is the latest"
        );
    }
    assert!(last_level.is_some());
    let rounds = 10;
    for _ in 0..rounds {
        tp.submit_declaration(&firm.token, &id).await.expect(200);
        tp.call(
            "POST",
            &format!("/v1/declarations/{id}/withdraw"),
            Some(&firm.token),
            Some(json!({"mode": "modify"})),
        )
        .await
        .expect(200);
    }
    tp.dispatch().await;
    let inbox = tp
        .call("GET", "/v1/messages?limit=100", Some(&firm.token), None)
        .await
        .expect(200);
    let titles: Vec<&str> = inbox.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["title"].as_str().unwrap())
        .filter(|t| t.contains("申报"))
        .collect();
    let expected: Vec<&str> = (0..rounds)
        .flat_map(|_| ["申报已撤回修改", "申报已提交"])
        .collect();
    assert_eq!(titles, expected, "newest first, in creation order");
}

#[tokio::test]
async fn a_declaration_cancelled_after_its_window_closed_cannot_be_resubmitted_resubmit_not_allowed()
 {
    let tp = start(Backend::Local).await;
    let (_, ids) = two_submitted_innovative(&tp).await;
    tp.set_time("2026-06-02T09:00:00+08:00");
    let firm = tp.login("firm1", PASSWORD).await;
    let cancelled = tp
        .call(
            "POST",
            &format!("/v1/declarations/{}/withdraw", ids[0]),
            Some(&firm),
            Some(json!({"mode": "cancel", "acknowledge_no_resubmit": true})),
        )
        .await
        .expect(200);
    assert_eq!(cancelled.body["status"], "withdrawn");
    tp.submit_declaration(&firm, &ids[0])
        .await
        .expect_problem(409, "RESUBMIT_NOT_ALLOWED");
}

#[tokio::test]
async fn unfiltered_window_and_recognition_lists_show_everything_the_caller_may_see_paged() {
    let tp = start(Backend::Local).await;
    let (zj, ids) = two_submitted_innovative(&tp).await;
    for (tier, year, province) in [
        ("specialized", 2026, Some("320000")),
        ("little_giant", 2026, None),
        ("innovative", 2027, Some("330000")),
    ] {
        tp.open_window(
            tier,
            year,
            province,
            &format!("{year}-07-01T00:00:00+08:00"),
            &format!("{year}-08-01T00:00:00+08:00"),
        )
        .await;
    }
    // The province sees its own and the national windows, every tier and year; Jiangsu's stays out.
    let seen = tp
        .call("GET", "/v1/admin/windows", Some(&zj), None)
        .await
        .expect(200);
    let keys: Vec<(String, i64)> = seen.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["tier"].as_str().unwrap().to_owned(),
                w["year"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("innovative".to_owned(), 2026),
            ("little_giant".to_owned(), 2026),
            ("innovative".to_owned(), 2027)
        ]
    );
    assert!(seen.body["next_cursor"].is_null());
    // The operator sees all four, two per page.
    let op = tp.operator().await;
    let first = tp
        .call("GET", "/v1/admin/windows?limit=2", Some(&op), None)
        .await
        .expect(200);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = tp
        .call(
            "GET",
            &format!("/v1/admin/windows?limit=2&cursor={}", enc(&cursor)),
            Some(&op),
            None,
        )
        .await
        .expect(200);
    assert_eq!(second.body["items"].as_array().unwrap().len(), 2);
    assert!(second.body["next_cursor"].is_null(), "{}", second.text);
    let narrowed = tp
        .call("GET", "/v1/admin/windows?year=2027", Some(&op), None)
        .await
        .expect(200);
    assert_eq!(narrowed.body["items"].as_array().unwrap().len(), 1);

    // The public list without a tier: every recognised batch.
    let list_id = to_publicity(&tp, &zj, &ids).await;
    tp.set_time("2026-05-20T09:00:00+08:00");
    let zj = tp.login("zj_official", PASSWORD).await;
    tp.call(
        "POST",
        &format!("/v1/admin/publicity/{list_id}/close"),
        Some(&zj),
        None,
    )
    .await
    .expect(200);
    let public = tp
        .call("GET", "/v1/public/recognitions", None, None)
        .await
        .expect(200);
    let batches = public.body["items"].as_array().unwrap();
    assert_eq!(batches.len(), 1, "{}", public.text);
    assert_eq!(batches[0]["batch"], list_id.as_str());
    assert_eq!(batches[0]["enterprises"].as_array().unwrap().len(), 2);
    let none = tp
        .call(
            "GET",
            "/v1/public/recognitions?tier=specialized",
            None,
            None,
        )
        .await
        .expect(200);
    assert!(none.body["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn statistics_count_first_declarations_and_re_reviews_apart() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-03-20T10:00:00+08:00");
    let zj = tp
        .signed_in_official("zj_official", "province", Some("330000"))
        .await;
    tp.official_by(&zj, "hz_official", "city", Some("330100"))
        .await;
    tp.official_by(&zj, "xihu_official", "county", Some("330106"))
        .await;
    tp.open_window_as(
        &zj,
        "innovative",
        YEAR,
        Some("330000"),
        "2026-03-01T00:00:00+08:00",
        "2026-04-01T00:00:00+08:00",
    )
    .await;
    let new = tp
        .firm(
            "newcomer",
            &uscc(1, "330106"),
            "杭州新来科技有限公司",
            &profile("330106", &LAST_THREE_YEARS),
            Some(Pick::Best),
        )
        .await;
    tp.submit_ready_declaration(&new.token, "innovative", YEAR)
        .await;
    let old = tp
        .firm(
            "veteran",
            &uscc(2, "330106"),
            "杭州老牌科技有限公司",
            &plain_profile("330106", &LAST_THREE_YEARS),
            Some(Pick::Best),
        )
        .await;
    tp.grant(&old.uscc, "specialized", "2025-06-01").await;
    tp.call(
        "POST",
        &format!("/v1/admin/enterprises/{}/re-review-eligibility", old.uscc),
        Some(&zj),
        Some(json!({"tier": "specialized"})),
    )
    .await
    .expect(201);
    let created = tp
        .call(
            "POST",
            "/v1/re-reviews",
            Some(&old.token),
            Some(json!({"tier": "specialized"})),
        )
        .await
        .expect(201);
    let rr = created.body["id"].as_str().unwrap().to_owned();
    let spec = created.body["form_spec"]["spec"].clone();
    tp.call(
        "PUT",
        &format!("/v1/re-reviews/{rr}"),
        Some(&old.token),
        Some(json!({"form": fill_form(&spec)})),
    )
    .await
    .expect(200);
    tp.upload_required(&old.token, &rr, &spec, "材料.pdf").await;
    tp.call(
        "POST",
        &format!("/v1/re-reviews/{rr}/submit"),
        Some(&old.token),
        None,
    )
    .await
    .expect(200);

    let stats = tp
        .call("GET", "/v1/admin/statistics", Some(&zj), None)
        .await
        .expect(200);
    let mut cells: Vec<(String, String, u64)> = stats.body["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["tier"].as_str().unwrap().to_owned(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect();
    cells.sort();
    assert_eq!(
        cells,
        [
            ("declaration".to_owned(), "innovative".to_owned(), 1),
            ("re_review".to_owned(), "specialized".to_owned(), 1)
        ],
        "{}",
        stats.text
    );
    let only_new = tp
        .call(
            "GET",
            "/v1/admin/statistics?kind=declaration",
            Some(&zj),
            None,
        )
        .await
        .expect(200);
    assert_eq!(only_new.body["total"], 1);
    assert_eq!(only_new.body["counts"][0]["kind"], "declaration");
    tp.call("GET", "/v1/admin/statistics?kind=renewal", Some(&zj), None)
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let csv = tp
        .call(
            "GET",
            "/v1/admin/statistics?format=csv&kind=re_review",
            Some(&zj),
            None,
        )
        .await
        .expect(200);
    let lines: Vec<&str> = csv
        .text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .collect();
    assert!(
        lines[0].starts_with("kind,kind_label,tier,"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 2, "{}", csv.text);
    assert!(
        lines[1].starts_with("re_review,复核,specialized,"),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn an_official_reading_an_office_message_marks_it_read_for_that_official_only() {
    let tp = start(Backend::Local).await;
    let (zj, _) = two_submitted_innovative(&tp).await;
    tp.official_by(&zj, "xihu_second", "county", Some("330106"))
        .await;
    tp.dispatch().await;
    let a = tp.login("xihu_official", PASSWORD).await;
    let b = tp.login("xihu_second", PASSWORD).await;
    let inbox = |token: String| {
        let tp = &tp;
        async move {
            tp.call("GET", "/v1/messages", Some(&token), None)
                .await
                .expect(200)
                .body
        }
    };
    let before_a = inbox(a.clone()).await;
    let before_b = inbox(b.clone()).await;
    assert_eq!(before_a["unread"], 2, "{before_a}");
    assert_eq!(before_b["unread"], 2, "{before_b}");
    let id = before_a["items"][0]["id"].as_str().unwrap().to_owned();
    let read = tp
        .call("POST", &format!("/v1/messages/{id}/read"), Some(&a), None)
        .await
        .expect(200);
    assert_eq!(read.body["read"], true);
    // Reading again changes nothing.
    tp.call("POST", &format!("/v1/messages/{id}/read"), Some(&a), None)
        .await
        .expect(200);
    let after_a = inbox(a.clone()).await;
    let after_b = inbox(b.clone()).await;
    assert_eq!(after_a["unread"], 1, "{after_a}");
    assert_eq!(after_a["items"][0]["read"], true);
    assert_eq!(after_b["unread"], 2, "{after_b}");
    assert_eq!(after_b["items"][0]["id"], id.as_str());
    assert_eq!(after_b["items"][0]["read"], false);
}

/// The titles of the enterprise's messages, oldest first.
async fn titles(tp: &TestPlatform, token: &str) -> Vec<String> {
    let inbox = tp
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
async fn a_recognised_enterprise_gets_every_reminder_while_the_clock_jumps_years() {
    let tp = start(Backend::Local).await;
    tp.set_dev_clock("2026-05-11T10:00:00+08:00").await;
    let firm = tp
        .firm(
            "firm1",
            &uscc(1, "330106"),
            "杭州测试1科技有限公司",
            &profile("330106", &LAST_THREE_YEARS),
            None,
        )
        .await;
    // Recognised, and the clock moved on before the dispatcher's next pass (as a tester moving the dev clock right
    // after the recognition does): the first reminder run after the jump must already know the new holder.
    tp.grant(&firm.uscc, "innovative", "2026-05-11").await;
    let walk = [
        ("2027-02-01T10:00:00+08:00", vec!["2027年度信息更新已开始"]),
        ("2027-05-02T10:00:00+08:00", vec![]),
        ("2028-01-01T00:30:00+08:00", vec!["2028年度信息更新已开始"]),
        (
            "2029-02-15T10:00:00+08:00",
            vec!["2029年度信息更新已开始", "创新型中小企业资质即将到期"],
        ),
    ];
    let mut expected: Vec<String> = Vec::new();
    for (at, new) in walk {
        tp.set_dev_clock(at).await;
        for _ in 0..4 {
            tp.dispatcher.tick().await;
        }
        expected.extend(new.into_iter().map(str::to_owned));
        let token = tp.login("firm1", PASSWORD).await;
        let got: Vec<String> = titles(&tp, &token)
            .await
            .into_iter()
            .filter(|t| !t.contains("实名") && !t.contains("认证"))
            .collect();
        assert_eq!(got, expected, "messages at {at}");
    }
}

#[tokio::test]
async fn the_yearly_update_period_can_be_set_per_year_and_province() {
    let policy = shared::services::Policy {
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        update_period: shared::services::info_updates::UpdatePeriods::parse(
            "01-01/04-30;2026@33:01-01/05-31",
        )
        .unwrap(),
        ..shared::services::Policy::default()
    };
    let tp = start_with(Backend::Local, policy).await;
    tp.set_time("2026-05-15T10:00:00+08:00");
    let mut tokens = Vec::new();
    for (n, region) in [(1, "330106"), (2, "320102")] {
        let firm = tp
            .firm(
                &format!("firm{n}"),
                &uscc(n, &region[..6]),
                &format!("测试企业{n}有限公司"),
                &plain_profile(region, &LAST_THREE_YEARS),
                None,
            )
            .await;
        tp.grant(&firm.uscc, "specialized", "2025-06-01").await;
        tokens.push(firm.token);
    }
    // Zhejiang's 2026 period runs to 31 May; Jiangsu keeps 1 January – 30 April.
    tp.call("POST", "/v1/info-updates", Some(&tokens[0]), None)
        .await
        .expect(201);
    let refused = tp
        .call("POST", "/v1/info-updates", Some(&tokens[1]), None)
        .await
        .expect_problem(409, "NOT_IN_UPDATE_PERIOD");
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("04月30日"),
        "{}",
        refused.text
    );
}

#[tokio::test]
async fn the_advisor_reads_the_2026_standards() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-05-06T09:00:00+08:00");
    let firm = tp
        .firm(
            "firm1",
            &uscc(1, "330106"),
            "杭州测试1科技有限公司",
            &grown_profile("330106"),
            Some(Pick::Best),
        )
        .await;
    let advice = |tp: &TestPlatform| {
        let token = firm.token.clone();
        let tp = tp.client.base.clone();
        async move {
            Client::new(&tp)
                .call("GET", "/v1/enterprise/advice", Some(&token), None)
                .await
                .expect(200)
                .body
        }
    };
    let conditions = |body: &Value, tier: &str| -> Vec<(String, Value, String)> {
        body["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["tier"] == tier)
            .unwrap()["assessment"]["hard_conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["holds"].clone(),
                    c["text"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let body = advice(&tp).await;
    assert_eq!(body["rule_version"], "2026");
    let giant = conditions(&body, "little_giant");
    let ids: Vec<&str> = giant.iter().map(|c| c.0.as_str()).collect();
    for gone in [
        "info_system",
        "certification",
        "own_brand",
        "innovation_general",
    ] {
        assert!(!ids.contains(&gone), "{gone} in {ids:?}");
    }
    for item in [
        "revenue_growth",
        "debt_ratio",
        "market_share",
        "ip",
        "industrial_field",
    ] {
        assert!(ids.contains(&item), "{item} missing in {ids:?}");
    }
    assert!(
        giant
            .iter()
            .any(|c| c.0 == "debt_ratio" && c.2.contains("75%"))
    );
    let specialized = conditions(&body, "specialized");
    let position = specialized
        .iter()
        .find(|c| c.0 == "market_position")
        .expect("market_position");
    assert!(position.1.is_null(), "undecided until stated: {position:?}");

    // Stated, with a small share but third in China: both market items hold.
    let mut p = grown_profile("330106");
    p["market"]["national_share_pct"] = json!(4.0);
    p["market"]["national_rank"] = json!(3);
    p["market"]["leading_position"] = json!(true);
    tp.call("PUT", "/v1/enterprise", Some(&firm.token), Some(p))
        .await
        .expect(200);
    let body = advice(&tp).await;
    let holds = |tier: &str, id: &str| {
        conditions(&body, tier)
            .into_iter()
            .find(|c| c.0 == id)
            .map(|c| c.1)
    };
    assert_eq!(holds("specialized", "market_position"), Some(json!(true)));
    assert_eq!(holds("little_giant", "market_share"), Some(json!(true)));
}

#[tokio::test]
async fn a_specialized_enterprise_recognised_before_september_2022_self_assesses_before_its_update()
{
    let tp = start(Backend::Local).await;
    tp.set_time("2024-04-10T10:00:00+08:00");
    let mut tokens = Vec::new();
    for (n, recognised) in [(1, "2022-08-31"), (2, "2022-09-01")] {
        let firm = tp
            .firm(
                &format!("firm{n}"),
                &uscc(n, "330106"),
                &format!("测试企业{n}有限公司"),
                &plain_profile("330106", &[2021, 2022, 2023]),
                None,
            )
            .await;
        tp.grant(&firm.uscc, "specialized", recognised).await;
        tokens.push(firm.token);
    }
    let refused = tp
        .call("POST", "/v1/info-updates", Some(&tokens[0]), None)
        .await
        .expect_problem(422, "DIGITAL_ASSESSMENT_REQUIRED");
    assert_eq!(refused.body["path"], "/v1/digital-assessments");
    assert!(
        refused.body["detail"].as_str().unwrap().contains("去自评"),
        "{}",
        refused.text
    );
    tp.assess_digital(&tokens[0], Pick::First).await;
    tp.call("POST", "/v1/info-updates", Some(&tokens[0]), None)
        .await
        .expect(201);
    // Recognised on 1 September 2022: no such step.
    tp.call("POST", "/v1/info-updates", Some(&tokens[1]), None)
        .await
        .expect(201);
}

#[tokio::test]
async fn a_province_imports_earlier_recognitions_all_or_nothing_idempotently_and_audited() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-03-10T10:00:00+08:00");
    let zj = tp
        .signed_in_official("zj_official", "province", Some("330000"))
        .await;
    tp.official_by(&zj, "xihu_official", "county", Some("330106"))
        .await;
    let early = uscc(1, "330106");
    let later = uscc(2, "330106");
    let mut broken = early.clone();
    let last = broken.pop().unwrap();
    broken.push(if last == '0' { '1' } else { '0' });
    let header = "uscc,enterprise_name,tier,recognised_on,valid_until,batch\n";
    let good = format!(
        "{header}{early},杭州早年科技有限公司,专精特新中小企业,2021-06-01,2027-05-31,2021年第三批\n\
         {later},杭州后来科技有限公司,innovative,2025-01-10,2028-01-09,2025年第一批\n"
    );
    let bad = format!(
        "{good}{broken},错码有限公司,specialized,2021-06-01,2024-05-31,2021年第三批\n\
         {},江苏企业有限公司,specialized,2021-06-01,2024-05-31,2021年第三批\n\
         {early},重复行有限公司,专精特新中小企业,2021-06-01,2027-05-31,2021年第三批\n\
         {},未知梯度有限公司,隐形冠军,2030-01-01,2029-01-01,\n",
        uscc(3, "320102"),
        uscc(4, "330106"),
    );
    let import = |token: String, csv: String| {
        let c = Client::new(&tp.client.base);
        async move {
            c.call(
                "POST",
                "/v1/admin/recognitions/import",
                Some(&token),
                Some(json!({ "csv": csv })),
            )
            .await
        }
    };
    let refused = import(zj.clone(), bad)
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    let errors: Vec<(String, String)> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let fields: Vec<&str> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        fields,
        [
            "rows[3].uscc",
            "rows[4].uscc",
            "rows[5].uscc",
            "rows[6].tier",
            "rows[6].recognised_on",
            "rows[6].valid_until",
            "rows[6].batch"
        ],
        "{}",
        refused.text
    );
    assert!(errors[0].1.starts_with("第3行："), "{errors:?}");
    assert!(errors[1].1.contains("不在本省"), "{errors:?}");
    // Nothing was imported.
    let firm = tp
        .firm(
            "early_firm",
            &early,
            "杭州早年科技有限公司",
            &plain_profile("330106", &LAST_THREE_YEARS),
            None,
        )
        .await;
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&firm.token), None)
        .await
        .expect(200);
    assert!(
        ent.body["qualifications"].as_array().unwrap().is_empty(),
        "{}",
        ent.text
    );
    // A county may not import.
    let county = tp.login("xihu_official", PASSWORD).await;
    import(county, good.clone())
        .await
        .expect_problem(403, "FORBIDDEN");

    let done = import(zj.clone(), good.clone()).await.expect(200);
    assert_eq!(
        (
            done.body["imported"].as_u64(),
            done.body["unchanged"].as_u64()
        ),
        (Some(2), Some(0))
    );
    let again = import(zj.clone(), good).await.expect(200);
    assert_eq!(
        (
            again.body["imported"].as_u64(),
            again.body["unchanged"].as_u64()
        ),
        (Some(0), Some(2))
    );
    // Audited: each upload is an event of its import.
    for answer in [&done, &again] {
        let id = answer.body["import_id"].as_str().unwrap();
        let events = tp
            .store
            .query(shared::ports::Query::base(format!("IMPORT#{id}")))
            .await
            .unwrap();
        assert_eq!(events.items.len(), 1);
        assert_eq!(
            events.items[0].decode::<Value>().unwrap()["kind"],
            "recognitions.imported"
        );
    }
    // The enterprise now holds the imported qualification; recognised before September 2022, its update starts
    // with the digital self-assessment.
    let ent = tp
        .call("GET", "/v1/enterprise", Some(&firm.token), None)
        .await
        .expect(200);
    let q = &ent.body["qualifications"][0];
    assert_eq!(
        (
            q["tier"].as_str(),
            q["valid_from"].as_str(),
            q["valid_until"].as_str()
        ),
        (Some("specialized"), Some("2021-06-01"), Some("2027-05-31"))
    );
    tp.call("POST", "/v1/info-updates", Some(&firm.token), None)
        .await
        .expect_problem(422, "DIGITAL_ASSESSMENT_REQUIRED");
}
