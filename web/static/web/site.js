/* Progressive enhancement for every page: marks <html> as having JS, and drives the forms that need
   NCALayer (log-in with the certificate, signing a request). Everything else works without JS. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function say(form, text, kind) {
    var box = form.querySelector("[data-ncalayer-status]");
    if (!box) return;
    box.textContent = text;
    box.className = "notice" + (kind ? " " + kind : "");
    box.hidden = false;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var purpose = form.getAttribute("data-ncalayer");
    if (!purpose) return;
    var output = form.querySelector('[name="cms_b64"]');
    if (output.value) return; // signed already (or pasted by hand): submit as it is
    event.preventDefault();
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    say(form, form.getAttribute("data-msg-working"));
    window.NCALayer.basicsSignCMS(form.getAttribute("data-payload"), purpose, {
      iin: form.getAttribute("data-iin") || "", bin: form.getAttribute("data-bin") || ""
    }).then(function (cms) {
      output.value = cms;
      say(form, form.getAttribute("data-msg-done"), "success");
      form.submit();
    }).catch(function (error) {
      if (button) button.disabled = false;
      say(form, form.getAttribute("data-msg-failed") + " (" + (error && error.message ? error.message : error) + ")", "error");
    });
  });
})();
