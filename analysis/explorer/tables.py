"""The data behind the report's explorer pages: every counted term with the sentences that use it, each topic with
its terms and passages, and each article as the pipeline read it, with character offsets for every highlight.

Builds plain tables and dicts from the stage results; analysis.explorer.pages writes them as offline HTML pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.core.keywords import keyword_index, keyword_matches
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


def rows_by_article(table: pd.DataFrame, numbers: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``table`` (which has a doc_id column) in article order, keeping their order within an article, and
    each row's article number in that order (-1 for an article ``numbers`` does not list, which sorts first).

    >>> order, codes = rows_by_article(pd.DataFrame({"doc_id": ["b", "a", "x", "b"]}), pd.Series([0, 1], index=["a", "b"]))
    >>> order.tolist(), codes.tolist()
    ([2, 1, 0, 3], [-1, 0, 1, 1])
    """
    positions = numbers.index.get_indexer(table["doc_id"])
    codes = np.where(positions >= 0, numbers.to_numpy(dtype=np.int64)[positions], -1)
    order = np.argsort(codes, kind="stable")
    return order, codes[order]


def article_positions(codes: np.ndarray, first: int, last: int) -> slice:
    """Where articles ``first`` to ``last - 1`` sit in article codes sorted as :func:`rows_by_article` returns them."""
    return slice(int(np.searchsorted(codes, first, side="left")), int(np.searchsorted(codes, last, side="left")))


