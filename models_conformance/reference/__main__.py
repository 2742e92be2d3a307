"""``python -m models_conformance.reference``: the same arguments as ``models-conformance mock``."""

import argparse
import sys

from .cli import add_arguments, run

parser = argparse.ArgumentParser(
    prog="python -m models_conformance.reference", description="Run the reference server (a drop-in mock)."
)
add_arguments(parser)
sys.exit(run(parser.parse_args()))
