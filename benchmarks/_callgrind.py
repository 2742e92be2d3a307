"""Instructions per example of the property phase, counted by valgrind's callgrind: repeatable anywhere.

Wall time on a shared machine drifts; instruction counts do not (PYTHONHASHSEED=0, the same seed, the
same examples). A small C extension, compiled here, gives each zone of conformance_bench_timing.py its
own C frame, whose inclusive cost callgrind reports, and switches the instrumentation on for the
measured part only. Only the client process runs under valgrind: the reference server runs natively,
so the counts leave out the server, the kernel and every wait.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import sysconfig
from pathlib import Path
from typing import Any

from _common import BENCH_DIR, Unavailable, run, tail
from _suite import read_timing, suite_command, suite_env

ZONES = ("send", "httpx", "judging")
MODULE = "conformance_bench_cgz"
SOURCE = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <valgrind/callgrind.h>
/* One C function per zone: callgrind's inclusive cost of zone_X is everything its callable did. */
#define ZONE(name) \
    __attribute__((noinline)) static PyObject *zone_##name(PyObject *self, PyObject *fn) { \
        PyObject *result = PyObject_CallNoArgs(fn); \
        __asm__ volatile(""); \
        return result; \
    }
ZONE(send) ZONE(httpx) ZONE(judging)
static PyObject *cg_start(PyObject *self, PyObject *unused) {
    CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; Py_RETURN_NONE;
}
static PyObject *cg_stop(PyObject *self, PyObject *unused) {
    CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT("measured"); Py_RETURN_NONE;
}
static PyMethodDef methods[] = {
    {"zone_send", zone_send, METH_O, NULL}, {"zone_httpx", zone_httpx, METH_O, NULL},
    {"zone_judging", zone_judging, METH_O, NULL}, {"cg_start", cg_start, METH_NOARGS, NULL},
    {"cg_stop", cg_stop, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "conformance_bench_cgz", NULL, -1, methods};
PyMODINIT_FUNC PyInit_conformance_bench_cgz(void) { return PyModule_Create(&module); }
"""
_LINE = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+(.*)$")


def build_extension(workdir: Path) -> Path:
    """Compile the zones module into ``workdir``; Unavailable without valgrind, a C compiler or headers."""
    missing = [tool for tool in ("valgrind", "callgrind_annotate") if shutil.which(tool) is None]
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if missing or compiler is None:
        raise Unavailable(f"callgrind needs {', '.join(missing or ['a C compiler (cc)'])} on PATH")
    source = workdir / f"{MODULE}.c"
    source.write_text(SOURCE, encoding="utf-8")
    target = workdir / f"{MODULE}{sysconfig.get_config_var('EXT_SUFFIX')}"
    include = sysconfig.get_paths()["include"]
    flags = ["-O1", "-fno-optimize-sibling-calls", "-shared", "-fPIC"]
    done = run([compiler, *flags, f"-I{include}", "-o", str(target), str(source)])
    if done.returncode != 0:
        raise Unavailable(f"cannot build the callgrind zones (valgrind/callgrind.h?): {tail(done.stderr, 3)}")
    return workdir


def _valgrind(out: Path) -> list[str]:
    return ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}.%p"]


def _counts(out: Path) -> dict[str, int]:
    """Instructions of the measured part of the run written to ``out``."""
    dumps = sorted(out.parent.glob(f"{out.name}.*.1"))
    if not dumps:
        raise RuntimeError(f"callgrind wrote no measured part for {out.name}")
    return parse_annotate(
        run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(dumps[-1])]).stdout
    )


def parse_annotate(text: str) -> dict[str, int]:
    """From ``callgrind_annotate --inclusive=yes`` output: the total, each zone and gc (inclusive)."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        found = _LINE.match(line)
        if found is None or "'" in found.group(2):  # name'2: a recursion level, already inside its caller
            continue
        count, function = int(found.group(1).replace(",", "")), found.group(2)
        if "PROGRAM TOTALS" in function:
            counts["total"] = count
        elif (zone := re.search(r":zone_(\w+) \[", function)) is not None:
            counts[zone.group(1)] = max(count, counts.get(zone.group(1), 0))
        elif re.search(r":gc_collect_main \[", function):
            counts["gc"] = max(count, counts.get("gc", 0))
    return counts


def _suite(base_url: str, examples: int, mode: str, workdir: Path, ext: Path) -> dict[str, Any]:
    out = workdir / f"callgrind-{mode}-{examples}"
    env = {**suite_env(out.with_suffix(".json"), mode, [str(ext)]), "CONFORMANCE_BENCH_CALLGRIND": "1"}
    env["PYTHONHASHSEED"] = "0"
    cmd = [*_valgrind(out), *suite_command(base_url, examples, python_module=True)]
    done = run(cmd, env=env, cwd=workdir)
    timing = read_timing(out.with_suffix(".json"), done.returncode, done.stdout + done.stderr)
    return {"counts": _counts(out), "requests": timing["requests"], "examples": timing["examples"]}


def _raw(base_url: str, requests: list[list[Any]], workdir: Path, ext: Path) -> dict[str, int]:
    out = workdir / "callgrind-raw"
    (workdir / "callgrind-raw.json").write_text(json.dumps(requests), encoding="utf-8")
    code = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import conformance_bench_cgz as z; "
        "from _property import raw_httpx_loop; "
        "raw_httpx_loop(sys.argv[3], json.load(open(sys.argv[4])), brackets=(z.cg_start, z.cg_stop))"
    )
    args = [str(BENCH_DIR), str(ext), base_url, str(workdir / "callgrind-raw.json")]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = run([*_valgrind(out), sys.executable, "-c", code, *args], env=env, cwd=workdir)
    if done.returncode != 0:
        raise RuntimeError(f"the raw loop under callgrind failed:\n{tail(done.stderr)}")
    return _counts(out)


def callgrind_breakdown(base_url: str, examples: int, workdir: Path) -> dict[str, Any]:
    """Thousands of instructions per example: the suite by zone, generation alone, set-up, the floor."""
    ext = build_extension(workdir)
    suite = _suite(base_url, examples, "zones", workdir, ext)
    offline = _suite(base_url, examples, "offline", workdir, ext)
    setup = _suite(base_url, 1, "offline", workdir, ext)
    raw = _raw(base_url, suite["requests"], workdir, ext)
    n = suite["examples"]

    def k(count: int | None, per: int = n) -> float:
        return (count or 0) / max(per, 1) / 1000

    zones = suite["counts"]
    return {
        "examples": n,
        "suite": k(zones.get("total")),
        "generation": k(offline["counts"].get("total"), offline["examples"]),
        "setup": k(setup["counts"].get("total")),  # spread over the examples, like the wall-time row
        "target": k(zones.get("send", 0) - zones.get("httpx", 0) - zones.get("judging", 0)),
        "httpx": k(zones.get("httpx")),
        "judging": k(zones.get("judging")),
        "gc": k(zones.get("gc")),
        "raw": k(raw.get("total")),
        "same_examples": [t for _, t, _ in offline["requests"]] == [t for _, t, _ in suite["requests"]],
    }
