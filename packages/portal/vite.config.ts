import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// `pnpm dev` proxies the portal API to a server started separately (PORT 4000 by default).
const api = process.env.RECLAIM_API ?? 'http://127.0.0.1:4000';

export default defineConfig({
  base: '/p/',
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: false,
    __VUE_PROD_DEVTOOLS__: false,
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: false,
  },
  server: {
    proxy: {
      '/portal/graphql': { target: api, ws: true },
      '/portal/uploads': { target: api },
      '/files': { target: api },
    },
  },
  build: {
    target: 'es2022',
  },
});
