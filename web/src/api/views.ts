// Views the OpenAPI document does not describe yet (their handlers answer untyped JSON): only the members the
// screens read, as the handlers write them. Move each to a Rust response schema (shared/src/http/
// response_schemas.rs) and use Schemas[...] instead when it is described.

export interface Qualification {
  tier: string
  status?: string
  valid_from?: string | null
  valid_until?: string | null
  [k: string]: unknown
}

/** `GET /v1/enterprise`: the profile (as PUT accepts it) plus derived members. */
export interface EnterpriseView {
  uscc: string
  name: string
  region: string | null
  region_name: string | null
  industry: string | null
  industry_name: string | null
  niche_field: string | null
  main_products: string[]
  address: string | null
  established_on: string | null
  employees: number | null
  financials: YearFigures[]
  ip: Record<string, number> | null
  qualifications: Qualification[]
  recognition: string
  version: number
  [k: string]: unknown
}

export interface YearFigures {
  year: number
  operating_revenue: string
  main_business_revenue: string
  rd_expense: string
  net_profit: string
  total_assets: string
  total_liabilities: string
  employees: number
  rd_staff: number
}

/** Members of GET /v1/enterprise that PUT does not take. */
export const DERIVED_PROFILE_KEYS = ['version', 'uscc', 'name', 'qualifications', 'recognition', 'region_name', 'industry_name', 'industry_path', 'size']

export interface AdviceTier {
  tier: string
  tier_label: string
  prerequisites: { tier: string; label: string; held: boolean }[]
  profile_missing: string[]
  digital_assessment_required: boolean
  assessment: {
    eligible: boolean
    determined: boolean
    total?: number | null
    known_total?: number | null
    pass_score?: number | null
    categories?: { id: string; name: string; score: number | null; known_score: number; min: number; max: number }[]
    indicators?: { id: string; name: string; points: number | null; max: number; missing: string[] }[]
    [k: string]: unknown
  }
}

export interface Advice {
  rule_version: string
  year: number
  digital_level: number | null
  tiers: AdviceTier[]
}


export interface AssessmentResult {
  level?: number | null
  level_name?: string
  score?: number
  assessed_at?: string
  submitted_at?: string
  [k: string]: unknown
}


export interface RecordView {
  id: string
  status: string
  status_label?: string
  year?: number
  tier?: string
  withdrawable?: boolean
  last_comment?: string | null
  comment?: string | null
  created_at?: string
  updated_at?: string
  version?: number
  [k: string]: unknown
}

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
