"""The Python half of scripts/bench: the peers impactkit is measured against, the check that
they count exactly what impactkit counts, the timer, and the results table.

    bench_peers.py tally --engine polars|pandas SPEC --out TALLIES.csv
        What a researcher would write today: read the survey the spec names with polars
        (read_excel through fastexcel, i.e. calamine) or pandas (read_excel through openpyxl),
        or read_csv for a CSV file, then compute the spec's benefit tallies. The benefits, their
        statements and the scale are read from the spec, so the rule is the same as impactkit's:
        n = respondents who gave a positive answer to any of a benefit's statements, N =
        respondents who gave a real answer (not blank, not one of the scale's `missing`
        answers such as "Don't know") to any of them.

    bench_peers.py check EXPECTED_benefits.csv TALLIES.csv ...
        Fails loudly unless every tallies file has exactly impactkit's n and N for every
        benefit and source.

    bench_peers.py measure --runs R [--warmup W] [--memory-limit-mb M] --size S --tool T
                           --results FILE -- CMD ...
        Runs CMD W times unmeasured, then R times, each as a fresh process, and appends the
        median wall time and the median peak resident memory (the child's ru_maxrss, from
        wait4) to FILE. `{run}` in CMD is replaced by the run's number. A run whose resident
        memory goes over M MB (default $BENCH_MEMORY_LIMIT_MB, or 4096) is stopped and recorded
        as such, so that the benchmark cannot exhaust the machine.

    bench_peers.py table FILE
        The Markdown table of FILE, with each row's ratio to the floor of its size, and the
        issue's targets, met or not.

Only the standard library is needed for check, measure and table; tally imports the peer it is
asked for, so the import is part of what is timed, as it is for a researcher.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# The peers


def benefit_rules(spec_path: Path):
    """The spec's survey source (file, sheet) and, per benefit on it, the statements' columns,
    the answers that count as positive and those that mean "no answer"."""
    spec = tomllib.loads(spec_path.read_text(encoding="utf-8"))
    scales = spec.get("scales", {})
    sources = {source["name"]: source for source in spec["sources"]}
    rules = []
    used_sources = set()
    for benefit in spec["benefits"]:
        by_source: dict[str, list] = {}
        for evidence in benefit["evidence"]:
            source = sources[evidence["source"]]
            questions = {q["name"]: q for q in source.get("questions", [])}
            question = questions[evidence["question"]]
            scale = scales[question["scale"]]
            answer = evidence.get("answer", "positive")
            if answer == "positive":
                wanted = list(scale["positive"])
            elif isinstance(answer, list):
                wanted = list(answer)
            else:
                wanted = [answer]
            by_source.setdefault(source["name"], []).append(
                (question["column"], wanted, list(scale.get("missing", [])))
            )
        for source_name, statements in by_source.items():
            used_sources.add(source_name)
            rules.append((benefit["name"], source_name, statements))
    if len(used_sources) != 1:
        sys.exit(f"bench_peers: expected benefits on one survey source, found {used_sources}")
    source = sources[used_sources.pop()]
    data = spec_path.parent / source["file"]
    return data, source.get("sheet"), rules


def tally_polars(data: Path, sheet: str | None, rules):
    import polars as pl

    if data.suffix.lower() == ".csv":
        frame = pl.read_csv(data, infer_schema_length=10_000)
    else:
        frame = pl.read_excel(data, sheet_name=sheet, engine="calamine")
    expressions = []
    for index, (_, _, statements) in enumerate(rules):
        positive = [pl.col(column).is_in(wanted) for column, wanted, _ in statements]
        answered = [
            pl.col(column).is_not_null() & ~pl.col(column).is_in(missing)
            for column, _, missing in statements
        ]
        expressions.append(pl.any_horizontal(positive).fill_null(False).sum().alias(f"n{index}"))
        expressions.append(pl.any_horizontal(answered).fill_null(False).sum().alias(f"N{index}"))
    row = frame.select(expressions).row(0)
    return [(row[2 * i], row[2 * i + 1]) for i in range(len(rules))]


def tally_pandas(data: Path, sheet: str | None, rules):
    import pandas as pd

    if data.suffix.lower() == ".csv":
        frame = pd.read_csv(data)
    else:
        frame = pd.read_excel(data, sheet_name=sheet or 0, engine="openpyxl")
    counts = []
    for _, _, statements in rules:
        positive = pd.concat(
            [frame[column].isin(wanted) for column, wanted, _ in statements], axis=1
        ).any(axis=1)
        answered = pd.concat(
            [
                frame[column].notna() & ~frame[column].isin(missing)
                for column, _, missing in statements
            ],
            axis=1,
        ).any(axis=1)
        counts.append((int(positive.sum()), int(answered.sum())))
    return counts


def command_tally(args) -> None:
    data, sheet, rules = benefit_rules(Path(args.spec))
    tally = tally_polars if args.engine == "polars" else tally_pandas
    counts = tally(data, sheet, rules)
    with open(args.out, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["benefit", "source", "n", "N"])
        for (benefit, source, _), (n, big_n) in zip(rules, counts):
            writer.writerow([benefit, source, n, big_n])


# ---------------------------------------------------------------------------------------------
# The check


def read_counts(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as file:
        return {
            (row["benefit"], row["source"]): (row["n"], row["N"]) for row in csv.DictReader(file)
        }


def command_check(args) -> None:
    expected = read_counts(Path(args.expected))
    failures = []
    for peer in args.tallies:
        found = read_counts(Path(peer))
        for key in sorted(set(expected) | set(found)):
            if expected.get(key) != found.get(key):
                failures.append(
                    f"  {peer}: {key[0]} ({key[1]}): impactkit n, N = {expected.get(key)}, "
                    f"peer n, N = {found.get(key)}"
                )
    if failures:
        print("bench: THE TALLIES DIFFER FROM IMPACTKIT'S tables/benefits.csv:", file=sys.stderr)
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print(
        f"bench: {len(expected)} benefit tallies (n and N) of {len(args.tallies)} peer(s) "
        f"equal impactkit's exactly"
    )


# ---------------------------------------------------------------------------------------------
# The timer


class OverMemory(Exception):
    """A run was stopped for going over the memory limit."""

    def __init__(self, seconds: float, peak_kb: int):
        super().__init__(f"stopped after {seconds:.1f} s at {peak_kb / 1024:.0f} MB")
        self.seconds = seconds
        self.peak_kb = peak_kb


def resident_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_once(command: list[str], limit_kb: int) -> tuple[float, int]:
    """Wall seconds and peak resident memory in kB of one run of `command`; the run is stopped
    (OverMemory) if its resident memory goes over `limit_kb`, so that a tool that would need
    more memory than the machine has cannot take the machine down with it."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    stopped = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if not stopped and resident_kb(process.pid) > limit_kb:
            process.kill()
            stopped = True
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if stopped:
        raise OverMemory(seconds, usage.ru_maxrss)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: `{' '.join(command)}` failed with exit status {code}")
    return seconds, usage.ru_maxrss  # kB on Linux


