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

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })
}
