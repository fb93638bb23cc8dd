// Progressive: without JavaScript the page has a 状況を更新する link; with it, the page follows the job.
(function () {
  "use strict";
  var box = document.getElementById("job-status");
  if (!box || !window.fetch) { return; }
  var statusUrl = box.getAttribute("data-status-url");
  var doneUrl = box.getAttribute("data-done-url");
  function set(field, value) {
    var node = box.querySelector('[data-field="' + field + '"]');
    if (node) { node.textContent = value; }
  }
  function poll() {
    fetch(statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        set("status_label", job.status_label);
        set("message", job.message);
        var bar = document.getElementById("job-progress");
        if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
        if (job.status === "done") { window.location.assign(doneUrl); return; }
        if (job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  if (box.querySelector('[data-field="status_label"]').textContent.match(/順番待ち|処理中/)) {
    window.setTimeout(poll, 1000);
  }
})();
