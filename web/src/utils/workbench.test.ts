import { describe, expect, it } from 'vitest'
import { LATE_DAYS, scopeDigits, waitedText } from './workbench'

describe('workbench helpers', () => {
  it('says how long an item has waited, in days and hours', () => {
    expect(waitedText(0, 5)).toBe('5 小时')
    expect(waitedText(3, 76)).toBe('3 天 4 小时')
    expect(waitedText(2, 48)).toBe('2 天')
  })
  it('reds items from the statistics’ first backlog band', () => {
    expect(LATE_DAYS).toBe(7)
  })
  it('knows how much of a region code each level covers', () => {
    expect(scopeDigits('county')).toBe(6)
    expect(scopeDigits('city')).toBe(4)
    expect(scopeDigits('province')).toBe(2)
    expect(scopeDigits('ministry')).toBe(0)
  })
})
