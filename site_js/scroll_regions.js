// Regions that scroll sideways (wide tables in Material's .md-typeset__scrollwrap, display math
// wider than the column) must be reachable by keyboard, or a reader without a mouse cannot see
// their right-hand side (axe: scrollable-region-focusable). Only a region that overflows right
// now becomes a tab stop, named for what it holds; it stops being one when it fits again (phone
// rotation, window resize). Material wraps tables on the same page view, so the first pass waits
// one frame. Returns the view's cleanup (boot.js mount contract).

const REGIONS = ".md-typeset__scrollwrap, .md-typeset div.arithmatex";
const MARK = "bgScrollFocus";

function sync(content) {
  for (const el of content.querySelectorAll(REGIONS)) {
    const overflows = el.scrollWidth > el.clientWidth + 1;
    if (overflows && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", el.matches(".arithmatex") ? "Formula (scrolls sideways)" : "Table (scrolls sideways)");
      el.dataset[MARK] = "1";
    } else if (!overflows && el.dataset[MARK]) {
      el.removeAttribute("tabindex");
      el.removeAttribute("role");
      el.removeAttribute("aria-label");
      delete el.dataset[MARK];
    }
  }
}

export function mountScrollRegions(content) {
  let timer = 0;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(() => sync(content), 150);
  };
  const frame = requestAnimationFrame(() => sync(content));
  addEventListener("resize", later);
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    removeEventListener("resize", later);
  };
}
