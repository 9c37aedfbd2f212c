//! Money in yuan, held as integer fen (分) so sums and comparisons are exact.
//!
//! On the wire an amount is a decimal string of yuan with at most two decimals (`"1234.5"`, `"1000000"`,
//! `"-20.05"`), as API.md allows; the OpenAPI document says so. Thresholds in RULES.md are in 万元 (10 000 yuan):
//! use [`Money::from_wan`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money in fen. Negative amounts are allowed (net profit, growth can be negative).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// Largest amount accepted from people: 10^15 yuan, far above any SME figure, far below overflow.
const MAX_FEN: i64 = 100_000_000_000_000_000;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额格式应为元，最多两位小数，例如 1234.56")]
    Format,
    #[error("金额超出允许范围")]
    OutOfRange,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    /// 万元 (ten thousand yuan), the unit of the policy texts.
    pub const fn from_wan(wan: i64) -> Money {
        Money(wan * 1_000_000)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// The amount in 万元 as a float, for display and ratio computations only.
    pub fn as_wan_f64(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Parse a decimal yuan string: optional sign, digits, optional `.` and one or two digits.
    pub fn parse(s: &str) -> Result<Money, MoneyError> {
        let s = s.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && frac.is_empty())
        {
            return Err(MoneyError::Format);
        }
        if whole.len() > 16 {
            return Err(MoneyError::OutOfRange);
        }
        let whole: i64 = whole.parse().map_err(|_| MoneyError::OutOfRange)?;
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| MoneyError::Format)? * 10,
            _ => frac.parse().map_err(|_| MoneyError::Format)?,
        };
        let fen = whole
            .checked_mul(100)
            .and_then(|f| f.checked_add(frac))
            .filter(|f| *f <= MAX_FEN)
            .ok_or(MoneyError::OutOfRange)?;
        Ok(Money(if negative { -fen } else { fen }))
    }
}

impl fmt::Display for Money {
    /// Yuan with two decimals: `1234.50`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// Accepts the decimal string; a JSON integer is read as whole yuan for convenience.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Whole(i64),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Text(s) => Money::parse(&s).map_err(serde::de::Error::custom),
            Raw::Whole(y) => y
                .checked_mul(100)
                .filter(|f| f.abs() <= MAX_FEN)
                .map(Money)
                .ok_or_else(|| serde::de::Error::custom(MoneyError::OutOfRange)),
        }
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^-?\d{1,16}(\.\d{1,2})?$"))
            .description(Some(
                "金额，单位元，十进制字符串，最多两位小数（内部以分为单位精确计算）",
            ))
            .examples([serde_json::json!("12345678.90")])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decimal_yuan_strings_parse_to_exact_fen() {
        assert_eq!(Money::parse("1234.56"), Ok(Money::from_fen(123_456)));
        assert_eq!(Money::parse("1234.5"), Ok(Money::from_fen(123_450)));
        assert_eq!(Money::parse("1000000"), Ok(Money::from_wan(100)));
        assert_eq!(Money::parse(" -0.05 "), Ok(Money::from_fen(-5)));
        assert_eq!(Money::parse("0"), Ok(Money::ZERO));
    }

    #[test]
    fn malformed_amounts_are_refused() {
        for bad in [
            "", "-", "1.", ".5", "1.234", "1,000", "1e6", "abc", "+1", "１２",
        ] {
            assert_eq!(Money::parse(bad), Err(MoneyError::Format), "{bad:?}");
        }
        assert_eq!(
            Money::parse("99999999999999999"),
            Err(MoneyError::OutOfRange)
        );
    }

    #[test]
    fn json_accepts_strings_and_whole_yuan_and_writes_strings() {
        let m: Money = serde_json::from_str("\"15000000.00\"").unwrap();
        assert_eq!(m, Money::from_wan(1500));
        let m: Money = serde_json::from_str("200").unwrap();
        assert_eq!(m, Money::from_yuan(200));
        assert_eq!(
            serde_json::to_string(&Money::from_fen(-105)).unwrap(),
            "\"-1.05\""
        );
        assert!(serde_json::from_str::<Money>("\"1.001\"").is_err());
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(fen in -MAX_FEN..=MAX_FEN) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }
    }
}
