/** Sends a file from disk with the right type, length, validators and (optionally) a byte range. */
import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** The Content-Type for a file name; unknown kinds are opaque bytes (nosniff keeps browsers from guessing). */
export function contentTypeFor(fileName: string): string {
  return mimeTypes[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/** Stats a path, or null when it is missing or not a regular file. */
export async function statFile(path: string): Promise<Stats | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info : null;
  } catch {
    return null;
  }
}

interface SendOptions {
  cacheControl: string;
  /** The type of the file this one stands for (a precompressed `.br` is sent as its original's type). */
  contentType?: string;
  /** Sets Content-Encoding: the file on disk is already compressed so (`br`, `gzip`). */
  contentEncoding?: string;
  /** Adds `Vary: Accept-Encoding`: the same URL has compressed variants. */
  varyEncoding?: boolean;
  /** Honour `Range: bytes=a-b` (single ranges only). */
  ranges?: boolean;
}

/** Builds the Response for a file already stat'ed: 200, 206, 304 or 416; HEAD gets headers only. */
export function sendFile(request: Request, path: string, info: Stats, options: SendOptions): Response {
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = new Headers({
    'Content-Type': options.contentType ?? contentTypeFor(path),
    'Cache-Control': options.cacheControl,
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
  });
  if (options.ranges) headers.set('Accept-Ranges', 'bytes');
  if (options.contentEncoding) headers.set('Content-Encoding', options.contentEncoding);
  if (options.varyEncoding) headers.set('Vary', 'Accept-Encoding');

  if (request.headers.get('if-none-match') === etag) {
    return new Response(null, { status: 304, headers });
  }

  let start = 0;
  let end = info.size - 1;
  let status = 200;
  const range = options.ranges ? request.headers.get('range') : null;
  if (range) {
    const parsed = parseRange(range, info.size);
    if (parsed === 'unsatisfiable') {
      headers.set('Content-Range', `bytes */${info.size}`);
      return new Response(null, { status: 416, headers });
    }
    if (parsed) {
      [start, end] = parsed;
      status = 206;
      headers.set('Content-Range', `bytes ${start}-${end}/${info.size}`);
    }
  }
  const length = Math.max(0, end - start + 1);
  headers.set('Content-Length', String(length));
  if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });
  const stream = Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(stream, { status, headers });
}

/** Parses a single `bytes=` range; null means "ignore the header and send everything". */
function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    // Suffix range: the last N bytes.
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return [start, end];
}
