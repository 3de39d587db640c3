"""`lab hint [N] [--step K]`: the lab's hints, one tier at a time, only when asked for.

Each step of a lab has hints in tiers, written in the lab's HINTS.md as
`<details><summary>Step K, hint T: title</summary> ... </details>`: tier 1 is the concept and
where theory.md explains it, tier 2 the design in words, tier 3 a sketch. How many tiers of each
step were shown is remembered in .oslab/hints.json (`--all` shows them again, `--forget` starts
over). Without --step, the hint is for the first step that failed in the last `lab check`.
"""
from __future__ import annotations

import json
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from . import progress
from .course import STATE_DIR, Lab, UsageError, find_lab, load_labs

HINTS_STATE = STATE_DIR / "hints.json"
HINT = re.compile(r"<details>\s*<summary>\s*Step\s+(\d+)\s*,\s*hint\s+(\d+)\s*:\s*(.*?)\s*</summary>"
                  r"(.*?)</details>", re.S | re.I)


@dataclass(frozen=True)
class Hint:
    step: int
    tier: int
    title: str
    body: str


def parse_hints(text: str) -> dict[int, list[Hint]]:
    """Every `Step K, hint T` block of a hints file, by step, in tier order."""
    by_step: dict[int, list[Hint]] = {}
    for step, tier, title, body in HINT.findall(text):
        hint = Hint(int(step), int(tier), title.strip(), textwrap.dedent(body).strip("\n").rstrip())
        by_step.setdefault(hint.step, []).append(hint)
    for hints in by_step.values():
        hints.sort(key=lambda hint: hint.tier)
    return by_step


def lab_hints(lab: Lab) -> dict[int, list[Hint]]:
    return parse_hints(lab.hints_file.read_text()) if lab.hints_file.is_file() else {}


def load_hint_state(path: Path = HINTS_STATE) -> dict:
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    # {lab id: {step number (as a string): tiers shown}}; anything else is an older format.
    return {lab: steps for lab, steps in state.items() if isinstance(steps, dict)} \
        if isinstance(state, dict) else {}


def save_hint_state(state: dict, path: Path = HINTS_STATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=2) + "\n")


def shown(state: dict, lab: Lab, step: int, hints: dict[int, list[Hint]]) -> int:
    return min(int(state.get(lab.id, {}).get(str(step), 0)), len(hints.get(step, [])))


def step_title(lab: Lab, step: int) -> str:
    try:
        return lab.step(step).title
    except UsageError:
        return f"Step {step}"


def command(lab: Lab, step: int) -> str:
    return f"scripts/lab hint {lab.number} --step {step}"


def default_step(lab: Lab, hints: dict[int, list[Hint]], state: dict,
                 failing: int | None) -> int | None:
    """The step a bare `lab hint N` is about: the first failing one, if it has tiers left; else
    the first step with tiers left."""
    if failing in hints and shown(state, lab, failing, hints) < len(hints[failing]):
        return failing
    return next((step for step in sorted(hints)
                 if shown(state, lab, step, hints) < len(hints[step])), None)


def repo_links(lab: Lab, text: str) -> str:
    """Markdown links relative to the lab folder (`](../theory.md#x)`) as paths from the
    repository root, which is where the student's terminal is."""
    def rewrite(match: re.Match) -> str:
        target = os.path.normpath(Path(lab.folder) / match.group(1))
        return f"](chapter_02_os/{target}{match.group(2)})"
    return re.sub(r"\]\((?!https?:|#)([^)#\s]+)(#[^)\s]*)?\)", rewrite, text)


def show(lab: Lab, hint: Hint, count: int) -> str:
    return (f"Lab {lab.number}, {step_title(lab, hint.step)}: hint {hint.tier} of {count}, "
            f"{hint.title}\n\n{repo_links(lab, hint.body)}\n")


