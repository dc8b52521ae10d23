import { createRouter, createWebHistory, type RouteLocationMatched, type RouteRecordRaw } from 'vue-router';
import type { StaffAction } from '@reclaim/client/staff';
import type { Session } from './session/session.js';

declare module 'vue-router' {
  interface RouteMeta {
    /** Pages open to anyone (the sign-in page). */
    public?: boolean;
    /** A user whose roles allow any of these actions (the server's `me.can`) may open the page. */
    allowed?: StaffAction[];
  }
}

/** The console's pages by path and name (exported for tests, whose links resolve as the console's do). */
export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  // The pages the account mails link to (the token in the fragment), and "forgot password?".
  {
    path: '/forgot-password',
    name: 'forgot-password',
    component: () => import('./pages/account/ForgotPasswordPage.vue'),
    meta: { public: true },
  },
  {
    path: '/invitation/:tenant',
    name: 'invitation',
    component: () => import('./pages/account/SetPasswordPage.vue'),
    props: (to) => ({ purpose: 'invitation', tenant: String(to.params.tenant) }),
    meta: { public: true },
  },
  {
    path: '/reset-password/:tenant',
    name: 'reset-password',
    component: () => import('./pages/account/SetPasswordPage.vue'),
    props: (to) => ({ purpose: 'reset', tenant: String(to.params.tenant) }),
    meta: { public: true },
  },
  {
    path: '/confirm-address/:tenant',
    name: 'confirm-address',
    component: () => import('./pages/account/ConfirmAddressPage.vue'),
    props: true,
    meta: { public: true },
  },
  {
    path: '/',
    component: () => import('./layout/AppLayout.vue'),
    children: [
      { path: '', redirect: { name: 'board' } },
      { path: 'board', name: 'board', component: () => import('./pages/board/BoardPage.vue') },
      { path: 'complaints', name: 'complaints', component: () => import('./pages/list/ComplaintListPage.vue') },
      { path: 'me/notifications', name: 'my-notifications', component: () => import('./pages/me/MyNotificationsPage.vue') },
      { path: 'complaints/:number', name: 'complaint', component: () => import('./pages/complaint/ComplaintPage.vue'), props: true },
      {
        path: 'escalations',
        name: 'escalations',
        component: () => import('./pages/escalations/EscalationsPage.vue'),
        meta: { allowed: ['HANDLE_ESCALATIONS'] },
      },
      {
        path: 'actions',
        name: 'actions',
        component: () => import('./pages/actions/ActionsRegisterPage.vue'),
        meta: { allowed: ['MANAGE_CORRECTIVE_ACTIONS'] },
      },
      {
        // Its own chunk (ECharts with it): loaded when the page is opened, never with the console's first load.
        path: 'analysis',
        name: 'analysis',
        component: () => import('./pages/analysis/AnalysisPage.vue'),
        meta: { allowed: ['VIEW_ANALYSIS'] },
      },
      {
        path: 'register',
        name: 'register',
        component: () => import('./pages/register/RegisterPage.vue'),
        meta: { allowed: ['REGISTER_COMPLAINT'] },
      },
      {
        path: 'admin',
        component: () => import('./pages/admin/AdminLayout.vue'),
        meta: { allowed: ['MANAGE_USERS', 'MANAGE_CATEGORIES', 'MANAGE_TEMPLATES'] },
        children: [
          { path: '', name: 'admin', redirect: { name: 'admin-users' } },
          {
            path: 'users',
            name: 'admin-users',
            component: () => import('./pages/admin/UsersPage.vue'),
            meta: { allowed: ['MANAGE_USERS'] },
          },
          {
            path: 'departments',
            name: 'admin-departments',
            component: () => import('./pages/admin/DepartmentsPage.vue'),
            meta: { allowed: ['MANAGE_DEPARTMENTS'] },
          },
          {
            path: 'categories',
            name: 'admin-categories',
            component: () => import('./pages/admin/CategoriesPage.vue'),
            meta: { allowed: ['MANAGE_CATEGORIES'] },
          },
          {
            path: 'causes',
            name: 'admin-causes',
            component: () => import('./pages/admin/CausesPage.vue'),
            meta: { allowed: ['MANAGE_CATEGORIES'] },
          },
          {
            path: 'templates',
            name: 'admin-templates',
            component: () => import('./pages/admin/templates/TemplatesPage.vue'),
            meta: { allowed: ['MANAGE_TEMPLATES'] },
          },
          {
            path: 'sla',
            name: 'admin-sla',
            component: () => import('./pages/admin/sla/SlaPage.vue'),
            meta: { allowed: ['MANAGE_SETTINGS'] },
          },
          {
            path: 'company',
            name: 'admin-company',
            component: () => import('./pages/admin/CompanyPage.vue'),
            meta: { allowed: ['MANAGE_SETTINGS'] },
          },
          {
            path: 'integrations',
            name: 'admin-integrations',
            component: () => import('./pages/admin/integrations/IntegrationsPage.vue'),
            meta: { allowed: ['MANAGE_SETTINGS'] },
          },
          {
            path: 'webhooks',
            name: 'admin-webhooks',
            component: () => import('./pages/admin/integrations/WebhooksPage.vue'),
            meta: { allowed: ['MANAGE_SETTINGS'] },
          },
          {
            path: 'notifications',
            name: 'admin-notifications',
            component: () => import('./pages/admin/templates/NotificationsPage.vue'),
            meta: { allowed: ['MANAGE_TEMPLATES'] },
          },
          {
            path: 'surveys',
            name: 'admin-surveys',
            component: () => import('./pages/admin/surveys/SurveysPage.vue'),
            meta: { allowed: ['MANAGE_SURVEYS'] },
          },
          {
            path: 'mail',
            name: 'admin-mail',
            component: () => import('./pages/admin/MailPage.vue'),
            meta: { allowed: ['MANAGE_SETTINGS'] },
          },
        ],
      },
      // An address the console does not know says so, instead of sending the user elsewhere without a word.
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue') },
    ],
  },
];

/**
 * Whether the user may open a page: every matched record needs one of its
 * `allowed` actions, as the server reports them for the user (a nested
 * admin page narrows its parent). The guard and the navigation both ask this.
 */
export function mayOpen(session: Pick<Session, 'may'>, matched: readonly RouteLocationMatched[]): boolean {
  return matched.every((record) => {
    const allowed = record.meta.allowed as StaffAction[] | undefined;
    return !allowed || allowed.some((action) => session.may(action));
  });
}

export function createConsoleRouter(session: Session) {
  const router = createRouter({ history: createWebHistory(), routes });
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    await session.restore();
    if (!session.signedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    if (mayOpen(session, to.matched)) return true;
    // An admin page this user may not open: the admin pages they may, else the board.
    const inAdmin = to.matched.some((record) => record.path === '/admin');
    return inAdmin && mayOpen(session, router.resolve({ name: 'admin-categories' }).matched)
      ? { name: 'admin-categories' }
      : { name: 'board' };
  });
  return router;
}
