// Dashboard: the last days' delivery rate (line) over the messages sent (bars).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("dashboard-week");
    var canvas = document.getElementById("dashboard-week-chart");
    if (!source || !canvas || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "line", label: data.rate_label, data: data.rate, borderColor: "#198754", yAxisID: "rate", spanGaps: true, tension: 0.2 },
          { type: "bar", label: data.sent_label, data: data.sent, backgroundColor: "rgba(13, 110, 253, 0.25)", yAxisID: "sent" },
        ],
      },
      options: {
        maintainAspectRatio: false,
        locale: document.documentElement.lang || undefined,  // numbers as the page's language writes them
        animation: false,
        scales: {
          rate: { position: "left", min: 0, max: 100 },
          sent: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } },
        },
      },
    });
    canvas.dataset.rendered = "1";
  });
})();
