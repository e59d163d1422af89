// Client-side routes over the History API; the server answers every app path with index.html.
import { SvelteURL, SvelteURLSearchParams } from 'svelte/reactivity';

export const route: { path: string; query: URLSearchParams } = $state({
  path: location.pathname,
  query: new SvelteURLSearchParams(location.search),
});

let leaving: (() => boolean) | null = null;

/// Asks before leaving a screen with unsaved changes (`null` removes the question).
export function guardLeaving(ask: (() => boolean) | null): void {
  leaving = ask;
}

export function navigate(to: string, replace = false): void {
  if (leaving && !leaving()) return;
  leaving = null;
  const url = new SvelteURL(to, location.origin);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.path = url.pathname;
  route.query = new SvelteURLSearchParams(url.search);
  window.scrollTo(0, 0);
}

addEventListener('popstate', () => {
  route.path = location.pathname;
  route.query = new SvelteURLSearchParams(location.search);
});

/// Links inside the app move without a page load.
export function link(node: HTMLAnchorElement): void {
  node.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(node.getAttribute('href') ?? '/');
  });
}
