// The demo page: the npm package (built into wasm/pkg by scripts/wasm-build.sh) used as a page
// would use it. Fields come from the query string (?endpoint=&bucket=&id=&secret=).
import init, { Client } from '../../wasm/pkg/oss_wasm.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
const query = new URLSearchParams(location.search);
for (const field of ['endpoint', 'bucket', 'id', 'secret']) $(field).value = query.get(field) ?? '';

function settings() {
  return {
    endpoint: $('endpoint').value, bucket: $('bucket').value,
    accessKeyId: $('id').value, accessKeySecret: $('secret').value,
  };
}
const client = () => new Client(settings());

async function list() {
  const { objects } = await client().list({ prefix: 'demo/' });
  const rows = $('objects');
  rows.replaceChildren();
  for (const object of objects) {
    const row = rows.insertRow();
    row.dataset.name = object.name;
    row.insertCell().textContent = object.name;
    row.insertCell().textContent = String(object.size);
    const actions = row.insertCell();
    const download = document.createElement('button');
    download.textContent = 'Download';
    download.className = 'download';
    download.onclick = () => run(() => save(object.name));
    const remove = document.createElement('button');
    remove.textContent = 'Delete';
    remove.className = 'delete';
    remove.onclick = () => run(async () => {
      await client().delete(object.name);
      await list();
      status(`deleted ${object.name}`);
    });
    actions.append(download, ' ', remove);
  }
  return objects;
}

async function save(name) {
  // get() checks the CRC-64 of the whole object before handing it over.
  const { content, res } = await client().get(name);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([content]));
  link.download = name.slice('demo/'.length);
  link.click();
  URL.revokeObjectURL(link.href);
  status(`downloaded ${name}: ${content.length} bytes, crc64 ${res.headers['x-oss-hash-crc64ecma']}`);
}

async function upload() {
  const file = $('file').files[0];
  if (!file) throw new Error('choose a file first');
  const name = `demo/${file.name}`;
  // One request: fetch reports no upload progress, so the bar moves per request.
  $('progress').value = 0;
  const result = await client().put(name, file, { mime: file.type || undefined });
  $('progress').value = 1;
  await list();
  status(`uploaded ${name}: ${file.size} bytes, crc64 ${result.crc64}`);
}

async function inWorker() {
  const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  const answer = await new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage(settings());
  });
  worker.terminate();
  if (answer.error) throw new Error(`worker: ${answer.error}`);
  status(`worker round trip: ${answer.text}`);
}

async function run(action) {
  try {
    await action();
  } catch (e) {
    status(`error: ${e.name} ${e.code ?? ''} ${e.message}`);
  }
}

$('upload').onclick = () => run(upload);
$('refresh').onclick = () => run(async () => status(`${(await list()).length} objects`));
$('worker').onclick = () => run(inWorker);
await init();
status('ready');
