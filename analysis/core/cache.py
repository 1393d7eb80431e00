"""Share one stage's results with later notebooks of the same run without computing them twice.

A result is stored under the run's reports folder, keyed by corpus fingerprint, parameters and the code's own hash.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from analysis.core.paths import PACKAGE_DIR

CACHE_FOLDER = "cache"


@lru_cache(maxsize=1)
def code_hash() -> str:
    """Hash of the package's code and data files, so a code change never reuses an old result."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".txt", ".json") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(name: str, fingerprint: str, parameters: dict) -> str:
    """A file-name-safe key for a stage result."""
    payload = json.dumps({"name": name, "corpus": fingerprint, "parameters": parameters, "code": code_hash()},
                         sort_keys=True, default=str)
    return f"{name}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}"


def cached(reports_dir: str | Path, name: str, fingerprint: str, parameters: dict, compute: Callable[[], object]):
    """Return the stored result for (name, corpus, parameters, code), computing and storing it when absent."""
    path = Path(reports_dir) / CACHE_FOLDER / f"{cache_key(name, fingerprint, parameters)}.pkl"
    if path.exists():
        with path.open("rb") as handle:
            return pickle.load(handle)
    result = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    with temporary.open("wb") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    temporary.replace(path)
    return result
