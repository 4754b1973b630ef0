// A job's page: the progress bar follows the job without reloading the page; once the job
// has ended, the page is loaded again to show the outcome (download, report or message).
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.getAttribute("data-finished") === "1") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var step = document.getElementById("job-step");
  var label = document.getElementById("job-label");
  var waiting = document.getElementById("job-waiting");
  var poll = function () {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { window.setTimeout(poll, 3000); return; }
        bar.value = state.progress;
        bar.textContent = state.progress + "%";
        percent.textContent = state.progress + "%";
        step.textContent = state.step;
        label.textContent = state.label;
        if (waiting && state.status !== "queued") { waiting.hidden = true; }
        if (state.finished) { window.location.reload(); return; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  };
  window.setTimeout(poll, 500);
})();
