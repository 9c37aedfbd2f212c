//! 国民经济行业分类 (GB/T 4754-2017) — RULES.md §5.2.
//!
//! The catalog is `shared/data/industries-gbt4754-2017.csv` (20 门类 / 97 大类 / 473 中类 / 1381 小类), compiled in
//! with `include_str!` and parsed once, lazily, on first use. An enterprise declares a **小类** (level-4, 4-digit)
//! code; [`IndustryCode`] holds only such codes. The 门类 letter is derived from the data's parent chain.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const INDUSTRIES_CSV: &str = include_str!("../../data/industries-gbt4754-2017.csv");

/// The four levels of GB/T 4754.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IndustryLevel {
    /// 门类: one letter A–T.
    Section,
    /// 大类: 2 digits.
    Division,
    /// 中类: 3 digits.
    Group,
    /// 小类: 4 digits.
    Class,
}

impl IndustryLevel {
    /// Chinese label: 门类 / 大类 / 中类 / 小类.
    pub fn label(self) -> &'static str {
        match self {
            IndustryLevel::Section => "门类",
            IndustryLevel::Division => "大类",
            IndustryLevel::Group => "中类",
            IndustryLevel::Class => "小类",
        }
    }

    fn from_data(level: &str) -> Option<IndustryLevel> {
        Some(match level {
            "1" => IndustryLevel::Section,
            "2" => IndustryLevel::Division,
            "3" => IndustryLevel::Group,
            "4" => IndustryLevel::Class,
            _ => return None,
        })
    }

    fn code_len(self) -> usize {
        match self {
            IndustryLevel::Section => 1,
            IndustryLevel::Division => 2,
            IndustryLevel::Group => 3,
            IndustryLevel::Class => 4,
        }
    }
}

/// Why an industry code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryError {
    #[error("行业代码不能为空")]
    Empty,
    /// Not a letter or 2–4 digits (optionally a letter followed by 2–4 digits).
    #[error("行业代码格式不正确，应为4位数字的小类代码（如 3741）")]
    Format,
    /// Well-formed but not in GB/T 4754-2017.
    #[error("行业代码{0}不存在于《国民经济行业分类》(GB/T 4754-2017)")]
    Unknown(String),
    /// A 门类/大类/中类 code where a 小类 is required.
    #[error("{code}是{}，请选择到小类（4位代码）", level.label())]
    NotClass { code: String, level: IndustryLevel },
    /// A section letter was given that is not the code's own section (e.g. `A3741`).
    #[error("行业代码{code}属于门类{expected}，与所填门类{given}不符")]
    SectionMismatch {
        code: String,
        expected: char,
        given: char,
    },
}

impl IndustryError {
    /// Stable machine-readable code: `INVALID_INDUSTRY`.
    pub fn code(&self) -> &'static str {
        "INVALID_INDUSTRY"
    }

    /// Finer reason, one per variant: `EMPTY`, `FORMAT`, `UNKNOWN`, `CLASS_REQUIRED`, `SECTION_MISMATCH`.
    pub fn reason(&self) -> &'static str {
        match self {
            IndustryError::Empty => "EMPTY",
            IndustryError::Format => "FORMAT",
            IndustryError::Unknown(_) => "UNKNOWN",
            IndustryError::NotClass { .. } => "CLASS_REQUIRED",
            IndustryError::SectionMismatch { .. } => "SECTION_MISMATCH",
        }
    }
}

#[derive(Debug)]
struct Node {
    code: &'static str,
    name: &'static str,
    level: IndustryLevel,
    parent: Option<usize>,
    children: Vec<usize>,
}

