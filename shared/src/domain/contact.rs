//! Contact details and credentials of an account: mobile phone, e-mail, login name, password.
//!
//! Each type is parsed once at the edge ("parse, don't validate"). Each error enum has a stable English
//! [`code`](PhoneError::code) for API clients (`INVALID_PHONE`, `INVALID_EMAIL`, `INVALID_LOGIN_NAME`,
//! `WEAK_PASSWORD`), a finer `reason` per variant, and a Chinese message as its `Display`.
//!
//! Personal data stays out of logs: `Phone` displays masked (`138****5678`), `Email` debugs masked, `Password`
//! never shows; `expose()` gives the raw value where it is really needed.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::rules::uscc;

macro_rules! string_serde {
    ($ty:ty, $err:ty, $raw:ident) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$raw())
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(deserializer)?;
                <$ty>::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        impl FromStr for $ty {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::parse(s)
            }
        }
    };
}

// ---- Phone ---------------------------------------------------------------------------------------------------------

/// Why a string is not a mainland mobile number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("请填写手机号码")]
    Empty,
    #[error("手机号码应为11位数字，以13至19开头（可带 +86）")]
    Format,
}

impl PhoneError {
    /// Stable machine-readable code: `INVALID_PHONE`.
    pub fn code(&self) -> &'static str {
        "INVALID_PHONE"
    }

    /// Finer reason: `EMPTY` or `FORMAT`.
    pub fn reason(&self) -> &'static str {
        match self {
            PhoneError::Empty => "EMPTY",
            PhoneError::Format => "FORMAT",
        }
    }
}

/// A mainland China mobile number, normalised to 11 digits (`13812345678`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts 11 digits starting with `1[3-9]`, optionally prefixed by `+86`, `0086` or `86`, with spaces and
    /// dashes anywhere (`+86 138-1234-5678`).
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\t' | '\u{3000}'))
            .collect();
        if compact.is_empty() {
            return Err(PhoneError::Empty);
        }
        let digits = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
            .or_else(|| compact.strip_prefix("86").filter(|rest| rest.len() == 11))
            .unwrap_or(&compact);
        let b = digits.as_bytes();
        let ok = b.len() == 11
            && b.iter().all(u8::is_ascii_digit)
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1]);
        if !ok {
            return Err(PhoneError::Format);
        }
        Ok(Phone(digits.to_owned()))
    }

    /// The 11 digits. Personal data: do not log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `138****5678`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

string_serde!(Phone, PhoneError, expose);

// ---- Email ---------------------------------------------------------------------------------------------------------

/// Why a string is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("请填写电子邮箱")]
    Empty,
    #[error("电子邮箱不能超过254个字符")]
    TooLong,
    #[error("电子邮箱格式不正确，例如 name@example.com")]
    Format,
}

impl EmailError {
    /// Stable machine-readable code: `INVALID_EMAIL`.
    pub fn code(&self) -> &'static str {
        "INVALID_EMAIL"
    }

    /// Finer reason: `EMPTY`, `TOO_LONG` or `FORMAT`.
    pub fn reason(&self) -> &'static str {
        match self {
            EmailError::Empty => "EMPTY",
            EmailError::TooLong => "TOO_LONG",
            EmailError::Format => "FORMAT",
        }
    }
}

/// An e-mail address (pragmatic check), domain in lower case; the local part keeps its case.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Trims whitespace; requires exactly one `@`, a non-empty local part (≤ 64 bytes), a domain with a dot and
    /// no empty labels, no spaces or control characters, ≤ 254 bytes in all. Lower-cases the domain.
    pub fn parse(input: &str) -> Result<Email, EmailError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Format)?;
        let bad_char = |c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '(' | ')' | ',' | ';' | ':' | '"' | '\\' | '[' | ']'
                )
        };
        let local_ok = !local.is_empty() && local.len() <= 64 && !local.chars().any(bad_char);
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c == '-' || c.is_alphanumeric())
            });
        if !(local_ok && domain_ok) {
            return Err(EmailError::Format);
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `z***@example.com`: first character of the local part, then the domain.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').unwrap_or((&self.0, ""));
        let first = local.chars().next().unwrap_or('*');
        format!("{first}***@{domain}")
    }
}

