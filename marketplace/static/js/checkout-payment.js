// The checkout's payment part (checkout/checkout.html): only the chosen method's banks or wallets
// stay in view, and picking a bank also picks its method. Without this script every method's
// choices are shown and the server reads the chosen method's only (channel-<method id>).
(function () {
  "use strict";

  var form = document.querySelector("form.checkout");
  if (!form || !form.querySelector(".pay-method .channels")) return;
  var methods = form.querySelectorAll(".pay-method");

  function show() {
    methods.forEach(function (box) {
      var radio = box.querySelector("input[name=payment_method]");
      box.classList.toggle("picked", !!(radio && radio.checked));
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (input.name && input.name.indexOf("channel-") === 0) {
      var method = form.querySelector('input[name=payment_method][value="' + input.name.slice(8) + '"]');
      if (method) method.checked = true;
    }
    if (input.name === "payment_method" || input.name.indexOf("channel-") === 0) show();
  });
  form.classList.add("js-pay");
  show();
})();
