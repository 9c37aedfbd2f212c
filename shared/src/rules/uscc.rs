//! 统一社会信用代码 (unified social credit code, GB 32100-2015) — RULES.md §4.
//!
//! [`Uscc::parse`] is strict: a wrong check character (position 18) is an error. RULES.md notes that some early
//! pilot-area codes (Fujian, Xiamen) are legal but fail the check, and that a validator should warn rather than
//! reject: [`Uscc::parse_lenient`] accepts such a code with a warning flag (`(uscc, true)`; details in
//! [`UsccWarning`]) so the caller can route it to manual verification. Every other rule (length, charset,
//! digits at positions 3–8) stays strict.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The 31-character set, valued 0–30 in this order (no I, O, S, V, Z).
pub const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights Wᵢ = 3^(i−1) mod 31 for positions 1–17.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// GB 11714 organisation-code weights over positions 9–16.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

fn value(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|v| v as u32)
}

/// Computes the check character (position 18) for the first 17 characters. `None` if `body` is not 17
/// characters of the charset.
pub fn check_character(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&b, w) in bytes.iter().zip(WEIGHTS) {
        sum += value(b.to_ascii_uppercase())? * w;
    }
    let c = (31 - sum % 31) % 31;
    Some(char::from(CHARSET[c as usize]))
}

/// Why a string is not a unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码不能为空")]
    Empty,
    /// Not 18 characters (after trimming).
    #[error("统一社会信用代码长度应为18位，实际为{0}位")]
    Length(usize),
    /// A character outside the 31-character set (1-based position).
    #[error("统一社会信用代码含非法字符“{ch}”（第{position}位），不得使用 I、O、S、V、Z")]
    Charset { position: usize, ch: char },
    /// Positions 3–8 (registering authority's region code) must be digits.
    #[error("统一社会信用代码第3至8位（登记管理机关行政区划码）应为数字")]
    RegionNotDigits,
    /// The check character (position 18) does not match.
    #[error("统一社会信用代码校验码错误（第18位应为{expected}，实为{found}）")]
    CheckCharacter { expected: char, found: char },
}

impl UsccError {
    /// Stable machine-readable code: `INVALID_USCC`.
    pub fn code(&self) -> &'static str {
        "INVALID_USCC"
    }

    /// Finer reason, one per variant: `EMPTY`, `LENGTH`, `CHARSET`, `REGION_NOT_DIGITS`, `CHECK_CHARACTER`.
    pub fn reason(&self) -> &'static str {
        match self {
            UsccError::Empty => "EMPTY",
            UsccError::Length(_) => "LENGTH",
            UsccError::Charset { .. } => "CHARSET",
            UsccError::RegionNotDigits => "REGION_NOT_DIGITS",
            UsccError::CheckCharacter { .. } => "CHECK_CHARACTER",
        }
    }
}

/// A warning from [`Uscc::parse_lenient`]: the code is well-formed but needs a human to verify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsccWarning {
    /// Only the check character is wrong — possibly an early pilot-area code; verify manually.
    #[error(
        "统一社会信用代码校验码不符（第18位计算应为{expected}，实为{found}），可能为早期试点赋码，需人工核验"
    )]
    CheckCharacterMismatch { expected: char, found: char },
}

impl UsccWarning {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        "USCC_CHECK_MISMATCH"
    }
}

/// Registering authority (position 1). Only the codes RULES.md confirms are named; others are kept as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegisteringAuthority {
    /// `1` 机构编制.
    Establishment,
    /// `5` 民政.
    CivilAffairs,
    /// `9` 工商 / 市场监管.
    MarketRegulation,
    /// `Y` 其他.
    Other,
    /// Another code of the full standard (not confirmed in RULES.md).
    Unlisted(char),
}

impl RegisteringAuthority {
    fn from_char(c: char) -> Self {
        match c {
            '1' => RegisteringAuthority::Establishment,
            '5' => RegisteringAuthority::CivilAffairs,
            '9' => RegisteringAuthority::MarketRegulation,
            'Y' => RegisteringAuthority::Other,
            c => RegisteringAuthority::Unlisted(c),
        }
    }