def default_limit_mb() -> int:
    return int(os.environ.get("BENCH_MEMORY_LIMIT_MB", "4096"))


def command_measure(args) -> None:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    limit_kb = args.memory_limit_mb * 1024
    seconds, peaks = [], []
    try:
        for run in range(args.warmup):
            run_once([part.replace("{run}", f"warmup{run}") for part in command], limit_kb)
        for run in range(1, args.runs + 1):
            elapsed, peak = run_once([part.replace("{run}", str(run)) for part in command], limit_kb)
            seconds.append(elapsed)
            peaks.append(peak)
    except OverMemory as over:
        with open(args.results, "a", encoding="utf-8") as results:
            results.write(
                f"{args.size}\t{args.tool}\t\t{over.peak_kb / 1024:.1f}\t0\t"
                f"stopped at the {args.memory_limit_mb} MB limit after {over.seconds:.0f} s\n"
            )
        print(f"  {args.size:>6} {args.tool:<34} {over} (limit {args.memory_limit_mb} MB)")
        return
    median_s = statistics.median(seconds)
    median_mb = statistics.median(peaks) / 1024
    with open(args.results, "a", encoding="utf-8") as results:
        results.write(
            f"{args.size}\t{args.tool}\t{median_s:.4f}\t{median_mb:.1f}\t{args.runs}\t\n"
        )
    spread = ", ".join(f"{s:.2f}" for s in seconds)
    print(f"  {args.size:>6} {args.tool:<34} {median_s:8.2f} s {median_mb:8.1f} MB  ({spread})")


