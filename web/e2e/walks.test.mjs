// The browser walks, in order, against the real sme-local with a fresh data dir (see support.mjs).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launch, openPage as open, PASSWORD, ResponseSchemas, startRunner, uscc } from './support.mjs'

const USCC = uscc('91330106MA2H00012')
const NAME = '杭州云栖智造科技有限公司'
let runner
let browser
let schemas
const openPage = (b, base, opts = {}) => open(b, base, { ...opts, schemas })
/** State carried from walk to walk. */
const state = { declarationId: '' }

before(async () => {
  runner = await startRunner()
  browser = await launch()
  schemas = await ResponseSchemas.load(runner.base)
  await runner.api.clock('2026-05-10T10:00:00+08:00')
  await runner.api.window('innovative', '330000')
})
after(async () => {
  console.log(`response schemas checked against real answers: ${[...(schemas?.checked ?? [])].sort().join(', ')}`)
  await browser?.close()
  runner?.stop()
})

async function fill(page, label, value) {
  await page.getByLabel(label, { exact: true }).fill(value)
}

async function register(page, login, phone) {
  await page.goto('/register')
  await fill(page, '登录名', login)
  await fill(page, '密码', PASSWORD)
  await fill(page, '确认密码', PASSWORD)
  await fill(page, '手机号', phone)
  await page.getByRole('button', { name: '注册并进行实名认证' }).click()
  await page.waitForURL('**/verify')
}

