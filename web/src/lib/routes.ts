/** The app's pages, and how a path or a `next` parameter maps to one (pure, for the router and its tests). */

/** The app's pages. */
export const routes = ['/', '/signin', '/signup', '/account', '/privacy', '/pricing', '/credits', '/forgot-password', '/reset-password'] as const;
export type Route = (typeof routes)[number];

/** The route a path shows ('/account/' counts as '/account'), or null for an unknown path. */
export function routeOf(path: string): Route | null {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return (routes as readonly string[]).includes(trimmed) ? (trimmed as Route) : null;
}

/** A safe `next` target from a query string: one of our routes, never another site. */
export function nextRoute(search: string, fallback: Route = '/'): Route {
  const next = new URLSearchParams(search).get('next');
  return (next && routeOf(next)) || fallback;
}

