// Statistics page: per-day, per-variant and per-provider charts from the "statistics-data"
// json_script block.
(function () {
  "use strict";

  var COLOURS = { sent: "#0d6efd", delivered: "#198754", undelivered: "#dc3545" };
  var PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#d63384", "#6c757d", "#ffc107"];

  function draw(canvas, config) {
    if (!canvas) {
      return;
    }
    var old = Chart.getChart(canvas);
    if (old) {
      old.destroy();
    }
    // locale: numbers and dates as the page's language writes them.
    config.options = Object.assign({ maintainAspectRatio: false, animation: false,
      locale: document.documentElement.lang || undefined }, config.options || {});
    new Chart(canvas, config);
    canvas.dataset.rendered = "1";
  }

  function init() {
    var source = document.getElementById("statistics-data");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    draw(document.getElementById("statistics-daily"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: COLOURS[s.key] };
        }),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    draw(document.getElementById("statistics-variants"), {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.variants.map(function (v, n) {
          return { label: v.label, data: v.data, backgroundColor: PALETTE[n % PALETTE.length] };
        }),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    });
    if (data.providers) {
      draw(document.getElementById("statistics-providers-chart"), {
        type: "bar",
        data: {
          labels: data.providers.labels,
          datasets: [{ label: data.providers.rate_label, data: data.providers.rate,
            backgroundColor: data.providers.labels.map(function (_label, n) { return PALETTE[n % PALETTE.length]; }) }],
        },
        options: { indexAxis: "y", plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, max: 100 } } },
      });
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
