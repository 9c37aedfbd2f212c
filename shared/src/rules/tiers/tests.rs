//! Table-driven tests of the tier standards: every band edge (at the edge and one fen / one unit on the
//! wrong side), every direct-entry route, category minimums, missing data and version selection.

use time::Date;
use time::macros::date;

use super::*;
use crate::domain::enterprise::*;
use crate::domain::money::Money;
use crate::rules::region::RegionCode;

/// 1亿元 in fen.
const B: i64 = 10_000_000_000;
/// 1% of [`B`] in fen.
const PCT: i64 = B / 100;
/// 1万元 in fen.
const WAN: i64 = 1_000_000;

fn v2022() -> &'static RuleSet {
    rule_set("2022").unwrap()
}
fn v2026() -> &'static RuleSet {
    rule_set("2026").unwrap()
}
fn both() -> [(&'static RuleSet, i32); 2] {
    [(v2022(), 2025), (v2026(), 2026)]
}

fn d(y: i32, m: u8, day: u8) -> Date {
    Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), day).unwrap()
}

fn fig(year: i32, op: i64, main: i64, rd: i64) -> YearFigures {
    YearFigures {
        year,
        operating_revenue: Money::from_fen(op),
        main_business_revenue: Money::from_fen(main),
        rd_expense: Money::from_fen(rd),
        net_profit: Money::from_fen(op * 12 / 100),
        total_assets: Money::from_fen(B),
        total_liabilities: Money::from_fen(40 * PCT),
        employees: 300,
        rd_staff: 90,
    }
}

/// A strong enterprise that meets every 2022 standard (and the 2026 ones) by score or conditions, but by no
/// direct entry: innovative 95 points, specialized 97, little giant all groups.
fn strong(year: i32) -> Facts {
    let profile = EnterpriseProfile {
        name: "测试科技有限公司".into(),
        uscc: "91350100M000100Y43".into(),
        region: Some(RegionCode::parse("330106").unwrap()),
        address: Some("杭州市西湖区".into()),
        industry: Some(crate::rules::industry::IndustryCode::parse("3741").unwrap()),
        niche_field: Some("航空紧固件".into()),
        main_products: vec!["钛合金紧固件".into()],
        established_on: Some(date!(2009 - 06 - 01)),
        employees: Some(300),
        financials: vec![
            fig(year - 1, 2 * B, 190 * PCT, 1500 * WAN),
            fig(year - 2, 180 * PCT, 170 * PCT, 1300 * WAN),
            fig(year - 3, 150 * PCT, 140 * PCT, 1000 * WAN),
        ],
        ip: Some(IpCounts {
            class1_high_value: 1,
            class1_self_developed: 2,
            class1_total: 5,
            class2_total: 10,
            class1_applied: 5,
        }),
        honours: Some(vec![]),
        awards: Some(vec![]),
        makers_china: Some(vec![]),
        financing: Some(vec![]),
        market: Some(NicheMarket {
            since: Some(date!(2010 - 01 - 01)),
            national_share_pct: Some(15.0),
            international_share_pct: None,
            national_rank: None,
            leading_position: Some(true),
        }),
        quality: Some(QualityItems {
            provincial_quality_award: true,
            quality_system_certified: true,
            own_brand: true,
            standards_drafting: true,
        }),
        rd_institution: Some(RdInstitution {
            level: RdInstitutionLevel::National,
            joint: false,
        }),
        product_fields: Some(ProductFields {
            strategic_emerging: true,
            chain_key_point: true,
            six_foundations: true,
            serves_chain_leader: true,
            manufacturing_power_field: true,
            network_power_field: false,
        }),
        operations: Some(Operations {
            core_processes_on_info_systems: 3,
            management_or_foreign_certification: true,
        }),
        local_indicators: Some(vec![LocalIndicatorClaim {
            id: "local".into(),
            points: 12,
        }]),
    };
    Facts::new(profile, year, d(year, 5, 10))
        .with_digital_level(Some(3))
        .with_held_tiers(vec![Tier::Innovative, Tier::Specialized])
}

fn y(f: &mut Facts, back: i32) -> &mut YearFigures {
    let year = f.declaration_year - back;
    f.profile
        .financials
        .iter_mut()
        .find(|r| r.year == year)
        .unwrap()
}

fn money(fen: i64) -> Money {
    Money::from_fen(fen)
}

// ----- setters: each puts one metric at a chosen value -----------------------------------------------------

/// R&D share of the prior year: revenue 1亿元, R&D `fen`.
fn rd_share(f: &mut Facts, fen: i64) {
    let r = y(f, 1);
    r.operating_revenue = money(B);
    r.main_business_revenue = money(95 * PCT);
    r.rd_expense = money(fen);
}
/// R&D share with revenue 1000万元 (so the money scale stays low); `fen` of R&D.
fn rd_share_small(f: &mut Facts, fen: i64) {
    let r = y(f, 1);
    r.operating_revenue = money(B / 10);
    r.main_business_revenue = money(95 * PCT / 10);
    r.rd_expense = money(fen);
}
/// R&D money of the prior year with a huge revenue (share ≈ 0).
fn rd_money(f: &mut Facts, fen: i64) {
    let r = y(f, 1);
    r.operating_revenue = money(1000 * B);
    r.main_business_revenue = money(950 * B);
    r.rd_expense = money(fen);
}
fn main_share(f: &mut Facts, fen: i64) {
    let r = y(f, 1);
    r.operating_revenue = money(B);
    r.main_business_revenue = money(fen);
}
/// Prior-year growth: base 1亿元, increase `delta` fen.
fn growth(f: &mut Facts, delta: i64) {
    y(f, 2).main_business_revenue = money(B);
    y(f, 1).main_business_revenue = money(B + delta);
}
/// Two-year average growth: 0% then `2·delta/B`, so the average is `delta/B`.
fn growth2(f: &mut Facts, delta2: i64) {
    for back in 1..=3 {
        y(f, back).operating_revenue = money(3 * B);
    }
    y(f, 3).main_business_revenue = money(B);
    y(f, 2).main_business_revenue = money(B);
    y(f, 1).main_business_revenue = money(B + delta2);
}
fn debt(f: &mut Facts, fen: i64) {
    let r = y(f, 1);
    r.total_assets = money(B);
    r.total_liabilities = money(fen);
}
fn margin(f: &mut Facts, fen: i64) {
    let r = y(f, 1);
    r.operating_revenue = money(B);
    r.main_business_revenue = money(95 * PCT);
    r.net_profit = money(fen);
}
fn rd_staff(f: &mut Facts, staff: u32) {
    let r = y(f, 1);
    r.employees = 1000;
    r.rd_staff = staff;
}
/// Niche years: exactly `n` full years at the end of the prior year, or `n − 1` with `late`.
fn niche(f: &mut Facts, n: i32, late: bool) {
    let since = d(f.declaration_year - n, 1, if late { 2 } else { 1 });
    f.profile.market.as_mut().unwrap().since = Some(since);
}
fn ip(f: &mut Facts, hv: u32, own: u32, c1: u32, c2: u32) {
    let ip = f.profile.ip.as_mut().unwrap();
    ip.class1_high_value = hv;
    ip.class1_self_developed = own;
    ip.class1_total = c1;
    ip.class2_total = c2;
}
fn fields(f: &mut Facts, set: impl Fn(&mut ProductFields)) {
    let mut p = ProductFields::default();
    set(&mut p);
    f.profile.product_fields = Some(p);
}
fn quality(f: &mut Facts, n: usize) {
    let flags = [n >= 1, n >= 2, n >= 3, n >= 4];
    f.profile.quality = Some(QualityItems {
        provincial_quality_award: flags[0],
        quality_system_certified: flags[1],
        own_brand: flags[2],
        standards_drafting: flags[3],
    });
}
fn rd_inst(f: &mut Facts, level: RdInstitutionLevel) {
    f.profile.rd_institution = Some(RdInstitution {
        level,
        joint: false,
    });
}
fn local(f: &mut Facts, points: u32) {
    f.profile.local_indicators = Some(vec![LocalIndicatorClaim {
        id: "local".into(),
        points,
    }]);
}

type Setter = Box<dyn Fn(&mut Facts)>;

fn setter(f: impl Fn(&mut Facts) + 'static) -> Setter {
    Box::new(f)
}

macro_rules! cases {
    ($( ($id:expr, $points:expr, $set:expr) ),* $(,)?) => {
        vec![$( ($id, $points, setter($set)) ),*]
    };
}

fn indicator(a: &Assessment, id: &str) -> IndicatorResult {
    a.indicators
        .iter()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("no indicator {id}"))
        .clone()
}

