// Live pages (the wallboard, an agent's own live call): times that tick every second, and polling that rests
// while the tab is hidden.
//
// Each [data-since] shows how long ago its ISO time was, counted on the server's clock: the fragment it came
// in carries the server's time ([data-now]), so a browser whose clock is wrong still counts right.
(function () {
  "use strict";

  function clock(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var ss = (rest < 10 ? "0" : "") + rest;
    if (hours) {
      return hours + ":" + (minutes < 10 ? "0" : "") + minutes + ":" + ss;
    }
    return minutes + ":" + ss;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-now]").forEach(function (scope) {
      if (!scope.dataset.seenAt) {
        scope.dataset.seenAt = String(now);
      }
      var serverNow = Date.parse(scope.dataset.now) + (now - Number(scope.dataset.seenAt));
      scope.querySelectorAll("[data-since]").forEach(function (element) {
        var since = Date.parse(element.dataset.since);
        if (!isNaN(since)) {
          element.textContent = clock(Math.max(0, Math.floor((serverNow - since) / 1000)));
        }
      });
    });
  }

  function polled(event) {
    return event.detail && event.detail.elt && event.detail.elt.hasAttribute("data-poll-while-visible");
  }

  function showStale(stale) {
    document.querySelectorAll("[data-live-stale]").forEach(function (note) {
      note.classList.toggle("d-none", !stale);
    });
  }

  // A hidden tab asks nothing; shown again, it asks at once.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (document.hidden && polled(event)) {
      event.preventDefault();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      document.querySelectorAll("[data-poll-while-visible]").forEach(function (element) {
        window.htmx.trigger(element, "refresh");
      });
    }
  });

  // Signed out meanwhile: go to the login page rather than show it inside the board.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var url = event.detail.xhr && event.detail.xhr.responseURL;
    if (polled(event) && url && new URL(url).pathname.indexOf("/login/") === 0) {
      event.detail.shouldSwap = false;
      window.location.assign(url);
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (polled(event)) {
      showStale(!event.detail.successful);
    }
  });
  document.addEventListener("htmx:afterSwap", tick);

  tick();
  window.setInterval(tick, 1000);
})();
