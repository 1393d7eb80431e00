"""Paragraph and sentence segmentation keeps offsets and does not split after abbreviations or inside dates."""

from pathlib import Path

from analysis.corpus.load import load_corpus
from analysis.corpus.segment import line_spans, paragraph_spans, sentence_spans


def texts(text, spans):
    return [text[start:end] for start, end in spans]


def test_no_split_after_mr_or_inside_a_date():
    text = "Mr. Xi arrived on May 7, 2015. Dr. Li and the U.S. envoy met him. It rained."
    assert texts(text, sentence_spans(text)) == [
        "Mr. Xi arrived on May 7, 2015.", "Dr. Li and the U.S. envoy met him.", "It rained."]


def test_sentence_offsets_are_shifted():
    assert sentence_spans("One. Two.", offset=10) == [(10, 14), (15, 19)]


def test_blank_line_and_single_newline_paragraphs():
    blank = "First paragraph here.\n\nSecond paragraph here.\n"
    single = "First paragraph here.\nSecond paragraph here.\n"
    for raw in (blank, single):
        assert texts(raw, paragraph_spans(raw, line_spans(raw))) == ["First paragraph here.", "Second paragraph here."]


def test_hard_wrapped_block_is_one_paragraph():
    line = "word " * 14  # 70 characters per line
    raw = f"{line}\n{line}\n{line}\nend.\n\nNext one."
    paragraphs = texts(raw, paragraph_spans(raw, line_spans(raw)))
    assert len(paragraphs) == 2
    assert paragraphs[0].endswith("end.") and paragraphs[1] == "Next one."


def test_line_spans_handle_crlf():
    raw = "a\r\nb\rc\nd"
    assert texts(raw, line_spans(raw)) == ["a", "b", "c", "d"]


def test_offsets_round_trip_on_every_seed():
    corpus = load_corpus()
    raw = corpus.documents.set_index("doc_id")["raw"]
    for table in (corpus.paragraphs, corpus.sentences):
        for row in table.itertuples(index=False):
            assert raw[row.doc_id][row.start:row.end] == row.text
    assert len(corpus.paragraphs) >= 45


def test_seed_sentences_do_not_split_inside_known_spans():
    corpus = load_corpus()
    sentences = corpus.sentences["text"]
    assert sentences.str.contains("May 7, 2015").sum() == 1  # the DW byline with its date is a dateline: one sentence, kept
    assert sentences.str.contains("U.S. and allied nuclear planning", regex=False).sum() == 1
    assert not sentences.str.endswith("U.S.").any()
    assert not sentences.str.fullmatch(r"(Mr|Dr|Mrs)\.").any()


def test_the_rupee_abbreviation_does_not_end_a_sentence():
    from analysis.corpus.segment import sentence_spans

    text = "The deal is worth Rs. 400 crore, officials said. It was signed on Monday."
    assert [text[start:end] for start, end in sentence_spans(text)] == [
        "The deal is worth Rs. 400 crore, officials said.", "It was signed on Monday."]


