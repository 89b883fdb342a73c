/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The clinic's IANA time zone: every date-time is entered and shown in it. */
  readonly VITE_CLINIC_TZ?: string;
  /** Where the live-update socket is; default: `/ws` on the page's own host. */
  readonly VITE_WS_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
