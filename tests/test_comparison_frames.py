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
