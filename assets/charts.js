/* "Download PNG" and "Download SVG" under every chart: plotly.js draws the file in the browser, under the name
   the layout gave (measure, chart, area, cohort, period). The modebar's camera does the same for PNG. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.chart-download");
    if (!button || !window.Plotly) { return; }
    var frame = button.closest(".chart-frame");
    var plot = frame && frame.querySelector(".js-plotly-plot");
    if (!plot) { return; }
    var layout = plot._fullLayout || {};
    window.Plotly.downloadImage(plot, {
      format: button.dataset.format,
      filename: button.dataset.filename || "pathways-chart",
      width: layout.width,
      height: layout.height,
      scale: button.dataset.format === "png" ? 2 : 1
    });
  });
})();
