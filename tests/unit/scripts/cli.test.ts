/**
 * The `clearcut` CLI's pure parts: options, the plan of inputs and outputs, the
 * idempotency key, the spend request and the progress line. The command itself, with the
 * model and the server, is tested in tests/e2e/cli.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpText, parseCli, UsageError, type CliOptions } from '../../../scripts/cli/args.ts';
import { exportIdempotencyKey, spendCredit, SpendError } from '../../../scripts/cli/credits.ts';
import { planInputs } from '../../../scripts/cli/inputs.ts';
import { serialized } from '../../../scripts/cli/model-queue.ts';
import { qualityTag } from '../../../scripts/cli/run.ts';
import { progressLine } from '../../../scripts/cli/progress.ts';
import { manifest, modelInfo } from '../../../web/src/cutout/model.ts';
import type { ModelInput } from '../../../web/src/cutout/preprocess.ts';
import { thrown } from '../../support/errors.ts';

function options(argv: string[], env: Record<string, string> = {}): CliOptions {
  const parsed = parseCli(argv, env);
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${parsed.kind}`);
  return parsed.options;
}

/** The message of the UsageError that parsing `argv` throws. */
const usageError = (argv: string[]) => {
  const err = thrown(() => parseCli(argv, {}));
  expect(err).toBeInstanceOf(UsageError);
  return err.message;
};

describe('options', () => {
  it('defaults: the manifest default model, PNG, transparent, standard size, next to the photos', () => {
    const o = options(['a.jpg']);
    expect(o).toMatchObject({ inputs: ['a.jpg'], modelId: manifest.default, format: 'png', background: { kind: 'transparent' }, size: 'standard', out: undefined, force: false, concurrency: 2, server: 'http://localhost:8787' });
    expect(o.apiKey).toBeUndefined();
  });

  it('takes models by label or id, and every other option', () => {
    const o = options(['-m', 'fast', '--format=webp', '-b', '#FF8800', '--size', 'full', '-o', 'out', '--force', '-j', '3', '--server', 'https://cc.example/', 'x'], { CLEARCUT_API_KEY: ' cc_key ' });
    expect(o).toMatchObject({ modelId: 'isnet-quint8-640', format: 'webp', background: { kind: 'color', color: '#ff8800' }, size: 'full', out: 'out', force: true, concurrency: 3, server: 'https://cc.example', apiKey: 'cc_key' });
    expect(options(['-m', 'isnet-fp16', 'x']).modelId).toBe('isnet-fp16');
    expect(options(['x'], { CLEARCUT_SERVER: 'http://h:1' }).server).toBe('http://h:1');
  });

  it('gives JPEG a white background, with a notice, when transparency was asked for', () => {
    const parsed = parseCli(['--format', 'jpg', 'x'], {});
    expect(parsed.kind === 'run' && parsed.options).toMatchObject({ format: 'jpeg', background: { kind: 'color', color: '#ffffff' } });
    expect(parsed.kind === 'run' && parsed.notices[0]).toMatch(/white background/);
    const black = parseCli(['--format', 'jpeg', '-b', '#000', 'x'], {});
    expect(black.kind === 'run' && black.notices).toEqual([]);
  });

  it('refuses mistakes as usage errors', () => {
    expect(usageError([])).toMatch(/no photos given/);
    expect(usageError(['-m', 'huge', 'x'])).toMatch(/unknown model "huge": choose standard \(isnet-int8-896\), quality \(isnet-fp16\), fast \(isnet-quint8-640\)/);
    expect(usageError(['--format', 'gif', 'x'])).toMatch(/not png, webp or jpeg/);
    expect(usageError(['-b', 'pinkish', 'x'])).toMatch(/"pinkish" is not transparent, blur, blur:N, a built-in background \(white, .*\), a colour name like navy or a colour like '#ffffff'/);
    expect(usageError(['-j', '0', 'x'])).toMatch(/--concurrency "0"/);
    expect(usageError(['--server', 'localhost:8787', 'x'])).toMatch(/not an http\(s\) URL/);
    expect(usageError(['--nope', 'x'])).toBe("unknown option '--nope'");
  });

  it('suggests the option meant by a slip of the keyboard, and nothing for a word far from any', () => {
    expect(usageError(['--backgroud', 'navy', 'x'])).toBe("unknown option '--backgroud': did you mean --background?");
    expect(usageError(['--modle', 'fast', 'x'])).toMatch(/did you mean --model\?$/);
    expect(usageError(['--formt=png', 'x'])).toMatch(/did you mean --format\?$/);
    expect(usageError(['--concurency', '2', 'x'])).toMatch(/did you mean --concurrency\?$/);
    expect(usageError(['--out-dir', 'cut', 'x'])).toMatch(/did you mean --out\?$/);
    expect(usageError(['--colour', 'red', 'x'])).toBe("unknown option '--colour'");
    expect(usageError(['-z', 'x'])).toBe("unknown option '-z'");
  });

  it('takes crop, padding, preset, shadow and quality, as the export layout the app uses', () => {
    expect(options(['x'])).toMatchObject({ layout: { frame: { crop: false, padding: 0.1, preset: 'original' }, shadow: false } });
    expect(options(['-f', 'jpeg', 'x']).quality).toBe(92);
    expect(options(['-f', 'webp', 'x']).quality).toBe(90);
    const o = options(['--crop', '--padding', '5', '--preset', '1080x1350', '--shadow', '-q', '75', '-f', 'jpeg', 'x']);
    expect(o).toMatchObject({ layout: { frame: { crop: true, padding: 0.05, preset: { width: 1080, height: 1350 } }, shadow: true }, quality: 75 });
    expect(options(['--preset', '16:9', 'x']).layout.frame.preset).toBe('16:9');
    expect(usageError(['--preset', '3:2', 'x'])).toMatch(/--preset "3:2" is not original, 1:1, 4:5, 16:9 or a size/);
    expect(usageError(['--padding=150', 'x'])).toMatch(/--padding "150" is not a percentage/);
    expect(usageError(['-q', '0', 'x'])).toMatch(/--quality "0" is not a whole number from 1 to 100/);
    expect(usageError(['--quality', '101', '-f', 'webp', 'x'])).toBe('--quality "101" is not a whole number from 1 to 100');
    expect(usageError(['-q', '80.5', 'x'])).toMatch(/--quality "80.5" is not a whole number/);
    expect(usageError(['-q', 'high', 'x'])).toMatch(/--quality "high" is not a whole number/);
    expect(usageError(['--qualty', '80', 'x'])).toMatch(/did you mean --quality\?$/);
    expect(usageError(['--quality=', 'x'])).toMatch(/--quality "" is not a whole number/);
    expect(usageError(['--shaddow', 'x'])).toMatch(/did you mean --shadow\?$/);
  });

  it('takes the built-in backgrounds by name and blur:N as a blur strength', () => {
    expect(options(['-b', 'studio', 'x']).background).toEqual({ kind: 'gradient', from: '#f8fafc', to: '#cbd5e1', angle: 180 });
    expect(options(['-b', 'blur:5', 'x']).background).toEqual({ kind: 'blur', strength: 0.05 });
    expect(usageError(['-b', 'blur:50', 'x'])).toMatch(/not transparent, blur, blur:N/);
  });

  it('takes CSS colour names for the background, as their #rrggbb', () => {
    expect(options(['-b', 'navy', 'x'])).toMatchObject({ background: { kind: 'color', color: '#000080' }, backgroundName: '#000080' });
    expect(options(['-b', 'RebeccaPurple', 'x']).background).toEqual({ kind: 'color', color: '#663399' });
    expect(options(['-b', 'white', 'x']).backgroundName).toBe(options(['-b', '#ffffff', 'x']).backgroundName);
  });

  it('answers --help and --version before anything else', () => {
    expect(parseCli(['--help'], {}).kind).toBe('help');
    expect(parseCli(['--help', '--backgroud', 'x'], {}).kind).toBe('help');
    expect(parseCli(['x', '-V'], {}).kind).toBe('version');
  });
});

