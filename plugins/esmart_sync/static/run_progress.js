// A run's page while its job (or its photo downloads) goes on: polls the run's status.json every
// 2 s, fills in the rows and photos done, and reloads the page once both are over (the full
// report with its row notes then shows). Served as a file: the CSP allows no inline script.
(function () {
  var box = document.querySelector("[data-esmart-status]");
  if (!box || !box.dataset.following) return;
  var url = box.dataset.esmartStatus;
  function fill(id, job) {
    var node = document.getElementById(id);
    if (!node || !job) return;
    var done = node.querySelector("[data-done]"), total = node.querySelector("[data-total]");
    var message = node.querySelector("[data-message]");
    if (done) done.textContent = job.done;
    if (total && job.total !== null) total.textContent = job.total;
    if (message) message.textContent = job.message;
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        fill("esmart-rows", body.progress.rows);
        fill("esmart-photos", body.progress.photos);
        if (!body.following || (body.progress.photos && !document.getElementById("esmart-photos"))) {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
