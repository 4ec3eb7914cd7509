"""The benchmark suite's smallest configuration, so its code cannot rot (no timings checked).

The suite itself is `python -m tests.benchmarks` (see docs/performance.md); this runs it
on tiny stores with one repetition and checks what it prints and writes.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.benchmarks.__main__ import growth, main, plot, table
from tests.benchmarks.common import Row

EXPECTED = {
    "core": ["open slip list, first page", "save a draft edit", "seal a slip",
             "verify a sealed slip"],
    "documents": ["render customer copy (A4)"],
    "startup": ["cold start to interactive main window", "memory with the store open (RSS)"],
    "sync": ["push sealed slips (sqlite)", "empty sync round (sqlite)"],
    "reports": ["yearly analysis report"],
    "responsive": ["GUI stall: first list pages", "GUI stall: scrolling the slips list",
                   "GUI stall: switching through every tab", "GUI stall: sync round"],
    "photos": ["push 3 photos"],
    "attach": ["attach a 12-MP photo"],
}


def test_smallest_run_prints_and_writes_every_scenario(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "latest.json"
    code = main(["--sizes", "24", "--push-sizes", "8", "--runs", "1", "--startup-runs", "1",
                 "--doc-runs", "1", "--report-slips", "40", "--report-runs", "1", "--photos", "3",
                 "--attach-runs", "1",
                 "--no-postgres", "--cache", str(tmp_path / "cache"),
                 "--json", str(out), "--plot", str(tmp_path / "growth.png")])
    printed = capsys.readouterr().out
    assert code == 0, printed
    result = json.loads(out.read_text())
    assert result["failed"] == []
    assert set(result["modules"]) == set(EXPECTED)
    assert len(result["loadavg_at_start"]) == 3 and result["machine"]["nproc"]
    scenarios = [row["scenario"] for row in result["rows"]]
    for names in EXPECTED.values():
        for name in names:
            assert any(s.startswith(name) for s in scenarios), (name, scenarios)
    for row in result["rows"]:
        assert {"scenario", "n", "value", "unit", "floor", "ratio", "target", "pass"} <= set(row)
        if row["scenario"].startswith("yearly"):
            continue  # measured by bench_reports when it exists, else "not available"
        assert row["value"] is not None and row["value"] > 0, row
        if row["floor_name"]:
            assert row["floor"] > 0 and row["ratio"] > 0, row
    header = printed.split("\n-")[0].splitlines()[-1].split()
    assert header[:7] == ["scenario", "n", "median", "unit", "floor", "ratio", "target"]
    assert "load average" in printed


def test_growth_checks_against_n_log_n_and_plots(tmp_path: Path) -> None:
    rows = [Row("list", 1000, 1.0, "ms"), Row("list", 10_000, 20.0, "ms"),
            Row("push", 1000, 1000.0, "slips/s", higher_is_better=True),
            Row("push", 10_000, 1000.0, "slips/s", higher_is_better=True)]
    checks = {c["scenario"]: c for c in growth(rows)}
    bound = 10_000 * math.log(10_000) / (1000 * math.log(1000))
    assert checks["list"]["nlogn_bound"] == round(bound, 2) and not checks["list"]["pass"]
    assert checks["push"]["growth"] == 10.0 and checks["push"]["pass"]  # 10x the slips
    assert "✘" in table([*rows[:2], Row("x", 1, 2.0, "ms", target=1.0)])
    message = plot(rows, tmp_path / "g.png")
    assert message.startswith("wrote") or "matplotlib" in message


def test_building_the_stores_ahead_says_its_usage_and_refuses_a_bad_size_in_one_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    from tests.benchmarks import stores

    with pytest.raises(SystemExit) as helped:
        stores.main(["--help"])
    assert helped.value.code == 0 and "sizes" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        stores.main(["1k"])
    err = capsys.readouterr().err
    assert refused.value.code == 2 and "'1k'" in err and "Traceback" not in err
