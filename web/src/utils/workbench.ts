// Words and small helpers of the officials' and operators' workbench.
export const LEVEL_LABELS: Record<string, string> = {
  county: '区县级',
  city: '市级',
  province: '省级',
  ministry: '工业和信息化部',
}

export const KIND_LABELS: Record<string, string> = {
  declaration: '申报',
  re_review: '复核',
  info_update: '年度信息更新',
  change_report: '重大变更',
}

export const CHANGE_KIND_LABELS: Record<string, string> = {
  rename: '企业更名',
  merger: '合并',
  restructure: '重组',
  relocation: '跨省迁移',
  overseas_branch: '设立境外分支机构',
}

export const QUALIFICATION_STATUS: Record<string, string> = { valid: '有效', expired: '已过期', revoked: '已撤销' }

/** Waiting past this many days is shown in red (the first backlog band of the statistics). */
export const LATE_DAYS = 7

/** `3 天 4 小时`, `5 小时` — how long an item has waited. */
export function waitedText(days: number, hours: number): string {
  if (days > 0) {
    const h = hours - days * 24
    return h > 0 ? `${days} 天 ${h} 小时` : `${days} 天`
  }
  return `${hours} 小时`
}

/** Digits of a region code an official of `level` covers (`330106` → `33` for a province). */
export function scopeDigits(level: string | undefined): number {
  return level === 'county' ? 6 : level === 'city' ? 4 : level === 'province' ? 2 : 0
}

/** Save a text answer (CSV) as a file the user downloads. */
export function saveText(text: string, type: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
