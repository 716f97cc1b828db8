/** How a path or a `next` parameter maps to one of the app's pages (pure, for the router and its tests). */

/** The page a path shows ('/account/' counts as '/account'), or null when `paths` has none for it. */
export function routeOf(path: string, paths: readonly string[]): string | null {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return paths.includes(trimmed) ? trimmed : null;
}

/** A safe `next` target from a query string: one of `paths`, never another site. */
export function nextRoute(search: string, paths: readonly string[], fallback = '/'): string {
  const next = new URLSearchParams(search).get('next');
  return (next && routeOf(next, paths)) || fallback;
}
