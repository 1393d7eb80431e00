"""Furniture removal: each class of line is removed with its reason, reporting is kept, and the dev corpus meets its floors."""

import pytest
from furniture_scoring import DEV_CORPUS, labelled_lines, score_furniture

from analysis.core.paths import SEEDS_DIR
from analysis.core.pattern_screen import fold_case, screen
from analysis.corpus.cleaning import (
    default_rules,
    find_boilerplate,
    first_rule,
    heading_marks,
    is_dateline,
    is_fragment,
    load_rules,
    repeated_lines,
    rule_tests,
    rules_table,
)
from analysis.corpus.load import load_corpus

RECALL_FLOOR = 0.9  # the goal of issue 13 (achieved: 0.975)
PRECISION_FLOOR = 0.97  # the goal of issue 13 (achieved: 0.99)

BODY = "The two governments signed eleven agreements on energy and transport in the capital on Tuesday."
MORE_BODY = "Officials said the talks would continue next month, when a delegation is due in the north."


def removed_rules(raw, **context):
    return [(r["rule"], r["text"]) for r in find_boilerplate(raw, **context)[1]]


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("1. Skip to content", "navigation"),
        ("  3. Skip to more DW sites", "navigation"),
        ("Home > Asia > Economy", "breadcrumb"),
        ("WORLD >> ASIA >> DIPLOMACY", "breadcrumb"),
        ("Image: Reuters/M. Klimentyev/RIA Novosti/Kremlin", "image_credit"),
        ("Pictures source: © Agency Photos | Staff", "image_source"),
        ("CC BY-SA 3.0 / Wikimedia Commons / A harbour crane", "copyright_credit"),
        ("Cranes at the new harbour - Example News, 1280, 02.03.2024", "image_stamp"),
        ("Image source, Example Pictures", "image_source"),
        ("Getty Images", "photo_agency"),
        ("AFP via Getty Images", "photo_agency"),
        ("AP Photo/Jane Roe", "photo_agency"),
        ("99812_port_view_small.png", "image_file"),
        ("harbour map", "image_label"),
        ("Read on the website Vestnik Kavkaza", "read_elsewhere"),
        ("Read also: Ministers meet again in the autumn", "read_also"),
        ("By Vestnik Kavkaza", "byline"),
        ("Reuters Staff", "agency_credit"),
        ("(AFP)", "agency_credit"),
        ("— Xinhua", "agency_credit"),
        ("Additional reporting by Jane Roe; editing by John Doe", "staff_credit"),
        ("(Editor: Li Ming)", "editor_credit"),
        ("Sources:", "source_credit"),
        ("Source: Example Radio, March 3, 2016", "source_credit"),
        ("Press release, June 1, 2016", "press_release"),
        ("https://example.org/news/2016/06/01/story.html", "source_link"),
        ("– apnews.com", "domain_name"),
        ("2016-06-01T08:15+0300", "machine_timestamp"),
        ("4 min read", "reading_time"),
        ("Last updated:", "date_label"),
        ("Published 3 hours ago", "date_label"),
        ("Tags: ports, grain, customs", "tag_list"),
        ("WATCH: Ministers arrive at the forum", "media_teaser"),
        ("Support The Example Courier!", "support_outlet"),
        ("Comments (7)", "comment_count"),
        ("(Reporting by Jane Roe; Editing by John Doe)", "staff_credit"),
        ("Read more", "furniture_words"),
        ("chevron-right", "lowercase_fragment"),
        ("12 Comments", "comment_count"),
        ("Share this article", "share_widget"),
        ("A A A Print", "font_widget"),
        ("Disclaimer: this outlet is run by a ministry.", "disclaimer"),
        ("Powered by machine translation", "powered_by"),
        ("We rely on readers. Support us today.", "support_prompt"),
        ("Sign up for our morning newsletter", "subscribe_prompt"),
        ("We use cookies to give you the best experience", "subscribe_prompt"),
        ("Register now for the shipping forum", "call_to_action"),
        ("Follow us on Telegram", "follow_prompt"),
        ("Advertisement", "web_furniture"),
        ("Most Popular", "list_heading"),
        ("Twitter Share", "furniture_words"),
        ("• Opinion", "furniture_words"),
        ("|  |", "no_letters"),
        ("energy security", "lowercase_fragment"),
    ],
)
def test_line_classes(line, rule):
    raw = f"{BODY}\n{line}\n{MORE_BODY}"
    kept, removed = find_boilerplate(raw)
    assert [(r["rule"], r["text"]) for r in removed] == [(rule, line.strip())]
    assert [raw[s:e] for s, e in kept] == [BODY, MORE_BODY]


