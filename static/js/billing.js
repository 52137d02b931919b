// Billing page: the points-over-time chart, drawn from the json_script data block.
(function () {
  "use strict";

  function draw() {
    var canvas = document.getElementById("balance-chart");
    var source = document.getElementById("balance-history");
    if (!canvas || !source || typeof Chart === "undefined") {
      return;
    }
    var points = JSON.parse(source.textContent);
    // The axis the server picked from the data (billing.selectors.balance_chart_range): the
    // chosen window, or from just before the first snapshot when there are only minutes or
    // hours of them.
    var now = parseInt(canvas.dataset.end, 10) || Date.now();
    var windowStart = parseInt(canvas.dataset.start, 10) || now - (parseInt(canvas.dataset.days, 10) || 30) * 86400000;
    var when = function (p) { return p.t; };
    var datasets = [
      {
        label: canvas.dataset.labelBalance,
        data: points.map(function (p) { return { x: when(p), y: p.balance }; }),
        borderColor: "#0d6efd",
        backgroundColor: "rgba(13, 110, 253, 0.1)",
        fill: true,
        tension: 0.2,
        pointRadius: points.length > 60 ? 0 : 2,
      },
      {
        label: canvas.dataset.labelPromo,
        data: points.map(function (p) { return { x: when(p), y: p.promo }; }),
        borderColor: "#198754",
        tension: 0.2,
        pointRadius: points.length > 60 ? 0 : 2,
      },
    ];
    if (canvas.dataset.threshold && points.length) {
      var level = parseFloat(canvas.dataset.threshold);
      datasets.push({
        label: canvas.dataset.labelThreshold,
        data: [{ x: windowStart, y: level }, { x: now, y: level }],
        borderColor: "#dc3545",
        borderDash: [6, 4],
        pointRadius: 0,
      });
    }
    var lang = document.documentElement.lang || undefined;
    var tickOptions = {
      time: { hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
      datetime: { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" },
      date: { month: "short", day: "numeric" },
    }[canvas.dataset.ticks] || { month: "short", day: "numeric" };
    var tickFormat = new Intl.DateTimeFormat(lang, tickOptions);
    var format = new Intl.DateTimeFormat(lang, {
      month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    new Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        maintainAspectRatio: false,
        locale: document.documentElement.lang || undefined,  // numbers as the page's language writes them
        animation: false,
        parsing: false,
        interaction: { mode: "nearest", intersect: false },
        scales: {
          x: {
            type: "linear",
            min: windowStart,
            max: now,
            ticks: { maxTicksLimit: 8, callback: function (value) { return tickFormat.format(new Date(value)); } },
          },
          y: { beginAtZero: true },
        },
        plugins: {
          tooltip: { callbacks: { title: function (items) { return format.format(new Date(items[0].parsed.x)); } } },
        },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
