"""The data behind the report's explorer pages: every counted term with the sentences that use it, each topic with
its terms and passages, and each article as the pipeline read it, with character offsets for every highlight.

Builds plain tables and dicts from the stage results; analysis.explorer.pages writes them as offline HTML pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.core.keywords import _normal, keyword_index
from analysis.core.preprocess import corpus_phrases, document_term_matrix

MAX_CONTEXTS_PER_PERIOD = 100  # sentences listed per term and period (one per article first); the page states the total
TOPIC_ARTICLES = 30  # articles listed per topic, by the article's share of the topic
TOPIC_PASSAGES = 12  # passages (units) listed per topic, by their share
PASSAGE_CHARS = 600  # a passage longer than this is cut, with an ellipsis, on the topic page
MARK_PRIORITY = {"figure": 0, "actor": 1, "frame": 2}  # where highlights overlap, the earlier kind is kept


@dataclass
class TermExplorer:
    """Every counted term with its place in each period, its statistics, and the sentences that use it."""

    terms: pd.DataFrame  # term, count_a, count_b, x, y, z, p_adjusted, docs_a, docs_b, sentences_a, sentences_b, dictionary
    contexts: pd.DataFrame  # term, period, article, sent_id, start, end, text (at most MAX_CONTEXTS_PER_PERIOD per period)


def article_numbers(documents: pd.DataFrame) -> pd.Series:
    """doc_id -> article number (0, 1, …, in the corpus's order: period, date, doc_id), the article view's file name."""
    return pd.Series(np.arange(len(documents)), index=documents["doc_id"].to_numpy(), name="article")


def rank_position(counts: pd.Series) -> np.ndarray:
    """Each term's place by its use in one period, as scattertext places terms: the dense rank of its count
    divided by the highest rank, so the most used term sits at 1 and an unused term at 0.

    >>> rank_position(pd.Series([0, 3, 3, 10])).tolist()
    [0.0, 0.5, 0.5, 1.0]
    """
    ranks = rankdata(counts.to_numpy(), method="dense") - 1.0
    return ranks / ranks.max() if len(ranks) and ranks.max() > 0 else np.zeros(len(ranks))


def sentence_term_matrix(corpus):
    """Sentences × terms counts with the vocabulary comparison's tokens (same stopwords and the same phrases, which
    come from the documents' cleaned text), and the terms as displayed."""
    phrases = corpus_phrases(corpus.document_texts()["text"].tolist())
    matrix, terms = document_term_matrix(corpus.sentences["text"].tolist(), phrases=phrases)
    return matrix.tocsc(), terms


def term_explorer(corpus, table: pd.DataFrame, periods: list[str], *,
                  max_per_period: int = MAX_CONTEXTS_PER_PERIOD) -> TermExplorer:
    """Every term of the vocabulary comparison (``table``: term, count_a, count_b, z, p_adjusted) placed by its rank
    in each period, with how many articles and sentences use it and up to ``max_per_period`` of those sentences per
    period: first one sentence from each article (in corpus order), then further sentences of the same articles."""
    sentences = corpus.sentences.reset_index(drop=True)
    numbers = article_numbers(corpus.documents)
    doc_codes = sentences["doc_id"].map(numbers).to_numpy()
    in_a = (sentences["period"] == periods[0]).to_numpy()
    in_b = (sentences["period"] == periods[1]).to_numpy()  # a third period, if any, is not compared
    matrix, words = sentence_term_matrix(corpus)
    column_of = {word: index for index, word in enumerate(words)}
    terms = table[["term", "count_a", "count_b", "z", "p_adjusted"]].sort_values("term", ignore_index=True)
    stats = {"docs_a": [], "docs_b": [], "sentences_a": [], "sentences_b": []}
    picked_terms, picked_rows = [], []
    for term in terms["term"]:
        column = column_of.get(term)
        rows = matrix.indices[matrix.indptr[column]:matrix.indptr[column + 1]] if column is not None else np.array([], int)
        rows = np.sort(rows)
        for side, mask in (("a", in_a[rows]), ("b", in_b[rows])):
            chosen = rows[mask]
            stats[f"docs_{side}"].append(len(np.unique(doc_codes[chosen])))
            stats[f"sentences_{side}"].append(len(chosen))
            _, first = np.unique(doc_codes[chosen], return_index=True)
            firsts = np.zeros(len(chosen), dtype=bool)
            firsts[first] = True
            ordered = np.concatenate([chosen[firsts], chosen[~firsts]])[:max_per_period]
            picked_rows.append(np.sort(ordered))
            picked_terms.append(np.full(len(ordered), term, dtype=object))
    terms = terms.assign(x=rank_position(terms["count_a"]), y=rank_position(terms["count_b"]), **stats)
    rows = np.concatenate(picked_rows).astype(np.int64) if picked_rows else np.array([], dtype=np.int64)
    contexts = pd.DataFrame({
        "term": np.concatenate(picked_terms) if picked_terms else np.array([], dtype=object),
        "period": sentences["period"].to_numpy()[rows],
        "article": doc_codes[rows],
        "sent_id": sentences["sent_id"].to_numpy()[rows],
        "start": sentences["start"].to_numpy()[rows],
        "end": sentences["end"].to_numpy()[rows],
        "text": sentences["text"].to_numpy()[rows],
    })
    terms["dictionary"] = dictionary_groups(terms["term"]).to_numpy()
    columns = ["term", "count_a", "count_b", "x", "y", "z", "p_adjusted", "docs_a", "docs_b", "sentences_a", "sentences_b",
               "dictionary"]
    return TermExplorer(terms[columns], contexts.sort_values(["term", "article", "start"], ignore_index=True))


def dictionary_groups(terms: pd.Series) -> pd.Series:
    """For each displayed term, the frames and actors whose word lists match the whole term ('frame: energy; …'),
    or '' (so the term explorer can show frame and actor words the same way as the rest of the vocabulary).

    >>> dictionary_groups(pd.Series(["sanctions", "xi jinping", "weather"])).tolist()
    ['frame: sanctions and the West', 'actor: Xi Jinping', '']
    """
    terms = terms.reset_index(drop=True)
    labels: dict[int, list[str]] = {}
    for prefix, table, column in (("frame", framing.load_frames(), "frame"), ("actor", actors.load_actors(), "actor")):
        index = keyword_index(table.assign(case="any"), column)  # displayed terms are lower case ("xi jinping")
        found = keyword_spans(terms, np.zeros(len(terms), dtype=np.int64), index)
        whole = found[(found["start"] == 0) & (found["end"] == terms.str.len().to_numpy()[found["row"].to_numpy(dtype=np.int64)])]
        for row, group in zip(whole["row"].tolist(), whole["group"].tolist()):
            label = f"{prefix}: {group}"
            if label not in labels.setdefault(row, []):
                labels[row].append(label)
    return pd.Series(["; ".join(labels.get(row, [])) for row in range(len(terms))], name="dictionary")


def keyword_spans(texts: pd.Series, offsets, index) -> pd.DataFrame:
    """Every match of a keyword index (analysis.core.keywords) in ``texts``, as (row, group, start, end) with ``offsets``
    added, so positions index the article's raw text; the same matching rule as analysis.core.keywords.find_keywords."""
    rows, groups, starts, ends = [], [], [], []
    entries: dict[tuple[str, str], tuple] = {}  # (case, matched words) -> what the index lists for them, looked up once
    for position, (text, offset) in enumerate(zip(texts.tolist(), np.asarray(offsets).tolist())):
        for case, pattern in index.patterns:
            for match in pattern.finditer(text):
                key = (case, match.group("term"))
                if key not in entries:
                    entries[key] = index.lookup.get((case, _normal(key[1], case)), ())
                for group, kind in entries[key]:
                    if kind == "word" and match.group("tail"):
                        continue
                    rows.append(position)
                    groups.append(group)
                    starts.append(offset + match.start())
                    ends.append(offset + match.end())
    return pd.DataFrame({"row": rows, "group": groups, "start": starts, "end": ends})


def frame_marks(sentences: pd.DataFrame) -> pd.DataFrame:
    """Frame-dictionary words in the sentences, as marks (doc_id, start, end, kind, label) into the raw text."""
    found = keyword_spans(sentences["text"], sentences["start"].to_numpy(), keyword_index(framing.load_frames(), "frame"))
    return pd.DataFrame({"doc_id": sentences["doc_id"].to_numpy()[found["row"].to_numpy(dtype=np.int64)],
                         "start": found["start"], "end": found["end"], "kind": "frame",
                         "label": "frame: " + found["group"].astype(str)})


def actor_marks(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Actor mentions in the paragraphs, as counted by analysis.comparison.actors (opening datelines are not mentions)."""
    texts = actors.strip_datelines(paragraphs["text"].reset_index(drop=True))
    found = keyword_spans(texts, paragraphs["start"].to_numpy(), keyword_index(actors.load_actors(), "actor"))
    return pd.DataFrame({"doc_id": paragraphs["doc_id"].to_numpy()[found["row"].to_numpy(dtype=np.int64)],
                         "start": found["start"], "end": found["end"], "kind": "actor",
                         "label": "actor: " + found["group"].astype(str)})


def _value(value) -> str:
    """A table value as text: '' for a missing value (None or NaN)."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)



def figure_marks(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures as marks: label says kind, what it measures, its value as shown, the indicator and any warning
    (optional columns are read when the figure stage provides them)."""
    if figures.empty:
        return pd.DataFrame(columns=["doc_id", "start", "end", "kind", "label"])
    prefixes = {"measure": "measures ", "shown": "value ", "indicator": "indicator ", "warning": "warning: "}
    values = {name: [_value(value) for value in figures[name].tolist()] if name in figures.columns else [""] * len(figures)
              for name in ["kind", *prefixes]}  # column by column: a row-by-row walk is ten times slower
    labels = [" · ".join([f"figure: {kind}", *(prefix + value for prefix, value in zip(prefixes.values(), rest) if value)])
              for kind, *rest in zip(*values.values())]
    return pd.DataFrame({"doc_id": figures["doc_id"].to_numpy(), "start": figures["start"].to_numpy(dtype=np.int64),
                         "end": figures["end"].to_numpy(dtype=np.int64), "kind": "figure", "label": labels},
                        columns=["doc_id", "start", "end", "kind", "label"])


def resolve_overlaps(marks: pd.DataFrame) -> pd.DataFrame:
    """Marks that do not overlap: by start, and where two overlap the one of the earlier kind in MARK_PRIORITY
    (figure, actor, frame), then the longer, is kept, so a figure is never hidden by a frame word.

    >>> marks = pd.DataFrame({"doc_id": "d", "start": [0, 2, 10], "end": [5, 4, 12], "kind": ["frame", "figure", "actor"],
    ...                       "label": ["f", "g", "a"]})
    >>> resolve_overlaps(marks)[["start", "end", "kind"]].values.tolist()
    [[2, 4, 'figure'], [10, 12, 'actor']]
    """
    if marks.empty:
        return marks.reset_index(drop=True)
    marks = marks.astype({"start": int, "end": int})  # offsets stay whole numbers when one kind of mark is empty
    ranked = marks.assign(priority=marks["kind"].map(MARK_PRIORITY), length=marks["end"] - marks["start"])
    ranked = ranked.sort_values(["doc_id", "priority", "length", "start"], ascending=[True, True, False, True], kind="mergesort")
    taken: dict[str, bytearray] = {}  # per article, one byte per character: 1 where a kept mark sits
    kept = []
    for index, doc_id, start, end in zip(ranked.index.tolist(), *(ranked[name].tolist() for name in ("doc_id", "start", "end"))):
        occupied = taken.setdefault(doc_id, bytearray())
        if len(occupied) < end:
            occupied.extend(bytes(end - len(occupied)))
        if occupied.find(1, start, end) == -1:
            occupied[start:end] = b"\x01" * (end - start)
            kept.append(index)
    result = marks.loc[kept]
    return result.sort_values(["doc_id", "start", "end"], kind="mergesort", ignore_index=True)


def article_topic_shares(unit_topics: pd.DataFrame, topic_columns: list[str]) -> pd.DataFrame:
    """Each article's share of each topic: the mean of its units' shares (doc_id, then one column per topic)."""
    if unit_topics.empty:
        return pd.DataFrame(columns=["doc_id", *topic_columns])
    return unit_topics.groupby("doc_id", sort=True)[topic_columns].mean().reset_index()


def _passage(text: str, limit: int = PASSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def topic_explorer(topics, corpus) -> list[dict]:
    """One record per topic: label, top terms by weight, FREX terms, share per period with its interval, the change
    between periods, the articles that carry it most and its most typical passages (with their article number)."""
    numbers = article_numbers(corpus.documents)
    columns = topics.topic_columns
    shares = article_topic_shares(topics.unit_topics, columns)
    units = topics.unit_topics.reset_index(drop=True)
    best = {topic: units[units[f"topic_{topic}"] > 0].sort_values([f"topic_{topic}", "unit_id"], ascending=[False, True])
            .head(TOPIC_PASSAGES) for topic in sorted(topics.labels)}
    unit_texts = _unit_texts(corpus, sorted({u for chosen in best.values() for u in chosen["unit_id"]}), topics.unit)
    records = []
    for topic in sorted(topics.labels):
        column = f"topic_{topic}"
        top = topics.topics[topics.topics["topic"] == topic].sort_values("rank")
        frex = topics.frex[topics.frex["topic"] == topic].sort_values("rank")
        prevalence = topics.prevalence[topics.prevalence["topic"] == topic]
        difference = topics.differences[topics.differences["topic"] == topic]
        carried = shares[shares[column] > 0].sort_values([column, "doc_id"], ascending=[False, True]).head(TOPIC_ARTICLES)
        best_units = best[topic]
        record = {
            "topic": int(topic),
            "label": str(topics.labels[topic]),
            "top": [[str(r.term), round(float(r.weight), 5)] for r in top.itertuples(index=False)],
            "frex": [[str(r.term), round(float(r.frex), 4)] for r in frex.itertuples(index=False)],
            "shares": [{"period": str(r.period), "share": float(r.share), "low": float(r.ci_low), "high": float(r.ci_high)}
                       for r in prevalence.itertuples(index=False)],
            "difference": None,
            "articles": [[int(numbers[r.doc_id]), round(float(getattr(r, column)), 4)]
                         for r in carried.itertuples(index=False) if r.doc_id in numbers.index],
            "passages": [],
        }
        if len(difference):
            d = difference.iloc[0]
            record["difference"] = {"value": float(d["difference"]), "low": float(d["ci_low"]), "high": float(d["ci_high"]),
                                    "excludes_zero": bool(d.get("excludes_zero", False))}
        for r in best_units.itertuples(index=False):
            if r.doc_id not in numbers.index or r.unit_id not in unit_texts:
                continue
            start, end, text = unit_texts[r.unit_id]
            record["passages"].append({"article": int(numbers[r.doc_id]), "unit": str(r.unit_id),
                                       "share": round(float(getattr(r, column)), 4), "start": start, "end": end,
                                       "text": _passage(text)})
        records.append(record)
    return records


def _unit_texts(corpus, unit_ids: list[str], unit: str) -> dict:
    """unit_id -> (start, end, text) for paragraphs or whole articles."""
    if unit == "document":
        texts = corpus.document_texts().set_index("doc_id")["text"]
        lengths = corpus.documents.set_index("doc_id")["raw"].str.len()
        return {u: (0, int(lengths[u]), texts[u]) for u in unit_ids if u in texts.index}
    paragraphs = corpus.paragraphs.set_index("para_id")
    return {u: (int(paragraphs.at[u, "start"]), int(paragraphs.at[u, "end"]), str(paragraphs.at[u, "text"]))
            for u in unit_ids if u in paragraphs.index}


def rule_descriptions() -> dict:
    """Boilerplate rule -> its description, from analysis.corpus.cleaning's rule file (empty if it cannot be read)."""
    from analysis.corpus.cleaning import rules_table

    try:
        table = rules_table()
    except (OSError, ValueError):
        return {}
    return dict(zip(table["rule"], table["description"])) if "description" in table.columns else {}


METADATA_FIELDS = ["doc_id", "title", "outlet", "published", "period", "file", "url", "notes", "encoding",
                   "n_words", "n_paragraphs", "n_sentences"]


def article_records(corpus, marks: pd.DataFrame, topic_shares: pd.DataFrame, labels: dict, rules: dict | None = None):
    """Yield (article number, record) for every article: metadata, blocks of text in reading order (kept paragraphs,
    with the optional ``headline`` flag, and removed lines with their rule), highlights and topic shares."""
    rules = rule_descriptions() if rules is None else rules
    by_doc: dict[str, list] = {}
    paragraphs = corpus.paragraphs
    headlines = paragraphs["headline"].tolist() if "headline" in paragraphs.columns else [False] * len(paragraphs)
    for doc_id, start, end, text, para_id, headline in zip(*_lists(paragraphs, "doc_id", "start", "end", "text", "para_id"),
                                                            headlines):  # column lists: to_dict("records") is slow
        block = {"kind": "text", "start": int(start), "end": int(end), "text": str(text), "id": str(para_id)}
        if bool(headline):
            block["headline"] = True
        by_doc.setdefault(doc_id, []).append(block)
    removed = corpus.removed
    optional = [removed[name].tolist() if name in removed.columns else [None] * len(removed) for name in ("rule", "text", "reason")]
    for doc_id, start, end, rule, text, reason in zip(*_lists(removed, "doc_id", "start", "end"), *optional):
        rule = _value(rule)
        by_doc.setdefault(doc_id, []).append({"kind": "removed", "start": int(start), "end": int(end), "text": _value(text),
                                              "rule": rule, "why": _value(reason) or str(rules.get(rule, ""))})
    marks_by_doc: dict[str, list] = {}
    for doc_id, start, end, kind, label in zip(*(marks[name].tolist() for name in
                                                                 ("doc_id", "start", "end", "kind", "label"))):
        marks_by_doc.setdefault(doc_id, []).append([int(start), int(end), str(kind), str(label)])
    topics = [t for t in sorted(labels) if f"topic_{t}" in topic_shares.columns]
    shares = {doc_id: [[int(t), str(labels[t]), round(float(value), 4)] for t, value in zip(topics, values)]
              for doc_id, values in zip(topic_shares.get("doc_id", []), topic_shares[[f"topic_{t}" for t in topics]].to_numpy())}
    documents = corpus.documents
    fields = [name for name in METADATA_FIELDS if name in documents.columns]
    count = len(documents)
    for number, values in enumerate(zip(*_lists(documents, *fields))):
        meta = {name: _value(value) for name, value in zip(fields, values)}
        doc_id = values[fields.index("doc_id")]
        blocks = sorted(by_doc.get(doc_id, []), key=lambda b: (b["start"], b["end"]))
        yield number, {
            "n": number,
            "count": count,
            "meta": {name: meta.get(name, "") for name in METADATA_FIELDS},
            "blocks": blocks,
            "marks": marks_by_doc.get(doc_id, []),
            "topics": shares.get(doc_id, []),
        }


def _lists(table: pd.DataFrame, *columns: str) -> list[list]:
    """The columns of ``table`` as plain Python lists (numbers as Python numbers), in row order."""
    return [table[column].tolist() for column in columns]
