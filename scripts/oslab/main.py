"""scripts/lab: the one command students, instructors and CI type."""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from course import UsageError
from runner import StepFailed


# Each module adds its own verbs: commands (list, check, test, bench, verify), grade (grade,
# classroom), student (hint, watch, reset, export-student), stress (stress), report (report).
VERB_MODULES = ["commands", "grade", "student", "stress", "report"]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="scripts/lab",
        description="Chapter 2 OS labs: build, test, benchmark and grade. Labs are numbered 1-5.")
    verbs = top.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    for name in VERB_MODULES:
        if (Path(__file__).parent / f"{name}.py").is_file():
            importlib.import_module(name).register(verbs)
    return top


def main(argv: list[str]) -> int:
    top = parser()
    args = top.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as error:
        print(f"scripts/lab: {error}", file=sys.stderr)
        top.print_usage(sys.stderr)
        return 2
    except StepFailed as error:
        print(f"scripts/lab {args.verb}: FAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nscripts/lab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
