import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_MEDIA_BYTES } from '../../shared/protocol/media';
import { TwilioStandIn } from '../testing/twilioStandIn';
import { dispositionFilename, fetchTwilioMedia, twilioMediaRefs } from './twilioMedia';
import { parseForm } from './twilioSignature';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'f3a1c0ffee5eed5a1ted0123456789ab';
const MESSAGE_SID = `MM${'a'.repeat(32)}`;
const addressOf = (input: Parameters<typeof fetch>[0]): string =>
  typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048)]);

describe('twilioMediaRefs: the files a webhook names', () => {
  test('reads NumMedia, MediaUrl{N} and MediaContentType{N} as Twilio posts them', () => {
    const base = 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media';
    expect(
      twilioMediaRefs({
        NumMedia: '2',
        MediaContentType0: 'image/jpeg',
        MediaUrl0: `${base}/ME0`,
        MediaContentType1: 'video/3gpp',
        MediaUrl1: `${base}/ME1`,
        Body: '',
      }),
    ).toEqual([
      { url: `${base}/ME0`, claimedType: 'image/jpeg' },
      { url: `${base}/ME1`, claimedType: 'video/3gpp' },
    ]);
    // parseForm's shape, every value of each name, is taken too.
    expect(twilioMediaRefs(parseForm(`NumMedia=1&MediaUrl0=${encodeURIComponent(base)}`))).toEqual([
      { url: base, claimedType: undefined },
    ]);
  });

  test('a missing, malformed or zero NumMedia is no files; more than 10 is 10', () => {
    for (const numMedia of [undefined, '', '0', 'two', '-1', '1.5', '1e3']) {
      const params: Record<string, string> = { MediaUrl0: 'https://api.twilio.com/x' };
      if (numMedia !== undefined) params.NumMedia = numMedia;
      expect(twilioMediaRefs(params)).toEqual([]);
    }
    const many: Record<string, string> = { NumMedia: '12' };
    for (let index = 0; index < 12; index++) many[`MediaUrl${index}`] = `https://x/${index}`;
    expect(twilioMediaRefs(many).map((ref) => ref.url)).toEqual(
      Array.from({ length: 10 }, (_, index) => `https://x/${index}`),
    );
    // NumMedia says 2 but the second address is missing: only the first.
    expect(twilioMediaRefs({ NumMedia: '2', MediaUrl0: 'https://x/0' })).toHaveLength(1);
  });
});

