"""What each extracted figure measures, which figures repeat one claim, and the indicators comparable across periods.

Every step is a documented rule a reader can check: what a figure measures is decided from its clause by
analysis/figures/scope.py (words in ``analysis/data/figure_scope_words.csv``); the indicators and the comparability of
their figures are in analysis/figures/indicators.py. The older nearest-keyword rule (``measure_of``, ``tag_measures``,
``analysis/data/measure_keywords.csv``) stays importable for code that still calls it; the stage no longer uses it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.core.cache import cached
from analysis.core.display import and_list, count_phrase, figure_value, md_text, month_year
from analysis.core.keywords import trie
from analysis.core.paths import read_data_table
from analysis.figures import summary
from analysis.figures.extract import MONEY_WARNING_ABOVE, corpus_figures
from analysis.figures.indicators import (  # noqa: F401  (re-exported: notebooks and other stages import them from here)
    INDICATOR_COLUMNS,
    INDICATORS,
    chart_indicators,
    indicator_table,
    indicator_title,
    side_by_side,
)
from analysis.figures.scope import add_scope, clause_bounds
from analysis.figures.summary import CLAIM_KINDS, PREVIEW_ROWS, figure_parts  # noqa: F401  (CLAIM_KINDS: re-exported, as before)

MEASURES_FILE = "measure_keywords.csv"
OTHER = "other"
STAGE_NAME = "figures"  # the cache name notebook 03 stores its result under; notebook 04 reads the same
RELATIVE_OFFSET = {"last": -1, "previous": -1, "past": -1, "this": 0, "current": 0, "next": 1}

class MeasureRuleError(ValueError):
    """measure_keywords.csv is malformed; the message names the row and the fix."""


@lru_cache(maxsize=1)
def measure_rules() -> tuple[dict, re.Pattern, list[str], list[str]]:
    """(unit -> measure, one pattern matching every keyword, keyword -> measure, measures in file order)."""
    table = read_data_table(MEASURES_FILE)
    if list(table.columns) != ["measure", "keyword"]:
        raise MeasureRuleError(f"analysis/data/{MEASURES_FILE}: header must be 'measure,keyword', got {list(table.columns)}.")
    by_unit, keywords, order = {}, [], []
    for number, row in enumerate(table.itertuples(index=False), start=1):
        if not row.measure or not row.keyword:
            raise MeasureRuleError(f"analysis/data/{MEASURES_FILE}, data row {number}: measure and keyword must both be filled.")
        if row.measure not in order:
            order.append(row.measure)
        if row.keyword.startswith("unit:"):
            by_unit.setdefault(row.keyword.removeprefix("unit:"), row.measure)
        else:
            keywords.append((row.keyword.lower(), row.measure))
    # One pattern for all keywords, factored by shared prefixes (fast); a whole word that starts with a keyword matches.
    pattern = re.compile(rf"(?<!\w)(?P<keyword>{trie(k for k, _ in keywords)})\w*", re.IGNORECASE)
    lookup = {}
    for keyword, measure in keywords:
        lookup.setdefault(keyword, measure)
    return by_unit, pattern, lookup, order


@lru_cache(maxsize=4096)
def _keywords_in(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, measure) of every keyword in a sentence (cached: a sentence's figures share one scan)."""
    _, pattern, lookup, _ = measure_rules()
    found = []
    for match in pattern.finditer(sentence):
        keyword = " ".join(re.split(r"[\s-]+", match.group("keyword").lower()))
        if keyword in lookup:
            found.append((match.start(), match.end(), lookup[keyword]))
    return tuple(found)


def measure_of(sentence: str, start: int, end: int, unit: str) -> str:
    """The measure of the figure at ``sentence[start:end]``: its unit's measure, else the nearest keyword's
    (distance in characters; on a tie the measure listed first in the file), else "other".

    >>> measure_of("Bilateral trade stood at $95 billion in 2014.", 25, 36, "USD")
    'bilateral trade'
    """
    by_unit, _, _, order = measure_rules()
    if unit in by_unit:
        return by_unit[unit]
    best = None
    for k_start, k_end, measure in _keywords_in(sentence):
        if k_start < end and k_end > start:
            continue  # the figure's own words do not tag it
        distance = start - k_end if k_end <= start else k_start - end
        key = (distance, order.index(measure))
        if best is None or key < best[0]:
            best = (key, measure)
    return best[1] if best else OTHER


