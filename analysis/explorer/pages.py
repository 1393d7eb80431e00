"""Write the explorer pages (terms, topics, articles, one view per article) as static files that open from disk.

Data goes into each page as escaped JSON or into small .js shards loaded with <script> tags (fetch() is blocked under
file://); the hand-written scripts in analysis/templates/explorer/ build the page with textContent, never innerHTML.
"""

from __future__ import annotations

import contextlib
import html
import json
import math
import multiprocessing
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from analysis.core.parallel import WORKERS_VARIABLE, worker_count
from analysis.core.paths import TEMPLATES_DIR
from analysis.core.plots import period_style
from analysis.core.preprocess import corpus_phrases
from analysis.explorer import tables as explorer

ASSETS_DIR = TEMPLATES_DIR / "explorer"
ASSETS = ["explorer.css", "common.js", "terms.js", "topics.js", "article.js", "index.js"]
SHARD_BYTES = 250_000  # consecutive terms (or articles) share one .js data file up to about this size, loaded on a click
PAGES = {"index": "Articles", "terms": "Terms", "topics": "Topics"}
# From this many sentences (about 10,000 articles) the term explorer is written by a second process while this one
# writes the article views: the two share nothing but their input. Starting that process and handing it the
# sentences costs 2-3 s of CPU (its imports, the Arrow file), more than the term explorer of 4,000 articles takes.
SPLIT_MIN_SENTENCES = 250_000
TERM_SENTENCE_COLUMNS = ["doc_id", "period", "sent_id", "start", "end", "text"]  # what the term explorer reads
TABLES = {"figure": "figures.csv", "frame": "frame_words.csv", "actor": "actor_mentions.csv",
          "removed": "removed_lines.csv", "term": "distinctive_terms.csv", "topic": "topic_prevalence.csv"}