    /// The code character.
    pub fn code(self) -> char {
        match self {
            RegisteringAuthority::Establishment => '1',
            RegisteringAuthority::CivilAffairs => '5',
            RegisteringAuthority::MarketRegulation => '9',
            RegisteringAuthority::Other => 'Y',
            RegisteringAuthority::Unlisted(c) => c,
        }
    }

    /// Chinese name, where known.
    pub fn name(self) -> Option<&'static str> {
        match self {
            RegisteringAuthority::Establishment => Some("机构编制"),
            RegisteringAuthority::CivilAffairs => Some("民政"),
            RegisteringAuthority::MarketRegulation => Some("工商"),
            RegisteringAuthority::Other => Some("其他"),
            RegisteringAuthority::Unlisted(_) => None,
        }
    }
}

/// A unified social credit code: 18 upper-case characters of the 31-character set, positions 3–8 digits.
///
/// From [`Uscc::parse`] (and `Deserialize`, `FromStr`) the check character is also correct; a value from
/// [`Uscc::parse_lenient`] may carry a wrong one, see [`Uscc::has_valid_check_character`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc([u8; 18]);

impl Uscc {
    /// Strict parse: trims whitespace, upper-cases, checks length, charset, positions 3–8 and the check
    /// character.
    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let uscc = Self::parse_structure(input)?;
        match uscc.check_mismatch() {
            None => Ok(uscc),
            Some((expected, found)) => Err(UsccError::CheckCharacter { expected, found }),
        }
    }

    /// Lenient parse: like [`parse`](Self::parse), but a wrong check character alone is accepted (early
    /// pilot-area codes). Returns the value and a warning flag: `true` means only the check character is
    /// wrong and the code must go to manual verification ([`Uscc::check_warning`] has the details). Every other
    /// error still rejects.
    pub fn parse_lenient(input: &str) -> Result<(Uscc, bool), UsccError> {
        let uscc = Self::parse_structure(input)?;
        let warn = uscc.check_mismatch().is_some();
        Ok((uscc, warn))
    }

    fn parse_structure(input: &str) -> Result<Uscc, UsccError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(UsccError::Empty);
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(UsccError::Length(len));
        }
        let mut out = [0u8; 18];
        for (i, ch) in s.chars().enumerate() {
            let up = ch.to_ascii_uppercase();
            if !up.is_ascii() || value(up as u8).is_none() {
                return Err(UsccError::Charset {
                    position: i + 1,
                    ch,
                });
            }
            out[i] = up as u8;
        }
        if !out[2..8].iter().all(u8::is_ascii_digit) {
            return Err(UsccError::RegionNotDigits);
        }
        Ok(Uscc(out))
    }

    /// `Some((expected, found))` when the check character is wrong.
    fn check_mismatch(&self) -> Option<(char, char)> {
        let expected = check_character(&self.as_str()[..17])?;
        let found = char::from(self.0[17]);
        (expected != found).then_some((expected, found))
    }

    /// Is position 18 the computed check character? Always true for a strictly parsed value.
    pub fn has_valid_check_character(&self) -> bool {
        self.check_mismatch().is_none()
    }

    /// The warning for a leniently parsed code whose check character is wrong (with a Chinese message asking
    /// for manual verification); `None` when the check character is right.
    pub fn check_warning(&self) -> Option<UsccWarning> {
        self.check_mismatch()
            .map(|(expected, found)| UsccWarning::CheckCharacterMismatch { expected, found })
    }

    /// The 18 characters, upper case.
    pub fn as_str(&self) -> &str {
        // Always ASCII by construction.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Position 1: the registering authority.
    pub fn registering_authority(&self) -> RegisteringAuthority {
        RegisteringAuthority::from_char(char::from(self.0[0]))
    }

    /// Position 2: the entity-type code (meaning depends on the registering authority).
    pub fn entity_type(&self) -> char {
        char::from(self.0[1])
    }

    /// The Chinese name of the entity type, for the combinations RULES.md §4 lists.
    pub fn entity_type_name(&self) -> Option<&'static str> {
        Some(match (self.0[0], self.0[1]) {
            (b'9', b'1') => "企业",
            (b'9', b'2') => "个体工商户",
            (b'9', b'3') => "农民专业合作社",
            (b'5', b'1') => "社会团体",
            (b'5', b'2') => "民办非企业单位",
            (b'5', b'3') => "基金会",
            (b'5', b'9') => "其他",
            (b'1', b'1') => "机关",
            (b'1', b'2') => "事业单位",
            (b'1', b'3') => "群众团体",
            (b'1', b'9') => "其他",
            _ => return None,
        })
    }

    /// Registered by market regulation as an enterprise (`91…`).
    pub fn is_enterprise(&self) -> bool {
        self.0[0] == b'9' && self.0[1] == b'1'
    }

    /// Positions 3–8: the GB/T 2260 code of the registering authority (6 digits, as written; it may be a
    /// retired code, so it is not a [`RegionCode`](crate::rules::region::RegionCode)).
    pub fn region_code(&self) -> &str {
        &self.as_str()[2..8]
    }

    /// The region, if positions 3–8 name a division in the current catalog.
    pub fn region(&self) -> Option<crate::rules::region::RegionCode> {
        crate::rules::region::RegionCode::parse(self.region_code()).ok()
    }

    /// Positions 9–17: the organisation code (GB 11714, 8-character body + its check character).
    pub fn org_code(&self) -> &str {
        &self.as_str()[8..17]
    }

    /// Information only: does the embedded organisation code pass the GB 11714 check (position 17)? Codes of
    /// individual businesses and some other entities do not carry a real organisation code, so this must not
    /// be used to reject a code.
    pub fn org_code_check_ok(&self) -> bool {
        let body = &self.0[8..16];
        let mut sum = 0u32;
        for (&b, w) in body.iter().zip(ORG_WEIGHTS) {
            let v = match b {
                b'0'..=b'9' => u32::from(b - b'0'),
                b'A'..=b'Z' => u32::from(b - b'A') + 10,
                _ => return false,
            };
            sum += v * w;
        }
        let expected = match 11 - sum % 11 {
            10 => b'X',
            11 => b'0',
            c => b'0' + c as u8,
        };
        self.0[16] == expected
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.as_str())
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Strict: a stored or submitted code with a wrong check character does not deserialize.
impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(deserializer)?;
        Uscc::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Lenient (de)serialisation for records that hold a code an operator accepted with a wrong check character
