// The enterprise's side of the workbench walks, driven through the API (the enterprise's screens have their
// own walks in walks.test.mjs): register and verify, save a complete profile, take the digital
// self-assessment, declare with every required evidence file uploaded, submit, resubmit after a return.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { PASSWORD } from './support.mjs'

/** A real one-page PDF (the platform checks its structure). */
export function pdfBytes(note = 'evidence') {
  const content = `% ${note}\n`
  const objects = [
    '<</Type/Catalog/Pages 2 0 R>>',
    '<</Type/Pages/Kids[3 0 R]/Count 1>>',
    '<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<<>>/Contents 4 0 R>>',
    `<</Length ${content.length}>>\nstream\n${content}endstream`,
  ]
  let out = '%PDF-1.4\n'
  const offsets = []
  objects.forEach((body, i) => {
    offsets.push(out.length)
    out += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = out.length
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`
  out += `trailer\n<</Size ${objects.length + 1}/Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

const figures = (year) => ({
  year,
  operating_revenue: '30000000',
  main_business_revenue: '27000000',
  rd_expense: '1500000',
  net_profit: '3000000',
  total_assets: '50000000',
  total_liabilities: '20000000',
  employees: 120,
  rd_staff: 30,
})

/** A complete profile of a small aviation-fastener maker (the Rust fixtures' `profile`). */
export function profile(region, industry = '3741') {
  return {
    region,
    address: '文三路1号',
    industry,
    niche_field: '航空紧固件',
    main_products: ['钛合金紧固件'],
    established_on: '2015-03-01',
    employees: 120,
    financials: [2023, 2024, 2025].map(figures),
    ip: { class1_high_value: 1, class1_self_developed: 2, class1_total: 3, class2_total: 5, class1_applied: 2 },
    honours: [{ kind: 'high_tech_enterprise', valid_until: '2027-12-31' }],
    awards: [{ level: 'provincial', year: 2024, rank: 2 }],
    makers_china: [],
    financing: [{ date: '2025-06-01', amount: '5000000', qualified_investor: true }],
    market: { since: '2016-01-01', national_share_pct: 12.5 },
    quality: { own_brand: true, quality_system_certified: true },
    rd_institution: { level: 'provincial' },
    product_fields: { strategic_emerging: true },
    operations: { core_processes_on_info_systems: 2 },
    local_indicators: [],
  }
}

/** A valid value for each field of a form spec (the Rust fixtures' `fill_form`). */
export function fillForm(spec) {
  const form = {}
  for (const f of spec.fields) {
    let v
    if (f.kind === 'number') v = Math.min(Math.max(f.min ?? 1, 1), f.max ?? Infinity)
    else if (f.kind === 'bool') v = true
    else if (f.kind === 'date') v = '2025-01-01'
    else if (f.kind === 'choice') v = f.options[0].value
    else v = '本企业专注航空紧固件研发制造，产品用于国产大飞机。'.slice(0, f.max_len ?? 200)
    form[f.id] = v
  }
  return form
}

/** Register and verify a legal person, save its profile and a self-assessment; returns a fresh token. */
export async function firm(api, login, usccCode, name, region, phone) {
  await api.call('POST', '/v1/accounts', { body: { login_name: login, password: PASSWORD, phone }, expect: 201 })
  let token = await api.login(login)
  await api.call('POST', '/v1/accounts/me/real-name', {
    token,
    body: { subject_type: 'legal_person', uscc: usccCode, enterprise_name: name, legal_representative: '张三' },
    expect: 200,
  })
  token = await api.login(login)
  await api.call('PUT', '/v1/enterprise', { token, body: profile(region), expect: 200 })
  const q = await api.call('GET', '/v1/digital-assessments/questionnaire', { token, expect: 200 })
  const answers = Object.fromEntries(q.questions.map((x) => [x.id, x.kind === 'multi' ? [x.options[0].id] : x.options[0].id]))
  await api.call('POST', '/v1/digital-assessments', { token, body: { answers }, expect: 201 })
  return token
}

async function upload(api, token, id, slot) {
  const bytes = pdfBytes(`${id} ${slot}`)
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const ticket = await api.call('POST', `/v1/declarations/${id}/evidence`, {
    token,
    body: { slot, file_name: `${slot}.pdf`, content_type: 'application/pdf', size: bytes.length, sha256 },
    expect: 201,
  })
  const headers = Object.fromEntries(ticket.upload.headers.filter(([k]) => !/^(host|content-length)$/i.test(k)))
  const put = await fetch(ticket.upload.url, { method: 'PUT', headers, body: bytes })
  assert.ok(put.ok, `upload PUT answered ${put.status}`)
  await api.call('POST', `/v1/declarations/${id}/evidence/${ticket.evidence_id}/complete`, { token, expect: 200 })
}

/** Create, fill, attach every required evidence file and submit a declaration; returns its id. */
export async function submitDeclaration(api, token, tier = 'innovative', year = 2026) {
  const created = await api.call('POST', '/v1/declarations', { token, body: { tier, year }, expect: 201 })
  const spec = created.form_spec.spec
  await api.call('PUT', `/v1/declarations/${created.id}`, { token, body: { form: fillForm(spec) }, expect: 200 })
  for (const slot of spec.evidence.filter((s) => s.required)) await upload(api, token, created.id, slot.id)
  await api.call('POST', `/v1/declarations/${created.id}/submit`, { token, expect: 200 })
  return created.id
}

/** Resubmit a returned declaration as it is. */
export async function resubmit(api, token, id) {
  await api.call('POST', `/v1/declarations/${id}/submit`, { token, expect: 200 })
}
