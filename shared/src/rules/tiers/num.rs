//! Exact rational numbers for thresholds and ratios: money is integer fen, so every metric is a fraction of
//! integers and every comparison is an `i128` cross-multiplication, never a float.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer};

/// `n / d` with `d > 0`, reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Num {
    n: i128,
    d: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Num {
    pub const ZERO: Num = Num { n: 0, d: 1 };

    /// `n / d`; `None` when `d == 0`.
    pub fn new(n: i128, d: i128) -> Option<Num> {
        if d == 0 {
            return None;
        }
        let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
        let g = gcd(n, d).max(1);
        Some(Num { n: n / g, d: d / g })
    }

    pub fn int(v: i64) -> Num {
        Num {
            n: i128::from(v),
            d: 1,
        }
    }

    /// `100 · n / d` (a percentage); `None` when `d == 0`.
    pub fn percent(n: i128, d: i128) -> Option<Num> {
        Num::new(n.checked_mul(100)?, d)
    }

    /// Parses a plain decimal (`5`, `-2.5`, `0.125`); no exponent.
    pub fn parse_decimal(s: &str) -> Option<Num> {
        let s = s.trim();
        let (neg, digits) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || whole.len() > 20
            || frac.len() > 12
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let scale = 10i128.pow(frac.len() as u32);
        let w: i128 = whole.parse().ok()?;
        let f: i128 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        let n = w.checked_mul(scale)?.checked_add(f)?;
        Num::new(if neg { -n } else { n }, scale)
    }

    /// From a finite float via its shortest decimal representation (`12.5` → 25/2).
    pub fn from_f64(v: f64) -> Option<Num> {
        if !v.is_finite() {
            return None;
        }
        let s = format!("{v}");
        Num::parse_decimal(&s)
    }

    pub fn to_f64(self) -> f64 {
        self.n as f64 / self.d as f64
    }

    /// Sum, `None` on overflow.
    pub fn checked_add(self, o: Num) -> Option<Num> {
        Num::new(
            self.n
                .checked_mul(o.d)?
                .checked_add(o.n.checked_mul(self.d)?)?,
            self.d.checked_mul(o.d)?,
        )
    }

    /// Quotient by a small positive integer.
    pub fn div_int(self, k: i128) -> Option<Num> {
        Num::new(self.n, self.d.checked_mul(k)?)
    }

    /// Largest integer ≤ self.
    pub fn floor(self) -> i128 {
        self.n.div_euclid(self.d)
    }
}

impl Ord for Num {
    fn cmp(&self, o: &Num) -> Ordering {
        match (self.n.checked_mul(o.d), o.n.checked_mul(self.d)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Only for absurd magnitudes: fall back to floats, then to the exact sign.
            _ => self
                .to_f64()
                .partial_cmp(&o.to_f64())
                .unwrap_or(Ordering::Equal),
        }
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, o: &Num) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl fmt::Display for Num {
    /// Up to two decimals, trailing zeros trimmed (`12.5`, `3`, `0.33`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = format!("{:.2}", self.to_f64());
        let s = s.trim_end_matches('0').trim_end_matches('.');
        f.write_str(if s == "-0" { "0" } else { s })
    }
}

impl<'de> Deserialize<'de> for Num {
    /// From a YAML/JSON integer, float (via its shortest decimal form) or decimal string.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            I(i64),
            F(f64),
            S(String),
        }
        let num = match Raw::deserialize(d)? {
            Raw::I(i) => Some(Num::int(i)),
            Raw::F(f) => Num::from_f64(f),
            Raw::S(s) => Num::parse_decimal(&s),
        };
        num.ok_or_else(|| serde::de::Error::custom("expected a plain decimal number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact_and_compare_by_cross_multiplication() {
        assert_eq!(Num::parse_decimal("2.5"), Num::new(5, 2));
        assert_eq!(Num::parse_decimal("-0.125"), Num::new(-1, 8));
        assert_eq!(Num::from_f64(0.1), Num::new(1, 10));
        assert!(Num::parse_decimal("1e3").is_none());
        // 3% of 1 000 000.00 yuan exactly.
        let ratio = Num::percent(3_000_000, 100_000_000).unwrap();
        assert_eq!(ratio, Num::int(3));
        let just_below = Num::percent(2_999_999, 100_000_000).unwrap();
        assert!(just_below < Num::int(3));
        assert_eq!(Num::new(7, 2).unwrap().floor(), 3);
        assert_eq!(Num::new(-1, 2).unwrap().floor(), -1);
        assert_eq!(Num::new(1, 3).unwrap().to_string(), "0.33");
        assert_eq!(Num::int(5).to_string(), "5");
    }
}
