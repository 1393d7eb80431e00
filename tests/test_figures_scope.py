"""What a figure measures, decided from its clause: who, what quantity, span, status, with the deciding words."""

import pandas as pd
import pytest

from analysis.figures import scope as fs
from analysis.figures.extract import extract_figures


def decided(text: str, surface: str, previous: str = "") -> dict:
    """The decision for the figure ``surface`` in the one-sentence ``text``."""
    table = extract_figures(text)
    row = table[table["surface"] == surface].iloc[0]
    return fs.decide(text, int(row.start), int(row.end), row.kind, row.unit, row.per, row.qualifier, previous)


@pytest.mark.parametrize("text, surface, who, what, indicator", [
    ("Trade between Moscow and Beijing reached $190 billion in 2022.", "$190 billion", "china_russia", "total trade",
     "china_russia_trade"),
    ("Sino-Russian turnover hit $150 billion.", "$150 billion", "china_russia", "total trade", "china_russia_trade"),
    ("China's trade with the EU reached $850 billion.", "$850 billion", "third_party", "total trade", "other"),
    ("China's total foreign trade reached $6 trillion.", "$6 trillion", "china", "total trade", "other"),
    ("Russian exports to China rose to $110 billion.", "$110 billion", "china_russia", "one direction of trade",
     "china_russia_flow"),
    ("Russia shipped 2.1 million tonnes of coal to China.", "2.1 million tonnes", "china_russia", "traded volume",
     "china_russia_flow"),
    ("Gazprom sent 22 bcm of gas to China.", "22 bcm", "china_russia", "gas volume", "gas_volume"),
    ("A Chinese bank lent Rosneft $12 billion.", "$12 billion", "china_russia", "deal value", "deal_value"),
    ("China bought 20 Su-35 fighters from Russia for $2.1 billion.", "$2.1 billion", "china_russia", "military", "military"),
    ("Russian and Chinese crews flew six bombers over the sea.", "six bombers", "china_russia", "military", "military"),
])
def test_who_and_what(text, surface, who, what, indicator):
    d = decided(text, surface)
    assert (d["who"], d["what"], d["indicator"]) == (who, what, indicator)


def test_a_growth_rate_is_never_a_share():
    d = decided("Payments between China and Russia in yuan rose by 35% last year.", "35%")
    assert (d["what"], d["what_words"], d["indicator"]) == ("growth rate", "rose", "other")
    d = decided("Some 85% of payments between China and Russia are settled in rubles and yuan.", "85%")
    assert (d["what"], d["indicator"]) == ("national-currency share", "national_currency_share")
    assert d["what_words"] == "payments; rubles"


def test_a_currency_s_share_of_exchange_trading_is_no_settlement_share():
    d = decided("The yuan took 40% of trading volumes on the Moscow Exchange, says Russia's central bank, as payments "
                "with China move to rubles.", "40%")
    assert d["indicator"] == "other"


def test_prices_and_exchange_rates_are_their_own_measures():
    assert decided("Russia sold crude to China at $65 per barrel.", "$65 per barrel")["what"] == "price or rate"
    assert decided("China paid Russia for gas (US$1 = 7.1 yuan).", "7.1 yuan")["what"] == "exchange rate"


def test_span_and_status_come_from_the_figure_s_own_words():
    d = decided("In January-May, China-Russia trade reached $90 billion.", "$90 billion")
    assert (d["span"], d["status"], d["span_words"]) == ("year to date", "actual", "January-May")
    d = decided("In March alone Russia-China trade reached $20 billion, month-on-month growth.", "$20 billion")
    assert d["span"] == "month"
    d = decided("China-Russia trade was $100 billion and the leaders set a goal of $200 billion.", "$100 billion")
    assert d["status"] == "actual"
    d = decided("China-Russia trade was $100 billion and the leaders set a goal of $200 billion.", "$200 billion")
    assert (d["status"], d["span_words"]) == ("target", "goal")
    d = decided("Officials expect Russia-China trade to grow to $260 billion.", "$260 billion")
    assert d["status"] == "forecast"


def test_clauses_keep_a_third_country_s_figure_apart():
    text = "China's imports from Russia rose to 9 million tonnes, while Saudi supplies fell to 6 million tonnes."
    assert decided(text, "9 million tonnes")["indicator"] == "china_russia_flow"
    assert decided(text, "6 million tonnes")["who"] == "third_party"


