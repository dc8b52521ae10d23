import { createApp, watch } from 'vue';
import { createReclaimClient } from '@reclaim/client';
import App from './App.vue';
import { applyLocale, createConsoleI18n, resolveLocale } from './i18n/index.js';
import { createConsoleRouter } from './router.js';
import { createSession } from './session/session.js';
import { installNaiveA11y } from './components/naive-a11y.js';
import { ClientKey, SessionKey } from './apollo.js';

const session = createSession();
const client = createReclaimClient({
  httpUrl: '/graphql',
  getToken: () => session.state.token,
  onUnauthenticated: () => session.expire(),
});
session.attach(client.apollo);
session.onEnd(() => void client.reset());

const i18n = createConsoleI18n();
// The user's choice, else (once signed in or restored) the company's language, else the browser's.
watch(
  () => session.state.tenant?.locale,
  (companyLocale) => applyLocale(i18n.global, resolveLocale(companyLocale)),
  { immediate: true },
);
const router = createConsoleRouter(session);
session.onEnd(() => void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } }));

createApp(App).provide(ClientKey, client).provide(SessionKey, session).use(i18n).use(router).mount('#app');
installNaiveA11y(document.getElementById('app')!, {
  increase: () => i18n.global.t('common.increase'),
  decrease: () => i18n.global.t('common.decrease'),
});