def test_credit_glued_to_a_caption_leaves_the_caption():
    raw = f"{BODY}\nA crane lifts a container at the new terminal (Photo: Example Agency)\n{MORE_BODY}"
    kept, removed = find_boilerplate(raw)
    assert [(r["rule"], r["text"]) for r in removed] == [("image_credit", "(Photo: Example Agency)")]
    assert [raw[s:e].strip() for s, e in kept][1] == "A crane lifts a container at the new terminal"
    assert raw[removed[0]["start"]:removed[0]["end"]] == "(Photo: Example Agency)"


def test_alt_text_only_before_an_image_credit():
    raw = "Ukraine Krise Panzer in Kiew\nImage: picture-alliance/dpa\nPulling together\nText follows."
    _, removed = find_boilerplate(raw)
    assert [(r["rule"], r["line_no"]) for r in removed] == [("image_alt_text", 1), ("image_credit", 2)]


def test_faq_block_runs_to_the_end():
    raw = "Body text.\n\nFAQ:\n\nQ: Why?\n\nA: Because.\n"
    _, removed = find_boilerplate(raw)
    assert [r["text"] for r in removed] == ["FAQ:", "Q: Why?", "A: Because."]
    assert {r["rule"] for r in removed} == {"faq_block"}


def test_list_heading_takes_the_headlines_under_it_and_stops_at_text():
    raw = (f"{BODY}\nMore Stories\nPort traffic doubles in the east 2016-05-02 10:11\nNew bridge opens to lorries\n"
           f"{MORE_BODY}")
    assert removed_rules(raw) == [("list_heading", "More Stories"),
                                  ("list_heading", "Port traffic doubles in the east 2016-05-02 10:11"),
                                  ("list_heading", "New bridge opens to lorries")]


def test_lines_above_the_headline_are_the_page_header_but_datelines_stay():
    raw = f"Asia Desk Today\nMonday, March 7, 2016\nHarbour Deal Signed\n{BODY}"
    assert removed_rules(raw, title="Harbour deal signed") == [("above_headline", "Asia Desk Today")]
    assert removed_rules(raw) == []  # without a title there is no headline to be above


def test_the_headline_is_never_removed_even_when_a_rule_matches():
    raw = f"Reuters Staff Report\n{BODY}"
    assert removed_rules(raw) == [("agency_credit", "Reuters Staff Report")]
    assert removed_rules(raw, title="Reuters staff report") == []


def test_outlet_name_standing_alone_is_its_masthead():
    raw = f"Harbour Deal Signed\nThe Example Courier\n{BODY}"
    assert removed_rules(raw, outlet="The Example Courier (print edition)") == [("outlet_name", "The Example Courier")]


def test_short_line_between_furniture_and_reader_address_next_to_furniture():
    raw = f"{BODY}\nShare this article\nMany thanks\nTweet\nDid you find this useful? Tell your friends\n"
    assert removed_rules(raw) == [("share_widget", "Share this article"), ("between_furniture", "Many thanks"),
                                  ("furniture_words", "Tweet"),
                                  ("reader_prompt", "Did you find this useful? Tell your friends")]


def test_title_case_headline_of_another_story_after_the_body():
    raw = f"Harbour Deal Signed\n{BODY}\nGovernor Opens New Grain Terminal In Northern Port City\n{MORE_BODY}"
    assert removed_rules(raw, title="Harbour deal signed") == [
        ("other_headline", "Governor Opens New Grain Terminal In Northern Port City")]


@pytest.mark.parametrize("sentence", [
    "By contrast, China kept buying Russian gas.",
    "Bilateral trade stood at $95 billion in 2014, said an economist on May 7, 2015.",
    "The images: striking.",
    '"Your support matters to us," the minister told his counterpart.',
    "Subscribers to the scheme pay less, the ministry said in its newsletter.",
    "Reuters reported that the deal was signed on Tuesday in the capital.",
    "Sanctions and markets",
    "What did the ministers agree?",
    "Updated: 2016-06-01 08:15",
    "Jane Roe, John DoeJune 1, 2016",
])
def test_reporting_and_datelines_are_kept(sentence):
    assert find_boilerplate(f"{BODY}\n{sentence}\n{MORE_BODY}")[1] == []


