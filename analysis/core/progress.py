"""Progress bars for the long loops (k search, leave-one-out refits) when a notebook runs interactively.

The report runner sets ANALYSIS_NO_PROGRESS=1 for its kernels, so rendered pages carry no progress-bar debris.
"""

from __future__ import annotations

import os
import sys

from tqdm import tqdm

ENVIRONMENT_SWITCH = "ANALYSIS_NO_PROGRESS"


def progress(iterable, description: str, total: int | None = None):
    """``iterable`` wrapped in a text progress bar on stderr, unless ANALYSIS_NO_PROGRESS=1 (set by the runner)."""
    disabled = os.environ.get(ENVIRONMENT_SWITCH) == "1"
    return tqdm(iterable, desc=description, total=total, disable=disabled, leave=False, file=sys.stderr,
                dynamic_ncols=True)
