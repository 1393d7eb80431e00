"""Paths and data files: the one reader for the rule and word tables keeps a # inside a row."""

import pytest

from analysis.core.paths import data_file, read_data_table, read_word_list


def test_a_hash_inside_a_row_is_data_and_documentation_lines_are_not(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("# Where this list comes from.\n# How to edit it.\nrule,pattern\nsharp,C# developers\n"
                    "  # an indented comment\nhashtag,^#\\w+$\nempty,\n", encoding="utf-8")
    table = read_data_table(path)
    assert table.to_dict("records") == [{"rule": "sharp", "pattern": "C# developers"},
                                        {"rule": "hashtag", "pattern": "^#\\w+$"}, {"rule": "empty", "pattern": ""}]
    numbers = tmp_path / "scores.csv"
    numbers.write_text("# saved by a benchmark\nk,nmi\n10,0.743\n", encoding="utf-8")
    assert read_data_table(numbers, dtype=None)["nmi"].tolist() == [0.743]


def test_word_lists_drop_blank_and_documentation_lines(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# header\n\nmr\n  # note\nu.s\n", encoding="utf-8")
    assert read_word_list(path) == ["mr", "u.s"]


def test_a_missing_data_file_says_how_to_get_it_back():
    with pytest.raises(FileNotFoundError, match=r"analysis/data/no_such_list.csv is missing; reinstall the package"):
        data_file("no_such_list.csv")


def test_every_shipped_table_reads_with_the_one_reader():
    for name in ("actors.csv", "frames.csv", "boilerplate_rules.csv", "furniture_words.csv", "figure_scope_words.csv"):
        table = read_data_table(name)
        assert len(table) > 0 and not table.columns.str.startswith("#").any(), name
