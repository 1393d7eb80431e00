// Topic explorer: an overview of every topic's share per period with its interval, then one section per topic with
// its top and FREX terms (linked to the term explorer), the articles that carry it and its most typical passages.
"use strict";

(async () => {
  const { el, load, articleHref, termHref, number, percent } = Explorer;
  const data = Explorer.data();
  const app = document.getElementById("app");
  const articles = await load("articles");
  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    return node;
  }

  // Share and 95% interval of each period on one 0–max scale: a dot and a line per period.
  function intervals(shares, max) {
    const width = 240;
    const chart = svg("svg", { width, height: 14 * shares.length + 6, class: "interval",
                               role: "img", "aria-label": "share per period with 95% interval" });
    const x = (value) => 4 + (width - 8) * Math.min(Math.max(value / max, 0), 1);
    shares.forEach((share, index) => {
      const y = 10 + 14 * index;
      const colour = data.colours[data.periods.indexOf(share.period)] || "#777";
      chart.append(svg("line", { x1: x(share.low), x2: x(share.high), y1: y, y2: y, stroke: colour, "stroke-width": 2 }));
      chart.append(svg("circle", { cx: x(share.share), cy: y, r: 4, fill: colour }));
    });
    return chart;
  }

  const max = Math.max(0.01, ...data.topics.flatMap((topic) => topic.shares.map((share) => share.high || share.share)));
  const shareText = (share) => share.period + " " + percent(share.share) + " (" + percent(share.low) + "–" + percent(share.high) + ")";
  const overview = el("table", { class: "topics-overview" },
    el("thead", {}, el("tr", {}, el("th", { text: "topic" }), el("th", { text: "share per period (95% interval)" }),
                        el("th", { text: "" }), el("th", { text: "change" }))));
  const body = el("tbody");
  for (const topic of data.topics) {
    const change = topic.difference
      ? (topic.difference.value >= 0 ? "+" : "") + (100 * topic.difference.value).toFixed(1) + " percentage points (" +
        (100 * topic.difference.low).toFixed(1) + " to " + (100 * topic.difference.high).toFixed(1) + ")" +
        (topic.difference.excludes_zero ? "" : ", interval includes zero")
      : "";
    body.append(el("tr", {},
      el("td", {}, el("a", { href: "#topic-" + topic.topic, text: topic.topic + ". " + topic.label })),
      el("td", {}, intervals(topic.shares, max)),
      el("td", { class: "small", text: topic.shares.map(shareText).join("; ") }),
      el("td", { class: "small", text: change })));
  }
  overview.append(body);
  app.append(el("p", { class: "legend" }, "Change: share in " + data.periods[1] + " minus share in " + data.periods[0] + "."),
             overview);

  function terms(title, rows) {
    return el("div", { class: "term-list" }, el("h4", { text: title }),
      el("ol", {}, ...rows.map(([term, value]) => el("li", {}, el("a", { href: termHref(term), text: term }),
                                                     el("span", { class: "muted", text: " " + value })))));
  }

  for (const topic of data.topics) {
    const section = el("section", { id: "topic-" + topic.topic, class: "topic" },
      el("h2", { text: topic.topic + ". " + topic.label }),
      el("p", { text: "Share of " + data.unit + "s: " + topic.shares.map(shareText).join("; ") + "." }),
      el("div", { class: "columns" }, terms("Highest weight", topic.top), terms("FREX (frequent and exclusive)", topic.frex)));
    const list = el("ol", { class: "topic-articles" });
    for (const [article, share] of topic.articles) {
      const meta = articles[article] || ["", "", "", "", -1];
      list.append(el("li", {}, el("a", { href: articleHref(article), class: "article-link", text: meta[1] || meta[0] }),
                     el("span", { class: "muted", text: " · " + meta[2] + ", " + meta[3] + " · " + percent(share) })));
    }
    section.append(el("h3", { text: "Articles that carry it most (" + number(topic.articles.length) + ")" }), list);
    const passages = el("ol", { class: "passages" });
    for (const passage of topic.passages) {
      const meta = articles[passage.article] || ["", "", "", "", -1];
      passages.append(el("li", {}, el("blockquote", { text: passage.text }),
        el("span", { class: "source" }, el("a", { href: articleHref(passage.article, passage.start, passage.end),
                                                   class: "article-link", text: meta[2] + ", " + meta[3] }),
           " · " + percent(passage.share) + " of this " + data.unit)));
    }
    section.append(el("h3", { text: "Passages that carry it most" }), passages);
    app.append(section);
  }
  if (window.location.hash) document.getElementById(window.location.hash.slice(1))?.scrollIntoView();
  performance.mark("explorer-ready");
})();
