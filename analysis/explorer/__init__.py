"""Stage 6, the corpus explorer: the tables behind the term, topic and article pages, and the static pages
that show them from disk.
"""
