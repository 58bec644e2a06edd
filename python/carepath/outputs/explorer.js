// carepath explore: the page's sliders look the embedded grid up (nothing is
// computed here but the drawing); plain DOM and SVG, so that the file opens
// anywhere, offline.
(function () {
  "use strict";
  const grid = JSON.parse(document.getElementById("carepath-grid").textContent);
  const sliders = Array.from(document.querySelectorAll("input[data-param]"));
  const colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];
  const SVG = "http://www.w3.org/2000/svg";

  // to 4 significant figures, as the tables of cp.run's summary are read
  function fmt(x) {
    if (x === null || x === undefined || !isFinite(x)) return "–";
    if (x === 0) return "0";
    if (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3) return Number(x.toPrecision(4)).toString();
    return x.toPrecision(4);
  }

  function levelIndex() {
    return sliders.map((s) => Number(s.value));
  }

  function pointOf(index) {
    let point = 0;
    grid.params.forEach((p, k) => { point = point * p.values.length + index[k]; });
    return point;
  }

  function value(variant, metric, point) {
    const cols = (grid.data[variant] || {})[metric];
    return cols ? [cols[0][point], cols[1][point], cols[2][point]] : [null, null, null];
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function tables(point) {
    const box = document.getElementById("tables");
    box.replaceChildren();
    box.className = "tables";
    grid.variants.forEach((variant) => {
      const wrap = el("div");
      wrap.appendChild(el("h2", {}, variant));
      const table = el("table", { "data-variant": variant });
      const head = el("tr");
      ["metric", "mean", "95% CI"].forEach((h) => head.appendChild(el("th", {}, h)));
      table.appendChild(head);
      grid.metrics.forEach((metric) => {
        const [mean, lo, hi] = value(variant, metric, point);
        const row = el("tr");
        row.appendChild(el("td", {}, metric));
        row.appendChild(el("td", { "data-metric": metric, "data-variant": variant }, fmt(mean)));
        row.appendChild(el("td", {}, "[" + fmt(lo) + ", " + fmt(hi) + "]"));
        table.appendChild(row);
      });
      wrap.appendChild(table);
      box.appendChild(wrap);
    });
  }

  function targets(point) {
    const box = document.getElementById("targets");
    box.replaceChildren();
    if (!grid.targets.length) return;
    box.appendChild(el("h2", {}, "Published figures"));
    const table = el("table");
    const head = el("tr");
    ["target", "variant", "within tolerance"].forEach((h) => head.appendChild(el("th", {}, h)));
    table.appendChild(head);
    grid.targets.forEach((t) => {
      const met = t.met[point];
      const row = el("tr");
      row.appendChild(el("td", {}, t.label));
      row.appendChild(el("td", {}, t.variant));
      const cell = met === null ? "–" : met ? "yes" : "NO";
      const attrs = met === null ? {} : { class: met ? "met" : "missed", "data-target": t.label };
      row.appendChild(el("td", attrs, cell));
      table.appendChild(row);
    });
    box.appendChild(table);
  }

  // horizontal bars with 95% whiskers, one bar per (metric, variant)
  function bars(id, metrics, point, label) {
    const box = document.getElementById(id);
    box.replaceChildren();
    if (!metrics.length) { box.appendChild(el("p", { class: "muted" }, "none in this scenario")); return; }
    const rowH = 16, left = 230, width = 640;
    const rows = [];
    metrics.forEach((m) => grid.variants.forEach((v, k) => rows.push([m, v, k, value(v, m, point)])));
    const top = Math.max(1e-12, ...rows.map((r) => r[3][2] || r[3][0] || 0));
    const height = rows.length * rowH + 30;
    const s = svg("svg", { width: left + width + 60, height: height, role: "img", "aria-label": id });
    rows.forEach(([m, v, k, [mean, lo, hi]], i) => {
      const y = 10 + i * rowH;
      if (k === 0) s.appendChild(svg("text", { x: left - 6, y: y + 11, "text-anchor": "end", "font-size": 11 }, label(m)));
      const w = ((mean || 0) / top) * width;
      s.appendChild(svg("rect", { x: left, y: y + 2, width: Math.max(0, w), height: rowH - 4, fill: colours[k % colours.length] }));
      if (lo !== null && hi !== null) {
        s.appendChild(svg("line", { x1: left + (lo / top) * width, x2: left + (hi / top) * width, y1: y + rowH / 2, y2: y + rowH / 2, stroke: "#222" }));
      }
      s.appendChild(svg("text", { x: left + Math.max(0, w) + 4, y: y + 11, "font-size": 10 }, fmt(mean)));
    });
    box.appendChild(s);
    legend(box);
  }

  function legend(box) {
    const p = el("p", { class: "muted" });
    grid.variants.forEach((v, k) => {
      const key = el("span", { style: "color:" + colours[k % colours.length] + ";margin-right:1rem" }, "■ " + v);
      p.appendChild(key);
    });
    box.appendChild(p);
  }

  // the chosen KPI along each parameter, the others where their sliders are
  function curves(index) {
    const metric = document.getElementById("kpi").value;
    const box = document.getElementById("curves");
    box.replaceChildren();
    grid.params.forEach((p, k) => {
      const W = 420, H = 220, L = 60, B = 40;
      const series = grid.variants.map((v) => p.values.map((_, i) => {
        const at = index.slice(); at[k] = i;
        return value(v, metric, pointOf(at));
      }));
      const all = series.flat().flatMap((r) => [r[1], r[2], r[0]]).filter((x) => x !== null);
      if (!all.length) return;
      let lo = Math.min(...all), hi = Math.max(...all);
      if (hi === lo) { hi += 1; lo -= 1; }
      const n = p.values.length;
      const X = (i) => L + (n === 1 ? (W - L) / 2 : (i / (n - 1)) * (W - L - 10));
      const Y = (y) => 10 + (1 - (y - lo) / (hi - lo)) * (H - B - 10);
      const s = svg("svg", { width: W, height: H, role: "img", "aria-label": metric + " against " + p.path });
      s.appendChild(svg("text", { x: L, y: H - 5, "font-size": 11 }, p.path));
      s.appendChild(svg("text", { x: 2, y: 12, "font-size": 10 }, fmt(hi)));
      s.appendChild(svg("text", { x: 2, y: H - B, "font-size": 10 }, fmt(lo)));
      p.values.forEach((v, i) => s.appendChild(svg("text", { x: X(i), y: H - 20, "font-size": 10, "text-anchor": "middle" }, String(v))));
      series.forEach((rows, k2) => {
        const c = colours[k2 % colours.length];
        const band = rows.map((r, i) => X(i) + "," + Y(r[2] ?? r[0])).concat(rows.map((r, i) => X(i) + "," + Y(r[1] ?? r[0])).reverse());
        s.appendChild(svg("polygon", { points: band.join(" "), fill: c, opacity: 0.15 }));
        s.appendChild(svg("polyline", { points: rows.map((r, i) => X(i) + "," + Y(r[0] ?? lo)).join(" "), fill: "none", stroke: c, "stroke-width": 2 }));
        const r = rows[index[k]];
        s.appendChild(svg("circle", { cx: X(index[k]), cy: Y(r[0] ?? lo), r: 4, fill: c }));
      });
      box.appendChild(s);
    });
    legend(box);
  }

  function render() {
    const index = levelIndex();
    sliders.forEach((s, k) => {
      s.parentElement.querySelector("output").textContent = String(grid.params[k].values[index[k]]);
    });
    const point = pointOf(index);
    targets(point);
    tables(point);
    const waits = grid.metrics.filter((m) => /^wait\..*\.mean$/.test(m));
    bars("waits", waits, point, (m) => m.slice(5, -5));
    bars("utilisation", grid.metrics.filter((m) => m.startsWith("utilisation.")), point, (m) => m.slice(12));
    curves(index);
  }

  const select = document.getElementById("kpi");
  grid.metrics.forEach((m) => select.appendChild(el("option", { value: m }, m)));
  select.addEventListener("change", render);
  sliders.forEach((s) => s.addEventListener("input", render));
  render();
})();
