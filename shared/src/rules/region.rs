//! 行政区划代码 (GB/T 2260) — RULES.md §5.1.
//!
//! The catalog is the snapshot in `shared/data/regions-*.csv`, compiled in with `include_str!` and parsed once,
//! lazily, on first use. A [`RegionCode`] always names a division that exists in that catalog.
//!
//! # Modelling the municipalities and other summary rows
//! The data lists 4-digit rows that are statistical summary codes, not a real prefecture level:
//! `1101/1201/3101/5001 市辖区`, `5002 县` (重庆) and `4190/4290/4690/6590 省直辖县级行政区划`.
//! We do **not** model them as cities:
//! - [`RegionCode::parse`] rejects them with [`RegionError::SummaryCode`] (e.g. `110100`, `1101`);
//! - the counties under them (e.g. `110108 海淀区`, `419001 济源市`) have `city() == None` and
//!   `parent() == Some(province)`;
//! - [`children`] of the province lists those counties directly (beside the real cities, for 河南 etc.).
//!
//! Prefecture-level cities without districts (不设区的地级市: 东莞 441900, 中山 442000, 儋州 460400) appear in
//! the county list with the city's own code; that row is folded into the city, which then has no children.
//!
//! So a path is two levels for them (`北京市 / 海淀区`) and three for everything else
//! (`浙江省 / 杭州市 / 西湖区`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

const PROVINCES_CSV: &str = include_str!("../../data/regions-provinces.csv");
const CITIES_CSV: &str = include_str!("../../data/regions-cities.csv");
const COUNTIES_CSV: &str = include_str!("../../data/regions-counties.csv");

/// The level of an administrative division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    /// 省级 (province, autonomous region, municipality).
    Province,
    /// 地级 (prefecture-level city, prefecture, autonomous prefecture, league).
    City,
    /// 县级 (district, county, county-level city, banner).
    County,
}

impl RegionLevel {
    /// Chinese label: 省级 / 地级 / 县级.
    pub fn label(self) -> &'static str {
        match self {
            RegionLevel::Province => "省级",
            RegionLevel::City => "地级",
            RegionLevel::County => "县级",
        }
    }
}

/// Why a region code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionError {
    /// Nothing was given.
    #[error("行政区划代码不能为空")]
    Empty,
    /// Not 2, 4 or 6 digits.
    #[error("行政区划代码应为2、4或6位数字")]
    Format,
    /// Well-formed but not in the catalog.
    #[error("行政区划代码{0}不存在")]
    Unknown(String),
    /// A 4-digit summary row (直辖市“市辖区”/“县”, 省直辖县级行政区划), not a real division.
    #[error("{0}是汇总码（市辖区/县/省直辖县级行政区划），请选择省级或具体的区县")]
    SummaryCode(String),
}

impl RegionError {
    /// Stable machine-readable code: `INVALID_REGION`.
    pub fn code(&self) -> &'static str {
        "INVALID_REGION"
    }

    /// Finer reason, one per variant: `EMPTY`, `FORMAT`, `UNKNOWN`, `SUMMARY_CODE`.
    pub fn reason(&self) -> &'static str {
        match self {
            RegionError::Empty => "EMPTY",
            RegionError::Format => "FORMAT",
            RegionError::Unknown(_) => "UNKNOWN",
            RegionError::SummaryCode(_) => "SUMMARY_CODE",
        }
    }
}

/// A GB/T 2260 division that exists in the catalog, stored as its 6-digit code (`330000`, `330100`, `330106`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(u32);

/// One division as shown by a cascading picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionEntry {
    /// Six-digit GB/T 2260 code.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: RegionCode,
    pub name: &'static str,
    pub level: RegionLevel,
    pub has_children: bool,
}

#[derive(Debug)]
struct Node {
    code: u32,
    name: &'static str,
    level: RegionLevel,
    parent: Option<u32>,
    children: Vec<u32>,
}

#[derive(Debug)]
struct Catalog {
    /// Sorted by code.
    nodes: Vec<Node>,
    /// Province codes (6-digit), sorted.
    roots: Vec<u32>,
    /// 4-digit summary rows, as 6-digit codes (`110100`).
    summary: HashSet<u32>,
}

