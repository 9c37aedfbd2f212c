//! Digital-level self-assessment (数字化水平自评测) — RULES.md §3.
//!
//! The official item weights of 《中小企业数字化水平评测指标（2024年版）》 are UNCONFIRMED, so the questionnaire
//! is data: `shared/rules/digital-assessment.yaml`, compiled in with `include_str!`, parsed and validated once
//! on first use ([`questionnaire`]). It defines a version id, the four dimensions (数字化基础 / 经营 / 管理 /
//! 成效) with their maximum points (a dimension's weight is `max_points / total_max`), the questions and the
//! level bands. The total maximum is 100.
//!
//! Scoring ([`Questionnaire::score`]):
//! - a `single` question scores the points of the chosen option;
//! - a `multi` question scores the sum of the chosen options' points, capped at its `cap`. An empty list is a
//!   valid answer ("none of these", 0 points); an option listed twice counts once;
//! - the level is the highest band whose `min_score` the total reaches. Levels are 1–4 (the API and the
//!   专精特新 indicator know no level 0): a total below the first band (< 20) is still **level 1**, with
//!   [`DigitalResult::below_level_one`] set so the client can say “未达到一级”.
//!
//! Every question must be answered. Errors name the field `answers.<question_id>` with the codes
//! `REQUIRED`, `UNKNOWN_OPTION`, `UNKNOWN_QUESTION`, `TOO_MANY_OPTIONS` (several options for a single-choice
//! question) and, from [`Questionnaire::score_json`] only, `INVALID_ANSWER` (neither a string nor a list of
//! strings).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::FieldError;

const QUESTIONNAIRE_YAML: &str = include_str!("../../rules/digital-assessment.yaml");

static QUESTIONNAIRE: LazyLock<Questionnaire> = LazyLock::new(|| {
    load(QUESTIONNAIRE_YAML).unwrap_or_else(|e| panic!("rules/digital-assessment.yaml: {e}"))
});

/// The questionnaire in force (loaded and validated on first use).
pub fn questionnaire() -> &'static Questionnaire {
    &QUESTIONNAIRE
}

/// The self-assessment questionnaire, as served to clients so they can render it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// Version id, copied into every result (`2024-self-v1`).
    pub version: String,
    pub title: String,
    /// What the questionnaire is based on, and that its points are our own.
    pub basis: String,
    /// Maximum total score (100).
    pub total_max: u32,
    /// Level bands, ascending.
    pub levels: Vec<LevelBand>,
    pub dimensions: Vec<Dimension>,
    pub questions: Vec<Question>,
}

/// A level band: a total of at least `min_score` (and below the next band) is this level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LevelBand {
    pub level: u8,
    pub min_score: u32,
    /// 一级 … 四级.
    pub name: String,
    pub description: String,
}

/// One of the four dimensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub id: String,
    /// 数字化基础 / 数字化经营 / 数字化管理 / 数字化成效.
    pub name: String,
    /// Points the dimension contributes at most; the sum of its questions' maxima.
    pub max_points: u32,
}

/// Single choice (one option) or multiple choice (any number of options, points capped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    Single,
    Multi,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    /// Id of its [`Dimension`].
    pub dimension: String,
    pub kind: QuestionKind,
    /// Chinese question text.
    pub text: String,
    /// `multi` only: the most points the question can give, however many options are chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u32>,
    pub options: Vec<AnswerOption>,
    /// Most points the question can give: the best option, or the cap.
    // Computed when loading; the data file must not set it.
    #[serde(default)]
    pub max_points: u32,
}

/// One option of a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerOption {
    /// Unique within its question.
    pub id: String,
    pub text: String,
    pub points: u32,
}

/// An answer: one option id, or a list of option ids. A single-choice question accepts a one-element list;
/// a multi-choice question accepts a bare id as a one-element list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Answer {
    One(String),
    Many(Vec<String>),
}

/// The answers of a self-assessment: question id → [`Answer`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Answers(pub BTreeMap<String, Answer>);

