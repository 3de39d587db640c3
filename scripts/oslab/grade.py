"""Grading: `lab grade` (weighted score from ctest's JUnit) and `lab classroom` (the workflow).

How a lab is scored (the pure part is score_lab(), tested on crafted JUnit in test_grade.py):
- Every starter test of the lab is one ctest test, run as its own process (gtest_discover_tests
  runs `<binary> --gtest_filter=Suite.Test`), so a crash or a timeout fails that test alone.
- A test earns its points when ctest reports it passed or skipped (a skipped test did not fail:
  GTEST_SKIP is used by the course only where the machine lacks something, e.g. strace).
  Failed, crashed and timed-out tests earn zero.
- labs.json gives each lab its points. Without "groups" every test weighs the same. With "groups"
  ({"EchoConformance": 10, "*": 10}) each key names a test suite (or a shell pattern matched against
  "Suite" or "Suite.Test"; a TEST_P suite matches without its instantiation prefix, so
  "EchoConformance" takes "Blocking/EchoConformance.EchoesOneMessage/Blocking"); "*" takes every
  test no other key took. The weights are relative: the
  groups that have tests share the lab's points in proportion to their weights, and a group's
  share is split evenly over its tests.
- A lab whose folder is not written yet is "not built yet": 0 of 0, not counted. A lab whose
  starter does not compile scores 0 of its points.
- Points are exact fractions; shown rounded DOWN to one decimal, so "20/20" is never shown for
  19.96. Exit status 0 only at full marks (and at least one lab graded).
"""
from __future__ import annotations

import fnmatch
import json
import math
import re
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from commands import first_reason
from course import ROOT, Lab, UsageError, find_lab, load_labs
from runner import TestCase, build_dir, configure, ctest, ensure_dependencies, run, say

CLASSROOM_YML = ROOT / ".github" / "workflows" / "classroom.yml"
GRADE_PRESET = "dev"  # ASan+UBSan catch memory bugs; no -Werror: a warning must not cost points


# ---------------------------------------------------------------------------------------------
# Scoring (pure: no I/O)

@dataclass
class TestScore:
    name: str          # Suite.Test
    status: str        # passed, failed, skipped
    group: str
    points: Fraction
    earned: Fraction
    reason: str = ""   # why it failed (first line that says so)


@dataclass
class GroupScore:
    name: str
    passed: int
    total: int
    earned: Fraction
    points: Fraction


@dataclass
class LabScore:
    id: str
    title: str
    state: str                      # graded, not built, build failed, no tests
    points: Fraction                # what the lab is worth in this run (0 when not counted)
    earned: Fraction = Fraction(0)
    tests: list[TestScore] = field(default_factory=list)
    groups: list[GroupScore] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for test in self.tests if test.status != "failed")

    @property
    def total(self) -> int:
        return len(self.tests)


def failure_reason(case: TestCase) -> str:
    """Why a test failed, in one line. A test process that died (abort, signal, sanitizer report,
    or killed at ctest's time limit) leaves no gtest verdict: say so rather than show noise."""
    output = case.output
    for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                   "WARNING: ThreadSanitizer"):
        for line in output.splitlines():
            if marker in line:
                return line.strip()
    has_verdict = any(tag in output for tag in ("[  FAILED  ]", "[       OK ]", "[  SKIPPED ]"))
    if "[ RUN      ]" in output and not has_verdict:
        reason = first_reason(output)
        if reason.startswith("[ RUN"):
            reason = ""
        return (f"crashed or timed out after {case.seconds:.1f} s (the test process ended without "
                f"a verdict){': ' + reason if reason else ''}")
    return first_reason(output)


def suite_of(short_name: str) -> str:
    return short_name.split(".", 1)[0]


def bare_suite(short_name: str) -> str:
    """The suite without a TEST_P instantiation prefix (Blocking/X -> X)."""
    return suite_of(short_name).rsplit("/", 1)[-1]


def group_of(short_name: str, groups: dict) -> str:
    """The first group (in labs.json order, "*" last) whose key matches the test."""
    for key in groups:
        if key == "*":
            continue
        if any(fnmatch.fnmatchcase(name, key)
               for name in (bare_suite(short_name), suite_of(short_name), short_name)):
            return key
    return "*"