def _require(figures: pd.DataFrame, columns: list[str], caller: str) -> None:
    missing = [column for column in columns if column not in figures.columns]
    if missing:
        raise ValueError(f"{caller}: the figures table lacks column(s) {', '.join(missing)}. Pass the output of "
                         "analysis.figures.extract.corpus_figures (or extract_figures for tag_measures).")


def tag_measures(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` with a ``measure`` column (bilateral trade, energy and gas, investment, military, meetings and
    agreements, other), by the rule in ``analysis/data/measure_keywords.csv``."""
    _require(figures, ["sentence", "sentence_start", "start", "end", "unit"], "tag_measures")
    offsets = (figures["start"] - figures["sentence_start"]).to_numpy()
    lengths = (figures["end"] - figures["start"]).to_numpy()
    measures = [measure_of(sentence, int(offset), int(offset + length), unit)
                for sentence, offset, length, unit in zip(figures["sentence"], offsets, lengths, figures["unit"])]
    return figures.assign(measure=measures)


YEAR_BREAK = re.compile(r"""
    \b(?=[twabscv])                                                    # a word starting as one of these does (a quick test first)
    (?:that|which|who|whom|whose|when|where|after|before|since         # a relative or time clause starts: "the road that
        |compared|against|versus|than)\b                                #   (or the base of a comparison: "compared with 2023")
""", re.VERBOSE | re.IGNORECASE)                                         #   Xi launched in 2013" dates the road, not the figure
RELATIVE_SPAN = re.compile(r"""
    \b(?=[lntpcas])                                      # a word starting as one of these does (a quick test first)
    (?:(?P<which>last|this|next|previous|past|current)[ \u00a0]+(?P<unit>year|month)\b   # "last year", "this month"
      | (?P<now>now|currently|today|at[ \u00a0]+present|so[ \u00a0]+far)\b   # "now it is over 80%": the time of publication
    )
""", re.IGNORECASE | re.VERBOSE)
LAST_BEFORE = re.compile(r"\blast\s+$", re.IGNORECASE)  # "last October": the month before publication
YEAR_SOURCES = ("clause", "relative to publication", "publication year")
MEMO_CLAUSES = 100_000  # clauses whose relative time words reference_years remembers at once


def _month(published: str) -> int | None:
    """The month of an ISO publication date, or None when it gives only a year."""
    parts = published.split("-")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _year_clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause that dates a figure: its clause (analysis.figures.scope.clause_bounds), also cut where a relative or
    time clause begins after the figure ("six months, after a forum ... that Xi launched in 2013")."""
    left, right = clause_bounds(sentence, start, end)
    found = YEAR_BREAK.search(sentence, end, right)
    return left, found.start() if found else right


def reference_years(figures: pd.DataFrame) -> pd.DataFrame:
    """The year each figure refers to, and how that was decided (``year``, ``year_source``).

    Rule, in order: a year written in the figure's own clause ("$95 billion in 2014", "in the first five months of
    2023", "$200 billion by 2020"; the nearest if several; source "clause"); else "last/this/next year",
    "last/this month" or "now" in the clause, counted from the publication date ("relative to publication"; a relative
    word nearer to the figure than a written year wins: "in 2022 it was 25%, now it is 80%"); else the year of
    publication ("publication year"). Dates refer to their own year; a month without a year after "last"
    ("last October") is the latest such month before publication.
    """
    _require(figures, ["sent_id", "start", "end", "kind", "value", "published", "sentence", "sentence_start"],
             "reference_years")
    article_year = figures["published"].astype(str).str.slice(0, 4).astype(int).to_numpy()
    columns = [figures[c].tolist() for c in ["sent_id", "start", "end", "kind", "value", "date", "sentence", "sentence_start"]]
    years_by_sentence: dict[str, list[tuple[int, int, int]]] = {}  # the years written in each sentence, in table order
    for sent_id, start, end, kind, value in zip(*columns[:5]):
        if kind == "date" and not math.isnan(value):
            years_by_sentence.setdefault(sent_id, []).append((int(start), int(end), int(value)))
    years, sources = [], []
    published = figures["published"].astype(str).tolist()
    article_year = article_year.tolist()
    relative_words: dict[tuple[str, int, int], list[tuple[int, int, str, bool, str]]] = {}  # one clause's, read once
    for index, (sent_id, f_start, f_end, kind, value, date, sentence, offset) in enumerate(zip(*columns)):
        if kind == "date":
            if not math.isnan(value):
                years.append(int(value))
                sources.append("clause")
            elif LAST_BEFORE.search(sentence[:f_start - offset]) and str(date).startswith("--"):
                month, published_month = int(str(date)[2:4]), _month(published[index])
                years.append(int(article_year[index]) - (1 if published_month is None or month >= published_month else 0))
                sources.append("relative to publication")
            else:
                years.append(int(article_year[index]))
                sources.append("publication year")
            continue
        left, right = _year_clause(sentence, f_start - offset, f_end - offset)
        key = (sentence, left, right)
        relative = relative_words.get(key)
        if relative is None:  # the figures of one clause read the same words
            if len(relative_words) >= MEMO_CLAUSES:
                relative_words.clear()
            relative = relative_words[key] = [
                (m.start(), m.end(), (m.group("which") or "this").lower(), bool(m.group("now")),
                 (m.group("unit") or "").lower()) for m in RELATIVE_SPAN.finditer(sentence, left, right)]
        written_here = years_by_sentence.get(sent_id)
        if not written_here and not relative:  # most figures: no year and no time word in the sentence or clause
            years.append(int(article_year[index]))
            sources.append("publication year")
            continue
        left, right = left + offset, right + offset
        candidates = [(max(s - f_end, f_start - e, 0), 0, year) for s, e, year in written_here or ()
                      if s >= left and e <= right]
        for s, e, which, now, unit in relative:
            s, e = s + offset, e + offset
            if now and e > f_start:
                continue  # "now" dates what follows it ("now it is 80%"), not a figure before it
            if now or unit == "year":
                year = article_year[index] + RELATIVE_OFFSET[which]
            else:  # "last month" in January is December of the year before
                month = _month(published[index])
                year = article_year[index] - (1 if which in ("last", "previous", "past") and month == 1 else 0)
            candidates.append((max(s - f_end, f_start - e, 0), 1, year))
        if candidates:
            _, relative, year = min(candidates)
            years.append(int(year))
            sources.append("relative to publication" if relative else "clause")
        else:
            years.append(int(article_year[index]))
            sources.append("publication year")
    return figures.assign(year=np.asarray(years, dtype=np.int64), year_source=sources)


def shown_value(kind: str, value: float, unit: str, date: str = "") -> str:
    """A figure as a reader expects it: '$240.1 bn', '38 bn m³', '90%', '7 May 2015', '9 May' (no year written)."""
    if kind == "date":
        if date.startswith("--"):
            parts = date[2:].split("-")
            month = month_year(f"2000-{parts[0]}").split()[0]
            return f"{int(parts[1])} {month}" if len(parts) > 1 and parts[1] else month
        return month_year(date)
    if kind == "ordinal":
        number = int(value)
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix}"
    if not math.isfinite(value):
        return "too large to show"
    return figure_value(value, kind, unit)


def add_shown(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` with a ``shown`` column: each value formatted for people. A repeated claim (the same kind, value,
    unit and date) is formatted once: the rows are told apart by their columns' codes, not one by one in Python."""
    if not len(figures):
        return figures.assign(shown=[])
    columns = [figures[c] for c in ("kind", "value", "unit", "date")]
    value = figures["value"].to_numpy(dtype=np.float64)
    key = np.signbit(value).astype(np.int64)  # the sign too: 0.0 and -0.0 are equal but print differently
    room = 2
    for column in columns:  # one number per distinct (kind, value, unit, date, sign): each column's code in turn
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        room *= max(len(uniques), 1)
        if room >= 2 ** 62:
            return _add_shown_by_rows(figures)
        key = key * max(len(uniques), 1) + codes
    groups, _ = pd.factorize(key)
    first = np.empty(groups.max() + 1, dtype=np.int64)
    first[groups[::-1]] = np.arange(len(groups) - 1, -1, -1)  # each group's first row
    texts = [shown_value(*row) for row in zip(*(column.take(first).tolist() for column in columns))]
    return figures.assign(shown=np.asarray(texts, dtype=object)[groups].tolist())


def _add_shown_by_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """:func:`add_shown` a row at a time (for a table with too many distinct values to number them together)."""
    memo: dict = {}
    shown = []
    for key in zip(figures["kind"].tolist(), figures["value"].tolist(), figures["unit"].tolist(), figures["date"].tolist()):
        key = (*key, math.copysign(1.0, key[1]))  # the sign too: 0.0 and -0.0 are one dict key but print differently
        text = memo.get(key)
        if text is None:  # a repeated claim is formatted once
            text = memo[key] = shown_value(*key[:4])
        shown.append(text)
    return figures.assign(shown=shown)


def group_claims(figures: pd.DataFrame) -> pd.DataFrame:
    """Repeated claims: figures of one kind with the same value, unit and measure are one claim, in however many articles.

    One row per claim (money, percent, quantity, count and duration; dates and ranks are references, not claims):
    claim, measure, kind, value, unit, shown, mentions, articles, periods, doc_ids, example (the first sentence).
    The whole table as the one part of :func:`analysis.figures.summary.combine_claims`.
    """
    _require(figures, ["measure", "kind", "value", "unit", "doc_id", "period", "sentence"], "group_claims")
    return summary.combine_claims([summary.claim_part(figures)], [])


def claim_counts(figures: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Per period and measure: mentions (figure rows), distinct claims, and claims repeated in two or more articles."""
    parts = summary.claim_count_parts(figures)
    return summary.combine_claim_counts([parts["mentions"]], [parts["claim_articles"]], periods)


@dataclass
class FigureResult:
    """The figure stage's tables: every figure with its measure and year, claims, indicators and warnings.

    On the Dask engine the figure table stays in Parquet partitions (``partitions``) and ``figures`` is None: the
    other tables are reductions of it (analysis/figures/summary.py), and :meth:`all_figures` reads it whole.
    """

    figures: pd.DataFrame | None  # one row per figure, with who/what/span/status decided from its clause and the deciding words
    claims: pd.DataFrame
    claim_counts: pd.DataFrame
    indicators: pd.DataFrame
    side_by_side: pd.DataFrame
    warnings: pd.DataFrame
    periods: list
    counts: pd.DataFrame  # per period: figures, articles, measurements, measurement_articles
    kinds: pd.DataFrame  # period, kind, figures
    preview: pd.DataFrame  # the first PREVIEW_ROWS figures of each period, in corpus order
    partitions: Path | None = None  # the figure table's Parquet partitions (the Dask engine)
    scheduler: str = ""  # the Dask engine's scheduler address ("": a local cluster), for writing the table from them

    @property
    def n_figures(self) -> int:
        return int(self.counts["figures"].sum())

    def all_figures(self) -> pd.DataFrame:
        """Every figure, in corpus order: the table, or its partitions read into this process."""
        if self.figures is not None:
            return self.figures
        from analysis.core.engine import read_table

        return summary.in_corpus_order(read_table(self.partitions.parent, self.partitions.name), self.periods)


def stage_tables(parts: list[summary.FigureParts], periods: list[str]) -> dict:
    """The figure stage's corpus-level tables from the parts of its figure table (one part locally)."""
    indicators = summary.combine_indicators([part.indicators for part in parts])
    return dict(
        claims=summary.combine_claims([part.claims for part in parts], periods),
        claim_counts=summary.combine_claim_counts([part.mentions for part in parts],
                                                  [part.claim_articles for part in parts], periods),
        indicators=indicators,
        side_by_side=side_by_side(indicators, periods),
        warnings=summary.combine_rows([part.warnings for part in parts], periods),
        periods=periods,
        counts=summary.combine_counts([part.counts for part in parts], periods),
        kinds=summary.combine_kinds([part.kinds for part in parts]),
        preview=summary.combine_rows([part.preview for part in parts], periods, PREVIEW_ROWS),
    )


SENTENCE_BATCH = 100_000  # sentences (whole articles) read at once by figure_rows: bounds the Python objects held


def sentence_batches(sentences: pd.DataFrame, size: int = SENTENCE_BATCH) -> list[slice]:
    """Consecutive slices of ``sentences`` of about ``size`` rows, cut only between articles (one slice when an
    article's sentences are not all together)."""
    doc_ids = sentences["doc_id"].to_numpy()
    n = len(doc_ids)
    if n <= size:
        return [slice(0, n)]
    starts = np.flatnonzero(doc_ids[1:] != doc_ids[:-1]) + 1  # where a new article begins
    if len(starts) + 1 != pd.unique(doc_ids).size:
        return [slice(0, n)]
    cuts, last = [0], 0
    for start in starts:
        if start - last >= size:
            cuts.append(int(start))
            last = int(start)
    return [slice(a, b) for a, b in zip(cuts, cuts[1:] + [n])]


def figure_rows(corpus, money_warning_above: float = MONEY_WARNING_ABOVE) -> pd.DataFrame:
    """Every figure of the corpus (``sentences`` and ``documents`` tables) with what it measures and its year: the
    per-article part of :func:`figure_stage`, which the Dask engine runs partition by partition.

    The sentences are read ``SENTENCE_BATCH`` at a time (whole articles), so the Python objects of one batch's
    figures exist at once, not the whole corpus's; the table is the same as from one batch (a test checks).
    """
    memo: dict = {}
    parts = []
    for part in sentence_batches(corpus.sentences, SENTENCE_BATCH):
        batch = SimpleNamespace(sentences=corpus.sentences.iloc[part], documents=corpus.documents)
        figures = add_scope(corpus_figures(batch, money_warning_above, memo=memo), batch.sentences)
        parts.append(add_shown(reference_years(figures.assign(measure=figures["what"]))))
    if len(parts) == 1:
        return parts[0]
    return one_chunk(pd.concat([part for part in parts if len(part)] or parts[:1], ignore_index=True))


def one_chunk(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with each Arrow text column in one piece, the same values and types. Concatenating batches leaves a
    column in as many chunks as batches, and Arrow copies all of a chunked column into one piece every time rows are
    taken from it (each filter and sort of the figures table: about 15 ms per column at 20,000 articles, for any
    number of rows); joined once here, a later take copies only the rows it takes."""
    for column in table.columns:
        values = table[column].array
        if isinstance(values, pd.arrays.ArrowStringArray):
            chunked = pa.array(values)  # the column's own Arrow data (a chunked array), not a copy
            if isinstance(chunked, pa.ChunkedArray) and chunked.num_chunks > 1:
                table[column] = type(values)(chunked.combine_chunks(), dtype=values.dtype)
    return table


def figure_stage(corpus, money_warning_above: float = MONEY_WARNING_ABOVE) -> FigureResult:
    """Extract, decide what each figure measures, date, group and compare the figures of a loaded corpus (what
    notebook 03 shows and 04 reuses). ``measure`` is the quantity decided from the figure's clause (``what``)."""
    figures = figure_rows(corpus, money_warning_above)
    return FigureResult(figures=figures, **stage_tables([figure_parts(figures)], corpus.period_names))


def stage_parameters(corpus, money_warning_above: float = MONEY_WARNING_ABOVE) -> dict:
    """The parameters that key the stored result: the same dict in notebooks 03 and 04 finds the same result."""
    return {"periods": corpus.period_names, "money_warning_above": float(money_warning_above)}


def figure_results(corpus, reports_dir: str | Path, money_warning_above: float = MONEY_WARNING_ABOVE) -> FigureResult:
    """:func:`figure_stage`, computed once per run and stored under ``reports_dir`` (notebook 04 calls this)."""
    return cached(reports_dir, STAGE_NAME, corpus.fingerprint, stage_parameters(corpus, money_warning_above),
                  lambda: figure_stage(corpus, money_warning_above))


FIGURE_TABLE_COLUMNS = ["doc_id", "outlet", "period", "sent_id", "start", "end", "surface", "kind", "value", "unit", "per",
                        "date", "qualifier", "warning", "who", "who_words", "what", "what_words", "span", "status",
                        "span_words", "currency", "indicator", "year", "year_source", "sentence"]  # figures.csv
FIGURE_TABLE_ORDER = ["period", "doc_id", "start"]


def write_figure_table(result: FigureResult, tables_dir: str | Path, name: str) -> Path:
    """Write every figure as ``tables_dir/<name>.csv`` (:data:`FIGURE_TABLE_COLUMNS`, sorted by period, article and
    place), as :func:`analysis.core.display.write_table` writes a table; on the Dask engine from the table's
    partitions, a range of rows at a time (:func:`analysis.core.sorted_csv.write_partitioned_table`), never whole."""
    if result.figures is not None:
        from analysis.core.display import write_table

        return write_table(result.figures[FIGURE_TABLE_COLUMNS], tables_dir, name, FIGURE_TABLE_ORDER)
    from analysis.core.engine import dask_client
    from analysis.core.sorted_csv import write_partitioned_table

    with dask_client(result.scheduler) as client:
        return write_partitioned_table(client, result.partitions.parent, result.partitions.name, tables_dir, name,
                                       FIGURE_TABLE_ORDER, FIGURE_TABLE_COLUMNS)


def kind_table(result: FigureResult) -> pd.DataFrame:
    """Figures per period (a row for every period, in order) and kind (a column each)."""
    wide = result.kinds.pivot(index="period", columns="kind", values="figures")
    return wide.reindex(result.periods).fillna(0).astype("int64").reset_index()


def figures_sentence(result: FigureResult, n_articles: int) -> str:
    """How many figures, in how many of the corpus's ``n_articles`` articles, per period; and the most frequent kind
    (every kind that ties, by name)."""
    if result.n_figures == 0:
        return "The extractor found no figures in this corpus."
    kinds = result.kinds.groupby("kind")["figures"].sum()
    top = sorted(kinds.index[kinds == kinds.max()])  # every kind that ties
    return (f"The extractor found **{result.n_figures:,} figures** in {int(result.counts['articles'].sum()):,} of "
            f"{n_articles:,} articles: "
            + "; ".join(f"{row.figures:,} in {md_text(row.period)} ({count_phrase(int(row.articles), 'article')})"
                        for row in result.counts.itertuples(index=False))
            + f". The most frequent {'kinds are' if len(top) > 1 else 'kind is'} {and_list([f'*{md_text(k)}*' for k in top])}.")


def most_quoted(claim_counts: pd.DataFrame, period: str | None = None) -> tuple[list[str], int]:
    """The measures (other than "other") quoted most often in ``period`` (every period when None): all of them when
    several tie, by name, with their mentions; ``([], 0)`` when none is quoted."""
    mine = claim_counts[claim_counts["measure"] != OTHER]
    if period is not None:
        mine = mine[mine["period"] == period]
    mentions = mine.groupby("measure")["mentions"].sum()
    top = int(mentions.max()) if len(mentions) else 0
    return (sorted(mentions.index[mentions == top]) if top > 0 else []), top


def most_quoted_phrase(claim_counts: pd.DataFrame, period: str | None = None, mark=lambda name: f"*{md_text(name)}*") -> str:
    """"*gas volume* (12)", or "*gas volume* and *total trade* (3 each)" when they tie (each name written by
    ``mark``: Markdown emphasis, or ``str`` for a chart title); "" when nothing is quoted."""
    measures, mentions = most_quoted(claim_counts, period)
    if not measures:
        return ""
    return f"{and_list([mark(measure) for measure in measures])} ({mentions:,}{' each' if len(measures) > 1 else ''})"


def measure_chart_title(claim_counts: pd.DataFrame) -> str:
    """The title of the chart of mentions per measure: the most quoted named measure across the periods, and how many
    figures fit none ("other", drawn as a bar of its own)."""
    top = most_quoted_phrase(claim_counts, mark=str)
    other = int(claim_counts.loc[claim_counts["measure"] == OTHER, "mentions"].sum())
    several = len(most_quoted(claim_counts)[0]) > 1
    title = f"Most quoted {'measures' if several else 'measure'}: {top}" if top else "No named measure quoted"
    return title + (f"; {other:,} figures fit no named measure" if other else "")


def findings_markdown(result: FigureResult) -> str:
    """Sentences of findings, every number computed from the tables: figures per period, repeated claims, indicators."""
    lines = []
    for row in result.counts.itertuples(index=False):
        tied, top = most_quoted(result.claim_counts, row.period)[0], most_quoted_phrase(result.claim_counts, row.period)
        lines.append(f"- **{md_text(row.period)}**: {count_phrase(row.figures, 'figure')} in "
                     f"{count_phrase(row.articles, 'article')}, {row.measurements:,} of them measurements (money, shares, "
                     f"quantities, counts, durations) in {count_phrase(row.measurement_articles, 'article')}"
                     + (f"; the most quoted {'measures are' if len(tied) > 1 else 'measure is'} {top}." if top else "."))
    claimed = int(result.counts["measurements"].sum())
    repeated = result.claims[result.claims["articles"] >= 2]
    lines.append(f"- {len(result.claims):,} distinct claims from {claimed:,} mentions; "
                 + (f"{len(repeated):,} claims appear in two or more articles, the most repeated being "
                    f"{repeated.iloc[0]['shown']} ({repeated.iloc[0]['measure']}, {int(repeated.iloc[0]['articles']):,} articles)."
                    if len(repeated) else "no claim appears in more than one article."))
    for row in result.side_by_side.itertuples(index=False):
        lines.append(f"- {md_text(row.change)}")
    return "\n".join(lines)
