// The one place that turns an API answer (application/problem+json, RFC 9457) or a network failure into what the
// user sees: a Chinese message and, for validation errors, a message per form field.

/** One entry of a problem's `errors[]`. */
export interface ProblemFieldError {
  field?: string
  code?: string
  message?: string
}

/** The problem document the API sends with every error. */
export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: ProblemFieldError[]
  [extra: string]: unknown
}

/** Chinese messages for failures that carry no problem document of their own. */
const FALLBACK: Record<number, string> = {
  0: '无法连接服务器，请检查网络后重试',
  400: '请求有误，请检查后重试',
  401: '登录已过期，请重新登录',
  403: '您无权进行此操作',
  404: '未找到相关内容',
  409: '内容已被修改，请刷新后重试',
  413: '内容过大',
  422: '填写内容有误，请检查标红的项目',
  429: '操作过于频繁，请稍后再试',
  500: '服务器出错，请稍后再试',
  503: '服务暂时不可用，请稍后再试',
}

export function fallbackMessage(status: number): string {
  return FALLBACK[status] ?? (status >= 500 ? FALLBACK[500] : FALLBACK[400])
}

/**
 * Field paths from the API (`form.rd_ratio`, `profile.region`, `errors[0]`…) to the key a form uses for the
 * field: the path with a leading `form.` / `profile.` / `body.` removed, array indices kept (`products[0].name`).
 */
export function fieldKey(path: string): string {
  return path.replace(/^\/+/, '').replace(/\//g, '.').replace(/^(form|profile|body)\./, '')
}

/** An error the user should read: a message, the stable code, and messages per field. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string>
  readonly problem: Problem | null
  /** Seconds until a locked account or rate limit lets the user try again (`Retry-After`). */
  readonly retryAfter: number | null

  constructor(status: number, problem: Problem | null, retryAfter: number | null = null) {
    const message = problem?.detail?.trim() || problem?.title?.trim() || fallbackMessage(status)
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = problem?.code ?? (status === 0 ? 'NETWORK' : `HTTP_${status}`)
    this.problem = problem
    this.retryAfter = retryAfter
    this.fields = {}
    for (const e of problem?.errors ?? []) {
      if (!e.field) continue
      const key = fieldKey(e.field)
      const text = e.message?.trim() || '填写有误'
      this.fields[key] = this.fields[key] ? `${this.fields[key]}；${text}` : text
    }
  }

  /** Messages of `errors[]` that name no field (shown with the summary). */
  get otherMessages(): string[] {
    return (this.problem?.errors ?? []).filter((e) => !e.field && e.message).map((e) => e.message as string)
  }

  /** The message of one field, looked up by its key or any path ending in it. */
  field(key: string): string | undefined {
    return this.fields[key]
  }
}

/** Build an ApiError from a fetch Response (body read here if not already). */
export async function errorFromResponse(res: Response, body?: unknown): Promise<ApiError> {
  let problem: Problem | null = null
  if (body && typeof body === 'object') {
    problem = body as Problem
  } else {
    try {
      const text = await res.clone().text()
      if (text) problem = JSON.parse(text) as Problem
    } catch {
      problem = null
    }
  }
  const retry = Number.parseInt(res.headers.get('retry-after') ?? '', 10)
  return new ApiError(res.status, problem, Number.isFinite(retry) ? retry : null)
}

/** Any thrown thing as an ApiError (network failures become status 0). */
export function asApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  return new ApiError(0, null)
}

/** `3 分 20 秒`, `2 小时 5 分` — time left of a lockout. */
export function durationText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = s % 60
  if (h > 0) return `${h} 小时${m > 0 ? ` ${m} 分` : ''}`
  if (m > 0) return `${m} 分${r > 0 ? ` ${r} 秒` : ''}`
  return `${r} 秒`
}
