// 我的消息: the unread count shown in the header, refreshed on navigation.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { api, ok, type Schemas } from '@/api/client'

export type MessageView = Schemas['MessageView']

export const useMessages = defineStore('messages', () => {
  const unread = ref(0)
  const items = ref<MessageView[]>([])
  async function refresh() {
    const page = await ok(api.GET('/v1/messages'))
    items.value = page.items
    unread.value = page.unread
  }
  async function markRead(id: string) {
    await ok(api.POST('/v1/messages/{id}/read', { params: { path: { id } } }))
    const m = items.value.find((i) => i.id === id)
    if (m && !m.read) {
      m.read = true
      unread.value = Math.max(0, unread.value - 1)
    }
  }
  return { unread, items, refresh, markRead }
})
