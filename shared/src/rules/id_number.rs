//! 公民身份号码 / 居民身份证号码 (GB 11643-1999).
//!
//! 18 characters: a 6-digit address code, an 8-digit birth date (YYYYMMDD), a 3-digit sequence (odd for men,
//! even for women) and an ISO 7064 MOD 11-2 check character (0–9 or X).
//!
//! Personal data: `Debug` and `Display` mask the number (`1101**********123X`); call
//! [`IdNumber::expose`] where the full number is genuinely needed (storage, identity verification).
//! `Serialize` writes the full number, so serialize it only into storage or to the verification provider,
//! never into logs.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_MAP: &[u8; 11] = b"10X98765432";

/// Province prefixes outside the mainland catalog that appear in valid numbers: 71 台湾 (as in GB/T 2260),
/// 81 香港 / 82 澳门 / 83 台湾 (港澳台居民居住证, same format and check).
const EXTRA_PROVINCE_PREFIXES: [u32; 4] = [71, 81, 82, 83];

/// Computes the check character for the first 17 digits; `None` if `body` is not 17 ASCII digits.
pub fn check_character(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(char::from(CHECK_MAP[(sum % 11) as usize]))
}

/// Why a string is not a resident ID number. Messages never echo the number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号码不能为空")]
    Empty,
    #[error("身份证号码长度应为18位")]
    Length,
    #[error("身份证号码格式不正确：前17位应为数字，第18位为数字或X")]
    Format,
    #[error("身份证号码的地址码不正确（省级代码不存在）")]
    Region,
    #[error("身份证号码中的出生日期不正确")]
    BirthDate,
    #[error("身份证号码校验码错误")]
    CheckCharacter,
}

impl IdNumberError {
    /// Stable machine-readable code: `INVALID_ID_NUMBER`.
    pub fn code(&self) -> &'static str {
        "INVALID_ID_NUMBER"
    }

    /// Finer reason, one per variant: `EMPTY`, `LENGTH`, `FORMAT`, `REGION`, `BIRTH_DATE`, `CHECK_CHARACTER`.
    pub fn reason(&self) -> &'static str {
        match self {
            IdNumberError::Empty => "EMPTY",
            IdNumberError::Length => "LENGTH",
            IdNumberError::Format => "FORMAT",
            IdNumberError::Region => "REGION",
            IdNumberError::BirthDate => "BIRTH_DATE",
            IdNumberError::CheckCharacter => "CHECK_CHARACTER",
        }
    }
}

/// Sex encoded in the sequence code (position 17: odd = male, even = female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// A valid 18-digit resident ID number (upper-case `X`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct IdNumber([u8; 18]);

