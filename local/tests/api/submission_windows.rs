//! A submission finds its windows in the same round of reads as the declaration (every window of the two years
//! the declaration can be for, then filtered): only a window of the declaration's own tier, year and province
//! counts, and a window that is there is always found.

use crate::support::fixtures::*;
use crate::support::*;
use serde_json::json;

const YEAR: i32 = 2026;
const DURING: &str = "2026-04-20T10:00:00+08:00";
const OPENS: &str = "2026-04-10T00:00:00+08:00";
const CLOSES: &str = "2026-05-01T00:00:00+08:00";

#[tokio::test]
async fn only_a_window_of_the_declarations_tier_year_and_province_opens_its_submission() {
    let tp = start(Backend::Local).await;
    tp.set_time(DURING);
    let firm = tp
        .firm(
            "firm1",
            &uscc(1, "330106"),
            "测试航空紧固件有限公司1",
            &profile("330106", &LAST_THREE_YEARS),
            Some(Pick::Best),
        )
        .await;
    let id = tp.ready_declaration(&firm.token, "innovative", YEAR).await;
    // Open now, but each for something else: another province, another tier, another year.
    tp.open_window("innovative", YEAR, Some("320000"), OPENS, CLOSES)
        .await;
    tp.open_window("specialized", YEAR, Some("330000"), OPENS, CLOSES)
        .await;
    tp.open_window("innovative", YEAR + 1, Some("330000"), OPENS, CLOSES)
        .await;
    let closed = tp
        .submit_declaration(&firm.token, &id)
        .await
        .expect_problem(409, "WINDOW_CLOSED");
    assert_eq!(closed.body["windows"], json!([]), "{}", closed.text);
    tp.open_window("innovative", YEAR, Some("330000"), OPENS, CLOSES)
        .await;
    let submitted = tp.submit_declaration(&firm.token, &id).await.expect(200);
    assert_eq!(submitted.body["status"], "submitted", "{}", submitted.text);
}
