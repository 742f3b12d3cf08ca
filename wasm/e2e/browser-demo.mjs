// End-to-end test of the built npm package in Chromium, through the demo page
// (examples/browser): upload a chosen file, list, download, delete, and a round trip inside a
// module Web Worker — every request cross-origin to the emulator. Driven by playwright-core
// with Debian's /usr/bin/chromium. The bucket and its CORS rule are set up first from Node,
// with the same package.
// usage: node wasm/e2e/browser-demo.mjs ENDPOINT KEY_ID KEY_SECRET
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve } from '../../examples/browser/serve.mjs';

const [endpoint, id, secret] = process.argv.slice(2);
const pkg = new URL('../pkg/', import.meta.url);
const { default: init, Client } = await import(new URL('oss_wasm.js', pkg));
await init({ module_or_path: await readFile(new URL('oss_wasm_bg.wasm', pkg)) });

const bucket = 'wasm-demo';
const node = new Client({ endpoint, accessKeyId: id, accessKeySecret: secret, bucket });
await node.putBucket(bucket).catch((e) => assert.equal(e.code, 'BucketAlreadyExists'));
await node.putBucketCORS(bucket, [{
  allowedOrigin: '*', allowedMethod: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'], allowedHeader: '*',
  exposeHeader: ['ETag', 'x-oss-request-id', 'x-oss-hash-crc64ecma', 'x-oss-err'],
}]);

const server = await serve(0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ acceptDownloads: true });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const params = new URLSearchParams({ endpoint, bucket, id, secret });
  await page.goto(`http://127.0.0.1:${server.address().port}/examples/browser/?${params}`);
  const statusIs = (prefix) => page.waitForFunction(
    (p) => document.getElementById('status').textContent.startsWith(p), prefix, { timeout: 30_000 });
  await statusIs('ready');

  // Upload a 1 MiB file through the file input.
  const data = randomBytes(1 << 20);
  await page.setInputFiles('#file', { name: 'photo.bin', mimeType: 'application/octet-stream', buffer: data });
  await page.click('#upload');
  await statusIs('uploaded demo/photo.bin: 1048576 bytes, crc64 ');
  assert.equal(await page.$eval('#progress', (p) => p.value), 1);
  const stored = await node.get('demo/photo.bin');
  assert.deepEqual(Buffer.from(stored.content), data);
  const crc = stored.res.headers['x-oss-hash-crc64ecma'];
  assert.equal(await page.textContent('#status'), `uploaded demo/photo.bin: 1048576 bytes, crc64 ${crc}`);
  const row = page.locator('tr[data-name="demo/photo.bin"]');
  assert.equal(await row.locator('td').nth(1).textContent(), '1048576');

  // Download it again through the page (CRC-64 checked by get()).
  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('.download').click()]);
  assert.equal(download.suggestedFilename(), 'photo.bin');
  assert.deepEqual(await readFile(await download.path()), data);
  await statusIs(`downloaded demo/photo.bin: 1048576 bytes, crc64 ${crc}`);

  // Delete it.
  await row.locator('.delete').click();
  await statusIs('deleted demo/photo.bin');
  assert.equal((await node.list({ prefix: 'demo/' })).objects.length, 0);

  // The same package inside a module Web Worker.
  await page.click('#worker');
  await statusIs('worker round trip: hello from a worker at ');
  assert.deepEqual(errors, []);
  console.log('the npm package works in Chromium', browser.version(), '(page and Web Worker)');
} finally {
  await browser.close();
  server.close();
}
