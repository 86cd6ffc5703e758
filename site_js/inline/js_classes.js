// Material marks the page as scripted from its bundle at the end of the page: html.js in place of
// .no-js, and its focus-visible polyfill's html.js-focus-visible[data-js-focus-visible]. A class
// changed on the root then restyles the whole parsed page (its selectors can reach any element).
// Inlined in the <head> (overrides/main.html, hooks/early.py), this sets the same marks before
// the body exists, so the bundle's own calls change nothing. Without JavaScript, .no-js stays.
(function (root) {
  root.classList.replace("no-js", "js");
  root.classList.add("js-focus-visible");
  root.setAttribute("data-js-focus-visible", "");
})(document.documentElement);
