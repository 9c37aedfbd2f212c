//! Dates that matter to people are China Standard Time (Asia/Shanghai, UTC+8, no daylight saving since 1991).

use time::{Date, OffsetDateTime, UtcOffset};

/// UTC+08:00.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+8 is a valid offset"),
};

/// The instant seen on a clock in China.
pub fn in_china(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(CST)
}

/// The calendar date in China at the instant `t`.
pub fn china_date(t: OffsetDateTime) -> Date {
    in_china(t).date()
}

/// The calendar year in China at the instant `t` (a declaration's default year).
pub fn china_year(t: OffsetDateTime) -> i32 {
    china_date(t).year()
}

/// A fixed-width, lexicographically ordered text for an instant (zero-padded Unix nanoseconds), for sort keys:
/// RFC 3339 text has a variable-length fraction, so its text order is not time order within one second.
pub fn sortable(t: OffsetDateTime) -> String {
    format!("{:020}", t.unix_timestamp_nanos().max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn sortable_text_orders_like_time_within_a_second() {
        let times = [
            datetime!(2026-05-10 10:00:00 UTC),
            datetime!(2026-05-10 10:00:00.1 UTC),
            datetime!(2026-05-10 10:00:00.12 UTC),
            datetime!(2026-05-10 10:00:00.5 UTC),
            datetime!(2026-05-10 10:00:01 UTC),
        ];
        let texts: Vec<String> = times.iter().map(|t| sortable(*t)).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }

    #[test]
    fn new_year_arrives_in_china_eight_hours_before_utc() {
        assert_eq!(china_year(datetime!(2026-12-31 15:59:59 UTC)), 2026);
        assert_eq!(china_year(datetime!(2026-12-31 16:00:00 UTC)), 2027);
        assert_eq!(
            china_date(datetime!(2026-04-30 16:00 UTC)),
            date!(2026 - 05 - 01)
        );
    }
}
