// Polls an upload's progress and reloads the page when its task has finished.
(function () {
  "use strict";
  var box = document.getElementById("upload-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
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
