// Live board pages (the participant page, the projector): an EventSource on the page's stream
// says the board's new version; the page then fetches its fresh part (?part=...) and swaps it
// in place. The post form is outside that part: what is being typed stays, and so does focus.
// If EventSource is missing or the stream fails 3 times in a row, the page polls instead.
// Without JavaScript: the 更新 link, and the projector's <noscript> refresh.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-events]");
  if (!root || !window.fetch) { return; }
  var partUrl = root.getAttribute("data-live-part");
  var pollUrl = root.getAttribute("data-poll-url");
  var targetId = root.getAttribute("data-live-target");
  var status = document.getElementById("live-status");
  var version = root.getAttribute("data-version");
  var said = (document.getElementById(targetId) || root).getAttribute("data-live-say");
  // the page's language: the template passes the words (the projector has none: Japanese)
  var updated = root.getAttribute("data-live-updated") || "更新しました。";
  var loading = false, again = false, missed = false, failures = 0, source = null;
  var lastSpoken = 0, speakTimer = null;

  function speak() {
    // at most once every 10 seconds, and only the newest count: polite, not a flood
    if (!status || speakTimer) { return; }
    var wait = Math.max(0, lastSpoken + 10000 - Date.now());
    speakTimer = window.setTimeout(function () {
      speakTimer = null;
      lastSpoken = Date.now();
      status.textContent = updated + " " + said;
    }, wait);
  }

  function focusPath(node, box) {
    // the focused element as (id of its nearest ancestor with an id, its tag, its index)
    var holder = node;
    while (holder && holder !== box && !holder.id) { holder = holder.parentNode; }
    if (!holder || !holder.id) { return null; }
    var same = holder.getElementsByTagName(node.tagName);
    for (var i = 0; i < same.length; i += 1) {
      if (same[i] === node) { return { id: holder.id, tag: node.tagName, index: i }; }
    }
    return { id: holder.id, tag: null, index: 0 };
  }

  function swap(html) {
    var old = document.getElementById(targetId);
    if (!old) { return; }
    var box = document.createElement("div");
    box.innerHTML = html;
    var fresh = box.querySelector("#" + targetId);
    if (!fresh) { return; }
    var focused = document.activeElement;
    var path = focused && focused !== old && old.contains(focused) ? focusPath(focused, old) : null;
    old.parentNode.replaceChild(fresh, old);
    version = fresh.getAttribute("data-version") || version;
    if (path) {
      var holder = document.getElementById(path.id);
      var back = holder && path.tag ? holder.getElementsByTagName(path.tag)[path.index] : holder;
      if (back && back.focus) { back.focus(); }
    }
    var say = fresh.getAttribute("data-live-say");
    if (say && say !== said) { said = say; speak(); }
  }

  function refresh() {
    // a phone in a pocket or a tab in the background fetches nothing until it is looked at
    if (document.hidden) { missed = true; return; }
    if (loading) { again = true; return; }
    loading = true;
    fetch(partUrl, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) { swap(html); } })
      .catch(function () { /* the next change or poll tries again */ })
      .then(function () {
        loading = false;
        if (again) { again = false; refresh(); }
      });
  }

  function changed(seen) {
    if (seen !== null && seen !== undefined && String(seen) !== String(version)) { refresh(); }
  }

  function poll() {
    // the fallback: the projector asks projector.json every 2 s, a phone its notes every 15 s
    if (pollUrl) {
      fetch(pollUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { changed(data.version); } })
        .catch(function () { /* tried again below */ })
        .then(function () { window.setTimeout(poll, 2000); });
    } else {
      refresh();
      window.setTimeout(poll, 15000);
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && missed) { missed = false; refresh(); }
  });

  if (!window.EventSource) { window.setTimeout(poll, 2000); return; }
  source = new window.EventSource(root.getAttribute("data-live-events"));
  source.addEventListener("open", function () { failures = 0; });
  source.addEventListener("change", function (event) {
    failures = 0;
    var data = null;
    try { data = JSON.parse(event.data); } catch (error) { return; }
    changed(data && data.version);
  });
  source.addEventListener("error", function () {
    // the browser reconnects by itself (the server ends a stream after its lifetime)
    failures += 1;
    if (failures >= 3) { source.close(); window.setTimeout(poll, 2000); }
  });
})();