#[derive(Debug)]
struct Catalog {
    nodes: Vec<Node>,
    by_code: HashMap<&'static str, usize>,
    sections: Vec<usize>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(load);

fn load() -> Catalog {
    let rows = super::csv::parse(INDUSTRIES_CSV)
        .unwrap_or_else(|e| panic!("industries-gbt4754-2017.csv: {e}"));
    let field = |f: Cow<'static, str>| -> &'static str {
        match f {
            Cow::Borrowed(s) => s.trim(),
            Cow::Owned(s) => Box::leak(s.into_boxed_str()),
        }
    };
    let mut raw: Vec<(&'static str, IndustryLevel, &'static str, &'static str)> = rows
        .into_iter()
        .map(|row| {
            assert_eq!(row.len(), 4, "industries: bad row {row:?}");
            let mut it = row.into_iter().map(field);
            let (code, level, name, parent) = (
                it.next().unwrap_or_default(),
                it.next().unwrap_or_default(),
                it.next().unwrap_or_default(),
                it.next().unwrap_or_default(),
            );
            let level = IndustryLevel::from_data(level)
                .unwrap_or_else(|| panic!("industries: bad level in {code}"));
            assert!(
                code.len() == level.code_len()
                    && match level {
                        IndustryLevel::Section => code.bytes().all(|b| b.is_ascii_uppercase()),
                        _ => code.bytes().all(|b| b.is_ascii_digit()),
                    },
                "industries: bad code {code:?}"
            );
            (code, level, name, parent)
        })
        .collect();
    // Sections first (letters sort after digits), then digit codes in code order.
    raw.sort_by_key(|&(code, level, _, _)| (level != IndustryLevel::Section, code));

    let by_code: HashMap<&'static str, usize> = raw
        .iter()
        .enumerate()
        .map(|(i, &(code, ..))| (code, i))
        .collect();
    assert_eq!(by_code.len(), raw.len(), "industries: duplicate codes");

    let mut nodes: Vec<Node> = Vec::with_capacity(raw.len());
    let mut sections = Vec::new();
    for (i, &(code, level, name, parent)) in raw.iter().enumerate() {
        let parent = if level == IndustryLevel::Section {
            assert!(parent.is_empty(), "industries: section {code} has a parent");
            sections.push(i);
            None
        } else {
            let p = *by_code
                .get(parent)
                .unwrap_or_else(|| panic!("industries: {code} has unknown parent {parent:?}"));
            let (pcode, plevel, ..) = raw[p];
            assert_eq!(
                plevel.code_len() + 1,
                level.code_len(),
                "industries: {code} skips a level"
            );
            assert!(
                plevel == IndustryLevel::Section || code.starts_with(pcode),
                "industries: {code} does not extend its parent {pcode}"
            );
            Some(p)
        };
        nodes.push(Node {
            code,
            name,
            level,
            parent,
            children: Vec::new(),
        });
    }
    for i in 0..nodes.len() {
        if let Some(p) = nodes[i].parent {
            nodes[p].children.push(i); // visited in code order, so children stay sorted
        }
    }
    Catalog {
        nodes,
        by_code,
        sections,
    }
}

/// One node of the classification (any level), with its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndustryNode {
    pub code: &'static str,
    pub name: &'static str,
    pub level: IndustryLevel,
}

/// One node as shown by a cascading picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndustryEntry {
    pub code: &'static str,
    pub name: &'static str,
    pub level: IndustryLevel,
    pub has_children: bool,
}

/// The path of a 小类 from its 门类 down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndustryPath {
    pub section: IndustryNode,
    pub division: IndustryNode,
    pub group: IndustryNode,
    pub class: IndustryNode,
}

impl IndustryPath {
    /// `C 制造业 / 37 铁路、船舶、… / 374 航空、航天器及设备制造 / 3741 飞机制造`.
    pub fn display_name(&self) -> String {
        [self.section, self.division, self.group, self.class]
            .iter()
            .map(|n| format!("{} {}", n.code, n.name))
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// A GB/T 4754-2017 小类 (level-4 class) code that exists in the catalog, e.g. `3741` 飞机制造.
///
/// Stored as the index of its catalog entry (entries are in code order, so ordering follows the code).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndustryCode(u16);

fn node_entry(i: usize) -> IndustryNode {
    let n = &CATALOG.nodes[i];
    IndustryNode {
        code: n.code,
        name: n.name,
        level: n.level,
    }
}

impl IndustryCode {
    /// Parses a 小类 code: 4 digits, surrounding whitespace ignored. The section letter may be prefixed
    /// (`C3741`, `c3741`) if it is the code's own section. 门类/大类/中类 codes are rejected with
    /// [`IndustryError::NotClass`].
    pub fn parse(input: &str) -> Result<IndustryCode, IndustryError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(IndustryError::Empty);
        }
        let catalog = &*CATALOG;
        let first = s.chars().next().unwrap_or_default();
        let (letter, digits) = if first.is_ascii_alphabetic() {
            (Some(first.to_ascii_uppercase()), &s[1..])
        } else {
            (None, s)
        };
        if letter.is_some() && digits.is_empty() {
            // A bare section letter.
            let code = first.to_ascii_uppercase().to_string();
            return match catalog.by_code.get(code.as_str()) {
                Some(_) => Err(IndustryError::NotClass {
                    code,
                    level: IndustryLevel::Section,
                }),
                None => Err(IndustryError::Unknown(code)),
            };
        }
        if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IndustryError::Format);
        }
        let &i = catalog
            .by_code
            .get(digits)
            .ok_or_else(|| IndustryError::Unknown(digits.to_string()))?;
        let node = &catalog.nodes[i];
        if node.level != IndustryLevel::Class {
            return Err(IndustryError::NotClass {
                code: digits.to_string(),
                level: node.level,
            });
        }
        let code = IndustryCode(u16::try_from(i).map_err(|_| IndustryError::Format)?);
        if let Some(given) = letter {
            let expected = code.section_letter();
            if given != expected {
                return Err(IndustryError::SectionMismatch {
                    code: digits.to_string(),
                    expected,
                    given,
                });
            }
        }
        Ok(code)
    }

    fn index(self) -> usize {
        usize::from(self.0)
    }

    fn ancestors(self) -> [usize; 4] {
        let class = self.index();
        let nodes = &CATALOG.nodes;
        let group = nodes[class].parent.expect("a 小类 has a 中类");
        let division = nodes[group].parent.expect("a 中类 has a 大类");
        let section = nodes[division].parent.expect("a 大类 has a 门类");
        [section, division, group, class]
    }

    /// The 4-digit code (`"3741"`), borrowed from the catalog.
    pub fn as_str(self) -> &'static str {
        CATALOG.nodes[self.index()].code
    }

    /// The 小类 name (`飞机制造`).
    pub fn name(self) -> &'static str {
        CATALOG.nodes[self.index()].name
    }

    /// The 门类 letter (`'C'`), from the parent chain.
    pub fn section_letter(self) -> char {
        let [section, ..] = self.ancestors();
        CATALOG.nodes[section]
            .code
            .chars()
            .next()
            .expect("section codes are one letter")
    }

    /// The 门类 node (`C 制造业`).
    pub fn section(self) -> IndustryNode {
        node_entry(self.ancestors()[0])
    }

    /// The 大类 node (`37`).
    pub fn division(self) -> IndustryNode {
        node_entry(self.ancestors()[1])
    }

    /// The 中类 node (`374`).
    pub fn group(self) -> IndustryNode {
        node_entry(self.ancestors()[2])
    }

    /// The full path from the 门类 down to this 小类, with names.
    pub fn path(self) -> IndustryPath {
        let [section, division, group, class] = self.ancestors().map(node_entry);
        IndustryPath {
            section,
            division,
            group,
            class,
        }
    }
}

