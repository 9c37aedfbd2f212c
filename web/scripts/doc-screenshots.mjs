#!/usr/bin/env node
// Copy a handful of the browser tests' screenshots (test-results/screenshots) to docs/screenshots at half size,
// by drawing them in Chromium (no image tools needed). Run after `npm run e2e`.
import { readFileSync, mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launch } from '../e2e/support.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const from = resolve(here, '../test-results/screenshots')
const to = resolve(here, '../../docs/screenshots')
const pick = [
  ['01-home-1280', 1280, 900],
  ['05-uscc-taken-1280', 1280, 1000],
  ['14-form-filled-1280', 1280, 1200],
  ['23-qualification-1280', 1280, 700],
  ['07-login-locked-390', 390, 700],
  ['phone-15-evidence-progress-390', 390, 1400],
]
mkdirSync(to, { recursive: true })
const browser = await launch()
const page = await browser.newPage({ deviceScaleFactor: 0.5 })
for (const [name, width, height] of pick) {
  const data = readFileSync(join(from, `${name}.png`)).toString('base64')
  await page.setViewportSize({ width, height })
  await page.setContent(`<body style="margin:0"><img style="display:block;width:${width}px" src="data:image/png;base64,${data}"></body>`)
  await page.screenshot({ path: join(to, `${name}.png`), clip: { x: 0, y: 0, width, height } })
}
await browser.close()
console.log(`wrote ${pick.length} screenshots to ${to}`)
