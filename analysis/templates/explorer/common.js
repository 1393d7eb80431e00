// Shared helpers of the explorer pages: build elements with text only (never innerHTML), load data shards with
// <script> tags (fetch() of local files is blocked under file://), find a term in a sentence, format numbers.
"use strict";

const Explorer = (() => {
  const waiting = {};
  const loaded = {};

  // The page's data: JSON in an inert <script type="application/json"> element.
  function data() {
    return JSON.parse(document.getElementById("explorer-data").textContent);
  }

  // An element with attributes and children; strings become text nodes, so data never becomes markup.
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  // Data files call explorerShard(key, value); load(key) resolves with that value.
  window.explorerShard = (key, value) => {
    const resolve = waiting[key];
    delete waiting[key];
    if (resolve) resolve(value);
  };

  function load(key) {
    if (!loaded[key]) {
      loaded[key] = new Promise((resolve, reject) => {
        waiting[key] = resolve;
        const script = document.createElement("script");
        script.src = key + ".js";
        script.onerror = () => reject(new Error("Cannot load " + key + ".js: rerun notebook 06 to write the explorer."));
        document.head.append(script);
      });
    }
    return loaded[key];
  }

  // A case-insensitive pattern for a displayed term, as analysis.preprocess.term_regex builds it: the words of a
  // phrase may be separated by spaces, hyphens, commas or quotes, and the match must not sit inside a longer word.
  function termPattern(term) {
    const words = term.split(/\s+/).filter(Boolean).map((word) => word.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
    const gap = "[\\s\\-,'\"“”‘’]+";
    return new RegExp("(?<![\\p{L}\\p{N}_])(?:" + words.join(gap) + ")(?![\\p{L}\\p{N}_])", "giu");
  }

  // Text with every match of pattern in a <mark>, as a fragment of text nodes and elements.
  function highlight(text, pattern, className) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    pattern.lastIndex = 0;
    for (const match of text.matchAll(pattern)) {
      if (match[0].length === 0) break;
      fragment.append(text.slice(last, match.index));
      fragment.append(el("mark", { class: className || "term-hit", text: match[0] }));
      last = match.index + match[0].length;
    }
    fragment.append(text.slice(last));
    return fragment;
  }

  function articleHref(number, start, end) {
    const focus = start === undefined ? "" : "&s=" + Number(start) + "-" + Number(end);
    return "article.html#a=" + Number(number) + focus;
  }

  function termHref(term) {
    return "terms.html#t=" + encodeURIComponent(term);
  }

  function hashParameters() {
    return new URLSearchParams(window.location.hash.slice(1));
  }

  const number = (value) => Number(value).toLocaleString("en-GB");
  const percent = (value) => (100 * value).toFixed(1) + "%";

  function pad(value, width) {
    return String(value).padStart(width, "0");
  }

  return { data, el, load, termPattern, highlight, articleHref, termHref, hashParameters, number, percent, pad };
})();
