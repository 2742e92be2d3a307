"""``models-conformance cassettes check PATH...``: judge recordings against the contract.

Exit status: 0 no MUST requirement failed, 1 one did, 2 a usage error or a file that could not be
read as a cassette (the other files are still judged and reported).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..launch import EXIT_USAGE
from ..schemas import CONTRACTS, DEFAULT_CONTRACT
from ..sizes import show_size, size_argument
from .documents import FileLimits
from .judge import check

__all__ = [
    "PROG",
    "add_arguments",
    "add_file_limit_options",
    "cassette_files",
    "expand_paths",
    "file_limits",
    "run",
]

PROG = "models-conformance cassettes check"
SUFFIXES = (".yaml", ".yml")
SHOWN_FAILURES = 25


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="cassette files, or folders searched for *.yaml and *.yml "
        "(vcrpy, pytest-recording, Ruby VCR, R vcr)",
    )
    parser.add_argument("--report-json", metavar="PATH", help="write the JSON report here")
    parser.add_argument(
        "--contract",
        choices=CONTRACTS,
        default=DEFAULT_CONTRACT,
        help="contract version where a recording does not show the anthropic-version sent "
        f"(default {DEFAULT_CONTRACT})",
    )
    add_file_limit_options(parser)


def _at_least_one(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return int(text)


def add_file_limit_options(parser: argparse.ArgumentParser) -> None:
    """What one recording file may hold; a file past a limit is not read, and says why."""
    limits = parser.add_argument_group("limits on each file (a file past one is not read)")
    limits.add_argument(
        "--max-file-size",
        type=size_argument,
        default=FileLimits.max_file_bytes,
        metavar="SIZE",
        help=f"largest file read, e.g. 64MiB (default {show_size(FileLimits.max_file_bytes)})",
    )
    limits.add_argument(
        "--max-interactions",
        type=_at_least_one,
        default=FileLimits.max_interactions,
        metavar="N",
        help=f"most interactions in one file (default {FileLimits.max_interactions:,})",
    )


def file_limits(args: argparse.Namespace) -> FileLimits:
    return FileLimits(max_file_bytes=args.max_file_size, max_interactions=args.max_interactions)


def expand_paths(
    paths: list[str], suffixes: tuple[str, ...] = SUFFIXES
) -> tuple[list[tuple[Path, bool]], list[str]]:
    """The files named, and those with ``suffixes`` found in the folders named, each with whether it
    was named itself; and one usage problem per path that names none."""
    files: list[tuple[Path, bool]] = []
    problems: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in suffixes and p.is_file())
            if not found:
                problems.append(f"{name} holds no {' or '.join('*' + s for s in suffixes)} file")
            files.extend((p, False) for p in found)
        elif path.is_file():
            files.append((path, True))
        elif path.exists():
            problems.append(f"{name} is neither a file nor a folder")
        else:
            problems.append(f"no such file or folder: {name}")
    return files, problems


def cassette_files(paths: list[str]) -> tuple[list[Path], list[str]]:
    """The files to judge, and one usage problem per path that names none."""
    files, problems = expand_paths(paths)
    return [path for path, _ in files], problems


def run(args: argparse.Namespace) -> int:
    files, problems = cassette_files(args.paths)
    if problems:
        for problem in problems:
            print(f"{PROG}: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    result = check(files, args.contract, file_limits(args))
    elapsed = time.perf_counter() - started
    for summary in result.files:
        print(summary.describe())
    print()
    for line in result.results.table():
        print(line)
    notes = result.results.notes_lines()
    if notes:
        print("\nnotes (answers not judged as the target's own):")
        print("\n".join(notes))
    if result.failures:
        print("\nfailures:")
        stated: set[str] = set()
        for located in result.failures[:SHOWN_FAILURES]:
            lines = located.render().splitlines()
            if located.finding.requirement_id in stated:  # its statement and source were shown above
                lines = [line for line in lines if not line.startswith(("  requirement: ", "  source: "))]
            stated.add(located.finding.requirement_id)
            print("\n".join(lines))
        if len(result.failures) > SHOWN_FAILURES:
            print(f"(and {len(result.failures) - SHOWN_FAILURES} more; see --report-json)")
    print(f"\njudged {len(files)} file(s) in {elapsed:.2f} s")
    if args.report_json:
        result.results.write_json(args.report_json, files=[summary.as_dict() for summary in result.files])
    if result.results.summary()["must_failed"]:
        return 1
    return EXIT_USAGE if result.unreadable else 0
