/* frontwire status board: map, filters, date slider, search, history and a live feed (server-sent events).
   Every string from the API is article data: it is only ever set as text, never as HTML. */
(function () {
  "use strict";
  var STATUS = {
    ukrainian_control: { label: "Ukrainian control", color: "#0072b2", shape: "circle" },
    russian_control: { label: "Russian control", color: "#d55e00", shape: "square" },
    contested: { label: "contested", color: "#f0e442", shape: "diamond" },
    unknown: { label: "unknown", color: "#777777", shape: "circle" }
  };
  var DAY = 86400000;
  var map, markers = {}, live = {}, shown = {}, asOf = null, firstDay = null, feedIds = {}, statusTimer = null;
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function api(path) {
    return fetch(path, { headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(path + ": HTTP " + r.status);
      return r.json();
    });
  }
  function fmtTime(t) { return t ? t.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC") : "?"; }
  function pct(c) { return c == null ? "?" : Math.round(c * 100) + "%"; }
  function badge(status) { return el("span", { class: "badge " + status, text: (STATUS[status] || STATUS.unknown).label }); }
  function safeUrl(u) { return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null; }

  function shapeSvg(status, size, opacity) {
    var s = STATUS[status] || STATUS.unknown, h = size / 2, shape;
    var common = ' fill="' + s.color + '" fill-opacity="' + opacity.toFixed(2) + '" stroke="#000" stroke-width="1.5"';
    if (s.shape === "square") shape = '<rect class="shape" x="1" y="1" width="' + (size - 2) + '" height="' + (size - 2) + '"' + common + "/>";
    else if (s.shape === "diamond") shape = '<polygon class="shape" points="' + h + ',0 ' + size + ',' + h + ' ' + h + ',' + size + ' 0,' + h + '"' + common + "/>";
    else shape = '<circle class="shape" cx="' + h + '" cy="' + h + '" r="' + (h - 1) + '"' + common + "/>";
    return '<svg width="' + size + '" height="' + size + '" viewBox="0 0 ' + size + " " + size + '" aria-hidden="true">' + shape + "</svg>";
  }

  function markerIcon(v) {
    var conf = typeof v.confidence === "number" ? v.confidence : 0.5;
    var size = Math.round(14 + 18 * conf);
    return L.divIcon({ className: "fw-marker", html: shapeSvg(v.status, size, 0.35 + 0.65 * conf),
                       iconSize: [size, size], iconAnchor: [size / 2, size / 2] });
  }

  function describe(v) {
    return v.settlement.name + (v.settlement.oblast ? ", " + v.settlement.oblast + " oblast" : "") + ": " +
      (STATUS[v.status] || STATUS.unknown).label + ", confidence " + pct(v.confidence);
  }

  function filters() { return { oblast: $("oblast").value, status: $("status").value }; }
  function passes(v) {
    var f = filters();
    return (!f.oblast || v.settlement.oblast === f.oblast) && (!f.status || v.status === f.status);
  }

  function draw(values) {
    shown = {};
    values.forEach(function (v) { shown[v.settlement.id] = v; });
    Object.keys(markers).forEach(function (id) {
      if (!shown[id] || !passes(shown[id])) { map.removeLayer(markers[id]); delete markers[id]; }
    });
    var list = $("settlement-list");
    list.textContent = "";
    Object.keys(shown).map(function (id) { return shown[id]; }).filter(passes)
      .sort(function (a, b) { return a.settlement.name.localeCompare(b.settlement.name); })
      .forEach(function (v) {
        var id = v.settlement.id, m = markers[id], ll = [v.settlement.lat, v.settlement.lon];
        if (!m) {
          m = markers[id] = L.marker(ll, { icon: markerIcon(v), keyboard: true, title: describe(v), alt: describe(v) })
            .on("click", function () { openHistory(id); }).addTo(map);
          m.bindTooltip(el("span", { text: v.settlement.name }),  /* a node: Leaflet sets a string as HTML */
                        { permanent: true, direction: "right", className: "fw-label", offset: [8, 0] });
        } else { m.setIcon(markerIcon(v)); m.setLatLng(ll); }
        var node = m.getElement();
        if (node) {
          node.setAttribute("data-settlement-id", id);
          node.setAttribute("data-status", v.status);
          node.setAttribute("data-name", v.settlement.name);
          node.setAttribute("aria-label", describe(v));
          node.setAttribute("role", "button");
          node.title = describe(v);
        }
        list.appendChild(el("li", {}, [el("button", { type: "button", "data-settlement-id": id },
          [badge(v.status), " " + v.settlement.name + (v.settlement.oblast ? " (" + v.settlement.oblast + ")" : "") + " · " + pct(v.confidence)])]));
      });
    list.querySelectorAll("button").forEach(function (b) {
      b.addEventListener("click", function () { openHistory(+b.getAttribute("data-settlement-id")); });
    });
  }

  function redraw() {
    if (asOf === null) { draw(Object.keys(live).map(function (k) { return live[k]; })); return; }
    api("/api/settlements?as_of=" + encodeURIComponent(asOf)).then(draw);
  }

  function evidenceBlock(ev) {
    var url = safeUrl(ev.url);
    var source = url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer nofollow", text: ev.source }) : el("span", { text: ev.source });
    return el("div", { class: "evidence" }, [
      el("blockquote", { text: "\u201c" + ev.quote + "\u201d" }),
      el("div", { class: "meta" }, ["\u2014 ", ev.attribution ? ev.attribution + ", " : "", source, ", " + fmtTime(ev.published_at)])
    ]);
  }

  function openHistory(id) {
    api("/api/settlements/" + id).then(function (d) {
      var body = $("history-body"), cur = d.current;
      body.textContent = "";
      $("history").querySelector(".hint").hidden = true;
      body.appendChild(el("h3", { text: d.settlement.name + (d.settlement.oblast ? " \u00b7 " + d.settlement.oblast + " oblast" : "") }));
      body.appendChild(el("p", {}, [badge(cur.status), " since " + fmtTime(cur.since) + " \u00b7 confidence " + pct(cur.confidence) +
        " \u00b7 " + (cur.sources || []).length + " source(s): " + (cur.sources || []).join(", ")]));
      d.history.slice().reverse().forEach(function (s) {
        var box = el("div", { class: "shift " + s.new_status }, [
          el("div", { class: "what" }, [badge(s.previous_status), " \u2192 ", badge(s.new_status),
            " " + fmtTime(s.effective_at) + (s.confidence != null ? " \u00b7 confidence " + pct(s.confidence) : ""),
            s.late ? el("span", { class: "late", text: " (late)" }) : null])
        ]);
        (s.evidence || []).forEach(function (ev) { box.appendChild(evidenceBlock(ev)); });
        (s.republications || []).forEach(function (r) {
          box.appendChild(el("div", { class: "meta", text: "republished by " + r.source + " (" + fmtTime(r.published_at) + ")" }));
        });
        body.appendChild(box);
      });
      if ((cur.evidence || []).length) {
        body.appendChild(el("h4", { text: "Reports behind the current status" }));
        cur.evidence.forEach(function (ev) { body.appendChild(evidenceBlock(ev)); });
        (cur.republications || []).forEach(function (r) {
          body.appendChild(el("div", { class: "meta", text: "republished by " + r.source + " (" + fmtTime(r.published_at) + ")" }));
        });
      }
      d.withdrawn.forEach(function (w) {
        body.appendChild(el("div", { class: "shift withdrawn meta", text: "withdrawn by a late report: " +
          w.previous_status + " \u2192 " + w.new_status + (w.reason ? " (" + w.reason + ")" : "") }));
      });
      if (markers[id] && !map.getBounds().contains(markers[id].getLatLng())) map.panTo(markers[id].getLatLng());
      $("history").focus();
    }).catch(function (e) { $("history-body").textContent = String(e.message || e); });
  }

  function feedItem(a) {
    var withdrawn = !!a.retracts;
    var li = el("li", { class: a.new_status + (withdrawn ? " withdrawn" : ""), "data-alert-id": a.alert_id,
                        "data-settlement-id": a.settlement.id });
    li.appendChild(el("div", { class: "what" }, [
      el("strong", {}, [el("button", { type: "button", class: "linkish", text: a.settlement.name })]),
      a.settlement.oblast ? " (" + a.settlement.oblast + ") " : " ",
      badge(a.previous_status), " \u2192 ", badge(a.new_status),
      " \u00b7 confidence " + pct(a.confidence),
      a.late ? el("span", { class: "late", text: " (late)" }) : null,
      withdrawn ? el("span", { class: "late", text: " withdrawn" }) : null
    ]));
    li.querySelector("button").addEventListener("click", function () { openHistory(a.settlement.id); });
    if (!withdrawn) (a.evidence || []).forEach(function (ev) { li.appendChild(evidenceBlock(ev)); });
    li.appendChild(el("div", { class: "meta", text: "sources: " + (a.evidence || []).map(function (e) { return e.source; }).join(", ") +
      " \u00b7 took effect " + fmtTime(a.effective_at) + " \u00b7 sent " + fmtTime(a.emitted_at) }));
    return li;
  }

  function addAlert(a, fresh) {
    var feed = $("feed"), old = feedIds[a.alert_id];
    var li = feedItem(a);
    if (fresh) li.classList.add("fresh");
    if (old && old.parentNode) old.parentNode.removeChild(old);
    feed.insertBefore(li, feed.firstChild);
    feedIds[a.alert_id] = li;
    while (feed.children.length > 300) { var last = feed.lastChild; delete feedIds[last.getAttribute("data-alert-id")]; feed.removeChild(last); }
  }

  function setupSlider(meta) {
    if (!meta.first_shift) return;
    firstDay = Math.floor(Date.parse(meta.first_shift) / DAY);
    var today = Math.floor(Date.now() / DAY), range = $("asof");
    var atMax = +range.value === +range.max;
    range.min = 0; range.max = Math.max(1, today - firstDay);
    if (atMax || asOf === null) range.value = range.max;
  }
  function sliderChanged() {
    var range = $("asof");
    if (+range.value >= +range.max) { asOf = null; $("asof-label").textContent = "now (live)"; }
    else {
      var day = new Date((firstDay + +range.value) * DAY);
      asOf = day.toISOString().slice(0, 10) + "T23:59:59Z";
      $("asof-label").textContent = "end of " + day.toISOString().slice(0, 10);
    }
    redraw();
  }

  function loadMeta() {
    return api("/api/meta").then(function (meta) {
      var sel = $("oblast"), keep = sel.value;
      sel.textContent = "";
      sel.appendChild(el("option", { value: "", text: "all" }));
      meta.oblasts.forEach(function (o) { sel.appendChild(el("option", { value: o, text: o })); });
      sel.value = keep;
      setupSlider(meta);
    });
  }

  function search(ev) {
    ev.preventDefault();
    var q = $("search").value.trim(), out = $("search-results");
    out.textContent = "";
    if (!q) return;
    api("/api/search?q=" + encodeURIComponent(q)).then(function (rows) {
      if (!rows.length) { out.appendChild(el("li", { class: "hint", text: "no settlement of that name" })); return; }
      rows.forEach(function (r) {
        var b = el("button", { type: "button", text: r.name + (r.oblast ? " (" + r.oblast + ")" : "") + (r.on_board ? "" : " \u2014 no status yet") });
        b.addEventListener("click", function () {
          map.setView([r.lat, r.lon], Math.max(map.getZoom(), 8));
          if (r.on_board) openHistory(r.id);
        });
        out.appendChild(el("li", {}, [b]));
      });
      if (rows[0].on_board) openHistory(rows[0].id);
    });
  }

  function statusesChanged() {
    statusTimer = null;
    if (asOf === null) redraw();
    loadMeta();
  }

  function connect() {
    var source = new EventSource("/api/alerts/stream");
    source.addEventListener("open", function () { $("connection").textContent = "live"; });
    source.addEventListener("error", function () { $("connection").textContent = "reconnecting…"; });
    source.addEventListener("alert", function (e) { addAlert(JSON.parse(e.data), true); });
    source.addEventListener("status", function (e) {
      var v = JSON.parse(e.data);
      if (["ukrainian_control", "russian_control", "contested"].indexOf(v.status) < 0) { delete live[v.settlement.id]; }
      else live[v.settlement.id] = v;
      if (statusTimer === null) statusTimer = setTimeout(statusesChanged, 100);  /* once per burst, not per event */
    });
  }

  function init() {
    map = L.map("map", { zoomSnap: 0.25, attributionControl: false, keyboard: true, minZoom: 4, maxZoom: 12 });
    var UKRAINE = [[44.3, 22.1], [52.4, 40.3]];
    map.fitBounds(UKRAINE);
    setTimeout(function () { map.invalidateSize(); map.fitBounds(UKRAINE, { padding: [6, 6] }); }, 0);
    fetch("/static/vendor/ukraine/ukraine.geojson").then(function (r) { return r.json(); }).then(function (g) {
      var layer = L.geoJSON(g, { style: { color: "#333", weight: 1.5, fillColor: "#fbfbf8", fillOpacity: 1 }, interactive: false }).addTo(map);
      layer.bringToBack();
    });
    var legend = $("legend");
    ["ukrainian_control", "russian_control", "contested"].forEach(function (s) {
      var li = el("li", {}, []);
      li.innerHTML = shapeSvg(s, 16, 1);  /* constant markup, no data */
      li.appendChild(document.createTextNode(STATUS[s].label));
      legend.appendChild(li);
    });
    legend.appendChild(el("li", { class: "hint", text: "Larger, darker marks: higher confidence." }));
    $("oblast").addEventListener("change", redraw);
    $("status").addEventListener("change", redraw);
    $("asof").addEventListener("input", sliderChanged);
    $("live").addEventListener("click", function () { $("asof").value = $("asof").max; sliderChanged(); });
    $("search-form").addEventListener("submit", search);
    connect();  /* first, so nothing sent while the page loads is missed; what both bring is kept once */
    Promise.all([api("/api/settlements"), api("/api/alerts?limit=200"), loadMeta()]).then(function (res) {
      res[0].forEach(function (v) { if (!live[v.settlement.id]) live[v.settlement.id] = v; });
      res[1].slice().reverse().forEach(function (a) {
        if (!feedIds[a.alert_id]) { var li = feedItem(a); feedIds[a.alert_id] = li; $("feed").appendChild(li); }
      });
      redraw();
      document.body.setAttribute("data-ready", "true");
    });
  }
  document.addEventListener("DOMContentLoaded", init);
})();