impl Catalog {
    fn get(&self, code: u32) -> Option<&Node> {
        self.nodes
            .binary_search_by_key(&code, |n| n.code)
            .ok()
            .map(|i| &self.nodes[i])
    }
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(load);

fn rows(name: &str, text: &'static str, columns: usize) -> Vec<Vec<&'static str>> {
    let rows = super::csv::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    rows.into_iter()
        .map(|row| {
            assert_eq!(row.len(), columns, "{name}: bad row {row:?}");
            row.into_iter()
                .map(|f| match f {
                    Cow::Borrowed(s) => s.trim(),
                    // Escaped quotes: keep the (rare) unescaped copy for the life of the program.
                    Cow::Owned(s) => &*Box::leak(s.into_boxed_str()),
                })
                .collect()
        })
        .collect()
}

fn num(name: &str, s: &str, len: usize) -> u32 {
    assert!(
        s.len() == len && s.bytes().all(|b| b.is_ascii_digit()),
        "{name}: bad code {s:?}"
    );
    s.parse()
        .unwrap_or_else(|_| panic!("{name}: bad code {s:?}"))
}

/// Is this 4-digit row a summary code rather than a real prefecture? (See the module docs.)
fn is_summary_city(code4: u32, name: &str) -> bool {
    code4 % 100 == 90 || name == "市辖区" || name == "县"
}

fn load() -> Catalog {
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots = Vec::new();
    let mut summary = HashSet::new();

    for r in rows("regions-provinces.csv", PROVINCES_CSV, 2) {
        let code = num("regions-provinces.csv", r[0], 2) * 10_000;
        roots.push(code);
        nodes.push(Node {
            code,
            name: r[1],
            level: RegionLevel::Province,
            parent: None,
            children: Vec::new(),
        });
    }
    for r in rows("regions-cities.csv", CITIES_CSV, 3) {
        let code4 = num("regions-cities.csv", r[0], 4);
        let province = num("regions-cities.csv", r[2], 2);
        assert_eq!(code4 / 100, province, "regions-cities.csv: {r:?}");
        if is_summary_city(code4, r[1]) {
            summary.insert(code4 * 100);
            continue;
        }
        nodes.push(Node {
            code: code4 * 100,
            name: r[1],
            level: RegionLevel::City,
            parent: Some(province * 10_000),
            children: Vec::new(),
        });
    }
    let real_cities: HashSet<u32> = nodes
        .iter()
        .filter(|n| n.level == RegionLevel::City)
        .map(|n| n.code)
        .collect();
    for r in rows("regions-counties.csv", COUNTIES_CSV, 4) {
        let code = num("regions-counties.csv", r[0], 6);
        let city = num("regions-counties.csv", r[2], 4) * 100;
        let province = num("regions-counties.csv", r[3], 2) * 10_000;
        assert!(
            code / 100 == city / 100 && code / 10_000 == province / 10_000,
            "regions-counties.csv: inconsistent row {r:?}"
        );
        if code == city {
            // 不设区的地级市 (东莞 441900, 中山 442000, 儋州 460400): the data repeats the city as its own
            // county row. The code names the city; there is no separate county.
            assert!(real_cities.contains(&city), "regions-counties.csv: {r:?}");
            continue;
        }
        let parent = if real_cities.contains(&city) {
            city
        } else {
            assert!(
                summary.contains(&city),
                "regions-counties.csv: unknown city in {r:?}"
            );
            province
        };
        nodes.push(Node {
            code,
            name: r[1],
            level: RegionLevel::County,
            parent: Some(parent),
            children: Vec::new(),
        });
    }

    nodes.sort_by_key(|n| n.code);
    for w in nodes.windows(2) {
        assert!(
            w[0].code != w[1].code,
            "regions: duplicate code {}",
            w[0].code
        );
    }
    roots.sort_unstable();
    let links: Vec<(u32, u32)> = nodes
        .iter()
        .filter_map(|n| n.parent.map(|p| (p, n.code)))
        .collect();
    for (parent, child) in links {
        let i = nodes
            .binary_search_by_key(&parent, |n| n.code)
            .unwrap_or_else(|_| panic!("regions: {child} has unknown parent {parent}"));
        nodes[i].children.push(child); // nodes are visited in code order, so children stay sorted
    }
    Catalog {
        nodes,
        roots,
        summary,
    }
}

impl RegionCode {
    /// Parses a region code written as 2 (`33`), 4 (`3301`) or 6 (`330106`) digits, normalised to 6 digits.
    /// Surrounding whitespace is ignored. The code must exist in the catalog at province, city or county level.
    pub fn parse(input: &str) -> Result<RegionCode, RegionError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(RegionError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionError::Format);
        }
        let code = match s.len() {
            2 => s.parse::<u32>().map(|v| v * 10_000),
            4 => s.parse::<u32>().map(|v| v * 100),
            6 => s.parse::<u32>(),
            _ => return Err(RegionError::Format),
        }
        .map_err(|_| RegionError::Format)?;
        Self::from_u32(code)
    }