def next_hint(lab: Lab, hints: dict[int, list[Hint]], state: dict, *, step: int | None,
              show_all: bool, failing: int | None = None) -> tuple[str, dict]:
    """What `lab hint N [--step K]` prints, and the new state (pure: tested on crafted hints)."""
    name = f"lab {lab.number} ({lab.title})"
    if not hints:
        return f"{name} has no hints ({lab.rel(lab.hints_file)} is missing or empty).\n", state
    if step is not None and step not in hints:
        known = ", ".join(str(number) for number in sorted(hints))
        return f"{name}: no hints for step {step} (steps with hints: {known}).\n", state
    if show_all:
        steps = [step] if step is not None else sorted(hints)
        blocks = [show(lab, hint, len(hints[number])) for number in steps
                  for hint in hints[number][:shown(state, lab, number, hints)]]
        if not blocks:
            return f"{name}: no hints shown yet. The first: scripts/lab hint {lab.number}\n", state
        return "\n".join(blocks) + "\n(those are the hints shown so far)\n", state
    chosen = step if step is not None else default_step(lab, hints, state, failing)
    if chosen is None:
        return (f"{name}: every tier of every step was shown. See them again with "
                f"scripts/lab hint {lab.number} --all\n", state)
    done = shown(state, lab, chosen, hints)
    tiers = hints[chosen]
    if done >= len(tiers):
        return (f"{name}: all {len(tiers)} hints of {step_title(lab, chosen)} were shown. See them "
                f"again with {command(lab, chosen)} --all\n", state)
    why = ""
    if step is None:
        why = (f"(the first step that failed in your last check; another: --step K)\n\n"
               if chosen == failing else "(another step: --step K)\n\n")
    new_state = {**state, lab.id: {**state.get(lab.id, {}), str(chosen): done + 1}}
    footer = (f"(that was the last hint of {step_title(lab, chosen)})" if done + 1 == len(tiers)
              else f"(next tier, {tiers[done + 1].title}: {command(lab, chosen)})")
    return f"{why}{show(lab, tiers[done], len(tiers))}\n{footer}\n", new_state


def overview(labs: list[Lab], state: dict) -> str:
    """`lab hint` alone: for each lab, which tier comes next, and for which step."""
    lines = ["Hints come in tiers per step: 1 the concept (and where theory.md has it), "
             "2 the design in words, 3 a sketch.\n"]
    for lab in labs:
        if not lab.exists:
            continue
        hints = lab_hints(lab)
        step = default_step(lab, hints, state, progress.first_failing_step(lab))
        if not hints:
            lines.append(f"  lab {lab.number}: no hints")
        elif step is None:
            lines.append(f"  lab {lab.number}: every hint shown (--all to see them again)")
        else:
            tier = hints[step][shown(state, lab, step, hints)]
            lines.append(f"  lab {lab.number}: next is {step_title(lab, step)}, hint {tier.tier} "
                         f"({tier.title}): {command(lab, step)}")
    return "\n".join(lines) + "\n"


def cmd_hint(args) -> int:
    state = load_hint_state()
    if args.lab is None:
        if args.step is not None or args.all or args.forget:
            raise UsageError("--step, --all and --forget need a lab: scripts/lab hint N ...")
        print(overview(load_labs(), state), end="")
        return 0
    lab = find_lab(load_labs(), args.lab)
    if args.step is not None:
        lab.step(args.step)  # a step the lab does not have is a usage error
    if args.forget:
        save_hint_state({key: value for key, value in state.items() if key != lab.id})
        print(f"Forgot which hints of lab {lab.number} were shown: the next is tier 1 again.")
        return 0
    text, state = next_hint(lab, lab_hints(lab), state, step=args.step, show_all=args.all,
                            failing=progress.first_failing_step(lab))
    print(text, end="")
    save_hint_state(state)
    return 0


def register(verbs) -> None:
    hint = verbs.add_parser("hint", help="the next hint tier for lab N (without N: what comes next)")
    hint.add_argument("lab", nargs="?", help="lab number, e.g. 1")
    hint.add_argument("--step", type=int, metavar="K",
                      help="the step (default: the first that failed in your last check)")
    hint.add_argument("--all", action="store_true", help="every hint shown so far, again")
    hint.add_argument("--forget", action="store_true",
                      help="forget which hints were shown (start over)")
    hint.set_defaults(func=cmd_hint)