/// The full address (shown to its owner, used to send mail).
impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Masked, so `{:?}` in logs does not leak the address.
impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

string_serde!(Email, EmailError, as_str);

// ---- LoginName -----------------------------------------------------------------------------------------------------

/// Why a string cannot be a login name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginNameError {
    #[error("请填写登录名")]
    Empty,
    #[error("登录名长度应为4至32个字符")]
    Length,
    #[error("登录名只能包含字母、数字、下划线、连字符和点，且须以字母开头")]
    Format,
    #[error(
        "登录名不能是统一社会信用代码的形式（统一社会信用代码登录仅用于已完成法人实名认证的账户）"
    )]
    LooksLikeUscc,
    #[error("登录名不能是手机号码")]
    LooksLikePhone,
}

impl LoginNameError {
    /// Stable machine-readable code: `INVALID_LOGIN_NAME`.
    pub fn code(&self) -> &'static str {
        "INVALID_LOGIN_NAME"
    }

    /// Finer reason: `EMPTY`, `LENGTH`, `FORMAT`, `LOOKS_LIKE_USCC`, `LOOKS_LIKE_PHONE`.
    pub fn reason(&self) -> &'static str {
        match self {
            LoginNameError::Empty => "EMPTY",
            LoginNameError::Length => "LENGTH",
            LoginNameError::Format => "FORMAT",
            LoginNameError::LooksLikeUscc => "LOOKS_LIKE_USCC",
            LoginNameError::LooksLikePhone => "LOOKS_LIKE_PHONE",
        }
    }
}

/// A login name: 4–32 of `A–Z a–z 0–9 _ - .`, starting with a letter, never shaped like a USCC or a phone
/// number (so a login string that parses as a USCC is never ambiguous). Keeps the case it was typed in;
/// uniqueness is case-insensitive: compare and index by [`normalized`](Self::normalized).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginName(String);

/// 18 characters all in the USCC character set (case-insensitive).
fn looks_like_uscc(s: &str) -> bool {
    s.len() == 18
        && s.bytes()
            .all(|b| uscc::CHARSET.contains(&b.to_ascii_uppercase()))
}

impl LoginName {
    /// Trims whitespace and checks the rules above.
    pub fn parse(input: &str) -> Result<LoginName, LoginNameError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(LoginNameError::Empty);
        }
        if looks_like_uscc(s) {
            return Err(LoginNameError::LooksLikeUscc);
        }
        if Phone::parse(s).is_ok() {
            return Err(LoginNameError::LooksLikePhone);
        }
        let n = s.chars().count();
        if !(4..=32).contains(&n) {
            return Err(LoginNameError::Length);
        }
        let starts_with_letter = s.starts_with(|c: char| c.is_ascii_alphabetic());
        let charset_ok = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !(starts_with_letter && charset_ok) {
            return Err(LoginNameError::Format);
        }
        Ok(LoginName(s.to_owned()))
    }

    /// As typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lower case: the key for uniqueness and look-up.
    pub fn normalized(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for LoginName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

string_serde!(LoginName, LoginNameError, as_str);

// ---- Password ------------------------------------------------------------------------------------------------------

/// Why a password does not meet the policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("密码长度应为8至128个字符")]
    Length,
    #[error("密码须同时包含字母和数字")]
    Composition,
    #[error("密码不能包含控制字符")]
    ControlCharacter,
}

impl PasswordError {
    /// Stable machine-readable code: `WEAK_PASSWORD`.
    pub fn code(&self) -> &'static str {
        "WEAK_PASSWORD"
    }

    /// Finer reason: `LENGTH`, `COMPOSITION` or `CONTROL_CHARACTER`.
    pub fn reason(&self) -> &'static str {
        match self {
            PasswordError::Length => "LENGTH",
            PasswordError::Composition => "COMPOSITION",
            PasswordError::ControlCharacter => "CONTROL_CHARACTER",
        }
    }
}