/// Catalog for cascading pickers: the 门类 for `None`; otherwise the direct children of the given code
/// (门类 letter → 大类, 大类 → 中类, 中类 → 小类), ordered by code. Unknown codes and 小类 give an empty list.
/// The parent is trimmed and a lower-case section letter is accepted.
pub fn children(parent: Option<&str>) -> Vec<IndustryEntry> {
    let catalog = &*CATALOG;
    let indices: &[usize] = match parent {
        None => &catalog.sections,
        Some(p) => {
            let p = p.trim().to_ascii_uppercase();
            match catalog.by_code.get(p.as_str()) {
                Some(&i) => &catalog.nodes[i].children,
                None => &[],
            }
        }
    };
    indices
        .iter()
        .map(|&i| {
            let n = &catalog.nodes[i];
            IndustryEntry {
                code: n.code,
                name: n.name,
                level: n.level,
                has_children: !n.children.is_empty(),
            }
        })
        .collect()
}

/// Looks up any node (门类 letter or 2/3/4-digit code) by its exact code, for display.
pub fn lookup(code: &str) -> Option<IndustryNode> {
    CATALOG.by_code.get(code).map(|&i| node_entry(i))
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IndustryCode({})", self.as_str())
    }
}

impl FromStr for IndustryCode {
    type Err = IndustryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IndustryCode::parse(s)
    }
}

