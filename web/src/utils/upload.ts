// PUT a file to a presigned URL with progress (XMLHttpRequest: fetch has no upload progress).
import { ApiError } from '@/api/problem'

export interface Presigned {
  method: string
  url: string
  /** Header pairs the signature binds; sent exactly as given. */
  headers: [string, string][]
}

export function putWithProgress(target: Presigned, body: Blob, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(target.method || 'PUT', target.url)
    for (const [name, value] of target.headers) {
      // The browser sets these itself and refuses them from scripts.
      if (['content-length', 'host'].includes(name.toLowerCase())) continue
      xhr.setRequestHeader(name, value)
    }
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1)
        resolve()
      } else {
        let problem = null
        try {
          problem = JSON.parse(xhr.responseText)
        } catch {
          problem = null
        }
        reject(new ApiError(xhr.status, problem ?? { detail: `上传失败（${xhr.status}），请重试` }))
      }
    }
    xhr.onerror = () => reject(new ApiError(0, { detail: '上传中断：网络连接失败，请重试' }))
    xhr.send(body)
  })
}
