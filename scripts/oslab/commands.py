"""The everyday verbs: list, check, test, bench, verify."""
from __future__ import annotations

import argparse

from . import benchjson, grade, progress
from .course import (ROOT, STATE_DIR, STUDENT_COPY_MARKER, Lab, concurrency_labs, find_lab,
                     is_student_copy, load_labs, numbers)
from .runner import (StepFailed, TestCase, build, build_dir, build_tests, configure, ctest,
                     ctest_names, default_preset, ensure_dependencies, require_built, say)
from .summary import (NOT_IMPLEMENTED, first_failing_step, step_results, step_table,
                      summarise)


def cmd_list(args) -> int:
    state = progress.load()
    print("Chapter 2: Operating System Fundamentals - your progress\n")
    for lab in load_labs():
        print(f"  {lab.number}. {lab.title:<24} {progress.describe(lab, state)}")
    print(f"\nWork a lab with: scripts/lab check N   (N = {numbers(load_labs(), '..')})")
    return 0


def cmd_check(args) -> int:
    """Builds and tests the student's code for a lab: all of it, or steps 1..K with --step K."""
    lab = find_lab(load_labs(), args.lab)
    upto = lab.step(args.step).number if args.step else len(lab.steps)
    ensure_dependencies()
    preset = default_preset()
    configure(preset)
    build(preset, [f"{lab.id}_starter_tests"])
    require_built(preset, f"{lab.id}_starter_tests")
    regex = lab.steps_regex("starter", upto) if args.step else None
    test_run = ctest(preset, [lab.id, "starter"], STATE_DIR / "junit" / f"{lab.id}_check.xml",
                     regex=regex)
    if not args.step:
        progress.record(lab, test_run.passed, test_run.total)  # the board counts whole labs only
    summarise(lab, test_run)
    results = step_results(lab, test_run, upto)
    failing = first_failing_step(results)
    progress.record_first_failing_step(lab, failing.number if failing else None)
    if results:
        step_table(results)
    if test_run.failed:
        where = f"{failing.title} is the first step that fails. " if failing else ""
        hint = f"scripts/lab hint {lab.number}" + (f" --step {failing.number}" if failing else "")
        print(f"\nNot done yet. {where}Hints, one tier at a time: {hint}")
        return 1
    if args.step and upto < len(lab.steps):
        following = lab.steps[upto]
        print(f"\nSteps 1-{upto} of {lab.id} pass ({test_run.total} tests). Next, "
              f"{following.title}: scripts/lab check {lab.number} --step {following.number}")
        return 0
    print(f"\nAll {test_run.total} tests of {lab.id} pass. Compare your speed with the reference: "
          f"scripts/lab bench {lab.number}")
    return 0


def cmd_test(args) -> int:
    """The README's test command: every reference test, on the developer (sanitizer) build."""
    ensure_dependencies()
    preset = args.preset or default_preset()
    test_preset = {"dev": "reference", "ci": "ci", "tsan": "tsan"}.get(preset)
    if test_preset is None:
        raise StepFailed(f"no reference test preset for '{preset}' (use dev, ci or tsan)")
    labs = load_labs()
    if preset == "tsan":
        # ThreadSanitizer matters where threads share data: the labs marked "tsan" in labs.json.
        labs = [lab for lab in concurrency_labs() if lab.has_solution]
        if not labs:
            say("no reference solutions here (a student copy?): nothing to run under ThreadSanitizer")
            return 0
        build_tests(preset, labs)
    else:
        configure(preset)
        build(preset)
    if is_student_copy():
        say("student copy: the reference solutions are absent, so this runs only the tool's own "
            "tests (scripts.unittest). Your code: scripts/lab check N, or scripts/lab grade")
    say(f"running the reference tests (ctest --preset {test_preset})")
    test_run = ctest(preset, [], STATE_DIR / "junit" / f"test_{preset}.xml", show_output=True,
                     test_preset=test_preset)
    names = [case.name for case in test_run.cases]
    empty = [lab.id for lab in labs if lab.exists and lab.has_solution
             and not any(name.startswith(f"{lab.id}.solution.") for name in names)]
    if empty:
        raise StepFailed("no reference test ran for " + ", ".join(empty) + ": a lab whose tests/ "
                         "define no TEST, or whose test binary was not built, is not a pass")
    return 0 if test_run.failed == 0 else 1


