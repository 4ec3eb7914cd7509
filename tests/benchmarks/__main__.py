"""The benchmark suite: every scenario of docs/performance.md with its same-run floor.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.benchmarks [--quick]

Runs the scenario modules (core, documents, startup, sync, reports, responsive, photos,
attach), prints
one table (scenario, n, median, floor, ratio, target, ✔/✘) and the growth checks (time may grow at
most like n log n between sizes), writes ``tests/benchmarks/results/latest.json`` and the
growth plot ``docs/img/performance-growth.png``. ``--quick`` is a smoke run on 1k/10k
stores (200 sealed slips pushed) with fewer repetitions. Stores come from `fill_demo` and
are cached by size and code version (see stores.py); a missing one is built first, which
for 100k takes long (see docs/performance.md). Not part of the default pytest run.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import itertools
import json
import math
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks import stores
from tests.benchmarks.common import Row, loadavg, machine

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
DEFAULT_JSON = HERE / "results" / "latest.json"
DEFAULT_PLOT = ROOT / "docs" / "img" / "performance-growth.png"
MODULES = ("core", "documents", "startup", "sync", "reports", "responsive", "photos",
           "attach")
REPORTS_TARGET_S = 3.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1k/10k stores, 200 slips pushed, fewer repetitions")
    parser.add_argument("--only", default=",".join(MODULES),
                        help=f"comma-separated modules out of {','.join(MODULES)}")
    parser.add_argument("--sizes", help="slips per store (default 1000,10000,100000; "
                        "1000000 opt-in, built in minutes by bulk copies)")
    parser.add_argument("--push-sizes", help="sealed slips pushed (default 1000,10000)")
    parser.add_argument("--runs", type=int, help="repetitions of the core scenarios")
    parser.add_argument("--startup-runs", type=int, help="processes started per size")
    parser.add_argument("--push-runs", type=int, help="full pushes per size and database")
    parser.add_argument("--doc-runs", type=int, help="renders of a customer copy")
    parser.add_argument("--responsive-runs", type=int,
                        help="app processes per size for the GUI-stall scenarios")
    parser.add_argument("--report-slips", help="slips of the report's customer (default 50000)")
    parser.add_argument("--report-runs", type=int, help="yearly reports made per size")
    parser.add_argument("--photos", type=int,
                        help="photos pushed end to end (default 100; --quick 20)")
    parser.add_argument("--photo-runs", type=int, help="photo pushes (default 1)")
    parser.add_argument("--attach-runs", type=int,
                        help="12-MP photos attached (default 9; --quick 3)")
    parser.add_argument("--no-postgres", action="store_true", help="push on SQLite only")
    parser.add_argument("--no-build", action="store_true",
                        help="report sizes whose demo store is not cached as not measured")
    parser.add_argument("--cache", type=Path, help="where demo stores are cached")
    parser.add_argument("--bulk-from", type=int,
                        help="build stores of this many slips or more as bulk copies of the "
                             f"1k store (default {stores.BULK_FROM:,}; tests/benchmarks/bulk.py)")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--plot", type=Path, default=DEFAULT_PLOT,
                        help="growth plot PNG ('' for none)")
    args = parser.parse_args(argv)
    quick = args.quick
    args.sizes = [int(s) for s in (args.sizes or (
        "1000,10000" if quick else "1000,10000,100000")).split(",")]
    args.push_sizes = [int(s) for s in (args.push_sizes or (
        "200" if quick else "1000,10000")).split(",")]
    args.runs = args.runs or (7 if quick else 15)
    args.startup_runs = args.startup_runs or (3 if quick else 5)
    args.push_runs = args.push_runs or 1
    args.doc_runs = args.doc_runs or (10 if quick else 30)
    args.responsive_runs = args.responsive_runs or (1 if quick else 3)
    args.report_slips = tuple(int(s) for s in (args.report_slips or "50000").split(","))
    args.report_runs = args.report_runs or (3 if quick else 5)
    args.photos = args.photos or (20 if quick else 100)
    args.photo_runs = args.photo_runs or 1
    args.attach_runs = args.attach_runs or (3 if quick else 9)
    args.only = [m.strip() for m in args.only.split(",") if m.strip()]
    unknown = set(args.only) - set(MODULES)
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    return args


# --- the optional reports module (written by the reports work) -----------------------


def reports_rows(args: argparse.Namespace, log: Callable[[str], None]) -> list[Row]:
    """Rows from tests/benchmarks/bench_reports.py `run(...) -> dict`, or "not available".

    `run` gets those of these keyword arguments its signature names: quick, runs, cache,
    slips, log. Its dict may hold "rows" (dicts with Row's fields), or one figure as
    median_s / median_ms / seconds with n / slips; anything else is kept in the JSON.
    """
    scenario = "yearly analysis report, one customer"
    try:
        module = importlib.import_module("tests.benchmarks.bench_reports")
    except ModuleNotFoundError as exc:
        if exc.name != "tests.benchmarks.bench_reports":
            raise
        return [Row(scenario, 50_000, None, "s", target=REPORTS_TARGET_S,
                    note="not available (tests/benchmarks/bench_reports.py is missing)")]
    offered = {"quick": args.quick, "runs": args.report_runs, "cache": args.cache,
               "slips": args.report_slips, "log": log}
    parameters = inspect.signature(module.run).parameters
    accepts_all = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    result = module.run(**{k: v for k, v in offered.items() if accepts_all or k in parameters})
    if not isinstance(result, dict):
        raise TypeError(f"bench_reports.run returned {type(result).__name__}, not dict")
    if isinstance(result.get("rows"), list):
        fields = set(inspect.signature(Row).parameters)
        return [Row(**{k: v for k, v in row.items() if k in fields}) for row in result["rows"]]
    n = result.get("n", result.get("slips", 50_000))
    for key, unit, scale in (("median_s", "s", 1.0), ("seconds", "s", 1.0),
                             ("median_ms", "s", 0.001)):
        if isinstance(result.get(key), int | float):
            floor = result.get("floor_s")
            return [Row(scenario, n, result[key] * scale, unit,
                        floor=floor if isinstance(floor, int | float) else None,
                        floor_name=str(result.get("floor_name", "")),
                        target=REPORTS_TARGET_S, runs=int(result.get("runs", 1)),
                        note=str(result.get("note", "")), extra=result)]
    return [Row(scenario, n, None, "s", target=REPORTS_TARGET_S,
                note="bench_reports returned no median; see the JSON", extra=result)]


def run_module(name: str, args: argparse.Namespace, log: Callable[[str], None]) -> list[Row]:
    if name == "core":
        from tests.benchmarks import bench_core
        return bench_core.run(args.sizes, args.runs, args.cache, log)
    if name == "documents":
        from tests.benchmarks import bench_documents
        return bench_documents.run(args.doc_runs)
    if name == "startup":
        from tests.benchmarks import bench_startup
        return bench_startup.run(args.sizes, args.startup_runs, args.cache, log)
    if name == "sync":
        from tests.benchmarks import bench_sync
        return bench_sync.run(args.push_sizes, args.push_runs, args.cache,
                              postgres=not args.no_postgres, log=log)
    if name == "responsive":
        from tests.benchmarks import bench_responsive
        return bench_responsive.run(args.sizes, args.responsive_runs, args.cache, log)
    if name == "photos":
        from tests.benchmarks import bench_photos
        return bench_photos.run(args.photos, args.photo_runs, log)
    if name == "attach":
        from tests.benchmarks import bench_attach
        return bench_attach.run(args.attach_runs, log)
    return reports_rows(args, log)


# --- growth --------------------------------------------------------------------------


def cost(row: Row) -> float | None:
    """What must not grow faster than n log n: the time of the scenario (for a rate, the
    time of the whole batch of n); memory as it is."""
    if row.value is None or row.n is None:
        return None
    return row.n / row.value if row.higher_is_better else row.value


def growth(rows: list[Row]) -> list[dict[str, object]]:
    by_scenario: dict[str, list[Row]] = {}
    for row in rows:
        if cost(row) is not None:
            by_scenario.setdefault(row.scenario, []).append(row)
    checks = []
    for scenario, group in by_scenario.items():
        group.sort(key=lambda r: r.n or 0)
        for a, b in itertools.pairwise(group):
            if not a.n or not b.n or a.n == b.n:
                continue
            bound = (b.n * math.log(b.n)) / (a.n * math.log(a.n))
            ca, cb = cost(a), cost(b)
            ratio = cb / ca if ca else math.inf
            checks.append({"scenario": scenario, "from": a.n, "to": b.n,
                           "growth": round(ratio, 2), "nlogn_bound": round(bound, 2),
                           "pass": ratio <= bound})
    return checks


# --- output --------------------------------------------------------------------------


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 0.1 else f"{value:.3f}"


def target_text(row: Row) -> str:
    parts = []
    if row.target is not None:
        parts.append(f"{'≥' if row.higher_is_better else '≤'} {fmt(row.target)}")
    if row.max_ratio is not None:
        parts.append(f"≤ {row.max_ratio:g}× floor")
    return ", ".join(parts) or "—"


def table(rows: list[Row]) -> str:
    header = ["scenario", "n", "median", "unit", "floor", "ratio", "target", ""]
    lines = [[r.scenario, "—" if r.n is None else f"{r.n:,}",
              "n/a" if r.value is None else fmt(r.value), r.unit, fmt(r.floor),
              "—" if r.ratio is None else f"{r.ratio:.2f}×", target_text(r),
              {True: "✔", False: "✘", None: "·"}[r.passed]] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=True)]
    right = {1, 2, 4, 5}
    out = []
    for i, line in enumerate([header, *lines]):
        out.append("  ".join(str(x).rjust(w) if j in right else str(x).ljust(w)
                             for j, (x, w) in enumerate(zip(line, widths, strict=True))))
        if i == 0:
            out.append("-" * len(out[0]))
    notes = [f"  {r.scenario} (n={r.n}): {r.note}" for r in rows
             if r.note and (r.value is None or r.floor_name)]
    floors = sorted({f"  floor for {r.scenario}: {r.floor_name}" for r in rows if r.floor_name})
    return "\n".join([*out, *(["", *floors] if floors else []),
                      *(["", *notes] if notes else [])])


def plot(rows: list[Row], path: Path) -> str:
    """Cost relative to the smallest size, log-log, with n log n for reference."""
    series: dict[str, list[tuple[int, float]]] = {}
    for row in rows:
        c = cost(row)
        if c is not None and row.n:
            series.setdefault(row.scenario, []).append((row.n, c))
    series = {k: sorted(v) for k, v in series.items() if len({n for n, _ in v}) > 1}
    if not series:
        return "no growth runs to plot"
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (pip install -e '.[bench]'): no plot"
    try:  # the app's own CJK font, for the Chinese search terms in the legend
        from matplotlib import font_manager

        from fieldapp.documents.fonts import find_cjk_font

        font = find_cjk_font()
        font_manager.fontManager.addfont(str(font.path))
        plt.rcParams["font.family"] = font_manager.FontProperties(
            fname=str(font.path)).get_name()
    except Exception as exc:  # no CJK font: the plot is still useful
        print(f"(growth plot without a CJK font: {exc})")
    figure, axes = plt.subplots(figsize=(9, 5.5), dpi=110)
    sizes = sorted({n for points in series.values() for n, _ in points})
    n0 = sizes[0]
    axes.plot(sizes, [n * math.log(n) / (n0 * math.log(n0)) for n in sizes], "k--",
              linewidth=2, label="n log n (the bound)")
    axes.plot(sizes, [1.0] * len(sizes), "k:", linewidth=1, label="constant")
    for scenario, points in series.items():
        base = points[0][1]
        axes.plot([n for n, _ in points], [c / base for _, c in points], marker="o",
                  linewidth=1, label=scenario)
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("n (slips in the store; sealed slips pushed)")
    axes.set_ylabel("cost relative to the smallest n")
    axes.set_title("Growth of each scenario (must stay under the n log n line)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left", ncol=2)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return f"wrote {path}"


def alone(module: str) -> list[str]:
    """Arguments for running one module by itself: its own JSON, no plot, so the suite's
    latest.json and plot stay those of the last whole run."""
    return ["--json", str(HERE / "results" / f"only-{module}.json"), "--plot", ""]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()

    def log(message: str) -> None:
        print(message, flush=True)

    if args.no_build:
        stores.BUILD = False
    if args.bulk_from:
        stores.BULK_FROM = args.bulk_from
    info = machine()
    load_start = loadavg()
    log(f"{info['cpu']} ×{info['nproc']}, Python {info['python']}, SQLite {info['sqlite']}; "
        f"load average {load_start}")
    rows: list[Row] = []
    modules: dict[str, dict[str, object]] = {}
    failed = []
    for name in args.only:
        log(f"[{name}] …")
        module_start = time.perf_counter()
        load = loadavg()
        try:
            found = run_module(name, args, log)
        except Exception:
            failed.append(name)
            log(traceback.format_exc())
            found = [Row(f"{name} (failed)", None, None, "", note="raised; see the log")]
        seconds = time.perf_counter() - module_start
        modules[name] = {"seconds": round(seconds, 1), "loadavg_at_start": load}
        log(f"[{name}] {seconds:.0f} s")
        rows += found
    checks = growth(rows)
    print("\n" + table(rows))
    if checks:
        print("\ngrowth (cost ratio between sizes must not exceed n log n):")
        width = max(len(str(c["scenario"])) for c in checks)
        for c in checks:
            print(f"  {c['scenario']:<{width}}  {c['from']:>7,} → {c['to']:<7,}  "
                  f"×{c['growth']:<7} bound ×{c['nlogn_bound']:<6} "
                  f"{'✔' if c['pass'] else '✘'}")
    total = time.perf_counter() - started
    load_end = loadavg()
    print(f"\n{len(rows)} figures in {total:.0f} s; load average {load_start} → {load_end}")
    result = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python -m tests.benchmarks",
                             *(sys.argv[1:] if argv is None else argv)]),
        "machine": info, "loadavg_at_start": load_start, "loadavg_at_end": load_end,
        "seconds": round(total, 1), "modules": modules,
        "config": {"quick": args.quick, "sizes": args.sizes, "push_sizes": args.push_sizes,
                   "runs": args.runs, "startup_runs": args.startup_runs,
                   "push_runs": args.push_runs, "doc_runs": args.doc_runs,
                   "responsive_runs": args.responsive_runs},
        "rows": [r.as_json() for r in rows], "growth": checks, "failed": failed,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n")
    print(f"wrote {args.json}")
    if str(args.plot) not in ("", "."):
        print(plot(rows, args.plot))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
