// The projector page asks every 2 seconds whether the board changed, and reloads only then.
// Without JavaScript, a <meta refresh> in <noscript> reloads it every 5 seconds.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !window.fetch) { return; }
  var url = main.getAttribute("data-poll-url");
  var version = main.getAttribute("data-version");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && String(data.version) !== version) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
