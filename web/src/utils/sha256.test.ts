import { describe, expect, it } from 'vitest'
import { sha256Hex, type Sliceable } from './sha256'

function bytes(data: Uint8Array): Sliceable {
  return {
    size: data.length,
    slice: (start, end) => ({ arrayBuffer: async () => data.slice(start, end).buffer as ArrayBuffer }),
  }
}

describe('SHA-256 in the browser', () => {
  it('matches the FIPS 180-2 test vectors', async () => {
    expect(await sha256Hex(bytes(new TextEncoder().encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(await sha256Hex(bytes(new Uint8Array()))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('streams in slices: the digest does not depend on the slice size, progress reaches 1', async () => {
    const data = new Uint8Array(1_000_003).map((_, i) => (i * 31 + 7) % 251)
    const whole = await sha256Hex(bytes(data), undefined, data.length)
    const seen: number[] = []
    const sliced = await sha256Hex(bytes(data), (f) => seen.push(f), 64 * 1024)
    expect(sliced).toBe(whole)
    expect(seen.length).toBe(Math.ceil(data.length / (64 * 1024)))
    expect(seen.at(-1)).toBe(1)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
  })
})