fn condition<'a>(a: &'a Assessment, id: &str) -> &'a ConditionResult {
    a.hard_conditions
        .iter()
        .chain(&a.direct_entries)
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no condition {id} in {a:#?}"))
}

fn run_indicator_cases(tier: Tier, cases: Vec<(&str, u32, Setter)>) {
    for (rules, year) in both() {
        for (n, (id, points, set)) in cases.iter().enumerate() {
            let mut f = strong(year);
            set(&mut f);
            let a = assess(rules, tier, &f);
            let i = indicator(&a, id);
            assert_eq!(
                i.points,
                Some(*points),
                "{} {tier} case #{n} {id}: {i:?}",
                rules.version
            );
        }
    }
}

fn run_condition_cases(rules: &RuleSet, year: i32, tier: Tier, cases: Vec<(&str, bool, Setter)>) {
    for (n, (id, holds, set)) in cases.iter().enumerate() {
        let mut f = strong(year);
        set(&mut f);
        let a = assess(rules, tier, &f);
        let c = condition(&a, id);
        assert_eq!(
            c.holds,
            Some(*holds),
            "{} {tier} case #{n} {id}: {c:?}",
            rules.version
        );
    }
}

// ----- loading and versions ----------------------------------------------------------------------------------

#[test]
fn both_rule_files_load_and_validate() {
    let sets = all_rule_sets();
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0].version, "2022");
    assert_eq!(sets[0].effective_from, date!(2022 - 08 - 01));
    assert_eq!(sets[1].version, "2026");
    assert_eq!(sets[1].effective_from, date!(2026 - 04 - 01));
    for s in sets {
        s.validate().unwrap();
    }
    assert_eq!(v2026().tier(Tier::Innovative).label, "科技和创新型中小企业");
    assert!(v2026().tier(Tier::Innovative).provisional);
}

#[test]
fn the_version_in_force_is_chosen_by_date() {
    assert_eq!(rule_set_for(date!(2026 - 03 - 31)).version, "2022");
    assert_eq!(rule_set_for(date!(2026 - 04 - 01)).version, "2026");
    assert_eq!(rule_set_for(date!(2022 - 08 - 01)).version, "2022");
    assert_eq!(rule_set_for(date!(2020 - 01 - 01)).version, "2022");
    assert_eq!(rule_set_for(date!(2030 - 12 - 31)).version, "2026");
    assert!(rule_set("1999").is_none());
}

#[test]
fn prerequisites_are_data() {
    assert_eq!(prerequisites(v2022(), Tier::Innovative), vec![]);
    assert_eq!(prerequisites(v2022(), Tier::Specialized), vec![]);
    assert_eq!(
        prerequisites(v2022(), Tier::LittleGiant),
        vec![Tier::Specialized]
    );
    assert_eq!(
        prerequisites(v2026(), Tier::Specialized),
        vec![Tier::Innovative]
    );
    assert_eq!(
        prerequisites(v2026(), Tier::LittleGiant),
        vec![Tier::Specialized]
    );
    // Without the prerequisite the tier is not eligible, and the condition says which title is needed.
    let f = strong(2026).with_held_tiers(vec![]);
    let a = assess(v2026(), Tier::Specialized, &f);
    assert!(!a.eligible && a.determined);
    let c = condition(&a, "prerequisite_innovative");
    assert_eq!(c.holds, Some(false));
    assert!(c.text.contains("科技和创新型中小企业"));
}

#[test]
fn digital_level_is_needed_where_the_score_reads_it() {
    assert!(!needs_digital_level(v2022(), Tier::Innovative));
    assert!(needs_digital_level(v2022(), Tier::Specialized));
    assert!(!needs_digital_level(v2022(), Tier::LittleGiant));
    assert!(needs_digital_level(v2026(), Tier::LittleGiant));
}

// ----- the strong baseline ---------------------------------------------------------------------------------

#[test]
fn the_strong_enterprise_meets_every_tier_in_both_versions() {
    for (rules, year) in both() {
        let f = strong(year);
        for tier in Tier::ALL {
            assert!(f.profile.missing_for(tier, year).is_empty());
            let a = assess(rules, tier, &f);
            assert!(
                a.eligible && a.determined,
                "{} {tier}: {a:#?}",
                rules.version
            );
            assert!(a.missing.is_empty(), "{:?}", a.missing);
        }
        assert_eq!(assess(rules, Tier::Innovative, &f).score, Some(95));
        assert_eq!(assess(rules, Tier::Specialized, &f).score, Some(97));
    }
    assert_eq!(
        assess(v2022(), Tier::LittleGiant, &strong(2025)).score,
        None
    );
    assert_eq!(
        assess(v2026(), Tier::LittleGiant, &strong(2026)).score,
        Some(97)
    );
    // Only the 2022 innovative standard is confirmed.
    assert!(!assess(v2022(), Tier::Innovative, &strong(2025)).provisional);
    assert!(assess(v2022(), Tier::Specialized, &strong(2025)).provisional);
    assert!(assess(v2026(), Tier::Innovative, &strong(2026)).provisional);
}

// ----- innovative (§1.3) -----------------------------------------------------------------------------------

#[test]
fn innovative_band_edges() {
    run_indicator_cases(
        Tier::Innovative,
        cases![
            ("ip", 20, |f| ip(f, 1, 1, 1, 0)),
            ("ip", 15, |f| ip(f, 0, 1, 1, 0)),
            ("ip", 10, |f| ip(f, 0, 0, 1, 0)),
            ("ip", 5, |f| ip(f, 0, 0, 0, 1)),
            ("ip", 0, |f| ip(f, 0, 0, 0, 0)),
            ("rd_intensity", 20, |f| rd_share(f, 5 * PCT)),
            ("rd_intensity", 15, |f| rd_share(f, 5 * PCT - 1)),
            ("rd_intensity", 15, |f| rd_share(f, 3 * PCT)),
            ("rd_intensity", 10, |f| rd_share(f, 3 * PCT - 1)),
            ("rd_intensity", 10, |f| rd_share(f, 2 * PCT)),
            ("rd_intensity", 5, |f| rd_share(f, 2 * PCT - 1)),
            ("rd_intensity", 5, |f| rd_share(f, PCT)),
            ("rd_intensity", 0, |f| rd_share(f, PCT - 1)),
            ("rd_intensity", 0, |f| rd_share(f, 0)),
            ("main_growth", 20, |f| growth(f, 15 * PCT)),
            ("main_growth", 15, |f| growth(f, 15 * PCT - 1)),
            ("main_growth", 15, |f| growth(f, 10 * PCT)),
            ("main_growth", 10, |f| growth(f, 10 * PCT - 1)),
            ("main_growth", 10, |f| growth(f, 5 * PCT)),
            ("main_growth", 5, |f| growth(f, 5 * PCT - 1)),
            ("main_growth", 5, |f| growth(f, 0)),
            ("main_growth", 0, |f| growth(f, -1)),
            ("debt_ratio", 10, |f| debt(f, 55 * PCT)),
            ("debt_ratio", 5, |f| debt(f, 55 * PCT + 1)),
            ("debt_ratio", 5, |f| debt(f, 75 * PCT)),
            ("debt_ratio", 0, |f| debt(f, 75 * PCT + 1)),
            ("product_field", 10, |f| fields(f, |p| p
                .strategic_emerging =
                true)),
            ("product_field", 5, |f| fields(f, |_| {})),
            ("main_share", 20, |f| main_share(f, 70 * PCT)),
            ("main_share", 15, |f| main_share(f, 70 * PCT - 1)),
            ("main_share", 15, |f| main_share(f, 60 * PCT)),
            ("main_share", 10, |f| main_share(f, 60 * PCT - 1)),
            ("main_share", 10, |f| main_share(f, 55 * PCT)),
            ("main_share", 5, |f| main_share(f, 55 * PCT - 1)),
            ("main_share", 5, |f| main_share(f, 50 * PCT)),
            ("main_share", 0, |f| main_share(f, 50 * PCT - 1)),
        ],
    );
}

/// Points: innovation = ip + rd, growth = growth + debt, specialisation = field + share. Percentages exact.
fn innovative_mix(
    f: &mut Facts,
    ip_pts: u32,
    rd_pct: i64,
    growth_pct: i64,
    strategic: bool,
    share_pct: i64,
) {
    match ip_pts {
        20 => ip(f, 1, 1, 1, 0),
        10 => ip(f, 0, 0, 1, 0),
        _ => ip(f, 0, 0, 0, 0),
    }
    let op = 115 * 100_000_000;
    let r = y(f, 1);
    r.operating_revenue = money(op);
    r.main_business_revenue = money(op / 100 * share_pct);
    r.rd_expense = money(op / 100 * rd_pct);
    let main1 = r.main_business_revenue.fen();
    y(f, 2).main_business_revenue = money(main1 * 100 / (100 + growth_pct));
    debt(f, 50 * PCT);
    fields(f, |p| p.strategic_emerging = strategic);
    rd_inst(f, RdInstitutionLevel::City); // no direct entry
}

