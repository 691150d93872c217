// The dashboard's charts, drawn by Chart.js (vendored, see vendor/VENDORED.txt) from the figures
// the page carries in a json_script element (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var COLOURS = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e"];

  function draw() {
    var source = document.getElementById("report-chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    window.admindukCharts = {};
    var daily = document.getElementById("chart-daily");
    if (daily) {
      window.admindukCharts.daily = new Chart(daily, {
        type: "line",
        data: {
          labels: data.daily.labels,
          datasets: data.daily.series.map(function (s, i) {
            return { label: s.label, data: s.data, borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], tension: 0.2 };
          })
        },
        options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
    var coverage = document.getElementById("chart-coverage");
    if (coverage) {
      window.admindukCharts.coverage = new Chart(coverage, {
        type: "bar",
        data: {
          labels: data.coverage.labels,
          datasets: data.coverage.series.map(function (s) { return { label: s.label, data: s.data, backgroundColor: COLOURS[0] }; })
        },
        options: { animation: false, responsive: true, scales: { y: { beginAtZero: true, max: 100 } } }
      });
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
