"""One run context for every notebook: parameters checked against one registry, output folders, the corpus and
each stage's stored result, so a later notebook sees exactly what an earlier one computed, with the same values.

A notebook's setup is ``run = open_run(globals())`` right after its ``parameters`` cell.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from analysis.core.paths import PROJECT_ROOT, SEEDS_DIR, OutputPaths, resolve

LAB_DIR = PROJECT_ROOT / "build" / "lab"  # where a notebook run on its own writes: never the published reports/
RUN_FILE = "run.json"  # the runner's full, checked parameter set, under <reports_dir>/cache/


class ParameterError(ValueError):
    """A parameter with a wrong name, type or value; the message names it and says what to write instead."""


@dataclass(frozen=True)
class Parameter:
    """One run parameter: its type, default, meaning and the extra check its value must pass."""

    name: str
    type: type
    default: Any
    help: str
    check: Callable[[Any], str | None] = field(default=lambda value: None, repr=False, compare=False)


def _at_least(minimum: float) -> Callable[[Any], str | None]:
    return lambda value: None if value >= minimum else f"must be at least {minimum:g}"


def _between_open(low: float, high: float) -> Callable[[Any], str | None]:
    return lambda value: None if low < value < high else f"must lie strictly between {low:g} and {high:g}"


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else "must be one of " + ", ".join(f'"{c}"' for c in choices)


def _columns_problem(value: dict) -> str | None:
    from analysis.corpus.tables import FIELDS  # the table reader owns the field names

    unknown = sorted(set(value) - set(FIELDS))
    if unknown:
        return f"names unknown field(s) {', '.join(map(repr, unknown))}; the fields are {', '.join(FIELDS)}"
    if not all(isinstance(column, str) and column for column in value.values()):
        return "must map each field to a column name (text)"
    return None


def _periods_problem(value: dict) -> str | None:
    from analysis.corpus.load import CorpusError, parse_periods  # the corpus module owns the rule

    try:
        parse_periods(value)
    except CorpusError as error:
        return str(error).removeprefix("Parameter 'periods'").lstrip(":, ")
    return None


def _scheduler_problem(value: str) -> str | None:
    from analysis.core.engine import check_scheduler  # the engine module owns the rule

    return check_scheduler(value)


DEFAULT_PERIODS = {"2014–2015": ["2014-01-01", "2015-12-31"], "2023–2024": ["2023-01-01", "2024-12-31"]}

# The registry. A notebook's `parameters` cell declares the subset it uses, with the same defaults
# (tests/test_run.py checks that they agree); the runner accepts no name outside it.
PARAMETERS: dict[str, Parameter] = {p.name: p for p in [
    Parameter("corpus_dir", str, "", "the corpus: a folder of .txt articles and metadata.csv, a folder of saved .html pages, "
              "or one table file (CSV, JSONL, Parquet); empty means the project's seeds/"),
    Parameter("periods", dict, DEFAULT_PERIODS, "period name -> [first day, last day], ISO dates", _periods_problem),
    Parameter("columns", dict, {}, 'a table corpus\'s column names, e.g. {"text": "body", "outlet": "media_name"}; '
              "empty: common names", _columns_problem),
    Parameter("engine", str, "local", 'where the per-article work runs: "local" (this machine\'s processes) or "dask" '
              "(dask.distributed; also reads a folder of Parquet files)", _one_of("local", "dask")),
    Parameter("dask_scheduler", str, "", 'with engine "dask": a scheduler address such as "tcp://10.0.0.5:8786"; empty '
              "starts a local cluster", _scheduler_problem),
    Parameter("reports_dir", str, "", "tables go to reports_dir/tables; empty means build/lab/reports"),
    Parameter("figures_dir", str, "", "charts go here as PNG and SVG; empty means build/lab/figures"),
    Parameter("random_seed", int, 20240516, "seed passed to every random step", _at_least(0)),
    Parameter("n_resamples", int, 2000, "bootstrap resamples of articles per interval", _at_least(100)),
    Parameter("unit", str, "auto", 'topic stage: unit of analysis, "auto" (whole articles when they are short), '
              '"paragraph" or "document"', _one_of("auto", "paragraph", "document")),
    Parameter("model", str, "nmf", 'topic stage: "nmf" (NMF on TF-IDF) or "lda" (LDA on counts)', _one_of("nmf", "lda")),
    Parameter("n_topics", int, 0, "topic stage: number of topics; 0 chooses k from the diagnostics", _at_least(0)),
    Parameter("k_min", int, 2, "topic stage: smallest k the search tries", _at_least(2)),
    Parameter("k_max", int, 12, "topic stage: largest k the search tries (also capped at one topic per 5 articles)",
              _at_least(2)),
    Parameter("n_restarts", int, 10, "topic stage: random restarts per k, to measure stability", _at_least(2)),
    Parameter("stem", bool, False, "topic stage: reduce words to Snowball stems"),
    Parameter("money_warning_above", float, 1e15, "figure stage: amounts of money above this are flagged as implausible",
              lambda value: None if value > 0 else "must be positive"),
    Parameter("prior_scale", float, 0.5, "comparison: Dirichlet prior as a share of the words observed",
              lambda value: None if value > 0 else "must be positive"),
    Parameter("fdr", float, 0.05, "comparison: false discovery rate for distinctive terms", _between_open(0, 1)),
    Parameter("top_n", int, 10, "comparison: distinctive terms listed for each period", _at_least(1)),
]}


def check_parameter(name: str, value: Any) -> Any:
    """Return ``value`` checked against the registry (an int is accepted for a float); raise ParameterError."""
    if name not in PARAMETERS:
        close = difflib.get_close_matches(name, PARAMETERS, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise ParameterError(f"Unknown parameter '{name}'.{hint} Known parameters: {', '.join(sorted(PARAMETERS))}.")
    spec = PARAMETERS[name]
    if spec.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, spec.type) or (spec.type is int and isinstance(value, bool)):
        raise ParameterError(f"Parameter '{name}' must be {spec.type.__name__} ({spec.help}); got {value!r}. "
                             f"Example: -p {name} {json.dumps(spec.default, ensure_ascii=False)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"Parameter '{name}' must be a finite number; got {value!r}.")
    problem = spec.check(value)
    if problem:
        raise ParameterError(f"Parameter '{name}' {problem}; got {value!r} ({spec.help}).")
    return value


def check_parameters(values: dict) -> dict:
    """Every parameter checked, with the registry's defaults for those not given, in registry order."""
    checked = {name: check_parameter(name, value) for name, value in values.items()}
    full = {name: checked.get(name, spec.default) for name, spec in PARAMETERS.items()}
    if full["k_max"] < full["k_min"]:
        raise ParameterError(f"Parameter 'k_max' ({full['k_max']}) is smaller than 'k_min' ({full['k_min']}); "
                             "the topic search needs k_min <= k_max.")
    return full