def cmd_verify(args) -> int:
    """The course's own consistency check: every solution passes, every starter fails."""
    if is_student_copy():
        # Solving a lab must never turn a student's CI red: report the score instead.
        print(f"lab verify checks the course repository (every reference passes, every starter "
              f"fails).\nThis is a student copy ({STUDENT_COPY_MARKER}): the references are "
              f"absent, so here is your score instead (informational, exit status 0).\n")
        grade.cmd_grade(argparse.Namespace(labs=[], junit=None, json=None, hidden=None,
                                           gradescope=None, submission=None,
                                           no_performance=False, notes=None))
        return 0
    ensure_dependencies()
    preset = default_preset()
    configure(preset)
    build(preset)
    problems = []
    print(f"\n{'lab':<7}{'reference':<40}{'starter':<40}")
    for lab in load_labs():
        if not lab.exists:
            print(f"{lab.id:<7}{'not built yet':<40}")
            continue
        junit_dir = STATE_DIR / "junit"
        try:
            if lab.has_solution:
                require_built(preset, f"{lab.id}_solution_tests")
                ref = ctest(preset, [lab.id, "solution"],
                            junit_dir / f"{lab.id}_verify_solution.xml")
                skipped = ref.count("skipped")
                ref_text = f"{ref.passed}/{ref.total} pass" + (f" ({skipped} skip)" if skipped else "")
                if ref.failed:
                    problems.append(f"{lab.id}: the reference fails {ref.failed} of {ref.total} tests")
                mapping = step_mapping_problems(preset, lab, [case.name for case in ref.cases])
                problems += mapping
                ref_text += f", {len(lab.steps)} steps" + (" (mapping!)" if mapping else "")
            else:
                ref_text = "absent (student copy)"
            require_built(preset, f"{lab.id}_starter_tests")
            start = ctest(preset, [lab.id, "starter"], junit_dir / f"{lab.id}_verify_starter.xml")
        except StepFailed as error:
            problems.append(f"{lab.id}: {error}")
            print(f"{lab.id:<7}{'no test results':<40}")
            continue
        todo = sum(1 for case in start.cases if NOT_IMPLEMENTED.search(case.output))
        start_text = f"{start.failed}/{start.total} fail ({todo} not implemented)"
        if start.failed == 0:
            problems.append(f"{lab.id}: the starter passes every test: the exercise leaked")
        print(f"{lab.id:<7}{ref_text:<40}{start_text:<40}")
    if problems:
        print("\nverify FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("\nverify: every reference passes, every test belongs to one step (so every step prefix "
          "of the reference passes), and every starter fails, as it should")
    return 0


def step_mapping_problems(preset: str, lab: Lab, names: list[str]) -> list[str]:
    """labs.json's steps against the reference's tests: every test in exactly one step, every
    step with a test, and ctest's -R selection of each prefix (a CMake regex, what `lab check N
    --step K` runs) equal to the tests of steps 1..K. Each ctest test runs in a process of its
    own, so a reference that passes every test passes every prefix."""
    if not lab.steps:
        return [f"{lab.id}: labs.json gives no steps"]
    problems = []
    owned: dict[int, list[str]] = {step.number: [] for step in lab.steps}
    for name in names:
        short = TestCase(name, "").short_name
        owners = [step.number for step in lab.steps if step.covers(short)]
        if len(owners) != 1:
            where = "no step" if not owners else "steps " + ", ".join(map(str, owners))
            problems.append(f"{lab.id}: {short} belongs to {where} (labs.json \"steps\")")
        for number in owners[:1]:
            owned[number].append(name)
    expected: set[str] = set()
    for step in lab.steps:
        if not owned[step.number]:
            problems.append(f"{lab.id}: {step.title} selects no test")
        expected.update(owned[step.number])
        selected = set(ctest_names(preset, [lab.id, "solution"],
                                   lab.steps_regex("solution", step.number)))
        if selected != expected:
            odd = sorted(selected ^ expected)[:3]
            problems.append(f"{lab.id}: ctest -R for steps 1-{step.number} selects "
                            f"{len(selected)} tests, the steps own {len(expected)} (e.g. {odd})")
    return problems


def run_benchmark(preset: str, lab: Lab, variant: str, quick: bool) -> dict[str, benchjson.Result]:
    binary = build_dir(preset) / "bin" / f"{lab.id}_{variant}_bench"
    out = STATE_DIR / "bench" / f"{lab.id}_{variant}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    say(f"running {binary.name}{' (quick)' if quick else ''}")
    failed = benchjson.run_binary(binary, out, "0.01" if quick else None)
    if failed:
        raise StepFailed(failed)
    return benchjson.load(out)


def cmd_bench(args) -> int:
    lab = find_lab(load_labs(), args.lab)
    ensure_dependencies()
    preset = "release"
    configure(preset)
    variants = ["starter"] + (["solution"] if lab.has_solution else [])
    build(preset, [f"{lab.id}_{variant}_bench" for variant in variants])
    results = {variant: run_benchmark(preset, lab, variant, args.quick)
               for variant in variants}
    mine, reference = results["starter"], results.get("solution", {})
    width = max((len(name) for name in mine), default=20) + 2
    print(f"\n{'benchmark':<{width}}{'yours':>12}{'reference':>12}{'yours/ref':>11}")
    for name, result in mine.items():
        time_ns, error = result.real_ns, result.error
        ref_ns = reference[name].real_ns if name in reference else 0
        if error:
            print(f"{name:<{width}}{'skipped':>12}{benchjson.format_ns(ref_ns) if ref_ns else '-':>12}"
                  f"   {error[:60]}")
            continue
        ratio = f"{time_ns / ref_ns:.2f}x" if ref_ns else "-"
        print(f"{name:<{width}}{benchjson.format_ns(time_ns):>12}"
              f"{benchjson.format_ns(ref_ns) if ref_ns else '-':>12}{ratio:>11}")
    print("\nTimes are real time per iteration; yours/ref above 1 means your code is slower. "
          f"Raw JSON: {STATE_DIR.relative_to(ROOT)}/bench/")
    return 0


def register(verbs) -> None:
    verbs.add_parser("list", help="the labs in order, with your progress").set_defaults(
        func=cmd_list)

    check = verbs.add_parser("check", help="build and test YOUR code for lab N (the starter)")
    check.add_argument("lab", help="lab number, e.g. 1")
    check.add_argument("--step", type=int, metavar="K",
                       help="only the tests of the README's steps 1..K (labs.json \"steps\")")
    check.set_defaults(func=cmd_check)

    test = verbs.add_parser("test", help="build everything and run every reference test")
    test.add_argument("--preset", choices=["dev", "ci", "tsan"],
                      help="build preset (default: dev; ci when the CI variable is set)")
    test.set_defaults(func=cmd_test)

    bench = verbs.add_parser("bench", help="benchmark your code for lab N against the reference")
    bench.add_argument("lab", help="lab number, e.g. 2")
    bench.add_argument("--quick", action="store_true", help="short runs (noisier)")
    bench.set_defaults(func=cmd_bench)

    verbs.add_parser("verify", help="course check: every solution passes, every starter fails"
                     ).set_defaults(func=cmd_verify)
