"""`lab watch N`: `lab check N` again each time a file of the lab changes (inotifywait).

`--poll` compares file times every second instead (PollWatcher), for where inotify sees nothing:
WSL on a Windows drive (/mnt/c), some network filesystems. Without inotifywait, watch polls.
"""
from __future__ import annotations

import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import progress
from .course import STATE_DIR, Lab, find_lab, load_labs
from .runner import StepFailed, build, configure, ctest, default_preset, ensure_dependencies
from .summary import summarise

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


class PollWatcher:
    """The Watcher's interface by polling: every `interval` s, the files' (mtime, size) are compared
    with the last look; editor droppings (WATCH_EXCLUDE) are ignored."""

    def __init__(self, paths: list[Path], interval: float = 1.0):
        self.paths, self.interval = paths, interval
        self.exclude = re.compile(WATCH_EXCLUDE)
        self.seen = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, int]]:
        state = {}
        for root in self.paths:
            for folder, _, files in os.walk(root):
                for name in files:
                    path = os.path.join(folder, name)
                    if self.exclude.search(path):
                        continue
                    try:
                        info = os.stat(path)
                    except OSError:
                        continue  # removed while we looked
                    state[path] = (info.st_mtime_ns, info.st_size)
        return state

    def changes(self) -> list[str]:
        now = self.snapshot()
        changed = sorted(path for path in set(now) | set(self.seen)
                         if now.get(path) != self.seen.get(path))
        self.seen = now
        return changed

    def wait(self, settle: float | None = None) -> list[str]:
        """Blocks until something changes, then until a look finds nothing more (a save is
        several writes); returns the changed paths."""
        changed: list[str] = []
        while not changed:
            time.sleep(self.interval)
            changed = self.changes()
        while True:
            time.sleep(settle if settle is not None else self.interval)
            more = self.changes()
            if not more:
                return changed
            changed += [path for path in more if path not in changed]

    def close(self) -> None:
        pass


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
            print("watch: the watcher stopped; exiting")
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
    poll = args.poll
    if not poll and not shutil.which("inotifywait"):
        print("watch: inotifywait not found (package inotify-tools; scripts/setup.sh installs it):"
              " polling file times every second instead")
        poll = True
    ensure_dependencies()
    preset = default_preset()
    configure(preset)
    watcher = PollWatcher([lab.path]) if poll else Watcher([lab.path])
    return watch(lab, lambda: check_once(lab, preset), watcher, clear=sys.stdout.isatty())


def register(verbs) -> None:
    watch = verbs.add_parser("watch", help="re-run lab N's tests on every save (Ctrl-C stops)")
    watch.add_argument("lab", help="lab number, e.g. 1")
    watch.add_argument("--poll", action="store_true",
                       help="poll file times every second instead of inotify (WSL on a Windows "
                            "drive, network filesystems)")
    watch.set_defaults(func=cmd_watch)