@dataclass(frozen=True)
class TopicParameters:
    """What the topic stage (notebook 02) is fitted with; notebooks 04 and 05 read its result with the same values."""

    unit: str
    model: str
    n_topics: int
    k_min: int
    k_max: int
    n_restarts: int
    stem: bool
    random_seed: int
    n_resamples: int


@dataclass(frozen=True)
class FigureParameters:
    """What the figure stage (notebook 03) runs with."""

    money_warning_above: float


@dataclass(frozen=True)
class ComparisonParameters:
    """What the comparison stage (notebook 04) runs with."""

    random_seed: int
    prior_scale: float
    fdr: float
    top_n: int
    n_resamples: int


def _pick(cls, parameters: dict):
    return cls(**{name: parameters[name] for name in cls.__dataclass_fields__})


@dataclass
class Run:
    """A run: its checked parameters, output folders, corpus and each stage's stored result."""

    parameters: dict
    paths: OutputPaths

    @property
    def topic_parameters(self) -> TopicParameters:
        return _pick(TopicParameters, self.parameters)

    @property
    def figure_parameters(self) -> FigureParameters:
        return _pick(FigureParameters, self.parameters)

    @property
    def comparison_parameters(self) -> ComparisonParameters:
        return _pick(ComparisonParameters, self.parameters)

    @cached_property
    def corpus(self):
        """The corpus, loaded once per run (later notebooks read the stored copy), without the articles' raw text:
        ``documents.n_chars`` gives each one's length."""
        from analysis.corpus.load import load_corpus_for_run

        if self.parameters["engine"] == "dask":
            from analysis.corpus.partitioned import load_partitioned_for_run

            return load_partitioned_for_run(self.parameters["corpus_dir"], self.parameters["periods"], self.paths.reports,
                                            columns=self.parameters["columns"] or None,
                                            scheduler=self.parameters["dask_scheduler"])
        return load_corpus_for_run(self.parameters["corpus_dir"], self.parameters["periods"], self.paths.reports,
                                   columns=self.parameters["columns"] or None)

    @property
    def period_a(self) -> str:
        return self.corpus.period_names[0]

    @property
    def period_b(self) -> str:
        return self.corpus.period_names[1]

    def independent_sources(self):
        """Articles grouped into independent sources (one outlet, or shared passages), computed once per run (on the
        Dask engine, on the cluster)."""
        if self.parameters["engine"] == "dask":
            from analysis.stages_dask import independent_units_for_run

            return independent_units_for_run(self.corpus, self.paths.reports, scheduler=self.parameters["dask_scheduler"])
        from analysis.corpus.composition import independent_units_for_run

        return independent_units_for_run(self.corpus, self.paths.reports)

    @property
    def n_units(self) -> int:
        """Independent sources in the smaller of the first two periods: what the verdict rule counts."""
        from analysis.corpus.composition import sources_per_period

        return min(sources_per_period(self.independent_sources(), [self.period_a, self.period_b]).values())

    @property
    def source(self) -> str:
        """The source line every chart carries: corpus name and articles per period."""
        from analysis.core.plots import source_line

        return source_line(self.corpus.name, self.corpus.docs_per_period())

    def topics(self):
        """The topic stage's result for this run's topic parameters, computed once per run (on the Dask engine, on
        the cluster: its unit topics then stay in partitions, ``TopicResult.unit_topics`` being None)."""
        if self.parameters["engine"] == "dask":
            from analysis.topics.partitioned import topic_results

            return topic_results(self.corpus, self.paths.reports, **asdict(self.topic_parameters),
                                 scheduler=self.parameters["dask_scheduler"])
        from analysis.stages import topic_results

        return topic_results(self.corpus, self.paths.reports, **asdict(self.topic_parameters))

    def figures(self):
        """The figure stage's result for this run's figure parameters, computed once per run (on the Dask engine, on
        the cluster: its figure table then stays in partitions, ``FigureResult.figures`` being None)."""
        if self.parameters["engine"] == "dask":
            from analysis.stages_dask import figure_results

            return figure_results(self.corpus, self.paths.reports, **asdict(self.figure_parameters),
                                  scheduler=self.parameters["dask_scheduler"])
        from analysis.figures.measures import figure_results

        return figure_results(self.corpus, self.paths.reports, **asdict(self.figure_parameters))

    def comparison(self):
        """Distinctive vocabulary, frames and actors for this run's comparison parameters, computed once per run (on
        the Dask engine, on the cluster)."""
        if self.parameters["engine"] == "dask":
            from analysis.stages_dask import comparison_results

            return comparison_results(self.corpus, self.paths.reports, **asdict(self.comparison_parameters),
                                      scheduler=self.parameters["dask_scheduler"])
        from analysis.stages import comparison_results

        return comparison_results(self.corpus, self.paths.reports, **asdict(self.comparison_parameters))

    def details(self):
        """The run-details block every page shows: corpus, fingerprint, parameters and package versions."""
        from analysis.core.display import run_details

        shown = dict(self.parameters)
        corpus_dir = Path(shown["corpus_dir"])
        if corpus_dir.is_relative_to(PROJECT_ROOT):  # paths relative to the project, as a reader would type them
            shown["corpus_dir"] = corpus_dir.relative_to(PROJECT_ROOT).as_posix()
        return run_details(shown, self.corpus)


