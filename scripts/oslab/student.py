"""The student loop: `lab hint`, `watch` and `reset`.

- hint N: the next hint of the lab README's `## Hints` section, whose hints are written as
  `<details><summary>Hint K: title</summary> ... </details>`; what was shown is remembered in
  .oslab/hints.json (`--all` shows them again).
- watch N: `lab check N` again each time a file of the lab changes (inotifywait).
- reset N: the lab's starter/ back to its committed state (git), after asking.
"""
from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import progress
from .course import ROOT, STATE_DIR, Lab, find_lab, load_labs
from .runner import StepFailed, build, configure, ctest, default_preset, ensure_dependencies, git
from .summary import summarise

HINTS_STATE = STATE_DIR / "hints.json"

# ---------------------------------------------------------------------------------------------
# hint

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


# ---------------------------------------------------------------------------------------------
# watch

# Editor droppings that must not trigger a rebuild: vim swap files and its 4913 probe, emacs
# lock files and backups.
WATCH_EXCLUDE = r"(\.sw[a-p]x?$|~$|/4913$|/\.#|/#[^/]*#$)"


def inotify_command(paths: list[Path]) -> list[str]:
    return ["inotifywait", "--monitor", "--recursive", "--quiet",
            "--event", "close_write,create,delete,move", "--exclude", WATCH_EXCLUDE,
            "--format", "%w%f", *map(str, paths)]