impl Answers {
    /// Reads answers from a JSON object. `null` counts as unanswered (reported as `REQUIRED` when scoring);
    /// a value that is neither a string nor a list of strings is an `INVALID_ANSWER` error.
    pub fn from_json(map: &Map<String, Value>) -> Result<Answers, Vec<FieldError>> {
        let mut answers = BTreeMap::new();
        let mut errors = Vec::new();
        for (id, value) in map {
            let answer = match value {
                Value::Null => continue,
                Value::String(s) => Some(Answer::One(s.clone())),
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map(str::to_owned))
                    .collect::<Option<Vec<_>>>()
                    .map(Answer::Many),
                _ => None,
            };
            match answer {
                Some(a) => {
                    answers.insert(id.clone(), a);
                }
                None => errors.push(FieldError::new(
                    format!("answers.{id}"),
                    "INVALID_ANSWER",
                    "答案应为选项编号，或选项编号的列表",
                )),
            }
        }
        if errors.is_empty() {
            Ok(Answers(answers))
        } else {
            Err(errors)
        }
    }
}

impl FromIterator<(String, Answer)> for Answers {
    fn from_iter<I: IntoIterator<Item = (String, Answer)>>(iter: I) -> Self {
        Answers(iter.into_iter().collect())
    }
}

/// Score of one dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DimensionScore {
    /// Dimension id.
    pub dimension: String,
    /// Dimension name (数字化基础 …).
    pub name: String,
    pub score: u32,
    pub max: u32,
}

/// Outcome of a self-assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DigitalResult {
    /// [`Questionnaire::version`] of the questionnaire answered.
    pub questionnaire_version: String,
    /// Total score, 0–100.
    pub score: u32,
    /// Level 1–4.
    pub level: u8,
    /// Per dimension, in questionnaire order.
    pub by_dimension: Vec<DimensionScore>,
    /// The score is below the first band (< 20, 未达到一级); `level` is then still 1.
    pub below_level_one: bool,
}

impl Questionnaire {
    /// Level for a total score, and whether the score is below the first band. Scores under the first band
    /// are level 1 (flagged); see the module docs.
    pub fn level_for(&self, score: u32) -> (u8, bool) {
        match self.levels.iter().rev().find(|b| score >= b.min_score) {
            Some(band) => (band.level, false),
            None => (self.levels.first().map_or(1, |b| b.level), true),
        }
    }

    /// Scores a complete set of answers, or names every problem (see the module docs for the codes).
    pub fn score(&self, answers: &Answers) -> Result<DigitalResult, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut by_dimension: Vec<DimensionScore> = self
            .dimensions
            .iter()
            .map(|d| DimensionScore {
                dimension: d.id.clone(),
                name: d.name.clone(),
                score: 0,
                max: d.max_points,
            })
            .collect();

        for (n, question) in self.questions.iter().enumerate() {
            let number = n + 1;
            let field = || format!("answers.{}", question.id);
            let chosen: Vec<&str> = match answers.0.get(&question.id) {
                None => {
                    errors.push(FieldError::new(
                        field(),
                        "REQUIRED",
                        format!("第{number}题未作答"),
                    ));
                    continue;
                }
                Some(Answer::One(id)) => vec![id.as_str()],
                Some(Answer::Many(ids)) => {
                    let mut seen = HashSet::new();
                    ids.iter()
                        .map(String::as_str)
                        .filter(|id| seen.insert(*id))
                        .collect()
                }
            };
            if question.kind == QuestionKind::Single {
                if chosen.is_empty() {
                    errors.push(FieldError::new(
                        field(),
                        "REQUIRED",
                        format!("第{number}题未作答"),
                    ));
                    continue;
                }
                if chosen.len() > 1 {
                    errors.push(FieldError::new(
                        field(),
                        "TOO_MANY_OPTIONS",
                        format!("第{number}题为单选题，只能选择一个选项"),
                    ));
                    continue;
                }
            }
            let mut points = 0u32;
            let mut unknown = Vec::new();
            for id in &chosen {
                match question.options.iter().find(|o| o.id == *id) {
                    Some(option) => points += option.points,
                    None => unknown.push(*id),
                }
            }
            if !unknown.is_empty() {
                errors.push(FieldError::new(
                    field(),
                    "UNKNOWN_OPTION",
                    format!("第{number}题没有选项“{}”", unknown.join("”“")),
                ));
                continue;
            }
            if let Some(cap) = question.cap {
                points = points.min(cap);
            }
            if let Some(d) = by_dimension
                .iter_mut()
                .find(|d| d.dimension == question.dimension)
            {
                d.score += points;
            }
        }

