"use strict";
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var rules = data.rules, files = data.files;
  var FINDING_KINDS = ["safe", "unsafe", "display-only", "none"], FIX_KINDS = ["safe", "unsafe"];
  var LABEL = {"safe": "safe", "unsafe": "unsafe", "display-only": "display-only", "none": "no fix"};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function family(rule) { return rules[rule] ? rules[rule].family : ""; }
  function sum(obj) { var n = 0; for (var k in obj) n += obj[k]; return n; }

  // ---------------------------------------------------------------- header and totals
  var what = data.command === "fix" ? (data.dryRun ? "fix --diff (nothing written)" : "fix") : "check";
  document.getElementById("title").textContent = "autofix " + what + " report";
  document.getElementById("meta").textContent = "autofix " + data.version + (data.unsafeFixes ?
    "; unsafe fixes included" : "; safe fixes only (unsafe ones need --unsafe-fixes)");
  var s = data.summary, fixing = data.command === "fix";
  if (!fixing) document.body.classList.add("check");  // a check applies no fix: no fix columns
  var totals = [["files", "Files", s.files], ["templates", "Templates", s.templates],
    ["findings", fixing ? "Findings left" : "Findings", sum(s.findings)]];
  if (fixing) {
    totals.push(["fixes", data.dryRun ? "Fixes (would apply)" : "Fixes applied", sum(s.fixes)],
      ["files_changed", data.dryRun ? "Files that would change" : "Files changed", s.files_changed]);
  }
  totals.push(["errors", "Errors", s.errors], ["skipped", "Skipped", s.skipped_not_templates]);
  var dl = document.getElementById("totals");
  totals.forEach(function (t) {
    var box = el("div"); box.appendChild(el("dt", null, t[1]));
    var dd = el("dd", null, t[2]); dd.setAttribute("data-count", t[0]); box.appendChild(dd); dl.appendChild(box);
  });

  // ---------------------------------------------------------------- counts by rule and family
  var byRule = {};
  function entry(rule) {
    if (!byRule[rule]) byRule[rule] = {findings: {}, fixes: {}};
    return byRule[rule];
  }
  files.forEach(function (f) {
    f.findings.forEach(function (x) { var c = entry(x[0]).findings; c[x[4]] = (c[x[4]] || 0) + 1; });
    f.fixes.forEach(function (x) { var c = entry(x[0]).fixes; c[x[1]] = (c[x[1]] || 0) + 1; });
  });
  var ruleIds = Object.keys(byRule).sort();
  var families = [];
  ruleIds.forEach(function (r) { var fam = family(r); if (families.indexOf(fam) < 0) families.push(fam); });
  families.sort();

  // ---------------------------------------------------------------- chart (inline SVG)
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  (function chart() {
    var rows = families.map(function (fam) {
      var fd = {}, fx = {};
      ruleIds.forEach(function (r) {
        if (family(r) !== fam) return;
        FINDING_KINDS.forEach(function (k) { fd[k] = (fd[k] || 0) + (byRule[r].findings[k] || 0); });
        FIX_KINDS.forEach(function (k) { fx[k] = (fx[k] || 0) + (byRule[r].fixes[k] || 0); });
      });
      return {family: fam || "other", findings: fd, fixes: fx};
    });
    var max = 1;
    rows.forEach(function (r) { max = Math.max(max, sum(r.findings), sum(r.fixes)); });
    var bars = [["findings", FINDING_KINDS, "s-"]];
    if (fixing) bars.push(["fixes", FIX_KINDS, "x-"]);
    var W = 760, left = 150, bar = 14, rowH = bars.length * (bar + 2) + 12, width = W - left - 60;
    var H = rows.length * rowH + 40;
    var root = svg("svg", {viewBox: "0 0 " + W + " " + H, width: W, height: H});
    rows.forEach(function (r, i) {
      var y = i * rowH + 6;
      root.appendChild(svg("text", {x: 0, y: y + bar}, r.family));
      bars.forEach(function (b, j) {
        var what = b[0], counts = what === "findings" ? r.findings : r.fixes, kinds = b[1], prefix = b[2];
        var x = left, by = y + j * (bar + 2);
        root.appendChild(svg("text", {x: left - 8, y: by + bar - 3, "text-anchor": "end"}, what));
        kinds.forEach(function (k) {
          var n = counts[k] || 0;
          if (!n) return;
          var w = Math.max(1, n / max * width);
          var rect = svg("rect", {x: x, y: by, width: w, height: bar, "class": prefix + k});
          rect.appendChild(svg("title", {}, what + " " + LABEL[k] + ": " + n));
          root.appendChild(rect);
          x += w;
        });
        root.appendChild(svg("text", {x: x + 4, y: by + bar - 3}, String(sum(counts))));
      });
    });
    var legend = [["s-safe", "finding, safe fix"], ["s-unsafe", "finding, unsafe fix"],
      ["s-display-only", "display-only"], ["s-none", "no fix"]];
    if (fixing) legend.push(["x-safe", "fix applied, safe"], ["x-unsafe", "fix applied, unsafe"]);
    legend.forEach(function (l, i) {
      var x = (i % 3) * 250, y = rows.length * rowH + 12 + Math.floor(i / 3) * 14;
      root.appendChild(svg("rect", {x: x, y: y, width: 10, height: 10, "class": l[0]}));
      root.appendChild(svg("text", {x: x + 14, y: y + 9}, l[1]));
    });
    root.setAttribute("viewBox", "0 0 " + W + " " + (rows.length * rowH + 44));
    root.setAttribute("height", String(rows.length * rowH + 44));
    document.getElementById("chart").appendChild(root);
  })();

  // ---------------------------------------------------------------- rules table
  var tbody = document.querySelector("#rules tbody");
  ruleIds.forEach(function (r) {
    var info = rules[r] || {name: "", family: "", url: "", fix: "none"}, c = byRule[r];
    var tr = el("tr"); tr.setAttribute("data-rule", r);
    var td = el("td"), a = el("a", "rule", r);
    a.href = info.url; a.rel = "noreferrer noopener"; a.target = "_blank"; a.title = info.summary || "";
    td.appendChild(a); tr.appendChild(td);
    tr.appendChild(el("td", null, info.name)); tr.appendChild(el("td", null, info.family));
    tr.appendChild(el("td", null, LABEL[info.fix] || info.fix));
    [sum(c.findings), c.findings.safe || 0, c.findings.unsafe || 0, (c.findings.none || 0) +
      (c.findings["display-only"] || 0), sum(c.fixes), c.fixes.safe || 0, c.fixes.unsafe || 0].forEach(
      function (n, i) {
        var cell = el("td", i < 4 ? "n" : "n fx", n); cell.setAttribute("data-col", String(i)); tr.appendChild(cell);
      });
    var cell = el("td"), show = el("button", null, "show files"); show.type = "button";
    show.addEventListener("click", function () { setFilter("filter-rule", r); });
    cell.appendChild(show); tr.appendChild(cell); tbody.appendChild(tr);
  });

  // ---------------------------------------------------------------- refused, errors, skipped
  (function problems() {
    var box = document.getElementById("problem-lists");
    var groups = [["refused", "Refused (not read, or fixes not written)"], ["error", "Errors"],
      ["skipped", "Skipped (not CloudFormation templates)"]];
    var any = false;
    groups.forEach(function (g) {
      var items = data.problems.filter(function (p) { return p.category === g[0]; });
      if (!items.length) return;
      any = true;
      var d = el("details", "problems"); d.id = "problems-" + g[0];
      if (g[0] !== "skipped") d.open = true;
      d.appendChild(el("summary", null, g[1] + " (" + items.length + ")"));
      var table = el("table"), head = el("tr");
      ["File", "Line", "Rule", "Reason"].forEach(function (h) { head.appendChild(el("th", null, h)); });
      table.appendChild(head);
      items.forEach(function (p) {
        var tr = el("tr");
        tr.appendChild(el("td", null, p.path));
        tr.appendChild(el("td", "n", p.line ? p.line + ":" + (p.column || 1) : ""));
        tr.appendChild(el("td", null, p.rule));
        tr.appendChild(el("td", null, p.message));
        table.appendChild(tr);
      });
      d.appendChild(table); box.appendChild(d);
    });
    if (!any) box.appendChild(el("p", null, "None."));
  })();

  // ---------------------------------------------------------------- filters
  var fRule = document.getElementById("filter-rule"), fFamily = document.getElementById("filter-family");
  var fAppl = document.getElementById("filter-applicability"), fPath = document.getElementById("filter-path");
  ruleIds.forEach(function (r) {
    var o = el("option", null, r + (rules[r] && rules[r].name ? " " + rules[r].name : "")); o.value = r;
    fRule.appendChild(o);
  });
  families.forEach(function (f) { var o = el("option", null, f || "other"); o.value = f; fFamily.appendChild(o); });

  function current() {
    return {rule: fRule.value, family: fFamily.value, appl: fAppl.value, path: fPath.value.toLowerCase()};
  }
  function active(q) { return q.rule || q.family || q.appl; }
  function findingMatches(x, q) {
    return (!q.rule || x[0] === q.rule) && (!q.family || family(x[0]) === q.family) && (!q.appl || x[4] === q.appl);
  }
  function fixMatches(x, q) {
    return (!q.rule || x[0] === q.rule) && (!q.family || family(x[0]) === q.family) && (!q.appl || x[1] === q.appl);
  }

  // ---------------------------------------------------------------- files, their content drawn when opened
  var list = document.getElementById("file-list"), nodes = [];
  function renderBody(i, d) {
    var f = files[i], q = current(), body = d.querySelector(".body");
    body.textContent = "";
    var shown = f.findings.filter(function (x) { return findingMatches(x, q); });
    if (shown.length) {
      body.appendChild(el("h4", null, (data.command === "fix" ? "Findings left" : "Findings") + " (" + shown.length + ")"));
      shown.forEach(function (x) {
        var div = el("div", "finding"); div.setAttribute("data-rule", x[0]);
        div.appendChild(el("span", "where", x[1] + ":" + x[2] + " "));
        var a = el("a", "rule", x[0]);
        a.href = rules[x[0]] ? rules[x[0]].url : ""; a.rel = "noreferrer noopener"; a.target = "_blank";
        div.appendChild(a);
        var badge = el("span", "badge " + x[4], LABEL[x[4]] || x[4]);
        div.appendChild(badge);
        if (x[5]) div.appendChild(el("span", "badge", "[*]"));
        div.appendChild(el("div", "msg", x[3]));
        if (x[8]) div.appendChild(el("div", "note", "fix: " + x[8]));
        if (x[6]) div.appendChild(el("pre", "src", x[6]));
        body.appendChild(div);
      });
    }
    var fixes = f.fixes.filter(function (x) { return fixMatches(x, q); });
    if (fixes.length) {
      body.appendChild(el("h4", null, (data.dryRun ? "Fixes that would apply" : "Fixes applied") + " (" + fixes.length + ")"));
      var ul = el("ul");
      fixes.forEach(function (x) {
        var li = el("li"); li.setAttribute("data-rule", x[0]);
        li.appendChild(el("span", "rule", x[0]));
        li.appendChild(el("span", "badge " + x[1], x[1]));
        li.appendChild(document.createTextNode(" " + x[2] + " "));
        li.appendChild(el("span", "where", x[3]));
        ul.appendChild(li);
      });
      body.appendChild(ul);
    }
    if (f.diff !== undefined) {
      var dd = el("details", "diff");
      dd.appendChild(el("summary", null, data.dryRun ? "Show the diff of what fix would change" : "Show the diff of what fix changed"));
      dd.addEventListener("toggle", function () {
        if (!dd.open || dd.querySelector("pre")) return;
        var pre = el("pre", "diff"), frag = document.createDocumentFragment();
        data.diffs[f.diff].split("\n").forEach(function (line) {
          var c = line.lastIndexOf("+++", 0) === 0 || line.lastIndexOf("---", 0) === 0 ? "meta" :
            line[0] === "@" ? "hunk" : line[0] === "+" ? "add" : line[0] === "-" ? "del" : "ctx";
          frag.appendChild(el("span", c, line));
        });
        pre.appendChild(frag); dd.appendChild(pre);
      });
      body.appendChild(dd);
    }
  }
  files.forEach(function (f, i) {
    var d = el("details", "file"); d.setAttribute("data-index", String(i));
    var sm = el("summary");
    sm.appendChild(el("span", "path", f.path));
    if (f.findings.length) sm.appendChild(el("span", "badge n-findings", f.findings.length + " finding" + (f.findings.length === 1 ? "" : "s")));
    if (f.fixes.length) sm.appendChild(el("span", "badge safe n-fixes", f.fixes.length + " fix" + (f.fixes.length === 1 ? "" : "es")));
    if (f.diff !== undefined) sm.appendChild(el("span", "badge changed", data.dryRun ? "would change" : "changed"));
    d.appendChild(sm); d.appendChild(el("div", "body"));
    d.addEventListener("toggle", function () { if (d.open) renderBody(i, d); });
    nodes.push(d);
  });
  var frag = document.createDocumentFragment();
  nodes.forEach(function (d) { frag.appendChild(d); });
  list.appendChild(frag);
  if (!files.length) list.appendChild(el("p", null, "No file has findings or fixes."));

  function applyFilters() {
    var q = current(), n = 0;
    files.forEach(function (f, i) {
      var ok = (!q.path || f.path.toLowerCase().indexOf(q.path) >= 0) && (!active(q) ||
        f.findings.some(function (x) { return findingMatches(x, q); }) ||
        f.fixes.some(function (x) { return fixMatches(x, q); }));
      nodes[i].classList.toggle("hidden", !ok);
      if (ok) { n++; if (nodes[i].open) renderBody(i, nodes[i]); }
    });
    document.getElementById("shown").textContent = "showing " + n + " of " + files.length + " files";
    document.body.setAttribute("data-shown", String(n));
  }
  function setFilter(id, value) {
    document.getElementById(id).value = value; applyFilters();
    document.getElementById("files").scrollIntoView();
  }
  [fRule, fFamily, fAppl].forEach(function (s) { s.addEventListener("change", applyFilters); });
  fPath.addEventListener("input", applyFilters);
  document.getElementById("filter-clear").addEventListener("click", function () {
    fRule.value = fFamily.value = fAppl.value = fPath.value = ""; applyFilters();
  });
  applyFilters();
  document.body.setAttribute("data-ready", String(Math.round(performance.now())));
})();
