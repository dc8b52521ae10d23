import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from '@reclaim/client/staff';
import type { Session } from './session/session.js';

declare module 'vue-router' {
  interface RouteMeta {
    /** Pages open to anyone (the sign-in page). */
    public?: boolean;
    /** Any of these roles may open the page. */
    roles?: Role[];
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./layout/AppLayout.vue'),
    children: [
      { path: '', redirect: { name: 'board' } },
      { path: 'board', name: 'board', component: () => import('./pages/board/BoardPage.vue') },
      { path: 'complaints', name: 'complaints', component: () => import('./pages/list/ComplaintListPage.vue') },
      { path: 'complaints/:number', name: 'complaint', component: () => import('./pages/complaint/ComplaintPage.vue'), props: true },
      {
        path: 'escalations', name: 'escalations', component: () => import('./pages/escalations/EscalationsPage.vue'),
        meta: { roles: ['HEAD', 'QUALITY_MANAGER'] },
      },
      {
        path: 'register', name: 'register', component: () => import('./pages/register/RegisterPage.vue'),
        meta: { roles: ['OPERATOR', 'SPECIALIST', 'HEAD'] },
      },
      {
        path: 'admin',
        component: () => import('./pages/admin/AdminLayout.vue'),
        meta: { roles: ['ADMIN', 'QUALITY_MANAGER'] },
        children: [
          { path: '', name: 'admin', redirect: { name: 'admin-users' } },
          { path: 'users', name: 'admin-users', component: () => import('./pages/admin/UsersPage.vue'), meta: { roles: ['ADMIN'] } },
          { path: 'departments', name: 'admin-departments', component: () => import('./pages/admin/DepartmentsPage.vue'), meta: { roles: ['ADMIN'] } },
          { path: 'categories', name: 'admin-categories', component: () => import('./pages/admin/CategoriesPage.vue'), meta: { roles: ['ADMIN', 'QUALITY_MANAGER'] } },
          { path: 'templates', name: 'admin-templates', component: () => import('./pages/admin/templates/TemplatesPage.vue'), meta: { roles: ['ADMIN', 'QUALITY_MANAGER'] } },
          { path: 'sla', name: 'admin-sla', component: () => import('./pages/admin/sla/SlaPage.vue'), meta: { roles: ['ADMIN'] } },
          { path: 'company', name: 'admin-company', component: () => import('./pages/admin/CompanyPage.vue'), meta: { roles: ['ADMIN'] } },
        ],
      },
      // An address the console does not know says so, instead of sending the user elsewhere without a word.
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
    ],
  },
];

export function createConsoleRouter(session: Session) {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    await session.restore();
    if (!session.signedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    // Every matched record's roles must allow it (a nested admin page narrows its parent).
    for (const record of to.matched) {
      const roles = record.meta.roles as Role[] | undefined;
      if (roles && !session.hasRole(...roles)) {
        if (record.path === '/admin' || !session.hasRole('QUALITY_MANAGER')) return { name: 'board' };
        return { name: 'admin-categories' };
      }
    }
    return true;
  });
  return router;
}
