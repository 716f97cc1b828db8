/** Whether the browser says it has a network connection, as Svelte state kept up to date by its online/offline events. */
class OnlineState {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  constructor() {
    if (typeof window === 'undefined') return;
    window.addEventListener('online', () => (this.online = true));
    window.addEventListener('offline', () => (this.online = false));
  }
}

/** The page's connection state. */
export const connection = new OnlineState();
