/** Deterministic pseudo-random pixels for tests that compare two implementations exactly. */

/** A small linear congruential generator: the same `seed` gives the same numbers everywhere. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `width`×`height` RGBA with random colours and alpha (a quarter of the pixels fully opaque). */
export function noisyRgba(width: number, height: number, seed: number): Uint8ClampedArray {
  const next = lcg(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < data.length; p += 4) {
    data[p] = next() * 256;
    data[p + 1] = next() * 256;
    data[p + 2] = next() * 256;
    data[p + 3] = next() < 0.25 ? 255 : next() * 256;
  }
  return data;
}

/** `width`×`height` random matte values. */
export function noisyMatte(width: number, height: number, seed: number): Uint8Array {
  const next = lcg(seed);
  return Uint8Array.from({ length: width * height }, () => (next() < 0.3 ? 0 : next() < 0.3 ? 255 : next() * 256));
}
