/**
 * The `clearcut` CLI end to end: the real command (`node scripts/clearcut.mjs`) in a child
 * process, piped, on the shared test photos, with the default model (the fast one for the
 * credit cases, where only sizes and charges matter). Full size is run without
 * an API key and with one against the real server. The model runs on the
 * eight photos once, then on single photos for the other cases (a refused spend runs none).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rootDir, sharedTestdata } from '../../scripts/lib/paths.ts';
import { startServer, type RunningServer } from '../../scripts/lib/server-process.ts';
import { bmp } from '../fixtures/files.ts';

const photosDir = join(sharedTestdata, 'photos');
const PHOTOS = ['animal-1', 'animal-2', 'anime-girl-1', 'car-1', 'cloth-1', 'girl-1', 'girl-2', 'plants-1'];
/** The only test photo larger than one megapixel (987×1481): full size costs a credit. */
const BIG = 'plants-1';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with stdout and stderr piped; the environment has no key or server unless given. */
function clearcut(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = { ...process.env };
  delete base.CLEARCUT_API_KEY;
  delete base.CLEARCUT_SERVER;
  const child = spawn(process.execPath, ['scripts/clearcut.mjs', ...args], { cwd: rootDir, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A PNG's channel count and size, the mean alpha of a 16×16 patch in each corner (single
 * pixels are noisy at the very edge), and the shares of background (alpha ≤ 8) and subject (≥ 128).
 */
async function inspectCutout(path: string) {
  const meta = await sharp(path).metadata();
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const patch = (x0: number, y0: number) => {
    let sum = 0;
    for (let y = y0; y < y0 + 16; y++) for (let x = x0; x < x0 + 16; x++) sum += data[(y * width + x) * 4 + 3];
    return sum / 256;
  };
  let background = 0, subject = 0;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] <= 8) background++;
    else if (data[i] >= 128) subject++;
  }
  return {
    channels: meta.channels ?? 0,
    width,
    height,
    corners: [patch(0, 0), patch(width - 16, 0), patch(0, height - 16), patch(width - 16, height - 16)],
    backgroundShare: background / (width * height),
    subjectShare: subject / (width * height),
  };
}

let tmp: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'clearcut-cli-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('clearcut on the test photos (standard size, default model, piped)', () => {
  let run: Run;
  let broken: string;
  const out = () => join(tmp, 'standard');

  beforeAll(async () => {
    // Half of a real JPEG: its header reads, its picture stops in the middle.
    const bytes = readFileSync(join(photosDir, 'animal-1.jpg'));
    mkdirSync(join(tmp, 'bad'));
    broken = join(tmp, 'bad', 'broken.jpg');
    writeFileSync(broken, bytes.subarray(0, bytes.length >> 1));
    // The default model: the fast one (quint8 at 640²) leaves a haze over plants-1's
    // background (alpha 96 in a corner), which the corner check below would fail.
    run = await clearcut(['--out', out(), photosDir, broken]);
  });

  it('cuts out every photo, with alpha and transparent corners, at most one megapixel', async () => {
    for (const name of PHOTOS) {
      const result = await inspectCutout(join(out(), `${name}-cutout.png`));
      expect(result.channels, name).toBe(4);
      // The corners are background (a faint haze of a few levels at most), and there is a
      // subject. The plant fills most of plants-1: about 8% of it is background.
      for (const alpha of result.corners) expect(alpha, name).toBeLessThan(16);
      expect(result.backgroundShare, name).toBeGreaterThan(0.05);
      expect(result.subjectShare, name).toBeGreaterThan(0.1);
      expect(result.width * result.height, name).toBeLessThanOrEqual(1_000_000);
    }
    // The one photo over a megapixel is scaled down, as the browser's standard export does it.
    const big = await inspectCutout(join(out(), `${BIG}-cutout.png`));
    expect([big.width, big.height]).toEqual([816, 1224]);
  });

  it('reports the corrupt file with its reason, goes on with the rest, and exits 1', () => {
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`failed ${broken}: This JPEG file is truncated or corrupt: part of it is missing.`);
    expect(existsSync(join(out(), 'broken-cutout.png'))).toBe(false);
    expect(run.stdout).toMatch(/^8 cut out, 1 failed in .+$/m);
  });

  it('prints one plain line per photo when piped: no progress bar, no control characters', () => {
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(PHOTOS.length + 2);
    for (const name of PHOTOS) {
      const line = lines.find((l) => l.includes(`${name}.jpg `));
      expect(line, name).toMatch(new RegExp(`^ok .*${name}\\.jpg -> .*${name}-cutout\\.png \\(\\d+x\\d+, [\\d.]+ (s|min)`));
    }
    expect(run.stdout + run.stderr).not.toMatch(/[\r\x1b]/);
  });

  it('says it is loading the model before the first photo, and when it is ready', () => {
    expect(run.stderr).toMatch(/^clearcut: loading the standard model \(\d+ MB\)…\nclearcut: model ready in [\d.]+ s$/m);
  });

  it('skips results that exist unless --force, without running the model', async () => {
    const again = await clearcut(['--model', 'fast', '--out', out(), join(photosDir, 'car-1.jpg')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('skipped');
    expect(again.stdout).toMatch(/^0 cut out, 1 skipped, 0 failed/m);
    expect(again.stderr).not.toContain('loading');
  });
});