def score_lab(lab: Lab, cases: list[TestCase] | None, *, state: str = "graded") -> LabScore:
    """Scores one lab from its ctest results (cases of this lab only).

    state "not built" (the lab is not written yet) counts 0 of 0; "build failed" counts 0 of the
    lab's points; a graded lab with no test at all counts 0 of its points ("no tests")."""
    if state == "not built":
        return LabScore(lab.id, lab.title, state, Fraction(0))
    points = Fraction(lab.points)
    if state != "graded":
        return LabScore(lab.id, lab.title, state, points)
    if not cases:
        return LabScore(lab.id, lab.title, "no tests", points)

    weights = {key: Fraction(value) for key, value in (lab.groups or {"*": 1}).items()}
    weights.setdefault("*", Fraction(0))
    members: dict[str, list[TestCase]] = {key: [] for key in weights}
    for case in cases:
        members[group_of(case.short_name, weights)].append(case)
    # Only groups that have tests share the points; weights are relative.
    live = {key: weight for key, weight in weights.items() if members[key] and weight > 0}
    weight_sum = sum(live.values())
    result = LabScore(lab.id, lab.title, "graded", points)
    for key, group_cases in members.items():
        if not group_cases:
            continue
        group_points = points * live[key] / weight_sum if key in live else Fraction(0)
        each = group_points / len(group_cases)
        group = GroupScore(key, 0, len(group_cases), Fraction(0), group_points)
        for case in group_cases:
            ok = case.status != "failed"
            earned = each if ok else Fraction(0)
            group.passed += ok
            group.earned += earned
            result.tests.append(TestScore(
                case.short_name, case.status, key, each, earned,
                "" if ok else failure_reason(case)))
        result.earned += group.earned
        result.groups.append(group)
    return result


def cases_by_lab(cases: list[TestCase], lab_ids: list[str]) -> dict[str, list[TestCase]]:
    """Splits ctest's results by the lab prefix of their names (lab01.starter.Suite.Test)."""
    split: dict[str, list[TestCase]] = {lab_id: [] for lab_id in lab_ids}
    for case in cases:
        lab_id = case.name.split(".", 1)[0]
        if lab_id in split:
            split[lab_id].append(case)
    return split


def total(scores: list[LabScore]) -> tuple[Fraction, Fraction]:
    earned = sum((s.earned for s in scores), Fraction(0))
    return earned, sum((s.points for s in scores), Fraction(0))


def full_marks(scores: list[LabScore]) -> bool:
    earned, points = total(scores)
    return points > 0 and earned == points


def fmt_points(value: Fraction) -> str:
    """At most one decimal, rounded down: 20, 13.3, 6.6 (never shows 20 for 19.96)."""
    tenths = math.floor(value * 10)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def render(scores: list[LabScore], *, failures: int = 8) -> str:
    """The table `lab grade` prints."""
    lines = [f"{'lab':<7}{'title':<24}{'tests':>14}{'points':>12}"]
    for s in scores:
        if s.state == "not built":
            lines.append(f"{s.id:<7}{s.title:<24}{'not built yet':>14}{'0/0':>12}   (not counted)")
            continue
        if s.state != "graded":
            lines.append(f"{s.id:<7}{s.title:<24}{s.state:>14}"
                         f"{'0/' + fmt_points(s.points):>12}")
            continue
        lines.append(f"{s.id:<7}{s.title:<24}{f'{s.passed}/{s.total} pass':>14}"
                     f"{fmt_points(s.earned) + '/' + fmt_points(s.points):>12}")
        if len(s.groups) > 1 or (s.groups and s.groups[0].name != "*"):
            for g in s.groups:
                label = "other tests (*)" if g.name == "*" else g.name
                lines.append(f"{'':<9}{label:<22}{f'{g.passed}/{g.total}':>14}"
                             f"{fmt_points(g.earned) + '/' + fmt_points(g.points):>12}")
        failed = [t for t in s.tests if t.status == "failed"]
        for test in failed[:failures]:
            reason = re.sub(r"see \S*README\.md, section", "see README section", test.reason)
            lines.append(f"{'':<9}FAIL {test.name}: {reason[:160]}")
        if len(failed) > failures:
            lines.append(f"{'':<9}... and {len(failed) - failures} more failing")
    earned, points = total(scores)
    lines.append("")
    lines.append(f"Score: {fmt_points(earned)}/{fmt_points(points)}")
    return "\n".join(lines)


