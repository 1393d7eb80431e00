"""Frames: the share of sentences that use each frame's words in each period, and the words behind each frame."""

import pandas as pd
import pytest

from analysis.comparison import frames as framing


def test_every_frame_matches_something_in_the_seeds():
    from analysis.corpus.load import load_corpus

    corpus = load_corpus()
    table = framing.sentence_frames(corpus.sentences)
    unused = [frame for frame in framing.frame_names() if table[frame].sum() == 0]
    assert not unused, f"frames that match no seed sentence: {unused}"


def test_frame_comparison_shares_and_words():
    sents = pd.DataFrame({
        "sent_id": ["a-1", "a-2", "b-1", "c-1"], "doc_id": ["a", "a", "b", "c"], "period": ["P", "P", "P", "Q"],
        "outlet": ["X", "X", "Y", "Z"],
        "text": ["Gas flows.", "Talks went well.", "No frame here.", "New sanctions and more gas."],
    })
    result = framing.frame_comparison(sents, ["P", "Q"], random_state=3, n_resamples=200)
    energy = result.estimates.set_index(["measure", "period"]).loc["energy", "estimate"]
    assert energy.to_dict() == {"P": pytest.approx(1 / 3), "Q": 1.0}
    diff = result.differences.set_index("measure").loc["energy"]
    assert diff["difference"] == pytest.approx(2 / 3)
    words = framing.frame_words(sents)
    assert words[words["frame"] == "energy"][["period", "word", "matches"]].values.tolist() == [["P", "gas", 1], ["Q", "gas", 1]]


def test_matches_as_numbers_give_the_tables_of_matches_as_text():
    """The stage keeps the frame matches as numbers: the sentence flags, the words per frame and the comparison are
    those of the text form, on the development corpus."""
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus.load import load_corpus

    sentences = load_corpus(PROJECT_ROOT / "tests/data/dev_corpus").sentences
    as_text, as_numbers = framing.frame_matches(sentences), framing.frame_keyword_matches(sentences)
    assert len(as_text) == len(as_numbers.rows) > 500
    pd.testing.assert_frame_equal(framing.sentence_frames(sentences, found=as_numbers),
                                  framing.sentence_frames(sentences, found=as_text))
    words = framing.frame_words(sentences, found=as_numbers)
    pd.testing.assert_frame_equal(words, framing.frame_words(sentences, found=as_text))
    assert words["matches"].sum() == len(as_text)


def test_frames_resampled_per_document_give_the_sentence_level_tables():
    """The stage resamples a row per article (sentences carrying each frame, summed): every table is identical to
    the one resampled from a row per sentence, on the development corpus."""
    from analysis.core.bootstrap import compare_periods
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus.load import load_corpus

    corpus = load_corpus(PROJECT_ROOT / "tests/data/dev_corpus")
    periods = corpus.period_names[:2]
    found = framing.frame_keyword_matches(corpus.sentences)
    per_document = framing.document_frames(corpus.sentences, found=found)
    flags = framing.sentence_frames(corpus.sentences, found=found)
    assert per_document["sentences"].sum() == len(corpus.sentences)
    assert per_document[framing.frame_names()].sum().tolist() == flags[framing.frame_names()].sum().tolist()
    for n_resamples in (50, 2000):
        new = framing.frame_comparison(corpus.sentences, periods, random_state=7, n_resamples=n_resamples, found=found)
        old = compare_periods(flags, framing.frame_names(), periods[0], periods[1], random_state=7, n_resamples=n_resamples)
        for part in ("estimates", "differences", "leave_one_out"):
            pd.testing.assert_frame_equal(getattr(new, part), getattr(old, part), check_exact=True)


def test_frame_words_counted_as_numbers_equal_a_groupby_of_the_matches():
    """frame_words counts (frame, period, word) keys as numbers; the table is the one grouping every match's strings
    gives, on the development corpus, with a sentence without a period left out as grouping leaves it out."""
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus.load import load_corpus

    sentences = load_corpus(PROJECT_ROOT / "tests/data/dev_corpus").sentences.copy()
    sentences.loc[sentences.index[::9], "period"] = None
    found = framing.frame_matches(sentences)
    spelled = found.assign(period=sentences["period"].to_numpy()[found["row"]], frame=found["group"],
                           word=found["matched"].str.lower().str.replace(r"\s+", " ", regex=True))
    expected = (spelled.groupby(["frame", "period", "word"]).size().rename("matches").reset_index()
                .sort_values(["frame", "period", "matches", "word"], ascending=[True, True, False, True], ignore_index=True))
    for form in (found, framing.frame_keyword_matches(sentences)):
        pd.testing.assert_frame_equal(framing.frame_words(sentences, found=form), expected, check_exact=True)
