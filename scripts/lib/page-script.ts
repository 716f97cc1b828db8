/**
 * A module of ours bundled by Vite into one script a page can run (an IIFE that sets
 * `globalThis[name]` to the module's exports), for timing scripts that run the same code in
 * headless Chromium as in Node (scripts/time-refine.ts, scripts/time-colours.ts). `alias` maps
 * import specifiers to folders (a timing page imports the code it compares against that way).
 */
import { build } from 'vite';

export async function pageScript(entry: URL, name: string, alias: Record<string, string> = {}): Promise<string> {
  const bundle = await build({
    configFile: false,
    logLevel: 'error',
    resolve: { alias },
    build: { write: false, minify: false, lib: { entry: entry.pathname, formats: ['iife'], name, fileName: name } },
  });
  const output = (Array.isArray(bundle) ? bundle[0] : (bundle as { output: { code?: string }[] })).output[0];
  if (!output.code) throw new Error(`bundling ${entry.pathname} gave no script`);
  return output.code;
}
