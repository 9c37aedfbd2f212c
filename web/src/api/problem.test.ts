import { describe, expect, it } from 'vitest'
import { ApiError, durationText, errorFromResponse, fieldKey } from './problem'

describe('problem+json → messages and field errors', () => {
  it('keeps the Chinese detail and maps errors[] to field keys', () => {
    const e = new ApiError(422, {
      code: 'VALIDATION_FAILED',
      detail: '提交的信息有误',
      errors: [
        { field: 'form.contact_phone', code: 'INVALID_PHONE', message: '手机号格式不正确' },
        { field: 'financials[0].operating_revenue', code: 'REQUIRED', message: '请填写此项金额' },
        { field: 'form.contact_phone', code: 'TOO_LONG', message: '最多11个字符' },
        { code: 'X', message: '整体有误' },
      ],
    })
    expect(e.message).toBe('提交的信息有误')
    expect(e.code).toBe('VALIDATION_FAILED')
    expect(e.field('contact_phone')).toBe('手机号格式不正确；最多11个字符')
    expect(e.field('financials[0].operating_revenue')).toBe('请填写此项金额')
    expect(e.otherMessages).toEqual(['整体有误'])
  })

  it('strips the body prefixes and JSON-pointer slashes from field paths', () => {
    expect(fieldKey('profile.region')).toBe('region')
    expect(fieldKey('/form/rd_ratio')).toBe('rd_ratio')
    expect(fieldKey('uscc')).toBe('uscc')
  })

  it('gives a Chinese message when the answer carries no problem document', () => {
    expect(new ApiError(0, null).message).toBe('无法连接服务器，请检查网络后重试')
    expect(new ApiError(503, null).message).toBe('服务暂时不可用，请稍后再试')
    expect(new ApiError(418, null).message).toBe('请求有误，请检查后重试')
  })

  it('reads Retry-After of a lockout', async () => {
    const res = new Response(JSON.stringify({ code: 'ACCOUNT_LOCKED', detail: '账户已锁定' }), {
      status: 429,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '900' },
    })
    const e = await errorFromResponse(res)
    expect(e.code).toBe('ACCOUNT_LOCKED')
    expect(e.retryAfter).toBe(900)
    expect(durationText(e.retryAfter!)).toBe('15 分')
    expect(durationText(125)).toBe('2 分 5 秒')
    expect(durationText(3700)).toBe('1 小时 1 分')
  })
})
