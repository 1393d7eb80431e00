"""What the machine, or its container, has available for a corpus held in one process."""

from analysis.core.memory import available_memory


def test_available_memory_is_the_machines_or_less_inside_a_container(tmp_path):
    def write(name, text):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    assert available_memory(tmp_path) is None  # nothing to read: no check
    write("proc/meminfo", "MemTotal:       24000000 kB\nMemFree:         1000 kB\nMemAvailable:   20000000 kB\n")
    assert available_memory(tmp_path) == 20_000_000 * 1024
    write("sys/fs/cgroup/memory.max", "max\n")  # cgroup v2 without a limit
    write("sys/fs/cgroup/memory.stat", "anon 3000000000\nfile 9000000000\n")
    assert available_memory(tmp_path) == 20_000_000 * 1024
    write("sys/fs/cgroup/memory.max", "8000000000\n")  # an 8 GB container: its processes hold 3 GB, the cache is free
    assert available_memory(tmp_path) == 5_000_000_000
    (tmp_path / "sys/fs/cgroup/memory.max").unlink()
    write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n")  # cgroup v1 without a limit
    write("sys/fs/cgroup/memory/memory.stat", "cache 9000000000\nrss 100\ntotal_rss 2000000000\n")
    assert available_memory(tmp_path) == 20_000_000 * 1024
    write("sys/fs/cgroup/memory/memory.limit_in_bytes", "4000000000\n")
    assert available_memory(tmp_path) == 2_000_000_000