#[test]
fn innovative_pass_needs_60_and_every_category_minimum() {
    for (rules, year) in both() {
        // 60 exactly: innovation 20+10, growth 5+10 (= min 15), specialisation 5+10 (= min 15).
        let mut f = strong(year);
        innovative_mix(&mut f, 20, 2, 0, false, 55);
        let a = assess(rules, Tier::Innovative, &f);
        assert_eq!(a.score, Some(60));
        assert_eq!(
            a.categories
                .iter()
                .map(|c| c.score.unwrap())
                .collect::<Vec<_>>(),
            [30, 15, 15]
        );
        assert!(a.eligible && a.score_passed == Some(true));

        // 55: below the pass score.
        let mut f = strong(year);
        innovative_mix(&mut f, 20, 1, 0, false, 55);
        let a = assess(rules, Tier::Innovative, &f);
        assert_eq!(a.score, Some(55));
        assert!(!a.eligible && a.determined);

        // 75 but innovation 0+15 < 20.
        let mut f = strong(year);
        innovative_mix(&mut f, 0, 3, 15, true, 70);
        let a = assess(rules, Tier::Innovative, &f);
        assert_eq!(a.score, Some(75));
        assert_eq!(a.categories[0].passed, Some(false));
        assert!(!a.eligible && a.determined);

        // 80 but specialisation 5+5 < 15.
        let mut f = strong(year);
        innovative_mix(&mut f, 20, 5, 15, false, 50);
        let a = assess(rules, Tier::Innovative, &f);
        assert_eq!(a.score, Some(80));
        assert_eq!(a.categories[2].score, Some(10));
        assert!(!a.eligible);
    }
}

#[test]
fn innovative_direct_entries_each_suffice() {
    for (rules, year) in both() {
        let weak = |f: &mut Facts| innovative_mix(f, 0, 0, -10, false, 40);
        let mut f = strong(year);
        weak(&mut f);
        rd_inst(&mut f, RdInstitutionLevel::City);
        let a = assess(rules, Tier::Innovative, &f);
        assert!(!a.eligible && a.determined && !a.direct_entry_met, "{a:#?}");

        let routes: Vec<(&str, bool, Setter)> = cases![
            ("sti_award", true, |f| f.profile.awards =
                Some(vec![Award {
                    level: AwardLevel::Provincial,
                    year: f.declaration_year - 3,
                    rank: None,
                    name: None
                }])),
            ("sti_award", false, |f| f.profile.awards =
                Some(vec![Award {
                    level: AwardLevel::Provincial,
                    year: f.declaration_year - 4,
                    rank: None,
                    name: None
                }])),
            ("sti_award", false, |f| f.profile.awards =
                Some(vec![Award {
                    level: AwardLevel::Other,
                    year: f.declaration_year,
                    rank: Some(1),
                    name: None
                }])),
            ("honour", true, |f| f.profile.honours = Some(vec![Honour {
                kind: HonourKind::HighTechEnterprise,
                valid_until: Some(f.submission_date)
            }])),
            ("honour", false, |f| f.profile.honours =
                Some(vec![Honour {
                    kind: HonourKind::HighTechEnterprise,
                    valid_until: Some(f.submission_date.previous_day().unwrap())
                }])),
            ("honour", true, |f| f.profile.honours = Some(vec![Honour {
                kind: HonourKind::IpDemonstration,
                valid_until: None
            }])),
            ("honour", false, |f| f.profile.honours =
                Some(vec![Honour {
                    kind: HonourKind::TimeHonouredBrand,
                    valid_until: None
                }])),
            ("rd_institution", true, |f| rd_inst(
                f,
                RdInstitutionLevel::Provincial
            )),
            ("rd_institution", false, |f| rd_inst(
                f,
                RdInstitutionLevel::City
            )),
            ("equity_financing", true, |f| f.profile.financing =
                Some(vec![Financing {
                    date: d(f.declaration_year - 3, 1, 1),
                    amount: money(500 * WAN),
                    qualified_investor: true
                }])),
            ("equity_financing", false, |f| f.profile.financing =
                Some(vec![Financing {
                    date: d(f.declaration_year - 3, 1, 1),
                    amount: money(500 * WAN - 1),
                    qualified_investor: true
                }])),
            ("equity_financing", false, |f| f.profile.financing =
                Some(vec![Financing {
                    date: d(f.declaration_year - 4, 12, 31),
                    amount: money(900 * WAN),
                    qualified_investor: true
                }])),
            ("equity_financing", false, |f| f.profile.financing =
                Some(vec![Financing {
                    date: d(f.declaration_year - 1, 6, 1),
                    amount: money(900 * WAN),
                    qualified_investor: false
                }])),
        ];
        for (n, (id, holds, set)) in routes.iter().enumerate() {
            let mut f = strong(year);
            weak(&mut f);
            rd_inst(&mut f, RdInstitutionLevel::City);
            set(&mut f);
            let a = assess(rules, Tier::Innovative, &f);
            assert_eq!(
                condition(&a, id).holds,
                Some(*holds),
                "{} #{n} {id}",
                rules.version
            );
            assert_eq!(a.eligible, *holds, "{} #{n} {id}", rules.version);
            assert_eq!(a.direct_entry_met, *holds);
        }
    }
}

// ----- specialized (§1.4) -----------------------------------------------------------------------------------