async function login(page, name) {
  await page.goto('/login')
  await fill(page, '登录名或统一社会信用代码', name)
  await fill(page, '密码', PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

test('(1) register, verify as a legal person; a second account meets USCC_TAKEN and sees the recovery steps', async () => {
  const p = await openPage(browser, runner.base)
  const { page } = p
  await page.goto('/')
  await page.getByRole('heading', { name: '梯度培育申报入口' }).waitFor()
  assert.ok(await page.getByText('平台不对企业申报的先后顺序作出评判').isVisible())
  for (const t of ['创新型中小企业', '专精特新中小企业', '专精特新“小巨人”企业']) {
    assert.ok(await page.getByRole('heading', { name: t, exact: true }).isVisible(), t)
  }
  await page.getByText('暂无已认定企业名单').waitFor()
  await p.check('01-home')

  await page.goto('/register')
  await p.check('02-register')
  await register(page, 'yunqi01', '13800010001')
  await p.check('03-verify')
  await page.getByLabel('统一社会信用代码').fill(USCC)
  await page.getByLabel('企业名称').fill(NAME)
  await page.getByLabel('法定代表人姓名').fill('王云')
  await page.getByRole('button', { name: '立即认证' }).click()
  await page.waitForURL('**/center')
  await page.getByTestId('qualification').getByText('未认定').waitFor()
  await p.check('10-center')
  await page.getByRole('button', { name: '退出' }).click()

  // A second account claims the same USCC.
  await register(page, 'yunqi02', '13800010002')
  await page.getByLabel('统一社会信用代码').fill(USCC)
  await page.getByLabel('企业名称').fill(NAME)
  await page.getByLabel('法定代表人姓名').fill('李四')
  await page.getByRole('button', { name: '立即认证' }).click()
  const box = page.getByTestId('uscc-taken')
  await box.waitFor()
  for (const link of ['使用统一社会信用代码作为登录名登录', '忘记密码', '手机号修改']) {
    assert.ok(await box.getByRole('link', { name: link }).isVisible(), link)
  }
  await p.check('05-uscc-taken')
  await box.getByRole('link', { name: '使用统一社会信用代码作为登录名登录' }).click()
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.has('login'))
  assert.equal(await page.getByLabel('登录名或统一社会信用代码').inputValue(), USCC)
  await p.check('07-login')

  // The rightful holder logs in with the USCC.
  await fill(page, '密码', PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.waitForURL('**/center')

  // A natural person is told plainly it cannot declare.
  await page.getByRole('button', { name: '退出' }).click()
  await register(page, 'ziran01', '13800010003')
  await page.getByRole('radio', { name: '自然人' }).check({ force: true })
  await page.getByLabel('姓名').fill('赵六')
  await page.getByLabel('居民身份证号码').fill('11010519491231002X')
  await page.getByRole('button', { name: '立即认证' }).click()
  await page.getByTestId('natural-person').waitFor()
  assert.ok(await page.getByRole('link', { name: '注册新的法人账户' }).first().isVisible())
  await p.check('06-natural-person')
  p.done()
  await p.close()
})

test('忘记密码: a code by SMS to the bound phone, then the new password logs in', async () => {
  const p = await openPage(browser, runner.base, { width: 390, height: 844 })
  const { page } = p
  await page.goto('/forgot-password?login=yunqi02')
  await page.getByRole('button', { name: '获取验证码' }).click()
  await page.getByText('验证码已发送').waitFor()
  const outbox = await runner.api.call('GET', '/v1/dev/outbox', { expect: 200 })
  const sms = outbox.items.filter((m) => m.to === '13800010002' && m.body.includes('重置密码')).pop()
  const code = sms.body.match(/验证码 (\d{6})/)[1]
  await fill(page, '短信验证码', code)
  await fill(page, '新密码', 'NewPassw0rd2026')
  await p.check('08-forgot-password')
  await page.getByRole('button', { name: '重置密码' }).click()
  await page.getByText('密码已重置').waitFor()
  await runner.api.login('yunqi02', 'NewPassw0rd2026')
  p.done()
  await p.close()
})

test('(7 login) a wrong password five times locks the account and shows the time left', async () => {
  const p = await openPage(browser, runner.base, { width: 390, height: 844 })
  const { page } = p
  await page.goto('/login')
  await fill(page, '登录名或统一社会信用代码', 'ziran01')
  for (let i = 0; i < 10; i++) {
    await fill(page, '密码', 'Wrong-password-1')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await page.locator('[data-testid="error-summary"], [data-testid="locked"]').first().waitFor()
    if (await page.getByTestId('locked').isVisible()) break
    await page.waitForTimeout(100)
  }
  await page.getByTestId('locked').getByText(/账户已锁定，请在 .*(分|秒).* 后再试/).waitFor()
  await p.check('07-login-locked')
  p.done()
  await p.close()
})

test('(2) complete the profile through the cascading pickers', async () => {
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'yunqi01')
  // 图11: the first 申报 asks for the profile first.
  await page.getByRole('listitem').filter({ hasText: '创新型中小企业' }).getByRole('button', { name: '申报' }).click()
  await page.getByRole('dialog').getByText('请先完善企业基本信息').first().waitFor()
  await p.check('11-profile-prompt')
  await page.getByRole('button', { name: '去完善企业信息' }).click()
  await page.waitForURL('**/profile*')
  await page.getByRole('heading', { name: '近三年经营情况' }).waitFor()

  // 注册地: 浙江省 / 杭州市 / 西湖区.
  await page.locator('[data-field="region"] .el-cascader').click()
  for (const name of ['浙江省', '杭州市', '西湖区']) {
    await page.locator('.el-cascader-node').filter({ hasText: new RegExp(`^${name}$`) }).first().click()
  }
  // 所属行业: C 制造业 / 37 / 374 / 3741.
  await page.locator('[data-field="industry"] .el-cascader').click()
  for (const name of ['C 制造业', '37 铁路、船舶、航空航天和其他运输设备制造业', '374 航空、航天器及设备制造', '3741 飞机制造']) {
    await page.locator('.el-cascader-node').filter({ hasText: name }).last().click()
  }
  await page.keyboard.press('Escape')
  await fill(page, '详细地址', '文三路 90 号')
  await fill(page, '具体细分领域', '航空紧固件')
  await page.getByLabel('主导产品 1').fill('钛合金紧固件')
  const figures = { 营业收入: '30000000', 主营业务收入: '27000000', 研发费用: '1500000', 净利润: '3000000', 资产总额: '50000000', 负债总额: '20000000' }
  for (const year of [2023, 2024, 2025]) {
    for (const [k, v] of Object.entries(figures)) await page.getByLabel(`${year} 年${k}（元）`).fill(v)
    await page.getByLabel(`${year} 年从业人员（人）`).fill('120')
    await page.getByLabel(`${year} 年研发人员（人）`).fill('30')
  }
  await page.getByLabel('从业人员（人）', { exact: true }).fill('120')
  await page.getByLabel('Ⅰ类知识产权总数').fill('3')
  await page.getByLabel('其中自主研发').fill('2')
  await page.getByLabel('其中高价值专利').fill('1')
  await page.getByLabel('Ⅱ类知识产权总数').fill('5')
  await page.getByLabel('成立日期').fill('2015-03-01')
  await page.getByLabel('成立日期').press('Enter')
  await page.locator('.el-checkbox').filter({ hasText: '已确认荣誉资质情况' }).click()
  for (const item of ['awards', 'financing']) await page.locator(`[data-field="${item}"] .el-checkbox`).filter({ hasText: '无' }).click()
  await page.locator('[data-field="rd_institution"] .el-radio').filter({ hasText: /^无$/ }).click()
  await page.locator('.el-checkbox').filter({ hasText: '战略性新兴产业' }).click()
  await p.check('12-profile')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await page.waitForURL('**/center*')
  await page.goto('/profile')
  await page.getByTestId('region-name').getByText('浙江省 / 杭州市 / 西湖区').waitFor()
  await page.getByTestId('industry-name').getByText('3741 飞机制造').waitFor()
  p.done()
  await p.close()
})

test('(3) take the digital self-assessment twice; the latest counts', async () => {
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'yunqi01')
  for (const pick of ['first', 'last']) {
    await page.goto('/digital')
    await page.getByRole('button', { name: '提交评测' }).waitFor()
    for (const group of await page.locator('.el-radio-group.opts').all()) {
      const options = group.locator('.el-radio')
      await (pick === 'first' ? options.first() : options.last()).click()
    }
    for (const group of await page.locator('.el-checkbox-group.opts').all()) {
      const options = group.locator('.el-checkbox')
      if (pick === 'first') await options.first().click()
      else for (const o of await options.all()) await o.click()
    }
    if (pick === 'first') await p.check('16-digital')
    await page.getByRole('button', { name: '提交评测' }).click()
    await page.getByTestId('digital-latest').getByText('本次评测结果').waitFor()
  }
  const latest = await page.getByTestId('digital-latest').innerText()
  await p.check('17-digital-result')
  await page.goto('/digital')
  await page.getByTestId('digital-latest').getByText('最近一次评测结果').waitFor()
  assert.equal((await page.getByTestId('digital-latest').innerText()).replace('最近一次评测结果', '本次评测结果').split('评测时间')[0], latest.split('评测时间')[0])
  p.done()
  await p.close()
})

