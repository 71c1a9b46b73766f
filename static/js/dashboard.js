// The workbench home's dashboard (templates/reports/dashboard.html): draws the 12-month trend
// and the bar chart by place with Chart.js (static/vendor/chart.umd.min.js, loaded before this
// file) into the <canvas data-chart="…"> elements. The numbers come from the JSON data block
// dashboard-data (json_script), the same numbers as the tables beside the charts, which screen
// readers read and paper prints. A missing rate (nothing to divide by) is null: a gap, not 0.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var panel = source.closest(".dashboard") || document.documentElement;
  var style = getComputedStyle(panel);

  function colour(name, fallback) {
    return style.getPropertyValue(name).trim() || fallback;
  }

  var PASS = colour("--dashboard-pass", "#b4232a");
  var CLOSURE = colour("--dashboard-closure", "#2f6f9f");

  function percentAxis() {
    return {
      min: 0,
      max: 100,
      ticks: {
        callback: function (value) {
          return value + "%";
        },
      },
    };
  }

  function options(extra) {
    var base = {
      animation: false, // the chart is there at once (and in the guide's screenshot)
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: percentAxis() },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (context) {
              var value = context.parsed.y;
              return context.dataset.label + ": " + (value === null ? "—" : value + "%");
            },
          },
        },
      },
    };
    return Object.assign(base, extra || {});
  }

  function dataset(key, values, colourValue, extra) {
    return Object.assign(
      {
        label: data.rates[key],
        data: values,
        borderColor: colourValue,
        backgroundColor: colourValue,
      },
      extra || {}
    );
  }

  var trend = document.querySelector("canvas[data-chart=trend]");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: [
          dataset("pass_rate", data.trend.pass_rate, PASS, { spanGaps: false }),
          dataset("closure_rate", data.trend.closure_rate, CLOSURE, {
            spanGaps: false,
            borderDash: [6, 4], // told apart without colour too
          }),
        ],
      },
      options: options(),
    });
  }

  var bars = document.querySelector("canvas[data-chart=bars]");
  if (bars) {
    new Chart(bars, {
      type: "bar",
      data: {
        labels: data.bars.labels,
        datasets: [
          // a rate of 0 shows as a sliver; a missing one (null) shows nothing
          dataset("pass_rate", data.bars.pass_rate, PASS, { minBarLength: 3 }),
          dataset("closure_rate", data.bars.closure_rate, CLOSURE, { minBarLength: 3 }),
        ],
      },
      options: options(),
    });
  }
})();
