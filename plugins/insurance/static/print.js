// The certificate's print button: the browser's print dialog (the page's @media print CSS does the rest).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
});
