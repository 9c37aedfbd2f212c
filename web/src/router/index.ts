// Routes, one page file each, loaded on first visit (the home page's first load stays small).
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from '@/stores/session'
import { workbenchRoutes } from './workbench'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    /** Needs a session. */
    auth?: boolean
    /** Needs a verified legal-person (enterprise) account. */
    enterprise?: boolean
    /** Needs an official's or operator's account (the workbench). */
    staff?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/pages/HomePage.vue'), meta: { title: '首页' } },
  { path: '/register', name: 'register', component: () => import('@/pages/RegisterPage.vue'), meta: { title: '注册' } },
  { path: '/login', name: 'login', component: () => import('@/pages/LoginPage.vue'), meta: { title: '登录' } },
  { path: '/forgot-password', name: 'forgot', component: () => import('@/pages/ForgotPasswordPage.vue'), meta: { title: '忘记密码' } },
  { path: '/phone-change', name: 'phone-change', component: () => import('@/pages/PhoneChangePage.vue'), meta: { title: '手机号修改' } },
  { path: '/claim', name: 'claim', component: () => import('@/pages/ClaimPage.vue'), meta: { title: '统一社会信用代码认领', auth: true } },
  { path: '/verify', name: 'verify', component: () => import('@/pages/VerifyPage.vue'), meta: { title: '实名认证', auth: true } },
  { path: '/check', name: 'check', component: () => import('@/pages/ApplicationCheckPage.vue'), meta: { title: '申请书核验' } },
  { path: '/center', name: 'center', component: () => import('@/pages/CenterPage.vue'), meta: { title: '用户中心', auth: true } },
  { path: '/profile', name: 'profile', component: () => import('@/pages/ProfilePage.vue'), meta: { title: '企业信息管理', auth: true, enterprise: true } },
  { path: '/digital', name: 'digital', component: () => import('@/pages/DigitalPage.vue'), meta: { title: '数字化水平自评测', auth: true, enterprise: true } },
  { path: '/declarations', name: 'declarations', component: () => import('@/pages/DeclarationsPage.vue'), meta: { title: '申报记录', auth: true, enterprise: true } },
  { path: '/declarations/:id', name: 'declaration', component: () => import('@/pages/DeclarationPage.vue'), meta: { title: '企业申报', auth: true, enterprise: true } },
  { path: '/messages', name: 'messages', component: () => import('@/pages/MessagesPage.vue'), meta: { title: '我的消息', auth: true } },
  { path: '/info-updates', name: 'info-updates', component: () => import('@/pages/InfoUpdatesPage.vue'), meta: { title: '信息更新', auth: true, enterprise: true } },
  { path: '/re-reviews', name: 're-reviews', component: () => import('@/pages/ReReviewsPage.vue'), meta: { title: '认证到期管理', auth: true, enterprise: true } },
  { path: '/change-reports', name: 'change-reports', component: () => import('@/pages/ChangeReportsPage.vue'), meta: { title: '重大变更', auth: true, enterprise: true } },
  ...workbenchRoutes,
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('@/pages/NotFoundPage.vue'), meta: { title: '页面不存在' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach((to) => {
  const session = useSession()
  if (to.meta.auth && !session.loggedIn) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  // An unverified account is sent to real-name verification first (图3).
  if (to.meta.enterprise && session.loggedIn && !session.verified) {
    return { name: 'verify', query: { redirect: to.fullPath } }
  }
  // The workbench is for officials and operators; everyone else starts at the user centre.
  if (to.meta.staff && session.loggedIn && !session.isStaff) return { name: 'center' }
  if (to.meta.enterprise && session.isStaff) return { name: 'workbench' }
  // A natural person cannot declare (图6): the user centre says so.
  if (to.meta.enterprise && session.isNaturalPerson) return { name: 'center' }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title ? `${to.meta.title} - ` : ''}优质中小企业梯度培育平台`
})