def safe_json(value) -> str:
    """JSON that is safe inside an HTML <script> element and a JavaScript file: ``<``, ``>`` and ``&`` are escaped so
    ``</script>`` cannot end the element, U+2028 and U+2029 so no line break splits a string; NaN becomes null.

    >>> safe_json({"t": "</script><b>\\u2028"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u2028"}'
    """
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN somewhere: replace every non-finite float (slower, so only when needed)
        text = json.dumps(_finite(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _finite(value):
    """``value`` with every NaN or infinite float replaced by None (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def page_html(name: str, title: str, lead: str, data: dict, scripts: list[str]) -> str:
    """One explorer page: navigation, an empty main element the page's script fills, and its data as inert JSON."""
    current = ' aria-current="page"'
    links = ['<a href="../index.html">Report</a>'] + [
        f'<a href="{page}.html"{current if page == name else ""}>{label}</a>' for page, label in PAGES.items()]
    tags = "".join(f'<script src="{html.escape(src)}"></script>' for src in scripts)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><link rel=\"stylesheet\" href=\"explorer.css\"></head>\n"
            f"<body data-page=\"{name}\"><nav class=\"explorer-nav\" aria-label=\"Explorer pages\">{''.join(links)}</nav>\n"
            f"<main id=\"app\"><h1>{html.escape(title)}</h1><p class=\"lead\">{html.escape(lead)}</p></main>\n"
            f"<script id=\"explorer-data\" type=\"application/json\">{safe_json(data)}</script>\n{tags}\n</body></html>\n")


def shard_starts(sizes: list[int], limit: int = SHARD_BYTES) -> list[int]:
    """Index of the first item of each shard when consecutive items are packed up to ``limit`` bytes per shard
    (an item larger than the limit gets a shard of its own).

    >>> shard_starts([100, 100, 100, 250, 10], limit=250)
    [0, 2, 3, 4]
    """
    starts, filled = [], 0
    for index, size in enumerate(sizes):
        if not starts or (filled + size > limit and filled > 0):
            starts.append(index)
            filled = 0
        filled += size
    return starts


def shard_js(key: str, value) -> str:
    """A data file the pages load with a <script> tag: it hands ``value`` to the page under ``key``."""
    return f"explorerShard({safe_json(key)},{safe_json(value)});\n"


@dataclass
class ExplorerPages:
    """What :func:`write_pages` wrote: the folder, the term table behind the scatter plot and counts for the notebook."""

    folder: Path
    terms: pd.DataFrame
    n_topics: int
    n_articles: int
    n_contexts: int
    n_files: int
    n_bytes: int

    def links_markdown(self, relative_to: Path) -> str:
        """Markdown links to the pages, relative to ``relative_to`` (the folder of the page that shows them), with a
        sentence on what they hold, every number counted from what was written."""
        base = Path(os.path.relpath(self.folder, relative_to)).as_posix()
        truncated = int(((self.terms["sentences_a"] > explorer.MAX_CONTEXTS_PER_PERIOD)
                         | (self.terms["sentences_b"] > explorer.MAX_CONTEXTS_PER_PERIOD)).sum())
        cut = (f" For {truncated:,} frequent term(s) a period has more than {explorer.MAX_CONTEXTS_PER_PERIOD} "
               "sentences; the page lists that many, one per article first, and gives the total." if truncated else "")
        return (f"- [Term explorer]({base}/terms.html): all {len(self.terms):,} counted terms placed by how much each "
                f"period uses them and coloured by log-odds z; hover for counts and articles, click for every sentence "
                f"that uses the term in either period; a selector shows frame words or actor names only.{cut}\n"
                f"- [Topic explorer]({base}/topics.html): each of the {self.n_topics} topics with its top and FREX terms, "
                "its share in each period with the 95% interval, and the articles and passages that carry it.\n"
                f"- [Articles]({base}/index.html): the {self.n_articles:,} articles, each with a view of its cleaned text, "
                "its figures, frame words and actor mentions highlighted, the boilerplate lines removed, its topic "
                "shares and metadata.\n\n"
                f"The explorer is {self.n_files:,} files ({self.n_bytes / 1e6:,.1f} MB) and opens from disk with no network.")


def _tables(tables_dir: Path | None, folder: Path) -> dict:
    """Kind -> relative link to its CSV table, for the tables that exist."""
    if tables_dir is None:
        return {}
    return {kind: Path(os.path.relpath(Path(tables_dir) / name, folder)).as_posix()
            for kind, name in TABLES.items() if (Path(tables_dir) / name).is_file()}


def explorer_processes(n_sentences: int) -> int:
    """Processes that write the explorer: 2 (the term explorer in a second process, beside the article views) for a
    corpus of at least SPLIT_MIN_SENTENCES sentences on a machine with two free cores, else 1. ``ANALYSIS_WORKERS``
    (analysis.core.parallel), when set, decides instead: 1 keeps all work in this process. The pages are the same
    bytes either way."""
    if n_sentences < SPLIT_MIN_SENTENCES:
        return 1
    if os.environ.get(WORKERS_VARIABLE, "").strip():
        return min(worker_count(), 2)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 2)


@dataclass
class SentenceCorpus:
    """What :func:`analysis.explorer.tables.term_explorer` reads of a corpus when given its phrases: the sentences
    and the documents' order (a small copy of the corpus to hand to a second process)."""

    sentences: pd.DataFrame
    documents: pd.DataFrame


def _terms_in_process(sender, folder: str, sentences_file: str, documents: pd.DataFrame, vocabulary: pd.DataFrame,
                      common: dict, phrases: tuple[str, ...]) -> None:
    """:func:`_write_terms` in a second process, on the sentences stored in ``sentences_file``: sends back the term
    table and how many sentences the shards list, or the error that stopped it."""
    os.environ[WORKERS_VARIABLE] = "1"  # this process is the second one: its term counts start no more workers
    try:
        corpus = SentenceCorpus(pd.read_feather(sentences_file), documents)
        terms = _write_terms(Path(folder), corpus, vocabulary, common, phrases)
        sender.send((terms.terms, len(terms.contexts)))
    except Exception as error:  # noqa: BLE001 - handed to the parent, which raises it
        sender.send(error)


