// The region picker (templates/_region_picker.html): switches the district search off and the
// cascading selects on, and fills each select from GET /api/v1/regions?parent=<code> when the one
// above changes. When the list cannot be loaded it falls back to the search, which works without us.
(function () {
  "use strict";

  function fill(select, items) {
    var placeholder = select.options[0];
    select.textContent = "";
    select.appendChild(placeholder);
    items.forEach(function (region) {
      var option = document.createElement("option");
      option.value = region.code;
      option.textContent = region.name;
      select.appendChild(option);
    });
    select.value = "";
    select.disabled = items.length === 0;
  }

  function init(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var selects = root.querySelector("[data-region-selects]");
    var search = root.querySelector("[data-region-search]");
    var failed = root.querySelector("[data-region-failed]");
    var chain = ["province", "regency", "district", "village"]
      .map(function (level) { return root.querySelector('select[data-level="' + level + '"]'); })
      .filter(Boolean);

    function useSelects(on) {
      selects.disabled = !on;
      selects.hidden = !on;
      search.disabled = on;
      search.hidden = on;
    }

    function fallBack() {
      useSelects(false);
      failed.textContent = root.dataset.failed;
      failed.hidden = false;
    }

    function changed(index) {
      var select = chain[index];
      var next = chain[index + 1];
      for (var j = index + 1; j < chain.length; j++) fill(chain[j], []);
      if (!next || !select.value) return;
      var parent = select.value;
      root.setAttribute("aria-busy", "true");
      fetch(root.dataset.api + "?parent=" + encodeURIComponent(parent), { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (body) {
          if (select.value === parent) fill(next, body.items);
        })
        .catch(fallBack)
        .then(function () { root.removeAttribute("aria-busy"); });
    }

    chain.forEach(function (select, index) {
      select.addEventListener("change", function () { changed(index); });
    });
    useSelects(true);
  }

  document.querySelectorAll("[data-region-picker]").forEach(init);
})();