def test_a_currency_written_with_a_country_names_no_third_party():
    assert decided("Russia and China signed contracts worth 4 billion U.S. dollars.", "4 billion U.S. dollars")["who"] == \
        "china_russia"


def test_who_falls_back_to_the_previous_sentence_then_the_headline_and_says_so():
    d = decided("Turnover reached $60 billion.", "$60 billion", "Nothing here.\nRussia-China trade booms")
    assert (d["who"], d["who_words"], d["indicator"]) == ("china_russia", "headline: Russia-China; Russia", "china_russia_trade")


def test_a_flow_needs_both_sides_in_its_own_sentence():
    d = decided("Exports rose to 3 million tonnes.", "3 million tonnes", "Russia and China met.\n")
    assert (d["what"], d["indicator"]) == ("traded volume", "other")


def test_add_scope_copies_the_decision_to_an_apposition_and_keeps_its_currency():
    text = "Russia and China agreed a swap line of 150 billion yuan ($23 billion)."
    table = fs.add_scope(extract_figures(text).assign(doc_id="d"))
    got = table[["surface", "indicator", "currency"]].values.tolist()
    assert got == [["150 billion yuan", "deal_value", "CNY"], ["$23 billion", "deal_value", "USD"]]
    assert table.iloc[1]["what_words"].startswith("same as the figure before")


def test_bad_inputs_name_the_problem():
    with pytest.raises(ValueError, match="sentence_start"):
        fs.add_scope(pd.DataFrame({"sentence": []}))


def test_a_duration_is_military_only_when_what_it_times_is():
    assert decided("The joint naval drill lasted 9 days.", "9 days")["what"] == "military"
    assert decided("They held a 3-day joint patrol.", "3-day")["what"] == "military"
    assert decided("After a two-day trip to Minsk, he watched a military parade.", "two-day")["what"] == "other"


def test_a_subject_referring_back_takes_the_previous_sentence_s_parties():
    d = decided("The country shipped 40 million tonnes of coal.", "40 million tonnes",
                "Russia is China's main coal supplier.\n")
    assert (d["who_words"], d["indicator"]) == ("The country = previous sentence: China; Russia", "china_russia_flow")


def test_civil_words_that_look_military_are_no_military_cue():
    assert decided("Russia sent 12 oil tankers to China.", "12 oil tankers")["what"] == "other"
    assert decided("Chinese firms bought 30 drilling rigs in Russia.", "30 drilling rigs")["what"] == "other"
    assert decided("China and Russia sent 5 warships to the drill.", "5 warships")["what"] == "military"


def test_a_calendar_span_opening_the_clause_covers_its_figure():
    d = decided("In the first four months of the year, China's imports of Russian pork rose by a third to $40 million.",
                "$40 million")
    assert (d["span"], d["span_words"]) == ("year to date", "first four months")


@pytest.mark.parametrize(("table", "message"), [
    (pd.DataFrame({"word": ["trade"], "role": ["trade"]}),
     r"analysis/data/figure_scope_words.csv: header must be 'term,role', got \['word', 'role'\]"),
    (pd.DataFrame({"term": ["turnover", "pipeline"], "role": ["trade", "plumbing"]}),
     r"analysis/data/figure_scope_words.csv, data row 2 \('pipeline', 'plumbing'\): the term must be filled and the "
     r"role one of .* Fix or delete the row"),
])
def test_a_broken_scope_word_file_names_the_row(monkeypatch, table, message):
    monkeypatch.setattr(fs, "read_data_table", lambda name: table)
    fs.scope_words.cache_clear()
    try:
        with pytest.raises(fs.ScopeWordsError, match=message):
            fs.scope_words()
    finally:
        fs.scope_words.cache_clear()


def _dev_corpus():
    from analysis.core.paths import PROJECT_ROOT
    from analysis.corpus.load import load_corpus

    return load_corpus(PROJECT_ROOT / "tests/data/dev_corpus", None)


