//! The typed views of the enterprise side and of the workbench (issue 12) write exactly the members the hand-built
//! JSON wrote: each answer's member set is checked here, with the members left out where they were left out
//! (`days_to_expiry` only on `GET`, the advisor's size without category and year, a queue entry only with the
//! members of its kind) and the ones written as `null` still written.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::{Value, json};

const YEAR: i32 = 2026;

#[track_caller]
fn assert_members(v: &Value, expected: &[&str], what: &str) {
    let mut got: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    got.sort_unstable();
    let mut want = expected.to_vec();
    want.sort_unstable();
    assert_eq!(got, want, "{what}: {v}");
}

const PROFILE: [&str; 21] = [
    "name",
    "uscc",
    "region",
    "address",
    "industry",
    "niche_field",
    "main_products",
    "established_on",
    "employees",
    "financials",
    "ip",
    "honours",
    "awards",
    "makers_china",
    "financing",
    "market",
    "quality",
    "rd_institution",
    "product_fields",
    "operations",
    "local_indicators",
];

#[tokio::test]
async fn the_enterprise_answers_write_the_members_they_always_wrote() {
    let tp = start(Backend::Local).await;
    let code = uscc(71, "330106");
    let firm = tp
        .firm(
            "views_co",
            &code,
            "视图测试有限公司",
            &grown_profile("330106"),
            None,
        )
        .await;
    let t = &firm.token;

    let assessed = tp.assess_digital(t, Pick::Best).await;
    assert_members(
        &assessed.body,
        &["id", "assessed_at", "result", "answers"],
        "digital assessment",
    );
    let latest = tp
        .call("GET", "/v1/digital-assessments/latest", Some(t), None)
        .await
        .expect(200);
    assert_eq!(latest.body, assessed.body);

    let mut enterprise_members = PROFILE.to_vec();
    enterprise_members.extend([
        "region_name",
        "industry_path",
        "industry_name",
        "size",
        "qualifications",
        "recognition",
        "version",
    ]);
    let saved = tp
        .call(
            "PUT",
            "/v1/enterprise",
            Some(t),
            Some(grown_profile("330106")),
        )
        .await
        .expect(200);
    assert_members(&saved.body, &enterprise_members, "PUT /v1/enterprise");
    assert_eq!(
        saved.headers["etag"].to_str().unwrap(),
        format!("\"{}\"", saved.body["version"])
    );
    assert_members(
        &saved.body["size"],
        &["class", "label", "category", "basis", "year"],
        "profile size",
    );
    assert_eq!(saved.body["recognition"], "未认定");

    tp.grant(&code, "innovative", "2025-11-08").await;
    let shown = tp
        .call("GET", "/v1/enterprise", Some(t), None)
        .await
        .expect(200);
    assert_members(&shown.body, &enterprise_members, "GET /v1/enterprise");
    let q = &shown.body["qualifications"][0];
    assert_members(
        q,
        &[
            "tier",
            "tier_label",
            "status",
            "valid_from",
            "valid_until",
            "source_id",
            "revoked_on",
            "revocation_reason",
            "days_to_expiry",
            "re_review",
        ],
        "own qualification",
    );
    assert!(q["revoked_on"].is_null() && q["revocation_reason"].is_null());
    assert_members(
        &q["re_review"],
        &["eligible_flag", "missed_update_years", "forfeited"],
        "re-review standing",
    );

    let advice = tp
        .call("GET", "/v1/enterprise/advice", Some(t), None)
        .await
        .expect(200);
    assert_members(
        &advice.body,
        &["rule_version", "year", "size", "digital_level", "tiers"],
        "advice",
    );
    assert_members(
        &advice.body["size"],
        &["class", "label", "basis"],
        "advice size",
    );
    let tiers = advice.body["tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 3);
    for tier in tiers {
        assert_members(
            tier,
            &[
                "tier",
                "tier_label",
                "prerequisites",
                "profile_missing",
                "digital_assessment_required",
                "eligible",
                "blockers",
                "assessment",
            ],
            "advice tier",
        );
        for p in tier["prerequisites"].as_array().unwrap() {
            assert_members(p, &["tier", "label", "held"], "prerequisite");
        }
        for b in tier["blockers"].as_array().unwrap() {
            assert_members(b, &["code", "detail"], "blocker");
        }
    }
    // The little giant needs the specialized tier first: a prerequisite not held and its blocker.
    let giant = tiers.iter().find(|t| t["tier"] == "little_giant").unwrap();
    assert!(
        giant["blockers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["code"] == "PREREQUISITE_MISSING"),
        "{giant}"
    );
}

#[tokio::test]
async fn the_workbench_answers_write_the_members_they_always_wrote() {
    let tp = start(Backend::Local).await;
    tp.set_time("2026-04-20T10:00:00+08:00");
    tp.open_window(
        "innovative",
        YEAR,
        Some("330000"),
        "2026-04-10T00:00:00+08:00",
        "2026-05-01T00:00:00+08:00",
    )
    .await;
    let op = tp.operator().await;
    let created = tp
        .call(
            "POST",
            "/v1/admin/officials",
            Some(&op),
            Some(json!({"login_name": "views_xihu", "password": PASSWORD, "phone": phone_for("views_xihu"),
                        "level": "county", "region": "330106"})),
        )
        .await
        .expect(201);
    assert_members(
        &created.body,
        // `region_name` is new (issue 10: names instead of codes on the workbench).
        &["account_id", "login_name", "level", "region", "region_name"],
        "created official",
    );
    let ministry = tp
        .call(
            "POST",
            "/v1/admin/officials",
            Some(&op),
            Some(json!({"login_name": "views_miit", "password": PASSWORD, "phone": phone_for("views_miit"),
                        "level": "ministry"})),
        )
        .await
        .expect(201);
    assert!(ministry.body["region"].is_null(), "{}", ministry.text);
    let county = tp.login("views_xihu", PASSWORD).await;

    // A submitted declaration in the county's queue.
    let code = uscc(72, "330106");
    let firm = tp
        .firm(
            "views_decl",
            &code,
            "视图申报有限公司",
            &grown_profile("330106"),
            Some(Pick::Best),
        )
        .await;
    let (id, _) = tp
        .submit_ready_declaration(&firm.token, "innovative", YEAR)
        .await;
    let queue = tp
        .call(
            "GET",
            "/v1/admin/queue?kind=declaration",
            Some(&county),
            None,
        )
        .await
        .expect(200);
    assert_members(&queue.body, &["items", "next_cursor"], "queue page");
    let entry = &queue.body["items"][0];
    assert_eq!(entry["id"], id.as_str());
    let declaration_entry = [
        "id",
        "kind",
        "uscc",
        "enterprise_name",
        "tier",
        "year",
        "region",
        "industry",
        "status",
        "level",
        "waiting_since",
        "submissions",
    ];
    let mut with_wait = declaration_entry.to_vec();
    with_wait.extend(["waited_days", "waited_hours"]);
    assert_members(entry, &with_wait, "declaration queue entry");
    assert_eq!(entry["kind"], "declaration");

    let admin = tp
        .call(
            "GET",
            &format!("/v1/admin/enterprises/{code}"),
            Some(&county),
            None,
        )
        .await
        .expect(200);
    assert_members(
        &admin.body,
        &[
            "uscc",
            "profile",
            "region_name",
            "industry_name",
            "size",
            "qualifications",
            "declarations",
        ],
        "admin enterprise view",
    );
    assert_members(&admin.body["profile"], &PROFILE, "admin profile");
    assert_members(
        &admin.body["size"],
        &["class", "label", "category", "year"],
        "admin size",
    );
    assert_members(
        &admin.body["declarations"][0],
        &declaration_entry,
        "admin declaration summary",
    );

    // A recognised enterprise: its qualification as officials see it, a change report, a revocation.
    let recognised = uscc(73, "330106");
    let holder = tp
        .firm(
            "views_held",
            &recognised,
            "视图认定有限公司",
            &grown_profile("330106"),
            None,
        )
        .await;
    tp.grant(&recognised, "innovative", "2025-11-08").await;
    let admin = tp
        .call(
            "GET",
            &format!("/v1/admin/enterprises/{recognised}"),
            Some(&county),
            None,
        )
        .await
        .expect(200);
    assert_members(
        &admin.body["qualifications"][0],
        &["tier", "tier_label", "status", "valid_from", "valid_until"],
        "admin qualification",
    );
    let report = tp
        .call(
            "POST",
            "/v1/change-reports",
            Some(&holder.token),
            Some(
                json!({"kind": "rename", "occurred_on": "2026-04-01", "details": "股东会决议更名",
                        "new_name": "视图更名有限公司"}),
            ),
        )
        .await
        .expect(201);
    assert_members(
        &report.body,
        &[
            "id",
            "uscc",
            "enterprise_name",
            "kind",
            "occurred_on",
            "details",
            "new_name",
            "region",
            "filed_on",
            "late",
            "status",
            "waiting_since",
            "updated_at",
            "kind_label",
        ],
        "change report",
    );
    let queue = tp
        .call(
            "GET",
            "/v1/admin/queue?kind=change_report",
            Some(&county),
            None,
        )
        .await
        .expect(200);
    assert_members(
        &queue.body["items"][0],
        &[
            "id",
            "kind",
            "uscc",
            "enterprise_name",
            "change_kind",
            "late",
            "region",
            "status",
            "level",
            "waiting_since",
            "waited_days",
            "waited_hours",
        ],
        "change-report queue entry",
    );
    assert_eq!(queue.body["items"][0]["change_kind"], "rename");

    let revoked = tp
        .call(
            "POST",
            &format!("/v1/admin/enterprises/{recognised}/revocation"),
            Some(&op),
            Some(json!({"tier": "innovative", "reason": "偷漏税"})),
        )
        .await
        .expect(200);
    assert_members(
        &revoked.body,
        &[
            "uscc",
            "tier",
            "status",
            "revoked_on",
            "reason",
            "banned_until",
        ],
        "revocation",
    );
    assert_eq!(revoked.body["status"], "revoked");

    let csv = format!(
        "uscc,enterprise_name,tier,recognised_on,valid_until,batch\n{},杭州早年科技有限公司,specialized,2022-06-01,2025-05-31,2022年第一批\n",
        uscc(74, "330106")
    );
    let imported = tp
        .call(
            "POST",
            "/v1/admin/recognitions/import",
            Some(&op),
            Some(json!({ "csv": csv })),
        )
        .await
        .expect(200);
    assert_members(
        &imported.body,
        &["import_id", "rows", "imported", "unchanged"],
        "import",
    );
    assert_eq!(
        (&imported.body["rows"], &imported.body["imported"]),
        (&json!(1), &json!(1))
    );
}
