// The session: token and the account it belongs to, kept in sessionStorage so a reload keeps the user logged in.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, ok, type Schemas } from '@/api/client'

export type AccountView = Schemas['AccountView']

const KEY = 'sme.session'

interface Saved {
  token: string
  expiresAt: string
  account: AccountView | null
}

function load(): Saved | null {
  try {
    const raw = sessionStorage.getItem(KEY)
    return raw ? (JSON.parse(raw) as Saved) : null
  } catch {
    return null
  }
}

export const useSession = defineStore('session', () => {
  const saved = load()
  const token = ref<string | null>(saved?.token ?? null)
  const expiresAt = ref<string | null>(saved?.expiresAt ?? null)
  const account = ref<AccountView | null>(saved?.account ?? null)
  /** Set when the API said the token no longer works: the login page explains it. */
  const expired = ref(false)

  const loggedIn = computed(() => !!token.value)
  const verified = computed(() => account.value?.verification.status === 'verified')
  const isEnterprise = computed(() => account.value?.role === 'enterprise')
  /** Officials and operators work in the workbench. */
  const isStaff = computed(() => account.value?.role === 'official' || account.value?.role === 'operator')
  const isOperator = computed(() => account.value?.role === 'operator')
  const isNaturalPerson = computed(
    () =>
      account.value?.verification.status === 'verified' &&
      account.value?.verification.subject?.subject_type === 'natural_person',
  )

  function persist() {
    if (token.value) {
      sessionStorage.setItem(
        KEY,
        JSON.stringify({ token: token.value, expiresAt: expiresAt.value, account: account.value }),
      )
    } else {
      sessionStorage.removeItem(KEY)
    }
  }

  function signIn(newToken: string, newExpiresAt: string, newAccount: AccountView | null) {
    token.value = newToken
    expiresAt.value = newExpiresAt
    account.value = newAccount
    expired.value = false
    persist()
  }

  function setAccount(a: AccountView) {
    account.value = a
    persist()
  }

  async function refresh() {
    if (!token.value) return
    setAccount(await ok(api.GET('/v1/accounts/me')))
  }

  function signOut(reason: 'user' | 'expired' = 'user') {
    token.value = null
    expiresAt.value = null
    account.value = null
    expired.value = reason === 'expired'
    persist()
  }

  return { token, expiresAt, account, expired, loggedIn, verified, isEnterprise, isStaff, isOperator, isNaturalPerson, signIn, setAccount, refresh, signOut }
})
