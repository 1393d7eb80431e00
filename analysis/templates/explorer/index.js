// Articles: every article of the corpus in a filterable list linking to its view (at most 200 rows drawn at a time).
"use strict";

(async () => {
  const { el, load, articleHref, number } = Explorer;
  const data = Explorer.data();
  const app = document.getElementById("app");
  const articles = await load("articles");
  const LIMIT = 200;
  const filter = el("input", { id: "article-filter", type: "search", placeholder: "Filter by title, outlet, date or id",
                               "aria-label": "Filter articles" });
  const status = el("p", { class: "muted", "aria-live": "polite" });
  const body = el("tbody");
  app.append(el("p", {}, el("a", { href: "terms.html", text: "Term explorer" }), " · ",
                el("a", { href: "topics.html", text: "Topic explorer" })),
             filter, status,
             el("table", { class: "articles" }, el("thead", {}, el("tr", {}, ...["period", "published", "outlet", "title"].map(
               (name) => el("th", { text: name })))), body));

  function show() {
    const query = filter.value.trim().toLowerCase();
    const rows = [];
    let matched = 0;
    articles.forEach(([docId, title, outlet, published, period], index) => {
      if (query && ![docId, title, outlet, published].some((value) => value.toLowerCase().includes(query))) return;
      matched += 1;
      if (rows.length >= LIMIT) return;
      rows.push(el("tr", {}, el("td", { text: data.periods[period] || "" }), el("td", { text: published }),
                   el("td", { text: outlet }),
                   el("td", {}, el("a", { href: articleHref(index), class: "article-link", text: title || docId }))));
    });
    body.replaceChildren(...rows);
    status.textContent = number(matched) + " of " + number(articles.length) + " articles" +
      (matched > LIMIT ? "; the first " + LIMIT + " are listed, filter to narrow them." : ".");
  }

  filter.addEventListener("input", show);
  show();
  performance.mark("explorer-ready");
})();