#[test]
fn specialized_band_edges() {
    use RdInstitutionLevel as L;
    run_indicator_cases(
        Tier::Specialized,
        cases![
            ("main_share", 5, |f| main_share(f, 80 * PCT)),
            ("main_share", 3, |f| main_share(f, 80 * PCT - 1)),
            ("main_share", 3, |f| main_share(f, 70 * PCT)),
            ("main_share", 1, |f| main_share(f, 70 * PCT - 1)),
            ("main_share", 1, |f| main_share(f, 60 * PCT)),
            ("main_share", 0, |f| main_share(f, 60 * PCT - 1)),
            ("main_growth_2y", 10, |f| growth2(f, 20 * PCT)),
            ("main_growth_2y", 8, |f| growth2(f, 20 * PCT - 1)),
            ("main_growth_2y", 8, |f| growth2(f, 16 * PCT)),
            ("main_growth_2y", 6, |f| growth2(f, 16 * PCT - 1)),
            ("main_growth_2y", 6, |f| growth2(f, 12 * PCT)),
            ("main_growth_2y", 4, |f| growth2(f, 12 * PCT - 1)),
            ("main_growth_2y", 4, |f| growth2(f, 8 * PCT)),
            ("main_growth_2y", 2, |f| growth2(f, 8 * PCT - 1)),
            ("main_growth_2y", 2, |f| growth2(f, 0)),
            ("main_growth_2y", 0, |f| growth2(f, -1)),
            ("niche_years", 5, |f| niche(f, 10, false)),
            ("niche_years", 4, |f| niche(f, 10, true)),
            ("niche_years", 4, |f| niche(f, 8, false)),
            ("niche_years", 3, |f| niche(f, 8, true)),
            ("niche_years", 3, |f| niche(f, 6, false)),
            ("niche_years", 2, |f| niche(f, 6, true)),
            ("niche_years", 2, |f| niche(f, 4, false)),
            ("niche_years", 1, |f| niche(f, 4, true)),
            ("niche_years", 1, |f| niche(f, 2, false)),
            ("niche_years", 0, |f| niche(f, 2, true)),
            ("product_field", 5, |f| fields(f, |p| p.chain_key_point =
                true)),
            ("product_field", 3, |f| fields(f, |p| p.six_foundations =
                true)),
            ("product_field", 3, |f| fields(f, |p| p
                .serves_chain_leader =
                true)),
            ("product_field", 3, |f| {
                fields(f, |_| {});
                f.profile.honours = Some(vec![Honour {
                    kind: HonourKind::TimeHonouredBrand,
                    valid_until: None,
                }]);
            }),
            ("product_field", 0, |f| fields(f, |p| p
                .strategic_emerging =
                true)),
            ("digital_level", 5, |f| f.digital_level = Some(4)),
            ("digital_level", 5, |f| f.digital_level = Some(3)),
            ("digital_level", 3, |f| f.digital_level = Some(2)),
            ("digital_level", 0, |f| f.digital_level = Some(1)),
            ("quality", 5, |f| quality(f, 4)),
            ("quality", 5, |f| quality(f, 2)),
            ("quality", 3, |f| quality(f, 1)),
            ("quality", 0, |f| quality(f, 0)),
            ("net_margin", 10, |f| margin(f, 10 * PCT)),
            ("net_margin", 8, |f| margin(f, 10 * PCT - 1)),
            ("net_margin", 8, |f| margin(f, 8 * PCT)),
            ("net_margin", 6, |f| margin(f, 8 * PCT - 1)),
            ("net_margin", 6, |f| margin(f, 6 * PCT)),
            ("net_margin", 4, |f| margin(f, 6 * PCT - 1)),
            ("net_margin", 4, |f| margin(f, 4 * PCT)),
            ("net_margin", 2, |f| margin(f, 4 * PCT - 1)),
            ("net_margin", 2, |f| margin(f, 2 * PCT)),
            ("net_margin", 0, |f| margin(f, 2 * PCT - 1)),
            ("net_margin", 0, |f| margin(f, -B)),
            ("debt_ratio", 5, |f| debt(f, 50 * PCT)),
            ("debt_ratio", 3, |f| debt(f, 50 * PCT + 1)),
            ("debt_ratio", 3, |f| debt(f, 60 * PCT)),
            ("debt_ratio", 1, |f| debt(f, 60 * PCT + 1)),
            ("debt_ratio", 1, |f| debt(f, 70 * PCT)),
            ("debt_ratio", 0, |f| debt(f, 70 * PCT + 1)),
            ("local", 15, |f| local(f, 15)),
            ("local", 15, |f| local(f, 99)),
            ("local", 0, |f| local(f, 0)),
            ("local", 0, |f| f.profile.local_indicators = Some(vec![])),
            ("local", 13, |f| {
                f.profile.region = Some(RegionCode::parse("510104").unwrap());
                f.profile.local_indicators = Some(vec![
                    LocalIndicatorClaim {
                        id: "sc_1".into(),
                        points: 8,
                    },
                    LocalIndicatorClaim {
                        id: "sc_2".into(),
                        points: 9,
                    },
                    LocalIndicatorClaim {
                        id: "sc_3".into(),
                        points: 1,
                    },
                    LocalIndicatorClaim {
                        id: "local".into(),
                        points: 15,
                    },
                ]);
            }),
            ("ip", 10, |f| ip(f, 1, 1, 1, 0)),
            ("ip", 8, |f| ip(f, 0, 1, 1, 0)),
            ("ip", 6, |f| ip(f, 0, 0, 1, 0)),
            ("ip", 2, |f| ip(f, 0, 0, 0, 1)),
            ("ip", 0, |f| ip(f, 0, 0, 0, 0)),
            ("rd_spend", 10, |f| rd_money(f, 500 * WAN)),
            ("rd_spend", 8, |f| rd_money(f, 500 * WAN - 1)),
            ("rd_spend", 8, |f| rd_money(f, 400 * WAN)),
            ("rd_spend", 6, |f| rd_money(f, 400 * WAN - 1)),
            ("rd_spend", 6, |f| rd_money(f, 300 * WAN)),
            ("rd_spend", 4, |f| rd_money(f, 300 * WAN - 1)),
            ("rd_spend", 4, |f| rd_money(f, 200 * WAN)),
            ("rd_spend", 2, |f| rd_money(f, 200 * WAN - 1)),
            ("rd_spend", 2, |f| rd_money(f, 100 * WAN)),
            ("rd_spend", 0, |f| rd_money(f, 100 * WAN - 1)),
            ("rd_spend", 10, |f| rd_share_small(f, 10 * PCT / 10)),
            ("rd_spend", 8, |f| rd_share_small(f, 10 * PCT / 10 - 1)),
            ("rd_spend", 8, |f| rd_share_small(f, 8 * PCT / 10)),
            ("rd_spend", 6, |f| rd_share_small(f, 8 * PCT / 10 - 1)),
            ("rd_spend", 6, |f| rd_share_small(f, 6 * PCT / 10)),
            ("rd_spend", 4, |f| rd_share_small(f, 6 * PCT / 10 - 1)),
            ("rd_spend", 4, |f| rd_share_small(f, 4 * PCT / 10)),
            ("rd_spend", 2, |f| rd_share_small(f, 4 * PCT / 10 - 1)),
            ("rd_spend", 2, |f| rd_share_small(f, 3 * PCT / 10)),
            ("rd_spend", 0, |f| rd_share_small(f, 3 * PCT / 10 - 1)),
            ("rd_staff", 5, |f| rd_staff(f, 200)),
            ("rd_staff", 3, |f| rd_staff(f, 199)),
            ("rd_staff", 3, |f| rd_staff(f, 100)),
            ("rd_staff", 1, |f| rd_staff(f, 99)),
            ("rd_staff", 1, |f| rd_staff(f, 50)),
            ("rd_staff", 0, |f| rd_staff(f, 49)),
            ("rd_institution", 10, |f| rd_inst(f, L::National)),
            ("rd_institution", 8, |f| rd_inst(f, L::Provincial)),
            ("rd_institution", 4, |f| rd_inst(f, L::City)),
            ("rd_institution", 2, |f| rd_inst(f, L::BelowCity)),
            ("rd_institution", 0, |f| rd_inst(f, L::None)),
        ],
    );
}

/// 2022: lower the strong profile to exactly `60 + extra` points with no direct entry.
fn specialized_at(year: i32, extra: u32) -> Facts {
    let mut f = strong(year);
    f.digital_level = Some(1); // −5
    rd_inst(&mut f, RdInstitutionLevel::None); // −10
    ip(&mut f, 0, 0, 0, 0); // −10
    f.profile.quality = Some(QualityItems {
        own_brand: true,
        ..QualityItems::default()
    }); // −2 (5 → 3)
    y(&mut f, 2).rd_expense = money(400 * WAN); // 2-year R&D average below 1000万
    local(&mut f, extra + 2); // 12 → 2 + extra
    f
}

#[test]
fn specialized_2022_score_edge_and_direct_recognition() {
    let rules = v2022();
    let a = assess(rules, Tier::Specialized, &specialized_at(2025, 0));
    assert_eq!(a.score, Some(60));
    assert!(a.eligible && !a.direct_entry_met);
    let mut f = specialized_at(2025, 0);
    local(&mut f, 1);
    let a = assess(rules, Tier::Specialized, &f);
    assert_eq!(a.score, Some(59));
    assert!(!a.eligible && a.determined);

    let routes: Vec<(&str, bool, Setter)> = cases![
        ("sti_award", true, |f| f.profile.awards =
            Some(vec![Award {
                level: AwardLevel::Provincial,
                year: f.declaration_year - 3,
                rank: Some(3),
                name: None
            }])),
        ("sti_award", false, |f| f.profile.awards =
            Some(vec![Award {
                level: AwardLevel::Provincial,
                year: f.declaration_year - 3,
                rank: Some(4),
                name: None
            }])),
        ("sti_award", true, |f| f.profile.awards =
            Some(vec![Award {
                level: AwardLevel::National,
                year: f.declaration_year,
                rank: Some(5),
                name: None
            }])),
        ("sti_award", false, |f| f.profile.awards =
            Some(vec![Award {
                level: AwardLevel::National,
                year: f.declaration_year,
                rank: Some(6),
                name: None
            }])),
        ("sti_award", false, |f| f.profile.awards =
            Some(vec![Award {
                level: AwardLevel::National,
                year: f.declaration_year - 4,
                rank: Some(1),
                name: None
            }])),
        ("sti_award", false, |f| f.profile.awards =
            Some(vec![Award {
                level: AwardLevel::National,
                year: f.declaration_year,
                rank: None,
                name: None
            }])),
        ("rd_expense_avg", true, |f| y(f, 2).rd_expense =
            money(500 * WAN)),
        ("rd_expense_avg", false, |f| y(f, 2).rd_expense =
            money(500 * WAN - 1)),
        ("equity_financing", true, |f| f.profile.financing =
            Some(vec![Financing {
                date: d(f.declaration_year - 2, 1, 1),
                amount: money(6000 * WAN),
                qualified_investor: true
            }])),
        ("equity_financing", false, |f| f.profile.financing =
            Some(vec![Financing {
                date: d(f.declaration_year - 2, 1, 1),
                amount: money(6000 * WAN - 1),
                qualified_investor: true
            }])),
        ("equity_financing", false, |f| f.profile.financing =
            Some(vec![Financing {
                date: d(f.declaration_year - 3, 12, 31),
                amount: money(9000 * WAN),
                qualified_investor: true
            }])),
        ("makers_china", true, |f| f.profile.makers_china =
            Some(vec![MakersChinaResult {
                year: f.declaration_year - 3,
                national_rank: Some(500)
            }])),
        ("makers_china", false, |f| f.profile.makers_china =
            Some(vec![MakersChinaResult {
                year: f.declaration_year - 3,
                national_rank: Some(501)
            }])),
        ("makers_china", false, |f| f.profile.makers_china =
            Some(vec![MakersChinaResult {
                year: f.declaration_year - 1,
                national_rank: None
            }])),
    ];
    for (n, (id, holds, set)) in routes.iter().enumerate() {
        let mut f = specialized_at(2025, 0);
        local(&mut f, 1); // 59 points: only a direct entry can pass
        set(&mut f);
        let a = assess(rules, Tier::Specialized, &f);
        assert_eq!(condition(&a, id).holds, Some(*holds), "#{n} {id}");
        assert_eq!(a.eligible, *holds, "#{n} {id}");
    }
}