    /// Looks up a 6-digit code given as a number (`330106`).
    pub fn from_u32(code: u32) -> Result<RegionCode, RegionError> {
        let catalog = &*CATALOG;
        if catalog.get(code).is_some() {
            Ok(RegionCode(code))
        } else if catalog.summary.contains(&code) {
            Err(RegionError::SummaryCode(format!("{code:06}")))
        } else if code > 999_999 {
            Err(RegionError::Format)
        } else {
            Err(RegionError::Unknown(format!("{code:06}")))
        }
    }

    fn node(self) -> &'static Node {
        CATALOG
            .get(self.0)
            .expect("a RegionCode always names a catalog entry")
    }

    /// The 6-digit code as a number.
    pub fn value(self) -> u32 {
        self.0
    }

    /// The 2-digit province prefix (`33`).
    pub fn province_prefix(self) -> u32 {
        self.0 / 10_000
    }

    pub fn level(self) -> RegionLevel {
        self.node().level
    }

    /// The official name (`西湖区`).
    pub fn name(self) -> &'static str {
        self.node().name
    }

    /// The enclosing division: the city, or the province for provinces' direct counties and municipality
    /// districts; `None` for a province.
    pub fn parent(self) -> Option<RegionCode> {
        self.node().parent.map(RegionCode)
    }

    /// The province this division belongs to (itself for a province).
    pub fn province(self) -> RegionCode {
        RegionCode(self.province_prefix() * 10_000)
    }

    /// The prefecture-level city: itself for a city, its city for a county, `None` for a province and for
    /// divisions with no real city level (municipality districts, 省直辖县级行政区划).
    pub fn city(self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::Province => None,
            RegionLevel::City => Some(self),
            RegionLevel::County => self.parent().filter(|p| p.level() == RegionLevel::City),
        }
    }

    /// The path from the province down to this division (`[330000, 330100, 330106]`).
    pub fn path(self) -> Vec<RegionCode> {
        let mut path = vec![self];
        let mut cur = self;
        while let Some(p) = cur.parent() {
            path.push(p);
            cur = p;
        }
        path.reverse();
        path
    }

    /// The names along [`path`](Self::path), joined by ` / ` (`浙江省 / 杭州市 / 西湖区`).
    pub fn full_name(self) -> String {
        self.path()
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// Jurisdiction: a province contains every code with its 2-digit prefix, a city every code with its
    /// 4-digit prefix, a county only itself. Every division contains itself.
    pub fn contains(self, other: &RegionCode) -> bool {
        match self.level() {
            RegionLevel::Province => self.0 / 10_000 == other.0 / 10_000,
            RegionLevel::City => self.0 / 100 == other.0 / 100,
            RegionLevel::County => self.0 == other.0,
        }
    }

    /// The divisions directly below this one, ordered by code.
    pub fn children(self) -> Vec<RegionEntry> {
        children(Some(&self))
    }
}

/// Catalog for cascading pickers: the provinces for `None`, otherwise the direct children of `parent`
/// (cities, plus direct counties where there is no city level), ordered by code.
pub fn children(parent: Option<&RegionCode>) -> Vec<RegionEntry> {
    let catalog = &*CATALOG;
    let codes: &[u32] = match parent {
        None => &catalog.roots,
        Some(p) => &p.node().children,
    };
    codes
        .iter()
        .map(|&c| {
            let n = catalog.get(c).expect("children are catalog entries");
            RegionEntry {
                code: RegionCode(c),
                name: n.name,
                level: n.level,
                has_children: !n.children.is_empty(),
            }
        })
        .collect()
}

/// Is `prefix` (2 digits) a province in the catalog?
pub fn is_province_prefix(prefix: u32) -> bool {
    prefix < 100 && CATALOG.get(prefix * 10_000).is_some()
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({:06})", self.0)
    }
}

