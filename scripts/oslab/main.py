"""scripts/lab: the one command students, instructors and CI type."""
from __future__ import annotations

import argparse
import sys

import commands
from course import UsageError
from runner import StepFailed


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="scripts/lab",
        description="Chapter 2 OS labs: build, test, benchmark and grade. Labs are numbered 1-5.")
    verbs = top.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True

    verbs.add_parser("list", help="the labs in order, with your progress").set_defaults(
        func=commands.cmd_list)

    check = verbs.add_parser("check", help="build and test YOUR code for lab N (the starter)")
    check.add_argument("lab", help="lab number, e.g. 1")
    check.set_defaults(func=commands.cmd_check)

    test = verbs.add_parser("test", help="build everything and run every reference test")
    test.add_argument("--preset", choices=["dev", "ci", "tsan"],
                      help="build preset (default: dev; ci when the CI variable is set)")
    test.set_defaults(func=commands.cmd_test)

    bench = verbs.add_parser("bench", help="benchmark your code for lab N against the reference")
    bench.add_argument("lab", help="lab number, e.g. 2")
    bench.add_argument("--quick", action="store_true", help="short runs (noisier)")
    bench.set_defaults(func=commands.cmd_bench)

    verbs.add_parser("verify", help="course check: every solution passes, every starter fails"
                     ).set_defaults(func=commands.cmd_verify)
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
