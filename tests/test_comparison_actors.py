"""Actors: mentions of each listed actor per 1,000 words, per article and pooled per period."""

import pandas as pd
import pytest

from analysis.comparison import actors


def test_document_mentions_are_per_thousand_words():
    paragraphs = pd.DataFrame({"doc_id": ["a", "a", "b"], "period": ["p", "p", "q"],
                               "text": ["Japan and Iran.", "Japan again.", "Nothing here."]})
    documents = pd.DataFrame({"doc_id": ["a", "b"], "period": ["p", "q"], "outlet": ["X", "Y"], "n_words": [500, 100]})
    table = actors.document_mentions(paragraphs, documents).set_index("doc_id")
    assert table.loc["a", "Japan"] == pytest.approx(2 * 1000 / 500)
    assert table.loc["b", "Japan"] == 0
    assert table.loc["a", "words"] == 500


def test_actor_comparison_pools_rates_by_words():
    paragraphs = pd.DataFrame({"doc_id": ["a", "b", "c"], "period": ["P", "P", "Q"],
                               "text": ["Japan Japan", "Iran", "Japan"]})
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "period": ["P", "P", "Q"], "outlet": ["X", "Y", "Z"],
                              "n_words": [200, 800, 100]})
    result = actors.actor_comparison(paragraphs, documents, ["P", "Q"], random_state=1, n_resamples=100)
    japan = result.estimates.set_index(["measure", "period"]).loc["Japan", "estimate"]
    assert japan["P"] == pytest.approx(2 * 1000 / 1000)  # 2 mentions in 1,000 words
    assert japan["Q"] == pytest.approx(10.0)


def test_a_dateline_is_not_a_mention():
    counts = actors.count_mentions(pd.Series(["TAIPEI, Taiwan (AP) — Chinese President Xi Jinping will welcome Putin.",
                                              "Beijing (AsiaNews) - Xi will be in Moscow.", "Taiwan was mentioned."]))
    assert counts["Taiwan"].tolist() == [0, 0, 1]
    assert counts["Xi Jinping"].tolist() == [1, 1, 0]
    assert counts["China"].tolist() == [1, 0, 0]  # "Chinese" counts; the dateline "Beijing (AsiaNews)" does not


def test_per_document_counts_give_the_tables_of_per_paragraph_counts():
    """The stage counts mentions per document (no row per paragraph): the rates, the per-period mentions and the
    comparison are those computed from per-paragraph counts, on the development corpus and a corpus with datelines."""
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus.load import load_corpus

    corpus = load_corpus(PROJECT_ROOT / "tests/data/dev_corpus")
    dated = pd.DataFrame({"doc_id": ["b", "b", "a", "c"], "period": ["Q", "Q", "P", "P"],
                          "text": ["TAIPEI, Taiwan (AP) — Xi met Putin in Taiwan.", "Taiwan, Japan.", "US and us", "Iran"]})
    for paragraphs, documents in [(corpus.paragraphs, corpus.documents),
                                  (dated, pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "period": ["P", "Q", "P", "Q"],
                                                        "outlet": ["X", "Y", "Z", "W"], "n_words": [10, 20, 30, 40]}))]:
        counts = actors.count_mentions(paragraphs["text"])
        per_document = actors.document_counts(paragraphs)
        pd.testing.assert_frame_equal(per_document, counts.groupby(paragraphs["doc_id"]).sum())
        assert per_document.to_numpy().sum() > 3
        pd.testing.assert_frame_equal(actors.document_mentions(paragraphs, documents, per_document=per_document),
                                      actors.document_mentions(paragraphs, documents, counts=counts))
        pd.testing.assert_frame_equal(actors.mention_counts(paragraphs, per_document=per_document),
                                      actors.mention_counts(paragraphs, counts=counts))
        periods = sorted(set(documents["period"]))[:2]
        new = actors.actor_comparison(paragraphs, documents, periods, random_state=4, n_resamples=300, per_document=per_document)
        old = actors.actor_comparison(paragraphs, documents, periods, random_state=4, n_resamples=300, counts=counts)
        for part in ("estimates", "differences", "leave_one_out"):
            pd.testing.assert_frame_equal(getattr(new, part), getattr(old, part), check_exact=True)
    assert per_document.loc["b", "Taiwan"] == 2 and per_document.loc["b", "Xi Jinping"] == 1  # not the dateline


def test_datelines_blanked_a_slice_at_a_time_as_strip_datelines_blanks_them():
    """The scan's slices skip the dateline rule for texts without "(": the same texts as strip_datelines."""
    texts = pd.Series(["TAIPEI, Taiwan (AP) — Xi will welcome Putin.", "TAIPEI, Taiwan — no agency, Xi.",
                       "MOSCOW (Reuters) - Putin", "Moscow (TASS) – Lavrov (again)", "(AP) — Xi", "", "(",
                       "NEW DELHI (AsiaNews) —", "Beijing said (AP) — nothing", "BEIJING(AP)— Xi", "BEIJING (AP)\n— Xi"])
    blanked = actors._BlankedDatelines(texts)
    assert blanked[0:len(texts)] == actors.strip_datelines(texts).tolist()
    assert blanked[0:1][0].startswith(" " * 20) and blanked[5:7] == ["", "("]
