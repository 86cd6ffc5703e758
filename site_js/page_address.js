// A widget's state lives in its page's address: the calculator's inputs, the practice problem's
// seed. Widgets write it late (after a debounce, or when Python answers). By then Material's
// instant navigation may already have pushed the next page's address while the old page is still
// in the document, and a write would put this page's query on the other page's entry (seen in
// WebKit: /guide/activations/?x=-2.5&…). So a widget keeps the path it was mounted on, and
// writes only while the address is still that page.

export function pageAddress() {
  const path = location.pathname;
  return {
    /** Is the address still the page this widget was mounted on? */
    here: () => location.pathname === path,
    /** Replace the query (a "?…" string, or "" for none); keeps the fragment and history state. */
    setQuery(search) {
      if (location.pathname !== path) return false;
      if (location.search === search) return true;
      history.replaceState(history.state, "", path + search + location.hash);
      return true;
    },
  };
}