describe('--help', () => {
  it('opens with examples, before the usage line, and lists the same extensions as the app (BMP too)', () => {
    const help = helpText('1.2.3');
    const examples = help.indexOf('Examples:');
    expect(examples).toBeGreaterThan(0);
    expect(examples).toBeLessThan(help.indexOf('Usage:'));
    expect(help).toMatch(/^ {2}clearcut photo\.jpg +photo-cutout\.png beside it/m);
    expect(help).toContain('.jpg .jpeg .jfif .png .webp .avif .gif .bmp');
  });

  it('gives the quality range and the defaults the editor starts from', () => {
    expect(helpText('1.2.3')).toMatch(/^ {2}-q, --quality N +webp and jpeg quality, 1 to 100 \(default 90 and 92\);$/m);
  });
});

describe('planning inputs and outputs', () => {
  let dir: string;
  const touch = (...parts: string[]) => {
    mkdirSync(join(dir, ...parts.slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, ...parts), 'x');
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clearcut-plan-'));
    touch('shoot', 'b.jpg');
    touch('shoot', 'a.PNG');
    touch('shoot', 'notes.txt');
    touch('shoot', '.hidden.jpg');
    touch('shoot', 'a-cutout.png');
    touch('shoot', 'a-cutout-full.png');
    touch('shoot', 'day2', 'c.webp');
    touch('other', 'b.jpeg');
    touch('empty', 'readme.md');
    touch('scans', 'e.bmp');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks folders for images, sorted, leaving out hidden files and earlier results', () => {
    const plan = planInputs(['shoot'], { cwd: dir, format: 'png' });
    expect(plan.files.map((f) => [f.label, f.output])).toEqual([
      ['shoot/a.PNG', join(dir, 'shoot/a-cutout.png')],
      ['shoot/b.jpg', join(dir, 'shoot/b-cutout.png')],
      ['shoot/day2/c.webp', join(dir, 'shoot/day2/c-cutout.png')],
    ]);
    expect(plan.earlierResults).toBe(2);
    expect(plan.problems).toEqual([]);
    expect(planInputs(['scans'], { cwd: dir, format: 'png' }).files.map((f) => f.label)).toEqual(['scans/e.bmp']);
  });

  it('names full-size results apart from standard ones, as the app does', () => {
    const plan = planInputs(['shoot/b.jpg'], { cwd: dir, format: 'webp', size: 'full' });
    expect(plan.files.map((f) => f.output)).toEqual([join(dir, 'shoot/b-cutout-full.webp')]);
  });

  it('keeps subfolders below --out, and puts named files straight into it', () => {
    const plan = planInputs(['shoot', 'other/b.jpeg'], { cwd: dir, outDir: 'cut', format: 'webp' });
    expect(plan.files.map((f) => f.output)).toEqual([
      join(dir, 'cut/a-cutout.webp'),
      join(dir, 'cut/b-cutout.webp'),
      join(dir, 'cut/day2/c-cutout.webp'),
      join(dir, 'cut/b-cutout.webp'),
    ]);
    // Two photos would write cut/b-cutout.webp: both are refused, neither replaces the other.
    expect(plan.files[1].problem).toMatch(/would also be the result of other\/b\.jpeg/);
    expect(plan.files[3].problem).toMatch(/would also be the result of shoot\/b\.jpg/);
    expect(plan.files[0].problem).toBeUndefined();
  });

  it('expands globs below their fixed part, and names each argument that gives nothing', () => {
    const plan = planInputs(['shoot/**/*.{jpg,webp}', 'nothing/*.jpg', 'missing.jpg', 'empty'], { cwd: dir, outDir: 'cut', format: 'jpeg' });
    expect(plan.files.map((f) => [f.label, f.output])).toEqual([
      ['shoot/b.jpg', join(dir, 'cut/b-cutout.jpg')],
      ['shoot/day2/c.webp', join(dir, 'cut/day2/c-cutout.jpg')],
    ]);
    expect(plan.problems).toEqual([
      { label: 'nothing/*.jpg', problem: 'no images match this pattern' },
      { label: 'missing.jpg', problem: 'no such file or folder' },
      { label: 'empty', problem: expect.stringMatching(/^no images in this folder/) },
    ]);
  });

  it('cuts out a photo named twice once, and never writes over a photo given as input', () => {
    const plan = planInputs(['shoot/b.jpg', 'shoot/./b.jpg', 'shoot/a.PNG', 'shoot/a-cutout.png'], { cwd: dir, format: 'png' });
    expect(plan.files.map((f) => f.label)).toEqual(['shoot/b.jpg', 'shoot/a.PNG', 'shoot/a-cutout.png']);
    expect(plan.files[1].problem).toMatch(/is one of the photos given; a photo is never overwritten/);
    expect(plan.files[2].problem).toBeUndefined();
  });
});

