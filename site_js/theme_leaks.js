// Two leaks of Material 9.8.1's instant navigation, released here so that a reader's tab stays
// flat however many pages they visit (boot.js calls releaseSwappedPage on every page swap).
//
// 1. Each page's table of contents stays subscribed to Material's viewport stream, and through
//    it the whole swapped-out page (about 6,500 DOM nodes per page visited). Once the old
//    container is out of the document it is taken apart, so the subscription holds an empty list.
// 2. Material's watchMedia subscribes with MediaQueryList.addListener and never removes the
//    listener, so the two sidebars of every visited page keep one "change" listener each.
//    Listeners added through addListener are tagged with the page view they were mounted for
//    (Material mounts a page's components on document$ just before boot.js hears it) and removed
//    when that view is swapped out. Those added before this module ran (Material's start-up,
//    which includes its global ones) are never touched.

let previousContainer = null;
let views = 0; // document$ emissions seen
const added = []; // [{media, listener, view}]

const original = typeof MediaQueryList === "function" ? MediaQueryList.prototype.addListener : null;
if (original) {
  MediaQueryList.prototype.addListener = function addListener(listener) {
    added.push({ media: this, listener, view: views + 1 });
    return original.call(this, listener);
  };
}

function dismantle(tree) {
  if (!tree || tree.isConnected) return;
  const all = tree.querySelectorAll("*");
  for (let i = all.length - 1; i >= 0; i--) all[i].replaceChildren();
  tree.replaceChildren();
}

// Call once per document$ emission (the new page is in place).
export function releaseSwappedPage() {
  views += 1;
  // Listeners of the view that just ended were mounted during the previous emission.
  const ended = views - 1;
  for (let i = added.length - 1; i >= 0; i--) {
    const entry = added[i];
    if (entry.view < ended) continue;
    if (entry.view === ended && ended >= 2) {
      entry.media.removeListener(entry.listener);
      added.splice(i, 1);
    }
  }
  dismantle(previousContainer);
  previousContainer = document.querySelector('[data-md-component="container"]');
}
