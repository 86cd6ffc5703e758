// Material's instant navigation starts (bundle.js, at the end of the page) by writing every
// relative href and src in the document back as its absolute URL. On a stylesheet or preload
// <link> that is a new load: the browser rebuilds its style rules and restyles the whole parsed
// page (140 + 365 ms of main-thread CPU in a trace of the home page, while Python compiles).
// Inlined as the <head>'s last element (overrides/main.html, hooks/early.py), this makes the
// same change while the body is still empty; Material then finds these URLs absolute and leaves
// them. The test is Material's own: an attribute that starts with "//" or "scheme://" is absolute.
(function (head) {
  var absolute = /^(?:[a-z]+:)?\/\//i;
  var elements = head.querySelectorAll("[href], [src]");
  for (var i = 0; i < elements.length; i++) {
    var element = elements[i];
    var names = ["href", "src"];
    for (var j = 0; j < names.length; j++) {
      var value = element.getAttribute(names[j]);
      if (value && !absolute.test(value)) {
        element[names[j]] = element[names[j]];
        break;
      }
    }
  }
})(document.head);