/** Fill every field of the rendered spec form by its label, as a user would. */
async function fillSpecForm(page, spec) {
  for (const f of spec.fields) {
    const item = page.locator(`[data-field="${f.id}"]`)
    if (f.kind === 'text' && /电话|手机/.test(f.label)) {
      await item.locator('input').first().fill('13800010001')
    } else if (f.kind === 'text' || f.kind === 'long_text') {
      const text = '本企业专注航空紧固件研发制造，产品用于国产大飞机。'
      await item.locator('input, textarea').first().fill(f.max_len ? text.slice(0, f.max_len) : text)
    } else if (f.kind === 'number') {
      const v = f.max != null ? Math.min(f.max, Math.max(f.min ?? 0, 1)) : Math.max(f.min ?? 0, 1)
      await item.locator('input').first().fill(String(v))
    } else if (f.kind === 'bool') {
      await item.locator('.el-checkbox').click()
    } else if (f.kind === 'date') {
      await item.locator('input').first().fill('2025-01-01')
      await item.locator('input').first().press('Enter')
    } else if (f.kind === 'choice') {
      await item.locator('.el-radio').first().click()
    }
  }
}

/** A real one-page PDF (it must parse: the platform checks the structure, not only the first bytes), padded to
 *  about `kb` KB with a comment-only content stream. */
function pdfFile(dir, name, kb = 64) {
  const path = join(dir, name)
  const content = `% ${'x'.repeat(kb * 1024)}\n`
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
  writeFileSync(path, out)
  return path
}

