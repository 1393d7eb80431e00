"""The extractor against every hand-annotated figure of the five seed articles (tests/data/figures_gold.csv)."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.core.paths import SEEDS_DIR
from analysis.corpus.load import read_text
from analysis.figures.extract import extract_figures
from benchmarks.figure_scoring import read_gold, score_figures

GOLD = Path(__file__).parent / "data" / "figures_gold.csv"
THRESHOLDS = {"money": 0.95, "percent": 0.95, "quantity": 0.95, "all": 0.9}


def predictions() -> pd.DataFrame:
    """extract_figures over each seed file's whole text (so boilerplate like "1. Skip to content" is tested too)."""
    return pd.concat([extract_figures(read_text(path)[0]).assign(file=path.name) for path in sorted(SEEDS_DIR.glob("*.txt"))],
                     ignore_index=True)


def test_gold_offsets_point_at_their_surface():
    gold = read_gold(GOLD)
    assert len(gold) > 40 and set(gold["file"]) <= {path.name for path in SEEDS_DIR.glob("*.txt")}
    for row in gold.itertuples():
        assert read_text(SEEDS_DIR / row.file)[0][row.start:row.end] == row.surface, row


def test_precision_and_recall_meet_the_thresholds():
    table = score_figures(predictions(), read_gold(GOLD)).set_index("kind")
    print(table.round(3).to_string())
    for kind, threshold in THRESHOLDS.items():
        assert table.loc[kind, "precision"] >= threshold, (kind, table.loc[kind].to_dict())
        assert table.loc[kind, "recall"] >= threshold, (kind, table.loc[kind].to_dict())


def test_scoring_needs_value_and_unit_right():
    gold = pd.DataFrame([{"file": "a.txt", "start": 0, "end": 3, "surface": "$95", "kind": "money", "value": 95.0,
                          "unit": "USD", "date": ""}])
    wrong_unit = gold.assign(unit="EUR")
    wrong_value = gold.assign(value=96.0)
    assert score_figures(gold, gold).set_index("kind").loc["money", "f1"] == 1.0
    assert score_figures(wrong_unit, gold).set_index("kind").loc["money", "recall"] == 0.0
    assert score_figures(wrong_value, gold).set_index("kind").loc["money", "precision"] == 0.0


def test_a_gold_file_without_a_column_names_it(tmp_path):
    path = tmp_path / "gold.csv"
    path.write_text("file,start,end,surface,kind,value\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unit, date"):
        read_gold(path)
