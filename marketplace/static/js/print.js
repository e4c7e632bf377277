// The "Cetak" button of the packing slips: opens the browser's print dialog.
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
