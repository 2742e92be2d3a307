"""Installing a target from its registry into the cache, once per pin set, and reading its versions.

npm targets get their package.json copied into their home and ``npm install`` there; Python targets
get a virtualenv of their own (their pins clash with the project's: LiteLLM's starlette, mitmproxy's
h11), filled from their requirements file with uv when it is on PATH, else with pip. A home whose copy
of the manifest equals the committed one is reused as it is.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from _spec import Npm, Pip, TargetSpec

INSTALL_TIMEOUT = 900.0  # LiteLLM's proxy brings about 120 packages


class InstallError(RuntimeError):
    """The target cannot be installed; the message says what is missing or what the installer said."""


def home_of(spec: TargetSpec, cache: Path) -> Path:
    return cache / spec.folder.name


def install(spec: TargetSpec, cache: Path, log: Path) -> Path:
    """The target's home, installed if it was not already; raises InstallError."""
    home = home_of(spec, cache)
    if spec.install is None:
        return home
    manifest = spec.folder / (
        spec.install.manifest if isinstance(spec.install, Npm) else spec.install.requirements
    )
    stamp = home / ("installed-" + manifest.name)
    if stamp.is_file() and stamp.read_bytes() == manifest.read_bytes():
        return home
    home.mkdir(parents=True, exist_ok=True)
    if isinstance(spec.install, Npm):
        _npm(home, manifest, log)
    else:
        _pip(home, manifest, log)
    shutil.copyfile(manifest, stamp)
    return home


def _run(argv: list[str], log: Path, cwd: Path | None = None) -> None:
    with log.open("ab") as out:
        out.write(("$ " + " ".join(argv) + "\n").encode())
        out.flush()
        try:
            done = subprocess.run(
                argv, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, timeout=INSTALL_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            raise InstallError(
                f"{argv[0]} did not finish within {INSTALL_TIMEOUT:.0f} s (log: {log})"
            ) from None
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-8:])
        raise InstallError(f"`{' '.join(argv)}` exited {done.returncode}:\n{tail}")


def _npm(home: Path, manifest: Path, log: Path) -> None:
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise InstallError(
            "needs Node.js 18+ and npm on PATH (https://nodejs.org; Debian: apt-get install nodejs npm)"
        )
    shutil.copyfile(manifest, home / "package.json")
    _run([npm, "install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], log, cwd=home)


def _pip(home: Path, requirements: Path, log: Path) -> None:
    uv = shutil.which("uv")
    python = home / "bin" / "python"
    if uv is not None:
        _run([uv, "venv", "--quiet", "--allow-existing", "--python", sys.executable, str(home)], log)
        _run([uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(requirements)], log)
    else:
        _run([sys.executable, "-m", "venv", str(home)], log)
        _run([str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements)], log)


def versions(spec: TargetSpec, home: Path) -> dict[str, str]:
    """The installed versions of the packages the spec names, and of the runtime under them."""
    if isinstance(spec.install, Npm):
        found = {}
        for package in spec.install.packages:
            manifest = home / "node_modules" / package / "package.json"
            found[package] = json.loads(manifest.read_text(encoding="utf-8")).get("version", "?")
        node = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=30)
        found["node"] = node.stdout.strip().removeprefix("v") or "?"
        return found
    if isinstance(spec.install, Pip):
        return _python_versions(home / "bin" / "python", spec.install)
    return {}


def _python_versions(python: Path, install: Pip) -> dict[str, str]:
    script = (
        "import importlib.metadata as m, json, platform, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try: found[name] = m.version(name)\n"
        "    except m.PackageNotFoundError: found[name] = 'not installed'\n"
        "found['python'] = platform.python_version()\n"
        "print(json.dumps(found))\n"
    )
    done = subprocess.run(
        [str(python), "-c", script, *install.packages], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        raise InstallError(
            f"cannot read the versions in {python.parent.parent}: {done.stderr.strip()[-300:]}"
        )
    result: dict[str, str] = json.loads(done.stdout)
    return result


def install_hint(spec: TargetSpec, home: str) -> str:
    """The install step, as a reader types it from the repository root (home as in the document)."""
    if isinstance(spec.install, Npm):
        manifest = f"connectors/servers/{spec.folder.name}/{spec.install.manifest}"
        return f"mkdir -p {home} && cp {manifest} {home}/ && npm install --prefix {home} --no-package-lock"
    if isinstance(spec.install, Pip):
        requirements = f"connectors/servers/{spec.folder.name}/{spec.install.requirements}"
        return f"python3 -m venv {home} && {home}/bin/pip install -r {requirements}"
    return "pip install -e .  (the project itself)"
