// A consumer of the built package, checked by `tsc --strict` (scripts/wasm-test.sh): the types
// resolve through the package's `exports`, and they are real types, not `any`: every
// expect-error directive below must meet an error, or tsc fails.
import init, { Client } from 'oss-wasm';
import type { OssError, ListResult, PutResult } from 'oss-wasm';
import type {
  Checkpoint,
  MultipartUploadError,
  MultipartUploadResult,
  ResponseInfo,
} from 'oss-wasm';

export async function use(): Promise<void> {
  await init();
  const client = new Client({
    region: 'oss-cn-hangzhou',
    accessKeyId: 'id',
    accessKeySecret: 'secret',
    stsToken: 'token',
    bucket: 'examplebucket',
    timeout: 30_000,
    retryMax: 3,
  });
  client.useBucket('other-bucket');
  const refreshing = new Client({
    endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
    bucket: 'examplebucket',
    refreshSTSToken: async () => ({ accessKeyId: 'STS.id', accessKeySecret: 's', stsToken: 't' }),
    refreshSTSTokenInterval: 600_000,
  });
  // @ts-expect-error refreshSTSToken must resolve with credentials
  new Client({ region: 'oss-cn-hangzhou', refreshSTSToken: async () => 42 });
  void refreshing;

  const put: PutResult = await client.put('a.txt', 'text', { mime: 'text/plain', meta: { k: 'v' } });
  const status: number = put.res.status;
  const etag: string | undefined = put.etag;
  await client.put('b.bin', new Uint8Array([1, 2, 3]));
  await client.put('c.bin', new ArrayBuffer(8));
  await client.put('e.bin', new Blob(['blob']));
  await client.putACL('a.txt', 'public-read');
  const acl: string = (await client.getACL('a.txt')).acl;
  await client.putSymlink('link', 'a.txt');
  const target: string = (await client.getSymlink('link')).targetName;
  void [acl, target];
  // @ts-expect-error a number is not object data
  await client.put('d', 42);

  const init1 = await client.initMultipartUpload('big.bin');
  const file = new File([new Uint8Array(10)], 'big.bin');
  const part = await client.uploadPart('big.bin', init1.uploadId, 1, file, 0, 10);
  await client.completeMultipartUpload('big.bin', init1.uploadId, [{ number: 1, etag: part.etag ?? '' }]);
  await client.abortMultipartUpload('big.bin', init1.uploadId);
  const storage = new Map<string, string>();
  const controller = new AbortController();
  const uploaded: MultipartUploadResult = await client.multipartUpload('big.bin', file, {
    parallel: 3,
    partSize: 1 << 20,
    mime: 'application/octet-stream',
    signal: controller.signal,
    progress: (p: number, checkpoint: Checkpoint | null, res: ResponseInfo) => {
      if (checkpoint && p < 1) storage.set('big.bin', JSON.stringify(checkpoint));
      void res.status;
    },
  });
  const uploadedEtag: string | undefined = uploaded.etag;
  void uploadedEtag;
  const saved = storage.get('big.bin');
  if (saved !== undefined) {
    const checkpoint: Checkpoint = JSON.parse(saved);
    const parts: number = checkpoint.doneParts.length;
    void parts;
    await client.multipartUpload('big.bin', file, { checkpoint }).catch((e: MultipartUploadError) => {
      if (e.name === 'cancel' && e.checkpoint) void e.checkpoint.uploadId;
    });
  }
  // @ts-expect-error a checkpoint is an object, not its JSON
  await client.multipartUpload('big.bin', file, { checkpoint: '{}' });
  const appended = await client.append('log', 'line\n', { position: 0 });
  const next: string = appended.nextAppendPosition;
  await client.append('log', 'more', { position: next, initCrc: appended.crc64 });

  const got = await client.get('a.txt', { headers: { Range: 'bytes=0-1' } });
  const bytes: Uint8Array = got.content;
  // @ts-expect-error content is a Uint8Array, not a string
  const notText: string = got.content;

  const streamed = await client.getStream('a.txt', {
    progress: (done: number, total: number) => void [done, total],
  });
  const stream: ReadableStream<Uint8Array> = streamed.stream;
  const streamStatus: number = streamed.res.status;
  for (let read = await stream.getReader().read(); !read.done; ) {
    const chunk: Uint8Array = read.value;
    void chunk;
    break;
  }
  void streamStatus;
  // @ts-expect-error progress is called with numbers
  await client.getStream('a.txt', { progress: (done: string) => void done });
  await client.get('a.txt', { progress: (done, total) => void [done, total] });
  await client.put('p.bin', new Uint8Array(1), { progress: (done, total) => void [done, total] });

  const head = await client.head('a.txt');
  const color: string | undefined = head.meta['color'];
  const meta = await client.getObjectMeta('a.txt');
  const metaStatus: number = meta.status;
  await client.delete('a.txt');
  const multi = await client.deleteMulti(['b.bin', 'c.bin'], { quiet: false });
  const firstKey: string | undefined = multi.deleted[0]?.Key;

  const page: ListResult = await client.list({ prefix: 'p/', delimiter: '/', 'max-keys': 10 });
  for (const object of page.objects) {
    const size: number = object.size;
    const name: string = object.name;
    // @ts-expect-error there is no such field
    object.nonexistent;
  }
  const prefixes: string[] = page.prefixes;
  for await (const each of client.listPages({ prefix: 'p/', 'max-keys': 100 })) {
    const names: string[] = each.objects.map((o) => o.name);
    void names;
  }
  const more: boolean = page.isTruncated;

  const copied = await client.copy('dst', 'src', 'source-bucket', { meta: { a: 'b' } });
  const copiedEtag: string | undefined = copied.data.etag;
  await client.copy('dst2', '/bucket/src');

  await client.putBucket('new-bucket', { storageClass: 'IA', acl: 'private' });
  const buckets = await client.listBuckets({ prefix: 'new' });
  const region: string | undefined = buckets.buckets[0]?.region;
  await client.deleteBucket('new-bucket');
  await client.putBucketCORS('examplebucket', [
    { allowedOrigin: '*', allowedMethod: ['GET', 'PUT'], exposeHeader: 'ETag', maxAgeSeconds: 60 },
  ]);
  const cors = await client.getBucketCORS('examplebucket');
  const origins: string[] = cors.rules[0].AllowedOrigin;

  const url: string = client.signatureUrl('a.txt', { expires: 600, method: 'PUT', 'Content-Type': 'text/plain' });
  const skew: number = client.amendTimeSkewed;

  try {
    await client.get('missing');
  } catch (e) {
    const error = e as OssError;
    const fields: [string, string, number, string, string, string] = [
      error.name, error.code, error.status, error.requestId, error.hostId, error.ec,
    ];
    void fields;
  }
  void [status, etag, bytes, notText, color, metaStatus, firstKey, prefixes, more, copiedEtag, region, origins, url, skew];
}