/// (early pilot-area codes): `#[serde(with = "crate::rules::uscc::lenient")]`.
pub mod lenient {
    use super::*;

    pub fn serialize<S: Serializer>(u: &Uscc, s: S) -> Result<S::Ok, S::Error> {
        u.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Uscc, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        Uscc::parse_lenient(&s)
            .map(|(u, _)| u)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VALID_FUZHOU: &str = "91350100M000100Y43";
    const VALID_SHENZHEN: &str = "914403001922038216";
    const WRONG_CHECK: &str = "91350100M000100Y4A";
    const PILOT: &str = "91350100M0001TGQXM";

    fn with_check(body: &str) -> String {
        format!("{body}{}", check_character(body).unwrap())
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn rules_examples_are_valid() {
        for s in [VALID_FUZHOU, VALID_SHENZHEN] {
            let u = Uscc::parse(s).unwrap();
            assert_eq!(u.as_str(), s);
            assert!(u.has_valid_check_character());
            assert!(u.org_code_check_ok(), "{s}");
        }
        assert_eq!(check_character("91350100M000100Y4"), Some('3'));
    }

    #[test]
    fn uscc_with_wrong_check_character_is_rejected() {
        assert_eq!(
            Uscc::parse(WRONG_CHECK),
            Err(UsccError::CheckCharacter {
                expected: '3',
                found: 'A'
            })
        );
        let err = Uscc::parse(WRONG_CHECK).unwrap_err();
        assert!(err.to_string().contains("校验码错误"));
        assert_eq!(err.code(), "INVALID_USCC");
        assert_eq!(err.reason(), "CHECK_CHARACTER");
    }

    #[test]
    fn pilot_code_is_accepted_only_leniently_with_a_warning() {
        assert!(matches!(
            Uscc::parse(PILOT),
            Err(UsccError::CheckCharacter { expected: '1', .. })
        ));
        let (uscc, needs_manual_verification) = Uscc::parse_lenient(PILOT).unwrap();
        assert_eq!(uscc.as_str(), PILOT);
        assert!(needs_manual_verification);
        assert!(!uscc.has_valid_check_character());
        let warning = uscc.check_warning().unwrap();
        assert_eq!(
            warning,
            UsccWarning::CheckCharacterMismatch {
                expected: '1',
                found: 'M'
            }
        );
        assert_eq!(warning.code(), "USCC_CHECK_MISMATCH");
        assert!(warning.to_string().contains("人工核验"));
    }

    #[test]
    fn lenient_parse_of_a_valid_code_has_no_warning() {
        let (uscc, needs_manual_verification) = Uscc::parse_lenient(VALID_FUZHOU).unwrap();
        assert!(!needs_manual_verification);
        assert!(uscc.check_warning().is_none());
        assert_eq!(uscc, Uscc::parse(VALID_FUZHOU).unwrap());
    }

    #[test]
    fn lenient_parse_still_rejects_structural_errors() {
        assert_eq!(
            Uscc::parse_lenient("91350100M000100Y4"),
            Err(UsccError::Length(17))
        );
        assert!(matches!(
            Uscc::parse_lenient("91350100M00010OY43"),
            Err(UsccError::Charset { position: 15, .. })
        ));
        assert_eq!(
            Uscc::parse_lenient("913501A0M000100Y43"),
            Err(UsccError::RegionNotDigits)
        );
    }

    #[test]
    fn whitespace_is_trimmed_and_lower_case_is_normalised() {
        let u = Uscc::parse("  91350100m000100y43\n").unwrap();
        assert_eq!(u.as_str(), VALID_FUZHOU);
        assert_eq!(u.to_string(), VALID_FUZHOU);
        assert_eq!(u, VALID_FUZHOU.parse().unwrap());
    }

    #[test]
    fn uscc_of_wrong_length_is_rejected() {
        assert_eq!(Uscc::parse(""), Err(UsccError::Empty));
        assert_eq!(Uscc::parse("   "), Err(UsccError::Empty));
        assert_eq!(Uscc::parse("9135010"), Err(UsccError::Length(7)));
        assert_eq!(
            Uscc::parse("91350100M000100Y433"),
            Err(UsccError::Length(19))
        );
        assert!(
            Uscc::parse("9135010")
                .unwrap_err()
                .to_string()
                .contains("长度应为18位")
        );
        // Internal whitespace is not removed.
        assert_eq!(
            Uscc::parse("91350100 M000100Y43"),
            Err(UsccError::Length(19))
        );
    }

    #[test]
    fn uscc_with_excluded_letters_or_non_ascii_is_rejected() {
        for (i, bad) in ['I', 'O', 'S', 'V', 'Z', 'i', '-', '０']
            .into_iter()
            .enumerate()
        {
            let mut chars: Vec<char> = VALID_FUZHOU.chars().collect();
            chars[9] = bad;
            let s: String = chars.into_iter().collect();
            let err = Uscc::parse(&s).unwrap_err();
            assert_eq!(
                err,
                UsccError::Charset {
                    position: 10,
                    ch: bad
                },
                "case {i}"
            );
            assert!(err.to_string().contains("含非法字符"));
        }
    }

    #[test]
    fn uscc_with_letter_in_region_positions_is_rejected() {
        let s = with_check("9135A100M000100Y4");
        assert_eq!(Uscc::parse(&s), Err(UsccError::RegionNotDigits));
    }

    #[test]
    fn accessors_split_the_code_into_its_parts() {
        let u = Uscc::parse(VALID_SHENZHEN).unwrap();
        assert_eq!(
            u.registering_authority(),
            RegisteringAuthority::MarketRegulation
        );
        assert_eq!(u.registering_authority().code(), '9');
        assert_eq!(u.registering_authority().name(), Some("工商"));
        assert_eq!(u.entity_type(), '1');
        assert_eq!(u.entity_type_name(), Some("企业"));
        assert!(u.is_enterprise());
        assert_eq!(u.region_code(), "440300");
        assert_eq!(u.region().unwrap().name(), "深圳市");
        assert_eq!(u.org_code(), "192203821");
        let y = Uscc::parse(&with_check("Y1110000MA0000000")).unwrap();
        assert_eq!(y.registering_authority(), RegisteringAuthority::Other);
        assert!(!y.is_enterprise());
        let social = Uscc::parse(&with_check("51110000MA0000000")).unwrap();
        assert_eq!(social.entity_type_name(), Some("社会团体"));
    }

    #[test]
    fn region_is_none_for_a_code_not_in_the_catalog() {
        let u = Uscc::parse(&with_check("91999999MA0000000")).unwrap();
        assert_eq!(u.region_code(), "999999");
        assert!(u.region().is_none());
    }

    #[test]
    fn org_code_check_is_information_not_a_rejection() {
        // Change position 16 and recompute the USCC check: still a valid USCC, org check fails.
        let s = with_check("91350100M000100X4");
        let u = Uscc::parse(&s).unwrap();
        assert!(!u.org_code_check_ok());
    }

    #[test]
    fn serde_round_trips_as_a_string_and_deserialize_is_strict() {
        let u = Uscc::parse(VALID_FUZHOU).unwrap();
        let json = serde_json::to_string(&u).unwrap();
        assert_eq!(json, format!("\"{VALID_FUZHOU}\""));
        assert_eq!(serde_json::from_str::<Uscc>(&json).unwrap(), u);
        assert_eq!(
            serde_json::from_str::<Uscc>("\"91350100m000100y43\"").unwrap(),
            u
        );
        assert!(serde_json::from_str::<Uscc>(&format!("\"{PILOT}\"")).is_err());
        assert!(serde_json::from_str::<Uscc>(&format!("\"{WRONG_CHECK}\"")).is_err());
        assert!(serde_json::from_str::<Uscc>("42").is_err());
    }

    #[test]
    fn generated_codes_with_computed_check_parse() {
        for body in [
            "91110108MA01ABCDE",
            "92330106000000000",
            "12100000400000000",
            "Y1440300123456789",
            "93650000XYXYXYXYX",
        ] {
            let s = with_check(body);
            assert!(Uscc::parse(&s).is_ok(), "{s}");
        }
    }

    fn charset_char() -> impl Strategy<Value = u8> {
        prop::sample::select(CHARSET.to_vec())
    }

    fn valid_code() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(charset_char(), 2),
            prop::collection::vec(0u8..10, 6),
            prop::collection::vec(charset_char(), 9),
        )
            .prop_map(|(head, region, tail)| {
                let mut body = String::new();
                body.extend(head.into_iter().map(char::from));
                body.extend(region.into_iter().map(|d| char::from(b'0' + d)));
                body.extend(tail.into_iter().map(char::from));
                with_check(&body)
            })
    }

    proptest! {
        #[test]
        fn any_seventeen_valid_chars_plus_computed_check_parse(code in valid_code()) {
            let u = Uscc::parse(&code).unwrap();
            prop_assert_eq!(u.as_str(), code.as_str());
            let lower = code.to_ascii_lowercase();
            prop_assert_eq!(Uscc::parse(&lower).unwrap(), u);
        }

        #[test]
        fn any_single_character_change_of_a_valid_code_fails_strict_parsing(
            code in valid_code(),
            pos in 0usize..18,
            replacement in charset_char(),
        ) {
            let mut bytes = code.clone().into_bytes();
            prop_assume!(bytes[pos] != replacement);
            bytes[pos] = replacement;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(Uscc::parse(&changed).is_err(), "{} -> {}", code, changed);
        }
    }
}
