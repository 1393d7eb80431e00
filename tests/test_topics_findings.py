"""Sentences of the topic page: exact strings against small hand-made tables."""

import dataclasses

import pandas as pd
import pytest

from analysis.topics import findings as text
from analysis.topics.model import TopicResult


@pytest.fixture
def result():
    """A hand-made result: 3 topics, 4 articles, leave-one-out where topic 3 vanishes without article d."""
    labels = {1: "gas · pipeline · turbine", 2: "tank · drone · radar", 3: "tariff · <customs> · freight"}
    articles = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "period": ["p", "p", "q", "q"], "outlet": "o",
                             "n_units": 1, "topic_1": [0.9, 0.6, 0.2, 0.1], "topic_2": [0.1, 0.3, 0.7, 0.45],
                             "topic_3": [0.0, 0.1, 0.1, 0.45], "dominant_topic": [1, 1, 2, 2]})
    loo = pd.DataFrame({"left_out": ["a", "d", "a", "d", "a", "d"], "topic": [1, 1, 2, 2, 3, 3],
                        "similarity": [0.9, 0.9, 0.8, 0.8, 0.7, 0.2], "found": [True, True, True, True, True, False],
                        "difference": 0.0})
    k_search = pd.DataFrame({"k": [2, 3, 4], "coherence": [0.20, 0.31, 0.30], "coherence_sd": [0.01, 0.02, 0.01],
                             "exclusivity": [0.9, 0.85, 0.8], "stability_restarts": [1.0, 0.9, 0.8],
                             "stability_articles": [0.4, 0.6, 0.7], "admissible": [False, True, True],
                             "chosen": [False, False, True]})
    empty = pd.DataFrame()
    return TopicResult(model="nmf", unit="document", k=3, k_search=k_search, topics=empty, frex=empty, labels=labels,
                       unit_topics=empty, examples=empty, prevalence=empty, differences=empty, leave_one_out=loo,
                       loo_mode="article", n_units=4, n_terms=120, article_topics=articles,
                       excluded_units=pd.DataFrame({"text": ["Pulling together", "Gas <b>deal</b>"]}),
                       unit_rule="Whole articles are the units.", k_cap=4)


def test_units_sentence(result):
    assert text.units_sentence(result) == (
        "Whole articles are the units. 2 headline-like paragraphs (headlines, subheads and one-line labels) are left "
        "out of the model; they stay in the text and the tables. The model sees **4 document units** and **120 terms**.")


def test_common_terms_sentence_lists_shares_and_escapes():
    common = pd.DataFrame({"term": ["china", "russia", "<b>"], "n_articles": [9, 8, 6], "share": [0.9, 0.8, 0.6]})
    assert text.common_terms_sentence(common, 0.5, n_shown=2) == (
        "3 terms occur in more than 50% of the articles and are not used as topic words: *china* (90%), *russia* (80%), "
        "and 1 more (table below).")
    assert "&lt;b&gt;" in text.common_terms_sentence(common, 0.5)
    assert text.common_terms_sentence(common.iloc[0:0], 0.5) == (
        "No term occurs in more than 50% of the articles, so none is set aside.")


def test_k_search_sentence(result):
    assert text.k_search_sentence(result) == (
        "Candidates k = 2–4 (at most 4: one topic per 5 articles); 2 candidates (3, 4) are stable (both stabilities at "
        "least 0.50). The best coherence among them is 0.31 at k = 3; the largest k within one standard deviation of it "
        "(0.29) is **k = 4**: coherence 0.30, exclusivity 0.80, stability 0.80 across restarts and 0.70 across "
        "resampled articles.")
    single = dataclasses.replace(result, k_search=result.k_search.iloc[1:2].assign(chosen=True), k_cap=2)
    assert text.k_search_sentence(single).startswith(
        "One candidate, k = 3 (at most 2: one topic per 5 articles); every candidate is stable (both stabilities at "
        "least 0.50). The best coherence among them is 0.31 at k = 3;")
    fixed = dataclasses.replace(result, k_search=result.k_search.iloc[0:0])
    assert text.k_search_sentence(fixed) == (
        "The number of topics was set by the `n_topics` parameter to **3**; no search was run.")


def test_article_view_sentence(result):
    assert text.article_view_sentence(result) == (
        "3 of 4 articles give at least half of their words to one topic. By dominant topic: topic 1 leads in "
        "2 articles; topic 2 leads in 2 articles; topic 3 leads in no articles.")


def test_front_page_sentence(result):
    assert text.front_page_sentence(result) == (
        "Topic 3 (*tariff · &lt;customs&gt; · freight*) vanishes when one article is left out: marked † on every chart "
        "and kept off the front page. The front page may show topics 1 (*gas · pipeline · turbine*), 2 (*tank · drone · radar*).")
    solid = dataclasses.replace(result, leave_one_out=result.leave_one_out.assign(found=True))
    assert text.front_page_sentence(solid) == (
        "Every topic is found again whichever article is left out; all may appear on the front page.")


def test_front_page_note_counts_the_topics_it_leaves_out_without_naming_them(result):
    assert text.front_page_note(result) == (
        "1 topic that vanishes when one article is left out is not shown here; the topic page lists it.")
    both = dataclasses.replace(result, leave_one_out=result.leave_one_out.assign(found=[True, False, True, True, True, False]))
    assert text.front_page_note(both) == (
        "2 topics that vanish when one article is left out are not shown here; the topic page lists them.")
    assert "customs" not in text.front_page_note(result)
    solid = dataclasses.replace(result, leave_one_out=result.leave_one_out.assign(found=True))
    assert text.front_page_note(solid) == "Every topic is found again whichever article is left out."
    assert text.front_page_note(dataclasses.replace(result, leave_one_out=pd.DataFrame())) == (
        "Leave-one-out could not run, so no topic is confirmed and none is shown here.")
