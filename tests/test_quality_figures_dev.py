"""The figure stage on the development corpus (60 real passages) and the seeds, held to the goals of issue 11.

Floors: headline kinds (money, percent, quantity) F1 >= 0.95 with value and unit right; counts and durations recall
>= 0.9; seed gold >= 0.95; precision >= 0.95 for every indicator label the report uses, recall >= 0.8 for China–Russia
trade. The saved quality table the figures page shows must equal a fresh scoring.
"""

import pandas as pd
import pytest

from analysis.figures.indicators import INDICATORS, read_quality
from analysis.figures.measures import figure_stage
from benchmarks import figure_scoring as scoring

HEADLINE_F1 = 0.95
COUNT_DURATION_RECALL = 0.9
SEED_F1 = 0.95
INDICATOR_PRECISION = 0.95
TRADE_RECALL = 0.8
REPORT_LABELS = [*INDICATORS, "military"]


@pytest.fixture(scope="module")
def dev():
    corpus = scoring.load_dev_corpus()
    return figure_stage(corpus).figures, scoring.read_dev_gold()


def test_extraction_meets_the_goals(dev):
    figures, gold = dev
    scores = scoring.extraction_scores(figures, gold).set_index("kind")
    print(scores.round(3).to_string())
    assert scores.loc["headline", "f1"] >= HEADLINE_F1
    assert scores.loc["count+duration", "recall"] >= COUNT_DURATION_RECALL


def test_seed_gold_stays_above_the_goal():
    scores = scoring.seed_scores().set_index("kind")
    assert scores.loc["all", "f1"] >= SEED_F1
    for kind in ("money", "percent", "quantity"):
        assert scores.loc[kind, "f1"] >= SEED_F1, kind


def test_indicators_hold_only_what_they_name(dev):
    figures, gold = dev
    pairs = scoring.indicator_pairs(figures, gold)
    scores = scoring.indicator_scores(pairs).set_index("indicator")
    print(scoring.confusion(pairs).to_string())
    for label in REPORT_LABELS:
        assert scores.loc[label, "precision"] >= INDICATOR_PRECISION, (label, scores.loc[label].to_dict())
    assert scores.loc["china_russia_trade", "recall"] >= TRADE_RECALL


def test_the_saved_quality_table_is_current(dev):
    figures, gold = dev
    saved = read_quality()
    saved = saved[saved["corpus"] == "development corpus"].set_index(["scope", "measure"])
    fresh = scoring.extraction_scores(figures, gold).set_index("kind")
    for kind, row in fresh.iterrows():
        assert saved.loc[("extraction", kind), "correct"] == row["correct"], "rerun python -m benchmarks.bench_figures"
    indicators = scoring.indicator_scores(scoring.indicator_pairs(figures, gold)).set_index("indicator")
    for label, row in indicators.iterrows():
        assert saved.loc[("indicator", label), "predicted"] == row["predicted"], "rerun python -m benchmarks.bench_figures"
        assert saved.loc[("indicator", label), "correct"] == row["correct"], "rerun python -m benchmarks.bench_figures"


def test_scoring_needs_kind_unit_and_value_within_half_a_percent():
    gold = scoring.read_dev_gold().head(0)
    gold = pd.DataFrame([{"doc": "a", "surface": "$95 bn", "kind": "money", "value": "95e9", "unit": "USD",
                          "indicator": "china_russia_trade", "measures": ""}])
    gold = gold.assign(readings=[[("money", "USD", 95e9)]])
    def predicted(value, unit="USD", kind="money"):
        return pd.DataFrame([{"doc_id": "a", "surface": "x", "kind": kind, "value": value, "unit": unit,
                              "indicator": "china_russia_trade"}])
    assert scoring.extraction_scores(predicted(95.4e9), gold).set_index("kind").loc["money", "f1"] == 1.0
    assert scoring.extraction_scores(predicted(95.6e9), gold).set_index("kind").loc["money", "recall"] == 0.0
    assert scoring.extraction_scores(predicted(95e9, "EUR"), gold).set_index("kind").loc["money", "recall"] == 0.0
    pairs = scoring.indicator_pairs(predicted(95e9), gold)
    assert pairs[["gold", "predicted"]].values.tolist() == [["china_russia_trade", "china_russia_trade"]]
