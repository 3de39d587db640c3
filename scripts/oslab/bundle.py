"""`lab gradescope-bundle OUT.zip [LAB...]`: the Gradescope autograder, as one zip.

At the zip's root: setup.sh (run once when Gradescope builds the image: installs through the
course's scripts/setup.sh and builds the untouched course once, so a submission recompiles only its
own starter/ files), run_autograder (run for each submission: `lab grade --submission` over
/autograder/submission, results in /autograder/results/results.json, always written), course/ (the
trusted copy: solutions only for the labs whose performance points need the reference) and hidden/
(--hidden's tests). The bundle is the instructor's: never give it to students.
The root (/autograder) can be moved with OSLAB_AUTOGRADER_ROOT or `run_autograder --root DIR`.
"""
from __future__ import annotations

import shlex
import zipfile
from pathlib import Path

from .course import ROOT, UsageError, find_lab, load_labs
from .submission import course_files, walk

EXECUTABLES = ("scripts/lab", "scripts/setup.sh", "scripts/check-style", ".ci/run")

ROOT_LINES = """root="${OSLAB_AUTOGRADER_ROOT:-/autograder}"
if [ "${1:-}" = "--root" ]; then root="$2"; fi
course="$root/source/course"
"""

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 24.04 base: the
# course needs CMake 3.25+). Written by `scripts/lab gradescope-bundle`.
set -euo pipefail
{root_lines}chmod +x {executables}
"$course/scripts/setup.sh"
# Build the untouched course once (an empty submission): a student's run then recompiles only
# the student's own starter/ files.
mkdir -p "$root/source/empty-submission"
"$course/scripts/lab" grade --submission "$root/source/empty-submission" --no-performance \\
    {labs} >/dev/null || true
{warm_release}echo "setup: the autograder is ready"
"""

WARM_RELEASE = """(cd "$course/.oslab/submission" && cmake --preset release >/dev/null &&
  cmake --build --preset release {targets} >/dev/null) || true
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission. Written by `scripts/lab gradescope-bundle`.
# Only the student's starter/ folders are taken from $root/submission (a whole student copy, or a
# zip of lab folders); everything else is the course's copy in $root/source/course.
set -uo pipefail
{root_lines}results="$root/results/results.json"
mkdir -p "$root/results"
rm -f "$results"
"$course/scripts/lab" grade --submission "$root/submission" --gradescope "$results" \\
    {flags}{labs}
status=$?
if [ ! -s "$results" ]; then
  python3 - "$results" "$status" <<'EOF'
import json, sys
message = (f"The autograder stopped (scripts/lab grade exit status {{sys.argv[2]}}) before it "
           "could score this submission. Please tell your instructor.")
json.dump({{"score": 0, "output": message, "tests": []}}, open(sys.argv[1], "w"), indent=2)
EOF
fi
exit 0
"""


def scripts(lab_ids: list[str], numbers: list[str], hidden: bool, perf_labs: list[str],
            no_performance: bool) -> dict[str, str]:
    labs = " ".join(numbers)
    flags = "--hidden \"$root/source/hidden\" " if hidden else ""
    flags += "--no-performance " if no_performance else ""
    targets = " ".join(f"--target {lab}_{variant}_bench" for lab in perf_labs
                       for variant in ("starter", "solution"))
    warm = WARM_RELEASE.format(targets=targets) if perf_labs else ""
    executables = " ".join(f'"$course/{path}"' for path in EXECUTABLES)
    return {
        "setup.sh": SETUP.format(root_lines=ROOT_LINES, executables=executables, labs=labs,
                                 warm_release=warm),
        "run_autograder": RUN.format(root_lines=ROOT_LINES, flags=flags, labs=labs),
    }


def add_file(bundle: zipfile.ZipFile, name: str, source: Path | None = None,
             text: str | None = None, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    if source is not None:
        mode = 0o755 if source.stat().st_mode & 0o111 else 0o644
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    bundle.writestr(info, source.read_bytes() if source is not None else text)


def write_bundle(out: Path, numbers: list[str], hidden: Path | None,
                 no_performance: bool) -> dict:
    labs = load_labs()
    selected = [find_lab(labs, name) for name in numbers] or [lab for lab in labs if lab.exists]
    perf = [] if no_performance else [lab.id for lab in selected
                                      if lab.performance and lab.has_solution]
    files = course_files(ROOT, labs, set(perf))
    hidden_files = {}
    if hidden:
        for lab in selected:
            if (hidden / lab.id).is_dir():
                hidden_files.update({f"{lab.id}/{rel}": path
                                     for rel, path in walk(hidden / lab.id).items()})
    generated = scripts([lab.id for lab in selected], [str(lab.number) for lab in selected],
                        bool(hidden), perf, no_performance)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as bundle:
        for name, text in generated.items():
            add_file(bundle, name, text=text, mode=0o755)
        for rel, path in sorted(files.items()):
            add_file(bundle, f"course/{rel}", path)
        for rel, path in sorted(hidden_files.items()):
            add_file(bundle, f"hidden/{rel}", path)
    return {"labs": [lab.id for lab in selected], "files": len(files),
            "hidden": len(hidden_files), "solutions": perf}


def cmd_gradescope_bundle(args) -> int:
    out = Path(args.out).resolve()
    if out.suffix != ".zip":
        raise UsageError(f"{args.out}: the bundle is a .zip file")
    hidden = Path(args.hidden).resolve() if args.hidden else None
    if hidden and not hidden.is_dir():
        raise UsageError(f"--hidden {args.hidden}: no such directory")
    made = write_bundle(out, args.labs, hidden, args.no_performance)
    references = ", with the reference of " + ", ".join(made["solutions"]) if made["solutions"] \
        else ""
    print(f"wrote {out}: setup.sh, run_autograder, course/ ({made['files']} files{references}), "
          f"hidden/ ({made['hidden']} files); grades {', '.join(made['labs'])}")
    print("Upload it as the assignment's autograder (Gradescope: Configure Autograder, Ubuntu "
          "24.04 base image). It holds the course's tests and references: keep it to yourself.")
    print(f"Try it here first: {shlex.quote(str(out))} unzipped into DIR/source, then "
          "OSLAB_AUTOGRADER_ROOT=DIR DIR/source/run_autograder (docs/instructors.md)")
    return 0


def register(verbs) -> None:
    bundle = verbs.add_parser("gradescope-bundle",
                              help="instructors: write the Gradescope autograder zip")
    bundle.add_argument("out", metavar="OUT.zip")
    bundle.add_argument("labs", nargs="*", metavar="LAB", help="labs to grade (default: every "
                        "lab that is written)")
    bundle.add_argument("--hidden", metavar="DIR", help="hidden tests: DIR/<lab id>/*.cpp")
    bundle.add_argument("--no-performance", action="store_true",
                        help="no performance points (and no reference in the bundle)")
    bundle.set_defaults(func=cmd_gradescope_bundle)