impl IdNumber {
    /// Parses an ID number: trims whitespace, accepts a lower-case `x`, checks length, digits, the province
    /// prefix (a catalog province, or 71/81/82/83), a real birth date from 1900-01-01 on, and the check
    /// character. There is no clock here, so a future birth date is not rejected.
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(IdNumberError::Empty);
        }
        if s.chars().count() != 18 {
            return Err(IdNumberError::Length);
        }
        let mut out = [0u8; 18];
        for (i, ch) in s.chars().enumerate() {
            let ok = if i < 17 {
                ch.is_ascii_digit()
            } else {
                ch.is_ascii_digit() || ch == 'X' || ch == 'x'
            };
            if !ok {
                return Err(IdNumberError::Format);
            }
            out[i] = ch.to_ascii_uppercase() as u8;
        }
        let digits = |r: std::ops::Range<usize>| -> u32 {
            out[r]
                .iter()
                .fold(0, |acc, &b| acc * 10 + u32::from(b - b'0'))
        };
        let province = digits(0..2);
        if !(crate::rules::region::is_province_prefix(province)
            || EXTRA_PROVINCE_PREFIXES.contains(&province))
        {
            return Err(IdNumberError::Region);
        }
        let year = digits(6..10);
        if year < 1900 {
            return Err(IdNumberError::BirthDate);
        }
        let month = u8::try_from(digits(10..12))
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .ok_or(IdNumberError::BirthDate)?;
        let day = u8::try_from(digits(12..14)).map_err(|_| IdNumberError::BirthDate)?;
        Date::from_calendar_date(year as i32, month, day).map_err(|_| IdNumberError::BirthDate)?;

        let body = std::str::from_utf8(&out[..17]).map_err(|_| IdNumberError::Format)?;
        if check_character(body).map(|c| c as u8) != Some(out[17]) {
            return Err(IdNumberError::CheckCharacter);
        }
        Ok(IdNumber(out))
    }

    /// The full number. Personal data: do not log it.
    pub fn expose(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The masked form shown by `Display`/`Debug`: first 4 and last 4 characters (`1101**********123X`).
    pub fn masked(&self) -> String {
        let s = self.expose();
        format!("{}{}{}", &s[..4], "*".repeat(10), &s[14..])
    }

    /// The 6-digit address code (positions 1–6). It may be a retired code, so it is returned as written.
    pub fn address_code(&self) -> &str {
        &self.expose()[..6]
    }

    /// The birth date (positions 7–14).
    pub fn birth_date(&self) -> Date {
        let s = self.expose();
        let year: i32 = s[6..10].parse().unwrap_or(1900);
        let month = s[10..12]
            .parse::<u8>()
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .unwrap_or(Month::January);
        let day: u8 = s[12..14].parse().unwrap_or(1);
        Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
    }

    /// Sex from the sequence code (position 17).
    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

/// Writes the full number (for storage); see the module docs.
impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(deserializer)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid number from 17 digits.
    fn valid(body: &str) -> String {
        format!("{body}{}", check_character(body).unwrap())
    }

    #[test]
    fn check_character_follows_iso_7064_mod_11_2() {
        // The widely published GB 11643 sample.
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("44030019900307123"), Some('4'));
        assert_eq!(check_character("1101051949123100"), None);
        assert_eq!(check_character("1101051949123100A"), None);
    }

    #[test]
    fn valid_numbers_parse() {
        for s in [
            "11010519491231002X",
            "440300199003071234",
            &valid("33010620000229001"), // leap day
            &valid("65010019000101001"), // earliest accepted year
            &valid("81000019850615002"), // 香港居民居住证
        ] {
            let id = IdNumber::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(id.expose(), s);
        }
    }

    #[test]
    fn lower_case_x_and_whitespace_are_normalised() {
        let id = IdNumber::parse(" 11010519491231002x ").unwrap();
        assert_eq!(id.expose(), "11010519491231002X");
        assert_eq!(id, "11010519491231002X".parse().unwrap());
    }

    #[test]
    fn debug_and_display_mask_the_number() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.to_string(), "1101**********002X");
        assert_eq!(format!("{id:?}"), "IdNumber(1101**********002X)");
        assert!(!format!("{id:?}").contains("19491231"));
        assert_eq!(id.masked().chars().count(), 18);
    }

    #[test]
    fn birth_date_sex_and_address_are_decoded() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(
            id.birth_date(),
            Date::from_calendar_date(1949, Month::December, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.address_code(), "110105");
        assert_eq!(
            IdNumber::parse("440300199003071234").unwrap().sex(),
            Sex::Male
        );
    }

    #[test]
    fn id_number_with_wrong_check_character_is_rejected() {
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdNumberError::CheckCharacter)
        );
        assert_eq!(
            IdNumber::parse("440300199003071235"),
            Err(IdNumberError::CheckCharacter)
        );
        assert_eq!(IdNumberError::CheckCharacter.code(), "INVALID_ID_NUMBER");
        assert_eq!(IdNumberError::CheckCharacter.reason(), "CHECK_CHARACTER");
    }

    #[test]
    fn id_number_with_wrong_length_or_characters_is_rejected() {
        assert_eq!(IdNumber::parse(""), Err(IdNumberError::Empty));
        assert_eq!(
            IdNumber::parse("11010519491231002"),
            Err(IdNumberError::Length)
        );
        // Old 15-digit numbers are not accepted.
        assert_eq!(
            IdNumber::parse("110105491231002"),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            IdNumber::parse("1101051949123100XX"),
            Err(IdNumberError::Format)
        );
        assert_eq!(
            IdNumber::parse("11010519491231002Y"),
            Err(IdNumberError::Format)
        );
        assert_eq!(
            IdNumber::parse("１1010519491231002X"),
            Err(IdNumberError::Format)
        );
    }

    #[test]
    fn id_number_with_impossible_birth_date_is_rejected() {
        for body in [
            "33010619000229001", // 1900 is not a leap year
            "33010620010229001",
            "33010620001301001",
            "33010620000001001",
            "33010620000431001",
            "33010620000100001",
            "33010618991231001", // before 1900
        ] {
            assert_eq!(
                IdNumber::parse(&valid(body)),
                Err(IdNumberError::BirthDate),
                "{body}"
            );
        }
    }

    #[test]
    fn id_number_with_unknown_province_is_rejected() {
        for body in [
            "00010119900101001",
            "99010119900101001",
            "19010119900101001",
        ] {
            assert_eq!(IdNumber::parse(&valid(body)), Err(IdNumberError::Region));
        }
    }

    #[test]
    fn error_messages_never_echo_the_number() {
        let err = IdNumber::parse("110105194912310021").unwrap_err();
        assert!(!err.to_string().contains("1101"));
    }

    #[test]
    fn serde_writes_the_full_number_and_validates_on_read() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        assert_eq!(
            serde_json::from_str::<IdNumber>("\"11010519491231002x\"").unwrap(),
            id
        );
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
    }
}
