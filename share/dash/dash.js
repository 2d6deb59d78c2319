/* mdp dashboards: draws the charts (ECharts), pages tables, follows dropdowns. No network. */
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("mdp-page").textContent);
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;

  function group(s) {
    return s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  /* the descriptor of src/dash/format.c: {p, s, d, t, pct, div, c} */
  function fmt(v, f) {
    if (v === null || v === undefined || isNaN(v)) return "";
    if (!f) return String(v);
    var unit = "", d = f.d;
    if (f.pct) v *= 100;
    v /= f.div || 1;
    if (f.c) {
      var a = Math.abs(v);
      if (a >= 1e9) { v /= 1e9; unit = "B"; }
      else if (a >= 1e6) { v /= 1e6; unit = "M"; }
      else if (a >= 1e3) { v /= 1e3; unit = "k"; }
      if (unit && d < 0) d = Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0;
    }
    if (d < 0) d = Math.abs(v - Math.round(v)) < 1e-9 ? 0 : 2;
    var s = Math.abs(v).toFixed(d), i = s.indexOf(".");
    var whole = i < 0 ? s : s.slice(0, i), frac = i < 0 ? "" : s.slice(i);
    if (f.t) whole = group(whole);
    return (v < 0 && Number(s) !== 0 ? "-" : "") + f.p + whole + frac + unit + f.s;
  }

  var charts = [];
  document.querySelectorAll("script.chart-option").forEach(function (el) {
    var box = document.getElementById(el.getAttribute("data-for"));
    var opt = JSON.parse(el.textContent), mf = opt.mdpFmt || {};
    delete opt.mdpFmt;
    var valueAxis = mf.swap ? opt.xAxis : opt.yAxis;
    valueAxis.axisLabel = { formatter: function (v) { return fmt(v, mf.value); } };
    if (mf.x) opt.xAxis.axisLabel = { formatter: function (v) { return fmt(v, mf.x); } };
    opt.tooltip.valueFormatter = function (v) { return fmt(v, mf.value); };
    if (opt.tooltip.trigger === "item")
      opt.tooltip.formatter = function (p) {
        var d = p.data;
        return (d[2] !== undefined ? d[2] + "<br>" : "") + p.seriesName + ": " +
          fmt(d[0], mf.x) + ", " + fmt(d[1], mf.value);
      };
    opt.animation = false;
    if (dark) opt.backgroundColor = "transparent";
    var chart = echarts.init(box, dark ? "dark" : null, { renderer: "svg" });
    chart.setOption(opt);
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
  window.mdpCharts = charts;

  /* tables: search and pages of data-rows rows */
  document.querySelectorAll("div.datatable").forEach(function (dt) {
    var per = Number(dt.getAttribute("data-rows")) || 10;
    var rows = Array.prototype.slice.call(dt.querySelectorAll("tbody tr"));
    var search = dt.querySelector("input.dt-search"), at = 0, shown = rows;
    var nav = document.createElement("div");
    nav.className = "dt-pages";
    var prev = document.createElement("button"), next = document.createElement("button");
    var info = document.createElement("span");
    prev.textContent = "‹"; next.textContent = "›";
    prev.setAttribute("aria-label", "previous page");
    next.setAttribute("aria-label", "next page");
    nav.appendChild(prev); nav.appendChild(info); nav.appendChild(next);
    dt.appendChild(nav);
    function draw() {
      rows.forEach(function (r) { r.hidden = true; });
      shown.slice(at, at + per).forEach(function (r) { r.hidden = false; });
      info.textContent = shown.length ? (at + 1) + "–" + Math.min(at + per, shown.length) +
        " of " + shown.length : "no rows";
      prev.disabled = at === 0;
      next.disabled = at + per >= shown.length;
      nav.hidden = shown.length <= per;
    }
    prev.onclick = function () { at = Math.max(0, at - per); draw(); };
    next.onclick = function () { at += per; draw(); };
    if (search) search.oninput = function () {
      var q = search.value.toLowerCase();
      shown = rows.filter(function (r) { return r.textContent.toLowerCase().indexOf(q) >= 0; });
      at = 0;
      draw();
    };
    draw();
  });

  /* dropdowns: load the page for the new choice */
  var selects = Array.prototype.slice.call(document.querySelectorAll("select.mdp-input"));
  selects.forEach(function (sel) {
    sel.addEventListener("change", function () {
      var key = selects.map(function (s) {
        return encodeURIComponent(s.name) + "=" + encodeURIComponent(s.value);
      }).join("&");
      if (page.combos && page.combos[key]) {
        window.location.href = page.combos[key];
      } else if (page.live) {
        window.location.search = "?" + key;
      } else {
        var note = document.getElementById("mdp-static-note") || document.createElement("p");
        note.id = "mdp-static-note";
        note.className = "mdp-warning";
        note.textContent = "This choice was not built into the static site: view it with `mdp serve`.";
        sel.parentNode.appendChild(note);
      }
    });
  });
})();