impl FromStr for RegionCode {
    type Err = RegionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(deserializer)?;
        RegionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rc(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn catalog_loads_every_row_of_the_data() {
        let c = &*CATALOG;
        assert_eq!(c.roots.len(), 31);
        let count = |l| c.nodes.iter().filter(|n| n.level == l).count();
        assert_eq!(count(RegionLevel::Province), 31);
        // 342 rows minus 9 summary rows (4 × 市辖区, 重庆 县, 4 × 省直辖县级行政区划).
        assert_eq!(c.summary.len(), 9);
        assert_eq!(count(RegionLevel::City), 342 - 9);
        // 2978 rows minus the 3 that repeat a city without districts (东莞, 中山, 儋州).
        assert_eq!(count(RegionLevel::County), 2978 - 3);
    }

    #[test]
    fn two_four_and_six_digit_forms_normalise_to_six_digits() {
        assert_eq!(rc("33").to_string(), "330000");
        assert_eq!(rc("3301").to_string(), "330100");
        assert_eq!(rc(" 330106 ").to_string(), "330106");
        assert_eq!(rc("33"), rc("330000"));
    }

    #[test]
    fn levels_and_names_come_from_the_catalog() {
        assert_eq!(rc("330000").level(), RegionLevel::Province);
        assert_eq!(rc("330000").name(), "浙江省");
        assert_eq!(rc("330100").level(), RegionLevel::City);
        assert_eq!(rc("330100").name(), "杭州市");
        assert_eq!(rc("330106").level(), RegionLevel::County);
        assert_eq!(rc("330106").name(), "西湖区");
    }

    #[test]
    fn unknown_and_malformed_codes_are_rejected() {
        assert_eq!(RegionCode::parse(""), Err(RegionError::Empty));
        assert_eq!(RegionCode::parse("3"), Err(RegionError::Format));
        assert_eq!(RegionCode::parse("33010"), Err(RegionError::Format));
        assert_eq!(RegionCode::parse("33a106"), Err(RegionError::Format));
        assert_eq!(RegionCode::parse("３３"), Err(RegionError::Format));
        assert_eq!(
            RegionCode::parse("990000"),
            Err(RegionError::Unknown("990000".into()))
        );
        assert_eq!(
            RegionCode::parse("330199"),
            Err(RegionError::Unknown("330199".into()))
        );
        // Hong Kong is not in the data.
        assert!(matches!(
            RegionCode::parse("81"),
            Err(RegionError::Unknown(_))
        ));
        assert_eq!(RegionError::Format.code(), "INVALID_REGION");
        assert_eq!(RegionError::Format.reason(), "FORMAT");
    }

    #[test]
    fn municipality_summary_rows_are_not_region_codes() {
        for s in [
            "1101", "110100", "120100", "310100", "500100", "500200", "419000",
        ] {
            let err = RegionCode::parse(s).unwrap_err();
            assert!(matches!(err, RegionError::SummaryCode(_)), "{s}: {err:?}");
            assert!(err.to_string().contains("汇总码"));
        }
    }

    #[test]
    fn municipality_district_has_no_city_and_hangs_from_the_province() {
        let haidian = rc("110108");
        assert_eq!(haidian.name(), "海淀区");
        assert_eq!(haidian.level(), RegionLevel::County);
        assert_eq!(haidian.city(), None);
        assert_eq!(haidian.parent(), Some(rc("11")));
        assert_eq!(haidian.province(), rc("110000"));
        assert_eq!(haidian.full_name(), "北京市 / 海淀区");
        // 重庆's counties (under the 5002 县 summary row) too.
        let chengkou = rc("500229");
        assert_eq!(chengkou.city(), None);
        assert_eq!(chengkou.parent(), Some(rc("50")));
    }

    #[test]
    fn city_without_districts_is_a_city_with_no_children() {
        let dongguan = rc("441900");
        assert_eq!(dongguan.level(), RegionLevel::City);
        assert_eq!(dongguan.city(), Some(dongguan));
        assert_eq!(dongguan.full_name(), "广东省 / 东莞市");
        assert!(dongguan.children().is_empty());
        let gd = children(Some(&rc("44")));
        let entry = gd.iter().find(|e| e.code == dongguan).unwrap();
        assert!(!entry.has_children);
    }

    #[test]
    fn province_direct_county_level_city_has_no_city() {
        let jiyuan = rc("419001");
        assert_eq!(jiyuan.name(), "济源市");
        assert_eq!(jiyuan.city(), None);
        assert_eq!(jiyuan.full_name(), "河南省 / 济源市");
    }

    #[test]
    fn ordinary_county_has_province_city_and_full_path() {
        let xihu = rc("330106");
        assert_eq!(xihu.province(), rc("33"));
        assert_eq!(xihu.city(), Some(rc("3301")));
        assert_eq!(xihu.parent(), Some(rc("3301")));
        assert_eq!(xihu.path(), vec![rc("33"), rc("3301"), rc("330106")]);
        assert_eq!(xihu.full_name(), "浙江省 / 杭州市 / 西湖区");
        assert_eq!(rc("3301").city(), Some(rc("3301")));
        assert_eq!(rc("33").city(), None);
        assert_eq!(rc("33").parent(), None);
        assert_eq!(rc("33").full_name(), "浙江省");
    }

    #[test]
    fn contains_follows_jurisdiction_prefixes() {
        let (zj, hz, xihu, nb) = (rc("33"), rc("3301"), rc("330106"), rc("3302"));
        assert!(zj.contains(&zj) && zj.contains(&hz) && zj.contains(&xihu) && zj.contains(&nb));
        assert!(hz.contains(&xihu) && hz.contains(&hz));
        assert!(!hz.contains(&nb) && !hz.contains(&zj));
        assert!(xihu.contains(&xihu) && !xihu.contains(&hz));
        assert!(!zj.contains(&rc("11")));
        assert!(rc("11").contains(&rc("110108")));
    }

    #[test]
    fn picker_lists_provinces_then_children_in_code_order() {
        let provinces = children(None);
        assert_eq!(provinces.len(), 31);
        assert_eq!(provinces[0].code, rc("11"));
        assert_eq!(provinces[0].name, "北京市");
        assert!(
            provinces
                .iter()
                .all(|e| e.level == RegionLevel::Province && e.has_children)
        );
        assert!(provinces.windows(2).all(|w| w[0].code < w[1].code));

        let zj = rc("33").children();
        assert_eq!(zj[0].code, rc("3301"));
        assert!(zj.iter().all(|e| e.level == RegionLevel::City));
        let hz = children(Some(&rc("3301")));
        assert!(hz.iter().any(|e| e.name == "西湖区" && !e.has_children));
        assert!(hz.windows(2).all(|w| w[0].code < w[1].code));
        assert!(children(Some(&rc("330106"))).is_empty());
    }

    #[test]
    fn picker_lists_municipality_districts_directly_under_the_province() {
        let bj = children(Some(&rc("11")));
        assert!(bj.iter().all(|e| e.level == RegionLevel::County));
        assert!(bj.iter().any(|e| e.code == rc("110108")));
        let henan = children(Some(&rc("41")));
        assert!(henan.iter().any(|e| e.code == rc("4101")));
        assert_eq!(henan.last().unwrap().code, rc("419001"));
    }

    #[test]
    fn every_entry_is_reachable_and_parents_contain_children() {
        let mut seen = 0;
        let mut stack: Vec<RegionEntry> = children(None);
        while let Some(e) = stack.pop() {
            seen += 1;
            let kids = e.code.children();
            assert_eq!(e.has_children, !kids.is_empty());
            for k in &kids {
                assert!(e.code.contains(&k.code));
                assert_eq!(k.code.parent(), Some(e.code));
            }
            stack.extend(kids);
        }
        assert_eq!(seen, CATALOG.nodes.len());
    }

    #[test]
    fn province_prefix_lookup_knows_the_31_mainland_provinces() {
        assert!(is_province_prefix(11) && is_province_prefix(65));
        assert!(!is_province_prefix(81) && !is_province_prefix(99) && !is_province_prefix(0));
    }

    #[test]
    fn serde_round_trips_as_a_six_digit_string_and_validates() {
        let json = serde_json::to_string(&rc("330106")).unwrap();
        assert_eq!(json, "\"330106\"");
        assert_eq!(
            serde_json::from_str::<RegionCode>(&json).unwrap(),
            rc("330106")
        );
        assert_eq!(
            serde_json::from_str::<RegionCode>("\"33\"").unwrap(),
            rc("33")
        );
        assert!(serde_json::from_str::<RegionCode>("\"110100\"").is_err());
        let entry = serde_json::to_value(&children(None)[0]).unwrap();
        assert_eq!(entry["code"], "110000");
        assert_eq!(entry["level"], "province");
        assert_eq!(entry["has_children"], true);
    }
}
