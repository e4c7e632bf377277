/* Visitor figures (marketplace/visits): one beacon per page view, one per WhatsApp tap.
   The page says what it shows in <meta name="apik-beacon" content="k=booth&e=...&s=...">;
   a link with data-beacon="whatsapp" (and data-store, data-expo) sends a "whatsapp" beacon
   when tapped, without holding up the navigation. No cookie, nothing stored in the browser.
   Do Not Track is not consulted: nothing personal is kept (a visitor is a hash salted per
   day and forgotten after it), so there is nothing to track (README, "Visitor figures"). */
(function () {
  "use strict";
  if (!navigator.sendBeacon || !window.URLSearchParams) {
    return;
  }
  var script = document.currentScript;
  var url = (script && script.getAttribute("data-url")) || "/beacon";

  function send(fields) {
    var params = new URLSearchParams();
    Object.keys(fields).forEach(function (name) {
      if (fields[name]) {
        params.append(name, fields[name]);
      }
    });
    try {
      navigator.sendBeacon(url, params);
    } catch (ignored) {
      /* a figure is never worth an error on the page */
    }
  }

  function pageView() {
    var meta = document.querySelector('meta[name="apik-beacon"]');
    if (!meta) {
      return;
    }
    var fields = {};
    new URLSearchParams(meta.getAttribute("content") || "").forEach(function (value, name) {
      fields[name] = value;
    });
    send(fields);
  }

  if (document.prerendering) {
    /* a page prerendered in case it is opened counts when (and if) it is shown */
    document.addEventListener("prerenderingchange", pageView, { once: true });
  } else {
    pageView();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('[data-beacon="whatsapp"]');
    if (link) {
      send({ k: "whatsapp", s: link.getAttribute("data-store"), e: link.getAttribute("data-expo") });
    }
  });
})();
