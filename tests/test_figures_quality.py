"""The extractor against every hand-annotated figure of the five seed articles."""

from pathlib import Path

import pandas as pd

from analysis.corpus import read_text
from analysis.figure_quality import read_gold, score
from analysis.figures import extract_figures
from analysis.paths import SEEDS_DIR

GOLD = Path(__file__).parent / "data" / "figures_gold.csv"
THRESHOLDS = {"money": 0.95, "percent": 0.95, "quantity": 0.95, "all": 0.9}


def predictions() -> pd.DataFrame:
    tables = []
    for path in sorted(SEEDS_DIR.glob("*.txt")):
        tables.append(extract_figures(read_text(path)[0]).assign(file=path.name))
    return pd.concat(tables, ignore_index=True)


def test_gold_offsets_point_at_their_surface():
    gold = read_gold(GOLD)
    for row in gold.itertuples():
        assert read_text(SEEDS_DIR / row.file)[0][row.start:row.end] == row.surface


def test_precision_and_recall_meet_the_thresholds():
    table = score(predictions(), read_gold(GOLD)).set_index("kind")
    print(table.round(3).to_string())
    for kind, threshold in THRESHOLDS.items():
        assert table.loc[kind, "precision"] >= threshold, (kind, table.loc[kind].to_dict())
        assert table.loc[kind, "recall"] >= threshold, (kind, table.loc[kind].to_dict())
