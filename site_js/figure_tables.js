// The build writes each chart's data table open (guide/render.py: it is all a reader without
// JavaScript gets). With JavaScript the chart is drawn into the same frame, so the tables fold at
// once, when their widget mounts and before any chart is drawn: the page does not jump as each
// chart arrives, and Tab never meets a table that is about to fold. A table whose chart could not
// be drawn opens again.

const TABLES = "[data-chart] details[data-figure-table][open]";

// Fold the open tables of the charts in scope not drawn yet; returns what to call if drawing fails.
export function foldTables(scope) {
  const folded = [...scope.querySelectorAll(TABLES)].filter((details) => !details.closest("[data-chart]").dataset.chartState);
  for (const details of folded) details.open = false;
  return () => {
    for (const details of folded) {
      if (details.closest("[data-chart]").dataset.chartState !== "drawn") details.open = true;
    }
  };
}