def test_removed_offsets_point_into_raw():
    raw = "Intro.\n  By Staff Writer\nEnd."
    _, removed = find_boilerplate(raw)
    assert raw[removed[0]["start"]:removed[0]["end"]] == "By Staff Writer"


def test_lines_repeated_across_an_outlets_articles():
    footer = "Our Example Courier app is free"
    articles = [("Courier", f"Story {n}", f"Story {n}\nA distinct sentence number {n} about trade.\n{footer}")
                for n in range(3)]
    repeated = repeated_lines(articles + [("Other", "Other story", f"Other story\n{footer}")])
    assert repeated == {"Courier": frozenset({"our example courier app is free"})}
    raw = articles[0][2]
    assert removed_rules(raw, title="Story 0", repeated=repeated["Courier"]) == [("outlet_repeat", footer)]


def test_a_repeated_sentence_needs_half_the_outlets_articles():
    sentence = "Trade rose again this year."
    articles = [("Courier", f"Story {n}", f"Story {n}\n{sentence if n < 3 else f'Other news {n}.'}") for n in range(8)]
    assert repeated_lines(articles) == {}
    assert repeated_lines(articles[:5]) == {"Courier": frozenset({"trade rose again this year"})}


def test_heading_marks():
    texts = ["Harbour Deal Signed: Officials", "March 7, 2016", BODY, "What comes next?", "Grain exports"]
    headline, dateline = heading_marks(texts, title="Harbour deal signed: officials")
    assert headline == [True, False, False, True, True]
    assert dateline == [False, True, False, False, False]
    assert is_dateline("Posted: Mar 07, 2016 3:14 PM") and not is_dateline(BODY)


def test_word_limits_hold_at_their_bounds():
    """The line tests count words only as far as their limits: the limits themselves still decide as before."""
    words = lambda n: " ".join(["word"] * n)  # noqa: E731
    assert is_dateline(f"Updated May 7, 2015 {words(12)}") and not is_dateline(f"Updated May 7, 2015 {words(13)}")
    assert is_dateline(f"Updated\tMay 7,  2015\n{words(12)}")  # any white space separates words
    assert is_fragment(words(4)) and not is_fragment(words(5)) and not is_fragment("")
    assert is_fragment("• vladimir  putin") and not is_fragment("Vladimir Putin") and not is_fragment("vladimir putin.")
    question, long_question = "What did the two leaders say?", "What did the two leaders say in Moscow on Tuesday?"
    assert heading_marks([question, long_question, words(14), words(15), f"{words(14)}."])[0] == [True, False, True, False, False]
    # A line recurring across an outlet's articles counts up to 40 words, white space of any kind between them.
    articles = [("Site", f"T{n}", f"Story {n}.\n{words(40)}\n{words(41)}\n{words(39)}\t \u2003x") for n in range(3)]
    assert repeated_lines(articles) == {"Site": frozenset({words(40), f"{words(39)} x"})}


