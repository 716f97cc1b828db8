/** Avatars: upload, re-encoding, serving, replacement, removal, and every kind of bad file. */
import { readdirSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { avatarDir } from '../../server/avatars/folder-store.ts';
import { Client, errorCode, json, sqlRows, startTestServer, type TestServer } from './helpers.ts';
import { testDialect } from './pg.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

function upload(client: Client, bytes: Uint8Array, name = 'avatar.png', type = 'image/png', field = 'avatar') {
  const form = new FormData();
  form.append(field, new Blob([Uint8Array.from(bytes)], { type }), name);
  return client.request('PUT', '/api/me/avatar', { body: form });
}

/** The avatars stored, as `<key>.webp`: DATA_DIR's files on SQLite, the avatars table's rows on PostgreSQL. */
async function storedFiles(): Promise<string[]> {
  if (testDialect === 'pg') return (await sqlRows<{ key: string }>(t.db, 'select key from avatars order by key')).map((r) => `${r.key}.webp`);
  try {
    return readdirSync(avatarDir(t.dataDir));
  } catch {
    return [];
  }
}

/** A solid image of a given size and format. */
function solid(width: number, height: number, format: 'png' | 'jpeg' | 'webp' | 'gif'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 100, b: 50 } } })
    .toFormat(format)
    .toBuffer();
}

/** A PNG chunk with its CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A decompression bomb: a valid 30000x30000 1-bit PNG of about 100 KB (900 megapixels once decoded). */
function bombPng(): Buffer {
  const side = 30_000;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc(side * (1 + Math.ceil(side / 8))); // filter byte + packed row, all zero
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('upload', () => {
  it('needs a session', async () => {
    const res = await upload(new Client(t), await solid(10, 10, 'png'));
    expect(res.status).toBe(401);
  });

  it('stores a 256x256 WebP, rotated by EXIF, with all metadata dropped, and serves it with cache headers', async () => {
    const client = new Client(t);
    await client.signUp();
    // Red left half, blue right half, tagged "rotate 90° clockwise to display" and with GPS-like EXIF.
    const photo = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#ff0000' } })
      .composite([{ input: { create: { width: 200, height: 200, channels: 3, background: '#0000ff' } }, left: 200, top: 0 }])
      .jpeg()
      .withExif({ IFD0: { Make: 'SecretCam', Copyright: 'private' } })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(photo).metadata()).orientation).toBe(6);
    expect(photo.includes(Buffer.from('SecretCam'))).toBe(true);

    const res = await upload(client, photo, 'me.jpg', 'image/jpeg');
    expect(res.status).toBe(200);
    const { avatarUrl } = await json(res);
    expect(avatarUrl).toMatch(/^\/api\/avatars\/[a-z2-9]{24}$/);
    expect((await json(await client.get('/api/me'))).avatarUrl).toBe(avatarUrl);

    const served = await client.get(avatarUrl);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect(served.headers.get('cache-control')).toContain('max-age=31536000');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await served.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 256 });
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(bytes.includes(Buffer.from('SecretCam'))).toBe(false);
    // After rotation the red half is on top and the blue half below.
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => [...data.subarray((y * 256 + x) * 3, (y * 256 + x) * 3 + 3)];
    expect(pixel(128, 20)[0]).toBeGreaterThan(200);
    expect(pixel(128, 236)[2]).toBeGreaterThan(200);
    expect((await storedFiles())).toContain(`${avatarUrl.split('/').pop()}.webp`);
  });

  it('accepts PNG, WebP and GIF', async () => {
    const client = new Client(t);
    await client.signUp();
    for (const format of ['png', 'webp', 'gif'] as const) {
      const res = await upload(client, await solid(300, 120, format), `a.${format}`, `image/${format}`);
      expect(res.status, format).toBe(200);
    }
  });

  it('removes the old file when replaced and when deleted', async () => {
    const client = new Client(t);
    await client.signUp();
    const first = (await json(await upload(client, await solid(64, 64, 'png')))).avatarUrl as string;
    const second = (await json(await upload(client, await solid(64, 64, 'jpeg'), 'b.jpg', 'image/jpeg'))).avatarUrl as string;
    expect(second).not.toBe(first);
    expect((await storedFiles())).not.toContain(`${first.split('/').pop()}.webp`);
    expect((await client.get(first)).status).toBe(404);

    expect((await client.delete('/api/me/avatar')).status).toBe(204);
    expect((await storedFiles())).not.toContain(`${second.split('/').pop()}.webp`);
    expect((await client.get(second)).status).toBe(404);
    expect((await json(await client.get('/api/me'))).avatarUrl).toBeNull();
  });

  it('404s keys that are not keys', async () => {
    for (const key of ['..%2f..%2fclearcut.sqlite', 'abc', 'A'.repeat(24)]) {
      expect((await new Client(t).get(`/api/avatars/${key}`)).status).toBe(404);
    }
  });
});

