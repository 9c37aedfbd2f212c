// What the evidence upload accepts (the server checks again: type by content, size, checksum).

export const ALLOWED_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

export const ACCEPT = Object.keys(ALLOWED_TYPES).map((e) => `.${e}`).join(',')

/** Default largest file (SME_EVIDENCE_MAX_BYTES default, 50 MB). */
export const MAX_BYTES = 50 * 1024 * 1024

export function contentTypeOf(fileName: string): string | null {
  const ext = fileName.toLowerCase().split('.').pop() ?? ''
  return ALLOWED_TYPES[ext] ?? null
}

/** A Chinese reason the file cannot be sent, or null. */
export function fileProblem(file: { name: string; size: number }, maxBytes = MAX_BYTES): string | null {
  if (!contentTypeOf(file.name)) return '文件类型不支持：请上传 PDF、JPG、PNG、Word 或 ZIP 文件（多个文件请打包为 ZIP）'
  if (file.size === 0) return '文件为空，请重新选择'
  if (file.size > maxBytes) return `文件过大：不能超过 ${Math.round(maxBytes / 1024 / 1024)} MB`
  return null
}

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
