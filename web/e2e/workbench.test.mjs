// The officials' and operators' workbench (issue 10) in the browser, against the real sme-local with a fresh
// data dir (see support.mjs); the enterprises' side is driven through the API (journeys.mjs), except where a
// walk says otherwise. Same rules as walks.test.mjs: axe on every screen visited, screenshots, no console
// errors, every JSON answer checked against its OpenAPI response schema.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { launch, openPage as open, PASSWORD, OPERATOR, ResponseSchemas, startRunner, uscc } from './support.mjs'
import { firm, pdfBytes, resubmit, submitDeclaration } from './journeys.mjs'

const A = { login: 'wb_jia', name: '杭州甲航空科技有限公司', uscc: uscc('91330106MA2H00021'), phone: '13800020001' }
const B = { login: 'wb_yi', name: '杭州乙精密制造有限公司', uscc: uscc('91330106MA2H00039'), phone: '13800020002' }
const C = { login: 'wb_bing', name: '杭州丙智能装备有限公司', uscc: uscc('91330106MA2H00047'), phone: '13800020003' }
let runner
let browser
let schemas
const openPage = (b, base, opts = {}) => open(b, base, { ...opts, schemas })
const state = { a: '', b: '', c: '', list: '' }

before(async () => {
  runner = await startRunner()
  browser = await launch()
  schemas = await ResponseSchemas.load(runner.base)
  await runner.api.clock('2026-05-10T10:00:00+08:00')
  await runner.api.window('innovative', '330000')
})
after(async () => {
  console.log(`workbench: response schemas checked against real answers: ${[...(schemas?.checked ?? [])].sort().join(', ')}`)
  await browser?.close()
  runner?.stop()
})

