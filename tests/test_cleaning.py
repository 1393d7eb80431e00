"""Each boilerplate rule removes what it should, records the rule, and keeps ordinary sentences."""

import pytest

from analysis.cleaning import find_boilerplate, load_rules, rules_table


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("1. Skip to content", "navigation"),
        ("  3. Skip to more DW sites", "navigation"),
        ("Image: Reuters/M. Klimentyev/RIA Novosti/Kremlin", "image_credit"),
        ("China and Russia inked a deal last yearImage: AFP/Getty Images/G. Baker", "image_credit"),
        ("Read on the website Vestnik Kavkaza", "read_on_website"),
        ("By Vestnik Kavkaza", "byline"),
        ("Gabriel Domínguez, Srinivas MazumdaruMay 7, 2015", "byline_date"),
        ("Sources:", "sources_footer"),
        ("– apnews.com", "source_link"),
        ("Advertisement", "web_furniture"),
    ],
)
def test_line_rules(line, rule):
    raw = f"Putin met Xi in Beijing.\n{line}\nThey signed a deal."
    kept, removed = find_boilerplate(raw)
    assert [(r["rule"], r["text"]) for r in removed] == [(rule, line.strip())]
    assert [raw[s:e] for s, e in kept] == ["Putin met Xi in Beijing.", "They signed a deal."]


def test_alt_text_only_before_an_image_credit():
    raw = "Ukraine Krise Panzer in Kiew\nImage: picture-alliance/dpa\nPulling together\nText follows."
    _, removed = find_boilerplate(raw)
    assert [(r["rule"], r["line_no"]) for r in removed] == [("image_alt_text", 1), ("image_credit", 2)]


def test_faq_block_runs_to_the_end():
    raw = "Body text.\n\nFAQ:\n\nQ: Why?\n\nA: Because.\n"
    _, removed = find_boilerplate(raw)
    assert [r["text"] for r in removed] == ["FAQ:", "Q: Why?", "A: Because."]
    assert {r["rule"] for r in removed} == {"faq_block"}


@pytest.mark.parametrize("sentence", [
    "By contrast, China kept buying Russian gas.",
    "Bilateral trade stood at $95 billion in 2014, said an economist on May 7, 2015.",
    "The images: striking.",
])
def test_ordinary_sentences_are_kept(sentence):
    _, removed = find_boilerplate(sentence)
    assert removed == []


def test_removed_offsets_point_into_raw():
    raw = "Intro.\nBy Staff Writer\nEnd."
    _, removed = find_boilerplate(raw)
    assert raw[removed[0]["start"]:removed[0]["end"]] == "By Staff Writer"


def test_bad_rule_file_names_the_rule(tmp_path):
    bad = tmp_path / "rules.csv"
    bad.write_text("rule,scope,pattern,description\nbroken,line,(unclosed,oops\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rule 'broken'"):
        load_rules(bad)


def test_rules_table_lists_every_rule():
    assert {"navigation", "image_credit", "byline", "faq_block"} <= set(rules_table()["rule"])