def _contexts_by_groupby(figures: pd.DataFrame, sentences: pd.DataFrame) -> list[str]:
    """The contexts as add_scope first built them: for every sentence of the corpus, then looked up per figure."""
    before = sentences.groupby("doc_id", sort=False)["text"].shift(1).fillna("")
    headline = sentences.groupby("doc_id", sort=False)["text"].transform("first")
    joined = (before.str.replace("\n", " ") + "\n" + headline.str.replace("\n", " ")).tolist()
    return figures["sent_id"].map(dict(zip(sentences["sent_id"], joined))).fillna("").tolist()


def test_contexts_are_built_only_for_figures_and_equal_the_whole_corpus_construction():
    from analysis.figures.extract import corpus_figures

    corpus = _dev_corpus()
    figures = corpus_figures(corpus)
    sentences = corpus.sentences
    assert fs.figure_contexts(figures, sentences) == _contexts_by_groupby(figures, sentences)
    # an article's sentences scattered through the table, and a figure whose sentence is missing
    shuffled = sentences.sample(frac=1, random_state=3).reset_index(drop=True)
    odd = figures.assign(sent_id=figures["sent_id"].where(figures.index % 7 != 0, "missing"))
    assert fs.figure_contexts(odd, shuffled) == _contexts_by_groupby(odd, shuffled)
    assert any(context.startswith("\n") for context in fs.figure_contexts(figures, sentences))  # a first sentence


def test_add_scope_decides_each_figure_as_decide_does_with_its_context():
    """The stage remembers a figure's decision without its context and reads the context only when the sentence names
    nobody: the same decisions as calling decide on every figure (appositions aside, which copy the figure before)."""
    from analysis.figures.extract import corpus_figures

    corpus = _dev_corpus()
    figures = corpus_figures(corpus)
    table = fs.add_scope(figures, corpus.sentences)
    contexts = _contexts_by_groupby(figures, corpus.sentences)
    checked = 0
    for row, context in zip(table.itertuples(), contexts):
        if row.what_words.startswith("same as the figure before"):
            continue
        s, e = row.start - row.sentence_start, row.end - row.sentence_start
        expected = fs.decide(row.sentence, s, e, row.kind, row.unit, row.per, row.qualifier, context)
        assert {column: getattr(row, column) for column in fs.SCOPE_COLUMNS} == expected
        checked += 1
    assert checked > 500 and (table["who_words"].str.startswith("previous sentence:")).any()


def test_scope_words_match_as_with_a_word_start_test_in_every_term():
    """The patterns test for a word start once before all terms; written per term they find the same matches."""
    import re

    from analysis.core.keywords import alternation
    from analysis.core.paths import read_data_table

    texts = _dev_corpus().sentences["text"].tolist()
    table = read_data_table(fs.SCOPE_FILE)
    for role in fs.ROLES:
        words = [term.strip() for term, r in zip(table["term"], table["role"]) if r == role]
        per_term = re.compile(alternation(words, part=lambda term: fs.WORD_START + fs._term(term)))
        pattern = fs.scope_words().patterns[role]
        assert [[m.span() for m in pattern.finditer(t)] for t in texts] == \
            [[m.span() for m in per_term.finditer(t)] for t in texts], role


AWKWARD_SCOPE_TEXTS = [
    "ſo far this year the ſhips of the Kremlin (KREMLIN) sailed; İndia and ındia, UNITED-STATES and us and US.",
    "first\u00a0three months; FIRST-THREE-MONTHS; first - three months; the first-quarter target-setting of -Japan",
    "Sino-Russian, sino russian, Russia–China and Russia-China; ASEAN's aSEAN members; the E.U. and EU-wide",
    "H1 h1 H12 -H1 _H1 5H1; Xi, XI, xi'an; Su-35s and S-400s; annual-ly annually annual_report",
    "straße STRASSE ﬁrst ﬂow; Türkiye TÜRKİYE türkiye; «China»“Russia”(Moscow)[Beijing]",
    "",
    "-",
    "the countries, between-the-countries and between\nthe\ncountries; a year, a-year, per\tyear",
]