async function declareWithEvidence(p, tierLabel, shotPrefix) {
  const { page } = p
  await page.goto('/center')
  await page.getByRole('listitem').filter({ hasText: tierLabel }).getByRole('button', { name: '申报' }).click()
  await page.waitForURL('**/declarations/*')
  await page.getByRole('heading', { name: '申报表' }).waitFor()
  const id = page.url().split('/').pop()
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('sme.session')).token)
  const decl = await runner.api.call('GET', `/v1/declarations/${id}`, { token, expect: 200 })
  const spec = decl.form_spec.spec
  assert.ok(spec.fields.length > 0, 'the form comes from the API spec')
  await p.check(`${shotPrefix}13-form-empty`)
  await fillSpecForm(page, spec)
  await page.getByRole('button', { name: '暂存' }).click()
  await page.getByText('已暂存').waitFor()
  // The toast settles below the site header (two rows on a phone), never over its links.
  await page.waitForFunction(
    () => {
      const toast = document.querySelector('.el-message')?.getBoundingClientRect()
      const header = document.querySelector('.site-header').getBoundingClientRect()
      return toast && toast.top >= header.bottom
    },
    null,
    { timeout: 2000 },
  )
  const dir = mkdtempSync(join(tmpdir(), 'sme-evidence-'))
  for (const [i, slot] of spec.evidence.entries()) {
    const box = page.locator(`[data-slot="${slot.id}"]`)
    await box.locator('input[type=file]').setInputFiles(pdfFile(dir, `材料${i + 1}.pdf`, i === 0 ? 6000 : 64))
    if (i === 0) {
      await box.locator('.el-progress').waitFor()
      await p.check(`${shotPrefix}15-evidence-progress`)
    }
    await box.getByText('上传完成，文件已通过校验').waitFor({ timeout: 60_000 })
    await box.getByText(`已上传：材料${i + 1}.pdf`).waitFor()
  }
  // A file of a type the platform refuses is explained in Chinese.
  const first = page.locator(`[data-slot="${spec.evidence[0].id}"]`)
  writeFileSync(join(dir, 'virus.exe'), 'MZ')
  await first.locator('input[type=file]').setInputFiles(join(dir, 'virus.exe'))
  await first.getByText('文件类型不支持').waitFor()
  await p.check(`${shotPrefix}14-form-filled`)
  return { id, token, spec }
}

async function submitAndOpenRecords(page) {
  await page.getByRole('button', { name: '提交', exact: true }).click()
  const outcome = page.getByRole('dialog').getByText('申报已提交').or(page.getByTestId('error-summary'))
  await outcome.first().waitFor()
  const summary = page.getByTestId('error-summary')
  if (await summary.isVisible()) assert.fail(`submit refused: ${await summary.innerText()}`)
  await page.getByRole('button', { name: '查看申报记录' }).click()
  await page.waitForURL('**/declarations')
}

test('(4) declare with evidence chosen through the file input, progress seen, save, submit, withdraw to modify, resubmit', async () => {
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'yunqi01')
  const { id } = await declareWithEvidence(p, '创新型中小企业', '')
  state.declarationId = id
  await submitAndOpenRecords(page)
  const row = page.locator(`[data-declaration="${id}"]`)
  await row.getByText('未审核').waitFor()
  await p.check('18-records')
  await row.getByRole('button', { name: '操作记录' }).click()
  await page.getByRole('dialog').locator('.el-timeline-item').first().waitFor()
  await p.check('19-history')
  await page.keyboard.press('Escape')
  await row.getByRole('button', { name: '撤回修改' }).click()
  await page.getByRole('dialog').getByText('撤回后申报回到草稿状态').waitFor()
  await page.getByRole('button', { name: '确定撤回修改' }).click()
  await page.waitForURL(`**/declarations/${id}`)
  await submitAndOpenRecords(page)
  await row.getByText('未审核').waitFor()
  p.done()
  await p.close()
})

