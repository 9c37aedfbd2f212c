//! The names beside region codes that the workbench shows: an official's own region on its account, the scope
//! of its statistics, and the region of an official it creates.

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn officials_regions_come_with_their_names() {
    let tp = start(Backend::Local).await;
    let county = tp
        .signed_in_official("xihu", "county", Some("330106"))
        .await;
    let me = tp
        .call("GET", "/v1/accounts/me", Some(&county), None)
        .await
        .expect(200);
    assert_eq!(me.body["official"]["region"], "330106");
    assert_eq!(
        me.body["official"]["region_name"],
        "浙江省 / 杭州市 / 西湖区"
    );
    let ministry = tp.signed_in_official("miit", "ministry", None).await;
    let me = tp
        .call("GET", "/v1/accounts/me", Some(&ministry), None)
        .await
        .expect(200);
    assert!(me.body["official"]["region_name"].is_null(), "{}", me.text);

    let province = tp
        .signed_in_official("zj_province", "province", Some("330000"))
        .await;
    for (token, scope, name) in [
        (&province, "33", "浙江省"),
        (&county, "330106", "浙江省 / 杭州市 / 西湖区"),
        (&ministry, "CN", "全国"),
    ] {
        let stats = tp
            .call("GET", "/v1/admin/statistics", Some(token), None)
            .await
            .expect(200);
        assert_eq!(
            (
                stats.body["scope"].as_str(),
                stats.body["scope_name"].as_str()
            ),
            (Some(scope), Some(name))
        );
    }

    let made = tp
        .call(
            "POST",
            "/v1/admin/officials",
            Some(&province),
            Some(
                json!({"login_name": "ningbo", "password": PASSWORD, "phone": phone_for("ningbo"),
                        "level": "city", "region": "330200"}),
            ),
        )
        .await
        .expect(201);
    assert_eq!(made.body["region_name"], "浙江省 / 宁波市");
    // A code of another level than the account's is explained on the field (the picker offers none).
    let wrong = tp
        .call(
            "POST",
            "/v1/admin/officials",
            Some(&province),
            Some(json!({"login_name": "hz_wrong", "password": PASSWORD, "phone": phone_for("hz_wrong"),
                        "level": "city", "region": "330106"})),
        )
        .await
        .expect_problem(422, "VALIDATION_FAILED");
    assert_eq!(wrong.body["errors"][0]["code"], "LEVEL_MISMATCH");
    assert!(
        wrong.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("浙江省 / 杭州市 / 西湖区 是县级行政区划"),
        "{}",
        wrong.text
    );
}
