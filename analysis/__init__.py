"""China–Russia coverage study: corpus loading, topics, figures and period comparison.

Each module does one task; notebooks in ``notebooks/`` call them and papermill runs the notebooks.
"""

__version__ = "0.1.0"
