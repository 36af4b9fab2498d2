"""Start-up benchmark of the command line: how long ``otobo-znuny`` takes before it does anything.

    python benchmarks/cli_startup.py [--runs 9] [--baseline-src OTHER_CHECKOUT/src]

Each case runs in a fresh interpreter, ``--runs`` times after one unrecorded run that writes the
bytecode caches (``PYTHONDONTWRITEBYTECODE`` is dropped: an installed package runs from cached
bytecode, and compiling our modules on every run would add about 0.07 s); the median and the fastest run are shown,
and ratios of medians measured in the same run (the machine may be shared and noisy, so compare
ratios, not lone times):

* ``python -c pass``: the interpreter alone, the floor of any Python command line;
* ``import typer``: the command-line framework, the floor of a typer application;
* ``otobo-znuny --help``;
* ``otobo-znuny ticket get 1``: one TicketGet against the emulator served over loopback HTTP (a
  thread of this process), so most of the time is start-up.

With ``--baseline-src`` the two ``otobo-znuny`` cases also run against another source tree (e.g. a
checkout of an older commit: ``git worktree add /tmp/base <commit>`` and ``--baseline-src
/tmp/base/src``) through ``PYTHONPATH``, and the ratios to it are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAIN = "from otobo_znuny.cli import main; main()"


def _time(argv: Sequence[str], env: dict[str, str], runs: int) -> list[float]:
    times = []
    for run in range(runs + 1):
        started = time.perf_counter()
        result = subprocess.run(list(argv), env=env, capture_output=True, text=True, timeout=120)
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()[-300:]}")
        if run:  # the first run writes the bytecode caches, as the first command after an install does
            times.append(elapsed)
    return times


def _env(src: Path | None, extra: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTOBO_ZNUNY_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package runs from cached bytecode
    env["OTOBO_ZNUNY_CONFIG"] = os.devnull + ".toml"  # no user profile
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return {**env, **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--baseline-src", type=Path, default=None, help="another checkout's src/ to compare with")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO / "src"))
    from otobo_znuny.emulator import Emulator, run_in_thread

    python = sys.executable
    with run_in_thread(Emulator.from_seed("demo")) as server:
        server_env = {
            "OTOBO_ZNUNY_BASE_URL": server.genericinterface_url,
            "OTOBO_ZNUNY_USER": "api-agent",
            "OTOBO_ZNUNY_PASSWORD": "api-secret-1",
        }
        trees: list[tuple[str, Path | None]] = [("this tree", REPO / "src")]
        if args.baseline_src is not None:
            trees.append(("baseline", args.baseline_src.resolve()))
        cases: dict[str, list[float]] = {
            "python -c pass": _time([python, "-c", "pass"], _env(None, {}), args.runs),
            "import typer": _time([python, "-c", "import typer"], _env(None, {}), args.runs),
        }
        for label, src in trees:
            cases[f"otobo-znuny --help ({label})"] = _time([python, "-c", MAIN, "--help"], _env(src, {}), args.runs)
            cases[f"otobo-znuny ticket get 1 ({label})"] = _time(
                [python, "-c", MAIN, "ticket", "get", "1", "--no-articles"], _env(src, server_env), args.runs
            )

    median = {name: statistics.median(times) for name, times in cases.items()}
    print(f"Python {sys.version.split()[0]} on {sys.platform}, {args.runs} runs per case (fresh interpreter each)")
    print(f"{'case':<44} {'median':>9} {'fastest':>9} {'x python':>9} {'x typer':>8}")
    for name, times in cases.items():
        print(
            f"{name:<44} {median[name]:>8.3f}s {min(times):>8.3f}s {median[name] / median['python -c pass']:>8.1f}x "
            f"{median[name] / median['import typer']:>7.2f}x"
        )
    if args.baseline_src is not None:
        for case in ("otobo-znuny --help", "otobo-znuny ticket get 1"):
            ratio = median[f"{case} (baseline)"] / median[f"{case} (this tree)"]
            print(f"{case}: the baseline takes {ratio:.2f}x as long as this tree")


if __name__ == "__main__":
    main()
