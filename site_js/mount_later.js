// mountNearOrLater(roots, ready, mount): mount each widget root when the reader comes near it,
// or once the page's Python is ready, whichever is first. Returns a cleanup (boot.js's contract).
//
// Why: a widget's mount (an example's editor and highlighted code, its figures, an explorer's
// controls) is main-thread work in the seconds when Python's WebAssembly compiles on the same
// cores. Mounting the home page's example (three screens down) cost 80–200 ms of main-thread CPU
// in that window in traces, and the first live result came that much later. A widget the reader
// can see, or will within NEAR of scrolling, mounts at once, as before; the rest waits.
//
// "Near" is within two screen heights above or below the visible part (IntersectionObserver's
// first report comes with the first frame). After Python is ready the rest mount AFTER_READY_MS
// later, so the first answers are drawn first. Before its mount a widget shows its build-time
// form: the code and the numbers of a run made when the site was built, and no controls.

export const NEAR = "200% 0px";
export const AFTER_READY_MS = 250;

export function mountNearOrLater(roots, ready, mount) {
  const waiting = new Set(roots);
  if (!waiting.size) return () => {};
  let observer = null;
  const take = (root) => {
    if (!waiting.delete(root)) return;
    if (observer) observer.unobserve(root);
    mount(root);
  };
  if (typeof IntersectionObserver === "function") {
    observer = new IntersectionObserver((entries) => {
      for (const entry of entries) if (entry.isIntersecting) take(entry.target);
    }, { rootMargin: NEAR });
    for (const root of waiting) observer.observe(root);
  } else {
    ready = Promise.resolve(); // no way to know what is near: mount everything now
  }
  let released = false;
  const afterReady = () => new Promise((resolve) => setTimeout(resolve, AFTER_READY_MS));
  Promise.resolve(ready).then(afterReady, afterReady).then(() => {
    if (released) return;
    for (const root of [...waiting]) take(root);
    if (observer) observer.disconnect();
  });
  return () => {
    released = true;
    waiting.clear();
    if (observer) observer.disconnect();
  };
}
