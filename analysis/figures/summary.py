"""The figure stage's corpus-level tables, each built from parts of the figure table.

A part is computed from some of the figures: one partition of the corpus on the Dask engine, the whole table on the
local engine. Combining the parts gives what the whole table gives, because every figure of an article is in one part
(so articles add up across parts) and each part keeps its figures in corpus order (period, date, doc_id, then place
in the article), so "the first" figure of a group is found by comparing the parts' first ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.corpus.load import document_order
from analysis.figures.indicators import indicator_candidates, indicator_table

CLAIM_KINDS = ("money", "percent", "quantity", "count", "duration")  # dates and ranks are references, not claims
CLAIM_KEY = ["measure", "kind", "value_key", "unit"]  # one claim: the same measure, kind, value and unit
PREVIEW_ROWS = 60  # the figures of each period that notebook 03 shows (the CSV has them all)
ORDER = ["period", "published", "doc_id"]  # with each article's own order of figures: corpus order


@dataclass
class FigureParts:
    """What one part of the figure table contributes to each corpus-level table."""

    counts: pd.DataFrame  # period, figures, articles, measurements, measurement_articles
    kinds: pd.DataFrame  # period, kind, figures
    mentions: pd.DataFrame  # period, measure, mentions (figures of the claim kinds)
    claim_articles: pd.DataFrame  # period, measure, kind, value, unit, articles
    claims: pd.DataFrame  # per claim: value, example, mentions, articles, sets of periods and doc_ids, its first row's order
    indicators: pd.DataFrame  # the figures that may measure an indicator (indicators.indicator_candidates)
    warnings: pd.DataFrame  # the flagged figures, every column
    preview: pd.DataFrame  # the first PREVIEW_ROWS figures of each period


def _value_keys(values: pd.Series) -> np.ndarray:
    """Each value rounded to nine significant digits, so that one number written two ways is one claim."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)  # each distinct value rounded once
    rounded = np.array([float(f"{v:.9g}") for v in distinct], dtype=np.float64)
    return rounded[codes] if len(codes) else np.zeros(0)


def claim_part(figures: pd.DataFrame) -> pd.DataFrame:
    """Per claim of these figures: its first value and sentence, mentions, articles, the periods and doc_ids
    quoting it (sets), and where its first figure stands in corpus order."""
    usable = figures.loc[figures["kind"].isin(CLAIM_KINDS)]
    columns = [*CLAIM_KEY, "value", "example", "mentions", "articles", "periods", "doc_ids", *(f"first_{c}" for c in ORDER)]
    if usable.empty:
        return pd.DataFrame(columns=columns)
    usable = usable.assign(value_key=_value_keys(usable["value"]))
    if "published" not in usable.columns:  # a table built without dates (tests): corpus order is its own order
        usable = usable.assign(published="")
    grouped = usable.groupby(CLAIM_KEY, sort=True)
    part = grouped.agg(value=("value", "first"), example=("sentence", "first"), mentions=("kind", "size"),
                       articles=("doc_id", "nunique"), first_period=("period", "first"),
                       first_published=("published", "first"), first_doc_id=("doc_id", "first")).reset_index()
    groups = grouped.ngroup().to_numpy()
    for column, values in (("periods", usable["period"].tolist()), ("doc_ids", usable["doc_id"].tolist())):
        members: list[set] = [set() for _ in range(len(part))]
        for group, value in zip(groups.tolist(), values):
            members[group].add(value)
        part[column] = members
    return part[columns]


def claim_count_parts(figures: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The parts of :func:`combine_claim_counts`: mentions per period and measure, articles per claim and period."""
    usable = figures.loc[figures["kind"].isin(CLAIM_KINDS)]
    return {"mentions": usable.groupby(["period", "measure"]).size().rename("mentions").reset_index(),
            "claim_articles": usable.groupby(["period", "measure", "kind", "value", "unit"])["doc_id"].nunique()
            .rename("articles").reset_index()}


def figure_parts(figures: pd.DataFrame) -> FigureParts:
    """One part's contribution (``figures`` in corpus order, each article's figures all here)."""
    claimed = figures["kind"].isin(CLAIM_KINDS)
    usable = figures.loc[claimed, ["measure", "kind", "value", "unit", "doc_id", "period", "sentence",
                                   *(["published"] if "published" in figures.columns else [])]]
    counts = pd.DataFrame({"figures": figures.groupby("period").size(),
                           "articles": figures.groupby("period")["doc_id"].nunique(),
                           "measurements": usable.groupby("period").size(),
                           "measurement_articles": usable.groupby("period")["doc_id"].nunique()})
    counts = counts.fillna(0).astype("int64").rename_axis("period").reset_index()
    return FigureParts(
        counts=counts,
        kinds=figures.groupby(["period", "kind"]).size().rename("figures").reset_index(),
        **claim_count_parts(usable),
        claims=claim_part(usable),
        indicators=indicator_candidates(figures),
        warnings=figures[figures["warning"] != ""],
        preview=figures.groupby("period", sort=False).head(PREVIEW_ROWS),
    )


def in_corpus_order(table: pd.DataFrame, periods: list[str], columns: list[str] = ORDER) -> pd.DataFrame:
    """``table``'s rows in corpus order (:func:`analysis.corpus.load.document_order`; ``columns`` names its period,
    date and doc_id), keeping the order of rows that tie (one article's figures)."""
    if len(table) < 2:
        return table.reset_index(drop=True)
    keys = pd.DataFrame({name: table[column].to_numpy() for name, column in zip(ORDER, columns)})
    return table.take(document_order(keys, periods)).reset_index(drop=True)


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The parts' tables one under the other, in the order they were given."""
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)