def run_file(reports_dir: Path) -> Path:
    """Where the runner leaves the run's full parameter set for every notebook of the run."""
    return reports_dir / "cache" / RUN_FILE


def write_run_file(reports_dir: Path, parameters: dict) -> Path:
    """Store the run's checked parameters so notebooks that do not declare a parameter still see its value."""
    path = run_file(reports_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(parameters, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return path


def open_run(namespace: dict) -> Run:
    """Open the run from a notebook's namespace (pass ``globals()`` after the ``parameters`` cell).

    The notebook's declared parameters win; the others come from the runner's run file when the notebook runs
    inside ``make report``, else from the registry's defaults. A notebook run on its own writes under
    ``build/lab/``, never into the published report.

    >>> run = open_run({"reports_dir": "", "k_max": 5})
    >>> run.topic_parameters.k_max, run.paths.reports.relative_to(PROJECT_ROOT).as_posix()
    (5, 'build/lab/reports')
    """
    declared = {name: namespace[name] for name in PARAMETERS if name in namespace}
    reports = resolve(declared.get("reports_dir"), LAB_DIR / "reports")
    figures = resolve(declared.get("figures_dir"), LAB_DIR / "figures")
    stored = run_file(reports)
    base = json.loads(stored.read_text(encoding="utf-8")) if stored.is_file() else {}
    parameters = check_parameters({**base, **declared})
    parameters["corpus_dir"] = str(resolve(parameters["corpus_dir"], SEEDS_DIR))
    return Run(parameters, OutputPaths(reports, figures).make())