test('(5) after an official returns it, the enterprise sees the comment, fixes and resubmits', async () => {
  await runner.api.official('xihu_official', 'county', '330106')
  await runner.api.review('xihu_official', state.declarationId, 'return', '请补充研发费用明细说明')
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'yunqi01')
  await page.goto('/declarations')
  const row = page.locator(`[data-declaration="${state.declarationId}"]`)
  await row.getByText('退回', { exact: true }).waitFor()
  await row.getByText('请补充研发费用明细说明').waitFor()
  await row.getByRole('button', { name: '修改' }).click()
  await page.getByTestId('returned').getByText('审核意见：请补充研发费用明细说明').waitFor()
  await p.check('19-returned')
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: '下载申请书' }).click()
  assert.match((await download).suggestedFilename(), /^申请书-.*\.html$/)
  await submitAndOpenRecords(page)
  await row.getByText('未审核').waitFor()
  p.done()
  await p.close()
})

test('(6) after recognition, the enterprise sees 已认定 with its validity, and the messages', async () => {
  const api = runner.api
  await api.official('hz_official', 'city', '330100')
  await api.official('zj_official', 'province', '330000')
  await api.review('xihu_official', state.declarationId, 'pass')
  await api.review('hz_official', state.declarationId, 'pass')
  const last = await api.review('zj_official', state.declarationId, 'pass', '同意认定')
  assert.equal(last.status, 'publicity')
  const zj = await api.login('zj_official')
  const list = await api.call('POST', '/v1/admin/publicity', { token: zj, body: { tier: 'innovative' }, expect: 201 })
  await api.clock('2026-05-25T10:00:00+08:00')
  await api.call('POST', `/v1/admin/publicity/${list.id}/close`, { token: await api.login('zj_official'), expect: 200 })

  const p = await openPage(browser, runner.base)
  const { page } = p
  // The public list shows the batch.
  await page.goto('/')
  await page.getByRole('cell', { name: NAME }).waitFor()
  await p.check('01-home-recognised')
  await login(page, 'yunqi01')
  const badge = page.getByTestId('qualification')
  await badge.getByText('已认定 · 创新型中小企业').waitFor()
  await badge.getByText(/有效期：\d{4}-\d{2}-\d{2} 至 \d{4}-\d{2}-\d{2}/).waitFor()
  await p.check('23-qualification')
  // 我的消息 with the unread badge; opening one marks it read.
  await page.waitForFunction(() => document.querySelector('.badge')?.textContent?.trim() !== '')
  const before = Number(await page.locator('.site-header .badge').innerText())
  assert.ok(before > 0, 'unread messages are counted')
  await page.getByRole('link', { name: /我的消息/ }).first().click()
  await page.getByTestId('unread').getByText(`未读 ${before} 条`).waitFor()
  await p.check('22-messages')
  await page.locator('.list li.unread button').first().click()
  await page.getByTestId('unread').getByText(`未读 ${before - 1} 条`).waitFor()
  await page.goto('/re-reviews')
  await page.getByRole('cell', { name: '创新型中小企业' }).waitFor()
  await p.check('21-expiry')
  await page.goto('/change-reports')
  await page.getByRole('button', { name: '新增变更' }).click()
  await page.getByRole('dialog').getByLabel('变更情况说明').waitFor()
  await p.check('24-change-report')
  p.done()
  await p.close()
})

test('申请书核验: the number and digest printed on the paper answer 一致, an altered digest 不一致', async () => {
  const token = await runner.api.login('yunqi01')
  const decl = await runner.api.call('GET', `/v1/declarations/${state.declarationId}`, { token, expect: 200 })
  const digest = decl.snapshot.sha256
  const p = await openPage(browser, runner.base, { width: 390, height: 844 })
  const { page } = p
  await page.goto(`/check?id=${state.declarationId}&digest=${digest}`)
  const result = page.getByTestId('check-result')
  await result.getByText('一致', { exact: true }).waitFor()
  await result.getByText(NAME).waitFor()
  await result.getByText('创新型中小企业').waitFor()
  await p.check('check-match')
  const altered = (digest[0] === 'a' ? 'b' : 'a') + digest.slice(1)
  await page.getByLabel('申报快照校验值（SHA-256）').fill(altered)
  await page.getByRole('button', { name: '核验' }).click()
  await result.getByText('不一致', { exact: true }).waitFor()
  assert.equal(await result.getByText(NAME).count(), 0, 'a mismatch shows nothing of the declaration')
  await p.check('check-mismatch')
  p.done()
  await p.close()
})

