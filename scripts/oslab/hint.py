"""`lab hint N`: the next hint of the lab README's `## Hints` section.

The hints are written as `<details><summary>Hint K: title</summary> ... </details>`; which were
shown is remembered in .oslab/hints.json (`--all` shows them again, `--forget` starts over).
"""
from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .course import STATE_DIR, Lab, find_lab, load_labs

HINTS_STATE = STATE_DIR / "hints.json"
HINT = re.compile(r"<details>\s*<summary>\s*Hint\s+(\d+)\s*:\s*(.*?)\s*</summary>(.*?)</details>",
                  re.S | re.I)


@dataclass(frozen=True)
class Hint:
    number: int
    title: str
    body: str


def parse_hints(readme: str) -> list[Hint]:
    """The hints of the README's `## Hints` section (up to the next `## ` heading), in order."""
    match = re.search(r"^##\s+Hints\s*$(.*?)(?=^##\s|\Z)", readme, re.M | re.S)
    if not match:
        return []
    hints = []
    for number, title, body in HINT.findall(match.group(1)):
        hints.append(Hint(int(number), title.strip(), textwrap.dedent(body).strip("\n").rstrip()))
    return hints


def load_hint_state(path: Path = HINTS_STATE) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def save_hint_state(state: dict, path: Path = HINTS_STATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=2) + "\n")


def show_hint(hint: Hint, count: int) -> str:
    return f"Hint {hint.number} of {count}: {hint.title}\n\n{hint.body}\n"


def next_hint(lab: Lab, hints: list[Hint], state: dict, show_all: bool) -> tuple[str, dict]:
    """What `lab hint` prints, and the new state (pure: tested on a crafted README)."""
    shown = min(state.get(lab.id, 0), len(hints))
    name = f"lab {lab.number} ({lab.title})"
    if not hints:
        return f"{name}: its README has no hints (section '## Hints').\n", state
    if show_all:
        if shown == 0:
            return (f"{name}: no hints shown yet. The first one: scripts/lab hint {lab.number}\n",
                    state)
        text = "\n".join(show_hint(hint, len(hints)) for hint in hints[:shown])
        more = (f"({len(hints) - shown} more: scripts/lab hint {lab.number})" if shown < len(hints)
                else "(that is every hint of this lab)")
        return f"{text}\n{more}\n", state
    if shown >= len(hints):
        return (f"{name}: no hints left: all {len(hints)} were shown. See them again with "
                f"scripts/lab hint {lab.number} --all\n", state)
    new_state = {**state, lab.id: shown + 1}
    footer = ("(that was the last hint)" if shown + 1 == len(hints)
              else f"(next hint: scripts/lab hint {lab.number})")
    return f"{show_hint(hints[shown], len(hints))}\n{footer}\n", new_state


def cmd_hint(args) -> int:
    lab = find_lab(load_labs(), args.lab)
    hints = parse_hints(lab.readme.read_text()) if lab.readme.is_file() else []
    text, state = next_hint(lab, hints, load_hint_state(), args.all)
    print(text, end="")
    if args.forget:
        state = {key: value for key, value in state.items() if key != lab.id}
        print(f"(forgot which hints of lab {lab.number} were shown)")
    save_hint_state(state)
    return 0


def register(verbs) -> None:
    hint = verbs.add_parser("hint", help="the next hint for lab N (from its README)")
    hint.add_argument("lab", help="lab number, e.g. 1")
    hint.add_argument("--all", action="store_true", help="every hint shown so far, again")
    hint.add_argument("--forget", action="store_true",
                      help="forget which hints were shown (start over)")
    hint.set_defaults(func=cmd_hint)
