/** Page focus after client-side navigation, so keyboard and screen-reader users land on the new page. */
import { router } from './router.svelte.ts';

/** Svelte action for a page's h1 (with tabindex="-1"): focuses it when the page was reached by navigation. */
export function focusOnNavigation(node: HTMLElement): void {
  // With a #fragment the router focuses that part of the page instead.
  if (router.navigated && !location.hash) node.focus({ preventScroll: true });
}
