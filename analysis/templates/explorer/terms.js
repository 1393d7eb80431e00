// Term explorer: every counted term on a canvas, x = its rank in the first period, y = in the second (scattertext's
// layout), coloured by log-odds z; hover shows its statistics, a click or a search lists the sentences that use it.
"use strict";

(() => {
  const { el, load, termPattern, highlight, articleHref, number, hashParameters } = Explorer;
  const data = Explorer.data();
  const [periodA, periodB] = data.periods;
  const column = Object.fromEntries(data.columns.map((name, index) => [name, index]));
  const terms = data.terms;
  const byTerm = new Map(terms.map((row, index) => [row[column.term].toLowerCase(), index]));
  const app = document.getElementById("app");
  const size = { width: 860, height: 600, margin: 48 };
  let selected = -1;
  let articles = null;

  const search = el("input", { id: "term-search", type: "search", placeholder: "Find a term", autocomplete: "off",
                               "aria-label": "Find a term" });
  const suggestions = el("ul", { id: "term-suggestions", class: "suggestions" });
  const canvas = el("canvas", { id: "term-plot", role: "img",
                                "aria-label": "Terms placed by their rank in each period, coloured by log-odds z" });
  const tip = el("div", { id: "term-tip", class: "tip", hidden: "hidden" });
  const details = el("section", { id: "term-details", "aria-live": "polite" });
  const show = el("select", { id: "term-filter", "aria-label": "Which terms to show" },
    el("option", { value: "", text: "all counted terms" }),
    el("option", { value: "frame: ", text: "frame words only (frames.csv)" }),
    el("option", { value: "actor: ", text: "actor names only (actors.csv)" }));
  const shown = (row) => !show.value || row[column.dictionary].split("; ").some((label) => label.startsWith(show.value));
  const legend = el("p", { class: "legend" },
    el("span", { class: "swatch", style: "background:" + data.colours[0] }), " more used in " + periodA + " (z > 0)  ",
    el("span", { class: "swatch", style: "background:" + data.colours[1] }), " more used in " + periodB + " (z < 0); ",
    "larger dots: adjusted p < " + data.fdr + ". " + number(terms.length) + " terms.");
  app.append(el("div", { class: "search" }, search, " Show ", show, suggestions), legend,
             el("div", { class: "plot" }, canvas, tip), details);

  const points = terms.map((row) => [
    size.margin + row[column.x] * (size.width - 2 * size.margin),
    size.height - size.margin - row[column.y] * (size.height - 2 * size.margin),
  ]);

  function mix(from, to, share) {
    const parse = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const [a, b] = [parse(from), parse(to)];
    return "rgb(" + a.map((value, i) => Math.round(value + (b[i] - value) * share)).join(",") + ")";
  }

  function colour(z) {
    const share = Math.min(Math.abs(z || 0) / 4, 1);
    return mix("#bbbbbb", z > 0 ? data.colours[0] : data.colours[1], share);
  }

  const significant = (row) => row[column.p_adjusted] !== null && row[column.p_adjusted] < data.fdr;

  function draw() {
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size.width * ratio;
    canvas.height = size.height * ratio;
    canvas.style.width = size.width + "px";
    canvas.style.height = size.height + "px";
    const context = canvas.getContext("2d");
    context.scale(ratio, ratio);
    context.fillStyle = "#fff";
    context.fillRect(0, 0, size.width, size.height);
    context.strokeStyle = "#999";
    context.beginPath();
    context.moveTo(size.margin, size.margin / 2);
    context.lineTo(size.margin, size.height - size.margin);
    context.lineTo(size.width - size.margin / 2, size.height - size.margin);
    context.stroke();
    context.fillStyle = "#333";
    context.font = "13px system-ui, sans-serif";
    context.fillText("more frequent in " + periodA + " →", size.width / 2 - 80, size.height - 14);
    context.save();
    context.translate(16, size.height / 2 + 80);
    context.rotate(-Math.PI / 2);
    context.fillText("more frequent in " + periodB + " →", 0, 0);
    context.restore();
    const order = terms.map((_, i) => i).sort((i, j) => Math.abs(terms[i][column.z] || 0) - Math.abs(terms[j][column.z] || 0));
    for (const i of order) {
      const row = terms[i];
      context.fillStyle = shown(row) ? colour(row[column.z]) : "#eeeeee";
      context.beginPath();
      context.arc(points[i][0], points[i][1], significant(row) ? 4 : 2.5, 0, 2 * Math.PI);
      context.fill();
    }
    context.font = "11px system-ui, sans-serif";
    context.fillStyle = "#222";
    const labelled = order.filter((i) => shown(terms[i])).slice(-24);
    for (const i of labelled) context.fillText(terms[i][column.term], points[i][0] + 5, points[i][1] - 4);
    if (selected >= 0) {
      context.strokeStyle = "#d62728";
      context.lineWidth = 2;
      context.beginPath();
      context.arc(points[selected][0], points[selected][1], 8, 0, 2 * Math.PI);
      context.stroke();
    }
  }

  function nearest(x, y) {
    let best = -1;
    let distance = 64;
    for (let i = 0; i < points.length; i++) {
      if (!shown(terms[i])) continue;
      const d = (points[i][0] - x) ** 2 + (points[i][1] - y) ** 2;
      if (d < distance) { distance = d; best = i; }
    }
    return best;
  }

  function describe(row) {
    const z = row[column.z];
    const favours = z > 0 ? periodA : z < 0 ? periodB : "neither period";
    return [
      periodA + ": " + number(row[column.count_a]) + " uses in " + number(row[column.docs_a]) + " article(s)",
      periodB + ": " + number(row[column.count_b]) + " uses in " + number(row[column.docs_b]) + " article(s)",
      "log-odds z = " + (z === null ? "–" : z.toFixed(2)) + " (favours " + favours + "), adjusted p = " +
        (row[column.p_adjusted] === null ? "–" : row[column.p_adjusted]),
    ].concat(row[column.dictionary] ? [row[column.dictionary]] : []);
  }

  canvas.addEventListener("mousemove", (event) => {
    const box = canvas.getBoundingClientRect();
    const i = nearest(event.clientX - box.left, event.clientY - box.top);
    if (i < 0) { tip.hidden = true; canvas.style.cursor = "default"; return; }
    const here = [];
    for (let j = 0; j < points.length && here.length < 6; j++) {
      if (j !== i && shown(terms[j]) && points[j][0] === points[i][0] && points[j][1] === points[i][1]) here.push(terms[j][column.term]);
    }
    tip.replaceChildren(el("strong", { text: terms[i][column.term] }),
                        ...describe(terms[i]).map((line) => el("div", { text: line })));
    if (here.length) tip.append(el("div", { class: "muted", text: "also here: " + here.join(", ") }));
    tip.style.left = Math.min(points[i][0] + 12, size.width - 260) + "px";
    tip.style.top = points[i][1] + 12 + "px";
    tip.hidden = false;
    canvas.style.cursor = "pointer";
  });
  show.addEventListener("change", () => { draw(); search.dispatchEvent(new Event("input")); });
  canvas.addEventListener("mouseleave", () => { tip.hidden = true; });
  canvas.addEventListener("click", (event) => {
    const box = canvas.getBoundingClientRect();
    const i = nearest(event.clientX - box.left, event.clientY - box.top);
    if (i >= 0) select(i);
  });

  function matches(query) {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const starts = [];
    const contains = [];
    for (let i = 0; i < terms.length && starts.length < 15; i++) {
      if (!shown(terms[i])) continue;
      const term = terms[i][column.term].toLowerCase();
      if (term.startsWith(q)) starts.push(i);
      else if (contains.length < 15 && term.includes(q)) contains.push(i);
    }
    return starts.concat(contains).slice(0, 15);
  }

  search.addEventListener("input", () => {
    const found = matches(search.value);
    suggestions.replaceChildren(...found.map((i) => el("li", {}, el("button", {
      type: "button", class: "term-choice", "data-term": terms[i][column.term],
      text: terms[i][column.term] + " (" + number(terms[i][column.count_a]) + " / " + number(terms[i][column.count_b]) + ")",
    }))));
    if (search.value.trim() && !found.length) suggestions.append(el("li", { class: "muted", text: "No counted term matches." }));
  });
  search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const exact = byTerm.get(search.value.trim().toLowerCase());
    const found = exact !== undefined ? exact : matches(search.value)[0];
    if (found !== undefined) select(found);
  });
  suggestions.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-term]");
    if (button) select(byTerm.get(button.getAttribute("data-term").toLowerCase()));
  });

  async function select(i) {
    selected = i;
    draw();
    const row = terms[i];
    const term = row[column.term];
    history.replaceState(null, "", "#t=" + encodeURIComponent(term));
    suggestions.replaceChildren();
    details.replaceChildren(el("h2", { text: "“" + term + "”" }), ...describe(row).map((line) => el("p", { text: line })),
                            el("p", { class: "muted", text: "Loading sentences…" }));
    let index = 0;  // the last shard that starts at or before term i
    while (index + 1 < data.shard_starts.length && data.shard_starts[index + 1] <= i) index += 1;
    const shard = "terms/" + Explorer.pad(index, 4);
    let contexts;
    try {
      [contexts, articles] = await Promise.all([load(shard), articles || load("articles")]);
    } catch (error) {
      details.lastChild.textContent = String(error.message);
      return;
    }
    if (selected !== i) return;
    details.lastChild.remove();
    const entry = contexts[term] || { a: [], b: [] };
    const pattern = termPattern(term);
    [["a", periodA, column.sentences_a, column.docs_a], ["b", periodB, column.sentences_b, column.docs_b]].forEach(
      ([side, period, total, docs]) => {
        const lines = entry[side];
        const shown = lines.length < row[total] ? " (the first " + number(lines.length) + ", one per article first)" : "";
        const section = el("section", { class: "contexts", "data-period": side },
          el("h3", { text: period + ": " + number(row[total]) + " sentence(s) in " + number(row[docs]) + " article(s)" + shown }));
        const list = el("ol", { class: "context-list" });
        for (const [article, start, end, text] of lines) {
          const meta = articles[article] || ["", "", "", "", -1];
          list.append(el("li", { class: "context" },
            el("span", { class: "source" }, el("a", { href: articleHref(article, start, end), class: "article-link",
                                                       text: meta[2] + ", " + meta[3] }), " · ", meta[1]),
            el("span", { class: "sentence" }, highlight(text, pattern))));
        }
        if (!lines.length) list.append(el("li", { class: "muted", text: "No sentence in this period uses it." }));
        section.append(list);
        details.append(section);
      });
  }

  draw();
  const wanted = hashParameters().get("t");
  if (wanted && byTerm.has(wanted.toLowerCase())) select(byTerm.get(wanted.toLowerCase()));
  performance.mark("explorer-ready");
})();
