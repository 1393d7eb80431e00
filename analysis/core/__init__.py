"""The small core every stage uses: paths and data files, the run cache, text preprocessing, keyword matching,
resampling statistics, the plotting style and the formatting of numbers and untrusted text.
"""