def test_scope_words_first_character_test_changes_no_match():
    """The first-character lookahead before each role's terms only rejects positions no term matches at: the patterns
    without it find the same matches (spans and text) on the development corpus and on awkward text."""
    import re

    from analysis.core.keywords import alternation
    from analysis.core.paths import read_data_table

    texts = _dev_corpus().sentences["text"].tolist() + AWKWARD_SCOPE_TEXTS
    table = read_data_table(fs.SCOPE_FILE)
    for role in fs.ROLES:
        words = [term.strip() for term, r in zip(table["term"], table["role"]) if r == role]
        plain = re.compile(fs.WORD_START + alternation(words, part=fs._term))
        pattern = fs.scope_words().patterns[role]
        assert pattern.pattern != plain.pattern
        assert [[(m.span(), m.group()) for m in pattern.finditer(t)] for t in texts] == \
            [[(m.span(), m.group()) for m in plain.finditer(t)] for t in texts], role
    # every term found at the start of a text, whatever its case, also with the guard
    for term, role in zip(table["term"], table["role"]):
        for text in (term.strip(), term.strip().upper(), term.strip().lower(), term.strip().swapcase()):
            plain = re.compile(fs.WORD_START + alternation([term.strip()], part=fs._term))
            assert bool(fs.scope_words().patterns[role].match(text)) >= bool(plain.match(text)), (term, text)


def test_characters_that_fold_to_ascii_are_all_listed():
    """The required-piece test assumes only FOLDS_TO_ASCII's characters match an ASCII character when case is
    ignored; checked against every character, so a Python with new case rules fails here, not silently."""
    import re
    import sys

    ascii_any_case = re.compile(r"(?i:[\x00-\x7f])")
    folding = {chr(c) for c in range(128, sys.maxunicode + 1) if ascii_any_case.match(chr(c))}
    assert folding == set(fs.FOLDS_TO_ASCII.pattern.strip("[]"))


def test_found_with_required_pieces_equals_a_full_scan():
    """A text without any term's required piece is not scanned: _found gives the same matches as scanning every text,
    on the development corpus (whole sentences and the windows decide reads) and on awkward text."""
    texts = _dev_corpus().sentences["text"].tolist()
    texts += [text[i:i + 60] for text in texts[:400] for i in range(0, len(text), 25)]
    texts += AWKWARD_SCOPE_TEXTS + [
        "in the firſt half", "Moſcow", "CHİNA", "chına", "tanKs", "ſo far this year; firſt ſix months; the Kremlin's "
        "Kelvin-Kremlin; İndia and Russıa; JANUARY–MARCH",
        "RUSSIA-CHINA trade and china-russia TRADE; sino russian; YEAR TO DATE; H1 and h1; Su-35S, S-400S",
        "month-on-month; Month on month; a-year; PER YEAR; Gazprom Neft's; CNPC and cnpc", "US$ 5", "the U.S. dollar"]
    words = fs.scope_words()
    checked = 0
    for role in fs.ROLES:
        for text in texts:
            found = fs._found.__wrapped__(role, text)
            assert [(m.span(), m.group()) for m in found] == \
                [(m.span(), m.group()) for m in words.patterns[role].finditer(text)], (role, text)
            checked += bool(found)
    assert checked > 300
    assert words.required["ytd"][0].search("in the first two months".lower())
    pieces, exact_pieces = words.required["third_party"]
    assert pieces.search("rkiye") and not pieces.search("us") and exact_pieces.search("US") and not exact_pieces.search("us")


def test_required_pieces_of_terms_in_any_case_and_in_their_own_case():
    """A term matched in any case gives its longest ASCII run in lower case, one matched in its own case its longest
    word as written; a term without ASCII leaves the role always scanned."""
    pieces, exact_pieces = fs._required_pieces(["Türkiye", "Saudi Arabia", "US", "EU*", "U.S.", "Turkish"])
    assert pieces.pattern == alternation_of(["rkiye", "arabia", "turkish"])
    assert exact_pieces.pattern == alternation_of(["US", "EU", "U.S."])
    assert fs._required_pieces(["Россия", "China"]) is None
    assert fs._required_pieces(["US"])[0] is None and fs._required_pieces(["China"])[1] is None
    # each role's texts: a text without the pieces (and no folding character) has no match
    for text in ["ÜS", "us and eu", "tÜrkiye", "TÜRKİYE", "TüKiye"]:
        for role in fs.ROLES:
            assert [m.span() for m in fs._found.__wrapped__(role, text)] == \
                [m.span() for m in fs.scope_words().patterns[role].finditer(text)], (role, text)


