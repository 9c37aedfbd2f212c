// SHA-256 of a file in the browser, read in slices so a large file never sits in memory whole.
import { createSHA256 } from 'hash-wasm'

/** Bytes read per slice. */
export const CHUNK = 4 * 1024 * 1024

/** Anything with `size` and `slice()` returning something with `arrayBuffer()` (File, Blob). */
export interface Sliceable {
  size: number
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> }
}

/** Hex SHA-256 of `file`; `onProgress(fraction)` after each slice. */
export async function sha256Hex(file: Sliceable, onProgress?: (fraction: number) => void, chunk = CHUNK): Promise<string> {
  const hasher = await createSHA256()
  hasher.init()
  for (let offset = 0; offset < file.size; offset += chunk) {
    const end = Math.min(file.size, offset + chunk)
    const buf = await file.slice(offset, end).arrayBuffer()
    hasher.update(new Uint8Array(buf))
    onProgress?.(end / file.size)
  }
  if (file.size === 0) onProgress?.(1)
  return hasher.digest('hex')
}