describe('refusals store nothing', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client(t);
    await client.signUp();
  });

  async function expectRefused(res: Response, status: number, code: string): Promise<void> {
    expect(res.status).toBe(status);
    expect(await errorCode(res)).toBe(code);
    expect((await json(await client.get('/api/me'))).avatarUrl).toBeNull();
  }

  it('a text file renamed .png: 415', async () => {
    const before = (await storedFiles());
    await expectRefused(await upload(client, Buffer.from('hello, I am not an image\n')), 415, 'unsupported_media_type');
    expect((await storedFiles())).toEqual(before);
  });

  it('an SVG: 415', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
    await expectRefused(await upload(client, svg, 'a.svg', 'image/svg+xml'), 415, 'unsupported_media_type');
  });

  it('a PNG with HTML after its end (polyglot): 422', async () => {
    const png = await solid(32, 32, 'png');
    const polyglot = Buffer.concat([png, Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>')]);
    // The image part alone decodes fine, which is what makes it a polyglot.
    expect((await sharp(polyglot).metadata()).format).toBe('png');
    const before = (await storedFiles());
    await expectRefused(await upload(client, polyglot), 422, 'unreadable_image');
    expect((await storedFiles())).toEqual(before);
  });

  it('a PNG with opaque bytes after its end: 422', async () => {
    const png = await solid(32, 32, 'png');
    await expectRefused(await upload(client, Buffer.concat([png, Buffer.from('PK\x03\x04 zip')])), 422, 'unreadable_image');
  });

  it('a GIF or a WebP with bytes after its end, or a WebP cut short: 422', async () => {
    for (const format of ['gif', 'webp'] as const) {
      const image = await solid(40, 40, format);
      await expectRefused(await upload(client, Buffer.concat([image, Buffer.from('trailing')]), `a.${format}`), 422, 'unreadable_image');
    }
    const webp = await solid(40, 40, 'webp');
    await expectRefused(await upload(client, webp.subarray(0, webp.length - 10), 'a.webp'), 422, 'unreadable_image');
  });

  it('a decompression bomb (30000x30000 PNG): 422 without decoding it', async () => {
    const bomb = bombPng();
    expect(bomb.length).toBeLessThan(1_000_000);
    const before = (await storedFiles());
    await expectRefused(await upload(client, bomb), 422, 'image_too_large');
    expect((await storedFiles())).toEqual(before);
  });

  it('a truncated JPEG and a truncated PNG: 422', async () => {
    const jpeg = await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } })
      .jpeg({ quality: 95 })
      .toBuffer();
    await expectRefused(await upload(client, jpeg.subarray(0, jpeg.length / 2), 'a.jpg', 'image/jpeg'), 422, 'unreadable_image');
    const png = await solid(300, 300, 'png');
    await expectRefused(await upload(client, png.subarray(0, png.length - 20)), 422, 'unreadable_image');
  });

  it('over 5 MB: 413', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 100_000, 1);
    big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expectRefused(await upload(client, big), 413, 'too_large');
  });

  it('a missing field or a non-multipart body: 422 and 415', async () => {
    await expectRefused(await upload(client, await solid(8, 8, 'png'), 'a.png', 'image/png', 'picture'), 422, 'invalid');
    const res = await client.request('PUT', '/api/me/avatar', { json: { avatar: 'data:image/png;base64,AAAA' } });
    await expectRefused(res, 415, 'unsupported_media_type');
  });
});