describe('fetchTwilioMedia against the Twilio stand-in', () => {
  let standIn: TwilioStandIn;
  let webhook: Server;
  let posted: Promise<string>;
  let announce: (body: string) => void = () => undefined;
  const options = (overrides: Partial<Parameters<typeof fetchTwilioMedia>[1]> = {}) => ({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiBase: standIn.url,
    ...overrides,
  });
  const requestsSince = (count: number) => standIn.mediaRequests.slice(count);

  beforeAll(async () => {
    standIn = await TwilioStandIn.start(ACCOUNT_SID, AUTH_TOKEN);
    // Plays the server's inbound webhook: keeps the form Twilio posts.
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(200, { 'Content-Type': 'text/xml' }).end('<Response></Response>');
        announce(Buffer.concat(chunks).toString('utf8'));
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    standIn.smsUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/sms`;
  });
  afterAll(async () => {
    await standIn.close();
    webhook.closeAllConnections();
    await new Promise((resolve) => webhook.close(resolve));
  });

  test('an inbound MMS of files only: each file arrives whole, through the redirect', async () => {
    posted = new Promise((resolve) => (announce = resolve));
    const pdf = Buffer.from('%PDF-1.7\n% a form\n%%EOF\n');
    const response = await standIn.inbound({
      from: '+12015550123',
      to: '+12015550100',
      media: [
        { bytes: JPEG, contentType: 'image/jpeg', filename: 'IMG_0001.JPG' },
        { bytes: pdf, contentType: 'application/pdf' },
      ],
    });
    expect(response.status).toBe(200);
    const form = parseForm(await posted);
    expect(form).toMatchObject({ Body: [''], NumMedia: ['2'] });
    expect(form.MessageSid?.[0]).toMatch(/^MM[0-9a-f]{32}$/u);
    const refs = twilioMediaRefs(form);
    expect(refs.map((ref) => ref.claimedType)).toEqual(['image/jpeg', 'application/pdf']);
    expect(refs[0]?.url).toMatch(
      new RegExp(
        `^${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM\\w+/Media/ME\\w+$`,
        'u',
      ),
    );

    const before = standIn.mediaRequests.length;
    const photo = await fetchTwilioMedia(refs[0]?.url ?? '', options());
    if (!photo.ok) throw new Error(photo.error.message);
    expect(photo.value).toMatchObject({
      claimedType: 'image/jpeg',
      filename: 'IMG_0001.JPG',
      size: JPEG.length,
    });
    expect((await buffer(photo.value.body)).equals(JPEG)).toBe(true);
    const document = await fetchTwilioMedia(refs[1]?.url ?? '', options());
    if (!document.ok) throw new Error(document.error.message);
    expect(document.value.filename).toBeUndefined();
    expect((await buffer(document.value.body)).equals(pdf)).toBe(true);

    // The credentials went to the API only, never to the media host it redirected to.
    const requests = requestsSince(before);
    expect(requests.map((request) => [request.leg, request.status])).toEqual([
      ['api', 307],
      ['media-host', 200],
      ['api', 307],
      ['media-host', 200],
    ]);
    for (const request of requests) {
      if (request.leg === 'api') expect(request.authorization).toMatch(/^Basic /u);
      else expect(request.authorization).toBeUndefined();
    }
  });

  test('wrong credentials are refused by Twilio and said so; the media host is never asked', async () => {
    const url = standIn.hostMedia(MESSAGE_SID, JPEG, 'image/jpeg');
    const before = standIn.mediaRequests.length;
    expect(await fetchTwilioMedia(url, options({ authToken: 'not-the-token' }))).toEqual({
      ok: false,
      error: {
        code: 'unreachable',
        message: expect.stringContaining('TWILIO_AUTH_TOKEN') as unknown,
      },
    });
    expect(requestsSince(before).map((request) => [request.leg, request.status])).toEqual([
      ['api', 401],
    ]);
  });

  test('an address off the API, or not a message’s file, is refused without any request', async () => {
    const url = standIn.hostMedia(MESSAGE_SID, JPEG, 'image/jpeg');
    const elsewhere = url.replace('127.0.0.1', 'localhost');
    const calls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      calls.push(addressOf(input));
      return fetch(input, init);
    };
    const before = standIn.mediaRequests.length;
    for (const address of [
      elsewhere,
      url.replace('http://', 'https://'),
      'https://attacker.example/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1',
      url.replace('http://', `http://${ACCOUNT_SID}:${AUTH_TOKEN}@`),
    ]) {
      const result = await fetchTwilioMedia(address, options({ fetch: spy }));
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-host' } });
    }
    for (const address of [
      `${standIn.url}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`,
      url.replace(ACCOUNT_SID, `AC${'f'.repeat(32)}`),
      'not a url',
    ]) {
      const result = await fetchTwilioMedia(address, options({ fetch: spy }));
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(calls).toEqual([]);
    expect(requestsSince(before)).toEqual([]);
  });

  test('a redirect off Twilio’s media hosts is not followed', async () => {
    const port = new URL(standIn.url).port;
    const url = standIn.hostMedia(MESSAGE_SID, JPEG, 'image/jpeg', {
      // The stand-in again, by another name: a request there would be recorded.
      redirectTo: `http://localhost:${port}/media-host/${ACCOUNT_SID}/stolen`,
    });
    const before = standIn.mediaRequests.length;
    const result = await fetchTwilioMedia(url, options());
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'forbidden-host',
        message: expect.stringContaining(`localhost:${port}`) as unknown,
      },
    });
    expect(requestsSince(before).map((request) => request.leg)).toEqual(['api']);
  });

  test('a file announced larger than 25 MB is refused without reading it', async () => {
    // The host announces more than it sends and never ends: reading the body would hang.
    const url = standIn.hostMedia(MESSAGE_SID, JPEG, 'image/jpeg', {
      announcedLength: MAX_MEDIA_BYTES + 1,
    });
    expect(await fetchTwilioMedia(url, options({ timeoutMs: 5_000 }))).toEqual({
      ok: false,
      error: { code: 'too-large', message: expect.stringContaining('25.0 MB') as unknown },
    });
  });

  test('a file Twilio no longer has is not found', async () => {
    const url = standIn
      .hostMedia(MESSAGE_SID, JPEG, 'image/jpeg')
      .replace(/ME\w+$/u, `ME${'0'.repeat(32)}`);
    expect(await fetchTwilioMedia(url, options())).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: expect.stringContaining('no longer has') as unknown },
    });
  });

  test('a file that stops arriving ends its stream with the deadline, not a hang', async () => {
    const url = standIn.hostMedia(MESSAGE_SID, JPEG, 'image/jpeg', {
      announcedLength: JPEG.length + 1,
    });
    const result = await fetchTwilioMedia(url, options({ timeoutMs: 300 }));
    if (!result.ok) throw new Error(result.error.message);
    await expect(buffer(result.value.body)).rejects.toThrow('did not arrive within');
  });
});

