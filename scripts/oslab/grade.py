"""`lab grade`: builds the starter variant of the labs, runs their tests, prints the score.

A lab whose starter does not compile scores 0 (its first errors are shown); the scores come from
scoring.py, on the JUnit ctest writes. Exit status 0 only at full marks.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from .course import Lab, UsageError, display, find_lab, load_labs
from .runner import TestCase, build, build_dir, configure, ctest, ensure_dependencies, say
from .scoring import cases_by_lab, full_marks, render, score_lab, to_json, total

GRADE_PRESET = "dev"  # ASan+UBSan catch memory bugs; no -Werror: a warning must not cost points


def build_lab(preset: str, lab: Lab) -> bool:
    """Builds the lab's starter tests; a compile error is shown briefly and scores the lab 0."""
    result = build(preset, [f"{lab.id}_starter_tests"], check=False)
    if result.returncode == 0:
        return True
    errors = [line for line in result.stdout.splitlines() if "error" in line.lower()]
    print(f"    {lab.id}: the build FAILED (this lab scores 0). First errors:")
    for line in (errors or result.stdout.splitlines())[:12]:
        print(f"      {line[:200]}")
    return False


def run_grading_tests(preset: str, lab_ids: list[str], junit: Path) -> list[TestCase]:
    """One ctest run over the starter tests of these labs, JUnit written by ctest itself."""
    say(f"running the starter tests of {' '.join(lab_ids)} (JUnit: {display(junit)})")
    return ctest(preset, ["starter", "(" + "|".join(lab_ids) + ")"], junit).cases


def cmd_grade(args) -> int:
    labs = load_labs()
    selected = [find_lab(labs, name, must_exist=False) for name in args.labs] or labs
    selected = list({lab.id: lab for lab in selected}.values())
    hidden = ""
    if args.hidden:
        hidden_dir = Path(args.hidden).resolve()
        if not hidden_dir.is_dir():
            raise UsageError(f"--hidden {args.hidden}: no such directory")
        hidden = str(hidden_dir)
    preset = os.environ.get("OSLAB_PRESET") or GRADE_PRESET
    junit = Path(args.junit).resolve() if args.junit else build_dir(preset) / "grade-junit.xml"

    present = [lab for lab in selected if lab.exists]
    built: list[Lab] = []
    if present:
        ensure_dependencies()
        # Always passed, so an earlier --hidden does not linger in the build tree's cache.
        configure(preset, [f"-DOSLAB_EXTRA_TESTS_DIR={hidden}"])
        if hidden:
            say(f"hidden tests from {hidden}: "
                + (", ".join(p.name for p in sorted(Path(hidden).iterdir()) if p.is_dir())
                   or "(no lab folders)"))
        built = [lab for lab in present if build_lab(preset, lab)]
    cases = run_grading_tests(preset, [lab.id for lab in built], junit) if built else []
    per_lab = cases_by_lab(cases, [lab.id for lab in built])

    scores = []
    for lab in selected:
        if not lab.exists:
            scores.append(score_lab(lab, None, state="not built"))
        elif lab not in built:
            scores.append(score_lab(lab, None, state="build failed"))
        else:
            scores.append(score_lab(lab, per_lab[lab.id]))
    print()
    print(render(scores, failures=8 if len(selected) == 1 else 3))
    for s in scores:
        if s.state == "no tests":
            print(f"{s.id}: no test of this lab ran, which scores 0, never full marks: does its "
                  f"tests/ define any TEST?")
    if args.json:
        Path(args.json).write_text(json.dumps(to_json(scores), indent=2) + "\n")
        print(f"(JSON: {args.json}; ctest's JUnit: {display(junit)})")
    if not full_marks(scores):
        if total(scores)[1] == 0:
            print("Nothing to grade: none of these labs is built yet.")
        return 1
    return 0


def register(verbs) -> None:
    grade = verbs.add_parser(
        "grade", help="instructors: build the starter variant, run its tests, print the score")
    grade.add_argument("labs", nargs="*", metavar="LAB", help="lab numbers (default: every lab)")
    grade.add_argument("--junit", metavar="FILE",
                       help="where ctest writes its JUnit (default build/dev/grade-junit.xml)")
    grade.add_argument("--json", metavar="FILE", help="also write the scores as JSON")
    grade.add_argument("--hidden", metavar="DIR",
                       help="add hidden tests: DIR/<lab id>/*.cpp join that lab's tests")
    grade.set_defaults(func=cmd_grade)
