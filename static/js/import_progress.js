// Sizes an upload's progress bar (the Content-Security-Policy allows no style attribute) and,
// unless the upload has stalled, polls its progress and reloads the page when its task is done.
// While the worker builds an upload's 错误说明 file, polls the same state and reloads the page
// once the file is ready (or cannot be made), so the download link appears by itself.
(function () {
  "use strict";
  var script = document.currentScript;
  var box = document.getElementById("upload-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  bar.style.width = bar.dataset.percent + "%";
  if (script && script.hasAttribute("data-stalled")) { return; }
  var wrapper = box.querySelector(".progress");
  var stage = box.querySelector("[data-stage]");
  var status = document.getElementById("upload-status");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        bar.style.width = state.percent + "%";
        bar.textContent = state.percent + "%";
        wrapper.setAttribute("aria-valuenow", state.percent);
        stage.textContent = state.stage;
        status.textContent = state.status_label;
        if (!state.in_progress || state.stalled) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
(function () {
  "use strict";
  var waiting = document.getElementById("annotated-waiting");
  if (!waiting) { return; }
  function poll() {
    fetch(waiting.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (state.annotated !== "building") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
