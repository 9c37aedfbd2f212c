//! Dates that matter to people are China Standard Time (Asia/Shanghai, UTC+8, no daylight saving since 1991).

use time::{Date, OffsetDateTime, UtcOffset};

/// UTC+08:00.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+8 is a valid offset"),
};

/// The earliest instant the platform works with: 1970-01-01 00:00 in China (sort keys count from the Unix epoch).
pub const EARLIEST: OffsetDateTime = time::macros::datetime!(1970-01-01 00:00 +8);

/// The latest instant the platform works with: the end of 9000-12-31 in China. The calendar library stops at the
/// end of year 9999; the margin keeps every date computed from a supported instant (a deadline, a validity of
/// years, a reminder date) inside its range.
pub const LATEST: OffsetDateTime = time::macros::datetime!(9000-12-31 23:59:59.999_999_999 +8);

/// An instant outside [`EARLIEST`]..=[`LATEST`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} is outside the supported range 1970-01-01 to 9000-12-31 (China time)")]
pub struct OutOfRange(pub OffsetDateTime);

/// `t` when it is inside the supported range.
pub fn supported(t: OffsetDateTime) -> Result<OffsetDateTime, OutOfRange> {
    if (EARLIEST..=LATEST).contains(&t) {
        Ok(t)
    } else {
        Err(OutOfRange(t))
    }
}

/// The Chinese message for a request field whose instant is outside the supported range.
pub fn out_of_range_message(field: &str) -> String {
    format!("{field} 超出支持的时间范围（中国时间 1970-01-01 至 9000-12-31）")
}

/// An RFC 3339 instant from a request, inside the supported range; otherwise a `VALIDATION_FAILED` naming `field`
/// (`INVALID_TIME` when it is not RFC 3339, `OUT_OF_RANGE` when it is too far in the past or the future).
pub fn parse_instant(field: &str, raw: &str) -> Result<OffsetDateTime, crate::error::AppError> {
    let t = OffsetDateTime::parse(raw.trim(), &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            crate::error::AppError::field(
                field,
                "INVALID_TIME",
                format!("{field} 须为 RFC 3339 时间，例如 2026-04-15T10:00:00+08:00"),
            )
        })?;
    supported(t).map_err(|_| {
        crate::error::AppError::field(field, "OUT_OF_RANGE", out_of_range_message(field))
    })
}

/// The instant seen on a clock in China. Never panics: an instant whose China time would fall outside the
/// calendar library's range (after 9999-12-31 or before -9999-01-01) saturates to that range's edge.
pub fn in_china(t: OffsetDateTime) -> OffsetDateTime {
    t.checked_to_offset(CST).unwrap_or_else(|| {
        if t.year() > 0 {
            time::PrimitiveDateTime::MAX.assume_offset(CST)
        } else {
            time::PrimitiveDateTime::MIN.assume_offset(CST)
        }
    })
}

/// The calendar date in China at the instant `t` (saturating like [`in_china`]).
pub fn china_date(t: OffsetDateTime) -> Date {
    in_china(t).date()
}

/// The calendar date in China at `t`, or an error when `t` is outside the supported range.
pub fn try_china_date(t: OffsetDateTime) -> Result<Date, OutOfRange> {
    supported(t).map(china_date)
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

    #[test]
    fn the_last_hours_of_year_9999_do_not_panic() {
        // 9999-12-31 23:00 UTC is 10000-01-01 in China: beyond the calendar library's range.
        let far = datetime!(9999-12-31 23:00 UTC);
        assert_eq!(china_date(far), Date::MAX);
        assert_eq!(china_year(far), 9999);
        assert_eq!(in_china(far).offset(), CST);
        assert_eq!(try_china_date(far), Err(OutOfRange(far)));
        let early = datetime!(-9999-01-01 03:00 +12);
        assert_eq!(china_date(early), Date::MIN);
        assert!(try_china_date(early).is_err());
    }

    #[test]
    fn the_supported_range_is_1970_to_9000_in_china() {
        assert_eq!(supported(EARLIEST), Ok(EARLIEST));
        assert_eq!(supported(LATEST), Ok(LATEST));
        assert!(supported(datetime!(1969-12-31 15:59:59 UTC)).is_err());
        assert!(supported(datetime!(9000-12-31 16:00 UTC)).is_err());
        assert_eq!(
            try_china_date(datetime!(2026-04-30 16:00 UTC)),
            Ok(date!(2026 - 05 - 01))
        );
        // Every date arithmetic the platform does (years of validity, days of notice) stays representable.
        let end = china_date(LATEST);
        assert!(end.checked_add(time::Duration::days(366 * 50)).is_some());
    }

    #[test]
    fn request_instants_outside_the_range_are_a_validation_error_in_chinese() {
        assert_eq!(
            parse_instant("now", " 2026-04-15T10:00:00+08:00 ").expect("a supported instant"),
            datetime!(2026-04-15 10:00 +8)
        );
        for (raw, code) in [
            ("9999-12-31T23:00:00Z", "OUT_OF_RANGE"),
            ("0000-01-01T00:00:00Z", "OUT_OF_RANGE"),
            ("1969-12-31T23:59:59+08:00", "OUT_OF_RANGE"),
            ("tomorrow", "INVALID_TIME"),
        ] {
            let e = parse_instant("now", raw).expect_err(raw);
            assert_eq!(e.code, crate::error::ErrorCode::ValidationFailed, "{raw}");
            let text = format!("{e:?}");
            assert!(text.contains(code), "{raw}: {text}");
            assert!(text.contains("now"), "{raw}: {text}");
        }
    }
}
