// The seed's words for statuses and tiers.
export const TIERS = [
  { tier: 'innovative', label: '创新型中小企业', short: '创新型' },
  { tier: 'specialized', label: '专精特新中小企业', short: '专精特新' },
  { tier: 'little_giant', label: '专精特新“小巨人”企业', short: '小巨人' },
] as const

export type TierId = (typeof TIERS)[number]['tier']

export function tierLabel(tier: string): string {
  return TIERS.find((t) => t.tier === tier)?.label ?? tier
}

export const STATUS_LABELS: Record<string, string> = {
  draft: '草稿',
  submitted: '未审核',
  under_review: '审核中',
  publicity: '公示中',
  recognized: '已认定',
  returned: '退回',
  rejected: '不通过',
  withdrawn: '已撤回',
  accepted: '已通过',
}

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger'

export function statusType(status: string): TagType {
  switch (status) {
    case 'recognized':
    case 'accepted':
      return 'success'
    case 'returned':
      return 'warning'
    case 'rejected':
      return 'danger'
    case 'draft':
    case 'withdrawn':
      return 'info'
    default:
      return 'primary'
  }
}

const CHINA_TIME = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/**
 * A moment in China Standard Time, "2026-06-30 18:00:00": the same order and padding as the date pickers'
 * "YYYY-MM-DD HH:mm", whatever the browser's locale data does with `toLocaleString`.
 */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const part = chinaParts(d)
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`
}

/** The year in China Standard Time at a moment (now by default): on 31 December after 16:00 UTC it is already next year. */
export function chinaYear(at: Date = new Date()): number {
  return Number(chinaParts(at).year)
}

/** A moment's calendar and clock fields in China Standard Time. */
function chinaParts(d: Date): Record<string, string> {
  const part: Record<string, string> = {}
  for (const { type, value } of CHINA_TIME.formatToParts(d)) part[type] = value
  return part
}

/** The audit trail's actions in the seed's words. */
export const ACTION_LABELS: Record<string, string> = {
  create: '创建申报草稿',
  save: '暂存',
  submit: '提交申报',
  resubmit: '重新提交',
  withdraw: '撤回',
  withdraw_modify: '撤回修改',
  withdraw_cancel: '撤回',
  start: '开始审核',
  start_review: '开始审核',
  pass: '审核通过',
  return: '退回',
  reject: '审核不通过',
  publicity: '列入公示名单',
  objection: '公示异议',
  recognize: '认定',
  revoke: '撤销资质',
  'evidence.completed': '上传证明材料',
  'evidence.deleted': '删除证明材料',
}

export const LEVEL_LABELS: Record<string, string> = {
  county: '县级主管部门',
  city: '市级主管部门',
  province: '省级主管部门',
  ministry: '工业和信息化部',
}

export function actionLabel(action: string, to?: string | null): string {
  return ACTION_LABELS[action] ?? (to ? `状态变为“${STATUS_LABELS[to] ?? to}”` : action)
}
