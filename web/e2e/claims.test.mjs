// 统一社会信用代码认领 in the browser, against the real sme-local (see support.mjs): a squatter verifies the
// rightful enterprise's USCC through the API; the enterprise meets USCC_TAKEN on the real-name page, follows
// 认领, files the claim and its documents; an operator approves it in the workbench (人工核验); the enterprise is
// then verified and the squatter is not. Same rules as walks.test.mjs: axe on every screen visited,
// screenshots at 1280 and 390 px, no console errors, every JSON answer checked against its OpenAPI schema.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { launch, openPage as open, PASSWORD, OPERATOR, ResponseSchemas, startRunner, uscc } from './support.mjs'
import { pdfBytes } from './journeys.mjs'

const CODE = uscc('91330106MA2H00055')
const NAME = '杭州丁新材料科技有限公司'
const SQUATTER = { login: 'cl_squat', phone: '13800030001' }
const RIGHTFUL = { login: 'cl_ding', phone: '13800030002' }
let runner
let browser
let schemas
const openPage = (b, base, opts = {}) => open(b, base, { ...opts, schemas })

before(async () => {
  runner = await startRunner()
  browser = await launch()
  schemas = await ResponseSchemas.load(runner.base)
  await runner.api.clock('2026-05-10T10:00:00+08:00')
})
after(async () => {
  console.log(`claims: response schemas checked against real answers: ${[...(schemas?.checked ?? [])].sort().join(', ')}`)
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

test('a squatted USCC is claimed in the browser, approved in the workbench, and the enterprise is verified', async () => {
  const api = runner.api
  // The squatter registers first and verifies the enterprise's code as its own.
  await api.call('POST', '/v1/accounts', { body: { login_name: SQUATTER.login, password: PASSWORD, phone: SQUATTER.phone }, expect: 201 })
  const squat = await api.login(SQUATTER.login)
  await api.call('POST', '/v1/accounts/me/real-name', {
    token: squat,
    body: { subject_type: 'legal_person', uscc: CODE, enterprise_name: NAME, legal_representative: '赵六' },
    expect: 200,
  })
  await api.call('POST', '/v1/accounts', { body: { login_name: RIGHTFUL.login, password: PASSWORD, phone: RIGHTFUL.phone }, expect: 201 })

  // The rightful enterprise (on a phone) meets USCC_TAKEN and follows the fourth step.
  const e = await openPage(browser, runner.base, { width: 390, height: 844 })
  const { page } = e
  await login(page, RIGHTFUL.login)
  await page.goto('/verify')
  await page.getByLabel('统一社会信用代码').fill(CODE)
  await page.getByLabel('企业名称').fill(NAME)
  await page.getByLabel('法定代表人姓名').fill('张三')
  await page.getByRole('button', { name: '立即认证' }).click()
  const box = page.getByTestId('uscc-taken')
  await box.waitFor()
  for (const link of ['使用统一社会信用代码作为登录名登录', '忘记密码', '手机号修改', '认领统一社会信用代码']) {
    assert.ok(await box.getByRole('link', { name: link }).isVisible(), link)
  }
  await e.check('cl-01-uscc-taken')
  await box.getByRole('link', { name: '认领统一社会信用代码' }).click()
  await page.waitForURL((u) => u.pathname === '/claim')
  assert.equal(await page.getByLabel('统一社会信用代码').inputValue(), CODE, 'the code comes along')
  // Nothing filled: every field says what it needs, nothing is filed.
  await page.getByLabel('统一社会信用代码').fill('')
  await page.getByRole('button', { name: '提交认领申请' }).click()
  await page.locator('[data-field="uscc"] .el-form-item__error').waitFor()
  await e.check('cl-02-claim-invalid')
  await page.getByLabel('统一社会信用代码').fill(CODE)
  await page.getByLabel('企业名称').fill(NAME)
  await page.getByLabel('法定代表人姓名').fill('张三')
  await page.getByLabel('法定代表人身份证号码', { exact: true }).fill('11010519491231002X')
  await page.getByLabel('认领理由').fill('本企业从未在平台注册，代码被他人冒用')
  await page.getByRole('button', { name: '提交认领申请' }).click()
  await page.getByTestId('claim-status').getByText('待核验').waitFor()
  const claimId = new URL(page.url()).searchParams.get('id')
  assert.ok(claimId, 'the claim stays reachable at its own address')
  for (const [slot, name] of [['business_licence', '营业执照.pdf'], ['legal_representative_id', '法定代表人身份证.pdf']]) {
    const slotBox = page.locator(`[data-slot="${slot}"]`)
    await slotBox.locator('input[type=file]').setInputFiles({ name, mimeType: 'application/pdf', buffer: pdfBytes(slot) })
    await slotBox.getByText('上传完成，文件已通过校验').waitFor()
    await slotBox.getByText(`已上传：${name}`).waitFor()
  }
  await e.check('cl-03-claim-filed')
  e.done()
  await e.close()

  // The same claim at 1280 px after a reload (its address holds the id).
  const wide = await openPage(browser, runner.base)
  await login(wide.page, RIGHTFUL.login)
  await wide.page.goto(`/claim?id=${claimId}`)
  await wide.page.getByTestId('claim-status').getByText('待核验').waitFor()
  await wide.page.locator('[data-slot="business_licence"]').getByText('已上传：营业执照.pdf').waitFor()
  await wide.check('cl-03-claim-filed')
  wide.done()
  await wide.close()

  // The operator's review on a phone (the two accounts stack).
  const small = await openPage(browser, runner.base, { width: 390, height: 844 })
  await login(small.page, ...OPERATOR)
  await small.page.waitForURL('**/admin/checks')
  const smallItem = small.page.getByTestId('uscc-claim').filter({ hasText: CODE })
  await smallItem.getByRole('button', { name: '核验此申请' }).click()
  await smallItem.getByTestId('claim-holder').getByText(SQUATTER.login).waitFor()
  await small.check('cl-10-claim-review')
  small.done()
  await small.close()

  // The operator reviews both accounts side by side and approves.
  const o = await openPage(browser, runner.base)
  await login(o.page, ...OPERATOR)
  await o.page.waitForURL('**/admin/checks')
  const item = o.page.getByTestId('uscc-claim').filter({ hasText: CODE })
  await item.getByRole('button', { name: '核验此申请' }).click()
  const review = item.getByTestId('claim-review')
  await review.getByTestId('claim-claimant').getByText(RIGHTFUL.login).waitFor()
  assert.ok(await review.getByTestId('claim-holder').getByText(SQUATTER.login).isVisible(), 'the holder beside the claimant')
  assert.ok(await review.getByText('11010519491231002X').isVisible(), 'the ID number, for operators')
  assert.ok(await review.getByText('本企业从未在平台注册，代码被他人冒用').isVisible())
  assert.equal(await review.getByTestId('claim-missing').count(), 0, 'nothing required is missing')
  const href = await review.getByTestId('claim-documents').getByRole('link', { name: '下载' }).first().getAttribute('href')
  const file = await fetch(new URL(href, runner.base))
  assert.equal(file.status, 200)
  assert.ok((await file.text()).startsWith('%PDF'))
  await o.check('cl-10-claim-review')
  await review.getByRole('button', { name: '通过' }).click()
  await o.page.getByRole('dialog').getByLabel('核验意见').fill('营业执照与法定代表人身份证件一致')
  await o.page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await o.page.getByText('没有待核验的认领申请。').waitFor()
  o.done()
  await o.close()

  const decided = await api.call('GET', `/v1/admin/uscc-claims/${claimId}`, { token: await api.operator(), expect: 200 })
  assert.equal(decided.claim.status, 'approved')

  // The enterprise logs in again and is the verified legal person; the squatter is not.
  const back = await openPage(browser, runner.base, { width: 390, height: 844 })
  await login(back.page, RIGHTFUL.login)
  await back.page.goto(`/claim?id=${claimId}`)
  await back.page.getByTestId('claim-status').getByText('已通过').waitFor()
  await back.check('cl-20-claim-approved')
  await back.page.goto('/verify')
  await back.page.getByText('已完成法人实名认证').waitFor()
  await back.check('cl-21-verified')
  back.done()
  await back.close()
  const me = await api.call('GET', '/v1/accounts/me', { token: await api.login(RIGHTFUL.login), expect: 200 })
  assert.equal(me.verification.status, 'verified')
  const holder = await api.call('GET', '/v1/accounts/me', { token: await api.login(SQUATTER.login), expect: 200 })
  assert.notEqual(holder.verification.status, 'verified', 'the squatter lost the code')
})

test('a claim missing a required document cannot be approved; a rejection needs a comment and the enterprise reads it', async () => {
  const api = runner.api
  const code = uscc('91330106MA2H00063')
  const name = '杭州戊光电有限公司'
  await api.call('POST', '/v1/accounts', { body: { login_name: 'cl_squat2', password: PASSWORD, phone: '13800030003' }, expect: 201 })
  await api.call('POST', '/v1/accounts/me/real-name', {
    token: await api.login('cl_squat2'),
    body: { subject_type: 'legal_person', uscc: code, enterprise_name: name, legal_representative: '赵六' },
    expect: 200,
  })
  await api.call('POST', '/v1/accounts', { body: { login_name: 'cl_wu', password: PASSWORD, phone: '13800030004' }, expect: 201 })

  const e = await openPage(browser, runner.base)
  await login(e.page, 'cl_wu')
  await e.page.goto(`/claim?uscc=${code}`)
  await e.page.getByLabel('企业名称').fill(name)
  await e.page.getByLabel('法定代表人姓名').fill('钱七')
  await e.page.getByLabel('法定代表人身份证号码', { exact: true }).fill('11010519491231002X')
  await e.page.getByLabel('认领理由').fill('代码被他人冒用')
  await e.page.getByRole('button', { name: '提交认领申请' }).click()
  await e.page.getByTestId('claim-status').getByText('待核验').waitFor()
  const claimId = new URL(e.page.url()).searchParams.get('id')
  const slotBox = e.page.locator('[data-slot="business_licence"]')
  await slotBox.locator('input[type=file]').setInputFiles({ name: '营业执照.pdf', mimeType: 'application/pdf', buffer: pdfBytes('licence 2') })
  await slotBox.getByText('上传完成，文件已通过校验').waitFor()

  const o = await openPage(browser, runner.base)
  await login(o.page, ...OPERATOR)
  await o.page.waitForURL('**/admin/checks')
  const item = o.page.getByTestId('uscc-claim').filter({ hasText: code })
  await item.getByRole('button', { name: '核验此申请' }).click()
  const review = item.getByTestId('claim-review')
  await review.getByTestId('claim-missing').getByText('法定代表人').waitFor()
  assert.ok(await review.getByRole('button', { name: '通过' }).isDisabled(), 'approval waits for every required document')
  await o.check('cl-11-claim-missing')
  await review.getByRole('button', { name: '驳回' }).click()
  const dialog = o.page.getByRole('dialog')
  await dialog.getByRole('button', { name: '确定' }).click()
  await dialog.getByTestId('error-summary').waitFor()
  assert.ok(await dialog.isVisible(), 'a rejection without a comment is refused')
  await dialog.getByLabel('核验意见').fill('营业执照与认领企业不符')
  await dialog.getByRole('button', { name: '确定' }).click()
  await o.page.getByText('没有待核验的认领申请。').waitFor()
  o.done()
  await o.close()

  await e.page.getByRole('button', { name: '刷新状态' }).click()
  await e.page.getByTestId('claim-status').getByText('已驳回').waitFor()
  await e.page.getByText('营业执照与认领企业不符').waitFor()
  await e.check('cl-22-claim-rejected')
  e.done()
  await e.close()
  const me = await api.call('GET', `/v1/uscc-claims/${claimId}`, { token: await api.login('cl_wu'), expect: 200 })
  assert.equal(me.status, 'rejected')
})
