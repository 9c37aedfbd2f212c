// Browser-test support: the real sme-local binary on a fresh data dir, Debian's Chromium through
// playwright-core, axe-core injected into each page, console errors collected, screenshots saved.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'
import Ajv2020 from 'ajv/dist/2020.js'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
export const WEB = resolve(here, '..')
export const SHOTS = join(WEB, 'test-results', 'screenshots')
export const OPERATOR = ['ops_admin', 'Operator2026']
export const PASSWORD = 'Passw0rd2026'
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** Start `target/debug/sme-local --dev` serving web/dist on a free port with a fresh data folder. */
export async function startRunner() {
  const bin = process.env.SME_LOCAL_BIN ?? resolve(WEB, '../target/debug/sme-local')
  assert.ok(existsSync(bin), `${bin} missing: cargo build --bin sme-local`)
  assert.ok(existsSync(join(WEB, 'dist/index.html')), 'web/dist missing: npm run build')
  const dataDir = mkdtempSync(join(tmpdir(), 'sme-web-e2e-'))
  const child = spawn(bin, ['--dev', '--web-dir', join(WEB, 'dist')], {
    env: {
      ...process.env,
      SME_LISTEN: '127.0.0.1:0',
      SME_DATA_DIR: dataDir,
      SME_BOOTSTRAP_OPERATOR: OPERATOR.join(':'),
      SME_ARGON2_MEMORY_KIB: '1024',
      SME_ARGON2_ITERATIONS: '1',
      RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const base = await new Promise((ok, fail) => {
    let buf = ''
    child.stdout.on('data', (c) => {
      buf += c
      const m = buf.match(/sme-local listening on (\S+)/)
      if (m) ok(m[1])
    })
    child.on('exit', (code) => fail(new Error(`sme-local exited with ${code}`)))
  })
  return {
    base,
    api: new Api(base),
    stop() {
      child.kill('SIGTERM')
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Every JSON answer the browser receives from /v1 is checked against the response schema the OpenAPI document
 * gives its route (when it gives one): the generated types the UI relies on must be true.
 */
export class ResponseSchemas {
  static async load(base) {
    const doc = await (await fetch(`${base}/v1/openapi.json`)).json()
    return new ResponseSchemas(doc)
  }
  constructor(doc) {
    this.ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })
    this.ajv.addSchema({ $id: 'openapi', components: doc.components })
    this.routes = []
    for (const [path, ops] of Object.entries(doc.paths)) {
      const re = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`)
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.responses?.['2XX']?.content?.['application/json']?.schema
        if (schema?.$ref) this.routes.push({ re, method: method.toUpperCase(), ref: `openapi${schema.$ref}`, name: schema.$ref.split('/').pop() })
      }
    }
    this.checked = new Set()
  }
  /** Problems of one answer (empty when it matches or its route has no schema). */
  check(method, path, status, body) {
    if (status < 200 || status >= 300 || body === null) return []
    const route = this.routes.find((r) => r.method === method && r.re.test(path))
    if (!route) return []
    const validate = this.ajv.getSchema(route.ref)
    if (validate(body)) {
      this.checked.add(route.name)
      return []
    }
    return [`${method} ${path} does not match ${route.name}: ${this.ajv.errorsText(validate.errors)}`]
  }
}

/** The API as officials and the operator use it (their actions are not part of the enterprise's screens). */
export class Api {
  constructor(base) {
    this.base = base
  }
  async call(method, path, { token, body, expect } = {}) {
    const res = await fetch(this.base + path, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await res.text()
    const json = text ? JSON.parse(text) : null
    if (expect !== undefined) assert.equal(res.status, expect, `${method} ${path}: ${text}`)
    return json
  }
  clock(now) {
    return this.call('POST', '/v1/dev/clock', { body: { now }, expect: 200 })
  }
  async login(login, password = PASSWORD) {
    return (await this.call('POST', '/v1/sessions', { body: { login, password }, expect: 201 })).token
  }
  operator() {
    return this.login(...OPERATOR)
  }
  async official(login, level, region) {
    const op = await this.operator()
    const phone = `139${String(Math.abs([...login].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)) % 1e8).padStart(8, '0')}`
    await this.call('POST', '/v1/admin/officials', { token: op, body: { login_name: login, password: PASSWORD, phone, level, region }, expect: 201 })
    return login
  }
  async window(tier, region, year = 2026) {
    const op = await this.operator()
    await this.call('POST', '/v1/admin/windows', {
      token: op,
      body: { tier, year, region, opens_at: '2026-05-01T00:00:00+08:00', closes_at: '2026-06-01T00:00:00+08:00' },
      expect: 201,
    })
  }
  /** An official starts the review (if needed) and decides. */
  async review(official, id, decision, comment = '') {
    const token = await this.login(official)
    await this.call('POST', `/v1/admin/declarations/${id}/start`, { token })
    return this.call('POST', `/v1/admin/declarations/${id}/decision`, { token, body: { decision, comment }, expect: 200 })
  }
}

/** A valid USCC (GB 32100 check character) from a 17-character body. */
export function uscc(body17) {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const sum = [...body17].reduce((s, c, i) => s + chars.indexOf(c) * weights[i], 0)
  const check = (31 - (sum % 31)) % 31
  return body17 + chars[check]
}

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  })
}

/**
 * A page at `width` px that records console errors and unhandled rejections (asserted empty by `done()`),
 * runs axe on `check(name)` and saves a screenshot.
 */
export async function openPage(browser, base, { width = 1280, height = 900, schemas = null } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', baseURL: base })
  const page = await context.newPage()
  const problems = []
  page.on('console', (m) => {
    // The browser logs every 4xx/5xx answer as "Failed to load resource"; the walks provoke some on purpose
    // (USCC_TAKEN, no assessment yet): those are answers, not script errors.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  if (schemas) {
    page.on('response', async (res) => {
      const url = new URL(res.url())
      if (!url.pathname.startsWith('/v1/') || !(res.headers()['content-type'] ?? '').startsWith('application/json')) return
      let body = null
      try {
        body = await res.json()
      } catch {
        return
      }
      problems.push(...schemas.check(res.request().method(), url.pathname, res.status(), body))
    })
  }
  mkdirSync(SHOTS, { recursive: true })
  return {
    page,
    width,
    async check(name) {
      await page.waitForLoadState('networkidle')
      await page.waitForTimeout(150)
      await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true })
      // Nothing may push the page sideways on a phone.
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth)
      assert.ok(scrollWidth <= width, `${name} at ${width}px is ${scrollWidth}px wide (horizontal overflow)`)
      // Evaluated through the DevTools protocol, which the page's content security policy (no inline scripts)
      // rightly does not allow a <script> tag to do.
      await page.evaluate(AXE_SOURCE)
      const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] })
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' + n.failureSummary?.split('\n').slice(0, 2).join(' ')),
        }))
      })
      assert.deepEqual(result, [], `axe on ${name} at ${width}px:\n${JSON.stringify(result, null, 2)}`)
    },
    done() {
      assert.deepEqual(problems, [], 'console errors or unhandled rejections')
    },
    close: () => context.close(),
  }
}
