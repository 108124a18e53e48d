// Draws every <canvas data-chart="ID"> of a page from the Chart.js configuration in
// <script type="application/json" id="ID">. The server builds each configuration (titles, axis titles with
// units, legends), so this script only adds what JSON cannot carry: number formatting in ticks and tooltips.
(function () {
  'use strict';

  function short(value) {
    var a = Math.abs(value);
    if (a === 0) return '0';
    if (a >= 1000) return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
    return Number(value.toPrecision(3)).toString();
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute('data-chart'));
    if (!source) return;
    var config = JSON.parse(source.textContent);
    var options = config.options || (config.options = {});
    options.responsive = true;
    options.maintainAspectRatio = false;
    options.animation = false;
    Object.keys(options.scales || {}).forEach(function (key) {
      var scale = options.scales[key];
      if (scale.type === 'category') return;
      scale.ticks = scale.ticks || {};
      scale.ticks.callback = function (value) {
        return short(Number(value));
      };
    });
    options.plugins = options.plugins || {};
    // Datasets marked `legend: false` (the lower edge of a confidence band) stay out of the legend.
    options.plugins.legend = options.plugins.legend || {};
    options.plugins.legend.labels = options.plugins.legend.labels || {};
    options.plugins.legend.labels.filter = function (item, data) {
      return data.datasets[item.datasetIndex].legend !== false;
    };
    options.plugins.tooltip = options.plugins.tooltip || {};
    options.plugins.tooltip.callbacks = {
      label: function (item) {
        var v = item.parsed;
        var y = options.indexAxis === 'y' ? v.x : v.y;
        return (
          (item.dataset.label ? item.dataset.label + ': ' : '') +
          short(y) +
          (item.dataset.unit ? ' ' + item.dataset.unit : '')
        );
      },
    };
    new window.Chart(canvas, config);
  }

  function drawAll() {
    if (!window.Chart) return;
    Array.prototype.forEach.call(document.querySelectorAll('canvas[data-chart]'), draw);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
  else drawAll();
})();
