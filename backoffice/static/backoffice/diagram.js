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
  // Zoom (buttons; the wheel with Ctrl) and pan (drag, or the arrow keys when the diagram has the focus): on a
  // phone the whole diagram is too small to read, so a person zooms in on the part they need.
  function tools(el, canvas) {
    var figure = el.closest("figure") || el.parentNode;
    figure.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.getAttribute("data-zoom");
        if (kind === "fit") { canvas.zoom("fit-viewport"); return; }
        var level = canvas.zoom() * (kind === "in" ? 1.25 : 0.8);
        canvas.zoom(Math.max(0.1, Math.min(4, level)), "auto");
      });
    });
    el.setAttribute("tabindex", "0");
    el.addEventListener("keydown", function (e) {
      var step = 40, moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[e.key]) { canvas.scroll({ dx: moves[e.key][0], dy: moves[e.key][1] }); e.preventDefault(); }
    });
    var last = null;
    el.addEventListener("pointerdown", function (e) { last = [e.clientX, e.clientY]; el.setPointerCapture(e.pointerId); });
    el.addEventListener("pointermove", function (e) {
      if (!last) { return; }
      canvas.scroll({ dx: e.clientX - last[0], dy: e.clientY - last[1] });
      last = [e.clientX, e.clientY];
    });
    ["pointerup", "pointercancel"].forEach(function (name) { el.addEventListener(name, function () { last = null; }); });
    el.addEventListener("wheel", function (e) {
      if (!e.ctrlKey) { return; }
      e.preventDefault();
      canvas.zoom(Math.max(0.1, Math.min(4, canvas.zoom() * (e.deltaY < 0 ? 1.1 : 0.9))), "auto");
    }, { passive: false });
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
        tools(el, canvas);
        el.classList.add("diagram-ready");
      })
      .catch(function (err) {
        el.classList.add("diagram-failed");
        if (window.console) { console.warn("diagram", err); }
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", show); } else { show(); }
})();