describe('the idempotency key', () => {
  const bytes = new TextEncoder().encode('a photo');
  const identity = { modelId: 'isnet-fp16', format: 'png', background: 'transparent', width: 2000, height: 1500 };

  it('is the same for the same photo, options and API key, and fits the server schema', () => {
    const key = exportIdempotencyKey(bytes, identity, 'cc_a');
    expect(exportIdempotencyKey(new TextEncoder().encode('a photo'), { ...identity }, 'cc_a')).toBe(key);
    expect(key).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
  });

  it('changes with the photo, any option, or the API key', () => {
    const key = exportIdempotencyKey(bytes, identity, 'cc_a');
    const others = [
      exportIdempotencyKey(new TextEncoder().encode('another'), identity, 'cc_a'),
      exportIdempotencyKey(bytes, { ...identity, modelId: 'isnet-quint8-640' }, 'cc_a'),
      exportIdempotencyKey(bytes, { ...identity, format: 'webp' }, 'cc_a'),
      exportIdempotencyKey(bytes, { ...identity, background: '#ffffff' }, 'cc_a'),
      exportIdempotencyKey(bytes, { ...identity, width: 1999 }, 'cc_a'),
      exportIdempotencyKey(bytes, identity, 'cc_b'),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  it('changes with a quality other than the default, as another file, and stays what it was for PNG and the defaults', () => {
    expect(qualityTag('png', 100)).toBe('');
    expect(qualityTag('jpeg', 92)).toBe('');
    expect(qualityTag('webp', 90)).toBe('');
    expect(qualityTag('jpeg', 60)).toBe(' q60');
    const jpeg = { ...identity, format: 'jpeg' };
    const at = (quality: number) => exportIdempotencyKey(bytes, { ...jpeg, format: `jpeg${qualityTag('jpeg', quality)}` }, 'cc_a');
    expect(at(92)).toBe(exportIdempotencyKey(bytes, jpeg, 'cc_a'));
    expect(at(60)).not.toBe(at(92));
  });
});

describe('spending a credit', () => {
  const request = { idempotencyKey: 'cli-key-123', width: 2000, height: 1500 };
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  it('sends the key, the size and the idempotency key, and no image', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const spent = await spendCredit('http://cc', 'cc_key', request, {
      fetch: async (url, init) => {
        seen.push({ url: String(url), init: init! });
        return json(200, { balance: 2, charged: 1 });
      },
    });
    expect(spent).toEqual({ balance: 2, charged: 1, replayed: false });
    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe('http://cc/api/credits/spend');
    expect(new Headers(seen[0].init.headers).get('authorization')).toBe('Bearer cc_key');
    expect(JSON.parse(seen[0].init.body as string)).toEqual(request);
  });

  it('retries network failures and 5xx with the same idempotency key, and reports a replay', async () => {
    const bodies: string[] = [];
    let calls = 0;
    const spent = await spendCredit('http://cc', 'k', request, {
      fetch: async (_url, init) => {
        bodies.push(init!.body as string);
        calls++;
        if (calls === 1) throw new TypeError('fetch failed');
        if (calls === 2) return json(503, { error: { code: 'internal', message: 'busy' } });
        return json(200, { balance: 2, charged: 1 }, { 'idempotent-replayed': 'true' });
      },
    });
    expect(spent.replayed).toBe(true);
    expect(new Set(bodies).size).toBe(1);
  });

  it('fails at once with the balance on 402 and with a hint on 401', async () => {
    const refuse = (status: number, body: unknown) => spendCredit('http://cc', 'k', request, { fetch: async () => json(status, body) });
    await expect(refuse(402, { error: { code: 'insufficient_credits', message: 'Not enough' }, balance: 0 })).rejects.toThrow(
      new SpendError('not enough credits for full size (balance 0); buy more on your account page, or use --size standard (free)'),
    );
    await expect(refuse(401, { error: { code: 'unauthorized', message: 'Sign in first.' } })).rejects.toThrow(/refused the API key .*check CLEARCUT_API_KEY/);
  });

  it('says which server could not be reached', async () => {
    const failing = spendCredit('http://cc', 'k', request, { attempts: 1, fetch: async () => { throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }); } });
    await expect(failing).rejects.toThrow('could not reach the credits server http://cc (connect ECONNREFUSED)');
  });
});

