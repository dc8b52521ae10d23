import { createApp } from 'vue';
import App from './App.vue';
import { ApiKey, createPortalApi } from './api.js';
import { I18nKey, createPortalI18n, storedLocale } from './i18n/index.js';
import { RouterKey, createPortalRouter } from './router.js';
import './styles.css';

const saved = storedLocale();
const browser = navigator.language?.toLowerCase().startsWith('ru') ? 'ru' : 'en';

createApp(App)
  .provide(ApiKey, createPortalApi())
  .provide(I18nKey, createPortalI18n(saved ?? browser, saved !== null))
  .provide(RouterKey, createPortalRouter())
  .mount('#app');