#[test]
fn specialized_2022_hard_conditions() {
    run_condition_cases(
        v2022(),
        2025,
        Tier::Specialized,
        cases![
            ("niche_market", true, |f| niche(f, 2, false)),
            ("niche_market", false, |f| niche(f, 2, true)),
            ("rd_expense", true, |f| {
                let r = y(f, 1);
                r.operating_revenue = money(3000 * WAN);
                r.main_business_revenue = money(2800 * WAN);
                r.rd_expense = money(100 * WAN);
            }),
            ("rd_expense", false, |f| {
                let r = y(f, 1);
                r.operating_revenue = money(3000 * WAN);
                r.main_business_revenue = money(2800 * WAN);
                r.rd_expense = money(100 * WAN - 1);
            }),
            ("rd_expense", true, |f| {
                let r = y(f, 1);
                r.operating_revenue = money(5000 * WAN);
                r.main_business_revenue = money(4800 * WAN);
                r.rd_expense = money(150 * WAN);
            }),
            ("rd_expense", false, |f| {
                let r = y(f, 1);
                r.operating_revenue = money(5000 * WAN);
                r.main_business_revenue = money(4800 * WAN);
                r.rd_expense = money(150 * WAN - 1);
            }),
            ("revenue", true, |f| y(f, 1).operating_revenue =
                money(1000 * WAN)),
            ("revenue", false, |f| y(f, 1).operating_revenue =
                money(1000 * WAN - 1)),
            ("revenue", true, |f| {
                y(f, 1).operating_revenue = money(1000 * WAN - 1);
                f.profile.financing = Some(vec![Financing {
                    date: d(f.declaration_year - 2, 1, 1),
                    amount: money(2000 * WAN),
                    qualified_investor: true,
                }]);
            }),
            ("revenue", false, |f| {
                y(f, 1).operating_revenue = money(1000 * WAN - 1);
                f.profile.financing = Some(vec![Financing {
                    date: d(f.declaration_year - 2, 1, 1),
                    amount: money(2000 * WAN - 1),
                    qualified_investor: true,
                }]);
            }),
        ],
    );
}

#[test]
fn specialized_2026_conditions_and_quality_score() {
    run_condition_cases(
        v2026(),
        2026,
        Tier::Specialized,
        cases![
            ("niche_market", true, |f| niche(f, 3, false)),
            ("niche_market", false, |f| niche(f, 3, true)),
            ("revenue", true, |f| y(f, 1).operating_revenue =
                money(1500 * WAN)),
            ("revenue", false, |f| y(f, 1).operating_revenue =
                money(1500 * WAN - 1)),
            ("main_share", true, |f| main_share(f, 80 * PCT)),
            ("main_share", false, |f| main_share(f, 80 * PCT - 1)),
            ("debt_ratio", true, |f| debt(f, 80 * PCT)),
            ("debt_ratio", false, |f| debt(f, 80 * PCT + 1)),
            ("rd_expense", true, |f| {
                y(f, 2).rd_expense = money(100 * WAN);
                y(f, 2).operating_revenue = money(100 * WAN * 100 / 3);
            }),
            ("rd_expense", false, |f| y(f, 2).rd_expense =
                money(100 * WAN - 1)),
            ("rd_expense", true, |f| {
                y(f, 2).operating_revenue = money(B);
                y(f, 2).main_business_revenue = money(B);
                y(f, 2).rd_expense = money(3 * PCT);
            }),
            ("rd_expense", false, |f| {
                y(f, 2).operating_revenue = money(B);
                y(f, 2).main_business_revenue = money(B);
                y(f, 2).rd_expense = money(3 * PCT - 1);
            }),
            ("ip", true, |f| f
                .profile
                .ip
                .as_mut()
                .unwrap()
                .class1_applied = 1),
            ("ip", false, |f| {
                f.profile.ip.as_mut().unwrap().class1_applied = 0;
                rd_inst(f, RdInstitutionLevel::City);
            }),
            ("ip", true, |f| {
                f.profile.ip.as_mut().unwrap().class1_applied = 0;
                rd_inst(f, RdInstitutionLevel::Provincial);
            }),
            ("ip", true, |f| {
                f.profile.ip.as_mut().unwrap().class1_applied = 0;
                rd_inst(f, RdInstitutionLevel::None);
                f.profile.awards = Some(vec![Award {
                    level: AwardLevel::Provincial,
                    year: f.declaration_year - 1,
                    rank: Some(3),
                    name: None,
                }]);
            }),
            ("market_position", true, |f| f
                .profile
                .market
                .as_mut()
                .unwrap()
                .leading_position =
                Some(true)),
            ("market_position", false, |f| f
                .profile
                .market
                .as_mut()
                .unwrap()
                .leading_position =
                Some(false)),
        ],
    );
    // Unstated, the market position is missing (not silently failed).
    let mut f = strong(2026);
    f.profile.market.as_mut().unwrap().leading_position = None;
    let a = assess(v2026(), Tier::Specialized, &f);
    assert_eq!(condition(&a, "market_position").holds, None);
    assert!(a.missing.contains(&"market.leading_position".to_owned()));
    assert!(!a.determined);
    // Quality score ≥ 50, no direct route.
    let mut f = specialized_at(2026, 0);
    y(&mut f, 2).rd_expense = money(1300 * WAN);
    local(&mut f, 0); // 58
    niche(&mut f, 3, false); // niche_years 5 → 1: 54
    rd_staff(&mut f, 100); // 5 → 3: 52
    debt(&mut f, 60 * PCT); // 5 → 3: 50
    let a = assess(v2026(), Tier::Specialized, &f);
    assert_eq!(a.score, Some(50));
    assert!(a.eligible, "{a:#?}");
    rd_staff(&mut f, 99); // 3 → 1: 48
    let a = assess(v2026(), Tier::Specialized, &f);
    assert_eq!(a.score, Some(48));
    assert!(!a.eligible && a.determined && a.direct_entries.is_empty());
    assert!(a.provisional);
    // A re-review passes with ≥ 50 in either of the last 2 years: an earlier score of last year counts.
    let re = |scores: Vec<(Tier, i32, u32)>| {
        assess(v2026(), Tier::Specialized, &f.clone().for_re_review(scores))
    };
    assert!(re(vec![(Tier::Specialized, 2025, 50)]).eligible);
    assert!(!re(vec![(Tier::Specialized, 2025, 49)]).eligible);
    assert!(
        !re(vec![(Tier::Specialized, 2024, 80)]).eligible,
        "older than 2 years"
    );
    assert!(
        !re(vec![(Tier::LittleGiant, 2025, 80)]).eligible,
        "another tier's score"
    );
    assert!(
        !assess(v2026(), Tier::Specialized, &{
            let mut g = f.clone();
            g.recent_scores = vec![(Tier::Specialized, 2025, 50)];
            g
        })
        .eligible,
        "a first declaration is not passed by an earlier score"
    );
}

// ----- little giant (§1.5, §1.7) -------------------------------------------------------------------------------

fn no_direct(f: &mut Facts) {
    f.profile.awards = Some(vec![]);
    f.profile.makers_china = Some(vec![]);
}

