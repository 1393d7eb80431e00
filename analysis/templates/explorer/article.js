// Article view: one article as the pipeline read it (its number is in the address after #a=), loaded from the
// shard articles/NNNNN.js that holds it with its neighbours (data.article_shards: each shard's first article):
// its metadata, topic shares, the cleaned text with figures, actor mentions and frame words highlighted, and the lines
// removed as boilerplate struck through with the rule that removed them.
"use strict";

(() => {
  const { el, load, hashParameters, pad, percent, number } = Explorer;
  const data = Explorer.data();
  const app = document.getElementById("app");
  const KINDS = { figure: "figures", actor: "actor mentions", frame: "frame words" };

  function tableLink(kind) {
    const href = data.tables[kind];
    return href ? el("a", { href, text: "table" }) : null;
  }

  // A text block with its marks (offsets into the raw article) as <mark> elements.
  function marked(block, marks) {
    const fragment = document.createDocumentFragment();
    let position = block.start;
    for (const [start, end, kind, label] of marks) {
      if (start < block.start || end > block.end || start < position) continue;
      fragment.append(block.text.slice(position - block.start, start - block.start));
      fragment.append(el("mark", { class: "mark-" + kind, title: label, "data-kind": kind,
                                   text: block.text.slice(start - block.start, end - block.start) }));
      position = end;
    }
    fragment.append(block.text.slice(position - block.start));
    return fragment;
  }

  function metadata(meta) {
    const list = el("dl", { class: "metadata" });
    const fields = [["outlet", "Outlet"], ["published", "Published"], ["period", "Period"], ["doc_id", "Article id"],
                    ["file", "File"], ["encoding", "Encoding"], ["n_words", "Words kept"], ["notes", "How outlet and date were established"]];
    for (const [name, label] of fields) {
      if (meta[name]) list.append(el("dt", { text: label }), el("dd", { text: meta[name] }));
    }
    if (meta.url) {
      const safe = /^https?:\/\//i.test(meta.url);
      list.append(el("dt", { text: "Address" }),
                  el("dd", {}, safe ? el("a", { href: meta.url, rel: "noopener noreferrer", text: meta.url }) : meta.url));
    }
    return list;
  }

  function render(record, focus) {
    const meta = record.meta;
    const counts = {};
    for (const mark of record.marks) counts[mark[2]] = (counts[mark[2]] || 0) + 1;
    const removed = record.blocks.filter((block) => block.kind === "removed").length;
    const step = el("p", { class: "steps" },
      record.n > 0 ? el("a", { href: "#a=" + (record.n - 1), text: "← previous" }) : "",
      " Article " + number(record.n + 1) + " of " + number(record.count) + " ",
      record.n + 1 < record.count ? el("a", { href: "#a=" + (record.n + 1), text: "next →" }) : "");
    const legend = el("ul", { class: "legend marks-legend" });
    for (const [kind, label] of Object.entries(KINDS)) {
      legend.append(el("li", {}, el("mark", { class: "mark-" + kind, text: label }), " " + number(counts[kind] || 0) + " ",
                       tableLink(kind)));
    }
    legend.append(el("li", {}, el("del", { text: "removed lines" }), " " + number(removed) + " ", tableLink("removed")));
    const topics = el("ol", { class: "article-topics" });
    for (const [topic, label, share] of [...record.topics].sort((x, y) => y[2] - x[2])) {
      if (share <= 0) continue;
      topics.append(el("li", {}, el("a", { href: "topics.html#topic-" + topic, text: topic + ". " + label }),
                       el("span", { class: "bar", style: "width:" + Math.round(120 * share) + "px" }),
                       el("span", { class: "muted", text: " " + percent(share) })));
    }
    const text = el("div", { class: "article-text" });
    let focused = null;
    for (const block of record.blocks) {
      if (block.kind === "removed") {
        text.append(el("p", { class: "removed" }, el("del", { text: block.text }),
                       el("span", { class: "rule", text: " removed by rule “" + block.rule + "”" + (block.why ? ": " + block.why : "") })));
        continue;
      }
      const marks = record.marks.filter(([start, end]) => start >= block.start && end <= block.end);
      const node = el(block.headline ? "h2" : "p", { class: block.headline ? "headline" : "para", id: block.id },
                      marked(block, marks));
      if (focus && focus[0] >= block.start && focus[0] < block.end) {
        node.classList.add("focus");
        focused = node;
      }
      text.append(node);
    }
    app.replaceChildren(step, el("h1", { text: meta.title || meta.doc_id }), metadata(meta),
                        el("h2", { text: "Topic shares" }), topics.childElementCount ? topics : el("p", { class: "muted", text: "No topic shares." }),
                        el("h2", { text: "Text as the pipeline read it" }), legend, text);
    document.title = (meta.title || meta.doc_id) + " · Article";
    if (focused) focused.scrollIntoView({ block: "center" });
    else window.scrollTo(0, 0);
  }

  async function show() {
    const parameters = hashParameters();
    const n = Number.parseInt(parameters.get("a"), 10);
    if (!Number.isInteger(n) || n < 0 || n >= data.n) {
      app.replaceChildren(el("h1", { text: "Article" }),
                          el("p", {}, "Choose an article from ", el("a", { href: "index.html", text: "the list" }), "."));
      return;
    }
    const focus = (parameters.get("s") || "").split("-").map(Number);
    try {
      const starts = data.article_shards;
      let shard = 0;  // the last shard that starts at or before article n
      while (shard + 1 < starts.length && starts[shard + 1] <= n) shard += 1;
      const articles = await load("articles/" + pad(shard, 5));
      render(articles[n - starts[shard]], focus.length === 2 && focus.every(Number.isFinite) ? focus : null);
    } catch (error) {
      app.replaceChildren(el("h1", { text: "Article" }), el("p", { text: String(error.message) }));
    }
    performance.mark("explorer-ready");
  }

  window.addEventListener("hashchange", show);
  show();
})();