impl Serialize for IndustryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IndustryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(deserializer)?;
        IndustryCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ic(s: &str) -> IndustryCode {
        IndustryCode::parse(s).unwrap()
    }

    #[test]
    fn catalog_loads_every_level_of_the_data() {
        let count = |l| CATALOG.nodes.iter().filter(|n| n.level == l).count();
        assert_eq!(count(IndustryLevel::Section), 20);
        assert_eq!(count(IndustryLevel::Division), 97);
        assert_eq!(count(IndustryLevel::Group), 473);
        assert_eq!(count(IndustryLevel::Class), 1381);
    }

    #[test]
    fn known_class_code_parses_with_name_and_section() {
        let c = ic(" 3741 ");
        assert_eq!(c.as_str(), "3741");
        assert_eq!(c.to_string(), "3741");
        assert_eq!(c.name(), "飞机制造");
        assert_eq!(c.section_letter(), 'C');
        assert_eq!(ic("0111").name(), "稻谷种植");
        assert_eq!(ic("0111").section_letter(), 'A');
        assert_eq!(ic("0111").to_string(), "0111");
        assert_eq!(ic("9700").section_letter(), 'T');
    }

    #[test]
    fn path_runs_from_section_to_class_with_names() {
        let p = ic("6513").path();
        assert_eq!(p.section.code, "I");
        assert_eq!(p.section.level, IndustryLevel::Section);
        assert_eq!(p.division.code, "65");
        assert_eq!(p.group.code, "651");
        assert_eq!(p.class.code, "6513");
        assert_eq!(p.class.level, IndustryLevel::Class);
        let shown = p.display_name();
        assert!(shown.starts_with("I "), "{shown}");
        assert!(shown.ends_with("6513 应用软件开发"), "{shown}");
        assert_eq!(ic("3741").division().code, "37");
        assert_eq!(ic("3741").group().code, "374");
        assert_eq!(ic("3741").section().code, "C");
    }

    #[test]
    fn section_division_and_group_codes_are_rejected_asking_for_a_class() {
        for (s, level) in [
            ("C", IndustryLevel::Section),
            ("c", IndustryLevel::Section),
            ("37", IndustryLevel::Division),
            ("374", IndustryLevel::Group),
        ] {
            let err = IndustryCode::parse(s).unwrap_err();
            assert_eq!(
                err,
                IndustryError::NotClass {
                    code: s.to_ascii_uppercase(),
                    level
                }
            );
            assert!(err.to_string().contains("小类"), "{err}");
            assert_eq!(err.code(), "INVALID_INDUSTRY");
            assert_eq!(err.reason(), "CLASS_REQUIRED");
        }
    }

    #[test]
    fn unknown_and_malformed_industry_codes_are_rejected() {
        assert_eq!(IndustryCode::parse("  "), Err(IndustryError::Empty));
        assert_eq!(
            IndustryCode::parse("9999"),
            Err(IndustryError::Unknown("9999".into()))
        );
        assert_eq!(
            IndustryCode::parse("Z"),
            Err(IndustryError::Unknown("Z".into()))
        );
        assert_eq!(IndustryCode::parse("37411"), Err(IndustryError::Format));
        assert_eq!(IndustryCode::parse("3"), Err(IndustryError::Format));
        assert_eq!(IndustryCode::parse("37a1"), Err(IndustryError::Format));
        assert_eq!(IndustryCode::parse("飞机"), Err(IndustryError::Format));
    }

    #[test]
    fn section_letter_prefix_is_accepted_only_when_it_matches() {
        assert_eq!(ic("C3741"), ic("3741"));
        assert_eq!(ic("c3741"), ic("3741"));
        assert_eq!(
            IndustryCode::parse("A3741"),
            Err(IndustryError::SectionMismatch {
                code: "3741".into(),
                expected: 'C',
                given: 'A'
            })
        );
    }

    #[test]
    fn picker_descends_sections_divisions_groups_classes_in_order() {
        let sections = children(None);
        assert_eq!(sections.len(), 20);
        assert_eq!(sections[0].code, "A");
        assert_eq!(sections[19].code, "T");
        assert!(sections.iter().all(|e| e.level == IndustryLevel::Section));
        let c = children(Some("c"));
        assert_eq!(c.first().unwrap().code, "13");
        assert!(c.iter().all(|e| e.level == IndustryLevel::Division));
        assert!(c.windows(2).all(|w| w[0].code < w[1].code));
        let groups = children(Some("37"));
        assert!(groups.iter().any(|e| e.code == "374"));
        let classes = children(Some("374"));
        assert!(classes.iter().any(|e| e.code == "3741" && !e.has_children));
        assert!(children(Some("3741")).is_empty());
        assert!(children(Some("nope")).is_empty());
    }

    #[test]
    fn every_class_is_reachable_and_parses() {
        let mut classes = 0;
        let mut stack = children(None);
        while let Some(e) = stack.pop() {
            let kids = children(Some(e.code));
            assert_eq!(e.has_children, !kids.is_empty(), "{}", e.code);
            if e.level == IndustryLevel::Class {
                classes += 1;
                let code = ic(e.code);
                assert_eq!(code.name(), e.name);
                assert_eq!(code.path().class.code, e.code);
            } else {
                assert!(!kids.is_empty(), "{} has no children", e.code);
            }
            stack.extend(kids);
        }
        assert_eq!(classes, 1381);
    }

    #[test]
    fn lookup_finds_any_level_by_code() {
        assert_eq!(lookup("C").unwrap().level, IndustryLevel::Section);
        assert_eq!(lookup("374").unwrap().level, IndustryLevel::Group);
        assert!(lookup("999").is_none());
    }

    #[test]
    fn serde_round_trips_as_a_string_and_validates() {
        let json = serde_json::to_string(&ic("0111")).unwrap();
        assert_eq!(json, "\"0111\"");
        assert_eq!(
            serde_json::from_str::<IndustryCode>(&json).unwrap(),
            ic("0111")
        );
        assert!(serde_json::from_str::<IndustryCode>("\"37\"").is_err());
        let entry = serde_json::to_value(children(None)[0]).unwrap();
        assert_eq!(entry["level"], "section");
    }
}