/// A new password that meets the policy: 8–128 characters, at least one ASCII letter and one digit, no
/// control characters. Not trimmed (spaces are allowed and significant). `Debug` never shows it; there is no
/// `Display` and no serde. Use `Password::parse` only for new passwords, not to check a login attempt.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(input: &str) -> Result<Password, PasswordError> {
        let n = input.chars().count();
        if !(8..=128).contains(&n) {
            return Err(PasswordError::Length);
        }
        if input.chars().any(char::is_control) {
            return Err(PasswordError::ControlCharacter);
        }
        let letter = input.chars().any(|c| c.is_ascii_alphabetic());
        let digit = input.chars().any(|c| c.is_ascii_digit());
        if !(letter && digit) {
            return Err(PasswordError::Composition);
        }
        Ok(Password(input.to_owned()))
    }

    /// The password, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- Phone

    #[test]
    fn phone_accepts_country_prefix_spaces_and_dashes_and_normalises() {
        for s in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+86 138 1234 5678",
            "+8613812345678",
            "8613812345678",
            "0086-138-1234-5678",
        ] {
            assert_eq!(Phone::parse(s).unwrap().expose(), "13812345678", "{s}");
        }
        assert!(Phone::parse("19912345678").is_ok());
    }

    #[test]
    fn phone_with_wrong_shape_is_rejected() {
        assert_eq!(Phone::parse("  "), Err(PhoneError::Empty));
        for s in [
            "12812345678",  // second digit 2
            "1381234567",   // 10 digits
            "138123456789", // 12 digits
            "23812345678",
            "1381234567a",
            "+85213812345678",
            "86 1381234567",
            "１３８１２３４５６７８",
            "010-12345678",
        ] {
            let err = Phone::parse(s).unwrap_err();
            assert_eq!(err, PhoneError::Format, "{s}");
            assert_eq!(err.code(), "INVALID_PHONE");
        }
    }

    #[test]
    fn phone_display_and_debug_are_masked() {
        let p = Phone::parse("13812345678").unwrap();
        assert_eq!(p.to_string(), "138****5678");
        assert_eq!(format!("{p:?}"), "Phone(138****5678)");
    }

    #[test]
    fn phone_serde_writes_digits_and_validates_on_read() {
        let p = Phone::parse("+86 138 1234 5678").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"13812345678\"");
        assert_eq!(
            serde_json::from_str::<Phone>("\"138-1234-5678\"").unwrap(),
            p
        );
        assert!(serde_json::from_str::<Phone>("\"12345\"").is_err());
        assert_eq!("13812345678".parse::<Phone>().unwrap(), p);
    }

    // ---- Email

    #[test]
    fn email_domain_is_lower_cased_and_local_part_kept() {
        let e = Email::parse("  Zhang.San+sme@Example.COM.cn ").unwrap();
        assert_eq!(e.as_str(), "Zhang.San+sme@example.com.cn");
        assert_eq!(e.to_string(), "Zhang.San+sme@example.com.cn");
        assert!(Email::parse("a@b.co").is_ok());
        assert!(Email::parse("service@企业.中国").is_ok());
    }

    #[test]
    fn email_with_wrong_shape_is_rejected() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        for s in [
            "plain",
            "@example.com",
            "a@@example.com",
            "a@b@example.com",
            "a@localhost",
            "a@.example.com",
            "a@example..com",
            "a@example.com.",
            "a b@example.com",
            "a@exa mple.com",
            "a@-example.com",
            "\"a\"@example.com",
        ] {
            let err = Email::parse(s).unwrap_err();
            assert_eq!(err, EmailError::Format, "{s}");
            assert_eq!(err.code(), "INVALID_EMAIL");
        }
    }

    #[test]
    fn email_longer_than_254_characters_is_rejected() {
        let long = format!("a@{}.com", "b".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
        let local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(Email::parse(&local), Err(EmailError::Format));
    }

    #[test]
    fn email_debug_is_masked() {
        let e = Email::parse("zhangsan@example.com").unwrap();
        assert_eq!(format!("{e:?}"), "Email(z***@example.com)");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            "\"zhangsan@example.com\""
        );
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }

    // ---- LoginName

    #[test]
    fn login_name_accepts_letters_digits_and_separators() {
        for s in [
            "abcd",
            "Zhang.San_01",
            "a-b.c_d",
            &format!("a{}", "b".repeat(31)),
        ] {
            let n = LoginName::parse(s).unwrap();
            assert_eq!(n.as_str(), s);
        }
        assert_eq!(LoginName::parse("  admin  ").unwrap().as_str(), "admin");
    }

    #[test]
    fn login_name_uniqueness_key_is_lower_case() {
        let a = LoginName::parse("ZhangSan").unwrap();
        let b = LoginName::parse("zhangsan").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.normalized(), b.normalized());
        assert_eq!(a.normalized(), "zhangsan");
    }

    #[test]
    fn login_name_with_wrong_length_or_characters_is_rejected() {
        assert_eq!(LoginName::parse(""), Err(LoginNameError::Empty));
        assert_eq!(LoginName::parse("abc"), Err(LoginNameError::Length));
        assert_eq!(
            LoginName::parse(&format!("a{}", "b".repeat(32))),
            Err(LoginNameError::Length)
        );
        for s in ["1abc", "_abc", ".abc", "ab cd", "ab@cd", "张三丰丰", "abc!"] {
            let err = LoginName::parse(s).unwrap_err();
            assert_eq!(err, LoginNameError::Format, "{s}");
            assert_eq!(err.code(), "INVALID_LOGIN_NAME");
        }
    }

    #[test]
    fn login_name_shaped_like_a_uscc_is_rejected() {
        for s in [
            "91350100M000100Y43",
            "91350100m000100y43",
            "Y1110000MA0000000X",
            "abcdefghjklmnpqrtu",
        ] {
            assert_eq!(
                LoginName::parse(s),
                Err(LoginNameError::LooksLikeUscc),
                "{s}"
            );
        }
        // 18 characters but with a letter outside the USCC set: fine.
        assert!(LoginName::parse("abcdefghijklmnopqr").is_ok());
    }

    #[test]
    fn login_name_shaped_like_a_phone_is_rejected() {
        for s in ["13812345678", "+8613812345678", "138-1234-5678"] {
            assert_eq!(
                LoginName::parse(s),
                Err(LoginNameError::LooksLikePhone),
                "{s}"
            );
        }
    }

    #[test]
    fn login_name_serde_round_trips() {
        let n = LoginName::parse("Zhang.San").unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"Zhang.San\"");
        assert_eq!(serde_json::from_str::<LoginName>(&json).unwrap(), n);
        assert!(serde_json::from_str::<LoginName>("\"1abc\"").is_err());
    }

    // ---- Password

    #[test]
    fn password_meeting_the_policy_is_accepted_as_is() {
        for s in [
            "abcdefg1",
            " pass word 1 ",
            "密码Password2024",
            &format!("a1{}", "x".repeat(126)),
        ] {
            assert_eq!(Password::parse(s).unwrap().expose(), s);
        }
    }

    #[test]
    fn password_too_short_or_too_long_is_rejected() {
        assert_eq!(Password::parse("abc1234"), Err(PasswordError::Length));
        assert_eq!(
            Password::parse(&format!("a1{}", "x".repeat(127))),
            Err(PasswordError::Length)
        );
        assert_eq!(Password::parse(""), Err(PasswordError::Length));
        assert_eq!(PasswordError::Length.code(), "WEAK_PASSWORD");
    }

    #[test]
    fn password_without_a_letter_or_a_digit_is_rejected() {
        for s in ["abcdefgh", "12345678", "密码密码密码密码12", "!!!!!!!!"] {
            let expected = PasswordError::Composition;
            assert_eq!(Password::parse(s), Err(expected), "{s}");
        }
        assert_eq!(
            Password::parse("abcd1234\n"),
            Err(PasswordError::ControlCharacter)
        );
    }

    #[test]
    fn password_debug_never_shows_it() {
        let p = Password::parse("secret123").unwrap();
        let shown = format!("{p:?}");
        assert_eq!(shown, "Password(***)");
        assert!(!shown.contains("secret"));
    }
}
