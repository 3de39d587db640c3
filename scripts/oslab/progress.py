"""The student's progress board: what `lab check` saw last, kept in .oslab/progress.json."""
from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path

from .course import ROOT, STATE_DIR, STUDENT_COPY_MARKER, Lab

PROGRESS = STATE_DIR / "progress.json"


def folder_fingerprint(lab_dir: Path, sub: str = "tests") -> str:
    digest = hashlib.sha256()
    for path in sorted((lab_dir / sub).rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(lab_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def tests_fingerprint(lab: Lab) -> str:
    """A hash of the lab's tests/ folder: a lab only counts as done against unchanged tests."""
    return folder_fingerprint(lab.path)


def original_fingerprint(lab: Lab) -> str | None:
    """The fingerprint of the tests as handed out: from the student-copy marker, else from the
    committed tests (git HEAD); None when neither is known."""
    try:
        return json.loads((ROOT / STUDENT_COPY_MARKER).read_text())["tests"][lab.id]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    rel = lab.path.relative_to(ROOT)
    git = ["git", "-C", str(ROOT)]
    listing = subprocess.run([*git, "ls-tree", "-r", "-z", "--name-only", "HEAD", "--",
                              str(rel / "tests")], capture_output=True)
    names = [name for name in listing.stdout.decode().split("\0") if name]
    if listing.returncode != 0 or not names:
        return None
    digest = hashlib.sha256()
    for name in sorted(names, key=Path):
        blob = subprocess.run([*git, "show", f"HEAD:{name}"], capture_output=True)
        digest.update(str(Path(name).relative_to(rel)).encode())
        digest.update(blob.stdout)
    return digest.hexdigest()[:16]


def load() -> dict:
    try:
        return json.loads(PROGRESS.read_text())
    except (OSError, ValueError):
        return {}


def save(state: dict) -> None:
    STATE_DIR.mkdir(exist_ok=True)
    PROGRESS.write_text(json.dumps(state, indent=2) + "\n")


def record(lab: Lab, passed: int, total: int) -> None:
    state = load()
    state[lab.id] = {"passed": passed, "total": total, "tests": tests_fingerprint(lab),
                     "checked": time.strftime("%Y-%m-%d %H:%M")}
    save(state)


def record_first_failing_step(lab: Lab, step: int | None) -> None:
    """What `lab check N [--step K]` saw: the first step with a failing test (None: none).
    `lab hint N` starts there."""
    state = load()
    steps = state.setdefault("first_failing_step", {})
    if step is None:
        steps.pop(lab.id, None)
    else:
        steps[lab.id] = step
    save(state)


def first_failing_step(lab: Lab) -> int | None:
    value = load().get("first_failing_step", {}).get(lab.id)
    return value if isinstance(value, int) else None


def describe(lab: Lab, state: dict) -> str:
    """One phrase for the board: not built yet / not started / n of m passing / done."""
    if not lab.exists:
        return "not built yet (coming in a later version of the course)"
    entry = state.get(lab.id)
    if not entry:
        return "not started (scripts/lab check %d)" % lab.number
    passed, total = entry["passed"], entry["total"]
    if entry.get("tests") != tests_fingerprint(lab):
        return f"{passed} of {total} tests passing, but the tests changed since: check again"
    if total and passed == total:
        original = original_fingerprint(lab)
        if original and entry.get("tests") != original:
            return (f"{passed} of {total} tests pass, but {lab.rel(lab.path / 'tests')}/ differs "
                    "from the original tests: not done until they pass unchanged")
        return f"done ({total} of {total} tests pass, {entry['checked']})"
    return f"{passed} of {total} tests passing ({entry['checked']})"
