//! Import of recognitions made before the platform existed (`POST /v1/admin/recognitions/import`): a
//! province-level official (or an operator) sends a CSV of earlier recognitions — 统一社会信用代码, 企业名称,
//! 梯度, 认定日期, 有效期至, 批次 — and each row becomes the enterprise's qualification of that tier, as a recognition
//! on the platform would (`enterprise.qualification_recorded`, so reminders and updates follow it).
//!
//! Every row is checked first (USCC with its check character, name, tier, dates, the enterprise's registration
//! region inside the caller's province, no row twice, no clash with a different qualification already held):
//! any error refuses the whole file with one Chinese message per row (`errors[]`, field `rows[N].<column>`).
//! Nothing is half-imported: the qualifications and the audit event are one transaction, so a file holds at most
//! [`MAX_ROWS`] rows. Re-uploading the same file changes nothing (rows already recorded identically count as
//! `unchanged`); every upload is audited (`recognitions.imported` under `IMPORT#<id>`).

use crate::domain::calendar::china_date;
use crate::domain::principal::{Level, Principal, Role};
use crate::domain::qualification::Qualification;
use crate::domain::tier::Tier;
use crate::error::{AppError, AppResult, FieldError};
use crate::ports::MAX_TX_OPS;
use crate::rules::uscc::Uscc;
use crate::services::Platform;
use crate::services::events::{Event, new_id};
use crate::services::records::{qualification_ops, qualifications};
use serde::Deserialize;
use serde_json::json;
use time::Date;

/// Rows one file may hold: two actions each (qualification and its event) and the import's audit event in one
/// transaction.
pub const MAX_ROWS: usize = (MAX_TX_OPS - 1) / 2;

/// `POST /v1/admin/recognitions/import` body: the CSV text (UTF-8, a header row first).
#[derive(Clone, Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRequest {
    /// `uscc,enterprise_name,tier,recognised_on,valid_until,batch`, one recognition per line.
    pub csv: String,
}

const COLUMNS: [&str; 6] = [
    "uscc",
    "enterprise_name",
    "tier",
    "recognised_on",
    "valid_until",
    "batch",
];

fn parse_tier(s: &str) -> Option<Tier> {
    Tier::parse(s).or(match s {
        "创新型中小企业" | "科技和创新型中小企业" => Some(Tier::Innovative),
        "专精特新中小企业" => Some(Tier::Specialized),
        "专精特新“小巨人”企业" | "专精特新\"小巨人\"企业" | "小巨人" => {
            Some(Tier::LittleGiant)
        }
        _ => None,
    })
}

fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

struct Row {
    uscc: String,
    tier: Tier,
    qualification: Qualification,
}

/// What an import of earlier recognitions did (`POST /v1/admin/recognitions/import`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub import_id: String,
    /// Rows in the request.
    pub rows: u32,
    /// Rows recorded now.
    pub imported: u32,
    /// Rows already recorded by an earlier import (the import is idempotent).
    pub unchanged: u32,
}

