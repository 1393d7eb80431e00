"""Stage 2, topic modelling: the NMF/LDA model with its k search and stability checks, the sentences that
report topics, and the topic charts.
"""
