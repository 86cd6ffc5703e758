// hoistPlotStyles(chart): move Observable Plot's default rules out of a chart it just made.
//
// Plot writes its defaults (":where(.plot-d6a7b5) { … }") as a <style> inside every chart. The
// calculator redraws its chart on every input, so each input took one <style> out of the document
// and put a new one in: the browser rebuilt its style rules and re-matched the page each time
// (3.2 ms of main-thread CPU per input in a trace, beside 4–5 ms of Python). Each distinct text is
// kept once, in the <head>, and taken out of the chart: same rules, no change on a redraw. A page
// swap by Material's instant navigation drops head elements the next page lacks, so a kept
// <style> that left the document is put back.

const kept = new Map(); // text -> its <style> in the head

export function hoistPlotStyles(chart) {
  for (const style of chart.querySelectorAll("style")) {
    const text = style.textContent;
    let home = kept.get(text);
    if (!home) {
      home = document.createElement("style");
      home.dataset.plotStyles = "";
      home.textContent = text;
      kept.set(text, home);
    }
    if (!home.isConnected) document.head.append(home);
    style.remove();
  }
}
