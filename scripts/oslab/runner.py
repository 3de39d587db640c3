"""Running the tools: setup.sh, git, cmake presets, ctest, and reading ctest's JUnit output.

The one place that builds (build()) and the one place that runs tests (ctest()): every verb goes
through them."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from .course import ROOT, Lab


class StepFailed(Exception):
    """A build or tool step failed: printed as one line naming the step, exit 1."""


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(command: list[str], *, quiet: bool = False, check: bool = True,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """Runs a command from the repository root. quiet: capture output, show it only on failure."""
    merged_env = {**os.environ, **(env or {})}
    if quiet:
        result = subprocess.run(command, cwd=ROOT, env=merged_env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if check and result.returncode != 0:
            sys.stdout.write(result.stdout[-20000:])
    else:
        result = subprocess.run(command, cwd=ROOT, env=merged_env)
    if check and result.returncode != 0:
        raise StepFailed(f"'{' '.join(command)}' exited with status {result.returncode}")
    return result


def git(root: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    """git -C root ..., output captured; a failure raises StepFailed with git's message."""
    result = subprocess.run(["git", "-C", str(root), *arguments], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and result.returncode != 0:
        raise StepFailed(f"git {' '.join(arguments)}: {result.stderr.strip()}")
    return result


def ensure_dependencies() -> None:
    """Runs scripts/setup.sh when a tool or package is missing (it installs with apt-get)."""
    setup = str(ROOT / "scripts" / "setup.sh")
    tools_present = all(shutil.which(tool) for tool in ("cmake", "ninja", "c++", "dpkg-query"))
    if tools_present:
        check = subprocess.run([setup, "--check"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if check.returncode == 0:
            return
    say("installing missing dependencies (scripts/setup.sh)")
    run([setup])


def default_preset() -> str:
    """dev (ASan+UBSan) for people; ci (the same plus warnings as errors) when CI is set."""
    return os.environ.get("OSLAB_PRESET") or ("ci" if os.environ.get("CI") else "dev")


def build_dir(preset: str) -> Path:
    return ROOT / "build" / preset


def configure(preset: str, extra: list[str] | None = None) -> None:
    """Configures a preset once; later builds re-run CMake by themselves when a CMakeLists changes."""
    if extra or not (build_dir(preset) / "build.ninja").is_file():
        say(f"configuring the '{preset}' preset")
        run(["cmake", "--preset", preset, *(extra or [])], quiet=True)


def build(preset: str, targets: list[str] | None = None, *,
          check: bool = True) -> subprocess.CompletedProcess:
    """Builds the targets (default: everything), output captured. A failed build shows the end of
    its output and raises StepFailed; with check=False it is returned instead, nothing shown."""
    names = " ".join(targets) if targets else "everything"
    say(f"building {names} ({preset})")
    command = ["cmake", "--build", "--preset", preset]
    for target in targets or []:
        command += ["--target", target]
    return run(command, quiet=True, check=check)


def build_starter(preset: str, lab: Lab) -> str | None:
    """Builds the lab's starter tests; a compile error is shown briefly (and returned: None when
    the build succeeded) and scores the lab 0."""
    result = build(preset, [f"{lab.id}_starter_tests"], check=False)
    if result.returncode == 0:
        return None
    errors = [line for line in result.stdout.splitlines() if "error" in line.lower()]
    first = "\n".join(line[:200] for line in (errors or result.stdout.splitlines())[:12])
    print(f"    {lab.id}: the build FAILED (this lab scores 0). First errors:")
    print("\n".join(f"      {line}" for line in first.splitlines()))
    return f"the build failed; first errors:\n{first}"


def build_tests(preset: str, labs: list[Lab], variant: str = "solution") -> None:
    """Builds the test binaries of these labs' variant (solution: the reference; starter: the
    student's code), and the programs their tests start. The ThreadSanitizer tree is configured
    with these labs only (OSLAB_LABS)."""
    if preset == "tsan":
        configure(preset, [f"-DOSLAB_LABS={';'.join(lab.id for lab in labs)}"])
    else:
        configure(preset)
    targets = [f"{lab.id}_{variant}_tests" for lab in labs]
    build(preset, targets)
    for target in targets:
        require_built(preset, target)


@dataclass
class TestCase:
    name: str
    status: str  # passed, failed, skipped
    seconds: float = 0.0
    output: str = ""

    @property
    def short_name(self) -> str:
        """lab01.starter.Suite.Test -> Suite.Test (without the "  # GetParam() = ..." comment
        gtest_discover_tests leaves on value-parameterised tests with named instances)."""
        parts = self.name.split(".", 2)
        return (parts[2] if len(parts) == 3 else self.name).split("  # ", 1)[0]


@dataclass
class TestRun:
    cases: list[TestCase] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for case in self.cases if case.status == status)

    @property
    def passed(self) -> int:
        return self.count("passed")

    @property
    def failed(self) -> int:
        return self.count("failed")

    @property
    def total(self) -> int:
        return len(self.cases)


# What ctest writes as the <skipped message> of a test that skipped itself (GTEST_SKIP, matched by
# gtest_discover_tests' SKIP_REGULAR_EXPRESSION, or a SKIP_RETURN_CODE). Any other "notrun" is a
# test that could not run at all ("Unable to find executable"): a failure, never a pass.
REAL_SKIP_MESSAGES = ("SKIP_REGULAR_EXPRESSION_MATCHED", "SKIP_RETURN_CODE")


def is_real_skip(skipped: ET.Element) -> bool:
    return skipped.get("message", "").startswith(REAL_SKIP_MESSAGES)


def parse_junit(path: Path) -> TestRun:
    """Reads the JUnit XML that `ctest --output-junit` writes."""
    test_run = TestRun()
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        status = case.get("status", "run")
        skipped = case.find("skipped")
        if case.find("failure") is not None or case.find("error") is not None or status == "fail":
            state = "failed"
        elif status == "disabled" or (skipped is not None and is_real_skip(skipped)):
            state = "skipped"
        elif skipped is not None or status == "notrun":
            state = "failed"  # "Not Run": the executable was missing, or a fixture failed
        else:
            state = "passed"
        output = "".join(node.text or "" for node in case.iter("system-out"))
        test_run.cases.append(TestCase(
            name=case.get("name", "?"), status=state,
            seconds=float(case.get("time") or 0), output=output))
    return test_run


def require_built(preset: str, binary: str) -> None:
    """A test binary that was not built would make ctest select nothing: say so by name."""
    path = build_dir(preset) / "bin" / binary
    if not path.is_file():
        raise StepFailed(f"{binary} was not built ({path.relative_to(ROOT)} is missing): "
                         f"build it with cmake --build --preset {preset} --target {binary}")


def ctest(preset: str, labels: list[str], junit: Path, *, show_output: bool = False,
          test_preset: str | None = None, regex: str | None = None) -> TestRun:
    """Runs the tests that carry every label given (ctest ANDs several -L), and whose names match
    `regex` if given, and returns them; with test_preset, the tests of that ctest preset (its own
    filter and options) instead.

    Never a pass on nothing: a label filter that selects no test, or a ctest that fails without
    naming a failed test (a broken test list, a missing binary), raises StepFailed. ctest's exit
    status alone cannot tell these apart from failing tests: it is 8 in all of them."""
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.unlink(missing_ok=True)
    if test_preset:
        command = ["ctest", "--preset", test_preset, "--output-junit", str(junit)]
    else:
        command = ["ctest", "--test-dir", str(build_dir(preset)), "--output-junit", str(junit),
                   "--no-tests=error", "-j", str(os.cpu_count() or 2)]
        for label in labels:
            command += ["-L", f"^{label}$"]
        if regex:
            command += ["-R", regex]
        if show_output:
            command.append("--output-on-failure")
    result = subprocess.run(command, cwd=ROOT, text=True,
                            stdout=None if show_output else subprocess.PIPE,
                            stderr=None if show_output else subprocess.STDOUT)
    what = f"ctest --preset {test_preset}" if test_preset else " and ".join(labels)
    if regex:
        what += f" (names matching {regex[:80]}{'...' if len(regex) > 80 else ''})"
    if not junit.is_file():
        raise StepFailed(f"ctest wrote no results for {what} (exit status {result.returncode}); "
                         f"its output ends: {tail(result.stdout)}")
    test_run = parse_junit(junit)
    if test_run.total == 0:
        selection = f"{what} selects no test" if test_preset else \
            f"no test carries the labels {what}"
        raise StepFailed(
            f"{selection} in build/{preset}: ctest ran 0 tests, which is "
            f"not a pass. Does the lab's tests/ define any TEST (a file with only #include lines "
            f"defines none), and was its test binary built? ctest said: {tail(result.stdout, 3)}")
    if result.returncode != 0 and test_run.failed == 0:
        raise StepFailed(f"ctest exited with status {result.returncode} but reported no failed "
                         f"test for {what}; its output ends: {tail(result.stdout)}")
    return test_run


def ctest_names(preset: str, labels: list[str], regex: str | None = None) -> list[str]:
    """The names of the tests ctest would run (`ctest -N`), without running them."""
    command = ["ctest", "--test-dir", str(build_dir(preset)), "--show-only=json-v1"]
    for label in labels:
        command += ["-L", f"^{label}$"]
    if regex:
        command += ["-R", regex]
    result = subprocess.run(command, cwd=ROOT, text=True, capture_output=True)
    if result.returncode != 0:
        raise StepFailed(f"ctest -N failed ({result.returncode}): {tail(result.stderr)}")
    return [test["name"] for test in json.loads(result.stdout).get("tests", [])]


def tail(output: str | None, lines: int = 6) -> str:
    """The last lines of a captured output, on one line (for an error message)."""
    return " | ".join((output or "(not captured)").strip().splitlines()[-lines:])