        for id in answers.0.keys() {
            if !self.questions.iter().any(|q| &q.id == id) {
                errors.push(FieldError::new(
                    format!("answers.{id}"),
                    "UNKNOWN_QUESTION",
                    format!("问卷（版本{}）中没有题目“{id}”", self.version),
                ));
            }
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        let score = by_dimension.iter().map(|d| d.score).sum();
        let (level, below_level_one) = self.level_for(score);
        Ok(DigitalResult {
            questionnaire_version: self.version.clone(),
            score,
            level,
            by_dimension,
            below_level_one,
        })
    }

    /// [`Answers::from_json`] then [`Questionnaire::score`]; type errors are reported before anything else.
    pub fn score_json(
        &self,
        answers: &Map<String, Value>,
    ) -> Result<DigitalResult, Vec<FieldError>> {
        self.score(&Answers::from_json(answers)?)
    }
}

/// Parses and validates a questionnaire document.
fn load(yaml: &str) -> Result<Questionnaire, String> {
    let mut q: Questionnaire = serde_yaml_ng::from_str(yaml).map_err(|e| e.to_string())?;
    validate(&mut q)?;
    Ok(q)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Checks the document's invariants and fills each question's `max_points`.
fn validate(q: &mut Questionnaire) -> Result<(), String> {
    if q.version.trim().is_empty() {
        return Err("version is empty".into());
    }
    if q.total_max != 100 {
        return Err(format!("total_max is {}, must be 100", q.total_max));
    }

    // Levels: numbered 1, 2, 3, …; strictly increasing floors within the total.
    if q.levels.is_empty() {
        return Err("no levels".into());
    }
    for (i, band) in q.levels.iter().enumerate() {
        if usize::from(band.level) != i + 1 {
            return Err(format!("level #{} is numbered {}", i + 1, band.level));
        }
        if band.min_score > q.total_max {
            return Err(format!("level {} starts above total_max", band.level));
        }
        if i > 0 && band.min_score <= q.levels[i - 1].min_score {
            return Err(format!(
                "level {} does not start above the previous one",
                band.level
            ));
        }
    }

    // Dimensions.
    let mut dimension_ids = BTreeSet::new();
    for d in &q.dimensions {
        if !valid_id(&d.id) || !dimension_ids.insert(d.id.as_str()) {
            return Err(format!("dimension id {:?} is invalid or repeated", d.id));
        }
        if d.max_points == 0 {
            return Err(format!("dimension {} has no points", d.id));
        }
    }
    let dimension_total: u32 = q.dimensions.iter().map(|d| d.max_points).sum();
    if dimension_total != q.total_max {
        return Err(format!(
            "dimensions add up to {dimension_total}, total_max is {}",
            q.total_max
        ));
    }

    // Questions.
    let mut question_ids = BTreeSet::new();
    let mut per_dimension: BTreeMap<&str, u32> = BTreeMap::new();
    for question in &mut q.questions {
        let id = question.id.as_str();
        if !valid_id(id) || !question_ids.insert(id) {
            return Err(format!("question id {id:?} is invalid or repeated"));
        }
        if !dimension_ids.contains(question.dimension.as_str()) {
            return Err(format!(
                "question {id}: unknown dimension {:?}",
                question.dimension
            ));
        }
        if question.text.trim().is_empty() {
            return Err(format!("question {id}: empty text"));
        }
        if question.max_points != 0 {
            return Err(format!(
                "question {id}: max_points is computed, do not set it"
            ));
        }
        if question.options.len() < 2 {
            return Err(format!("question {id}: fewer than two options"));
        }
        let mut option_ids = HashSet::new();
        for o in &question.options {
            if !valid_id(&o.id) || !option_ids.insert(o.id.as_str()) {
                return Err(format!(
                    "question {id}: option id {:?} is invalid or repeated",
                    o.id
                ));
            }
            if o.text.trim().is_empty() {
                return Err(format!("question {id}: option {} has no text", o.id));
            }
        }
        let max = match (question.kind, question.cap) {
            (QuestionKind::Single, None) => question
                .options
                .iter()
                .map(|o| o.points)
                .max()
                .unwrap_or_default(),
            (QuestionKind::Single, Some(_)) => {
                return Err(format!(
                    "question {id}: a single-choice question has no cap"
                ));
            }
            (QuestionKind::Multi, None) => {
                return Err(format!(
                    "question {id}: a multi-choice question needs a cap"
                ));
            }
            (QuestionKind::Multi, Some(cap)) => {
                let sum: u32 = question.options.iter().map(|o| o.points).sum();
                if cap == 0 || cap > sum {
                    return Err(format!(
                        "question {id}: cap {cap} must be in 1..={sum} (the option points)"
                    ));
                }
                cap
            }
        };
        if max == 0 {
            return Err(format!("question {id}: gives no points"));
        }
        question.max_points = max;
        *per_dimension
            .entry(question.dimension.as_str())
            .or_default() += max;
    }
    for d in &q.dimensions {
        let sum = per_dimension
            .get(d.id.as_str())
            .copied()
            .unwrap_or_default();
        if sum != d.max_points {
            return Err(format!(
                "dimension {}: questions add up to {sum}, max_points is {}",
                d.id, d.max_points
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q() -> &'static Questionnaire {
        questionnaire()
    }

    fn one(id: &str) -> Answer {
        Answer::One(id.to_owned())
    }

    fn many(ids: &[&str]) -> Answer {
        Answer::Many(ids.iter().map(|s| (*s).to_owned()).collect())
    }

    /// Every question answered with its lowest-scoring choice (0 points).
    fn lowest() -> Answers {
        q().questions
            .iter()
            .map(|question| {
                let answer = match question.kind {
                    QuestionKind::Single => {
                        let o = question.options.iter().min_by_key(|o| o.points).unwrap();
                        one(&o.id)
                    }
                    QuestionKind::Multi => many(&[]),
                };
                (question.id.clone(), answer)
            })
            .collect()
    }

    /// Every question answered with its best choice (all options for multi-choice).
    fn highest() -> Answers {
        q().questions
            .iter()
            .map(|question| {
                let answer = match question.kind {
                    QuestionKind::Single => {
                        let o = question.options.iter().max_by_key(|o| o.points).unwrap();
                        one(&o.id)
                    }
                    QuestionKind::Multi => {
                        Answer::Many(question.options.iter().map(|o| o.id.clone()).collect())
                    }
                };
                (question.id.clone(), answer)
            })
            .collect()
    }

    /// Answers reaching exactly `target` points, found by dynamic programming over every question's
    /// possible scores (each option for single choice, each subset for multi choice).
    fn answers_scoring(target: u32) -> Answers {
        let choices: Vec<Vec<(u32, Answer)>> = q()
            .questions
            .iter()
            .map(|question| match question.kind {
                QuestionKind::Single => question
                    .options
                    .iter()
                    .map(|o| (o.points, one(&o.id)))
                    .collect(),
                QuestionKind::Multi => {
                    let n = question.options.len();
                    (0u32..(1 << n))
                        .map(|mask| {
                            let picked: Vec<&AnswerOption> = question
                                .options
                                .iter()
                                .enumerate()
                                .filter(|(i, _)| mask & (1 << i) != 0)
                                .map(|(_, o)| o)
                                .collect();
                            let points = picked
                                .iter()
                                .map(|o| o.points)
                                .sum::<u32>()
                                .min(question.cap.unwrap());
                            let ids = picked.iter().map(|o| o.id.clone()).collect();
                            (points, Answer::Many(ids))
                        })
                        .collect()
                }
            })
            .collect();
        // reach[i][s] = Some(choice index at question i-1) when s is reachable with the first i questions.
        let total = q().total_max as usize;
        let mut reach: Vec<Vec<Option<usize>>> = vec![vec![None; total + 1]];
        reach[0][0] = Some(usize::MAX);
        for qc in &choices {
            let prev = reach.last().unwrap();
            let mut next = vec![None; total + 1];
            for s in prev.iter().enumerate().filter_map(|(s, r)| r.map(|_| s)) {
                for (ci, (p, _)) in qc.iter().enumerate() {
                    let t = s + *p as usize;
                    if t <= total && next[t].is_none() {
                        next[t] = Some(ci);
                    }
                }
            }
            reach.push(next);
        }
        let mut s = target as usize;
        assert!(reach[choices.len()][s].is_some(), "{target} unreachable");
        let mut answers = BTreeMap::new();
        for i in (0..choices.len()).rev() {
            let ci = reach[i + 1][s].unwrap();
            let (p, answer) = &choices[i][ci];
            answers.insert(q().questions[i].id.clone(), answer.clone());
            s -= *p as usize;
        }
        assert_eq!(s, 0);
        Answers(answers)
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn embedded_questionnaire_loads_and_validates() {
        let q = load(QUESTIONNAIRE_YAML).expect("digital-assessment.yaml is valid");
        assert_eq!(&q, questionnaire());
        assert!(!q.version.is_empty());
        assert!(
            (12..=16).contains(&q.questions.len()),
            "{}",
            q.questions.len()
        );
    }

    #[test]
    fn total_max_is_100_and_dimensions_add_up() {
        let q = q();
        assert_eq!(q.total_max, 100);
        let names: Vec<_> = q.dimensions.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["数字化基础", "数字化经营", "数字化管理", "数字化成效"]
        );
        assert_eq!(q.dimensions.iter().map(|d| d.max_points).sum::<u32>(), 100);
        for d in &q.dimensions {
            let sum: u32 = q
                .questions
                .iter()
                .filter(|question| question.dimension == d.id)
                .map(|question| question.max_points)
                .sum();
            assert_eq!(sum, d.max_points, "{}", d.id);
        }
        let result = q.score(&highest()).unwrap();
        assert_eq!(result.score, 100);
        for d in &result.by_dimension {
            assert_eq!(d.score, d.max, "{}", d.dimension);
        }
    }

    #[test]
    fn band_edges_come_from_the_data() {
        let floors: Vec<_> = q().levels.iter().map(|b| (b.level, b.min_score)).collect();
        assert_eq!(floors, [(1, 20), (2, 40), (3, 60), (4, 80)]);
    }

    #[test]
    fn every_band_edge_maps_to_its_level() {
        for (score, level, below) in [
            (0, 1, true),
            (19, 1, true),
            (20, 1, false),
            (39, 1, false),
            (40, 2, false),
            (59, 2, false),
            (60, 3, false),
            (79, 3, false),
            (80, 4, false),
            (100, 4, false),
        ] {
            assert_eq!(q().level_for(score), (level, below), "level_for({score})");
            // And end to end, through real answers reaching exactly that score.
            let result = q().score(&answers_scoring(score)).unwrap();
            assert_eq!(result.score, score);
            assert_eq!(result.level, level, "score {score}");
            assert_eq!(result.below_level_one, below, "score {score}");
            assert_eq!(
                result.by_dimension.iter().map(|d| d.score).sum::<u32>(),
                score
            );
        }
    }

    #[test]
    fn lowest_answers_score_zero_below_level_one() {
        let result = q().score(&lowest()).unwrap();
        assert_eq!(result.score, 0);
        assert_eq!(result.level, 1);
        assert!(result.below_level_one);
        assert_eq!(result.questionnaire_version, q().version);
        assert_eq!(result.by_dimension.len(), 4);
    }

    #[test]
    fn multi_choice_is_capped_and_counts_repeats_once() {
        let question = q()
            .questions
            .iter()
            .find(|question| question.kind == QuestionKind::Multi)
            .unwrap();
        let dim = |r: &DigitalResult| {
            r.by_dimension
                .iter()
                .find(|d| d.dimension == question.dimension)
                .unwrap()
                .score
        };
        let base = q().score(&lowest()).unwrap();
        assert_eq!(dim(&base), 0);

        let first = &question.options[0];
        let mut answers = lowest();
        answers.0.insert(
            question.id.clone(),
            many(&[first.id.as_str(), first.id.as_str()]),
        );
        assert_eq!(dim(&q().score(&answers).unwrap()), first.points);
        // A bare id is a one-element list.
        answers.0.insert(question.id.clone(), one(&first.id));
        assert_eq!(dim(&q().score(&answers).unwrap()), first.points);
        // All options: the cap, not the sum.
        let all: Vec<&str> = question.options.iter().map(|o| o.id.as_str()).collect();
        answers.0.insert(question.id.clone(), many(&all));
        let sum: u32 = question.options.iter().map(|o| o.points).sum();
        assert!(sum > question.cap.unwrap());
        assert_eq!(dim(&q().score(&answers).unwrap()), question.cap.unwrap());
    }

    #[test]
    fn missing_answers_are_required_one_by_one() {
        let errors = q().score(&Answers::default()).unwrap_err();
        assert_eq!(errors.len(), q().questions.len());
        for (e, question) in errors.iter().zip(&q().questions) {
            assert_eq!(e.field, format!("answers.{}", question.id));
            assert_eq!(e.code, "REQUIRED");
        }
        assert_eq!(errors[0].message, "第1题未作答");

        let mut answers = lowest();
        let single = q()
            .questions
            .iter()
            .find(|question| question.kind == QuestionKind::Single)
            .unwrap();
        answers.0.insert(single.id.clone(), many(&[]));
        let errors = q().score(&answers).unwrap_err();
        assert_eq!(
            codes(&errors),
            [(format!("answers.{}", single.id).as_str(), "REQUIRED")]
        );
    }

    #[test]
    fn unknown_options_questions_and_too_many_options_are_named() {
        let single = q()
            .questions
            .iter()
            .find(|question| question.kind == QuestionKind::Single)
            .unwrap();
        let multi = q()
            .questions
            .iter()
            .find(|question| question.kind == QuestionKind::Multi)
            .unwrap();
        let mut answers = lowest();
        answers.0.insert(single.id.clone(), one("zz"));
        answers.0.insert(
            multi.id.clone(),
            many(&[multi.options[0].id.as_str(), "nope"]),
        );
        answers.0.insert("no_such_question".into(), one("a"));
        let errors = q().score(&answers).unwrap_err();
        let single_field = format!("answers.{}", single.id);
        let multi_field = format!("answers.{}", multi.id);
        let mut got = codes(&errors);
        got.sort();
        let mut want = vec![
            (single_field.as_str(), "UNKNOWN_OPTION"),
            (multi_field.as_str(), "UNKNOWN_OPTION"),
            ("answers.no_such_question", "UNKNOWN_QUESTION"),
        ];
        want.sort();
        assert_eq!(got, want);
        let unknown_option = errors.iter().find(|e| e.field == multi_field).unwrap();
        assert!(
            unknown_option.message.contains("“nope”"),
            "{}",
            unknown_option.message
        );
        assert!(!unknown_option.message.contains(&multi.options[0].id));

        let mut answers = lowest();
        answers.0.insert(
            single.id.clone(),
            many(&[single.options[0].id.as_str(), single.options[1].id.as_str()]),
        );
        let errors = q().score(&answers).unwrap_err();
        assert_eq!(
            codes(&errors),
            [(single_field.as_str(), "TOO_MANY_OPTIONS")]
        );
        assert!(errors[0].message.contains("单选"));

        // A one-element list is fine for a single-choice question.
        let mut answers = lowest();
        let best = single.options.iter().max_by_key(|o| o.points).unwrap();
        answers
            .0
            .insert(single.id.clone(), many(&[best.id.as_str()]));
        assert_eq!(q().score(&answers).unwrap().score, single.max_points);
    }

    #[test]
    fn json_answers_accept_strings_and_lists_and_reject_other_types() {
        let mut map = Map::new();
        for (id, answer) in highest().0 {
            map.insert(id, serde_json::to_value(answer).unwrap());
        }
        assert_eq!(q().score_json(&map).unwrap().score, 100);

        let first = q().questions[0].id.clone();
        let second = q().questions[1].id.clone();
        map.insert(first.clone(), Value::Null);
        assert_eq!(
            codes(&q().score_json(&map).unwrap_err()),
            [(format!("answers.{first}").as_str(), "REQUIRED")]
        );
        map.insert(first.clone(), serde_json::json!(3));
        map.insert(second.clone(), serde_json::json!(["a", 1]));
        let errors = q().score_json(&map).unwrap_err();
        let mut got = codes(&errors);
        got.sort();
        let (f1, f2) = (format!("answers.{first}"), format!("answers.{second}"));
        let mut want = vec![
            (f1.as_str(), "INVALID_ANSWER"),
            (f2.as_str(), "INVALID_ANSWER"),
        ];
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn typed_answers_deserialize_from_json() {
        let answers: Answers =
            serde_json::from_str(r#"{"strategy":"a","security":["backup","access"]}"#).unwrap();
        assert_eq!(answers.0["strategy"], one("a"));
        assert_eq!(answers.0["security"], many(&["backup", "access"]));
    }

    #[test]
    fn result_and_questionnaire_serialize_for_clients() {
        let result = q().score(&highest()).unwrap();
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["score"], 100);
        assert_eq!(json["level"], 4);
        assert_eq!(json["below_level_one"], false);
        assert_eq!(json["by_dimension"][0]["dimension"], "foundation");
        assert_eq!(
            serde_json::from_value::<DigitalResult>(json).unwrap(),
            result
        );
        let json = serde_json::to_value(q()).unwrap();
        let first = &json["questions"][0];
        assert!(first["max_points"].as_u64().unwrap() > 0);
        assert!(
            json["questions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|question| { question["kind"] == "multi" && question["cap"].is_u64() })
        );
    }

    fn broken(edit: impl FnOnce(&mut Questionnaire)) -> String {
        let mut q: Questionnaire = serde_yaml_ng::from_str(QUESTIONNAIRE_YAML).unwrap();
        edit(&mut q);
        validate(&mut q).unwrap_err()
    }

    #[test]
    fn invalid_documents_are_refused() {
        assert!(broken(|q| q.total_max = 90).contains("total_max"));
        assert!(broken(|q| q.dimensions[0].max_points += 1).contains("dimension"));
        assert!(broken(|q| q.questions[1].id = q.questions[0].id.clone()).contains("repeated"));
        assert!(
            broken(|q| q.questions[0].dimension = "nowhere".into()).contains("unknown dimension")
        );
        assert!(
            broken(|q| q.questions[0].options[1].id = q.questions[0].options[0].id.clone())
                .contains("option id")
        );
        assert!(broken(|q| q.levels[1].min_score = 10).contains("level 2"));
        assert!(broken(|q| q.levels[0].level = 0).contains("numbered"));
        assert!(
            broken(|q| {
                let multi = q
                    .questions
                    .iter_mut()
                    .find(|question| question.kind == QuestionKind::Multi)
                    .unwrap();
                multi.cap = Some(1000);
            })
            .contains("cap")
        );
        assert!(
            broken(|q| {
                let multi = q
                    .questions
                    .iter_mut()
                    .find(|question| question.kind == QuestionKind::Multi)
                    .unwrap();
                multi.cap = None;
            })
            .contains("needs a cap")
        );
        assert!(broken(|q| q.questions[0].max_points = 7).contains("computed"));
        assert!(load("version: x\n").is_err());
        assert!(load(&format!("{QUESTIONNAIRE_YAML}\nextra_field: 1\n")).is_err());
    }
}
