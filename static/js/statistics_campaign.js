// Campaign page: the delivery funnel and the delivery time histogram. The block arrives
// by htmx (and again while the campaign sends), so charts are drawn on every htmx load.
(function () {
  "use strict";

  function draw(canvas, config) {
    if (!canvas || typeof Chart === "undefined") {
      return;
    }
    var old = Chart.getChart(canvas);
    if (old) {
      old.destroy();
    }
    // locale: numbers and dates as the page's language writes them.
    config.options = Object.assign({ maintainAspectRatio: false, animation: false,
      locale: document.documentElement.lang || undefined }, config.options);
    new Chart(canvas, config);
    canvas.dataset.rendered = "1";
  }

  function init(root) {
    var source = root.querySelector ? root.querySelector("#campaign-delivery-data") : null;
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var box = source.parentElement;
    draw(box.querySelector("[data-chart=funnel]"), {
      type: "bar",
      data: {
        labels: data.funnel.labels,
        datasets: [{ data: data.funnel.data, backgroundColor: ["#6c757d", "#0d6efd", "#198754"] }],
      },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    draw(box.querySelector("[data-chart=delays]"), {
      type: "bar",
      data: { labels: data.delays.labels, datasets: [{ data: data.delays.data, backgroundColor: "#198754" }] },
      options: {
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof htmx !== "undefined") {
      htmx.onLoad(init);
    } else {
      init(document);
    }
  });
})();
