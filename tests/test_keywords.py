"""Frame and actor dictionaries: word boundaries, case, phrases, and clear errors for a broken data file."""

import re

import pandas as pd
import pytest

from analysis.comparison import actors
from analysis.comparison import frames as framing
from analysis.core import keywords


def frames_of(text: str) -> dict[str, int]:
    sents = pd.DataFrame({"sent_id": ["s"], "doc_id": ["d"], "period": ["p"], "outlet": ["o"], "text": [text]})
    row = framing.sentence_frames(sents).iloc[0]
    return {frame: int(row[frame]) for frame in framing.frame_names()}


def test_us_the_country_is_not_us_the_pronoun():
    assert frames_of("Sanctions from the US hurt.")["sanctions and the West"] == 1
    assert frames_of("Let us talk about it.")["sanctions and the West"] == 0
    mentions = actors.count_mentions(pd.Series(["The U.S. and the USA", "tell us", "US-led order"]))["United States"]
    assert mentions.tolist() == [2, 0, 1]


def test_prefix_terms_match_longer_words_but_not_inside_words():
    assert frames_of("New sanctions were imposed.")["sanctions and the West"] == 1
    assert frames_of("The gas pipelines run east.")["energy"] == 1
    assert frames_of("The gaslight era.")["energy"] == 0  # "gas" is a whole-word term
    assert frames_of("Ukrainian grain.")["the war in Ukraine"] == 1


def test_ambiguous_war_alone_is_not_the_war_in_ukraine():
    assert frames_of("The war ended in 1945.")["the war in Ukraine"] == 0
    assert frames_of("The war ended in 1945.")["Second World War memory"] == 0
    assert frames_of("The end of World War II.")["Second World War memory"] == 1


def test_phrases_match_across_hyphens_and_spaces():
    assert frames_of("a “no-limits” agreement")["diplomacy and partnership"] == 1
    assert frames_of("prohibited dual use goods")["technology and dual use"] == 1


def test_longest_name_counts_once():
    counts = actors.count_mentions(pd.Series(["Xi Jinping met Vladimir Putin. Xi smiled; Putin too."]))
    assert counts.loc[0, "Xi Jinping"] == 2
    assert counts.loc[0, "Vladimir Putin"] == 2


def test_document_mentions_are_per_thousand_words():
    paragraphs = pd.DataFrame({"doc_id": ["a", "a", "b"], "period": ["p", "p", "q"],
                               "text": ["Japan and Iran.", "Japan again.", "Nothing here."]})
    documents = pd.DataFrame({"doc_id": ["a", "b"], "period": ["p", "q"], "outlet": ["X", "Y"], "n_words": [500, 100]})
    table = actors.document_mentions(paragraphs, documents).set_index("doc_id")
    assert table.loc["a", "Japan"] == pytest.approx(2 * 1000 / 500)
    assert table.loc["b", "Japan"] == 0
    assert table.loc["a", "words"] == 500


def test_broken_data_file_names_file_term_and_fix(tmp_path, monkeypatch):
    bad = tmp_path / "frames.csv"
    bad.write_text("# header\nframe,term,match,case\nenergy,gas,wordy,any\n", encoding="utf-8")
    monkeypatch.setattr(keywords, "data_file", lambda name: bad)
    with pytest.raises(ValueError, match=r"frames.csv, term 'gas': match must be one of"):
        keywords.read_keyword_file("frames.csv", "frame")
    bad.write_text("frame,term\nenergy,gas\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        keywords.read_keyword_file("frames.csv", "frame")


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


def test_scanning_lower_case_text_finds_what_ignorecase_finds(monkeypatch):
    """The lower-case scan is a speed-up only: on the development corpus and on text with letters that case-folding
    treats specially (Kelvin K, dotted İ, dotless ı, long ſ), it finds the same matches as the IGNORECASE pattern."""
    from analysis.comparison.frames import load_frames
    from analysis.core import keywords
    from analysis.core.paths import PROJECT_ROOT

    texts = [line for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["\u212aremlin SANCTIONS on Gas", "SANCT\u0130ONS and gas", "\u017fanctions, gas", "Energy\u0131 sanctions"]
    series = pd.Series(texts)
    index = keywords.keyword_index(load_frames(), "frame")
    monkeypatch.setattr(keywords, "SCAN_BATCH", 1)  # one text per batch: a special letter sends only its own text back
    kept_case = []  # texts a case-insensitive pattern scanned as written, not lowered

    def recording(text, pattern):
        scanned, used = keywords_case_folded(text, pattern)
        if pattern.flags & re.IGNORECASE and scanned is text:  # not lowered: scanned with IGNORECASE
            kept_case.append(text)
        return scanned, used

    keywords_case_folded = keywords._case_folded
    monkeypatch.setattr(keywords, "_case_folded", recording)
    folded = keywords.find_keywords(series, index)
    assert kept_case == ["\0SANCT\u0130ONS and gas", "\0\u017fanctions, gas", "\0Energy\u0131 sanctions"]
    monkeypatch.setattr(keywords, "_case_folded", lambda text, pattern: (text, pattern))
    plain = keywords.find_keywords(series, index)
    assert len(folded) > 100 and set(folded["row"]) >= {len(texts) - 4, len(texts) - 1}
    pd.testing.assert_frame_equal(folded, plain)
