"""Reading a page with the keyboard alone (shared by test_keyboard.py): where focus is after each
Tab, whether a reader can see it there, and which of the content's controls Tab never reaches.

The ring is measured, not assumed: the outline (or, for a code editor, its frame's inset shadow)
must be at least 2 px wide and reach 3:1 against what is behind it (WCAG 1.4.11)."""

from __future__ import annotations

# Marks every control of the content a keyboard reader should reach, in document order; a stop
# reports its mark. Hidden controls (closed <details>, display: none) and disabled ones are left
# out, and a radio group counts once (Tab enters it at its checked radio).
MARK_CONTROLS = """() => {
    const query = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
    const seen = new Set();
    window.__kbControls = [...document.querySelectorAll('.md-content article :is(' + query + ')')].filter((el) => {
        if (el.disabled || el.getAttribute('tabindex') === '-1' || el.closest('[inert], [aria-hidden="true"]')) return false;
        if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: false })) return false;
        if (el.type === 'radio') {
            if (seen.has(el.name)) return false;
            seen.add(el.name);
        }
        return true;
    });
    return window.__kbControls.length;
}"""

FOCUS_STOP = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { where: 'body' };
    const rgba = (text) => {
        const m = text.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return [r, g, b, a];
    };
    const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3])).concat(1);
    const behind = (node) => {           // the colour a ring around node's box is drawn on
        const layers = [];
        for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
            const c = rgba(getComputedStyle(n).backgroundColor);
            if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
        }
        return layers.reverse().reduce((below, c) => over(c, below), [255, 255, 255, 1]);
    };
    const lum = ([r, g, b]) => {
        const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };

    let ring = null;
    const cs = getComputedStyle(el);
    if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) {
        const color = rgba(cs.outlineColor);
        const ground = behind(el.parentElement);
        ring = { kind: 'outline', width: parseFloat(cs.outlineWidth),
                 contrast: contrast(over(color, ground), ground) };
    } else {
        const frame = el.closest('.bg-editor');
        const shadow = frame && getComputedStyle(frame).boxShadow;
        const m = shadow && shadow.match(/(rgba?\\([^)]+\\)).*?(\\d+(?:\\.\\d+)?)px inset/);
        if (m) {
            const ground = behind(frame);
            ring = { kind: 'inset', width: Number(m[2]), contrast: contrast(over(rgba(m[1]), ground), ground) };
        }
    }
    const section = el.closest('[data-widget], [data-example], h1, h2, h3, section, p, li, figure, details');
    const label = el.getAttribute('aria-label') || el.getAttribute('name') || el.dataset.action
        || (el.textContent || '').trim().slice(0, 40) || el.getAttribute('title') || '';
    const frame = el.closest('.bg-editor-frame');
    const keys = frame && frame.querySelector('.bg-editor__keys');
    const example = el.closest('[data-example]');
    return {
        where: el.closest('.md-content article') ? 'content' : (el.closest('.md-content') ? 'page' : 'chrome'),
        mark: (window.__kbControls || []).indexOf(el),
        tag: el.tagName.toLowerCase(), label, ring,
        context: section ? (section.dataset.widget || (section.dataset.example !== undefined ? 'example' : section.tagName.toLowerCase())) : '',
        editor: el.matches('textarea') && !!frame,
        keysShown: keys ? getComputedStyle(keys).visibility === 'visible' : null,
        example: example ? [...document.querySelectorAll('[data-example]')].indexOf(example) : -1,
    };
}"""

DESCRIBE = "(i) => { const el = window.__kbControls[i]; return el.tagName.toLowerCase() + ' ' + " \
           "(el.getAttribute('aria-label') || el.getAttribute('name') || (el.textContent || '').trim().slice(0, 40)); }"

MAX_STOPS = 800


def ring_problem(stop: dict) -> str | None:
    """Why a reader could not see this focus stop, or None."""
    ring = stop["ring"]
    if ring is None:
        return "no focus ring"
    if ring["width"] < 2:
        return f"ring {ring['width']} px wide (< 2)"
    if ring["contrast"] < 3:
        return f"ring at {ring['contrast']:.2f}:1 against its background (< 3:1)"
    return None


def walk(page, on_editor=None) -> tuple[list[dict], list[str]]:
    """Press Tab from the top of the page until focus has passed the content.

    ``on_editor(stop)`` is called at each code editor, before Esc (then the next Tab) moves focus
    on. Returns (every stop inside the content, the content's controls never reached)."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    total = page.evaluate(MARK_CONTROLS)
    stops: list[dict] = []
    entered = False
    escaped_from = None
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STOP)
        if stop["where"] == "content":
            entered = True
            stops.append(stop)
            if stop["editor"]:
                if stop["mark"] == escaped_from:
                    raise AssertionError(f"Esc, then Tab, did not leave the editor of {stop['context']} {stop['example']}")
                # Tab indents in an editor; Esc, then Tab, goes on (the editor says so while focused)
                if on_editor is not None:
                    on_editor(stop)
                page.keyboard.press("Escape")
                escaped_from = stop["mark"]
        elif entered and stop["where"] != "page":
            break
    else:
        raise AssertionError(f"Tab never left the content after {MAX_STOPS} stops; last: {stops[-1:]}")
    reached = {s["mark"] for s in stops}
    missed = [page.evaluate(DESCRIBE, i) for i in range(total) if i not in reached]
    return stops, missed
