/**
 * A tiny history-API router. Links stay real `<a href>` (they open in a new tab, can be
 * copied, work without JavaScript's help since the server answers every extension-less
 * path with index.html); a click on one of ours is turned into client-side navigation.
 * The app's pages (web/src/routes.ts) are given to `start`: the router imports no page,
 * so every page can import the router.
 */

import { nextRoute, routeOf } from './paths.ts';

export class Router {
  path = $state('/');
  search = $state('');
  /** Set after client-side navigation, so the new page can take the focus (not on first load). */
  navigated = $state(false);
  /** The paths of the app's pages, given by `start`. */
  paths = $state.raw<readonly string[]>([]);
  /** The page path the current location shows, or null for an unknown path. */
  readonly route = $derived(routeOf(this.path, this.paths));

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

  /** Where the `next=` parameter of the current location leads, if it is one of our pages. */
  next(fallback = '/'): string {
    return nextRoute(this.search, this.paths, fallback);
  }

  /**
   * Serves the pages at `paths`: listens for link clicks and Back/Forward. Call it before
   * the first render (it decides which page shows); returns the function that stops listening.
   */
  start(paths: readonly string[]): () => void {
    this.paths = paths;
    const onclick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a');
      if (!a || !a.href || a.hasAttribute('download') || (a.target && a.target !== '_self')) return;
      const url = new URL(a.href);
      if (url.origin !== location.origin || !routeOf(url.pathname, this.paths)) return;
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
