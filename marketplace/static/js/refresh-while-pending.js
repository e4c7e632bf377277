// A page waiting for someone else (a payment provider's confirmation) reloads itself every
// few seconds while it shows <... data-refresh-seconds="3">, for two minutes at most. Scripted
// rather than <meta http-equiv="refresh">, which WCAG 2.2.1 (and axe) refuse; without
// JavaScript the page's own "Perbarui status" link does the same.
(function () {
  var node = document.querySelector("[data-refresh-seconds]");
  if (!node) return;
  var key = "refresh-started:" + window.location.pathname;
  var seconds = Math.max(2, parseInt(node.dataset.refreshSeconds, 10) || 3);
  var started = parseInt(sessionStorage.getItem(key) || "0", 10) || Date.now();
  if (Date.now() - started > 120000) { sessionStorage.removeItem(key); return; }
  sessionStorage.setItem(key, String(started));
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
