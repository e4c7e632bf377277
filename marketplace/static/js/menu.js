// The header menu is a <details>, so it opens and closes without this file; this only closes
// it on a tap outside or on Escape, as a dropdown is expected to. It also scrolls the current
// tab of a tab strip (.tabs) into view inside its strip, so a phone shows where the user is.
(function () {
  "use strict";
  var menus = Array.prototype.slice.call(document.querySelectorAll("details.account-menu"));
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (!menu.open) return;
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".tabs .on"), function (tab) {
    var strip = tab.parentElement;
    strip.scrollLeft = tab.offsetLeft - (strip.clientWidth - tab.offsetWidth) / 2;
  });
})();