def test_break_test_decides_as_punkts_own_on_every_candidate_break():
    """The shorter test of a candidate break gives Punkt's own answer: on every candidate break of the dev corpus and the
    seeds, and on contexts built from abbreviations, initials, numbers, ellipses and punctuation before words of each
    case, on one line or across lines."""
    import itertools

    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from analysis.core.paths import SEEDS_DIR
    from analysis.corpus.segment import break_test, sentence_tokenizer

    tokenizer = sentence_tokenizer()
    contexts = {context for folder in (SEEDS_DIR, Path(__file__).parent / "data" / "dev_corpus")
                for path in sorted(folder.glob("*.txt"))
                for _, context in tokenizer._match_potential_end_contexts(path.read_text(encoding="utf-8"))}
    words = ["Mr.", "U.S.", "J.", "j.", "É.", "2014.", "1.5.", "-3.", ",5.", "a..", "...", ".", "?", "!", "e.g.", "No.",
             "Gov.", "gov.", "GOV.", "Rs.", "Inc.", "Putin\u2003.", "St.", "AB.", "Ab.", "co-op.",
             "ex-Gov.", "##number##.", "Putin.", "putin.", "(Reuters).", '"Yes."', "Inc.,", "3rd.", "A.B.", "it’s."]
    following = ["The", "the", ",", ";", ".", "?", "(", '"', "“", "2015", "...", "É", "é", "—", "$5", "Xi", "X", "Moscow’s",
                 "Putin,", "TASS", "Kezori,", "Kezori:", "Kezori’s", "Kezori)", "Kezori.", "Kezori...", "Kezori—", "Kezori”",
                 "Kezori-led", "Kezori's,", "KezoriÉ", "Kezori2", "K,", "K.", "Kezori,,", "Kezori\"", "Kezori;"]
    spaces = [" ", "\n", "\n\n ", "  ", "\u2003"]
    contexts |= {word + space + after for word, after, space in itertools.product(words, following, spaces)}
    contexts |= {f"{first} {word} {after}" for first, word, after in itertools.product(words[:8], words, following[:4])}
    # A word's period, then a capitalised word and more (the shortcut answers from the first two tokens when the first
    # is no abbreviation): on one line or across lines, with more words, punctuation or another period after it.
    contexts |= {f"{word}{space}{after}{more}" for word, space, after, more in itertools.product(
        ["Moscow.", "Gov.", "gov.", "Rs.", "Inc.", "St.", "AB.", "it.", "No."], [" ", "\n", " \n "],
        ["Kezori", "Putin", "X", "Gov", "The"], [",", ", Gov.", "’s talks.", " Inc.", ": St. Xi", "—", ") Mr.", "\nSt. Xi"])}
    # A word's period right before punctuation, as Punkt's candidate context ends there ('said.”'), and one more.
    contexts |= {f"{word}{mark}{more}" for word, mark, more in itertools.product(
        ["Moscow.", "Gov.", "gov.", "Rs.", "it.", "AB.", "Ab.", "No.", "co-op.", "2014.", "J."],
        [*")\";}]*:@'({[!?", "\u2018", "\u2019", "\u201c", "\u201d", "\xab", "\xbb", ",", ".", "-", "a", "A", "1"],
        ["", " Next", "\u201d"])}
    assert len(contexts) > 4000
    ours = [tokenizer.text_contains_sentbreak(context) for context in sorted(contexts)]
    assert ours == [PunktSentenceTokenizer.text_contains_sentbreak(tokenizer, context) for context in sorted(contexts)]
    assert 0.2 < sum(ours) / len(ours) < 0.8  # both answers are common
    trained = PunktParameters()  # a model with collocations keeps Punkt's own test, which uses them
    trained.collocations = {("s", "bach")}
    other = PunktSentenceTokenizer(trained)
    assert break_test(other) == other.text_contains_sentbreak


def test_punkt_spans_are_nltks_spans():
    """One loop over the candidate breaks gives NLTK's ``span_tokenize``: on every paragraph of the dev corpus and the
    seeds, and on random texts of abbreviations, initials, numbers, ellipses, quotes, brackets and line breaks."""
    import random

    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from analysis.core.paths import SEEDS_DIR, read_word_list
    from analysis.corpus.segment import punkt_spans, sentence_tokenizer

    tokenizer = sentence_tokenizer()
    texts = [paragraph for folder in (SEEDS_DIR, Path(__file__).parent / "data" / "dev_corpus")
             for path in sorted(folder.glob("*.txt")) for paragraph in path.read_text(encoding="utf-8").split("\n\n")]
    abbreviations = sorted(read_word_list("abbreviations.txt"))[:40]
    pieces = ["Putin", "the", "The", "Mr.", "U.S.", "J.", "2014.", "1.5", "...", ".", "?", "!", "?!", '"', "“", "”", "’",
              "'", ")", "(", "]", "»", "--", ",", ";", " ", " ", " ", "\n", "\n\n", "\t", "\u2003", "\x1c", "é", "É",
              "\r", "\x0b", "\x0c", "Kezori,", "Kezori:",
              *(word.capitalize() + "." for word in abbreviations), *(word + "." for word in abbreviations)]
    rng = random.Random(5)
    texts += ["", " ", ".", "A.", "End", "No end here", "Ends. ", "“Quoted.” Next.", "Dots... Then.", "(Aside.) Next."]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(6000)]
    for text in texts:
        assert punkt_spans(tokenizer, text) == list(PunktSentenceTokenizer.span_tokenize(tokenizer, text)), repr(text)


def test_line_spans_without_carriage_returns_are_the_patterns():
    """Text with only \\n line breaks takes a shorter path: the same spans as the line-break pattern's."""
    import random
    import re

    def by_pattern(raw):
        spans, position = [], 0
        for match in re.finditer(r"\r\n|\r|\n", raw):
            spans.append((position, match.start()))
            position = match.end()
        return spans + [(position, len(raw))] if position < len(raw) else spans

    rng = random.Random(2)
    texts = ["", "\n", "\n\n", "a", "a\n", "\na", "a\n\nb\n", "a\r\nb", "a\rb\n", "\r", "x\u2028y\n\x85z"]
    texts += ["".join(rng.choice(["a", "bc", " ", "\n", "\n", "\t", "\r", "\r\n", "é"]) for _ in range(rng.randint(0, 12)))
              for _ in range(5000)]
    assert [line_spans(text) for text in texts] == [by_pattern(text) for text in texts]
