// django-celery-beat's periodic task form without its inline script (Content-Security-Policy):
// shows the chosen crontab schedule in words under the crontab field.
(function () {
  "use strict";
  var script = document.currentScript;
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  if (!script || !data || !select) { return; }
  var readable = JSON.parse(data.textContent);
  var help = document.querySelector(".field-crontab .help");
  var translation = document.querySelector(".field-crontab_translation");
  if (translation) { translation.style.display = "none"; }
  select.addEventListener("change", function () {
    if (!help) { return; }
    help.textContent = script.dataset.help || "";
    if (readable[select.value]) {
      help.appendChild(document.createElement("br"));
      help.appendChild(document.createTextNode(script.dataset.label + readable[select.value]));
    }
  });
})();
