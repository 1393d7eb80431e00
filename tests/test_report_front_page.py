"""The front page's summary paragraphs: exact strings against small hand-made tables."""

import dataclasses

import pandas as pd

from analysis.corpus.composition import sources_paragraph
from analysis.report import front_page
from analysis.topics.model import TopicResult

PERIODS = ["2014–2015", "2023–2024"]


def test_words_paragraph_lists_article_counts_and_says_when_nothing_passes_the_fdr():
    top = pd.DataFrame({"favours": ["2014–2015", "2014–2015", "2023–2024"], "term": ["port", "<b>gas</b>", "war"],
                        "articles_a": [5, 1, 0], "articles_b": [0, 0, 6]})
    table = pd.DataFrame({"term": ["port", "<b>gas</b>", "war", "trade"], "significant": [False, False, False, False]})
    assert front_page.words_paragraph(top, table, PERIODS, {"2014–2015": 30, "2023–2024": 30}, 0.05) == (
        "**Words.** The words most typical of 2014–2015 are *port* (5 of 30 articles), *&lt;b&gt;gas&lt;/b&gt;* (1 of 30 "
        "articles); of 2023–2024, *war* (6 of 30 articles). None of the 4 terms differs beyond chance (false discovery "
        "rate 5%): these are descriptions of the articles, not established differences.")
    table.loc[0, "significant"] = True
    assert front_page.words_paragraph(top, table, PERIODS, {"2014–2015": 30, "2023–2024": 30}, 0.1).endswith(
        "1 of 4 terms differ beyond chance (false discovery rate 10%).")


def topic_result(found: list[bool]) -> TopicResult:
    loo = pd.DataFrame({"left_out": ["a", "a", "a"], "topic": [1, 2, 3], "found": found})
    differences = pd.DataFrame({"topic": [1, 2, 3], "difference": [0.2, -0.1, 0.3], "excludes_zero": [True, False, True],
                                "sign_survives": [True, False, True]})
    empty = pd.DataFrame()
    return TopicResult(model="nmf", unit="document", k=3, k_search=empty, topics=empty, frex=empty,
                       labels={1: "gas", 2: "war", 3: "trade"}, unit_topics=empty, examples=empty, prevalence=empty,
                       differences=differences, leave_one_out=loo, loo_mode="article", n_units=60, n_terms=900,
                       article_topics=empty, excluded_units=empty, unit_rule="", k_cap=12)


def test_topics_paragraph_counts_only_the_topics_that_survive_leaving_one_article_out():
    result = topic_result([True, True, False])
    assert front_page.topics_paragraph(result, n_units=30) == (
        "**Topics.** 3 topics (NMF on 60 documents); 2 of them are found again whichever article is left out, and their "
        "shifts between the periods are: 1 supported and 1 not supported. See [02 · Topics](02_topic_model.html).")
    assert front_page.topics_paragraph(topic_result([False, False, False]), n_units=30) == (
        "**Topics.** 3 topics (NMF on 60 documents); none is found again whichever article is left out, so no topic is "
        "reported here. See [02 · Topics](02_topic_model.html).")
    assert "trade" not in front_page.topics_paragraph(result, n_units=30)


def test_figures_paragraph_states_the_count_and_escapes_the_indicator_sentences():
    side = pd.DataFrame({"indicator": ["china_russia_trade"], "comparable": [False],
                         "change": ["China–Russia trade: not comparable across the periods, because <x> reports none."]})
    text = front_page.figures_paragraph(side, 12)
    assert text.startswith("**Figures.** China–Russia trade\\: not comparable")
    assert "&lt;x&gt;" in text and "<x>" not in text
    assert text.endswith(" 12 figures in all, every one tied to its sentence in [03 · Figures](03_extract_figures.html).")


def test_frames_paragraph_counts_verdicts_and_lists_the_clearest_changes():
    estimates = pd.DataFrame({"measure": ["energy", "energy", "war", "war"], "period": PERIODS * 2,
                              "estimate": [0.1, 0.3, 0.2, 0.2]})
    differences = pd.DataFrame({"measure": ["energy", "war"], "difference": [0.2, 0.0], "ci_low": [0.05, -0.1],
                                "ci_high": [0.33, 0.1], "excludes_zero": [True, False], "sign_survives": [True, False],
                                "reversed_by": ["", ""], "reversed_to": [0.0, 0.0], "lost_without": ["", ""],
                                "largest_mover": ["doc-7", ""], "largest_mover_to": [0.15, 0.0]})
    assert front_page.frames_paragraph(estimates, differences, PERIODS, n_units=30) == (
        "**Frames.** Of 2 frame changes: 1 supported and 1 not supported. The clearest:\n"
        "- *energy*: 10% in 2014–2015, 30% in 2023–2024 (+20 points; 95% interval +5 points to +33 points). The interval "
        "excludes zero and no single article reverses it (without `doc-7` it is +15 points): **supported**.")


def test_sources_paragraph_names_shared_outlets_and_independent_sources():
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "period": PERIODS[:1] * 2 + PERIODS[1:], "outlet": ["X", "Y", "X"]})
    units = documents.assign(unit=[1, 2, 3], shares_sentences=False)
    text = sources_paragraph(documents, units, PERIODS)
    assert text.startswith("2014–2015 rests on **2 articles** from 2 outlets, 2023–2024 on **1 article** from 1 outlet. "
                           "1 outlet appears in both periods. ")
    alone = sources_paragraph(documents.assign(outlet=["X", "Y", "Z"]), units.assign(outlet=["X", "Y", "Z"]), PERIODS)
    assert "no outlet appears in both periods" in alone


def test_summary_joins_the_four_paragraphs_in_order():
    vocabulary = dataclasses.make_dataclass("V", ["top", "table"])(
        pd.DataFrame({"favours": ["2014–2015"], "term": ["port"], "articles_a": [1], "articles_b": [0]}),
        pd.DataFrame({"term": ["port"], "significant": [False]}))
    figure_stage = dataclasses.make_dataclass("F", ["side_by_side", "n_figures"])(
        pd.DataFrame({"indicator": [], "comparable": [], "change": []}), 2)
    frames = dataclasses.make_dataclass("C", ["estimates", "differences"])(
        pd.DataFrame({"measure": [], "period": [], "estimate": []}),
        pd.DataFrame({"measure": [], "difference": [], "excludes_zero": [], "sign_survives": []}))
    text = front_page.summary_markdown(vocabulary, topic_result([True, True, True]), figure_stage, frames, PERIODS,
                                       {"2014–2015": 1, "2023–2024": 1}, n_units=1, fdr=0.05)
    assert [part.split(".")[0] for part in text.split("\n\n")] == ["**Words", "**Topics", "**Figures", "**Frames"]
