//! The declaration form of a tier in a rule version (data): fields beyond the profile, and evidence slots.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::enterprise::iso_date;
use crate::error::FieldError;

/// Default length limits (characters).
const TEXT_MAX: usize = 200;
const LONG_TEXT_MAX: usize = 5000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Number,
    Bool,
    /// `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    Choice,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

/// One tier-specific form field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub id: String,
    /// Chinese label.
    pub label: String,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Characters, for text kinds (defaults 200 / 5000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ChoiceOption>,
    /// A `bool` that must be `true` (a commitment).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub must_be_true: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// One evidence slot (one current file per slot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceSlot {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// The form of one tier in one rule version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormSpec {
    pub fields: Vec<FormField>,
    pub evidence: Vec<EvidenceSlot>,
}

fn blank(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

impl FormSpec {
    pub fn field(&self, id: &str) -> Option<&FormField> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn slot(&self, id: &str) -> Option<&EvidenceSlot> {
        self.evidence.iter().find(|s| s.id == id)
    }

    /// The ids of the required evidence slots.
    pub fn required_slots(&self) -> Vec<&str> {
        self.evidence
            .iter()
            .filter(|s| s.required)
            .map(|s| s.id.as_str())
            .collect()
    }

    /// Required slots absent from `present` (`EVIDENCE_MISSING`).
    pub fn missing_slots<'a>(&'a self, present: &[&str]) -> Vec<&'a str> {
        self.required_slots()
            .into_iter()
            .filter(|s| !present.contains(s))
            .collect()
    }

    /// Checks submitted form values; each error's field is `form.<id>`. Unknown members are errors; blank
    /// strings and `null` count as absent.
    pub fn validate(&self, values: &Map<String, Value>) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for key in values.keys() {
            if self.field(key).is_none() {
                errors.push(FieldError::new(
                    format!("form.{key}"),
                    "UNKNOWN_FIELD",
                    "表单中没有此项",
                ));
            }
        }
        for f in &self.fields {
            let path = format!("form.{}", f.id);
            let mut err = |code: &str, message: String| {
                errors.push(FieldError::new(path.clone(), code, message));
            };
            let Some(v) = values.get(&f.id).filter(|v| !blank(v)) else {
                if f.required {
                    err("REQUIRED", format!("请填写“{}”", f.label));
                }
                continue;
            };
            match f.kind {
                FieldKind::Text | FieldKind::LongText => match v.as_str() {
                    None => err("INVALID_TYPE", format!("“{}”应为文本", f.label)),
                    Some(s) => {
                        let max = f.max_len.unwrap_or(if f.kind == FieldKind::Text {
                            TEXT_MAX
                        } else {
                            LONG_TEXT_MAX
                        });
                        if s.trim().chars().count() > max {
                            err("TOO_LONG", format!("“{}”最多{max}个字符", f.label));
                        }
                    }
                },
                FieldKind::Number => match v.as_f64() {
                    None => err("INVALID_TYPE", format!("“{}”应为数字", f.label)),
                    Some(n) => {
                        if f.min.is_some_and(|m| n < m) || f.max.is_some_and(|m| n > m) {
                            let range = match (f.min, f.max) {
                                (Some(a), Some(b)) => format!("{a}至{b}之间"),
                                (Some(a), None) => format!("不小于{a}"),
                                (None, Some(b)) => format!("不大于{b}"),
                                (None, None) => String::new(),
                            };
                            err("OUT_OF_RANGE", format!("“{}”应{range}", f.label));
                        }
                    }
                },
                FieldKind::Bool => match v.as_bool() {
                    None => err("INVALID_TYPE", format!("“{}”应为是或否", f.label)),
                    Some(false) if f.must_be_true => {
                        err("MUST_ACCEPT", format!("请确认“{}”", f.label));
                    }
                    Some(_) => {}
                },
                FieldKind::Date => {
                    if v.as_str().and_then(iso_date::parse).is_none() {
                        err(
                            "INVALID_DATE",
                            format!("“{}”日期格式应为 YYYY-MM-DD", f.label),
                        );
                    }
                }
                FieldKind::Choice => {
                    if !v
                        .as_str()
                        .is_some_and(|s| f.options.iter().any(|o| o.value == s))
                    {
                        err("INVALID_CHOICE", format!("“{}”的选项无效", f.label));
                    }
                }
            }
        }
        errors
    }

    /// Consistency of the spec itself (unique ids, choices have options…).
    pub(crate) fn validate_spec(&self) -> Result<(), String> {
        let mut seen = HashSet::new();
        for f in &self.fields {
            if f.id.trim().is_empty() || f.label.trim().is_empty() {
                return Err("a field needs an id and a label".into());
            }
            if !seen.insert(f.id.as_str()) {
                return Err(format!("duplicate field {}", f.id));
            }
            if (f.kind == FieldKind::Choice) == f.options.is_empty() {
                return Err(format!("{}: options go with kind choice only", f.id));
            }
            if f.must_be_true && f.kind != FieldKind::Bool {
                return Err(format!("{}: must_be_true needs kind bool", f.id));
            }
        }
        let mut seen = HashSet::new();
        for s in &self.evidence {
            if s.id.trim().is_empty() || s.label.trim().is_empty() {
                return Err("a slot needs an id and a label".into());
            }
            if !seen.insert(s.id.as_str()) {
                return Err(format!("duplicate slot {}", s.id));
            }
        }
        Ok(())
    }
}