# ---------------------------------------------------------------------------------------------
# The table

FLOOR, REPORT, POLARS, PANDAS = "floor", "impactkit report", "polars + fastexcel", "pandas + openpyxl"


def tool_kind(tool: str) -> str:
    """Which of the four a row is, whatever reader its label names ("floor (csv crate)")."""
    for kind in (FLOOR, REPORT, POLARS, PANDAS):
        if tool.startswith(kind.split(" ")[0] if kind in (POLARS, PANDAS) else kind):
            return kind
    return tool


def command_table(args) -> None:
    rows = []
    with open(args.results, encoding="utf-8") as file:
        for line in file:
            size, tool, seconds, peak, runs, note = line.rstrip("\n").split("\t")
            rows.append((size, tool, float(seconds) if seconds else None, float(peak), runs, note))
    floors = {size: seconds for size, tool, seconds, *_ in rows if tool_kind(tool) == FLOOR}
    print("| size | tool | runs | median s | peak MB | × floor |")
    print("|---|---|---:|---:|---:|---:|")
    for size, tool, seconds, peak, runs, note in rows:
        if seconds is None:
            print(f"| {size} | {tool} | — | {note} | > {peak:.0f} | — |")
            continue
        ratio = f"{seconds / floors[size]:.2f}" if size in floors else "—"
        print(f"| {size} | {tool} | {runs} | {seconds:.2f} | {peak:.0f} | {ratio} |")

    by = {(size, tool_kind(tool)): (seconds, peak) for size, tool, seconds, peak, *_ in rows}
    names = {(size, tool_kind(tool)): tool for size, tool, *_ in rows}
    sizes = list(dict.fromkeys(size for size, *_ in rows))
    print()
    print("| size | target | measured | met? |")
    print("|---|---|---|---|")

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    for size in sizes:
        report = by.get((size, REPORT))
        if report is None:
            continue
        seconds, peak = report
        if seconds is None:
            print(f"| {size} | peak memory < 1 GB | stopped at {peak:.0f} MB | **not met** |")
            print(f"| {size} | time targets | not measured: stopped at the memory limit | — |")
            continue
        if size == "sample":
            print(f"| {size} | report well under 1 s | {seconds:.2f} s | {verdict(seconds < 1)} |")
            continue
        if (size, FLOOR) in by:
            ratio = seconds / by[(size, FLOOR)][0]
            print(f"| {size} | report ≤ 1.5× floor | {ratio:.1f}× | {verdict(ratio <= 1.5)} |")
        other = by.get((size, POLARS), (None, 0))[0]
        if other is not None and (size, POLARS) in by:
            print(
                f"| {size} | faster than {names[(size, POLARS)]} | {seconds:.2f} s vs {other:.2f} s "
                f"| {verdict(seconds < other)} |"
            )
        other = by.get((size, PANDAS), (None, 0))[0]
        if other is not None and (size, PANDAS) in by:
            print(
                f"| {size} | ≥ 10× faster than {names[(size, PANDAS)]} | {other / seconds:.1f}× "
                f"| {verdict(other / seconds >= 10)} |"
            )
        print(f"| {size} | peak memory < 1 GB | {peak:.0f} MB | {verdict(peak < 1024)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command_name", required=True)

    tally = commands.add_parser("tally")
    tally.add_argument("--engine", choices=["polars", "pandas"], required=True)
    tally.add_argument("spec")
    tally.add_argument("--out", required=True)
    tally.set_defaults(run=command_tally)

    check = commands.add_parser("check")
    check.add_argument("expected")
    check.add_argument("tallies", nargs="+")
    check.set_defaults(run=command_check)

    measure = commands.add_parser("measure")
    measure.add_argument("--runs", type=int, default=5)
    measure.add_argument("--warmup", type=int, default=1)
    measure.add_argument("--size", required=True)
    measure.add_argument("--tool", required=True)
    measure.add_argument("--results", required=True)
    measure.add_argument("--memory-limit-mb", type=int, default=default_limit_mb())
    measure.add_argument("command", nargs=argparse.REMAINDER)
    measure.set_defaults(run=command_measure)

    table = commands.add_parser("table")
    table.add_argument("results")
    table.set_defaults(run=command_table)

    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
