"""Keyword matching (core.keywords) on the frame and actor dictionaries: word boundaries, case, phrases, the one alternation
builder, and clear errors for a broken data file."""

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


def test_broken_data_file_names_file_term_and_fix(tmp_path, monkeypatch):
    bad = tmp_path / "frames.csv"
    bad.write_text("# header\nframe,term,match,case\nenergy,gas,wordy,any\n", encoding="utf-8")
    monkeypatch.setattr(keywords, "data_file", lambda name: bad)
    with pytest.raises(ValueError, match=r"frames.csv, term 'gas': match must be one of"):
        keywords.read_keyword_file("frames.csv", "frame")
    bad.write_text("frame,term\nenergy,gas\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        keywords.read_keyword_file("frames.csv", "frame")


def test_one_alternation_builder_tries_longest_first_and_the_trie_matches_the_same():
    words = ["seven", "seventeen", "per cent", "percent", "a.m.", "seven"]
    assert keywords.alternation(words) == r"(?:seventeen|per\ cent|percent|seven|a\.m\.)"
    assert keywords.alternation(["b", "a"], part=str.upper, flags="i") == "(?i:A|B)"
    text = "Seventeen per cent at 7 a.m., seven percent, seventy and perc."
    plain = re.compile(rf"(?<!\w){keywords.alternation(words, flags='i')}")
    factored = re.compile(rf"(?<!\w){keywords.trie(words, flexible_spaces=False)}", re.IGNORECASE)
    found = [m.span() for m in plain.finditer(text)]
    assert found == [m.span() for m in factored.finditer(text)]
    assert [text[a:b] for a, b in found] == ["Seventeen", "per cent", "a.m.", "seven", "percent", "seven"]


def test_an_empty_term_or_unknown_case_names_the_file_and_row(tmp_path, monkeypatch):
    bad = tmp_path / "actors.csv"
    monkeypatch.setattr(keywords, "data_file", lambda name: bad)
    bad.write_text("actor,term,match,case\nChina,China,word,any\nRussia, ,word,any\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actors.csv, data row 2: empty term; give a word or phrase, or delete the row"):
        keywords.read_keyword_file("actors.csv", "actor")
    bad.write_text("actor,term,match,case\nChina,PRC,word,upper\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actors.csv, term 'PRC': case must be one of \('any', 'exact'\), not 'upper'"):
        keywords.read_keyword_file("actors.csv", "actor")


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


def _reference_index(index: keywords.KeywordIndex) -> keywords.KeywordIndex:
    """The same index with the plain patterns: (?<!\\w) written before every term, for both cases."""
    plain = []
    for case, pattern in index.patterns:
        words = sorted({term for (kind, term) in index.lookup if kind == case})
        plain.append((case, re.compile(rf"(?<!\w)(?P<term>{keywords.trie(words)})(?P<tail>\w*)", pattern.flags)))
    return keywords.KeywordIndex(tuple(plain), index.lookup, index.groups)


ADVERSARIAL = [
    "US", "USA US-led U.S.-China U.S.EU", "aUS _US 9US éUS ÉUS USé", "(US) [US] 'US' “US” US, US. US; US",
    "U.S.U.S. U.S.A. the U.S.", "\nUS\tUS\u00a0US\u2003US", "NATONATO NATO's NATO-led aNATO",
    "Xi JinpingXi Xi\nJinping Xi-Jinping Xi  Jinping XiJinping", "Putin’s Putins Putin_ Putin9 _Putin",
    "Beijing-Moscow Moscow/Beijing Moscow\u0301 M\u0301oscow", "EU-Russia EU's EUR EU2 eu EU",
    "Sanctions SANCTIONS sanction-hit unsanctioned gas-fired gaslight Gas GAS",
    "Ukraine’s Ukrainian-born pro-Ukrainian war-in-Ukraine", "", " ", "US", "\u0130stanbul \u0131stanbul Kremlin\u212a",
    "gas gas,gas-gas  gas\tgas\u00a0gas“gas”(gas)égas gasé _gas gas_ 9gas gas9 sanctions-gas gas.gas",
    "natural gas natural-gas natural\ngas naturalgas natural  gas-pipeline", "gas", "\u212aremlin GAS \u017fanctions",
]


@pytest.mark.parametrize("load, column", [(framing.load_frames, "frame"), (actors.load_actors, "actor")])
def test_the_fast_patterns_find_exactly_what_the_plain_ones_find(load, column):
    """Exact-case terms are scanned with the word-start check after their first character (the engine then jumps
    between capitals): on adversarial texts (terms glued to letters, digits, underscores, accents, punctuation, each
    other) and on every line of the development corpus, every match is the plain pattern's."""
    from analysis.core.paths import PROJECT_ROOT

    index = keywords.keyword_index(load(), column)
    assert any(STARTS in pattern.pattern for STARTS in [keywords.STARTS_A_WORD] for _, pattern in index.patterns)
    terms = [term for (_, term) in index.lookup]
    glued = [f"{a}{b}" for a, b in zip(terms, terms[1:])] + [f"x{term}" for term in terms] + [f"{term}_" for term in terms]
    lines = [line for path in sorted((PROJECT_ROOT / "tests/data/dev_corpus").glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = pd.Series(ADVERSARIAL + terms + [" ".join(terms)] + glued + lines)
    fast = keywords.find_keywords(texts, index)
    plain = keywords.find_keywords(texts, _reference_index(index))
    assert len(fast) > 1000
    pd.testing.assert_frame_equal(fast, plain)


def test_the_non_word_lead_is_used_only_where_it_finds_the_same():
    """Case-insensitive terms are matched with the non-word character before them (\\W), which finds the same as
    (?<!\\w) only when every term ends with a word character: a term ending otherwise keeps the look-behind, and
    both find, on texts of adjacent and glued terms, what the plain pattern finds."""
    def index_of(terms):
        table = pd.DataFrame({"g": ["A"] * len(terms), "term": terms, "match": ["prefix"] * len(terms),
                              "case": ["any"] * len(terms)})
        return keywords.keyword_index(table, "g")

    texts = pd.Series(["gas gas.gas,gas", "u.s.u.s. u.s.gas gas", "Gas", "", "gasgas x-gas _gas égas ГАЗ_ газ_x",
                       "\u212aremlin kremlin", "a.b.c. a.b.c.a.b.c."])
    for terms, lead in ((["gas", "kremlin", "газ_"], keywords.NON_WORD_BEFORE),
                        (["gas", "u.s.", "a.b.c."], r"(?<!\w)")):
        index = index_of(terms)
        assert index.patterns[0][1].pattern.startswith(lead)
        found = keywords.find_keywords(texts, index)
        pd.testing.assert_frame_equal(found, keywords.find_keywords(texts, _reference_index(index)))
        assert len(found) >= 8
    assert not keywords._leads_with_non_word(["gas", "gas\0"]) and keywords._leads_with_non_word(["g_", "g9"])