def test_rules_are_tried_in_file_order_and_a_tail_rule_cuts_only_the_end(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("rule,scope,pattern,description\nfirst,line,Photo.*,a\ncredit,tail,Photo:.*,b\nlast,line,.*Reuters,c\n",
                    encoding="utf-8")
    rules = load_rules(path)
    lines = ["Photo: Reuters", "Harbour at dawn Photo: Reuters", "Staff of Reuters"]
    assert [(r["rule"], r["text"]) for r in find_boilerplate("\n".join(lines), rules)[1]] == [
        ("first", "Photo: Reuters"), ("credit", "Photo: Reuters"), ("last", "Staff of Reuters")]
    caption = "Xi and Putin shake hands in Moscow Photo: Reuters/M. Klimentyev"
    assert removed_rules(f"{BODY}\n{caption}\n{MORE_BODY}") == [("image_credit", "Photo: Reuters/M. Klimentyev")]
    assert removed_rules(f"{BODY}\nPhoto: Reuters\n{MORE_BODY}") == [("image_credit", "Photo: Reuters")]
    assert removed_rules(f"{BODY}\nReuters\n{MORE_BODY}") == [("photo_agency", "Reuters")]  # before agency_credit


def test_joined_rule_tests_pick_the_rule_the_rules_one_by_one_pick(tmp_path):
    """Runs of line rules are tested as one pattern first: on every line of the dev corpus and the seeds, and on lines
    made to match each rule, the rule found is the one the rules tested one by one in file order find."""
    def one_by_one(text, rules):
        for rule in rules:
            if rule.scope == "line" and rule.pattern.fullmatch(text):
                return rule.name, 0
            if rule.scope == "tail" and (match := rule.pattern.search(text)):
                return rule.name, match.start() + len(match.group()) - len(match.group().lstrip())
        return None

    lines = [line.strip() for folder in (DEV_CORPUS, SEEDS_DIR) for path in sorted(folder.glob("*.txt"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines += ["Photo: Reuters", "Harbour at dawn (Photo: AFP)", "Sign up for our newsletter", "Reuters Staff", "FAQ:",
              "Related Stories", "Support The Moscow Times!", "https://tass.com/economy/1782831", "1 Min Read"]
    rules = default_rules()
    tests = rule_tests(rules)
    assert any(joined is not None for joined, _, _ in tests) and any(found is not None for _, _, found in tests)
    found = [first_rule(line, tests) for line in lines]
    assert found == [one_by_one(line, rules) for line in lines]
    assert len({result[0] for result in found if result}) >= 15  # many rules, each the first that matched a line
    path = tmp_path / "rules.csv"  # a capturing group or a flag other than (?i) keeps a rule out of the joined pattern
    path.write_text("rule,scope,pattern,description\na,line,(x)+\\1,a\nb,line,(?s)y.*,b\nc,line,(?i)z,c\nd,line,w+,d\n",
                    encoding="utf-8")
    custom = load_rules(path)
    assert [[rule.name for rule in group] for joined, group, _ in rule_tests(custom) if joined is not None] == [["c", "d"]]
    for line in ["xx", "xxx", "Y\nz", "Z", "www", "xz"]:
        assert first_rule(line, rule_tests(custom)) == one_by_one(line, custom)


# Patterns that exercise every part of a pattern the screen reads: literals in and out of case-insensitive parts,
# alternations (one empty), repeats of none, one or more, lookarounds, atomic groups, classes, back references.
SCREENED_PATTERNS = [
    r'(?i)(?!.*["“”])(?=.*\b(?:support\s+us|we\s+need\s+your\s+help)\b).{1,200}',
    r"(?i)(?:access|sign\s+up|learn\s+more)\b(?=.*\b(?:your|free|now)\b).{0,60}",
    r"(?:\(?\s*(?:Image|Photo)\s*(?::|/)\s*[^()]{1,50}?\)?|\[\s*Photo\s*/[^\]]{1,20}\])\s*$",
    r".{1,60}\s[-–]\s[^,]{2,20},\s\d{3,4}",
    r"(?i)(?:home\s*(?:>>?|»)\s*\S.{0,30}|[^.!?>»]{1,60}(?:\s*(?:>>|»|›)\s*[^.!?>»]{1,20}){2,})",
    r"(?i:STRASSE|kelvin)\s\w+", r"(?-i:Ab)c|x{0}yz", r"(?i)(?-i:Ab)cd", r"(?i)a(?:|b)c", r"(?>ab|cd)+e*",
    r"(?<=x)yz|(?<!q)ſt", r"(a|b)\1c", r"[-–]{2}ok", r"(?i)[ſk]ey", r"(?i)ıi|İ", r"(?i)σς.*", r"(?i)µ.*μ",
    r"(?s)a.*b", r"\d{2,4}(?:st|nd)?", r"(?i)(?:ab|cd)\s+(?:ef|gh)x.*", r"(?i).*(?:we\s+need|need\s+we)\s+[-–]ok",
    r"(?i)(?:\d+\.\s*)?skip to\b.{0,10}", r"(?:x|y)?+z", r"(?i)faq:?",
]
AWKWARD_PIECES = ["support us", "Support  US", "we need your help", "SIGN up", "Learn more", "your", "FREE", "now",
                  "Photo: AFP", "(Image/Reuters)", "[Photo/IC]", "photo", "IMAGE", " - Sputnik, 1920", ", 1920",
                  "home >> news", "Home»World", "a › b › c", "STRASSE", "straſſe", "KELVIN", "\u212aelvin", "ab", "Ab",
                  "aBcd", "AbCD", "ac", "abc", "cdabe", "xyz", "qſt", "ſt", "aac", "bbc", "--ok", "–ok", "ſey", "\u212aEY",
                  "ıi", "Iİ", "İ", "AB ef", "cd GHX", "EFx", "we  need", "NEED we", " –ok", " -ok", "ΣΣ", "σς", "ΟΔΟΣ",
                  "µμ", "Μµ", "a\nb", "12nd", "1. Skip to it", "FAQ", "faq:",
                  "\u201cquoted\u201d", '"', "x", "z", "yz", " ", "\t", "é", "Ǆ", "ǅ", "ß", "ẞ", "ﬁ", "1234"]


def awkward_lines(n: int, seed: int = 7) -> list[str]:
    import random

    rng = random.Random(seed)
    lines = [*AWKWARD_PIECES, "".join(AWKWARD_PIECES)]
    for _ in range(n):
        lines.append("".join(rng.choice(AWKWARD_PIECES + [" ", "."]) for _ in range(rng.randint(1, 6))))
    return lines


def test_fold_case_equates_what_case_insensitive_patterns_equate():
    """Every character folds as its lower case's class (checked for every code point), and two characters a
    case-insensitive pattern equates fold alike."""
    import re
    import sys

    from analysis.core.pattern_screen import _fold_char

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = fold_case(char)
        if len(char.lower()) != 1:
            assert folded is None
            continue
        assert folded == _fold_char(char), hex(code)
        if folded != char:  # a cased character: a case-insensitive pattern of its fold matches it
            assert re.fullmatch("(?i)" + re.escape(folded), char), hex(code)
    assert fold_case("ΟΔΟΣ") == fold_case("οδοσ") and fold_case("ſtraße") == "straße"
    assert fold_case("İstanbul") is None and fold_case("Kelvin") == "kelvin" and fold_case("\u212aelvin") == "kelvin"


def test_a_screen_never_turns_away_a_line_its_pattern_matches(tmp_path):
    """The screen is a necessary condition: on awkward lines, the rules' own examples and the dev corpus, every line a
    pattern matches (fullmatch for line rules, search for tail rules) passes the pattern's screen."""
    import re

    from analysis.core.pattern_screen import may_match

    lines = awkward_lines(3000)
    turned_away = 0
    for source in SCREENED_PATTERNS:
        pattern = re.compile(source)
        for whole_line in (True, False):
            found = screen(pattern, whole_line)
            for line in lines:
                matched = pattern.fullmatch(line) if whole_line else pattern.search(line)
                passes = may_match(found, line, fold_case(line))
                assert passes or not matched, (source, whole_line, line)
                turned_away += not passes
    assert turned_away > 10_000  # the screens do turn lines away
    dev_lines = [line.strip() for folder in (DEV_CORPUS, SEEDS_DIR) for path in sorted(folder.glob("*.txt"))
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for rule in default_rules():
        examples = re.findall(r"'([^']+)'", rule.description) + ["".join(rule.name.split("_")), *lines[:200]]
        found = screen(rule.pattern, whole_line=rule.scope != "tail")
        for line in examples + dev_lines:
            matched = rule.pattern.search(line) if rule.scope == "tail" else rule.pattern.fullmatch(line)
            assert may_match(found, line, fold_case(line)) or not matched, (rule.name, line)


def test_screened_rule_tests_pick_the_rule_the_rules_one_by_one_pick_on_awkward_lines(tmp_path):
    """Custom rules that scan (a lookahead over the line, a long run of any character, a tail rule) are screened, and
    the first rule found on awkward lines is the one found testing the rules one by one in file order."""
    quoted = ['"' + source.replace('"', '""') + '"' for source in SCREENED_PATTERNS]
    rows = "\n".join(f"r{n},{'tail' if n == 2 else 'line'},{source},r{n}" for n, source in enumerate(quoted))
    path = tmp_path / "rules.csv"
    path.write_text(f"rule,scope,pattern,description\n{rows}\n", encoding="utf-8")
    custom = load_rules(path)
    tests = rule_tests(custom)
    assert {"r0", "r2", "r3", "r4"} <= {group[0].name for _, group, found in tests if found is not None}
    for line in awkward_lines(2000, seed=11):
        expected = None
        for rule in custom:
            if rule.scope == "line" and rule.pattern.fullmatch(line):
                expected = rule.name, 0
            elif rule.scope == "tail" and (match := rule.pattern.search(line)):
                expected = rule.name, match.start() + len(match.group()) - len(match.group().lstrip())
            if expected:
                break
        assert first_rule(line, tests) == expected, line


def test_bad_rule_file_names_the_rule(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text("rule,scope,pattern,description\nbroken,line,(unclosed,oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rule 'broken'"):
        load_rules(bad)


def test_unknown_scope_names_the_rule(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text("rule,scope,pattern,description\nodd,sometimes,x,oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rule 'odd' has unknown scope 'sometimes'"):
        load_rules(bad)


def test_rules_table_lists_every_rule_the_cleaner_records(dev_corpus):
    table = rules_table()
    assert {"navigation", "image_credit", "byline", "faq_block", "list_heading", "above_headline"} <= set(table["rule"])
    assert set(dev_corpus.removed["rule"]) <= set(table["rule"])
    assert table["description"].str.len().gt(20).all()


# ---- quality on real pages -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def dev_corpus():
    return load_corpus(DEV_CORPUS)


def test_dev_corpus_furniture_recall_and_precision(dev_corpus):
    scores = score_furniture(labelled_lines(dev_corpus))
    print(scores)
    assert scores["recall"] >= RECALL_FLOOR, scores
    assert scores["precision"] >= PRECISION_FLOOR, scores


def test_dev_corpus_headlines_are_marked_and_kept(dev_corpus):
    paragraphs = dev_corpus.paragraphs.set_index("doc_id")
    assert paragraphs["headline"].dtype == bool and paragraphs["dateline"].dtype == bool
    titles = dev_corpus.documents.set_index("doc_id")["title"]
    found = 0
    for doc_id, title in titles.items():
        first = paragraphs.loc[[doc_id]]
        matching = first[first["text"] == title]
        if not matching.empty:
            found += 1
            assert matching["headline"].all(), doc_id
    assert found >= 25  # most passages open with their headline, and it is kept as text
    assert not paragraphs.loc[paragraphs["headline"], "text"].str.len().gt(200).any()


def test_ends_sentence_reads_the_line_end_as_the_pattern_does():
    """ends_sentence gives SENTENCE_END.search's answer on lines of sentence ends, closing quotes and brackets, and
    every kind of white space (including the separators str.isspace counts) in random order."""
    import random

    from analysis.corpus.cleaning import SENTENCE_END, ends_sentence

    pieces = [".", "!", "?", "…", '"', "'", "”", "’", ")", "]", "(", "“", " ", "\t", "\n", "\r", "\x0b", "\x0c",
              "\x1c", "\x1f", "\x85", "\xa0", "\u2003", "\u2028", "\u3000", "a", "Z", "1", ",", ";", "-", "é"]
    rng = random.Random(3)
    lines = ["", " ", "End.", "End. ", "End.\n", 'End."', 'End." ', 'End. "', "End.)]’ \n", "End", "End…", "End .",
             *("".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(30_000))]
    assert [ends_sentence(line) for line in lines] == [bool(SENTENCE_END.search(line)) for line in lines]


def test_normalises_longer_never_claims_a_line_normalises_longer_than_it_does():
    """The shortcut that spares normalising long lines says 'longer' only where normalise's result is longer: on lines
    of word characters, punctuation, bullets, white space and characters beyond ASCII in random order, at every
    length around the line's."""
    import random

    from analysis.corpus.cleaning import normalise, normalises_longer

    pieces = ["a", "Z", "7", "_", "-", "'", ".", ",", "•", "|", " ", "  ", "\t", "\x0b", "\x1c", "é", "ﬁ", "²", "İ",
              "ß", "—", "word", "Courier", "(print)"]
    rng = random.Random(5)
    lines = ["", " ", "The Example Courier", "- The Example Courier", "__init__", "A-B", "ﬁnal", "x²",
             *("".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(5_000))]
    for line in lines:
        length = len(normalise.__wrapped__(line))
        for limit in range(max(0, length - 3), length + 4):
            assert not normalises_longer(line, limit) or length > limit, (line, limit)
    assert normalises_longer("A sentence of reporting, longer than any masthead.", 30)  # the shortcut does serve
    assert not normalises_longer("Ａ ｓｅｎｔｅｎｃｅ ｏｆ ｆｕｌｌ ｗｉｄｔｈ ｌｅｔｔｅｒｓ", 5)  # beyond ASCII: not sure


def test_outlet_name_and_repeated_lines_found_among_long_lines():
    """A long sentence beside the masthead and a repeated footer: the two short lines are still removed, and a long
    line that normalises to neither is kept (the length shortcut does not change which lines match)."""
    footer = "Our app is free"
    long_line = "A long sentence about the harbour deal, with many words in it, goes on and on for a while."
    raw = f"The Example Courier\n{long_line}\n— {footer} —\n{long_line}"
    assert removed_rules(raw, outlet="The Example Courier", repeated=frozenset({"our app is free"})) == [
        ("outlet_name", "The Example Courier"), ("outlet_repeat", f"— {footer} —")]