describe('the progress line', () => {
  it('shows the bar, the count and the time left from the pace so far', () => {
    expect(progressLine(0, 8, 1000, 'a.jpg')).toBe('[--------------------] 0/8  time left: estimating  a.jpg');
    expect(progressLine(2, 8, 20_000, 'c.jpg')).toBe('[#####---------------] 2/8  about 1 min 0 s left  c.jpg');
    expect(progressLine(8, 8, 80_000, '')).toBe('[####################] 8/8  done');
  });

  it('fits the terminal', () => {
    expect(progressLine(1, 3, 5000, 'a-very-long-file-name.jpg', 40)).toHaveLength(39);
  });
});

describe('the model queue', () => {
  it("runs one inference at a time and tells each photo how long it waited for another's, which its own time leaves out", async () => {
    let clock = 0;
    const started: number[] = [];
    const finish: (() => void)[] = [];
    const infer = serialized(
      (input) => {
        started.push(input.size);
        return new Promise((resolve) => finish.push(() => resolve(new Float32Array(1))));
      },
      () => clock,
    );
    const waited: Record<number, number> = {};
    const call = (size: number) => infer({ size } as ModelInput, modelInfo(), (ms) => (waited[size] = ms));
    const settle = () => new Promise((r) => setImmediate(r));

    const first = call(1);
    const second = call(2);
    await settle();
    expect(started).toEqual([1]);
    expect(waited).toEqual({ 1: 0 });
    // The first inference takes 5 s on the clock; the second photo waited all of it.
    clock = 5000;
    finish[0]();
    await first;
    await settle();
    expect(started).toEqual([1, 2]);
    expect(waited).toEqual({ 1: 0, 2: 5000 });
    finish[1]();
    await second;
  });
});
