// The one API client: typed from schema.d.ts (generated from GET /v1/openapi.json), the session token added to
// every request, every failure turned into an ApiError (see problem.ts), an expired session sent back to login.
import createClient, { type Middleware } from 'openapi-fetch'
import type { components, paths } from './schema'
import { ApiError, errorFromResponse } from './problem'

export type Schemas = components['schemas']

export const api = createClient<paths>({ baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin })

/** Hooks the app installs at start-up (kept apart so this module does not import the store or the router). */
export const hooks: { token: () => string | null; onExpired: () => void } = {
  token: () => null,
  onExpired: () => {},
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = hooks.token()
    if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`)
    return request
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('authorization')) hooks.onExpired()
    return response
  },
}
api.use(auth)

type Answer<T> = { data?: T; error?: unknown; response: Response }

/** Await an openapi-fetch call: its data, or an ApiError with the problem's Chinese message and field errors. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<NonNullable<T>> {
  let answer: Answer<T>
  try {
    answer = await call
  } catch (e) {
    if (e instanceof ApiError) throw e
    throw new ApiError(0, null)
  }
  if (!answer.response.ok) throw await errorFromResponse(answer.response, answer.error)
  return answer.data as NonNullable<T>
}

/** The ETag of a versioned record, to send back as If-Match. */
export function ifMatch(version: number | string | undefined | null): Record<string, string> {
  return version === undefined || version === null ? {} : { 'if-match': `"${version}"` }
}

/** A random idempotency key for a POST that creates or submits. */
export function idempotencyKey(): Record<string, string> {
  const id = globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`
  return { 'idempotency-key': id }
}

/** GET a path that answers a document (HTML/CSV) rather than JSON: used for 申请书. */
export async function fetchText(path: string): Promise<{ text: string; type: string }> {
  const headers: Record<string, string> = {}
  const token = hooks.token()
  if (token) headers.authorization = `Bearer ${token}`
  let res: Response
  try {
    res = await fetch(path, { headers })
  } catch {
    throw new ApiError(0, null)
  }
  if (res.status === 401 && token) hooks.onExpired()
  if (!res.ok) throw await errorFromResponse(res)
  return { text: await res.text(), type: res.headers.get('content-type') ?? 'text/html' }
}
