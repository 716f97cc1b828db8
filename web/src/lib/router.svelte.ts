/**
 * A tiny history-API router. Links stay real `<a href>` (they open in a new tab, can be
 * copied, work without JavaScript's help since the server answers every extension-less
 * path with index.html); a click on one of ours is turned into client-side navigation.
 */

import { routeOf } from './routes.ts';

export { nextRoute, routeOf, routes, type Route } from './routes.ts';

export class Router {
  path = $state('/');
  search = $state('');
  /** Set after client-side navigation, so the new page can take the focus (not on first load). */
  navigated = $state(false);
  readonly route = $derived(routeOf(this.path));

  constructor(location: { pathname: string; search: string } | undefined = globalThis.location) {
    if (location) this.#read(location);
  }

  /** Goes to `href` (a path on this site) with a new history entry, or replacing the current one. */
  navigate(href: string, options: { replace?: boolean } = {}): void {
    const url = new URL(href, location.href);
    if (options.replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.#read(url);
    this.navigated = true;
    if (options.replace) return;
    window.scrollTo(0, 0);
    // A link to "/account#devices-heading": once the new page is drawn, show that part of it
    // and start keyboard focus there, as the browser does for a full page load.
    const id = decodeURIComponent(url.hash.slice(1));
    if (id) {
      requestAnimationFrame(() => {
        const target = document.getElementById(id);
        if (!target) return;
        if (!target.hasAttribute('tabindex')) target.tabIndex = -1;
        target.focus({ preventScroll: true });
        target.scrollIntoView();
      });
    }
  }

  /** Listens for link clicks and Back/Forward; returns the function that stops listening. */
  start(): () => void {
    const onclick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || !a.href || a.hasAttribute('download') || (a.target && a.target !== '_self')) return;
      const url = new URL(a.href);
      if (url.origin !== location.origin || !routeOf(url.pathname)) return;
      const samePage = url.pathname + url.search === location.pathname + location.search;
      // "#section" links within the page are the browser's job.
      if (samePage && url.hash) return;
      e.preventDefault();
      if (!samePage) this.navigate(url.href);
    };
    const onpopstate = () => {
      this.#read(location);
      this.navigated = true;
    };
    document.addEventListener('click', onclick);
    window.addEventListener('popstate', onpopstate);
    return () => {
      document.removeEventListener('click', onclick);
      window.removeEventListener('popstate', onpopstate);
    };
  }

  #read(location: { pathname: string; search: string }): void {
    this.path = location.pathname;
    this.search = location.search;
  }
}

/** The app's one router. */
export const router = new Router();