describe('fetchTwilioMedia with Twilio’s own hosts', () => {
  const API = 'https://api.twilio.com';
  const url = `${API}/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${MESSAGE_SID}/Media/ME${'1'.repeat(32)}`;
  /** Answers each request in turn; records what was asked, with the Authorization header. */
  const scripted = (answers: (() => Response)[]) => {
    const asked: { url: string; authorization: string | null }[] = [];
    const fake: typeof fetch = (input, init) => {
      asked.push({
        url: addressOf(input),
        authorization: new Headers(init?.headers).get('authorization'),
      });
      const answer = answers.shift();
      return answer === undefined
        ? Promise.reject(new Error('unexpected request'))
        : Promise.resolve(answer());
    };
    return { asked, fake };
  };
  const redirect = (location: string) => () =>
    new Response(null, { status: 307, headers: { Location: location } });
  const file = () =>
    new Response(JPEG, {
      headers: { 'Content-Type': 'binary/octet-stream', 'Content-Length': String(JPEG.length) },
    });
  const options = (fake: typeof fetch) => ({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    apiBase: API,
    fetch: fake,
  });

  test('follows the API’s redirect to media.twiliocdn.com without the credentials', async () => {
    const cdn = 'https://media.twiliocdn.com/AC1/abc?x-amz-security-token=t';
    const { asked, fake } = scripted([redirect(cdn), file]);
    const result = await fetchTwilioMedia(url, options(fake));
    if (!result.ok) throw new Error(result.error.message);
    // A generic type says nothing: the webhook's MediaContentType is the better claim.
    expect(result.value.claimedType).toBeUndefined();
    expect((await buffer(result.value.body)).equals(JPEG)).toBe(true);
    expect(asked).toEqual([
      { url, authorization: expect.stringMatching(/^Basic /u) as unknown },
      { url: cdn, authorization: null },
    ]);
  });

  test('follows a redirect to Twilio’s media bucket on S3, and only that bucket', async () => {
    for (const bucket of [
      'https://s3-external-1.amazonaws.com/media.twiliocdn.com/AC1/abc?X-Amz-Signature=s',
      'https://media.twiliocdn.com.s3.amazonaws.com/AC1/abc',
    ]) {
      const { asked, fake } = scripted([redirect(bucket), file]);
      const result = await fetchTwilioMedia(url, options(fake));
      if (!result.ok) throw new Error(result.error.message);
      expect(asked[1]).toEqual({ url: bucket, authorization: null });
    }
    for (const other of [
      'https://s3-external-1.amazonaws.com/someone-elses-bucket/abc',
      'https://attacker.s3.amazonaws.com/media.twiliocdn.com/abc',
      'https://s3.amazonaws.com.attacker.example/media.twiliocdn.com/abc',
    ]) {
      const { fake } = scripted([redirect(other), file]);
      expect(await fetchTwilioMedia(url, options(fake))).toMatchObject({
        ok: false,
        error: { code: 'forbidden-host' },
      });
    }
  });

  test('refuses plain HTTP, look-alike and foreign hosts, and more than 3 redirects', async () => {
    for (const location of [
      'http://media.twiliocdn.com/AC1/abc',
      'https://media.twiliocdn.com.attacker.example/abc',
      'https://twiliocdn.com.attacker.example/abc',
      'https://169.254.169.254/latest/meta-data/',
      'https://attacker.example/abc',
    ]) {
      const { asked, fake } = scripted([redirect(location), file]);
      expect(await fetchTwilioMedia(url, options(fake))).toMatchObject({
        ok: false,
        error: { code: 'forbidden-host' },
      });
      expect(asked).toHaveLength(1);
    }
    const hop = 'https://mms.twiliocdn.com/next';
    const loop = scripted([redirect(hop), redirect(hop), redirect(hop), redirect(hop), file]);
    expect(await fetchTwilioMedia(url, options(loop.fake))).toMatchObject({
      ok: false,
      error: { code: 'unreachable', message: expect.stringContaining('more than 3') as unknown },
    });
    expect(loop.asked).toHaveLength(4);
  });

  test('Twilio in trouble, or its media address expired, is unreachable and says which', async () => {
    const busy = scripted([() => new Response('{}', { status: 503 })]);
    expect(await fetchTwilioMedia(url, options(busy.fake))).toMatchObject({
      ok: false,
      error: { code: 'unreachable', message: expect.stringContaining('may work later') as unknown },
    });
    const expired = scripted([
      redirect('https://media.twiliocdn.com/AC1/abc'),
      () => new Response('<Error><Code>AccessDenied</Code></Error>', { status: 403 }),
    ]);
    expect(await fetchTwilioMedia(url, options(expired.fake))).toMatchObject({
      ok: false,
      error: { code: 'unreachable', message: expect.stringContaining('expired') as unknown },
    });
    const closed = `http://127.0.0.1:1`;
    expect(
      await fetchTwilioMedia(url.replace(API, closed), { ...options(fetch), apiBase: closed }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'unreachable',
        message: expect.stringContaining('could not be reached') as unknown,
      },
    });
  });

  test('a Twilio that does not answer is unreachable once the deadline passes', async () => {
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          reject(init.signal?.reason as Error);
        });
      });
    expect(await fetchTwilioMedia(url, { ...options(silent), timeoutMs: 100 })).toMatchObject({
      ok: false,
      error: { code: 'unreachable', message: expect.stringContaining('did not arrive') as unknown },
    });
  });
});

test('a Content-Disposition gives a plain file name, never a path', () => {
  expect(dispositionFilename('attachment; filename="IMG_0001.JPG"')).toBe('IMG_0001.JPG');
  expect(dispositionFilename("inline; filename*=UTF-8''Caf%C3%A9%20menu.pdf")).toBe(
    'Café menu.pdf',
  );
  expect(dispositionFilename('attachment; filename=../../etc/passwd')).toBe('passwd');
  expect(dispositionFilename('attachment; filename="C:\\Users\\me\\scan.pdf"')).toBe('scan.pdf');
  expect(dispositionFilename('attachment')).toBeUndefined();
  expect(dispositionFilename(null)).toBeUndefined();
});
