"""Sentences of the topic page (notebook 02), built from the topic stage's tables so every number is computed.

Each function takes a TopicResult or one of its tables and returns Markdown; texts from the corpus are escaped.
"""

from __future__ import annotations

import pandas as pd

from analysis.core.display import count_phrase, md_text
from analysis.topics.model import ARTICLES_PER_TOPIC, MIN_STABILITY, TopicResult, fragile_topics, front_page_topics

COMMON_TERMS_SHOWN = 12


def _topic_list(result: TopicResult, topics: list[int]) -> str:
    return ", ".join(f"{t} (*{md_text(result.labels[t])}*)" for t in topics)


def units_sentence(result: TopicResult) -> str:
    """What the model sees: the unit rule, the headline-like units left out, units and terms."""
    excluded = len(result.excluded_units)
    return (f"{result.unit_rule} {count_phrase(excluded, 'headline-like paragraph')} (headlines, subheads and "
            f"one-line labels) {'is' if excluded == 1 else 'are'} left out of the model; they stay in the text and the "
            f"tables. The model sees **{result.n_units:,} {result.unit} units** and **{result.n_terms:,} terms**.")


def common_terms_sentence(common: pd.DataFrame, max_share: float, n_shown: int = COMMON_TERMS_SHOWN) -> str:
    """The terms set aside for being in more than ``max_share`` of the articles, most common first, with shares."""
    if common.empty:
        return f"No term occurs in more than {max_share:.0%} of the articles, so none is set aside."
    shown = ", ".join(f"*{md_text(row.term)}* ({row.share:.0%})" for row in common.head(n_shown).itertuples(index=False))
    more = f", and {len(common) - n_shown:,} more (table below)" if len(common) > n_shown else ""
    return (f"{count_phrase(len(common), 'term')} {'occurs' if len(common) == 1 else 'occur'} in more than "
            f"{max_share:.0%} of the articles and {'is' if len(common) == 1 else 'are'} not used as topic words: "
            f"{shown}{more}.")


def k_search_sentence(result: TopicResult) -> str:
    """How the rule chose k from the diagnostics table (or that the parameter set it)."""
    table = result.k_search
    if table.empty:
        return f"The number of topics was set by the `n_topics` parameter to **{result.k}**; no search was run."
    ks = table["k"].astype(int)
    admissible = table[table["admissible"].astype(bool)]
    chosen = table[table["chosen"].astype(bool)].iloc[0]
    best = admissible.sort_values(["coherence", "k"], ascending=[False, True]).iloc[0]
    stable = (f"{count_phrase(len(admissible), 'candidate')} ({', '.join(map(str, admissible['k'].astype(int)))}) "
              f"{'is' if len(admissible) == 1 else 'are'} stable (both stabilities at least {MIN_STABILITY:.2f})"
              if len(admissible) < len(table) else
              f"every candidate is stable (both stabilities at least {MIN_STABILITY:.2f})")
    if not ((table["stability_restarts"] >= MIN_STABILITY) & (table["stability_articles"] >= MIN_STABILITY)).any():
        stable = (f"no candidate reaches stability {MIN_STABILITY:.2f} on both counts, so all are considered and the "
                  "topics should be read as one of several possible descriptions")
    candidates = f"Candidates k = {ks.min()}–{ks.max()}" if ks.max() > ks.min() else f"One candidate, k = {ks.min()}"
    return (f"{candidates} (at most {result.k_cap}: one topic per {ARTICLES_PER_TOPIC} "
            f"articles); {stable}. The best coherence among them is {best['coherence']:.2f} at k = {int(best['k'])}; "
            f"the largest k within one standard deviation of it ({best['coherence'] - best['coherence_sd']:.2f}) is "
            f"**k = {int(chosen['k'])}**: coherence {chosen['coherence']:.2f}, exclusivity {chosen['exclusivity']:.2f}, "
            f"stability {chosen['stability_restarts']:.2f} across restarts and {chosen['stability_articles']:.2f} "
            f"across resampled articles.")


def article_view_sentence(result: TopicResult) -> str:
    """How many articles each topic leads, and how many articles have one clear topic."""
    articles = result.article_topics
    columns = [f"topic_{t}" for t in sorted(result.labels)]
    clear = int((articles[columns].max(axis=1) >= 0.5).sum())
    leads = articles["dominant_topic"].value_counts()
    parts = [f"topic {t} leads in {count_phrase(int(leads.get(t, 0)), 'article')}" for t in sorted(result.labels)]
    return (f"{clear:,} of {len(articles):,} articles give at least half of their words to one topic. By dominant "
            f"topic: {'; '.join(parts)}.")


def front_page_sentence(result: TopicResult) -> str:
    """Which topics vanish when one article (or group) is left out, and which may reach the front page."""
    if result.leave_one_out.empty:
        return ("Leave-one-out could not run (a period would be empty), so no topic is confirmed and none reaches "
                "the front page.")
    fragile, allowed = fragile_topics(result), front_page_topics(result)
    unit = "article" if result.loo_mode == "article" else "group of articles"
    if not fragile:
        return f"Every topic is found again whichever {unit} is left out; all may appear on the front page."
    return (f"{'Topic' if len(fragile) == 1 else 'Topics'} {_topic_list(result, fragile)} "
            f"{'vanishes' if len(fragile) == 1 else 'vanish'} when one {unit} is left out: marked † on every chart "
            f"and kept off the front page. "
            + (f"The front page may show {'topic' if len(allowed) == 1 else 'topics'} {_topic_list(result, allowed)}."
               if allowed else
               "No topic survives every refit, so the front page shows none."))


def front_page_note(result: TopicResult) -> str:
    """The front page's note on the topics it leaves out: how many vanish without one article (or group), unnamed."""
    unit = "article" if result.loo_mode == "article" else "group of articles"
    if result.leave_one_out.empty:
        return "Leave-one-out could not run, so no topic is confirmed and none is shown here."
    fragile = fragile_topics(result)
    if not fragile:
        return f"Every topic is found again whichever {unit} is left out."
    return (f"{count_phrase(len(fragile), 'topic')} that {'vanishes' if len(fragile) == 1 else 'vanish'} when one {unit} "
            "is left out " + ("is" if len(fragile) == 1 else "are") + " not shown here; the topic page lists "
            + ("it." if len(fragile) == 1 else "them."))


def development_score_sentence(score: pd.DataFrame) -> str:
    """One Markdown sentence stating the development score from :func:`analysis.topics.model.development_score`."""
    row = score.iloc[0]
    return (f"On the development corpus ({int(row['n_articles'])} hand-labelled news articles, {int(row['n_themes'])} "
            f"themes), the stage with its default settings ({row['unit']} units, k = {int(row['k'])} chosen by "
            f"the rule) puts articles of one theme under one dominant topic with NMI **{row['nmi']:.2f}** and purity "
            f"{row['purity']:.2f}; the best plain baseline ({row['best_baseline']}) reaches NMI "
            f"{row['best_baseline_nmi']:.2f}.")
