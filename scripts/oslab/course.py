"""Where things are: the repository, chapter_02_os/labs.json and each lab's folders."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapter_02_os"
LABS_JSON = CHAPTER / "labs.json"
STATE_DIR = ROOT / ".oslab"  # the student's local progress (git-ignored)


class UsageError(Exception):
    """A mistake in how the tool was called: printed as one line, with the usage, exit 2."""


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

    def rel(self, path: Path) -> str:
        return str(path.relative_to(ROOT))


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
        )
        for entry in data["labs"]
    ]


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
