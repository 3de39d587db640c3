"""scripts/lab: the one command students, instructors and CI type. Builds the parser from the
verb modules and turns the tool's errors into exit statuses (usage 2, failed step 1, Ctrl-C 130)."""
from __future__ import annotations

import argparse
import sys

from . import (bundle, classroom, commands, export, figures, grade, hint, reset, stress,
               submit_check, watch)
from .course import UsageError, load_labs, numbers
from .report import command as report
from .runner import StepFailed

# Each module adds its own verbs, in this order in --help.
VERB_MODULES = [
    commands,   # list, check, test, bench, verify
    grade,      # grade
    bundle,     # gradescope-bundle
    classroom,  # classroom
    submit_check,  # submit-check
    hint,       # hint
    watch,      # watch
    reset,      # reset
    export,     # export-student
    stress,     # stress
    report,     # report
    figures,    # figures
]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="scripts/lab",
        description="Chapter 2 OS labs: build, test, benchmark and grade. "
                    f"Labs are numbered {numbers(load_labs())}.")
    verbs = top.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    for module in VERB_MODULES:
        module.register(verbs)
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
