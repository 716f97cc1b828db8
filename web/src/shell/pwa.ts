/**
 * Registers the service worker (dist/sw.js, made by vite-plugin-pwa's generateSW) with
 * workbox-window. A new version never swaps itself in under the person: it waits, the
 * UI is told, and only when they choose "Reload" does it take over and the page reload.
 */
import { Workbox } from 'workbox-window';

/** How often an open page asks the server whether a new version was deployed. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export interface UpdateHooks {
  /** A new version is ready; call `apply()` when the person accepts it (the page reloads). */
  onUpdateReady(apply: () => Promise<void>): void;
}

/**
 * Registers /sw.js, unless the browser has no service workers or this is the dev server
 * (which builds no service worker). Returns the Workbox instance, or undefined.
 */
export function registerServiceWorker(hooks: UpdateHooks, url = '/sw.js'): Workbox | undefined {
  if (import.meta.env.DEV || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return undefined;
  const wb = new Workbox(url, { scope: '/' });
  // Whether a service worker controlled the page before the latest controller change.
  let controlled = Boolean(navigator.serviceWorker.controller);
  let reloading = false;

  const apply = async () => {
    if (reloading) return;
    reloading = true;
    // The waiting worker activates and claims this page; `controllerchange` then reloads
    // it on the new code. When another tab activated it already, just reload.
    const registration = await navigator.serviceWorker.getRegistration();
    if (registration?.waiting) wb.messageSkipWaiting();
    else location.reload();
  };

  // A new version installed and waits for the pages it would replace (this one included).
  wb.addEventListener('waiting', () => hooks.onUpdateReady(apply));

  // The controller changed under an already-controlled page: either we asked for it
  // (reload now) or another tab accepted the update (offer the reload here too; this
  // page's lazily loaded files may no longer be in the new version's precache).
  // The first version's clients.claim() also lands here, and needs nothing.
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) location.reload();
    else if (controlled) hooks.onUpdateReady(apply);
    controlled = true;
  });

  void wb.register().then((registration) => {
    if (registration) setInterval(() => void registration.update().catch(() => {}), UPDATE_CHECK_MS);
  });
  return wb;
}
