"""Stage 3, figure extraction: the grammar that finds money, percentages, quantities, counts, durations and dates,
what each figure measures, the indicators compared across periods, and their charts.
"""