test('(7) the declaration flow again on a 390 px phone', async () => {
  // A second enterprise, set up through the API (register, verify, profile), declares on a phone.
  const api = runner.api
  await api.clock('2026-05-26T10:00:00+08:00')
  await api.call('POST', '/v1/accounts', { body: { login_name: 'xihu02', password: PASSWORD, phone: '13800010009' }, expect: 201 })
  let token = await api.login('xihu02')
  const verified = await api.call('POST', '/v1/accounts/me/real-name', {
    token,
    body: { subject_type: 'legal_person', uscc: uscc('91330106MA2H00034'), enterprise_name: '杭州西湖精工有限公司', legal_representative: '陈七' },
    expect: 200,
  })
  token = verified.token
  const year = (y) => ({ year: y, operating_revenue: '30000000', main_business_revenue: '27000000', rd_expense: '1500000', net_profit: '3000000', total_assets: '50000000', total_liabilities: '20000000', employees: 120, rd_staff: 30 })
  const res = await fetch(`${runner.base}/v1/enterprise`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'if-match': '0' },
    body: JSON.stringify({
      region: '330106', address: '文三路 1 号', industry: '3741', niche_field: '航空紧固件', main_products: ['钛合金紧固件'],
      established_on: '2015-03-01', employees: 120, financials: [year(2023), year(2024), year(2025)],
      ip: { class1_high_value: 1, class1_self_developed: 2, class1_total: 3, class2_total: 5, class1_applied: 2 },
      honours: [], awards: [], makers_china: [], financing: [], rd_institution: { level: 'provincial' },
      product_fields: { strategic_emerging: true }, local_indicators: [],
    }),
  })
  assert.equal(res.status, 200, await res.text())

  const p = await openPage(browser, runner.base, { width: 390, height: 844 })
  const { page } = p
  await page.goto('/')
  await p.check('01-home')
  await login(page, 'xihu02')
  await p.check('10-center')
  await page.goto('/profile')
  await page.getByTestId('region-name').waitFor()
  await p.check('12-profile')
  // The session expires while the user types: back to login, and the unsaved input is still there after.
  await fill(page, '详细地址', '文三路 478 号（未保存）')
  await api.clock('2026-05-26T13:30:00+08:00')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/profile')
  await page.getByTestId('expired').waitFor()
  await p.check('07-login-expired')
  await fill(page, '登录名或统一社会信用代码', 'xihu02')
  await fill(page, '密码', PASSWORD)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.waitForURL('**/profile')
  await page.getByTestId('region-name').waitFor()
  assert.equal(await page.getByLabel('详细地址').inputValue(), '文三路 478 号（未保存）')
  const { id } = await declareWithEvidence(p, '创新型中小企业', 'phone-')
  await submitAndOpenRecords(page)
  const row = page.locator(`[data-declaration="${id}"]`)
  await row.getByText('未审核').waitFor()
  await p.check('18-records')
  // 撤回 after the window closed: a second confirmation warns that it can never be submitted again.
  await api.clock('2026-06-02T09:00:00+08:00')
  await login(page, 'xihu02')
  await page.goto('/declarations')
  await row.getByRole('button', { name: '撤回', exact: true }).click()
  await page.getByRole('button', { name: '确定撤回' }).click()
  await page.getByRole('dialog', { name: '申报时间已截止' }).waitFor()
  await p.check('18-withdraw-after-window')
  await page.getByRole('button', { name: '我已知晓，仍要撤回' }).click()
  await row.locator('.el-tag').filter({ hasText: '撤回' }).waitFor()
  assert.equal(await row.getByRole('button', { name: '撤回修改' }).count(), 0)
  p.done()
  await p.close()
})

