// The enterprise's views, as the OpenAPI document describes them (the typed views in shared/src/services/,
// e.g. enterprise_views.rs), under the names the screens use; and the Chinese names of profile members for the
// advisor's "what is still missing".
import type { Schemas } from './client'

export type Qualification = Schemas['OwnQualification']
/** `GET /v1/enterprise`: the profile (as PUT accepts it) plus derived members. */
export type EnterpriseView = Schemas['EnterpriseView']
export type YearFigures = Schemas['YearFigures']

/** Members of GET /v1/enterprise that PUT does not take. */
export const DERIVED_PROFILE_KEYS = ['version', 'uscc', 'name', 'qualifications', 'recognition', 'region_name', 'industry_name', 'industry_path', 'size']

export type AdviceTier = Schemas['AdviceTier']
export type Advice = Schemas['Advice']
/** `GET /v1/digital-assessments/latest` and `POST /v1/digital-assessments`. */
export type AssessmentResult = Schemas['DigitalAssessmentRecord']
export type InfoUpdateView = Schemas['InfoUpdateView']
/** Re-reviews are declarations of kind `re_review`. */
export type ReReviewView = Schemas['DeclarationView']
export type ChangeReportView = Schemas['ChangeReportView']

/** Chinese names of profile members, for the advisor's "what is still missing". */
export const PROFILE_LABELS: Record<string, string> = {
  region: '注册地',
  address: '详细地址',
  industry: '所属行业',
  niche_field: '具体细分领域',
  main_products: '主导产品',
  established_on: '成立日期',
  employees: '从业人员',
  financials: '近三年经营数据',
  ip: '知识产权',
  honours: '荣誉资质',
  awards: '科技奖励',
  makers_china: '“创客中国”大赛获奖',
  financing: '股权融资',
  market: '细分市场占有情况',
  quality: '质量与品牌',
  rd_institution: '研发机构',
  product_fields: '主导产品所属领域',
  operations: '经营管理',
  local_indicators: '地方特色指标',
}

/** `financials[year=2025]` → `2025 年经营数据`; known members by their Chinese name. */
export function missingLabel(key: string): string {
  const year = key.match(/^financials\[year=(\d{4})\]$/)
  if (year) return `${year[1]} 年经营数据`
  return PROFILE_LABELS[key] ?? key
}