def to_json(scores: list[LabScore]) -> dict:
    earned, points = total(scores)
    as_num = lambda value: round(float(value), 3)  # noqa: E731
    return {
        "score": as_num(earned), "max_score": as_num(points), "full_marks": full_marks(scores),
        "labs": [{
            "id": s.id, "title": s.title, "state": s.state,
            "passed": s.passed, "total": s.total,
            "earned": as_num(s.earned), "points": as_num(s.points),
            "groups": [{"name": g.name, "passed": g.passed, "total": g.total,
                        "earned": as_num(g.earned), "points": as_num(g.points)}
                       for g in s.groups],
            "tests": [{"name": t.name, "status": t.status, "group": t.group,
                       "earned": as_num(t.earned), "points": as_num(t.points),
                       "reason": t.reason} for t in s.tests],
        } for s in scores],
    }


# ---------------------------------------------------------------------------------------------
# `lab grade`

def build_lab(preset: str, lab: Lab) -> bool:
    """Builds the lab's starter tests; a compile error is shown briefly and scores the lab 0."""
    target = f"{lab.id}_starter_tests"
    say(f"building {target}")
    result = run(["cmake", "--build", "--preset", preset, "--target", target], quiet=True,
                 check=False)
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


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


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
        earned, points = total(scores)
        if points == 0:
            print("Nothing to grade: none of these labs is built yet.")
        return 1
    return 0


# ---------------------------------------------------------------------------------------------
# `lab classroom`: the GitHub Classroom autograding workflow, generated from labs.json

def classroom_workflow(labs: list[Lab]) -> str:
    """One autograding-command-grader step per lab (all or nothing: the lab's points when
    `scripts/lab grade N` exits 0), then the reporter that sends the score to Classroom."""
    student_copy = "hashFiles('.oslab-student-copy') != ''"
    out = [
        "# GENERATED by `scripts/lab classroom` from chapter_02_os/labs.json: do not edit by hand.",
        "# GitHub Classroom autograding: each lab's points are awarded when `scripts/lab grade N`",
        "# exits 0 (every starter test of lab N passes). The points live in labs.json only.",
        "# It grades only in a student copy (made by `scripts/lab export-student`, which writes",
        "# the .oslab-student-copy marker); in the course repository every step is skipped.",
        "name: Autograding Tests",
        "'on':",
        "  - push",
        "  - repository_dispatch",
        "  - workflow_dispatch",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-24.04",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - name: Checkout code",
        "        uses: actions/checkout@v4",
        "      - name: Course repository (no .oslab-student-copy marker)",
        f"        if: {student_copy.replace('!=', '==')}",
        "        run: echo 'The course repository, autograding runs in student copies only'",
        "      - name: Install dependencies",
        f"        if: {student_copy}",
        "        run: scripts/setup.sh",
    ]
    for lab in labs:
        out += [
            f"      - name: {json.dumps(f'Lab {lab.number}: {lab.title}')}",
            f"        id: {lab.id}",
            f"        if: {student_copy}",
            "        uses: education/autograding-command-grader@v1",
            "        with:",
            f"          test-name: {json.dumps(f'{lab.id} {lab.title}')}",
            "          setup-command: ''",
            f"          command: scripts/lab grade {lab.number} 2>&1",
            "          timeout: 20",
            f"          max-score: {lab.points}",
        ]
    out += [
        "      - name: Autograding Reporter",
        f"        if: {student_copy}",
        "        uses: education/autograding-grading-reporter@v1",
        "        env:",
    ]
    out += [f"          {lab.id.upper()}_RESULTS: \"${{{{steps.{lab.id}.outputs.result}}}}\""
            for lab in labs]
    out += [
        "        with:",
        f"          runners: {','.join(lab.id for lab in labs)}",
    ]
    return "\n".join(out) + "\n"


def cmd_classroom(args) -> int:
    target = Path(args.output) if args.output else CLASSROOM_YML
    text = classroom_workflow(load_labs())
    if args.check:
        current = target.read_text() if target.is_file() else ""
        if current != text:
            print(f"{display(target)} is out of date: run scripts/lab classroom")
            return 1
        print(f"{display(target)} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    labs = load_labs()
    print(f"wrote {display(target)}: {len(labs)} graded steps, "
          f"{sum(lab.points for lab in labs)} points in all")
    if shutil.which("npx"):
        print("validate it with: npx --yes @action-validator/cli " + display(target))
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

    classroom = verbs.add_parser(
        "classroom", help="instructors: write .github/workflows/classroom.yml from labs.json")
    classroom.add_argument("--check", action="store_true",
                           help="only say whether the committed file is up to date")
    classroom.add_argument("--output", metavar="FILE",
                           help="where to write it (default .github/workflows/classroom.yml)")
    classroom.set_defaults(func=cmd_classroom)

