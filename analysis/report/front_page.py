"""The front page's "What changed, in brief": one Markdown paragraph per measure, built from the stages' tables.

Every number and verdict comes from the tables passed in; corpus text and period names are escaped.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.display import md_text, point_change, share_points
from analysis.figures.indicators import front_page_summary
from analysis.report import findings
from analysis.topics.model import TopicResult, front_page_topics


def words_paragraph(top: pd.DataFrame, table: pd.DataFrame, periods: list[str], articles: dict[str, int],
                    fdr: float, n_terms: int = 5) -> str:
    """The most typical words of each period with the articles they occur in, and whether any passes the FDR.

    ``top`` is the vocabulary comparison's top terms (``favours``, ``term``, ``articles_a``, ``articles_b``), ``table``
    every term (``significant``); ``articles`` maps each period to its number of articles.
    """
    a, b = periods[0], periods[1]
    top_a = top[top["favours"] == a].head(n_terms)
    top_b = top[top["favours"] == b].head(n_terms)
    text = (f"**Words.** The words most typical of {md_text(a)} are "
            + findings.terms_with_articles(top_a["term"].tolist(), top_a["articles_a"].tolist(), articles[a])
            + f"; of {md_text(b)}, "
            + findings.terms_with_articles(top_b["term"].tolist(), top_b["articles_b"].tolist(), articles[b]) + ". ")
    significant = int(table["significant"].sum())
    if significant:
        return text + f"{significant:,} of {len(table):,} terms differ beyond chance (false discovery rate {fdr:.0%})."
    return text + (f"None of the {len(table):,} terms differs beyond chance (false discovery rate {fdr:.0%}): these are "
                   "descriptions of the articles, not established differences.")


def topics_paragraph(topics: TopicResult, n_units: int) -> str:
    """How many topics, how many survive leaving out one article (or group), and the verdicts of those only."""
    shown = front_page_topics(topics)
    text = f"**Topics.** {topics.k} topics ({topics.model.upper()} on {topics.n_units:,} {topics.unit}s); "
    if shown:
        kept = topics.differences[topics.differences["topic"].isin(shown)]
        text += (f"{len(shown)} of them are found again whichever {topics.loo_mode} is left out, and their shifts "
                 f"between the periods are: {findings.verdict_phrase(findings.support_counts(kept, n_units))}")
    else:
        text += f"none is found again whichever {topics.loo_mode} is left out, so no topic is reported here"
    return text + ". See [02 · Topics](02_topic_model.html)."


def figures_paragraph(side_by_side: pd.DataFrame, n_figures: int) -> str:
    """The indicators' comparable changes (or why they are not comparable), and how many figures there are."""
    return ("**Figures.** " + md_text(front_page_summary(side_by_side))
            + f" {n_figures:,} figures in all, every one tied to its sentence in [03 · Figures](03_extract_figures.html).")


def frames_paragraph(estimates: pd.DataFrame, differences: pd.DataFrame, periods: list[str], n_units: int,
                     n_shown: int = 3) -> str:
    """The frame verdicts counted, then a sentence for each of the clearest changes."""
    best = findings.ranked_changes(differences, n=n_shown, n_units=n_units)
    by_measure = differences.set_index("measure")
    return (f"**Frames.** {findings.verdict_count_sentence('frame change', differences, n_units)} The clearest:\n"
            + "\n".join("- " + findings.difference_sentence(row.measure, estimates, by_measure.loc[row.measure], periods[:2],
                                                            subject=lambda m: f"*{md_text(m)}*", level=share_points,
                                                            change=point_change, n_units=n_units)
                        for row in best.itertuples()))


def summary_markdown(vocabulary, topics: TopicResult, figure_stage, frames, periods: list[str],
                     articles: dict[str, int], n_units: int, fdr: float) -> str:
    """The four paragraphs of "What changed, in brief", from the comparison, topic and figure stages' results."""
    return "\n\n".join([
        words_paragraph(vocabulary.top, vocabulary.table, periods, articles, fdr),
        topics_paragraph(topics, n_units),
        figures_paragraph(figure_stage.side_by_side, figure_stage.n_figures),
        frames_paragraph(frames.estimates, frames.differences, periods, n_units),
    ])
