// A video poster becomes a button; tapped, the player's frame takes its place (expo/_video.html).
(function () {
  "use strict";
  function play(box) {
    var frame = document.createElement("iframe");
    frame.src = box.getAttribute("data-embed") + (box.getAttribute("data-embed").indexOf("?") < 0 ? "?autoplay=1" : "&autoplay=1");
    frame.title = box.getAttribute("data-title") || "";
    frame.setAttribute("loading", "lazy");
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.className = "video-frame";
    box.replaceChildren(frame);
  }
  document.querySelectorAll(".video-player").forEach(function (box) {
    var link = box.querySelector("a.video-poster");
    if (!link) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.setAttribute("aria-label", box.getAttribute("data-play") || "");
    while (link.firstChild) button.appendChild(link.firstChild);
    link.replaceWith(button);
    button.addEventListener("click", function () { play(box); });
  });
})();
