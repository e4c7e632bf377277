// The Xendit pay page: counts down to the deadline, copies the VA number, and asks the
// status answer every few seconds; paid -> to the orders, expired or cancelled -> reload
// so the page says so.
(function () {
  var page = document.getElementById("xendit-pay");
  if (!page) return;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var clock = page.querySelector("[data-deadline]");
  function tick() {
    if (!clock) return;
    var left = Math.max(0, Math.floor((Date.parse(clock.dataset.deadline) - Date.now()) / 1000));
    var days = Math.floor(left / 86400), rest = left % 86400;
    clock.textContent = (days ? days + " " + clock.dataset.days + " " : "") +
      pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor(rest % 3600 / 60)) + ":" + pad(rest % 60);
  }
  tick();
  window.setInterval(tick, 1000);
  page.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var done = function () { button.textContent = button.dataset.copied; };
      if (navigator.clipboard) { navigator.clipboard.writeText(button.dataset.copy).then(done, done); }
      else { done(); }
    });
  });
  if (page.dataset.state !== "pending") return;
  function poll() {
    fetch(page.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) {
        if (!data || data.status === "pending") return;
        if (data.status === "paid") { window.location.assign(data.orders_url); }
        else { window.location.reload(); }
      })
      .catch(function () {});
  }
  window.setInterval(poll, 3000);
})();
