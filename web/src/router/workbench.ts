// The officials' and operators' workbench (issue 10): one lazy chunk per screen under /admin, inside its layout.
import type { RouteRecordRaw } from 'vue-router'

const staff = (title: string) => ({ title, auth: true, staff: true })

export const workbenchRoutes: RouteRecordRaw[] = [
  {
    path: '/admin',
    component: () => import('@/pages/admin/WorkbenchLayout.vue'),
    meta: staff('工作台'),
    children: [
      { path: '', name: 'workbench', component: () => import('@/pages/admin/WorkbenchHome.vue'), meta: staff('工作台') },
      { path: 'queue', name: 'admin-queue', component: () => import('@/pages/admin/QueuePage.vue'), meta: staff('待办') },
      { path: 'declarations/:id', name: 'admin-review', component: () => import('@/pages/admin/ReviewPage.vue'), meta: staff('审核') },
      { path: 'publicity', name: 'admin-publicity', component: () => import('@/pages/admin/PublicityPage.vue'), meta: staff('公示') },
      { path: 'publicity/:id', name: 'admin-publicity-list', component: () => import('@/pages/admin/PublicityListPage.vue'), meta: staff('公示名单') },
      { path: 'windows', name: 'admin-windows', component: () => import('@/pages/admin/WindowsPage.vue'), meta: staff('申报时间') },
      { path: 'statistics', name: 'admin-statistics', component: () => import('@/pages/admin/StatisticsPage.vue'), meta: staff('统计') },
      { path: 'enterprises', name: 'admin-enterprises', component: () => import('@/pages/admin/EnterprisesPage.vue'), meta: staff('企业查询') },
      { path: 'enterprises/:uscc', name: 'admin-enterprise', component: () => import('@/pages/admin/EnterprisePage.vue'), meta: staff('企业信息') },
      { path: 'accounts', name: 'admin-accounts', component: () => import('@/pages/admin/AccountsPage.vue'), meta: staff('账户管理') },
      { path: 'checks', name: 'admin-checks', component: () => import('@/pages/admin/ChecksPage.vue'), meta: staff('人工核验') },
    ],
  },
]
