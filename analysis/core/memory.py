"""How much memory a corpus needs in one process, and how much this machine (or its container) has available."""

from __future__ import annotations

from pathlib import Path

# Memory the report's largest process held per character of article text, measured (issue 15,
# `benchmarks/bench_pipeline.py`): 3.3 GB for the 369 million characters of 100,000 synthetic articles, 3.7 GB for
# 391 million on distinct sentences; rounded up. Two notebooks run at once, each holding the corpus, so this is a floor.
MEMORY_PER_CHARACTER = 10


# A container's memory limit and what its processes hold (anonymous memory: the page cache it also counts is given
# back on demand), for cgroup v2 and v1; read relative to the file system's root.
CGROUP_FILES = [("sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory.stat", "anon"),
                ("sys/fs/cgroup/memory/memory.limit_in_bytes", "sys/fs/cgroup/memory/memory.stat", "total_rss")]


def _fields(path: Path, separator: str | None = None) -> dict[str, str]:
    """``name value`` lines of a /proc or cgroup file (``separator`` after the name), or {} where it cannot be read."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return {}
    return {name.strip(): rest.split()[0] for name, _, rest in (line.partition(separator or " ") for line in lines)
            if rest.split()}


def available_memory(root: Path = Path("/")) -> int | None:
    """The memory available to this process now, in bytes: the machine's (``MemAvailable`` of /proc/meminfo), or less
    inside a container whose memory limit leaves less (the limit minus what its processes hold); None where neither
    can be read."""
    meminfo = _fields(root / "proc/meminfo", ":")
    available = int(meminfo["MemAvailable"]) * 1024 if meminfo.get("MemAvailable", "").isdigit() else None
    for limit_file, stat_file, held in CGROUP_FILES:
        try:
            limit = (root / limit_file).read_text().strip()
        except OSError:
            continue
        used = _fields(root / stat_file).get(held, "0")
        if limit.isdigit() and int(limit) < 2**60 and used.isdigit():  # "max", or v1's huge number: no limit
            left = max(int(limit) - int(used), 0)
            available = left if available is None else min(available, left)
        break
    return available


def memory_needed(n_chars: int) -> int:
    """About how many bytes the report's largest process needs for articles of ``n_chars`` characters in all."""
    return MEMORY_PER_CHARACTER * n_chars
