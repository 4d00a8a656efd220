// Draws every <div data-figure="ID"> from the JSON in <script type="application/json" id="ID">.
(function () {
  "use strict";
  var config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-figure]").forEach(function (div) {
      var src = document.getElementById(div.getAttribute("data-figure"));
      if (!src) { return; }
      try {
        var fig = JSON.parse(src.textContent);
        Plotly.newPlot(div, fig.data || [], fig.layout || {}, config);
      } catch (err) {
        div.textContent = "Chart could not be drawn: " + err;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