def take_rows(table: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Rows of ``table`` by position: a slice when they are consecutive (the loader's tables are in article order)."""
    if len(rows) and int(rows[-1]) - int(rows[0]) + 1 == len(rows) and bool((np.diff(rows) == 1).all()):
        return table.iloc[int(rows[0]):int(rows[-1]) + 1]
    return table.iloc[rows]


DOCUMENT_BLOCK = 500  # documents whose texts are joined at a time when they are read one after another


def document_text_stream(corpus, documents: pd.DataFrame | None = None):
    """The texts of ``Corpus.document_texts`` (cleaned paragraphs joined by blank lines), one at a time in the order of
    ``documents`` (default: every document), built DOCUMENT_BLOCK documents at a time, so a reader that stops early
    (the collocation finder reads the first 300,000 tokens) never builds the others."""
    documents = corpus.documents if documents is None else documents
    order, codes = rows_by_article(corpus.paragraphs, article_numbers(documents))
    for first in range(0, len(documents), DOCUMENT_BLOCK):
        part = take_rows(corpus.paragraphs, order[article_positions(codes, first, first + DOCUMENT_BLOCK)])
        texts: dict[str, list[str]] = {}
        for doc_id, text in zip(part["doc_id"].tolist(), part["text"].tolist()):
            texts.setdefault(doc_id, []).append(text)
        for doc_id in documents["doc_id"].iloc[first:first + DOCUMENT_BLOCK].tolist():
            yield "\n\n".join(texts.get(doc_id, ()))


TERM_BATCH = 50_000  # sentences tokenised together: only one batch's sentences × terms matrix exists at a time


def _batches_of_articles(codes: np.ndarray, size: int):
    """Consecutive (start, end) positions of about ``size`` rows of article-sorted ``codes``, never splitting an article."""
    start = 0
    while start < len(codes):
        end = int(np.searchsorted(codes, codes[min(start + size, len(codes)) - 1], side="right"))
        yield start, end
        start = end


def _group_ranks(keys: np.ndarray) -> np.ndarray:
    """For sorted ``keys``, each entry's place among the entries with the same key (0, 1, …).

    >>> _group_ranks(np.array([3, 3, 5, 7, 7, 7])).tolist()
    [0, 1, 0, 0, 1, 2]
    """
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return np.arange(len(keys)) - np.repeat(starts, np.diff(np.append(starts, len(keys))))


def term_presence(texts: list[str], phrases: tuple[str, ...], index: pd.Index) -> tuple[np.ndarray, np.ndarray]:
    """(text position, term position in ``index``) for every term of ``index`` each text uses, with the vocabulary
    comparison's tokens (same stopwords, same ``phrases``), sorted by text then term."""
    try:
        matrix, words = document_term_matrix(texts, phrases=phrases)
    except ValueError:  # not one countable word in these texts (the only error it raises for a list of strings)
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    columns = index.get_indexer(words)
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    found = columns[matrix.indices]
    return rows[found >= 0], found[found >= 0]


def term_explorer(corpus, table: pd.DataFrame, periods: list[str], *, max_per_period: int = MAX_CONTEXTS_PER_PERIOD,
                  phrases: tuple[str, ...] | None = None) -> TermExplorer:
    """Every term of the vocabulary comparison (``table``: term, count_a, count_b, z, p_adjusted) placed by its rank
    in each period, with how many articles and sentences use it and up to ``max_per_period`` of those sentences per
    period: first one sentence from each article (in corpus order), then further sentences of the same articles.

    Sentences are tokenised TERM_BATCH at a time (whole articles, in corpus order); each batch leaves only counts and
    its candidate sentences (at most ``max_per_period`` firsts and as many repeats per term and period), so no
    corpus-wide sentences × terms matrix is ever built. ``phrases``: those the vocabulary comparison counted with
    (analysis.stages.ComparisonResults.phrases); by default found again from the documents' text.
    """
    terms = explorer_terms(table)
    if phrases is None:  # the comparison's phrases, from the documents' text
        phrases = corpus_phrases(document_text_stream(corpus))
    found = term_candidates(corpus.sentences, article_numbers(corpus.documents), periods, terms["term"].tolist(),
                            tuple(phrases), max_per_period)
    return TermExplorer(term_table(terms, found.sentences, found.docs),
                        choose_term_contexts(found.candidates, terms["term"], found.docs, max_per_period))


def explorer_terms(table: pd.DataFrame) -> pd.DataFrame:
    """The vocabulary comparison's terms as the term explorer lists them: term, count_a, count_b, z, p_adjusted, by term."""
    return table[["term", "count_a", "count_b", "z", "p_adjusted"]].sort_values("term", ignore_index=True)


@dataclass
class TermCandidates:
    """What :func:`term_candidates` finds in some articles' sentences, per key (term position × 2 + period side)."""

    sentences: np.ndarray  # sentences using the term, per key
    docs: np.ndarray  # articles using the term, per key
    candidates: pd.DataFrame  # key, first, article, order, period, sent_id, start, end, text: the sentences that may be listed


CANDIDATE_COLUMNS = ["key", "first", "article", "order", "period", "sent_id", "start", "end", "text"]


def term_candidates(sentences: pd.DataFrame, numbers: pd.Series, periods: list[str], terms: list[str],
                    phrases: tuple[str, ...], max_per_period: int = MAX_CONTEXTS_PER_PERIOD) -> TermCandidates:
    """Counts and candidate sentences of ``terms`` (sorted) in the sentences of whole articles (``numbers``: doc_id ->
    article number in the corpus), per term and period: each article's first sentence with the term (the first
    ``max_per_period`` articles by number) and up to ``max_per_period`` further sentences of those articles.
    ``order`` sorts an article's sentences (as the table holds them), so candidates of several tables of whole
    articles (the partitions of a corpus) can be merged by :func:`choose_term_contexts`."""
    order, codes = rows_by_article(sentences, numbers)
    side = np.select([(sentences["period"] == periods[0]).to_numpy(), (sentences["period"] == periods[1]).to_numpy()],
                     [0, 1], -1)  # a third period is not compared
    index = pd.Index(terms)
    n_keys = 2 * len(terms)  # one key per term and period: term position × 2 + side
    n_sentences, n_docs = np.zeros(n_keys, dtype=np.int64), np.zeros(n_keys, dtype=np.int64)
    seen = {True: np.zeros(n_keys, dtype=np.int64), False: np.zeros(n_keys, dtype=np.int64)}  # firsts, repeats so far
    picked = []  # per batch and kind: (key, position in ``order``, is first)
    for start, end in _batches_of_articles(codes, TERM_BATCH):
        local, term = term_presence(take_rows(sentences["text"], order[start:end]).tolist(), phrases, index)
        keep = side[order[start + local]] >= 0
        local, term = local[keep], term[keep]
        ranked = np.lexsort((local, side[order[start + local]], term))  # by term, period, then corpus order
        local, term = local[ranked], term[ranked]
        row, article = order[start + local], codes[start + local]
        key = term * 2 + side[row]
        first = np.ones(len(key), dtype=bool)  # an article's first sentence with the term (its sentences are together)
        first[1:] = (key[1:] != key[:-1]) | (article[1:] != article[:-1])
        n_sentences += np.bincount(key, minlength=n_keys)
        n_docs += np.bincount(key[first], minlength=n_keys)
        for kind in (True, False):
            chosen = first == kind
            rank = seen[kind][key[chosen]] + _group_ranks(key[chosen])
            seen[kind] += np.bincount(key[chosen], minlength=n_keys)
            wanted = rank < max_per_period
            picked.append((key[chosen][wanted], start + local[chosen][wanted], np.full(int(wanted.sum()), kind)))
    key, position, first = (np.concatenate([part[i] for part in picked]) if picked else np.zeros(0, dtype=np.int64)
                            for i in range(3))
    position = position.astype(np.int64)
    row = order[position]
    candidates = pd.DataFrame({
        "key": key.astype(np.int64), "first": first.astype(bool), "article": codes[position], "order": position,
        # only the candidate rows become Python objects, never a whole column of the corpus
        **{name: sentences[name].iloc[row].to_numpy() for name in ("period", "sent_id", "start", "end", "text")},
    }, columns=CANDIDATE_COLUMNS)
    return TermCandidates(n_sentences, n_docs, candidates)


def _ranked_candidates(candidates: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Candidates sorted by key, firsts before repeats, then corpus order (article, then its sentences' order), and
    each one's place among its key's firsts or among its key's repeats."""
    ranked = candidates.take(np.lexsort((candidates["order"].to_numpy(), candidates["article"].to_numpy(),
                                         ~candidates["first"].to_numpy(dtype=bool), candidates["key"].to_numpy())))
    key, first = ranked["key"].to_numpy(dtype=np.int64), ranked["first"].to_numpy(dtype=bool)
    return ranked, _group_ranks(key * 2 + ~first)


def cap_term_candidates(candidates: pd.DataFrame, max_per_period: int = MAX_CONTEXTS_PER_PERIOD) -> pd.DataFrame:
    """The candidates :func:`choose_term_contexts` may still list once these are joined with others: per key, the
    first ``max_per_period`` firsts and repeats in corpus order (so candidates can be merged a table at a time)."""
    ranked, rank = _ranked_candidates(candidates)
    return ranked[rank < max_per_period].reset_index(drop=True)


def choose_term_contexts(candidates: pd.DataFrame, terms: pd.Series, n_docs: np.ndarray,
                         max_per_period: int = MAX_CONTEXTS_PER_PERIOD) -> pd.DataFrame:
    """The sentences listed per term and period, from :func:`term_candidates` (of one table, or of several tables'
    joined): the first ``max_per_period`` articles' first sentences by article number, then repeats in article order
    up to ``max_per_period`` in all (``n_docs``: articles using each key's term, in the whole corpus). Returns term,
    period, article, sent_id, start, end, text, by term, article and start."""
    ranked, rank = _ranked_candidates(candidates)
    key, first = ranked["key"].to_numpy(dtype=np.int64), ranked["first"].to_numpy(dtype=bool)
    firsts = np.minimum(np.asarray(n_docs, dtype=np.int64), max_per_period)
    listed = np.where(first, rank < max_per_period, rank < max_per_period - firsts[key])  # repeats fill what firsts leave
    chosen = ranked[listed]
    contexts = pd.DataFrame({"term": terms.to_numpy(dtype=object)[chosen["key"].to_numpy(dtype=np.int64) // 2],
                             **{name: chosen[name].to_numpy() for name in ("period", "article", "sent_id", "start", "end",
                                                                            "text")}})
    return contexts.sort_values(["term", "article", "start"], ignore_index=True)


def term_table(terms: pd.DataFrame, n_sentences: np.ndarray, n_docs: np.ndarray) -> pd.DataFrame:
    """The term explorer's table (:data:`TermExplorer.terms`) from :func:`explorer_terms` and the corpus's counts per key."""
    terms = terms.assign(x=rank_position(terms["count_a"]), y=rank_position(terms["count_b"]),
                         docs_a=n_docs[0::2], docs_b=n_docs[1::2], sentences_a=n_sentences[0::2],
                         sentences_b=n_sentences[1::2])
    terms["dictionary"] = dictionary_groups(terms["term"]).to_numpy()
    columns = ["term", "count_a", "count_b", "x", "y", "z", "p_adjusted", "docs_a", "docs_b", "sentences_a", "sentences_b",
               "dictionary"]
    return terms[columns]


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
    added, so positions index the article's raw text: the matches of analysis.core.keywords.keyword_matches (the scan
    the comparison stage counts), each text's in the order a scan of that text alone gives (pattern by pattern, then
    by position).

    >>> index = keyword_index(pd.DataFrame({"g": ["A", "B"], "term": ["gas", "US"], "match": ["word", "word"],
    ...                                     "case": ["any", "exact"]}), "g")
    >>> keyword_spans(pd.Series(["US gas", "gasoline", "Gas"]), [100, 200, 300], index).values.tolist()
    [[0, 'A', 103, 106], [0, 'B', 100, 102], [2, 'A', 300, 303]]
    """
    found = keyword_matches(texts, index)
    order = np.argsort(found.rows, kind="stable")  # a batch's matches come pattern by pattern: each text's together
    rows = found.rows[order]
    shift = np.asarray(offsets, dtype=np.int64)[rows]
    return pd.DataFrame({"row": rows, "group": np.asarray(index.groups, dtype=object)[found.groups[order]].tolist(),
                         "start": found.starts[order] + shift, "end": found.ends[order] + shift})


def stored_spans(spans: pd.DataFrame, offsets, index) -> pd.DataFrame:
    """What :func:`keyword_spans` returns, from spans a scan already found (analysis.core.keywords.match_spans, rows
    numbered in the table at hand, as :func:`corpus_parts` gives them): group names and ``offsets`` added."""
    rows = spans["row"].to_numpy(dtype=np.int64)
    shift = np.asarray(offsets, dtype=np.int64)[rows]
    return pd.DataFrame({"row": rows, "group": pd.Series(np.asarray(index.groups, dtype=object)[spans["group"].to_numpy()],
                                                         dtype=object),
                         "start": spans["start"].to_numpy(dtype=np.int64) + shift,
                         "end": spans["end"].to_numpy(dtype=np.int64) + shift})


MARK_COLUMNS = ["doc_id", "start", "end", "kind", "label"]


def _marks_table(doc_ids: np.ndarray, starts, ends, kind: str, labels: np.ndarray) -> pd.DataFrame:
    """Marks with their text columns as Python objects, not Arrow strings: the article views read them back as Python
    strings, and two million of them would be converted there and back."""
    return pd.DataFrame({"doc_id": pd.Series(doc_ids, dtype=object), "start": np.asarray(starts, dtype=np.int64),
                         "end": np.asarray(ends, dtype=np.int64), "kind": pd.Series(np.full(len(doc_ids), kind, dtype=object)),
                         "label": pd.Series(labels, dtype=object)}, columns=MARK_COLUMNS)


def _keyword_marks(table: pd.DataFrame, found: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Keyword matches (:func:`keyword_spans`' columns) in the rows of ``table`` as marks labelled 'kind: group'."""
    codes, groups = pd.factorize(found["group"].to_numpy(dtype=object))
    labels = np.asarray([f"{kind}: {group}" for group in groups], dtype=object)[codes]  # each label made once
    return _marks_table(table["doc_id"].to_numpy(dtype=object)[found["row"].to_numpy(dtype=np.int64)],
                        found["start"], found["end"], kind, labels)


def frame_marks(sentences: pd.DataFrame, spans: pd.DataFrame | None = None) -> pd.DataFrame:
    """Frame-dictionary words in the sentences, as marks (doc_id, start, end, kind, label) into the raw text; from
    ``spans`` (the comparison stage's matches in these sentences, see :func:`corpus_parts`) when given, else scanned."""
    index = keyword_index(framing.load_frames(), "frame")
    found = (keyword_spans(sentences["text"], sentences["start"].to_numpy(), index) if spans is None
             else stored_spans(spans, sentences["start"].to_numpy(), index))
    return _keyword_marks(sentences, found, "frame")


def actor_marks(paragraphs: pd.DataFrame, spans: pd.DataFrame | None = None) -> pd.DataFrame:
    """Actor mentions in the paragraphs, as counted by analysis.comparison.actors (opening datelines are not mentions);
    from ``spans`` (the comparison stage's matches in these paragraphs) when given, else scanned."""
    index = keyword_index(actors.load_actors(), "actor")
    if spans is None:
        texts = actors.strip_datelines(paragraphs["text"].reset_index(drop=True))
        found = keyword_spans(texts, paragraphs["start"].to_numpy(), index)
    else:
        found = stored_spans(spans, paragraphs["start"].to_numpy(), index)
    return _keyword_marks(paragraphs, found, "actor")


def _value(value) -> str:
    """A table value as text: '' for a missing value (None or NaN)."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)



def figure_marks(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures as marks: label says kind, what it measures, its value as shown, the indicator and any warning
    (optional columns are read when the figure stage provides them)."""
    if figures.empty:
        return pd.DataFrame(columns=MARK_COLUMNS)
    prefixes = {"measure": "measures ", "shown": "value ", "indicator": "indicator ", "warning": "warning: "}
    labels = "figure: " + _texts(figures["kind"]) if "kind" in figures.columns else np.full(len(figures), "figure: ", dtype=object)
    for name, prefix in prefixes.items():  # column by column, each a loop in numpy: " · " and the part where there is one
        if name in figures.columns:
            values = _texts(figures[name])
            labels = labels + np.where(values != "", " · " + prefix + values, "")
    return _marks_table(figures["doc_id"].to_numpy(dtype=object), figures["start"].to_numpy(dtype=np.int64),
                        figures["end"].to_numpy(dtype=np.int64), "figure", labels.astype(object))


def _texts(column: pd.Series) -> np.ndarray:
    """A column as Python strings (an object array), '' where a value is missing: :func:`_value` of each value.

    >>> _texts(pd.Series(["a", None], dtype="str")).tolist(), _texts(pd.Series([1.5, np.nan])).tolist()
    (['a', ''], ['1.5', ''])
    """
    if isinstance(column.dtype, pd.StringDtype):  # text: already strings; a missing value as _value writes it
        return column.to_numpy(dtype=object, na_value=_value(column.dtype.na_value))  # '' for NaN, '<NA>' for pd.NA
    return np.array([_value(value) for value in column.tolist()] + [None], dtype=object)[:-1]  # stays 1-D


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
    doc = pd.factorize(marks["doc_id"], sort=True)[0]
    start, end = marks["start"].to_numpy(dtype=np.int64), marks["end"].to_numpy(dtype=np.int64)
    kinds, names = pd.factorize(marks["kind"].to_numpy(dtype=object))  # a kind that is missing is coded -1
    priority = np.array([MARK_PRIORITY.get(name, len(MARK_PRIORITY)) for name in names] + [len(MARK_PRIORITY)],
                        dtype=np.int64)[kinds]  # per kind, not per mark: unknown or missing kinds rank last
    position = np.arange(len(marks))
    crowded = _overlapping(doc, start, end)  # a mark that overlaps no other mark of its article is kept as it is
    taken: dict[int, bytearray] = {}  # per article, one byte per character: 1 where a kept mark sits
    kept = [position[~crowded]]
    contested = position[crowded]
    ranked = contested[np.lexsort((contested, start[contested], start[contested] - end[contested], priority[contested],
                                   doc[contested]))]  # priority, then longer, then earlier
    chosen = []
    for index, article, first, last in zip(ranked.tolist(), doc[ranked].tolist(), start[ranked].tolist(), end[ranked].tolist()):
        occupied = taken.setdefault(article, bytearray())
        if len(occupied) < last:
            occupied.extend(bytes(last - len(occupied)))
        if occupied.find(1, first, last) == -1:
            occupied[first:last] = b"\x01" * (last - first)
            chosen.append(index)
    kept = np.concatenate([*kept, np.array(chosen, dtype=np.int64)])
    kept = kept[np.lexsort((kept, priority[kept], end[kept], start[kept], doc[kept]))]  # ties: zero-length marks only
    return marks.iloc[kept].reset_index(drop=True)


def _overlapping(doc: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each mark shares a character with another mark of the same article (or ends before it starts).

    >>> _overlapping(np.array([0, 0, 0, 1]), np.array([0, 4, 8, 5]), np.array([5, 6, 9, 6])).tolist()
    [True, True, False, False]
    """
    order = np.lexsort((end, start, doc))
    d, s, e = doc[order], start[order], end[order]
    scale = int(max(e.max(initial=0), s.max(initial=0))) + 1
    reach = np.maximum.accumulate(e + d * scale)  # the furthest end so far, lifted by article so articles never mix
    before = np.full(len(d), -1, dtype=np.int64)
    before[1:] = reach[:-1] - d[1:] * scale  # negative when the previous mark is of another article
    after = np.zeros(len(d), dtype=bool)
    after[:-1] = (d[1:] == d[:-1]) & (s[1:] < e[:-1])
    result = np.empty(len(d), dtype=bool)
    result[order] = (s < before) | after | (e < s)
    return result


def article_topic_shares(unit_topics: pd.DataFrame, topic_columns: list[str]) -> pd.DataFrame:
    """Each article's share of each topic: the mean of its units' shares (doc_id, then one column per topic)."""
    if unit_topics.empty:
        return pd.DataFrame(columns=["doc_id", *topic_columns])
    return unit_topics.groupby("doc_id", sort=True)[topic_columns].mean().reset_index()


def topic_partitions(topics) -> list[Path]:
    """The Parquet partitions of a topic result's units (``TopicResult.partitions``, when its ``unit_topics`` is None
    on the Dask engine), in partition order; empty when the units are one table."""
    folder = getattr(topics, "partitions", None)
    return [] if topics.unit_topics is not None or folder is None else sorted(Path(folder).glob("part-*.parquet"))


def topic_shares(topics) -> pd.DataFrame:
    """:func:`article_topic_shares` of every article: from ``unit_topics``, or partition by partition (an article's
    units are in one partition), one row per article either way."""
    columns = topics.topic_columns
    if topics.unit_topics is not None:
        return article_topic_shares(topics.unit_topics, columns)
    parts = [article_topic_shares(pd.read_parquet(path), columns) for path in topic_partitions(topics)]
    return pd.concat(parts, ignore_index=True).sort_values("doc_id", ignore_index=True) if parts else \
        article_topic_shares(pd.DataFrame(), columns)


def _passage(text: str, limit: int = PASSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def top_rows(table: pd.DataFrame, column: str, key: str, n: int) -> pd.DataFrame:
    """The ``n`` rows of ``table`` with the highest positive ``column``, ties by ``key`` (unique) ascending; the top
    rows of several tables' top rows joined are the top rows of the tables joined."""
    return table[table[column] > 0].sort_values([column, key], ascending=[False, True]).head(n)


def topic_leaders(unit_topics: pd.DataFrame, labels: dict) -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per topic: the TOPIC_ARTICLES articles that carry it most (doc_id and topic columns, by share) and its
    TOPIC_PASSAGES most typical units (rows of ``unit_topics``), from all units or from one partition's (an
    article's units are in one partition; :func:`merge_leaders` joins the partitions')."""
    columns = [f"topic_{topic}" for topic in sorted(labels)]
    shares = article_topic_shares(unit_topics, columns)
    units = unit_topics.reset_index(drop=True)
    return {topic: (top_rows(shares, f"topic_{topic}", "doc_id", TOPIC_ARTICLES),
                    top_rows(units, f"topic_{topic}", "unit_id", TOPIC_PASSAGES)) for topic in sorted(labels)}


def merge_leaders(parts: list[dict]) -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`topic_leaders` of a whole corpus from those of its partitions."""
    return {topic: (top_rows(pd.concat([part[topic][0] for part in parts], ignore_index=True), f"topic_{topic}", "doc_id",
                             TOPIC_ARTICLES),
                    top_rows(pd.concat([part[topic][1] for part in parts], ignore_index=True), f"topic_{topic}", "unit_id",
                             TOPIC_PASSAGES)) for topic in parts[0]} if parts else {}


def topic_leaders_of(topics) -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
    """:func:`topic_leaders` of a topic result: from ``unit_topics``, or merged from its partitions read one by one."""
    if topics.unit_topics is not None:
        return topic_leaders(topics.unit_topics, topics.labels)
    return merge_leaders([topic_leaders(pd.read_parquet(path), topics.labels) for path in topic_partitions(topics)])


def topic_explorer(topics, corpus, leaders: dict | None = None) -> list[dict]:
    """One record per topic: label, top terms by weight, FREX terms, share per period with its interval, the change
    between periods, the articles that carry it most and its most typical passages (with their article number).

    ``leaders``: :func:`topic_leaders` of the whole corpus when already found (by default from ``topics``);
    ``corpus`` needs its documents and the paragraphs of the leading units' articles."""
    numbers = article_numbers(corpus.documents)
    leaders = topic_leaders_of(topics) if leaders is None else leaders
    unit_texts = _unit_texts(corpus, sorted({u for _, chosen in leaders.values() for u in chosen["unit_id"]}), topics.unit)
    records = []
    for topic in sorted(topics.labels):
        column = f"topic_{topic}"
        top = topics.topics[topics.topics["topic"] == topic].sort_values("rank")
        frex = topics.frex[topics.frex["topic"] == topic].sort_values("rank")
        prevalence = topics.prevalence[topics.prevalence["topic"] == topic]
        difference = topics.differences[topics.differences["topic"] == topic]
        carried, best_units = leaders[topic]
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
    if unit == "document":  # only the chosen articles' texts are joined
        chosen = corpus.documents[corpus.documents["doc_id"].isin(unit_ids)]
        return {doc_id: (0, int(n_chars), text) for doc_id, n_chars, text in
                zip(chosen["doc_id"].tolist(), chosen["n_chars"].tolist(), document_text_stream(corpus, chosen))}
    chosen = corpus.paragraphs[corpus.paragraphs["para_id"].isin(unit_ids)]  # not a re-indexed copy of every paragraph
    return {para_id: (int(start), int(end), str(text)) for para_id, start, end, text in
            zip(*_lists(chosen, "para_id", "start", "end", "text"))}


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


def article_records(corpus, marks: pd.DataFrame, topic_shares: pd.DataFrame, labels: dict, rules: dict | None = None, *,
                    first: int = 0, count: int | None = None, numbers: list[int] | None = None):
    """Yield (article number, record) for every article: metadata, blocks of text in reading order (kept paragraphs,
    with the optional ``headline`` flag, and removed lines with their rule), highlights and topic shares.

    ``corpus`` may be one part of a corpus (see :func:`corpus_parts`): its articles are numbered from ``first``, of
    ``count`` in all (default: the part's own), or by ``numbers`` (one per row of its documents) when given."""
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
    codes, doc_ids = pd.factorize(marks["doc_id"])
    order = np.argsort(codes, kind="stable")  # each article's marks together, in their order
    spans = list(zip(*(marks[name].to_numpy(dtype=np.int64)[order].tolist() for name in ("start", "end")),
                     *(list(map(str, marks[name].to_numpy(dtype=object)[order].tolist())) for name in ("kind", "label"))))
    bounds = np.searchsorted(codes[order], np.arange(len(doc_ids) + 1)).tolist()
    marks_by_doc = {doc_id: spans[low:high] for doc_id, low, high in zip(doc_ids, bounds, bounds[1:])}  # JSON arrays
    topics = [t for t in sorted(labels) if f"topic_{t}" in topic_shares.columns]
    shares = {doc_id: [[int(t), str(labels[t]), round(float(value), 4)] for t, value in zip(topics, values)]
              for doc_id, values in zip(topic_shares.get("doc_id", []), topic_shares[[f"topic_{t}" for t in topics]].to_numpy())}
    documents = corpus.documents
    fields = [name for name in METADATA_FIELDS if name in documents.columns]
    count = len(documents) if count is None else count
    numbers = range(first, first + len(documents)) if numbers is None else numbers
    for number, values in zip(numbers, zip(*_lists(documents, *fields))):
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


ARTICLE_PART = 2_000  # articles whose highlights and records are built together: memory grows with a part, not the corpus


@dataclass
class CorpusPart:
    """Consecutive articles of a corpus with their rows of each table (what :func:`article_records` reads)."""

    first: int  # the number of its first article
    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    removed: pd.DataFrame
    figures: pd.DataFrame
    topic_shares: pd.DataFrame
    frame_spans: pd.DataFrame | None = None  # the comparison stage's frame words in ``sentences`` (rows renumbered)
    actor_spans: pd.DataFrame | None = None  # and its actor mentions in ``paragraphs``


def spans_of_rows(spans: pd.DataFrame, bounds: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    """The spans (sorted by ``row``; ``bounds``: where each table row's spans begin, one more entry than the table has
    rows) of the table rows ``rows``, in the order of ``rows``, each renumbered to its place in ``rows``.

    >>> spans = pd.DataFrame({"row": [0, 2, 2], "group": [1, 0, 1], "start": [0, 5, 1], "end": [3, 9, 4]})
    >>> spans_of_rows(spans, np.array([0, 1, 1, 3]), np.array([2, 0])).values.tolist()
    [[0, 0, 5, 9], [0, 1, 1, 4], [1, 1, 0, 3]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    first, counts = bounds[rows], bounds[rows + 1] - bounds[rows]
    taken = np.repeat(first - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))
    return pd.DataFrame({"row": np.repeat(np.arange(len(rows)), counts),
                         **{name: spans[name].to_numpy()[taken] for name in ("group", "start", "end")}})


def corpus_parts(corpus, figures: pd.DataFrame, topic_shares: pd.DataFrame, size: int | None = None, *,
                 frame_spans: pd.DataFrame | None = None, actor_spans: pd.DataFrame | None = None):
    """The corpus ``size`` (default ARTICLE_PART) articles at a time, in article order, each with the rows of its
    articles from every table (each table's rows in their own order; rows of unlisted articles are left out).

    ``frame_spans`` and ``actor_spans`` (analysis.stages.ComparisonResults: the matches in rows of corpus.sentences
    and corpus.paragraphs) are split the same way, so the highlights come from the comparison stage's scan."""
    size = size or ARTICLE_PART
    numbers = article_numbers(corpus.documents)
    tables = {"paragraphs": corpus.paragraphs, "sentences": corpus.sentences, "removed": corpus.removed,
              "figures": figures, "topic_shares": topic_shares}
    sorted_rows = {name: rows_by_article(table, numbers) if "doc_id" in table.columns else None
                   for name, table in tables.items()}
    stored = {name: (spans, np.searchsorted(spans["row"].to_numpy(), np.arange(len(tables[table]) + 1)))
              for name, table, spans in (("frame_spans", "sentences", frame_spans),
                                         ("actor_spans", "paragraphs", actor_spans)) if spans is not None}
    for first in range(0, len(corpus.documents), size):
        rows = {name: None if sorted_rows[name] is None else
                sorted_rows[name][0][article_positions(sorted_rows[name][1], first, first + size)] for name in tables}
        parts = {name: table.iloc[:0] if rows[name] is None else take_rows(table, rows[name])
                 for name, table in tables.items()}
        spans = {name: spans_of_rows(table, bounds, rows["sentences" if name == "frame_spans" else "paragraphs"])
                 for name, (table, bounds) in stored.items()}
        yield CorpusPart(first, corpus.documents.iloc[first:first + size], **parts, **spans)


def part_marks(part: CorpusPart) -> pd.DataFrame:
    """Every highlight of a part's articles (figures, actor mentions, frame words), overlaps resolved."""
    return resolve_overlaps(pd.concat([figure_marks(part.figures), actor_marks(part.paragraphs, part.actor_spans),
                                       frame_marks(part.sentences, part.frame_spans)], ignore_index=True))


def _lists(table: pd.DataFrame, *columns: str) -> list[list]:
    """The columns of ``table`` as plain Python lists (numbers as Python numbers), in row order."""
    return [table[column].tolist() for column in columns]
