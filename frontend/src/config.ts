// Build-time settings (Vite's `VITE_*` variables), read in one place.

/** The clinic's time zone: date-times are typed and shown as the clinic's clocks read. */
export const CLINIC_TZ: string = import.meta.env.VITE_CLINIC_TZ || 'Europe/Stockholm';

/** The API lives on the same origin as the app (CloudFront or the local gateway): no CORS. */
export const API_BASE = '/api';

/** The live-update socket: `VITE_WS_URL`, or `/ws` on the page's own host. */
export function liveSocketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  const configured = import.meta.env.VITE_WS_URL;
  if (configured) return configured;
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
