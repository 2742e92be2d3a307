"""Which files a list of paths names: files as given, and the cassettes found in folders."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SUFFIXES", "cassette_files", "expand_paths"]

SUFFIXES = (".yaml", ".yml")


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
