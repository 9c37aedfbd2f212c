// The publicity lists an official published from this browser (the API reads a list by its id).
export interface RememberedList {
  id: string
  title: string
  starts_at: string
}

const key = (account: string) => `sme.publicity.${account}`

export function rememberedLists(account: string): RememberedList[] {
  try {
    return JSON.parse(localStorage.getItem(key(account)) ?? '[]') as RememberedList[]
  } catch {
    return []
  }
}

export function rememberList(account: string, list: RememberedList) {
  const all = [list, ...rememberedLists(account).filter((l) => l.id !== list.id)].slice(0, 20)
  localStorage.setItem(key(account), JSON.stringify(all))
}
