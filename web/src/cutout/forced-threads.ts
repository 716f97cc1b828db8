/**
 * The WASM thread count a page asks for with `?threads=N` (1 to 8), for tests that need
 * several thread workers on a machine where the probe (threads.ts) picks fewer; undefined
 * otherwise. It applies only where threads exist (SharedArrayBuffer); a person adding it
 * by hand only gets a slower or faster page.
 */
export function threadsFrom(search: string): number | undefined {
  const asked = Number(new URLSearchParams(search).get('threads'));
  return Number.isInteger(asked) && asked >= 1 && asked <= 8 ? asked : undefined;
}