// Bucket configurations, live channels, multipart listings and putMeta.
export async function useConfigs(client: Client): Promise<void> {
  await client.putBucketACL('examplebucket', 'public-read');
  const bucketAcl = await client.getBucketACL('examplebucket');
  const owner: string = bucketAcl.owner.id;
  const location: string = (await client.getBucketLocation('examplebucket')).location;
  await client.deleteBucketCORS('examplebucket');
  await client.putBucketLifecycle('examplebucket', [
    { id: 'logs', prefix: 'logs/', status: 'Enabled', expiration: { days: 30 } },
    { prefix: 'cold/', status: 'Disabled', transition: { days: 10, storageClass: 'IA' }, tag: { key: 'k', value: 'v' } },
  ]);
  // @ts-expect-error a rule's status is Enabled or Disabled
  await client.putBucketLifecycle('examplebucket', [{ prefix: '', status: 'On' }]);
  const rules = (await client.getBucketLifecycle('examplebucket')).rules;
  const days: string | undefined = rules[0]?.expiration?.days;
  const tagKey: string | undefined = rules[0]?.tag?.[0]?.key;
  await client.deleteBucketLifecycle('examplebucket');
  await client.putBucketLogging('examplebucket', 'access/');
  const logging = await client.getBucketLogging('examplebucket');
  const logPrefix: string | null = logging.enable ? logging.prefix : null;
  await client.deleteBucketLogging('examplebucket');
  await client.putBucketReferer('examplebucket', false, ['https://*.example.com']);
  const referers: string[] | null = (await client.getBucketReferer('examplebucket')).referers;
  await client.putBucketWebsite('examplebucket', {
    index: 'index.html',
    error: '404.html',
    routingRules: [{
      RuleNumber: 1,
      Condition: { HttpErrorCodeReturnedEquals: 404 },
      Redirect: { RedirectType: 'External', HostName: 'example.com', HttpRedirectCode: 301 },
    }],
  });
  const website = await client.getBucketWebsite('examplebucket');
  const ruleNumber: string | undefined = website.routingRules[0]?.RuleNumber;
  await client.deleteBucketWebsite('examplebucket');

  const channel = await client.putChannel('ch', { Description: 'd', Target: { FragCount: 5 } });
  const publish: string | undefined = channel.publishUrls[0];
  const conf = (await client.getChannel('ch')).data;
  const playlist: string = conf.Target.PlaylistName;
  await client.putChannelStatus('ch', 'disabled');
  const channelStatus: string = (await client.getChannelStatus('ch')).data.Status;
  const channels = await client.listChannels({ prefix: 'c', 'max-keys': 10 });
  const channelName: string | undefined = channels.channels[0]?.Name;
  const records = (await client.getChannelHistory('ch')).records;
  const now = Math.floor(Date.now() / 1000);
  await client.createVod('ch', 'vod.m3u8', { startTime: now - 60, endTime: now });
  const rtmp: string = client.getRtmpUrl('ch', { expires: 600, params: { playlistName: 'p.m3u8' } });
  await client.deleteChannel('ch');

  const upload = await client.initMultipartUpload('big.bin');
  const copiedPart = await client.uploadPartCopy('big.bin', upload.uploadId, 1, '0-102399', {
    sourceKey: 'src.bin',
  });
  const listed = await client.listParts('big.bin', upload.uploadId, { 'max-parts': 10 });
  const partSize: string | undefined = listed.parts[0]?.Size;
  const uploads = await client.listUploads({ prefix: 'big' });
  const uploadId: string | undefined = uploads.uploads[0]?.uploadId;
  const metaEtag: string | undefined = (await client.putMeta('a.txt', { color: 'blue' })).data.etag;
  // @ts-expect-error sourceData names the source key
  await client.uploadPartCopy('big.bin', upload.uploadId, 2, '', { bucket: 'b' });
  void [owner, location, days, tagKey, logPrefix, referers, ruleNumber, publish, playlist, channelStatus,
    channelName, records, rtmp, copiedPart.etag, partSize, uploadId, metaEtag];
}
