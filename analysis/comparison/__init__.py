"""Stage 4, comparing the periods: distinctive vocabulary (log-odds), frames, actors, and their charts.
"""
