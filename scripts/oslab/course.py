"""Where things are: the repository, chapter_02_os/labs.json and each lab's folders."""
from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapter_02_os"
LABS_JSON = CHAPTER / "labs.json"
STATE_DIR = ROOT / ".oslab"  # the student's local progress (git-ignored)
# Written by `scripts/lab export-student` at the root of a student copy (JSON: the source commit
# and the fingerprint of each lab's tests as handed out). Its presence is what tells a student
# copy from the course repository.
STUDENT_COPY_MARKER = ".oslab-student-copy"


class UsageError(Exception):
    """A mistake in how the tool was called: printed as one line, with the usage, exit 2."""


def glob_to_cmake_regex(pattern: str) -> str:
    """A gtest-style name pattern (`*` any run of characters) as a CMake (POSIX ERE) regex body."""
    return ".*".join(re.sub(r"([.^$+?()\[\]{}|\\])", r"\\\1", part)
                     for part in pattern.split("*"))


@dataclass(frozen=True)
class Step:
    """A README step and the tests that check it (labs.json "steps"): gtest names, `*` globs,
    without the `labNN.variant.` prefix that ctest adds."""
    number: int
    title: str
    tests: tuple[str, ...]

    def covers(self, short_name: str) -> bool:
        return any(fnmatch.fnmatchcase(short_name, pattern) for pattern in self.tests)


@dataclass(frozen=True)
class Lab:
    id: str
    number: int
    folder: str
    title: str
    points: int
    theory: str
    groups: dict
    tsan: bool
    # Optional performance points (labs.json "performance", see performance.py): {} when none.
    performance: dict = field(default_factory=dict)
    # The README's steps in order, each with its tests (labs.json "steps"): () when not mapped.
    steps: tuple[Step, ...] = ()

    @property
    def path(self) -> Path:
        return CHAPTER / self.folder

    @property
    def readme(self) -> Path:
        return self.path / "README.md"

    @property
    def exists(self) -> bool:
        """The lab has been written (its CMakeLists.txt is there)."""
        return (self.path / "CMakeLists.txt").is_file()

    @property
    def has_solution(self) -> bool:
        return (self.path / "solution").is_dir()

    @property
    def hints_file(self) -> Path:
        """The tiered hints, one `<details>` block per step and tier (see hint.py)."""
        return self.path / "HINTS.md"

    def rel(self, path: Path) -> str:
        return str(path.relative_to(ROOT))

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.number == number:
                return step
        if not self.steps:
            raise UsageError(f"lab {self.number} has no steps in labs.json")
        raise UsageError(f"lab {self.number} has steps 1-{len(self.steps)}, not {number}")

    def step_of(self, short_name: str) -> Step | None:
        """The step a test (gtest name, no ctest prefix) belongs to: the first that covers it."""
        return next((step for step in self.steps if step.covers(short_name)), None)

    def steps_regex(self, variant: str, upto: int) -> str:
        """A ctest -R regex selecting the tests of steps 1..upto for `variant` (solution or
        starter). ctest names are `labNN.variant.Suite.Name`, and a value-parameterised test's
        name goes on with its parameter: `.../asio  # GetParam() = ...` or a `/` suffix."""
        patterns = [glob_to_cmake_regex(pattern) for step in self.steps[:upto]
                    for pattern in step.tests]
        return f"^{self.id}\\.{variant}\\.({'|'.join(patterns)})($|  #)"


def load_labs(labs_json: Path = LABS_JSON) -> list[Lab]:
    data = json.loads(labs_json.read_text())
    return [
        Lab(
            id=entry["id"],
            number=entry["number"],
            folder=entry["folder"],
            title=entry["title"],
            points=entry.get("points", 0),
            theory=entry.get("theory", ""),
            groups=entry.get("groups", {}),
            tsan=entry.get("tsan", False),
            performance=entry.get("performance", {}),
            steps=tuple(Step(number, step["title"], tuple(step["tests"]))
                        for number, step in enumerate(entry.get("steps", []), start=1)),
        )
        for entry in data["labs"]
    ]


def course_settings(labs_json: Path = LABS_JSON) -> dict:
    """The top-level keys of labs.json other than the labs (e.g. "classroom")."""
    return {key: value for key, value in json.loads(labs_json.read_text()).items()
            if key != "labs"}


def numbers(labs: list[Lab], dash: str = "-") -> str:
    """The span of lab numbers for a help text: "1-5" (or "1..5" with dash="..")."""
    return f"{labs[0].number}{dash}{labs[-1].number}" if labs else "none"


def concurrency_labs() -> list[Lab]:
    """The labs whose threads share data (labs.json "tsan": true) that are written."""
    return [lab for lab in load_labs() if lab.tsan and lab.exists]


def is_student_copy() -> bool:
    """A copy made by `scripts/lab export-student` (no solutions), not the course repository."""
    return (ROOT / STUDENT_COPY_MARKER).is_file()


def display(path: Path) -> str:
    """A path as the user reads it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def find_lab(labs: list[Lab], name: str, *, must_exist: bool = True) -> Lab:
    """Accepts 1, 01, lab01 or lab1."""
    key = name.lower().removeprefix("lab")
    for lab in labs:
        if key.isdigit() and int(key) == lab.number:
            if must_exist and not lab.exists:
                raise UsageError(f"lab {name}: {lab.id} ({lab.title}) is not built yet in this course")
            return lab
    known = ", ".join(str(lab.number) for lab in labs)
    raise UsageError(f"unknown lab '{name}' (labs are {known})")
