// The light/dark toggle in the header, in place of Material 9.8.1's palette component.
//
// Material mounts its palette once the whole page is parsed, and on mount it re-applies the
// palette it already applied, sets body[data-md-color-switching] (its stylesheet matches that
// with `[data-md-color-switching] *`) and adds the color-scheme <meta>. Each of these restyles the
// whole document (tools/bench.py's longest main-thread task: 30 % of it on a guide page).
// This script is inlined right after the toggle's <form> (overrides/partials/javascripts/
// palette.html, hooks/early.py), so it chooses and applies the palette while only the header
// exists, and after that changes the page only when the reader switches.
//
// Kept from Material: the choice (the stored "__palette", else the option whose media query
// matches), what a choice sets (body[data-md-color-*], the toggle label shown, the theme-color and
// color-scheme metas), Enter on the toggle, and the stored format, which Material's own pages read.
// Changed: the palette is stored only when the reader switches, so a reader who never chose
// follows the system's light or dark setting.
(function () {
  var form = document.querySelector("form[data-bg-palette]");
  if (!form || form.hasAttribute("data-mounted")) return;
  form.setAttribute("data-mounted", "true");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name='__palette']"));
  if (!inputs.length) return;
  var body = document.body;
  var KEYS = ["media", "scheme", "primary", "accent"];
  var SYSTEM = "(prefers-color-scheme)";
  var LIGHT = "(prefers-color-scheme: light)";

  function meta(name) {
    var found = document.head.querySelector("meta[name='" + name + "']");
    if (found) return found;
    var made = document.createElement("meta");
    made.name = name;
    document.head.appendChild(made);
    return made;
  }
  var themeColor = meta("theme-color");
  var colorScheme = meta("color-scheme");

  function stored() {
    var palette = typeof __md_get === "function" ? __md_get("__palette") : null;
    return palette && typeof palette.index === "number" ? palette : null;
  }

  function chosenIndex() {
    var palette = stored();
    var index = palette ? palette.index : -1;
    for (var i = 0; index < 0 && i < inputs.length; i++) {
      if (matchMedia(inputs[i].getAttribute("data-md-color-media")).matches) index = i;
    }
    return Math.max(0, Math.min(index, inputs.length - 1));
  }

  // The colours an option sets; an option for "the system's setting" takes the matching one's.
  function colorOf(input) {
    var source = input;
    if (input.getAttribute("data-md-color-media") === SYSTEM) {
      source = form.querySelector(matchMedia(LIGHT).matches
        ? "[data-md-color-media='(prefers-color-scheme: light)']"
        : "[data-md-color-media='(prefers-color-scheme: dark)']") || input;
    }
    var color = {};
    KEYS.forEach(function (key) { color[key] = (key === "media" ? input : source).getAttribute("data-md-color-" + key); });
    return color;
  }

  var current = -1;
  function apply(index, switching) {
    var color = colorOf(inputs[index]);
    var changed = KEYS.filter(function (key) { return body.getAttribute("data-md-color-" + key) !== color[key]; });
    // A switch shows at once: Material's stylesheet drops every transition while this is set.
    if (switching && changed.length) body.setAttribute("data-md-color-switching", "");
    changed.forEach(function (key) { body.setAttribute("data-md-color-" + key, color[key]); });
    inputs.forEach(function (input, i) {
      var label = input.nextElementSibling;
      if (label instanceof HTMLElement && label.hidden !== (i !== index)) label.hidden = i !== index;
    });
    inputs[index].checked = true;
    current = index;
    if (changed.length || !themeColor.content) {
      var header = document.querySelector("[data-md-component='header']") || body;
      var style = getComputedStyle(header);
      if (colorScheme.content !== style.colorScheme) colorScheme.content = style.colorScheme;
      var rgb = (style.backgroundColor.match(/\d+/g) || []).slice(0, 3);
      if (rgb.length === 3) themeColor.content = "#" + rgb.map(function (v) { return (+v).toString(16).padStart(2, "0"); }).join("");
    }
    if (switching && changed.length) setTimeout(function () { body.removeAttribute("data-md-color-switching"); }, 0);
  }

  apply(chosenIndex(), false);

  form.addEventListener("change", function (event) {
    var index = inputs.indexOf(event.target);
    if (index < 0) return;
    apply(index, true);
    if (typeof __md_set === "function") __md_set("__palette", { index: index, color: colorOf(inputs[index]) });
  });
  // Enter on the focused toggle switches too (a radio button only answers Space).
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var next = inputs[(current + 1) % inputs.length];
    next.click();
    next.focus();
  });
  // The system's setting changed: a reader who never chose (or chose "the system's") follows it.
  var media = matchMedia(LIGHT);
  var follow = function () { apply(chosenIndex(), true); };
  if (media.addEventListener) media.addEventListener("change", follow);
})();
