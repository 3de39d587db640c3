"""The student's progress board: what `lab check` saw last, kept in .oslab/progress.json."""
from __future__ import annotations

import hashlib
import json
import time

from course import STATE_DIR, Lab

PROGRESS = STATE_DIR / "progress.json"


def tests_fingerprint(lab: Lab) -> str:
    """A hash of the lab's tests/ folder: a lab only counts as done against unchanged tests."""
    digest = hashlib.sha256()
    for path in sorted((lab.path / "tests").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(lab.path)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load() -> dict:
    try:
        return json.loads(PROGRESS.read_text())
    except (OSError, ValueError):
        return {}


def record(lab: Lab, passed: int, total: int) -> None:
    state = load()
    state[lab.id] = {"passed": passed, "total": total, "tests": tests_fingerprint(lab),
                     "checked": time.strftime("%Y-%m-%d %H:%M")}
    STATE_DIR.mkdir(exist_ok=True)
    PROGRESS.write_text(json.dumps(state, indent=2) + "\n")


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
        return f"done ({total} of {total} tests pass, {entry['checked']})"
    return f"{passed} of {total} tests passing ({entry['checked']})"