class TermProcess:
    """The term explorer written by a second process (started fresh, so it holds only the sentences it is given)
    while this one writes the article views; :meth:`result` waits for it. Used as a context manager, the process
    is stopped when the block is left early (an error or an interruption here)."""

    def __init__(self, folder: Path, corpus: SentenceCorpus, vocabulary: pd.DataFrame, common: dict,
                 phrases: tuple[str, ...]) -> None:
        # The sentences go through an uncompressed Arrow file, not the pipe: Arrow writes the columns as they are,
        # where pickling would first build one more copy of the whole text in this process. The file sits beside the
        # explorer's folder (in the run's output: the text of every sentence), not in the system's temporary
        # folder, which may be small or held in memory.
        self.scratch = tempfile.TemporaryDirectory(prefix=".explorer-terms-", dir=Path(folder).parent)
        sentences_file = str(Path(self.scratch.name) / "sentences.arrow")
        corpus.sentences.reset_index(drop=True).to_feather(sentences_file, compression="uncompressed")
        context = multiprocessing.get_context("spawn")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(target=_terms_in_process, args=(
            sender, str(folder), sentences_file, corpus.documents, vocabulary, common, phrases),
            daemon=True, name="explorer-terms")
        self.process.start()
        sender.close()  # the child holds the other end: when it dies without sending, recv() ends instead of waiting

    def result(self) -> tuple[pd.DataFrame, int]:
        """The term table and the number of listed sentences; the second process's error is raised here."""
        try:
            result = self.receiver.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError(f"The process writing the term explorer stopped without a result (exit code "
                               f"{self.process.exitcode}); run with {WORKERS_VARIABLE}=1 to write it in this process "
                               "and see the error.") from None
        self.process.join()
        if isinstance(result, Exception):
            raise result
        return result

    def __enter__(self) -> TermProcess:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()
        self.receiver.close()
        self.scratch.cleanup()


def write_pages(corpus, vocabulary: pd.DataFrame, topics, figures: pd.DataFrame, folder: str | Path, *,
                fdr: float = 0.05, tables_dir: str | Path | None = None, frame_spans: pd.DataFrame | None = None,
                actor_spans: pd.DataFrame | None = None, phrases: tuple[str, ...] | None = None) -> ExplorerPages:
    """Write the explorer into ``folder``: terms.html, topics.html, index.html (articles), article.html and the data
    shards under terms/ and articles/ (both replaced on every run, so no stale article survives).

    ``frame_spans`` and ``actor_spans``: the comparison stage's matches (analysis.stages.ComparisonResults), which
    the article views highlight; without them the text is scanned here. ``phrases``: those the vocabulary was
    counted with (found again from the text when not given). A large corpus's term explorer is written by a second
    process beside the article views (:func:`explorer_processes`), started fresh as analysis.core.parallel starts its
    workers, so a script that calls this must guard its own work with ``if __name__ == "__main__":``."""
    folder, common = _start(folder, corpus, tables_dir)
    with contextlib.ExitStack() as stack:
        if explorer_processes(len(corpus.sentences)) > 1:
            phrases = tuple(corpus_phrases(explorer.document_text_stream(corpus)) if phrases is None else phrases)
            term_job = stack.enter_context(TermProcess(
                folder, SentenceCorpus(corpus.sentences[TERM_SENTENCE_COLUMNS], corpus.documents[["doc_id"]]),
                vocabulary, {**common, "fdr": fdr}, phrases))
        else:
            terms = _write_terms(folder, corpus, vocabulary, {**common, "fdr": fdr}, phrases)
            term_job = None
        _write_index(folder, corpus.documents, common)
        n_topics = _write_topics(folder, explorer.topic_explorer(topics, corpus), topics, common)
        _write_article_page(folder, _write_article_views(folder, corpus, topics, figures, frame_spans, actor_spans), common)
        term_table, n_contexts = (terms.terms, len(terms.contexts)) if term_job is None else term_job.result()
    return _written(folder, term_table, n_topics, len(corpus.documents), n_contexts)


def write_partitioned_pages(client, corpus, vocabulary: pd.DataFrame, topics, figures, folder: str | Path, *,
                            fdr: float = 0.05, tables_dir: str | Path | None = None,
                            phrases: tuple[str, ...] | None = None) -> ExplorerPages:
    """:func:`write_pages` for a corpus in partitions (analysis.corpus.partitioned.PartitionedCorpus) on the cluster
    behind ``client``: the same files, computed partition by partition (analysis.explorer.partitioned). This process
    holds the articles' numbers, the term table and one range of terms' or articles' data at a time as it writes
    the shards, never the corpus's text. ``figures``: the figure stage's result (its table in partitions or whole);
    ``topics``: the topic stage's (its units whole or in partitions)."""
    from analysis.explorer import partitioned

    folder, common = _start(folder, corpus, tables_dir)
    periods = common["periods"]
    articles = partitioned.partition_articles(corpus)
    with partitioned.scratch_folder(corpus) as scratch:
        found = partitioned.term_values(client, corpus, articles, vocabulary, periods, scratch, phrases)
        starts = write_shards(folder, "terms", 4, ((index, value, (term, value) if listed else None)
                                                   for index, (term, value, listed) in enumerate(found.values())), _term_body)
        _write_terms_page(folder, found.terms, starts, {**common, "fdr": fdr})
        _write_index(folder, corpus.documents, common)
        n_topics = _write_topics(folder, partitioned.topic_records(client, corpus, topics), topics, common)
        records = partitioned.article_records(client, corpus, articles, topics, figures, scratch)
        _write_article_page(folder, write_shards(folder, "articles", 5, ((number, text, text) for number, text in records),
                                                 _article_body), common)
    return _written(folder, found.terms, n_topics, len(corpus.documents), found.n_contexts)