#[test]
fn little_giant_2022_groups() {
    run_condition_cases(
        v2022(),
        2025,
        Tier::LittleGiant,
        cases![
            ("prerequisite_specialized", false, |f| f.held_tiers =
                vec![Tier::Innovative]),
            ("niche_market", true, |f| niche(f, 3, false)),
            ("niche_market", false, |f| niche(f, 3, true)),
            ("main_share", true, |f| main_share(f, 70 * PCT)),
            ("main_share", false, |f| main_share(f, 70 * PCT - 1)),
            ("main_growth", true, |f| growth2(f, 10 * PCT)),
            ("main_growth", false, |f| growth2(f, 10 * PCT - 1)),
            ("info_system", true, |f| f
                .profile
                .operations
                .as_mut()
                .unwrap()
                .core_processes_on_info_systems =
                1),
            ("info_system", false, |f| f
                .profile
                .operations
                .as_mut()
                .unwrap()
                .core_processes_on_info_systems =
                0),
            ("certification", false, |f| f
                .profile
                .operations
                .as_mut()
                .unwrap()
                .management_or_foreign_certification =
                false),
            ("debt_ratio", true, |f| debt(f, 70 * PCT)),
            ("debt_ratio", false, |f| debt(f, 70 * PCT + 1)),
            ("market_share", true, |f| f
                .profile
                .market
                .as_mut()
                .unwrap()
                .national_share_pct =
                Some(10.0)),
            ("market_share", false, |f| f
                .profile
                .market
                .as_mut()
                .unwrap()
                .national_share_pct =
                Some(9.99)),
            ("own_brand", false, |f| f
                .profile
                .quality
                .as_mut()
                .unwrap()
                .own_brand = false),
            ("industrial_chain", false, |f| fields(f, |p| p
                .six_foundations =
                true)),
            ("key_field", true, |f| fields(f, |p| p
                .network_power_field =
                true)),
            ("key_field", false, |f| fields(f, |p| p
                .strategic_emerging =
                true)),
            ("not_single_champion", false, |f| f.profile.honours =
                Some(vec![Honour {
                    kind: HonourKind::ManufacturingSingleChampion,
                    valid_until: None
                }])),
            ("revenue_floor_2025", true, |f| {
                y(f, 1).operating_revenue = money(5000 * WAN);
                y(f, 1).main_business_revenue = money(4000 * WAN);
            }),
            ("revenue_floor_2025", false, |f| {
                y(f, 1).operating_revenue = money(5000 * WAN - 1);
                y(f, 1).main_business_revenue = money(4000 * WAN);
            }),
        ],
    );
    // The 2025 revenue floor applies to the 2025 round only: neither earlier rounds nor a 2026 declaration
    // still assessed under the 2022 standard (before 2026-04-01) meet it.
    for year in [2024, 2026] {
        let a = assess(v2022(), Tier::LittleGiant, &strong(year));
        assert!(
            a.hard_conditions
                .iter()
                .all(|c| c.id != "revenue_floor_2025"),
            "{year}"
        );
    }
    let a = assess(v2022(), Tier::LittleGiant, &strong(2025));
    assert!(
        a.hard_conditions
            .iter()
            .any(|c| c.id == "revenue_floor_2025")
    );
}

/// Prior-year revenue `op` fen and the same R&D share `rd_pct_fen / B` in both years.
fn lg_rd(f: &mut Facts, op: i64, share_num: i64, share_den: i64) {
    for back in 1..=2 {
        let r = y(f, back);
        r.operating_revenue = money(op);
        r.main_business_revenue = money(op / 10 * 9);
        r.rd_expense = money(op / share_den * share_num);
    }
}

#[test]
fn little_giant_2022_innovation_by_revenue_size_and_direct_routes() {
    run_condition_cases(
        v2022(),
        2025,
        Tier::LittleGiant,
        cases![
            // ≥ 1亿元: 3% in each of the two years.
            ("innovation_general", true, |f| lg_rd(f, B, 3, 100)),
            ("innovation_general", false, |f| {
                lg_rd(f, B, 3, 100);
                y(f, 2).rd_expense = money(3 * PCT - 1);
            }),
            // 5000万–1亿元: 6%.
            ("innovation_general", false, |f| lg_rd(f, B - 100, 3, 100)),
            ("innovation_general", true, |f| lg_rd(f, B - 100, 6, 100)),
            ("innovation_general", true, |f| lg_rd(f, B / 2, 6, 100)),
            ("innovation_general", false, |f| {
                lg_rd(f, B / 2, 6, 100);
                y(f, 1).rd_expense = money(3 * PCT - 1);
            }),
            // < 5000万元: financing ≥ 8000万, R&D total ≥ 3000万, R&D staff ≥ 50%.
            ("innovation_general", false, |f| lg_rd(
                f,
                B / 2 - 100,
                30,
                100
            )),
            ("innovation_general", true, |f| {
                lg_rd(f, B / 2 - 100, 30, 100);
                y(f, 1).rd_expense = money(1500 * WAN);
                y(f, 2).rd_expense = money(1500 * WAN);
                rd_staff(f, 500);
                f.profile.financing = Some(vec![Financing {
                    date: d(2023, 1, 1),
                    amount: money(8000 * WAN),
                    qualified_investor: true,
                }]);
            }),
            ("innovation_general", false, |f| {
                lg_rd(f, B / 2 - 100, 30, 100);
                y(f, 1).rd_expense = money(1500 * WAN);
                y(f, 2).rd_expense = money(1500 * WAN - 1);
                rd_staff(f, 500);
                f.profile.financing = Some(vec![Financing {
                    date: d(2023, 1, 1),
                    amount: money(8000 * WAN),
                    qualified_investor: true,
                }]);
            }),
            ("innovation_general", false, |f| {
                lg_rd(f, B / 2 - 100, 30, 100);
                y(f, 1).rd_expense = money(1500 * WAN);
                y(f, 2).rd_expense = money(1500 * WAN);
                rd_staff(f, 499);
                f.profile.financing = Some(vec![Financing {
                    date: d(2023, 1, 1),
                    amount: money(8000 * WAN),
                    qualified_investor: true,
                }]);
            }),
            ("innovation_general", false, |f| rd_inst(
                f,
                RdInstitutionLevel::None
            )),
            ("innovation_general", true, |f| rd_inst(
                f,
                RdInstitutionLevel::BelowCity
            )),
            ("innovation_general", true, |f| f
                .profile
                .ip
                .as_mut()
                .unwrap()
                .class1_applied = 2),
            ("innovation_general", false, |f| f
                .profile
                .ip
                .as_mut()
                .unwrap()
                .class1_applied = 1),
        ],
    );
    // Direct routes stand in for the general innovation conditions only.
    let routes: Vec<(bool, Setter)> = vec![
        (
            true,
            Box::new(|f: &mut Facts| {
                f.profile.awards = Some(vec![Award {
                    level: AwardLevel::Provincial,
                    year: 2022,
                    rank: Some(3),
                    name: None,
                }])
            }),
        ),
        (
            false,
            Box::new(|f: &mut Facts| {
                f.profile.awards = Some(vec![Award {
                    level: AwardLevel::Provincial,
                    year: 2022,
                    rank: Some(4),
                    name: None,
                }])
            }),
        ),
        (
            false,
            Box::new(|f: &mut Facts| {
                f.profile.awards = Some(vec![Award {
                    level: AwardLevel::Other,
                    year: 2024,
                    rank: Some(1),
                    name: None,
                }])
            }),
        ),
        (
            true,
            Box::new(|f: &mut Facts| {
                f.profile.makers_china = Some(vec![MakersChinaResult {
                    year: 2022,
                    national_rank: Some(50),
                }])
            }),
        ),
        (
            false,
            Box::new(|f: &mut Facts| {
                f.profile.makers_china = Some(vec![MakersChinaResult {
                    year: 2022,
                    national_rank: Some(51),
                }])
            }),
        ),
    ];
    for (n, (eligible, set)) in routes.iter().enumerate() {
        let mut f = strong(2025);
        no_direct(&mut f);
        f.profile.ip.as_mut().unwrap().class1_applied = 1;
        set(&mut f);
        let a = assess(v2022(), Tier::LittleGiant, &f);
        let c = condition(&a, "innovation_general");
        assert_eq!(c.holds, Some(false), "#{n}");
        assert_eq!(c.met_by_direct_entry, *eligible, "#{n}");
        assert_eq!(a.eligible, *eligible, "#{n}");
        assert_eq!(a.direct_entry_met, *eligible, "#{n}");
        // A direct route does not rescue another group.
        debt(&mut f, 71 * PCT);
        assert!(!assess(v2022(), Tier::LittleGiant, &f).eligible);
    }
}

/// Prior-year operating revenue `cur` fen against 1亿元 two years before it (main business 95% of it).
fn cagr(f: &mut Facts, cur: i64) {
    y(f, 3).operating_revenue = money(B);
    let r = y(f, 1);
    r.operating_revenue = money(cur);
    r.main_business_revenue = money(cur / 100 * 95);
}

