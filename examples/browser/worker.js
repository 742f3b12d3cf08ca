// The same package in a module Web Worker: no window, no DOM — only fetch.
import init, { Client } from '../../wasm/pkg/oss_wasm.js';

self.onmessage = async (event) => {
  try {
    await init();
    const client = new Client(event.data);
    const text = `hello from a worker at ${new Date().toISOString()}`;
    await client.put('demo-worker/hello.txt', text);
    const { content } = await client.get('demo-worker/hello.txt');
    const back = new TextDecoder().decode(content);
    await client.delete('demo-worker/hello.txt');
    self.postMessage(back === text ? { text: back } : { error: `read back ${back}` });
  } catch (e) {
    self.postMessage({ error: `${e.name} ${e.code ?? ''} ${e.message}` });
  }
};
