// Product page: the chosen variant's price in the buy bar, the quantity limited to its stock,
// and the - / + stepper. The form posts the same without this file.
(function () {
  "use strict";
  var form = document.getElementById("add-to-cart");
  if (!form) return;
  var qty = form.querySelector("#quantity");
  var price = form.querySelector("[data-chosen-price]");

  function limit(stock) {
    if (!qty) return;
    qty.max = String(Math.max(1, Math.min(999, stock)));
    if (Number(qty.value) > Number(qty.max)) qty.value = qty.max;
  }

  function choose(input) {
    if (price && input.dataset.price) price.textContent = input.dataset.price;
    if (input.dataset.stock) limit(Number(input.dataset.stock));
  }

  var checked = form.querySelector("input[name=variant_id]:checked");
  if (checked) choose(checked);
  form.addEventListener("change", function (event) {
    if (event.target.name === "variant_id") choose(event.target);
  });

  if (!qty) return;
  Array.prototype.forEach.call(form.querySelectorAll("button.step"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var value = (parseInt(qty.value, 10) || 1) + Number(button.dataset.step);
      qty.value = String(Math.min(Number(qty.max) || 999, Math.max(1, value)));
      qty.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });
})();
