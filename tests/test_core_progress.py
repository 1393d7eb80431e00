"""Progress bars show interactively and are switched off for report runs."""

from analysis.core.progress import ENVIRONMENT_SWITCH, progress


def test_progress_is_off_when_the_runner_says_so(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_SWITCH, "1")
    bar = progress(range(3), "k search")
    assert bar.disable and list(bar) == [0, 1, 2]


def test_progress_is_on_interactively(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_SWITCH, raising=False)
    bar = progress(range(3), "k search")
    assert not bar.disable and list(bar) == [0, 1, 2]
