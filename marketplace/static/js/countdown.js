// The expo hall's countdown: fills <span data-countdown="ISO time" data-days="hari"> every second.
(function () {
  var nodes = document.querySelectorAll("[data-countdown]");
  if (!nodes.length) return;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var now = Date.now();
    nodes.forEach(function (node) {
      var left = Math.max(0, Math.floor((Date.parse(node.dataset.countdown) - now) / 1000));
      var days = Math.floor(left / 86400);
      var rest = left % 86400;
      node.textContent = (days ? days + " " + node.dataset.days + " " : "") +
        pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor(rest % 3600 / 60)) + ":" + pad(rest % 60);
      if (left === 0 && !node.dataset.reloaded) { node.dataset.reloaded = "1"; window.location.reload(); }
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