test('(8) 信息更新 in the next update period: create, submit with the current profile, withdraw', async () => {
  await runner.api.clock('2027-01-10T10:00:00+08:00')
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'yunqi01')
  // In the update period the recognised enterprise may edit its profile: the new year's figures first.
  await page.goto('/profile')
  await page.getByRole('columnheader', { name: '2026 年' }).waitFor()
  const figures = { 营业收入: '36000000', 主营业务收入: '33000000', 研发费用: '2000000', 净利润: '3600000', 资产总额: '56000000', 负债总额: '21000000' }
  for (const [k, v] of Object.entries(figures)) await page.getByLabel(`2026 年${k}（元）`).fill(v)
  await page.getByLabel('2026 年从业人员（人）').fill('130')
  await page.getByLabel('2026 年研发人员（人）').fill('32')
  await page.getByRole('button', { name: '保存', exact: true }).click()
  await page.getByText('企业基本信息已保存').waitFor()
  await page.goto('/info-updates')
  await page.getByRole('button', { name: '新建本年度信息更新' }).click()
  await page.getByText('2027 年度信息更新').waitFor()
  await page.getByRole('button', { name: '以当前企业信息提交' }).click()
  await page.getByText('信息更新已提交').or(page.locator('.el-message--error')).first().waitFor()
  const failed = page.locator('.el-message--error')
  if (await failed.isVisible()) assert.fail(`info update refused: ${await failed.innerText()}`)
  await page.locator('.row').filter({ hasText: '2027 年度信息更新' }).getByText('未审核').waitFor()
  await p.check('20-info-update')
  await page.getByRole('button', { name: '撤回' }).click()
  await page.getByRole('button', { name: '确定撤回' }).click()
  await page.getByText('已撤回', { exact: true }).first().waitFor()
  p.done()
  await p.close()
})

test('(9) 复核 (图21): once a provincial official marks the recognised enterprise eligible, it applies for the re-review', async () => {
  const api = runner.api
  const zj = await api.login('zj_official')
  await api.call('POST', `/v1/admin/enterprises/${USCC}/re-review-eligibility`, { token: zj, body: { tier: 'innovative' }, expect: 201 })
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'yunqi01')
  await page.goto('/re-reviews')
  await page.getByRole('heading', { name: '我的资质' }).waitFor()
  await page.getByRole('button', { name: '申请复核' }).click()
  await page.waitForURL('**/declarations/*')
  await page.getByRole('heading', { name: '申报表' }).waitFor()
  const id = page.url().split('/').pop()
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('sme.session')).token)
  const draft = await api.call('GET', `/v1/declarations/${id}`, { token, expect: 200 })
  assert.equal(draft.kind, 're_review')
  await p.check('21-re-review-form')
  await page.goto('/re-reviews')
  const row = page.locator('.row').filter({ hasText: '创新型中小企业复核' })
  await row.getByText('草稿').waitFor()
  await p.check('21-re-reviews')
  p.done()
  await p.close()
})

test('(10) 手机号修改 by 邮箱核验 (图8): the code goes to the bound e-mail, the new phone then receives the codes', async () => {
  const api = runner.api
  await api.call('POST', '/v1/accounts', { body: { login_name: 'youxiang01', password: PASSWORD, phone: '13800010031', email: 'owner@example.cn' }, expect: 201 })
  const p = await openPage(browser, runner.base, { width: 390, height: 844 })
  const { page } = p
  await page.goto('/phone-change?login=youxiang01')
  await fill(page, '新手机号', '13900010031')
  await p.check('08-phone-change')
  await page.getByRole('button', { name: '提交' }).click()
  await page.getByLabel('邮箱验证码').waitFor()
  const outbox = await api.call('GET', '/v1/dev/outbox', { expect: 200 })
  const mail = outbox.items.filter((m) => m.channel === 'email' && m.to === 'owner@example.cn').pop()
  assert.ok(mail, 'a code went to the bound e-mail')
  await fill(page, '邮箱验证码', mail.body.match(/(\d{6})/)[1])
  await page.getByRole('button', { name: '确认修改' }).click()
  await page.getByText('手机号已修改').waitFor()
  await p.check('08-phone-change-done')
  // The new phone receives the password-reset code.
  await api.call('POST', '/v1/password-resets', { body: { login: 'youxiang01' }, expect: 202 })
  const after = await api.call('GET', '/v1/dev/outbox', { expect: 200 })
  assert.ok(after.items.some((m) => m.channel === 'sms' && m.to === '13900010031' && m.body.includes('重置密码')))
  p.done()
  await p.close()
})