/// Import a file of earlier recognitions (all rows or none).
pub async fn import_recognitions(
    p: &Platform,
    caller: &Principal,
    req: &ImportRequest,
) -> AppResult<ImportResult> {
    // The province's officials import for their province; operators for any.
    let province: Option<String> = match (caller.role(), caller.level(), caller.region()) {
        (Role::Operator, _, _) => None,
        (Role::Official, Some(Level::Province), Some(region)) => {
            Some(region.get(..2).unwrap_or_default().to_owned())
        }
        _ => return Err(AppError::forbidden("仅省级主管部门可以导入历史认定名单")),
    };
    let table = crate::rules::csv::parse(&req.csv)
        .map_err(|e| AppError::field("csv", "INVALID_CSV", format!("CSV 格式有误：{e}")))?;
    if table.is_empty() {
        return Err(AppError::field(
            "csv",
            "REQUIRED",
            "名单为空（第一行为表头）",
        ));
    }
    if table.len() > MAX_ROWS {
        return Err(AppError::field(
            "csv",
            "TOO_MANY_ROWS",
            format!("一次最多导入 {MAX_ROWS} 条，请分批导入"),
        ));
    }
    let today = china_date(p.clock.now());
    let mut errors = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for (i, fields) in table.iter().enumerate() {
        let n = i + 1;
        let mut bad = |column: &str, code: &str, message: String| {
            errors.push(FieldError::new(
                format!("rows[{n}].{column}"),
                code,
                format!("第{n}行：{message}"),
            ));
        };
        if fields.len() != COLUMNS.len() {
            bad(
                "row",
                "WRONG_COLUMNS",
                format!(
                    "应有 {} 列（统一社会信用代码、企业名称、梯度、认定日期、有效期至、批次），实有 {} 列",
                    COLUMNS.len(),
                    fields.len()
                ),
            );
            continue;
        }
        let cell = |k: usize| fields[k].trim();
        let uscc = match Uscc::parse(&cell(0).to_ascii_uppercase()) {
            Ok(u) => Some(u.as_str().to_owned()),
            Err(e) => {
                bad(
                    "uscc",
                    "INVALID_USCC",
                    format!("统一社会信用代码无效（{e}）"),
                );
                None
            }
        };
        if let (Some(u), Some(pp)) = (&uscc, &province)
            && u.get(2..4) != Some(pp.as_str())
        {
            bad(
                "uscc",
                "OUTSIDE_JURISDICTION",
                "企业登记地不在本省（统一社会信用代码第3—8位）".to_owned(),
            );
        }
        let name = cell(1);
        if name.is_empty() || name.chars().count() > 100 {
            bad(
                "enterprise_name",
                "REQUIRED",
                "企业名称须为 1—100 字".to_owned(),
            );
        }
        let tier = parse_tier(cell(2));
        if tier.is_none() {
            bad(
                "tier",
                "INVALID_TIER",
                format!(
                    "梯度“{}”无法识别（创新型中小企业、专精特新中小企业或专精特新“小巨人”企业）",
                    cell(2)
                ),
            );
        }
        let from = parse_date(cell(3));
        let until = parse_date(cell(4));
        match from {
            None => bad(
                "recognised_on",
                "INVALID_DATE",
                "认定日期须为 YYYY-MM-DD".to_owned(),
            ),
            Some(d) if d > today => bad(
                "recognised_on",
                "IN_FUTURE",
                "认定日期不能晚于今天".to_owned(),
            ),
            Some(_) => {}
        }
        match (from, until) {
            (_, None) => bad(
                "valid_until",
                "INVALID_DATE",
                "有效期至须为 YYYY-MM-DD".to_owned(),
            ),
            (Some(f), Some(u)) if u <= f => bad(
                "valid_until",
                "BEFORE_RECOGNITION",
                "有效期至须晚于认定日期".to_owned(),
            ),
            _ => {}
        }
        let batch = cell(5);
        if batch.is_empty() || batch.chars().count() > 100 {
            bad("batch", "REQUIRED", "批次须为 1—100 字".to_owned());
        }
        if let (Some(uscc), Some(tier), Some(from), Some(until)) = (uscc, tier, from, until) {
            if rows.iter().any(|r| r.uscc == uscc && r.tier == tier) {
                bad(
                    "uscc",
                    "DUPLICATE_ROW",
                    "同一企业同一梯度在名单中出现两次".to_owned(),
                );
                continue;
            }
            let mut q = Qualification::new(tier, from, format!("IMPORT:{batch}"));
            q.valid_until = until;
            rows.push(Row {
                uscc,
                tier,
                qualification: q,
            });
        }
    }
    // Rows already recorded identically are unchanged; a different qualification of the tier is not overwritten.
    let mut new_rows = Vec::new();
    let mut unchanged = 0;
    for (i, row) in rows.iter().enumerate() {
        let held = qualifications(p, &row.uscc).await?;
        match held.iter().find(|q| q.tier == row.tier) {
            Some(q) if *q == row.qualification => unchanged += 1,
            Some(q) => errors.push(FieldError::new(
                format!("rows[{}].uscc", i + 1),
                "QUALIFICATION_EXISTS",
                format!(
                    "第{}行：该企业已有{}资质（{} 至 {}），不予覆盖",
                    i + 1,
                    row.tier.label(),
                    q.valid_from,
                    q.valid_until
                ),
            )),
            None => new_rows.push(row),
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| {
            e.field
                .trim_start_matches("rows[")
                .split(']')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0)
        });
        return Err(AppError::validation(errors));
    }
    let now = p.clock.now();
    let id = new_id(now);
    let mut ops = Vec::new();
    for row in &new_rows {
        ops.extend(qualification_ops(
            &row.uscc,
            &row.qualification,
            Some(caller.account_id()),
            now,
        ));
    }
    let summary = json!({
        "import_id": id,
        "rows": rows.len(),
        "imported": new_rows.len(),
        "unchanged": unchanged,
        "province": province,
        "recognitions": new_rows.iter().map(|r| json!({"uscc": r.uscc, "tier": r.tier,
            "valid_from": r.qualification.valid_from.to_string(),
            "valid_until": r.qualification.valid_until.to_string(),
            "source_id": r.qualification.source_id})).collect::<Vec<_>>(),
    });
    ops.push(
        Event::new(
            "recognitions.imported",
            &format!("IMPORT#{id}"),
            Some(caller.account_id()),
            now,
            summary.clone(),
        )
        .tx_op(),
    );
    p.store.transact(ops).await?;
    Ok(ImportResult {
        import_id: id,
        rows: count(rows.len()),
        imported: count(new_rows.len()),
        unchanged: count(unchanged),
    })
}

/// A row count (a file holds at most [`MAX_ROWS`] rows).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
