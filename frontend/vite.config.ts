/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` serves the app on its own port and sends /api and /ws to a running gateway
// (`make dev`, or QHEALTH_GATEWAY=http://127.0.0.1:<port>).
const gateway = process.env.QHEALTH_GATEWAY ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: {
      '/api': gateway,
      '/ws': { target: gateway.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: { sourcemap: false, target: 'es2022' },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // A form test types a whole journal entry; on a loaded two-core CI machine that can take
    // longer than the 5 s default without anything being wrong.
    testTimeout: 15_000,
  },
});
