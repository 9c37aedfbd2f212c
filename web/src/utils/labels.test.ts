import { describe, expect, it } from 'vitest'
import { chinaYear, dateTime } from './labels'

describe('dateTime', () => {
  it('shows a moment in China time, in the date pickers’ order and padding', () => {
    expect(dateTime('2026-06-30T10:00:00Z')).toBe('2026-06-30 18:00:00')
    expect(dateTime('2027-04-01T09:05:07+08:00')).toBe('2027-04-01 09:05:07')
  })
  it('writes midnight as 00, not 24', () => {
    expect(dateTime('2026-05-31T16:00:00Z')).toBe('2026-06-01 00:00:00')
  })
  it('leaves what is not a moment as it came, and nothing as nothing', () => {
    expect(dateTime('not a date')).toBe('not a date')
    expect(dateTime(null)).toBe('')
    expect(dateTime(undefined)).toBe('')
  })
})

describe('chinaYear', () => {
  it('is the year in China, which starts eight hours before the year in UTC', () => {
    expect(chinaYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026)
    expect(chinaYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027)
  })
})
