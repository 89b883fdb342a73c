// The home page's Largest Contentful Paint in headless Chromium, against a running gateway
// (BASE_URL): each load in a fresh browser context (empty cache), the median of N loads, on a
// desktop and a phone viewport, unthrottled and with a slow phone's CPU (4x) and network.
//   BASE_URL=http://127.0.0.1:8080 node e2e/lcp.mjs [loads]
import { DESKTOP, launch, PHONE } from './browser.mjs';

const base = process.env.BASE_URL;
if (!base) throw new Error('Set BASE_URL to the gateway serving the built app.');
const loads = Number(process.argv[2] ?? 9);

const SLOW = { cpu: 4, network: { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 } };

async function measureOnce(browser, viewport, throttle) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle.cpu });
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', throttle.network);
  }
  await page.goto(base, { waitUntil: 'load' });
  const entry = await page.evaluate(
    () =>
      new Promise((resolve) => {
        let last = null;
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          last = entries[entries.length - 1];
        }).observe({ type: 'largest-contentful-paint', buffered: true });
        // LCP is final once the page has been quiet for a moment (no input happens here).
        setTimeout(() => resolve(last && { time: last.startTime, element: last.element?.tagName ?? '', url: last.url }), 1500);
      }),
  );
  await context.close();
  return entry;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const browser = await launch();
try {
  for (const [name, viewport] of [['desktop 1280x860', DESKTOP], ['phone 390x844', PHONE]]) {
    for (const throttle of [null, SLOW]) {
      const results = [];
      for (let i = 0; i < loads; i++) results.push(await measureOnce(browser, viewport, throttle));
      const times = results.filter(Boolean).map((r) => r.time);
      const elements = [...new Set(results.filter(Boolean).map((r) => `${r.element}${r.url ? ` ${new URL(r.url).pathname}` : ''}`))];
      console.log(
        `LCP ${name}, ${throttle ? '4x CPU, 1.6 Mbps/150 ms' : 'unthrottled'}: median ${median(times).toFixed(0)} ms ` +
          `(min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}, n=${times.length}); element: ${elements.join(', ')}`,
      );
    }
  }
} finally {
  await browser.close();
}
