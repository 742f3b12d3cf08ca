// Browser figures of the built package (wasm/pkg) in headless Chromium, beside ali-oss's in
// ../shared/docs/browser.md: how long `client.list()` takes to turn a 1000-key ListObjects page
// into ali-oss's result objects, and how many presigned URLs `signatureUrl` signs per second
// (V4 and V1). No network: the page replaces the global `fetch` with one that answers the same
// recorded-shape XML page at once, so what is timed is the package (signing, fetch driver,
// XML parsing, result objects). The page imports the package exactly as an application would.
// usage: node wasm/e2e/bench-browser.mjs   (after scripts/wasm-build.sh)
import { chromium } from 'playwright-core';
import { serve } from '../../examples/browser/serve.mjs';

const server = await serve(0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/examples/browser/`);
  const figures = await page.evaluate(async () => {
    const { default: init, Client } = await import('/wasm/pkg/oss_wasm.js');
    await init();

    // A 1000-key page shaped like OSS's: nested paths, owners, some keys needing escapes.
    const entries = [];
    for (let i = 0; i < 1000; i++) {
      const key = `photos/2024/${String(i % 12).padStart(2, '0')}/holiday-${i}${i % 7 ? '' : '&<>'}.jpg`;
      const escaped = key.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      entries.push(`<Contents><Key>${escaped}</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>` +
        `<ETag>"5B3C1A2E053D763E1B002CC607C5A0FE${i % 10}"</ETag><Type>Normal</Type><Size>${344606 + i}</Size>` +
        `<StorageClass>Standard</StorageClass><Owner><ID>1234567890123456</ID>` +
        `<DisplayName>1234567890123456</DisplayName></Owner></Contents>`);
    }
    const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>bench</Name>' +
      '<Prefix>photos/</Prefix><Marker></Marker><MaxKeys>1000</MaxKeys><Delimiter></Delimiter>' +
      `<IsTruncated>true</IsTruncated><NextMarker>photos/next</NextMarker>${entries.join('')}</ListBucketResult>`;
    const body = new TextEncoder().encode(xml);
    globalThis.fetch = async () => new Response(body, {
      status: 200,
      headers: { 'content-type': 'application/xml', 'x-oss-request-id': '5C3D9D5A1B2C3D4E5F607182' },
    });

    const client = new Client({
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'bench',
      accessKeyId: 'LTAI5tFakeAccessKeyId', accessKeySecret: 'FakeAccessKeySecretForVectors0123456789',
    });
    const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    for (let i = 0; i < 20; i++) await client.list({ prefix: 'photos/', 'max-keys': 1000 });
    const times = [];
    let objects = 0;
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      const page = await client.list({ prefix: 'photos/', 'max-keys': 1000 });
      times.push(performance.now() - t0);
      objects = page.objects.length;
    }
    if (objects !== 1000) throw new Error(`parsed ${objects} objects`);
    const listMs = median(times);

    const rate = (c) => {
      for (let i = 0; i < 2000; i++) c.signatureUrl(`photos/${i}.jpg`, { expires: 600 });
      const runs = [];
      for (let r = 0; r < 5; r++) {
        const n = 20000;
        const t0 = performance.now();
        for (let i = 0; i < n; i++) c.signatureUrl(`photos/${i}.jpg`, { expires: 600 });
        runs.push(n / ((performance.now() - t0) / 1000));
      }
      return median(runs);
    };
    const v4 = rate(client);
    const v1 = rate(new Client({
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'bench', signatureVersion: 'v1',
      accessKeyId: 'LTAI5tFakeAccessKeyId', accessKeySecret: 'FakeAccessKeySecretForVectors0123456789',
    }));
    const url = client.signatureUrl('photos/a.jpg', { expires: 600 });
    if (!url.includes('x-oss-signature-version=OSS4-HMAC-SHA256')) throw new Error(`not V4: ${url}`);
    return { bytes: body.length, listMs, v4, v1, userAgent: navigator.userAgent };
  });
  const mbps = figures.bytes / 1e6 / (figures.listMs / 1000);
  console.log(`browser: ${figures.userAgent}`);
  console.log(`list(): 1000-key page (${figures.bytes} bytes) in ${figures.listMs.toFixed(2)} ms median of 100 ` +
    `(${mbps.toFixed(1)} MB/s; ali-oss: 131 ms, 3 MB/s)`);
  console.log(`signatureUrl: V4 ${Math.round(figures.v4)}/s, V1 ${Math.round(figures.v1)}/s ` +
    '(median of 5 runs of 20000; ali-oss V4: 1,700/s)');
} finally {
  await browser.close();
  server.close();
}
