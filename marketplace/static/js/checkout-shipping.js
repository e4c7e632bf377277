// The checkout's shipping part (checkout/checkout.html): when the shopper picks another address or
// district, the options are fetched again (POST /checkout/shipping-options, the page's own form
// data) and swapped in; choosing an option updates the ongkir per store and the total. Without
// this script the "Tampilkan ongkir" button does the same with a round trip.
(function () {
  "use strict";

  var form = document.querySelector("form.checkout");
  var box = document.getElementById("shipping-options");
  var total = document.getElementById("checkout-total");
  if (!form || !box || !total) return;
  var rupiah = new Intl.NumberFormat("id-ID");

  function money(amount) {
    return "Rp " + rupiah.format(amount);
  }

  function updateTotals() {
    var ongkir = 0;
    box.querySelectorAll("fieldset[data-store]").forEach(function (store) {
      var slug = store.dataset.store;
      var chosen = store.querySelector("input[type=radio]:checked");
      var price = chosen ? parseInt(chosen.dataset.price, 10) || 0 : 0;
      ongkir += price;
      var cell = document.querySelector('[data-ongkir="' + slug + '"]');
      if (cell) cell.textContent = money(price);
      var label = document.querySelector('[data-ongkir-label="' + slug + '"]');
      var name = chosen ? chosen.parentElement.querySelector("strong") : null;
      if (label && name) label.textContent = "(" + name.textContent + ")";
    });
    var sum = document.getElementById("checkout-ongkir");
    if (sum) sum.textContent = money(ongkir);
    total.textContent = money((parseInt(total.dataset.goods, 10) || 0) + ongkir);
  }

  var pending = null;
  function refresh() {
    if (pending) pending.abort();
    pending = new AbortController();
    box.setAttribute("aria-busy", "true");
    fetch(box.dataset.api, { method: "POST", body: new FormData(form), signal: pending.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        updateTotals();
      })
      .catch(function () { /* the button still works */ })
      .finally(function () { box.removeAttribute("aria-busy"); });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[name^=ship_]")) {
      updateTotals();
    } else if (target.matches("[data-shipping-refresh], select[data-level=district], select[data-level=village]")) {
      refresh();
    }
  });
  updateTotals();
})();
