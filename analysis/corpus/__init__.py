"""Stage 1, reading the corpus: text folders, table files and saved web pages, cleaning page furniture,
segmenting into paragraphs and sentences, and describing who wrote what (composition).
"""