describe('clearcut on a BMP, with a CSS colour name', () => {
  it('cuts out a 24-bit BMP on navy, as the app reads BMP too', async () => {
    const { data, info } = await sharp(join(photosDir, 'car-1.jpg')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const dir = join(tmp, 'bmp');
    mkdirSync(dir);
    writeFileSync(join(dir, 'car.bmp'), bmp(info.width, info.height, (x, y) => {
      const p = (y * info.width + x) * 3;
      return [data[p], data[p + 1], data[p + 2]];
    }));
    const run = await clearcut(['--model', 'fast', '-b', 'navy', dir]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const result = await sharp(join(dir, 'car-cutout.png')).raw().toBuffer({ resolveWithObject: true });
    expect([result.info.width, result.info.height]).toEqual([info.width, info.height]);
    // The top-left corner is background (alpha under 16 there): navy, give or take that much.
    const [r, g, b] = result.data.subarray(0, 3);
    for (const [got, want] of [[r, 0], [g, 0], [b, 128]]) expect(Math.abs(got - want)).toBeLessThan(16);
    expect(result.info.channels).toBe(4);
    expect(result.data[3]).toBe(255);
  });
});

describe('clearcut --size full', () => {
  it('without an API key fails the photos that cost a credit and still cuts out the free ones', async () => {
    const out = join(tmp, 'no-key');
    const run = await clearcut(['--model', 'fast', '--size', 'full', '--out', out, join(photosDir, `${BIG}.jpg`), join(photosDir, 'car-1.jpg')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`failed ${join(photosDir, `${BIG}.jpg`)}: full size needs an API key: set CLEARCUT_API_KEY; standard size is free`);
    expect(existsSync(join(out, `${BIG}-cutout-full.png`))).toBe(false);
    // car-1 is 480×360: its full size is within a megapixel, so free and needs no key.
    // Full size is named apart from standard (common/naming.ts), as in the app.
    const car = await inspectCutout(join(out, 'car-1-cutout-full.png'));
    expect([car.width, car.height, car.channels]).toEqual([480, 360, 4]);
  });

  describe('with an API key against the real server', () => {
    let server: RunningServer;
    let apiKey: string;

    const balance = async () => {
      const res = await fetch(`${server.url}/api/credits`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { balance: number }).balance;
    };
    const full = (out: string, ...more: string[]) =>
      clearcut(['--model', 'fast', '--size', 'full', '--server', server.url, '--out', out, ...more, join(photosDir, `${BIG}.jpg`)], { CLEARCUT_API_KEY: apiKey });

    beforeAll(async () => {
      server = await startServer();
      const origin = { origin: server.url, 'content-type': 'application/json' };
      const signup = await fetch(`${server.url}/api/auth/signup`, {
        method: 'POST',
        headers: origin,
        body: JSON.stringify({ email: 'cli@example.com', password: 'a long enough password 42', ageConfirmation: 'adult', acceptPolicies: true }),
      });
      expect(signup.status).toBe(201);
      const cookie = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const createKey = () => fetch(`${server.url}/api/me/api-keys`, { method: 'POST', headers: { ...origin, cookie }, body: JSON.stringify({ name: 'cli test' }) });
      let created = await createKey();
      if (created.status === 403 && ((await created.json()) as { error: { code: string } }).error.code === 'email_unverified') {
        // Keys need a confirmed address: open the link the server's outbox mailer prints.
        const mailed = () => /link: (\S+verify-email\?token=\S+)/.exec(server.output())?.[1];
        for (let i = 0; i < 100 && !mailed(); i++) await new Promise((r) => setTimeout(r, 100));
        const link = mailed();
        expect(link, server.output()).toBeDefined();
        expect((await fetch(link!, { redirect: 'manual' })).status).toBe(303);
        created = await createKey();
      }
      expect(created.status).toBe(201);
      apiKey = ((await created.json()) as { key: string }).key;
    });

    afterAll(async () => {
      await server?.stop();
    });

    it('spends exactly one credit for a photo over a megapixel and writes it at its own size', async () => {
      expect(await balance()).toBe(3);
      const out = join(tmp, 'paid');
      const run = await full(out);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^ok .*${BIG}\\.jpg -> .*\\(987x1481, .*, 1 credit, balance 2\\)$`, 'm'));
      const result = await inspectCutout(join(out, `${BIG}-cutout-full.png`));
      expect([result.width, result.height, result.channels]).toEqual([987, 1481, 4]);
      expect(await balance()).toBe(2);
    });

    it('charges nothing when the same photo is run again with the same options', async () => {
      const run = await full(join(tmp, 'paid'), '--force');
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/\(987x1481, .*, paid before\)$/m);
      expect(await balance()).toBe(2);
    });

    it('fails the photo with the balance when credits run out (402), before the model runs', async () => {
      // Spend what is left through the same API, as other exports would.
      for (const key of ['other-export-1', 'other-export-2']) {
        const res = await fetch(`${server.url}/api/credits/spend`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ idempotencyKey: key, width: 2000, height: 2000 }),
        });
        expect(res.status).toBe(200);
      }
      expect(await balance()).toBe(0);
      // Another format is another export: a new spend, refused.
      const out = join(tmp, 'refused');
      const run = await full(out, '--format', 'webp');
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`failed ${join(photosDir, `${BIG}.jpg`)}: not enough credits for full size (balance 0)`);
      expect(existsSync(join(out, `${BIG}-cutout-full.webp`))).toBe(false);
      expect(await balance()).toBe(0);
    });
  });
});

describe('clearcut on a folder without --out', () => {
  it('writes each result next to its photo and never takes earlier results as photos', async () => {
    const dir = join(tmp, 'next-to');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    copyFileSync(join(photosDir, 'girl-1.jpg'), join(dir, 'sub', 'girl-1.jpg'));
    writeFileSync(join(dir, 'sub', 'old-cutout.png'), await sharp({ create: { width: 4, height: 4, channels: 4, background: '#0000' } }).png().toBuffer());
    const run = await clearcut(['--model', 'fast', dir]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toContain('left out 1 file named *-cutout.*');
    expect((await inspectCutout(join(dir, 'sub', 'girl-1-cutout.png'))).channels).toBe(4);
  });
});

describe('clearcut --preset 1:1 --shadow', () => {
  it('writes a square picture with the subject centred, on the background, its shadow below it', async () => {
    const out = join(tmp, 'square');
    const run = await clearcut(['--model', 'fast', '--preset', '1:1', '--padding', '10', '--shadow', '-b', 'white', '--out', out, join(photosDir, 'car-1.jpg')]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const { data, info } = await sharp(join(out, 'car-1-cutout.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(info.height);
    // The non-white part (subject and shadow) is centred left to right within a few pixels.
    let x0 = info.width, x1 = -1;
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const p = (y * info.width + x) * 4;
        if (data[p] < 200 || data[p + 1] < 200 || data[p + 2] < 200) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
      }
    }
    expect(x1).toBeGreaterThan(x0);
    expect(Math.abs(x0 - (info.width - 1 - x1))).toBeLessThanOrEqual(Math.ceil(info.width * 0.03));
    expect(Array.from(data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
  });
});

describe('clearcut --quality', () => {
  it('writes a smaller JPEG of the same photo at a lower quality', async () => {
    const sizes: number[] = [];
    for (const quality of ['95', '30']) {
      const out = join(tmp, `quality-${quality}`);
      const run = await clearcut(['--model', 'fast', '-f', 'jpeg', '-q', quality, '--out', out, join(photosDir, 'car-1.jpg')]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const file = readFileSync(join(out, 'car-1-cutout.jpg'));
      expect((await sharp(file).metadata()).format).toBe('jpeg');
      sizes.push(file.length);
    }
    expect(sizes[1]).toBeLessThan(sizes[0] * 0.8);
  });

  it('refuses a quality out of range before the model loads, exit 2', async () => {
    const run = await clearcut(['-f', 'webp', '--quality', '0', join(photosDir, 'car-1.jpg')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--quality "0" is not a whole number from 1 to 100');
    expect(run.stderr).not.toContain('loading');
  });
});

describe('clearcut usage errors', () => {
  it('exits 2 with a pointer to --help', async () => {
    const run = await clearcut(['--size', 'huge', 'photo.jpg']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--size "huge" is not standard or full');
    expect(run.stderr).toContain("clearcut --help");
  });
});
