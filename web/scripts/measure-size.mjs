#!/usr/bin/env node
// What the home page loads first: the JavaScript and CSS index.html references, the modules they import
// statically (Vite's modulepreload list), and the home route's own chunk — measured gzip and brotli sizes.
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist')
const budget = 300 * 1024
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const first = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])
const seen = new Set()
const queue = [...first]
// Static imports of each chunk (import … from "./x.js"), followed transitively.
while (queue.length) {
  const f = queue.shift()
  if (seen.has(f)) continue
  seen.add(f)
  if (!f.endsWith('.js')) continue
  const code = readFileSync(join(dist, f), 'utf8')
  for (const m of code.matchAll(/(?:^|[;\s])import\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(`assets/${m[1]}`)
}
// The home route's lazy chunk (and its static imports) is fetched at once on "/".
const entry = first.find((f) => f.endsWith('.js'))
const home = readFileSync(join(dist, entry), 'utf8').match(/["'`]\.\/(HomePage-[^"'`]+\.js)["'`]/)
if (home) queue.push(`assets/${home[1]}`)
while (queue.length) {
  const f = queue.shift()
  if (seen.has(f)) continue
  seen.add(f)
  if (!f.endsWith('.js')) continue
  const code = readFileSync(join(dist, f), 'utf8')
  for (const m of code.matchAll(/(?:^|[;\s])import\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+\.(?:js|css))["']/g)) queue.push(`assets/${m[1]}`)
}
let js = { raw: 0, gz: 0, br: 0 }
let css = { raw: 0, gz: 0, br: 0 }
for (const f of seen) {
  if (!existsSync(join(dist, f))) continue
  const data = readFileSync(join(dist, f))
  const t = f.endsWith('.css') ? css : js
  t.raw += data.length
  t.gz += gzipSync(data, { level: 9 }).length
  t.br += brotliCompressSync(data).length
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`
console.log(`home page first load: ${seen.size} files`)
console.log(`  JavaScript: ${kb(js.raw)} raw, ${kb(js.gz)} gzip, ${kb(js.br)} brotli`)
console.log(`  CSS:        ${kb(css.raw)} raw, ${kb(css.gz)} gzip, ${kb(css.br)} brotli`)
if (js.gz > budget) {
  console.error(`over budget: ${kb(js.gz)} gzip > ${kb(budget)}`)
  process.exit(1)
}
console.log(`within the ${kb(budget)} budget (gzip JavaScript)`)
