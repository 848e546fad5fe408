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
  function tools(el, canvas, registry) {
    var figure = el.closest("figure") || el.parentNode;
    // the point to zoom around, in the container's pixels: the current step, else the middle of the drawing
    function focus() {
      var vb = canvas.viewbox(), target = vb.inner;
      var current = (el.dataset.current || "").split(" ").filter(Boolean).map(function (id) { return registry.get(id); })
        .filter(Boolean)[0];
      if (current && current.width !== undefined) { target = current; }
      var x = (target.x + target.width / 2 - vb.x) * vb.scale, y = (target.y + target.height / 2 - vb.y) * vb.scale;
      return { x: Math.max(0, Math.min(vb.outer.width, x)), y: Math.max(0, Math.min(vb.outer.height, y)) };
    }
    function zoomTo(level) { canvas.zoom(Math.max(0.1, Math.min(4, level)), focus()); }
    figure.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var kind = button.getAttribute("data-zoom");
        if (kind === "fit") { canvas.zoom("fit-viewport"); return; }
        zoomTo(canvas.zoom() * (kind === "in" ? 1.5 : 1 / 1.5));
      });
    });
    // a phone: the whole diagram would be a few pixels high; start on the current step at a readable size
    if (el.clientWidth < 480) { zoomTo(0.5); }
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
      zoomTo(canvas.zoom() * (e.deltaY < 0 ? 1.1 : 0.9));
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
        tools(el, canvas, registry);
        el.classList.add("diagram-ready");
      })
      .catch(function (err) {
        el.classList.add("diagram-failed");
        if (window.console) { console.warn("diagram", err); }
      });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", show); } else { show(); }
})();
