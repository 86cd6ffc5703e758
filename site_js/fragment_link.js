// A link to another page's #fragment must land on the fragment. Material's instant navigation
// records the scroll offset 100 ms after the last scroll event (a debounced history.replaceState).
// A link clicked within those 100 ms (a reader who scrolls and clicks at once, or a keyboard
// reader whose focus scrolled the link into view) gets the old page's offset written onto the
// new history entry; when the new page arrives, Material sees a saved offset and restores it
// instead of scrolling to the fragment, so the reader lands somewhere in the middle of the page.
//
// The fix keeps Material's behaviour and corrects only that case: a same-site link to another
// page with a fragment, followed by a click (not Back/Forward, whose saved offsets are right).
// Once the new page is in place, if the fragment's target is not in view, scroll it there.

let pending = null; // the hash of the link just clicked, until its page arrives

function targetOf(hash) {
  const id = decodeURIComponent(hash.slice(1));
  return id ? document.getElementById(id) : null;
}

function inView(el) {
  const top = el.getBoundingClientRect().top;
  return top >= 0 && top < innerHeight;
}

function onClick(event) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
  if (!link || link.target === "_blank") return;
  const url = new URL(link.href, location.href);
  pending = url.origin === location.origin && url.pathname !== location.pathname && url.hash ? url.hash : null;
}

function onNewPage() {
  const hash = pending;
  pending = null;
  if (!hash || location.hash !== hash) return;
  // Material scrolls in the same task as the swap; correct after it, in the next frame, the way
  // Material itself goes to a fragment: a fragment navigation (which makes the target :target, so
  // the theme's scroll-margin keeps it clear of the sticky header), by a link outside the page.
  requestAnimationFrame(() => {
    const el = targetOf(hash);
    if (!el || inView(el)) return;
    const link = document.createElement("a");
    link.href = hash;
    history.scrollRestoration = "auto";
    link.click();
    history.scrollRestoration = "manual";
  });
}

/** Install once per full page load; `document$` is Material's page-swap stream. */
export function followFragmentLinks(document$) {
  document.addEventListener("click", onClick, true);
  addEventListener("popstate", () => { pending = null; });
  document$.subscribe(onNewPage);
}
