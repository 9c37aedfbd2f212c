// Unsaved form input kept in sessionStorage, so an expired session (back to login) does not lose it.
import { watch, type Ref } from 'vue'

const PREFIX = 'sme.draft.'

export function loadDraft<T>(key: string): T | null {
  try {
    const raw = sessionStorage.getItem(PREFIX + key)
    return raw ? (JSON.parse(raw) as T) : null
  } catch {
    return null
  }
}

export function clearDraft(key: string) {
  sessionStorage.removeItem(PREFIX + key)
}

/** Keep `state` in sessionStorage under `key` while it changes (and `enabled()` holds). */
export function useDraft<T>(key: string, state: Ref<T>, enabled: () => boolean = () => true) {
  watch(
    state,
    (value) => {
      if (enabled()) sessionStorage.setItem(PREFIX + key, JSON.stringify(value))
    },
    { deep: true },
  )
  return { restore: () => loadDraft<T>(key), clear: () => clearDraft(key) }
}
