// The call page as the call ends: the page is not reloaded, so what a page loaded then would show happens here:
// words meant only while the call lasts go, and the wrap-up form takes the focus (the call's agent, no wrap-up
// yet), unless the user is already somewhere else.
(function () {
  "use strict";

  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    if (element.getAttribute && element.getAttribute("data-final") === "true") {
      document.querySelectorAll("[data-while-live]").forEach(function (words) {
        words.hidden = true;
      });
    }
    if (!element.hasAttribute || !element.hasAttribute("data-focus-wrap-up")) {
      return;
    }
    var active = document.activeElement;
    var field = document.querySelector("#wrap-up select, #wrap-up textarea");
    if (field && (!active || active === document.body)) {
      field.focus();
    }
  });
})();