def alternation_of(words):
    from analysis.core.keywords import alternation

    return alternation(words)


def test_clause_breaks_are_those_of_the_pattern_as_first_written():
    """CLAUSE_BREAK, written with each alternative starting with one character, finds the same breaks as the pattern
    first written (",?[ ]+" once), on the development corpus and on awkward text."""
    import random
    import re

    first = re.compile(r"""
          ;
        | [ \u00a0][–—-][ \u00a0]
        | ,?[ \u00a0]+(?=(?i:while|whereas|but)\b)
        | :[ \u00a0]
    """, re.VERBOSE)
    rng = random.Random(15)
    pieces = list(" \u00a0,;:-–—ab\n") + ["while", "But", "whereas", "WHILE", "butter", " - ", ",  while", "\u00a0but"]
    texts = _dev_corpus().sentences["text"].tolist() + AWKWARD_SCOPE_TEXTS + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(20_000)]
    for text in texts:
        assert [m.span() for m in fs.CLAUSE_BREAK.finditer(text)] == [m.span() for m in first.finditer(text)], repr(text)


def test_role_patterns_split_by_first_character_match_as_the_one_alternation():
    """Each role's pattern (its terms split by the character a match starts with, and for roles of few first letters
    the word-start test after that character) finds the matches of the word-start test and one alternation of the
    terms, on random strings of the terms' pieces in every case, folding characters and separators."""
    import random
    import re

    from analysis.core.keywords import alternation
    from analysis.core.paths import read_data_table

    table = read_data_table(fs.SCOPE_FILE)
    rng = random.Random(15)
    for role in fs.ROLES:
        words = [term.strip() for term, r in zip(table["term"], table["role"]) if r == role]
        plain = re.compile(fs.WORD_START + alternation(words, part=fs._term))
        pattern = fs.scope_words().patterns[role]
        pieces = [w.rstrip("*") for w in words] + [w.rstrip("*").upper() for w in words] + \
            [w.rstrip("*").lower() for w in words] + list(" -_\n,.;xs5\u00a0") + ["\u0130", "\u0131", "\u017f", "\u212a"]
        for _ in range(1500):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
            assert [(m.span(), m.group()) for m in pattern.finditer(text)] == \
                [(m.span(), m.group()) for m in plain.finditer(text)], (role, text)


def test_a_term_starting_outside_ascii_keeps_the_one_alternation():
    """What the regex engine takes for a first character outside ASCII is not listed, so such a role keeps the one
    alternation."""
    from analysis.core.keywords import alternation

    terms = ["Éire", "Eire", "Japan"]
    assert fs._by_first_character(terms) == fs.WORD_START + fs._first_characters(terms) + alternation(terms, part=fs._term)
    assert fs._first_character_forms("kremlin") == {"k", "K", "\u212a"} and fs._first_character_forms("US") == {"U"}


def test_word_start_patterns_find_what_the_patterns_as_first_written_find():
    """ANAPHOR and MONTH_NAME, written to start with the characters a match can start with (_at_word_start), match as
    the patterns first written with \\b before a case-insensitive alternation, on random strings with folding
    characters, and on the development corpus."""
    import random
    import re

    first = {
        "ANAPHOR": re.compile(r"\b(?i:the|this|that)[ \u00a0]+(?i:country|nation|company|firm|state|side)\b"),
        "MONTH_NAME": re.compile(r"""\b(?i:in|during|for|last)[ \u00a0]+
            (?:January|February|March|April|May|June|July|August|September|October|November|December)\b(?![ \u00a0]+\d{1,2}\b)
        """, re.VERBOSE),
    }
    rng = random.Random(15)
    pieces = ["the", "THE", "This", "that", "tHat", "country", "Nation", "side", "sides", "in", "IN", "\u0130n", "\u0131n",
              "during", "For", "last", "LAST", "May", "June", "november", " ", "\u00a0", "x", "-", "7", " 7", "_", "\n"]
    texts = _dev_corpus().sentences["text"].tolist() + AWKWARD_SCOPE_TEXTS + [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(20_000)]
    for name, pattern in first.items():
        ours = getattr(fs, name)
        for text in texts:
            assert [(m.span(), m.group()) for m in ours.finditer(text)] == \
                [(m.span(), m.group()) for m in pattern.finditer(text)], (name, text)