async function login(page, name, password = PASSWORD) {
  await page.goto('/login')
  await page.getByLabel('登录名或统一社会信用代码', { exact: true }).fill(name)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

async function logout(page) {
  await page.getByRole('button', { name: '退出' }).click()
  await page.waitForURL((u) => u.pathname === '/')
}

/** Open a declaration from the official's 待办 (declarations tab), by enterprise name. */
async function openFromQueue(page, name) {
  await page.goto('/admin/queue')
  const link = page.getByTestId('queue').getByRole('link', { name })
  await link.waitFor()
  await link.click()
  await page.waitForURL('**/admin/declarations/*')
  await page.getByRole('heading', { name: '审核记录' }).waitFor()
}

/** Pick a region in the 账户管理 cascader, by names from its first menu down. */
async function pickRegion(page, names) {
  await page.locator('[data-field="region"] .el-cascader').click()
  for (const [i, name] of names.entries()) {
    await page.locator('.el-cascader-menu').nth(i).locator('.el-cascader-node').filter({ hasText: new RegExp(`^${name}$`) }).click()
  }
  await page.locator('.el-cascader__dropdown').waitFor({ state: 'hidden' })
}

async function startReview(page) {
  await page.getByRole('button', { name: '开始审核' }).click()
  await page.getByRole('button', { name: '提交审核意见' }).waitFor()
}

async function decide(page, decision, comment = '') {
  await page.locator('.el-radio').filter({ hasText: new RegExp(`^${decision}$`) }).click()
  if (comment) await page.getByLabel('审核意见').fill(comment)
  await page.getByRole('button', { name: '提交审核意见' }).click()
  await page.getByRole('button', { name: '提交审核意见' }).waitFor({ state: 'detached' })
}

test('an operator creates a county official and approves a manual phone change', async () => {
  // 图9: the enterprise asks for a manual phone change on the public page (no login: it lost its phone).
  await firm(runner.api, A.login, A.uscc, A.name, '330106', A.phone)
  const e = await openPage(browser, runner.base, { width: 390, height: 844 })
  await e.page.goto(`/phone-change?login=${A.login}`)
  await e.page.getByLabel('新手机号').fill('13900020001')
  await e.page.getByRole('radio', { name: /人工核验/ }).check({ force: true })
  await e.page.getByLabel('联系人姓名').fill('张三')
  await e.page.getByLabel('居民身份证号码').fill('11010519491231002X')
  await e.page.getByLabel('修改原因').fill('原手机号已停用')
  await e.page.getByRole('button', { name: '提交' }).click()
  await e.page.getByText('查询码：').waitFor()
  // It is decided on documents: the enterprise's licence, the sealed letter and the person's ID, filed with the 查询码.
  for (const [slot, name] of [['business_licence', '营业执照.pdf'], ['authorisation_letter', '授权委托书.pdf'], ['id_card', '身份证.pdf']]) {
    const box = e.page.locator(`[data-slot="${slot}"]`)
    await box.locator('input[type=file]').setInputFiles({ name, mimeType: 'application/pdf', buffer: pdfBytes(slot) })
    await box.getByText('上传完成，文件已通过校验').waitFor()
    await box.getByText(`已上传：${name}`).waitFor()
  }
  await e.check('wb-09-phone-change-manual')
  e.done()
  await e.close()

  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, ...OPERATOR)
  await page.waitForURL('**/admin/checks')
  const request = page.getByTestId('phone-change').filter({ hasText: A.login })
  await request.getByText('有此账户').waitFor()
  assert.ok(await request.getByText(A.name).isVisible(), 'what is on file beside the claims')
  assert.ok(await request.getByText('11010519491231002X').isVisible(), 'the claims are shown')
  assert.ok(await request.getByText('原手机号已停用').isVisible())
  await p.check('wb-40-checks')
  await request.getByRole('button', { name: '通过' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await page.getByText('没有待核验的申请。').waitFor()
  const outbox = await runner.api.call('GET', '/v1/dev/outbox', { expect: 200 })
  assert.ok(outbox.items.some((m) => m.channel === 'sms' && m.to === '13900020001'), 'the result goes by SMS to the new phone')

  // 账户管理: a county official of Xihu.
  await page.getByRole('link', { name: '账户管理' }).click()
  await page.getByRole('heading', { name: '创建主管部门账户' }).waitFor()
  await page.getByRole('combobox', { name: '级别' }).click({ force: true })
  await page.getByRole('option', { name: '区县级' }).click()
  // The region from the catalog, by name (an operator starts from every province).
  await pickRegion(page, ['浙江省', '杭州市', '西湖区'])
  await page.getByLabel('登录名', { exact: true }).fill('xihu_c')
  await page.getByLabel('初始密码').fill(PASSWORD)
  await page.getByLabel('手机号', { exact: true }).fill('13700020001')
  await p.check('wb-41-accounts')
  await page.getByRole('button', { name: '创建账户' }).click()
  await page.getByTestId('created-officials').getByText('xihu_c · 区县级 浙江省 / 杭州市 / 西湖区').waitFor()
  // For a city's official the picker stops at the cities.
  await page.getByRole('combobox', { name: '级别' }).click({ force: true })
  await page.getByRole('option', { name: '市级' }).click()
  await pickRegion(page, ['浙江省', '杭州市'])
  assert.equal(await page.locator('[data-field="region"] input').inputValue(), '浙江省 / 杭州市')
  p.done()
  await p.close()
  // On a phone the picker's three menus stay inside the screen (the check fails on sideways overflow).
  const phone = await openPage(browser, runner.base, { width: 390, height: 844 })
  await login(phone.page, ...OPERATOR)
  await phone.page.goto('/admin/accounts')
  await phone.page.getByRole('combobox', { name: '级别' }).click({ force: true })
  await phone.page.getByRole('option', { name: '区县级' }).click()
  await phone.page.locator('[data-field="region"] .el-cascader').click()
  for (const [i, name] of ['浙江省', '杭州市'].entries()) {
    await phone.page.locator('.el-cascader-menu').nth(i).locator('.el-cascader-node').filter({ hasText: new RegExp(`^${name}$`) }).click()
  }
  await phone.page.locator('.el-cascader-menu').nth(2).getByText('西湖区', { exact: true }).waitFor()
  await phone.check('wb-41-accounts-picker-phone')
  phone.done()
  await phone.close()
  await runner.api.login('xihu_c')
})

test('county, city and province review in their queues; the county returns once; publicity with an objection; recognised', async () => {
  const api = runner.api
  // The phone change ended A's sessions; its token is fresh here.
  const tokenA = await api.login(A.login)
  state.a = await submitDeclaration(api, tokenA)
  const tokenB = await firm(api, B.login, B.uscc, B.name, '330106', B.phone)
  await api.clock('2026-05-10T11:00:00+08:00')
  state.b = await submitDeclaration(api, tokenB)
  await api.official('hz_city', 'city', '330100')
  await api.official('zj_prov', 'province', '330000')
  await api.official('js_prov', 'province', '320000')

  // County: the queue holds both, oldest first; the review page shows evidence, score and size class.
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'xihu_c')
  await page.waitForURL('**/admin/queue')
  const queue = page.getByTestId('queue')
  await queue.getByRole('link', { name: B.name }).waitFor()
  const names = await queue.getByRole('link').allTextContents()
  assert.deepEqual(names, [A.name, B.name], 'oldest first')
  await p.check('wb-10-queue')
  // Filters: another industry section leaves nothing; the tier keeps both.
  await page.getByRole('combobox', { name: '行业门类' }).click({ force: true })
  await page.getByRole('option', { name: /^I / }).click()
  await page.getByTestId('queue-empty').waitFor()
  await page.getByRole('combobox', { name: '行业门类' }).click({ force: true })
  await page.getByRole('option', { name: /^C / }).click()
  await queue.getByRole('link', { name: B.name }).waitFor()

  await openFromQueue(page, A.name)
  // The evidence and the score load beside the record: wait for them rather than look once.
  await page.getByTestId('evidence').getByRole('link', { name: '下载' }).first().waitFor()
  await page.getByTestId('score').waitFor()
  await page.getByTestId('size').getByText(/小型|中型|微型/).waitFor()
  await p.check('wb-11-review')
  // The evidence link works (short-lived, presigned).
  const href = await page.getByTestId('evidence').getByRole('link', { name: '下载' }).first().getAttribute('href')
  const file = await fetch(new URL(href, runner.base))
  assert.equal(file.status, 200)
  assert.ok((await file.text()).startsWith('%PDF'))
  await startReview(page)
  // 退回 needs a comment.
  await page.locator('.el-radio').filter({ hasText: /^退回$/ }).click()
  await page.getByRole('button', { name: '提交审核意见' }).click()
  await page.locator('[data-field="comment"]').getByText('请填写审核意见').waitFor()
  await decide(page, '退回', '请补充研发费用明细说明')
  await page.locator('.head').getByText('退回', { exact: true }).waitFor()
  await page.getByTestId('history').getByText('请补充研发费用明细说明').waitFor()
  await p.check('wb-12-returned')

  // The enterprise resubmits; the county passes it (at 390 px) and B too.
  await resubmit(api, await api.login(A.login), state.a)
  await api.review('xihu_c', state.b, 'pass')
  const phone = await openPage(browser, runner.base, { width: 390, height: 844 })
  await login(phone.page, 'xihu_c')
  await openFromQueue(phone.page, A.name)
  await phone.page.getByTestId('history').getByText('请补充研发费用明细说明').waitFor()
  await phone.check('wb-13-review-phone')
  await startReview(phone.page)
  await decide(phone.page, '通过')
  await phone.page.locator('.head').getByText('当前审核：市级').waitFor()
  await phone.page.goto('/admin/queue')
  await phone.page.getByTestId('queue-empty').waitFor()
  await phone.check('wb-14-queue-phone')
  phone.done()
  await phone.close()

  // City.
  await logout(page)
  await login(page, 'hz_city')
  await openFromQueue(page, A.name)
  await startReview(page)
  await decide(page, '通过', '同意')
  await api.review('hz_city', state.b, 'pass')

  // Another province: in none of its queues, and the not-found page on the declaration's address.
  await logout(page)
  await login(page, 'js_prov')
  for (const tab of ['申报', '复核', '年度信息更新', '重大变更']) {
    await page.getByRole('tab', { name: tab }).click()
    await page.getByTestId('queue-empty').waitFor()
  }
  await page.goto(`/admin/declarations/${state.a}`)
  await page.getByText('页面不存在', { exact: true }).waitFor()
  await p.check('wb-15-other-province-not-found')

  // Province: passes A (B through the API) → both wait for publicity.
  await logout(page)
  await login(page, 'zj_prov')
  await openFromQueue(page, A.name)
  await startReview(page)
  await decide(page, '通过', '同意认定')
  await page.locator('.head').getByText('公示中').waitFor()
  await api.review('zj_prov', state.b, 'pass')

  // 公示: both on the list; an objection pulls B out at once; closing after the period recognises A.
  await page.getByRole('link', { name: '公示', exact: true }).click()
  const waiting = page.getByTestId('publicity-waiting')
  await waiting.getByText(B.name).waitFor()
  assert.ok(await waiting.getByText(A.name).isVisible())
  await p.check('wb-20-publicity')
  await page.getByRole('button', { name: '发布公示（2 家）' }).click()
  await page.waitForURL('**/admin/publicity/*')
  state.list = page.url().split('/').pop()
  const entries = page.getByTestId('publicity-entries')
  await entries.getByRole('cell', { name: B.name, exact: true }).waitFor()
  await page.getByRole('button', { name: new RegExp(`异议撤出.*${B.name}`) }).click()
  await page.getByRole('dialog').getByLabel('异议理由').fill('收到实名举报，经核查研发费用数据不实')
  await page.getByRole('dialog').getByRole('button', { name: '确定撤出' }).click()
  await page.getByTestId('publicity-objected').getByText(B.name).waitFor()
  assert.equal(await entries.getByRole('cell', { name: B.name, exact: true }).count(), 0, 'B left the list at once')
  await p.check('wb-21-publicity-objection')
  // The workbench names the official's region; its 账户管理 picker starts at its own province.
  assert.equal(await page.locator('.menu .role').textContent(), '省级主管部门 · 浙江省')
  await page.getByRole('link', { name: '账户管理' }).click()
  await page.locator('[data-field="region"] .el-cascader').click()
  await page.locator('.el-cascader-menu').first().locator('.el-cascader-node').first().waitFor()
  assert.deepEqual(await page.locator('.el-cascader-menu').first().locator('.el-cascader-node').allTextContents(), ['浙江省'])
  await page.keyboard.press('Escape')
  // 申报时间 (windows) of the province.
  await page.getByRole('link', { name: '申报时间' }).click()
  await page.getByTestId('windows').getByText('创新型中小企业').waitFor()
  // The open innovative window: its opening is fixed (the API says why), its closing is extended.
  const editWindow = async () => {
    await page.getByRole('button', { name: /修改 2026 年创新型中小企业（浙江省）申报时间/ }).click()
    const edit = page.getByRole('dialog', { name: '修改申报时间' })
    await edit.getByText('梯度、年度和地区不能修改').waitFor()
    return edit
  }
  let edit = await editWindow()
  await edit.getByLabel('修改开始时间', { exact: true }).fill('2026-05-05 00:00')
  await edit.getByLabel('修改开始时间', { exact: true }).press('Enter')
  await edit.getByRole('button', { name: '保存修改' }).click()
  await edit.getByText('开始时间不能再修改').first().waitFor()
  await p.check('wb-32-window-change-refused')
  await edit.getByRole('button', { name: '取消' }).click()
  edit = await editWindow()
  await edit.getByLabel('修改截止时间', { exact: true }).fill('2026-06-30 18:00')
  await edit.getByLabel('修改截止时间', { exact: true }).press('Enter')
  await edit.getByRole('button', { name: '保存修改' }).click()
  await edit.waitFor({ state: 'hidden' })
  await page.getByTestId('windows').getByText('2026-06-30 18:00:00').waitFor()
  // A new window: specialized, next year, the province's own (entered in China time).
  await page.getByRole('button', { name: '新增申报时间' }).click()
  const dialog = page.getByRole('dialog', { name: '新增申报时间' })
  await dialog.getByRole('combobox', { name: '梯度' }).click({ force: true })
  await page.getByRole('option', { name: '专精特新中小企业' }).click()
  await dialog.getByLabel('年度').fill('2027')
  for (const [label, value] of [['开始时间', '2027-04-01 09:00'], ['截止时间', '2027-05-01 18:00']]) {
    await dialog.getByLabel(label).fill(value)
    await dialog.getByLabel(label).press('Enter')
  }
  await dialog.getByRole('button', { name: '保存' }).click()
  await page.getByTestId('windows').getByText('专精特新中小企业').waitFor()
  assert.ok(await page.getByTestId('windows').getByText('2027-04-01 09:00:00').isVisible(), 'opens in China time')
  await p.check('wb-30-windows')
  // The same on a phone: the table and the change dialog fit.
  const phoneW = await openPage(browser, runner.base, { width: 390, height: 844 })
  await login(phoneW.page, 'zj_prov')
  await phoneW.page.goto('/admin/windows')
  await phoneW.page.getByTestId('windows').getByText('2026-06-30 18:00:00').waitFor()
  await phoneW.check('wb-30-windows-phone')
  await phoneW.page.getByRole('button', { name: /修改 2026 年创新型中小企业（浙江省）申报时间/ }).click()
  await phoneW.page.getByRole('dialog', { name: '修改申报时间' }).getByText('梯度、年度和地区不能修改').waitFor()
  await phoneW.page.waitForTimeout(400) // the dialog's fade-in
  await phoneW.check('wb-32-window-change-phone')
  phoneW.done()
  await phoneW.close()

  await api.clock('2026-05-18T10:00:00+08:00')
  await login(page, 'zj_prov')
  // Any browser finds the open list on the 公示 page.
  await page.goto('/admin/publicity')
  await page.getByTestId('publicity-lists').getByRole('link', { name: '创新型中小企业拟认定名单公示' }).click()
  await page.waitForURL(`**/admin/publicity/${state.list}`)
  await page.getByRole('button', { name: '公示办结' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '办结' }).click()
  await page.locator('.head').getByText('已办结').waitFor()
  await entries.getByRole('cell', { name: '已认定', exact: true }).waitFor()
  await p.check('wb-22-publicity-closed')

  // The enterprise view shows the qualification.
  await page.goto(`/admin/enterprises/${A.uscc}`)
  await page.getByText('创新型中小企业').first().waitFor()
  await page.getByText('有效', { exact: true }).waitFor()
  // 满足复核条件, marked by the province.
  await page.getByRole('button', { name: '标记满足复核条件' }).click()
  await page.getByText('已标记：满足创新型中小企业复核条件').waitFor()
  await p.check('wb-35-enterprise')
  p.done()
  await p.close()

  // The enterprise sees it.
  const ent = await openPage(browser, runner.base)
  await login(ent.page, A.login)
  await ent.page.goto('/center')
  await ent.page.getByTestId('qualification').getByText(/已认定/).waitFor()
  ent.done()
  await ent.close()
})

test('two officials act on the same declaration at once: the second sees the conflict and the fresh state', async () => {
  const api = runner.api
  const tokenC = await firm(api, C.login, C.uscc, C.name, '330106', C.phone)
  state.c = await submitDeclaration(api, tokenC)
  await api.official('xihu_c2', 'county', '330106')
  const first = await openPage(browser, runner.base)
  const second = await openPage(browser, runner.base)
  await login(first.page, 'xihu_c')
  await login(second.page, 'xihu_c2')
  await openFromQueue(first.page, C.name)
  await openFromQueue(second.page, C.name)
  await startReview(first.page)
  await second.page.getByRole('button', { name: '开始审核' }).click()
  await second.page.getByTestId('conflict').waitFor()
  await second.page.locator('.head').getByText('审核中').waitFor()
  await second.check('wb-16-conflict')
  // Both now decide: the first returns it, the second's pass meets the conflict.
  await decide(first.page, '退回', '请补充材料')
  await second.page.locator('.el-radio').filter({ hasText: /^通过$/ }).click()
  await second.page.getByRole('button', { name: '提交审核意见' }).click()
  await second.page.getByTestId('conflict').waitFor()
  await second.page.locator('.head').getByText('退回').waitFor()

  // 重大变更 waits in its own tab and is accepted in place.
  await api.call('POST', '/v1/change-reports', {
    token: await api.login(C.login),
    body: { kind: 'overseas_branch', occurred_on: '2026-05-01', details: '在新加坡设立全资子公司，负责东南亚市场销售' },
    expect: 201,
  })
  await first.page.goto('/admin/queue')
  await first.page.getByRole('tab', { name: '重大变更' }).click()
  const report = first.page.getByTestId('queue').locator('.item').filter({ hasText: C.name })
  await report.getByText('设立境外分支机构').waitFor()
  await first.check('wb-17-change-reports')
  await report.getByRole('button', { name: '通过' }).click()
  await first.page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await first.page.getByTestId('queue-empty').waitFor()
  first.done()
  second.done()
  await first.close()
  await second.close()
})

test('the statistics show the counts of the walk in charts and tables; the CSV download parses', async () => {
  const p = await openPage(browser, runner.base)
  const { page } = p
  await login(page, 'zj_prov')
  await page.getByRole('link', { name: '统计' }).click()
  await page.getByTestId('stats-total').getByText('3').waitFor()
  assert.match(await page.getByTestId('stats-total').textContent(), /^辖区（浙江省）申报总数/)
  const rows = async (id) =>
    Object.fromEntries(
      (await page.getByTestId(id).locator('tbody tr').all()).length
        ? await Promise.all((await page.getByTestId(id).locator('tbody tr').all()).map(async (r) => (await r.locator('td').allTextContents()).slice(0, 2)))
        : [],
    )
  assert.deepEqual(await rows('stats-tier'), { 创新型中小企业: '3' })
  assert.deepEqual(await rows('stats-status'), { 已认定: '1', 不通过: '1', 退回: '1' })
  assert.deepEqual(await rows('stats-region'), { '浙江省 / 杭州市': '3' })
  assert.equal((await rows('stats-section'))['C 制造业'], '3')
  assert.ok(await page.locator('.chart svg').first().isVisible(), 'charts are drawn')
  await p.check('wb-31-statistics')
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()])
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '')
  const [head, ...lines] = csv.trim().split(/\r?\n/)
  const columns = head.split(',')
  assert.ok(columns.includes('count') && columns.includes('status'), head)
  const total = lines.map((l) => Number(l.split(',')[columns.indexOf('count')])).reduce((a, b) => a + b, 0)
  assert.equal(total, 3)

  // Revocation with its reason (the province recognises 创新型): the qualification shows 已撤销.
  await page.goto(`/admin/enterprises/${A.uscc}`)
  await page.getByRole('button', { name: '撤销资质' }).click()
  await page.getByRole('dialog').getByLabel('撤销理由').fill('发生重大安全事故')
  await page.getByRole('dialog').getByRole('button', { name: '确定撤销' }).click()
  await page.getByText('已撤销', { exact: true }).waitFor()
  await p.check('wb-36-revoked')
  p.done()
  await p.close()
})