def _start(folder: str | Path, corpus, tables_dir: str | Path | None) -> tuple[Path, dict]:
    """The explorer's folder, emptied of its data shards and given the page assets, and the data every page carries."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("terms", "articles"):
        shutil.rmtree(folder / sub, ignore_errors=True)
        (folder / sub).mkdir()
    for asset in ASSETS:
        shutil.copyfile(ASSETS_DIR / asset, folder / asset)
    periods = corpus.period_names[:2]
    return folder, {"periods": periods, "colours": [period_style(period, periods)["color"] for period in periods],
                    "tables": _tables(tables_dir, folder), "n": len(corpus.documents)}


def _written(folder: Path, terms: pd.DataFrame, n_topics: int, n_articles: int, n_contexts: int) -> ExplorerPages:
    """What was written into ``folder``, counted from its files."""
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return ExplorerPages(folder, terms, n_topics, n_articles, n_contexts, len(files), sum(path.stat().st_size for path in files))


def _write_index(folder: Path, documents: pd.DataFrame, common: dict) -> None:
    """articles.js (every article's doc_id, title, outlet, date and period) and index.html, the list of articles."""
    periods = common["periods"]
    listing = [[str(r.doc_id), str(r.title), str(r.outlet), str(r.published),
                periods.index(r.period) if r.period in periods else -1] for r in documents.itertuples(index=False)]
    (folder / "articles.js").write_text(shard_js("articles", listing), encoding="utf-8")
    (folder / "index.html").write_text(page_html(
        "index", "Articles", "Every article of the corpus as the pipeline read it. Filter by title, outlet or date; "
        "open one to see its cleaned text with figures, frame words and actor mentions highlighted.",
        common, ["common.js", "articles.js", "index.js"]), encoding="utf-8")


def _write_article_page(folder: Path, article_shards: list[int], common: dict) -> None:
    """article.html, which finds an article's shard by the first article of each."""
    (folder / "article.html").write_text(page_html("article", "Article", "Choose an article from the list.",
                                                   {**common, "article_shards": article_shards},
                                                   ["common.js", "article.js"]), encoding="utf-8")


def write_shards(folder: Path, name: str, width: int, items, body) -> list[int]:
    """Write consecutive items into data files ``name/0000.js``, … packed as :func:`shard_starts` packs them (up to
    ``SHARD_BYTES``), each written as it fills. ``items`` yields (number, text, piece) in order: ``text`` counts
    towards the shard's size, ``piece`` (None for nothing) goes into it; ``body`` makes a shard's JSON of its pieces.
    Returns the number of each shard's first item."""
    starts: list[int] = []
    pieces: list = []
    filled = 0  # characters counted in the current shard

    def flush() -> None:
        key = f"{name}/{len(starts) - 1:0{width}d}"
        (folder / f"{key}.js").write_text(f"explorerShard({safe_json(key)},{body(pieces)});\n", encoding="utf-8")
        pieces.clear()

    for number, text, piece in items:
        if not starts or (filled > 0 and filled + len(text) > SHARD_BYTES):
            if starts:
                flush()
            starts.append(number)
            filled = 0
        filled += len(text)
        if piece is not None:
            pieces.append(piece)
    if starts:
        flush()
    return starts


def _term_body(pieces: list[tuple[str, str]]) -> str:
    """A term shard's JSON object: its terms' ``"term":{...}`` pieces in key order, which is what :func:`safe_json`
    writes for the whole dict (escaping works character by character)."""
    return "{" + ",".join(f"{safe_json(term)}:{value}" for term, value in sorted(pieces)) + "}"


def _article_body(pieces: list[str]) -> str:
    """An article shard's JSON array of its records."""
    return "[" + ",".join(pieces) + "]"


TERM_COLUMNS = ["term", "count_a", "count_b", "x", "y", "z", "p_adjusted", "docs_a", "docs_b", "sentences_a", "sentences_b",
                "dictionary"]


def _write_terms(folder: Path, corpus, vocabulary: pd.DataFrame, common: dict,
                 phrases: tuple[str, ...] | None = None) -> explorer.TermExplorer:
    """terms.html with every term inline, and the sentences of consecutive terms in shards under terms/."""
    periods = common["periods"]
    terms = explorer.term_explorer(corpus, vocabulary, periods, phrases=phrases)
    names = terms.terms["term"].tolist()
    values = term_values(names, terms.contexts, {periods[0]: "a", periods[1]: "b"})
    starts = write_shards(folder, "terms", 4, ((index, value, (term, value) if listed else None)
                                               for index, (term, value, listed) in enumerate(values)), _term_body)
    _write_terms_page(folder, terms.terms, starts, common)
    return terms


def _write_terms_page(folder: Path, table: pd.DataFrame, starts: list[int], common: dict) -> None:
    """terms.html: every term of the term table inline, with the first term of each shard."""
    table = table.reset_index(drop=True)
    rows = [[str(r["term"]), int(r["count_a"]), int(r["count_b"]), round(float(r["x"]), 4), round(float(r["y"]), 4),
             round(float(r["z"]), 3), float(f"{r['p_adjusted']:.3g}"), int(r["docs_a"]), int(r["docs_b"]),
             int(r["sentences_a"]), int(r["sentences_b"]), str(r["dictionary"])] for r in table.to_dict("records")]
    data = {**common, "shard_starts": starts, "columns": TERM_COLUMNS, "terms": rows}
    (folder / "terms.html").write_text(page_html(
        "terms", "Term explorer", "Every counted term, placed by how much each period uses it (rank of its count, as "
        "scattertext places terms) and coloured by its log-odds z. Search or click a term to read the sentences that "
        f"use it (all of them, up to {explorer.MAX_CONTEXTS_PER_PERIOD} per period).", data, ["common.js", "terms.js"]),
        encoding="utf-8")


def term_values(terms: list[str], contexts: pd.DataFrame, side: dict):
    """Yield (term, JSON of its listed sentences by period side, whether it has any) for each of ``terms`` in order,
    from the term explorer's contexts (sorted by term); each term's sentences are turned into JSON once."""
    columns = {name: contexts[name].tolist() for name in ("term", "period", "article", "start", "end", "text")}
    where: dict[str, tuple[int, int]] = {}  # term -> its rows of ``contexts`` (sorted by term, so consecutive)
    for row, term in enumerate(columns["term"]):
        low, _ = where.get(term, (row, row))
        where[term] = (low, row + 1)
    for term in terms:
        if term not in where:
            yield term, "{}", False
            continue
        lines: dict[str, list] = {"a": [], "b": []}
        for row in range(*where[term]):
            lines[side[columns["period"][row]]].append(
                [int(columns["article"][row]), int(columns["start"][row]), int(columns["end"][row]), str(columns["text"][row])])
        yield term, safe_json(lines), True


def _write_topics(folder: Path, records: list[dict], topics, common: dict) -> int:
    """topics.html with every topic's record inline; returns the number of topics."""
    (folder / "topics.html").write_text(page_html(
        "topics", "Topic explorer", f"The {len(records)} topics of the {topics.model.upper()} model on "
        f"{topics.unit}s: their terms, their share of each period with the 95% interval (articles resampled), and "
        "the articles and passages that carry them most.", {**common, "unit": topics.unit, "topics": records},
        ["common.js", "articles.js", "topics.js"]), encoding="utf-8")
    return len(records)


def _write_article_views(folder: Path, corpus, topics, figures: pd.DataFrame, frame_spans: pd.DataFrame | None = None,
                         actor_spans: pd.DataFrame | None = None) -> list[int]:
    """The article views' data under articles/: consecutive articles (text, highlights, removed lines, topic shares)
    packed into shards of about ``SHARD_BYTES`` (a few thousand files for 100,000 articles, not one file each).
    Returns the number of the first article of each shard, which article.html uses to find an article's shard."""
    shares = explorer.topic_shares(topics)
    rules = explorer.rule_descriptions()

    def records():  # a part of the corpus at a time: only one part's highlights and records exist at once
        for part in explorer.corpus_parts(corpus, figures, shares, frame_spans=frame_spans, actor_spans=actor_spans):
            for number, record in explorer.article_records(part, explorer.part_marks(part), part.topic_shares,
                                                           topics.labels, rules, first=part.first,
                                                           count=len(corpus.documents)):
                text = safe_json(record)
                yield number, text, text

    return write_shards(folder, "articles", 5, records(), _article_body)


def term_link(term: str, base: str = "explore/") -> str:
    """Address of a term in the term explorer, relative to the report's pages (stage pages link their tables here).

    >>> term_link("belt and road")
    'explore/terms.html#t=belt%20and%20road'
    """
    return f"{base}terms.html#t={quote(term, safe='')}"


def topic_link(topic: int, base: str = "explore/") -> str:
    """Address of a topic's section in the topic explorer.

    >>> topic_link(3)
    'explore/topics.html#topic-3'
    """
    return f"{base}topics.html#topic-{int(topic)}"


def article_link(documents: pd.DataFrame, doc_id: str, start: int | None = None, end: int | None = None,
                 base: str = "explore/") -> str:
    """Address of an article's view (numbered in ``documents`` order, as the explorer numbers them), scrolled to the
    paragraph holding ``start`` when given (offsets into the raw text, as in the sentence and figure tables).

    >>> documents = pd.DataFrame({"doc_id": ["a", "b"]})
    >>> article_link(documents, "b"), article_link(documents, "b", 120, 180)
    ('explore/article.html#a=1', 'explore/article.html#a=1&s=120-180')
    """
    number = int(explorer.article_numbers(documents)[doc_id])
    focus = "" if start is None else f"&s={int(start)}-{int(end if end is not None else start)}"
    return f"{base}article.html#a={number}{focus}"


def links_sentence(lead: str, links: list[tuple[str, str]], more: tuple[str, str] | None = None) -> str:
    """A Markdown sentence that links a stage page's table to the explorer: ``lead`` then each (label, address),
    labels escaped (they come from the corpus), addresses as built by the ``*_link`` functions (already URL-encoded);
    ``more`` is a last (label, address) for everything not listed.

    >>> links_sentence("In the term explorer:", [("belt and road", term_link("belt and road")), ("<b>", term_link("<b>"))])
    'In the term explorer: [belt and road](explore/terms.html#t=belt%20and%20road), [&lt;b&gt;](explore/terms.html#t=%3Cb%3E).'
    """
    from analysis.core.display import md_text

    parts = [f"[{md_text(label)}]({address})" for label, address in links]
    if more:
        parts.append(f"[{md_text(more[0])}]({more[1]})")
    return f"{lead} {', '.join(parts)}." if parts else ""


def write_explorer(run, folder: str | Path | None = None) -> ExplorerPages:
    """The explorer for a run (analysis.run.Run), from the stages' stored results, into ``reports/explore``: on the
    Dask engine partition by partition on the run's cluster (:func:`write_partitioned_pages`)."""
    comparison = run.comparison()
    # only what the pages use is kept: the rest of the stage's result (per-document tables) is freed before writing
    vocabulary, frame_spans, actor_spans, phrases = (comparison.vocabulary.table, comparison.frame_spans,
                                                     comparison.actor_spans, comparison.phrases)
    del comparison
    folder = folder or run.paths.reports / "explore"
    settings = {"fdr": run.comparison_parameters.fdr, "tables_dir": run.paths.tables, "phrases": phrases}
    if run.parameters["engine"] == "dask":
        from analysis.core.engine import dask_client

        topics, figures = run.topics(), run.figures()  # before this cluster starts: each stage may start its own
        with dask_client(run.parameters["dask_scheduler"]) as client:
            return write_partitioned_pages(client, run.corpus, vocabulary, topics, figures, folder, **settings)
    return write_pages(run.corpus, vocabulary, run.topics(), run.figures().all_figures(), folder,
                       frame_spans=frame_spans, actor_spans=actor_spans, **settings)