class Watcher:
    """inotifywait in monitor mode: changes made while a build runs are not lost."""

    def __init__(self, paths: list[Path]):
        self.process = subprocess.Popen(inotify_command(paths), stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.events: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.events.put(line.strip())
        self.events.put(None)  # inotifywait ended

    def wait(self, settle: float = 0.3) -> list[str] | None:
        """Blocks until something changes; returns the changed paths (None: watcher died)."""
        first = self.events.get()
        if first is None:
            return None
        changed = [first]
        while True:  # an editor's save is several events: wait for a quiet moment
            try:
                item = self.events.get(timeout=settle)
            except queue.Empty:
                return changed
            if item is None:
                return changed
            changed.append(item)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.reader.join(timeout=2)
        if not self.reader.is_alive():
            self.process.stdout.close()


def check_once(lab: Lab, preset: str) -> bool:
    """One round of `lab check`: build, run, record progress, print the summary."""
    try:
        build(preset, [f"{lab.id}_starter_tests"])
    except StepFailed as error:
        print(f"\nthe build failed ({error}): fix the compiler error above and save again")
        return False
    try:
        test_run = ctest(preset, [lab.id, "starter"], STATE_DIR / "junit" / f"{lab.id}_watch.xml")
    except StepFailed as error:
        print(f"\nthe tests did not run ({error}): save again to retry")
        return False
    progress.record(lab, test_run.passed, test_run.total)
    summarise(lab, test_run)
    return test_run.total > 0 and test_run.failed == 0


def watch_loop(lab: Lab, run_round, wait_for_change, *, clear: bool = False,
               rounds: int | None = None) -> int:
    """Runs a round, then waits for a change and runs again; returns when the waiter gives up or
    after `rounds` rounds (tests)."""
    done = 0
    while True:
        if clear:
            print("\033[2J\033[H", end="")
        print(f"--- lab {lab.number} ({lab.title}), {time.strftime('%H:%M:%S')} ---", flush=True)
        passed = run_round()
        done += 1
        if passed:
            print(f"\nEvery test of lab {lab.number} passes. Next: scripts/lab bench {lab.number}")
        if rounds is not None and done >= rounds:
            return 0
        print(f"\nwatching {lab.rel(lab.path)}/ for changes (Ctrl-C to stop)", flush=True)
        changed = wait_for_change()
        if changed is None:
            print("watch: inotifywait stopped; exiting")
            return 1
        shown = ", ".join(Path(path).name for path in changed[:3])
        print(f"changed: {shown}{' ...' if len(changed) > 3 else ''}")


def watch(lab: Lab, run_round, watcher, *, clear: bool = False) -> int:
    """The loop, with Ctrl-C as the normal way out (exit status 0) and the watcher always closed."""
    try:
        return watch_loop(lab, run_round, watcher.wait, clear=clear)
    except KeyboardInterrupt:
        print("\nwatch: stopped")
        return 0
    finally:
        watcher.close()


def cmd_watch(args) -> int:
    lab = find_lab(load_labs(), args.lab)
    if not shutil.which("inotifywait"):
        print("scripts/lab watch needs inotifywait, from the package inotify-tools: "
              "scripts/setup.sh installs it (or: sudo apt-get install inotify-tools)")
        return 1
    ensure_dependencies()
    preset = default_preset()
    configure(preset)
    return watch(lab, lambda: check_once(lab, preset), Watcher([lab.path]),
                 clear=sys.stdout.isatty())


# ---------------------------------------------------------------------------------------------
# reset

def starter_changes(root: Path, starter: str, source: str) -> list[str]:
    """`git status`-like lines for what differs in starter/ from the source revision."""
    changed = git(root, "diff", "--name-status", source, "--", starter).stdout.splitlines()
    untracked = git(root, "ls-files", "--others", "--exclude-standard", "--",
                    starter).stdout.splitlines()
    return [line.replace("\t", "  ") for line in changed] + [f"?  {path}" for path in untracked]


def confirm(question: str, assume_yes: bool) -> bool | None:
    """True/False from the user; None when there is no terminal to ask (and no --yes)."""
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        return None
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def reset_starter(root: Path, starter: str, source: str) -> None:
    # restore: tracked files back to the source (also removing files the source does not have);
    # clean: files the student created in starter/ (never ignored ones).
    git(root, "restore", f"--source={source}", "--staged", "--worktree", "--", starter)
    git(root, "clean", "-f", "-d", "-q", "--", starter)


def reset(root: Path, starter: str, source: str, *, assume_yes: bool, what: str) -> int:
    """Shows what differs in `starter` from git revision `source`, asks, restores."""
    if git(root, "rev-parse", "--is-inside-work-tree", check=False).returncode != 0:
        raise StepFailed("reset needs git, and this folder is not a git repository: copy the "
                         "lab's starter/ from the course again instead")
    if git(root, "cat-file", "-e", f"{source}:{starter}", check=False).returncode != 0:
        raise StepFailed(f"{starter} is not in git revision '{source}': nothing to restore from")
    changes = starter_changes(root, starter, source)
    if not changes:
        print(f"{starter}/ is already as in {source}: nothing to reset")
        return 0
    print(f"Reset {what}: {starter}/ goes back to {source}. Your changes there are LOST:")
    lab_prefix = starter.rsplit("/", 1)[0] + "/" if "/" in starter else ""
    for line in changes:
        line = line.replace(lab_prefix, "", 1)
        print(f"  {line}{'   (you created it: deleted)' if line.startswith('?') else ''}")
    answer = confirm("Restore these files?", assume_yes)
    if answer is None:
        print("reset: no terminal to ask for confirmation: run it again with --yes to reset")
        return 1
    if not answer:
        print("reset: nothing changed")
        return 1
    reset_starter(root, starter, source)
    print(f"{starter}/ restored ({len(changes)} files).")
    return 0


def cmd_reset(args) -> int:
    lab = find_lab(load_labs(), args.lab)
    status = reset(ROOT, lab.rel(lab.path / "starter"), args.source or "HEAD",
                   assume_yes=args.yes, what=f"lab {lab.number} ({lab.title})")
    if status == 0:
        print(f"Next: scripts/lab check {lab.number}")
    return status


def register(verbs) -> None:
    hint = verbs.add_parser("hint", help="the next hint for lab N (from its README)")
    hint.add_argument("lab", help="lab number, e.g. 1")
    hint.add_argument("--all", action="store_true", help="every hint shown so far, again")
    hint.add_argument("--forget", action="store_true",
                      help="forget which hints were shown (start over)")
    hint.set_defaults(func=cmd_hint)

    watch = verbs.add_parser("watch", help="re-run lab N's tests on every save (Ctrl-C stops)")
    watch.add_argument("lab", help="lab number, e.g. 1")
    watch.set_defaults(func=cmd_watch)

    reset = verbs.add_parser("reset", help="restore lab N's starter/ files (asks first)")
    reset.add_argument("lab", help="lab number, e.g. 1")
    reset.add_argument("--yes", action="store_true", help="do not ask")
    reset.add_argument("--from", dest="source", metavar="REV",
                       help="git revision to restore from (default HEAD)")
    reset.set_defaults(func=cmd_reset)
