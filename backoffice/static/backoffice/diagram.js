// The request's process diagram (bpmn-js viewer, vendored): the open step gets the "current-step"
// marker (a thick outline; the figure's caption names it); the steps done are shaded.
(function () {
  "use strict";
  // The definitions name their nodes in English; the page gives their names in its language.
  function translate(xml) {
    var source = document.getElementById("diagram-labels");
    if (!source) { return xml; }
    var labels = JSON.parse(source.textContent);
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    var all = doc.getElementsByTagName("*");
    for (var i = 0; i < all.length; i++) {
      var name = all[i].getAttribute("name");
      if (name && labels[name.trim()]) { all[i].setAttribute("name", labels[name.trim()]); }
    }
    return new XMLSerializer().serializeToString(doc);
  }
  function show() {
    var el = document.getElementById("diagram");
    if (!el || !window.BpmnJS) { return; }
    var viewer = new window.BpmnJS({ container: el });
    fetch(el.dataset.bpmnUrl, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (xml) { return viewer.importXML(translate(xml)); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        canvas.zoom("fit-viewport");
        (el.dataset.done || "").split(" ").filter(Boolean).forEach(function (id) {
          if (registry.get(id)) { canvas.addMarker(id, "done-step"); }
        });
        (el.dataset.current || "").split(" ").filter(Boolean).forEach(function (id) {
          if (!registry.get(id)) { return; }
          canvas.addMarker(id, "current-step");
        });
        el.classList.add("diagram-ready");
      })
      .catch(function (err) {
        el.classList.add("diagram-failed");
        if (window.console) { console.warn("diagram", err); }
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", show); } else { show(); }
})();