def combine_claims(parts: list[pd.DataFrame], periods: list[str]) -> pd.DataFrame:
    """Repeated claims: figures of one kind with the same value, unit and measure are one claim, in however many articles.

    One row per claim: claim, measure, kind, value, unit, shown, mentions, articles, periods, doc_ids, example (the
    first sentence in corpus order).
    """
    from analysis.figures.measures import shown_value  # the stage's own formatting of a value

    columns = ["claim", "measure", "kind", "value", "unit", "shown", "mentions", "articles", "periods", "doc_ids", "example"]
    table = _joined(parts)
    if table.empty:
        return pd.DataFrame(columns=columns)
    if len(parts) > 1:  # each part's first figure of a claim, in corpus order: the first one wins
        table = in_corpus_order(table, periods, [f"first_{c}" for c in ORDER])
    grouped = table.groupby(CLAIM_KEY, sort=True)
    claims = grouped.agg(value=("value", "first"), example=("example", "first"), mentions=("mentions", "sum"),
                         articles=("articles", "sum")).reset_index().drop(columns="value_key")
    for column in ("periods", "doc_ids"):
        claims[column] = ["; ".join(sorted(set().union(*sets))) for sets in grouped[column].agg(list)]
    claims["shown"] = [shown_value(k, v, u) for k, v, u in zip(claims["kind"], claims["value"], claims["unit"])]
    claims = claims.sort_values(["articles", "mentions", "measure", "kind", "value", "unit"],
                                ascending=[False, False, True, True, True, True], ignore_index=True)
    claims.insert(0, "claim", np.arange(1, len(claims) + 1))
    return claims[columns]


def combine_claim_counts(mentions: list[pd.DataFrame], claim_articles: list[pd.DataFrame], periods: list[str]) -> pd.DataFrame:
    """Per period and measure: mentions (figure rows), distinct claims, and claims repeated in two or more articles."""
    mentions = _joined(mentions).groupby(["period", "measure"])["mentions"].sum()
    articles = _joined(claim_articles).groupby(["period", "measure", "kind", "value", "unit"])["articles"].sum()
    claims = articles.groupby(level=["period", "measure"]).size()
    repeated = (articles >= 2).groupby(level=["period", "measure"]).sum()
    rows = []
    for period in periods:
        for measure in sorted(set(mentions.index.get_level_values("measure").tolist())):
            key = (period, measure)
            rows.append({"period": period, "measure": measure, "mentions": int(mentions.get(key, 0)),
                         "claims": int(claims.get(key, 0)), "repeated_claims": int(repeated.get(key, 0))})
    return pd.DataFrame(rows, columns=["period", "measure", "mentions", "claims", "repeated_claims"])


def combine_counts(parts: list[pd.DataFrame], periods: list[str]) -> pd.DataFrame:
    """Per period (every period, in order): figures, articles with figures, measurements (figures of the claim
    kinds) and articles with measurements."""
    sums = _joined(parts).groupby("period")[["figures", "articles", "measurements", "measurement_articles"]].sum()
    return sums.reindex(periods, fill_value=0).astype("int64").rename_axis("period").reset_index()


def combine_kinds(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Figures per period and kind."""
    return _joined(parts).groupby(["period", "kind"], as_index=False)["figures"].sum()


def combine_rows(parts: list[pd.DataFrame], periods: list[str], per_period: int | None = None) -> pd.DataFrame:
    """The parts' rows in corpus order (only the first ``per_period`` of each period, when given)."""
    table = _joined(parts)
    if len(parts) > 1:
        table = in_corpus_order(table, periods)
    if per_period is not None:
        table = table.groupby("period", sort=False).head(per_period).reset_index(drop=True)
    return table


def combine_indicators(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The indicator table (:func:`analysis.figures.indicators.indicator_table`, which sorts its rows itself)."""
    return indicator_table(_joined(parts))