fn market(f: &mut Facts, national: f64, international: Option<f64>, rank: Option<u32>) {
    let m = f.profile.market.as_mut().unwrap();
    m.national_share_pct = Some(national);
    m.international_share_pct = international;
    m.national_rank = rank;
}

fn award(f: &mut Facts, level: AwardLevel, back: i32, rank: u32) {
    f.profile.awards = Some(vec![Award {
        level,
        year: f.declaration_year - back,
        rank: Some(rank),
        name: None,
    }]);
}

fn class1_applied(f: &mut Facts, n: u32) {
    f.profile.ip.as_mut().unwrap().class1_applied = n;
}

#[test]
fn little_giant_2026_thresholds_and_score() {
    run_condition_cases(
        v2026(),
        2026,
        Tier::LittleGiant,
        cases![
            ("revenue", true, |f| {
                y(f, 1).operating_revenue = money(5000 * WAN);
                y(f, 1).main_business_revenue = money(4800 * WAN);
            }),
            ("revenue", false, |f| {
                y(f, 1).operating_revenue = money(5000 * WAN - 1);
                y(f, 1).main_business_revenue = money(4800 * WAN);
            }),
            ("main_share", true, |f| main_share(f, 90 * PCT)),
            ("main_share", false, |f| main_share(f, 90 * PCT - 1)),
            // Compound growth of operating revenue over 2 years ≥ 5%: ×1.1025 exactly, and one fen less.
            ("revenue_growth", true, |f| cagr(f, 11_025 * PCT / 100)),
            ("revenue_growth", false, |f| cagr(f, 11_025 * PCT / 100 - 1)),
            ("revenue_growth", true, |f| cagr(f, 2 * B)),
            ("revenue_growth", false, |f| cagr(f, B)),
            ("debt_ratio", true, |f| debt(f, 75 * PCT)),
            ("debt_ratio", false, |f| debt(f, 75 * PCT + 1)),
            ("rd_expense", true, |f| {
                y(f, 1).rd_expense = money(600 * WAN);
                y(f, 2).rd_expense = money(600 * WAN);
            }),
            ("rd_expense", false, |f| {
                y(f, 1).rd_expense = money(600 * WAN);
                y(f, 2).rd_expense = money(600 * WAN - 1);
            }),
            ("rd_expense", true, |f| lg_rd(f, B, 12, 100)),
            ("rd_expense", false, |f| {
                lg_rd(f, B, 12, 100);
                y(f, 1).rd_expense = money(3 * PCT - 1);
                y(f, 2).rd_expense = money(2000 * WAN);
            }),
            ("market_share", true, |f| market(f, 10.0, None, None)),
            ("market_share", false, |f| market(f, 9.99, None, None)),
            ("market_share", true, |f| market(f, 9.0, Some(10.0), None)),
            ("market_share", false, |f| market(f, 9.0, Some(9.99), None)),
            ("market_share", true, |f| market(f, 2.0, None, Some(3))),
            ("market_share", false, |f| market(f, 2.0, None, Some(4))),
            // ≥ 4 Class I IP; only a national award ranked top 3 in the last 3 years waives it.
            ("ip", true, |f| class1_applied(f, 4)),
            ("ip", false, |f| class1_applied(f, 3)),
            ("ip", true, |f| {
                class1_applied(f, 0);
                award(f, AwardLevel::National, 3, 3);
            }),
            ("ip", false, |f| {
                class1_applied(f, 0);
                award(f, AwardLevel::National, 3, 4);
            }),
            ("ip", false, |f| {
                class1_applied(f, 0);
                award(f, AwardLevel::National, 4, 1);
            }),
            ("ip", false, |f| {
                class1_applied(f, 0);
                award(f, AwardLevel::Provincial, 1, 1);
            }),
            // Chain and field are one item: either suffices.
            ("industrial_field", true, |f| fields(f, |p| p
                .six_foundations =
                true)),
            ("industrial_field", true, |f| fields(f, |p| p
                .chain_key_point =
                true)),
            ("industrial_field", false, |f| fields(f, |p| p
                .strategic_emerging =
                true)),
        ],
    );
    // None of the items the 2026 standard dropped: information system, certification, own brand, R&D
    // institution, and no 创客中国 or provincial-award route.
    let mut f = strong(2026);
    f.profile.operations = Some(Operations::default());
    f.profile.quality = Some(QualityItems::default());
    rd_inst(&mut f, RdInstitutionLevel::None);
    let a = assess(v2026(), Tier::LittleGiant, &f);
    for gone in [
        "info_system",
        "certification",
        "own_brand",
        "innovation_general",
        "main_growth",
        "industrial_chain",
        "key_field",
    ] {
        assert!(
            a.hard_conditions.iter().all(|c| c.id != gone),
            "{gone} is not a 2026 item"
        );
    }
    assert!(a.direct_entries.is_empty());
    assert!(
        a.hard_conditions.iter().all(|c| c.holds == Some(true)),
        "{a:#?}"
    );
    class1_applied(&mut f, 0);
    f.profile.makers_china = Some(vec![MakersChinaResult {
        year: 2025,
        national_rank: Some(1),
    }]);
    assert!(!assess(v2026(), Tier::LittleGiant, &f).eligible);
    // A re-review is not assessed on growth.
    let mut f = strong(2026);
    cagr(&mut f, B);
    assert!(!assess(v2026(), Tier::LittleGiant, &f).eligible);
    let a = assess(v2026(), Tier::LittleGiant, &f.clone().for_re_review(vec![]));
    assert!(a.hard_conditions.iter().all(|c| c.id != "revenue_growth"));
    assert!(a.eligible, "{a:#?}");

    // The development-quality score ≥ 60 (same table as 专精特新); the IP item met through a national award.
    let mut f = specialized_at(2026, 0);
    y(&mut f, 2).rd_expense = money(1300 * WAN);
    award(&mut f, AwardLevel::National, 1, 1);
    let a = assess(v2026(), Tier::LittleGiant, &f);
    assert_eq!(a.score, Some(60));
    assert!(a.eligible, "{a:#?}");
    local(&mut f, 1);
    let a = assess(v2026(), Tier::LittleGiant, &f);
    assert_eq!(a.score, Some(59));
    assert!(!a.eligible && a.determined);
    // Re-review: ≥ 60 in either of the last 2 years.
    let re = |scores| assess(v2026(), Tier::LittleGiant, &f.clone().for_re_review(scores));
    assert!(re(vec![(Tier::LittleGiant, 2025, 60)]).eligible);
    assert!(!re(vec![(Tier::LittleGiant, 2025, 59)]).eligible);
    assert!(!re(vec![(Tier::LittleGiant, 2024, 90)]).eligible);
}

// ----- missing data -----------------------------------------------------------------------------------------

#[test]
fn an_empty_profile_is_undetermined_and_lists_what_is_missing() {
    for (rules, year) in both() {
        let f = Facts::new(EnterpriseProfile::default(), year, d(year, 5, 10));
        for tier in Tier::ALL {
            let a = assess(rules, tier, &f);
            assert!(!a.eligible, "{} {tier}", rules.version);
            assert!(
                a.missing.iter().any(|m| m.starts_with("financials[year=")),
                "{:?}",
                a.missing
            );
            assert!(
                a.indicators
                    .iter()
                    .all(|i| i.points.is_none() && !i.missing.is_empty())
            );
            assert!(a.score.is_none());
            assert_eq!(a.known_score, 0);
            // Everything reported missing is a profile path the completeness check knows, or the digital level.
            let needed = f.profile.missing_for(tier, year);
            for m in &a.missing {
                let base = m.split('（').next().unwrap();
                assert!(
                    base == "digital_level"
                        || needed
                            .iter()
                            .any(|n| base == n || base.starts_with(&format!("{n}."))),
                    "{} {tier}: {m} not in {needed:?}",
                    rules.version
                );
            }
        }
        // Prerequisite holds are never unknown.
        let a = assess(rules, Tier::LittleGiant, &f);
        assert_eq!(condition(&a, "prerequisite_specialized").holds, Some(false));
        assert!(a.determined);
    }
}

