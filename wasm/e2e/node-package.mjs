// The built npm package (wasm/pkg) as a Node user imports it — through its package.json
// `exports`, its JS glue and its .wasm — against the emulator scripts/wasm-test.sh started.
// The wasm-bindgen-test suites call the Rust side directly; this checks what npm ships.
// usage: node wasm/e2e/node-package.mjs ENDPOINT KEY_ID KEY_SECRET
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const [endpoint, accessKeyId, accessKeySecret] = process.argv.slice(2);
// Resolve 'oss-wasm' as a dependency would be, from wasm/typecheck/node_modules (a link to pkg).
const require = createRequire(new URL('../typecheck/', import.meta.url));
const entry = require.resolve('oss-wasm');
const { default: init, Client } = await import(entry);
await init({ module_or_path: await readFile(new URL('oss_wasm_bg.wasm', `file://${entry}`)) });

const bucket = 'wasm-package';
const client = new Client({ endpoint, accessKeyId, accessKeySecret, bucket, retryMax: 0 });
try {
  await client.putBucket(bucket);
} catch (e) {
  assert.equal(e.code, 'BucketAlreadyExists');
}
const data = new Uint8Array(100_000).map((_, i) => (i * 31) & 0xff);
const put = await client.put('pkg/object.bin', data, { mime: 'application/x-test', meta: { from: 'npm' } });
assert.equal(put.res.status, 200);
const got = await client.get('pkg/object.bin');
assert.ok(got.content instanceof Uint8Array);
assert.deepEqual(got.content, data);
assert.equal((await client.head('pkg/object.bin')).meta.from, 'npm');
const page = await client.list({ prefix: 'pkg/' });
assert.deepEqual(page.objects.map((o) => [o.name, o.size]), [['pkg/object.bin', 100_000]]);
await client.put('pkg/second', 'two');
const pages = [];
for await (const each of client.listPages({ prefix: 'pkg/', 'max-keys': 1 })) {
  pages.push(each.objects.map((o) => o.name));
}
assert.deepEqual(pages, [['pkg/object.bin'], ['pkg/second']]);
await client.delete('pkg/second');
const response = await fetch(client.signatureUrl('pkg/object.bin', { expires: 60 }));
assert.deepEqual(new Uint8Array(await response.arrayBuffer()), data);

const error = await client.get('pkg/missing').then(() => null, (e) => e);
assert.ok(error instanceof Error);
assert.equal(error.name, 'NoSuchKeyError');
assert.equal(error.code, 'NoSuchKey');
assert.equal(error.status, 404);
assert.ok(error.requestId.length > 0);
assert.throws(() => new Client({ bucket }), { name: 'TypeError' });

await client.deleteMulti(['pkg/object.bin']);
assert.equal((await client.list({ prefix: 'pkg/' })).objects.length, 0);
await client.deleteBucket(bucket);
console.log('the npm package works in Node', process.version);