#[test]
fn a_missing_year_or_level_is_reported_never_scored_as_zero() {
    let mut f = strong(2025);
    f.profile.financials.retain(|r| r.year != 2022);
    f.digital_level = None;
    let a = assess(v2022(), Tier::Specialized, &f);
    let g = indicator(&a, "main_growth_2y");
    assert_eq!(g.points, None);
    assert_eq!(g.missing, vec!["financials[year=2022]"]);
    assert_eq!(
        indicator(&a, "digital_level").missing,
        vec!["digital_level"]
    );
    assert!(a.missing.contains(&"digital_level".to_string()));
    assert_eq!(a.score, None);
    // 97 − 10 − 5 known, and even without them the score passes: decided.
    assert_eq!(a.known_score, 82);
    assert!(a.eligible && a.determined);
    // Growth from a zero base is unknown, with the reason.
    let mut f = strong(2025);
    y(&mut f, 2).main_business_revenue = Money::ZERO;
    let a = assess(v2022(), Tier::Innovative, &f);
    let g = indicator(&a, "main_growth");
    assert_eq!(g.points, None);
    assert!(g.missing[0].starts_with("financials[year=2023].main_business_revenue"));
}

#[test]
fn partial_data_still_decides_when_it_can() {
    // Only an honour: a direct entry decides the innovative tier.
    let p = EnterpriseProfile {
        honours: Some(vec![Honour {
            kind: HonourKind::HighTechEnterprise,
            valid_until: None,
        }]),
        ..EnterpriseProfile::default()
    };
    let f = Facts::new(p, 2025, date!(2025 - 05 - 10));
    let a = assess(v2022(), Tier::Innovative, &f);
    assert!(a.eligible && a.determined && a.direct_entry_met);
    assert!(!a.missing.is_empty());
    // A failed hard condition decides against, whatever is unknown.
    let mut f = strong(2025);
    niche(&mut f, 1, false);
    f.profile.ip = None;
    let a = assess(v2022(), Tier::Specialized, &f);
    assert!(!a.eligible && a.determined);
}

#[test]
fn an_assessment_round_trips_through_json() {
    let a = assess(v2026(), Tier::LittleGiant, &strong(2026));
    let json = serde_json::to_string(&a).unwrap();
    let back: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    assert!(json.contains("\"rule_version\":\"2026\""));
    let i = indicator(&a, "debt_ratio");
    assert_eq!(i.value_text.as_deref(), Some("40%"));
    assert_eq!(i.band, "≤50%");
}

// ----- forms -------------------------------------------------------------------------------------------------

#[test]
fn forms_are_data_with_required_slots() {
    for rules in all_rule_sets() {
        for tier in Tier::ALL {
            let form = form_for(rules, tier);
            let slots = form.required_slots();
            assert!(
                slots.contains(&"business_licence"),
                "{} {tier}",
                rules.version
            );
            assert!(slots.contains(&"authenticity_declaration"));
        }
    }
    assert!(
        form_for(v2022(), Tier::Specialized)
            .required_slots()
            .contains(&"rd_expense_audit")
    );
    assert!(
        form_for(v2022(), Tier::LittleGiant)
            .slot("market_share_proof")
            .is_some()
    );
    assert!(
        form_for(v2026(), Tier::Specialized)
            .required_slots()
            .contains(&"innovative_certificate")
    );
    let form = form_for(v2022(), Tier::Innovative);
    assert_eq!(
        form.missing_slots(&["business_licence"]),
        vec!["financial_statements", "authenticity_declaration"]
    );
}

#[test]
fn form_values_are_validated_field_by_field() {
    let form = form_for(v2022(), Tier::LittleGiant);
    let ok = serde_json::json!({
        "main_product_intro": "介绍", "market_position": "说明", "chain_role": "配套",
        "key_field": "foundations", "contact_person": "张三", "contact_phone": "13800000000",
        "authenticity_commitment": true
    });
    assert_eq!(form.validate(ok.as_object().unwrap()), vec![]);
    let bad = serde_json::json!({
        "main_product_intro": "长".repeat(3001), "market_position": "  ", "chain_role": 5,
        "key_field": "nope", "contact_person": "张三", "contact_phone": null,
        "authenticity_commitment": false, "extra": 1
    });
    let errors = form.validate(bad.as_object().unwrap());
    let got: Vec<(&str, &str)> = errors
        .iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect();
    for want in [
        ("form.extra", "UNKNOWN_FIELD"),
        ("form.main_product_intro", "TOO_LONG"),
        ("form.market_position", "REQUIRED"),
        ("form.chain_role", "INVALID_TYPE"),
        ("form.key_field", "INVALID_CHOICE"),
        ("form.contact_phone", "REQUIRED"),
        ("form.authenticity_commitment", "MUST_ACCEPT"),
    ] {
        assert!(got.contains(&want), "{want:?} not in {got:?}");
    }
    assert!(errors.iter().all(|e| !e.message.is_empty()));
}

// ----- invalid rule data is refused -----------------------------------------------------------------------------

#[test]
fn inconsistent_rule_data_is_refused() {
    let good = include_str!("../../../rules/standards/2022.yaml");
    assert!(parse_rule_set(good).is_ok());
    let bad = [
        // bands out of order
        good.replacen("- { ge: 3, points: 15 }\n", "- { ge: 6, points: 15 }\n", 1),
        // category maxima no longer sum to the total
        good.replacen("max: 40\n", "max: 45\n", 1),
        // an unknown metric name
        good.replacen("metric: niche_years", "metric: niche_decades", 1),
        // a worse band scoring more
        good.replacen("- { le: 75, points: 5 }", "- { le: 75, points: 15 }", 1),
        // direct entries replacing a condition that does not exist
        good.replacen("condition:innovation_general", "condition:nothing", 1),
        // a check with two operators
        good.replacen(
            "{ metric: niche_years, ge: 2 }",
            "{ metric: niche_years, ge: 2, le: 9 }",
            1,
        ),
        // local indicator maxima not summing to 15
        good.replacen("max: 8 }", "max: 9 }", 1),
    ];
    for (n, text) in bad.iter().enumerate() {
        assert_ne!(text, good, "case #{n} did not change the file");
        assert!(parse_rule_set(text).is_err(), "case #{n} accepted");
    }
}

#[test]
fn a_profile_entered_through_the_input_type_is_assessed() {
    let input: ProfileInput = serde_json::from_value(serde_json::json!({
        "region": "510104", "address": "成都市锦江区", "industry": "3741", "niche_field": "航空紧固件",
        "main_products": ["紧固件"], "established_on": "2012-01-01", "employees": 300,
        "financials": [
            {"year": 2025, "operating_revenue": "200000000", "main_business_revenue": "190000000",
             "rd_expense": "15000000", "net_profit": "24000000", "total_assets": "100000000",
             "total_liabilities": "40000000", "employees": 300, "rd_staff": 90},
            {"year": 2024, "operating_revenue": "180000000", "main_business_revenue": "170000000",
             "rd_expense": "13000000", "net_profit": "20000000", "total_assets": "90000000",
             "total_liabilities": "40000000", "employees": 280, "rd_staff": 80},
            {"year": 2023, "operating_revenue": "150000000", "main_business_revenue": "140000000",
             "rd_expense": "10000000", "net_profit": "15000000", "total_assets": "80000000",
             "total_liabilities": "40000000", "employees": 260, "rd_staff": 70}
        ],
        "ip": {"class1_total": 1, "class1_applied": 1}, "honours": [], "awards": [], "makers_china": [],
        "financing": [], "market": {"since": "2015-06-01", "national_share_pct": 8, "leading_position": true},
        "quality": {"own_brand": true, "quality_system_certified": true}, "rd_institution": {"level": "city"},
        "product_fields": {"six_foundations": true}, "operations": {"core_processes_on_info_systems": 1},
        "local_indicators": [{"id": "sc_1", "points": 6}, {"id": "sc_2", "points": 4}]
    }))
    .unwrap();
    let mut p = EnterpriseProfile::new("测试", "914403001922038216");
    p.apply(input, date!(2026 - 05 - 10)).unwrap();
    let f = Facts::new(p, 2026, date!(2026 - 05 - 10))
        .with_digital_level(Some(2))
        .with_held_tiers(vec![Tier::Innovative]);
    let rules = rule_set_for(f.submission_date);
    assert_eq!(rules.version, "2026");
    let a = assess(rules, Tier::Specialized, &f);
    assert!(a.determined && a.missing.is_empty(), "{:?}", a.missing);
    // 5 + 10 + 5 + 3 | 3 + 5 + 10 + 5 | 10 | 6 + 10 + 5 + 4
    assert_eq!(a.score, Some(81));
    assert!(a.eligible);
    assert_eq!(indicator(&a, "local").points, Some(10));
    let giant = assess(rules, Tier::LittleGiant, &f);
    assert!(!giant.eligible && giant.determined);
    assert_eq!(
        condition(&giant, "prerequisite_specialized").holds,
        Some(false)
    );
    assert_eq!(condition(&giant, "market_share").holds, Some(false));
}
