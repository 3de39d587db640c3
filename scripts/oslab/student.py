"""The student loop and the student copy: `lab hint`, `watch`, `reset` and `export-student`.

- hint N: the next hint of the lab README's `## Hints` section, whose hints are written as
  `<details><summary>Hint K: title</summary> ... </details>`; what was shown is remembered in
  .oslab/hints.json (`--all` shows them again).
- watch N: `lab check N` again each time a file of the lab changes (inotifywait).
- reset N: the lab's starter/ back to its committed state (git), after asking.
- export-student DIR: the course without its solutions, for students (see export_student()).
"""
from __future__ import annotations

import io
import json
import queue
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import progress
from commands import STUDENT_COPY_MARKER, summarise
from course import ROOT, STATE_DIR, Lab, UsageError, find_lab, load_labs
from runner import (StepFailed, build, configure, ctest, default_preset, ensure_dependencies,
                    say)

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
    summarise(lab, test_run, "starter")
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

def git(root: Path, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-C", str(root), *arguments], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and result.returncode != 0:
        raise StepFailed(f"git {' '.join(arguments)}: {result.stderr.strip()}")
    return result


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


# ---------------------------------------------------------------------------------------------
# export-student

# Never copied: the references, build trees, local state, and the course's own machinery that
# only makes sense with the references present (see docs/instructors.md).
EXCLUDED_PREFIXES = ("build/", "report/", ".oslab/", "chapter_02_os/hidden_tests_example/",
                     ".github/workflows/bench.yml")


def excluded(path: str) -> str | None:
    """Why a tracked path stays out of the student copy (None: it is copied)."""
    parts = path.split("/")
    if "solution" in parts[:-1]:
        return "a reference solution"
    for prefix in EXCLUDED_PREFIXES:
        if path == prefix.rstrip("/") or path.startswith(prefix):
            return f"course-only ({prefix})"
    if path.endswith(".json") and ("bench" in parts[-1] or "results" in parts) \
            and not path.startswith("scripts/tests/fixtures/"):  # the tool's tests need theirs
        return "benchmark results (measured on the references)"
    return None


def tracked_files(root: Path) -> list[str]:
    if git(root, "rev-parse", "--is-inside-work-tree", check=False).returncode != 0:
        raise StepFailed(f"{root} is not a git repository: export-student copies the files git "
                         "tracks")
    listing = git(root, "ls-files", "-z", "--cached").stdout
    return [path for path in listing.split("\0") if path]


def leaks(root: Path, dest: Path, copied: list[str],
          files: list[str]) -> tuple[list[str], list[str]]:
    """(errors, warnings) about the copy. Error: a copied file whose content is a reference file
    that differs from the starter's file of the same name. Warning: a copied text file that names
    a reference file's path (a link that will not resolve in the copy)."""
    solutions = [path for path in files if excluded(path) == "a reference solution"
                 and (root / path).is_file()]
    secret = {}
    for path in solutions:
        content = (root / path).read_bytes()
        starter_twin = root / path.replace("/solution/", "/starter/")
        if starter_twin.is_file() and starter_twin.read_bytes() == content:
            continue  # scaffolding given in both variants, not an answer
        if len(content.strip()) > 200:
            secret[content.strip()] = path
    names = {path.split("/solution/", 1)[-1] for path in solutions}
    errors, warnings = [], []
    for path in copied:
        target = dest / path
        if target.is_symlink() or not target.is_file():
            continue
        content = target.read_bytes()
        if content.strip() in secret:
            errors.append(f"{path} is a copy of {secret[content.strip()]}")
            continue
        if b"\0" in content[:4096]:
            continue
        text = content.decode(errors="replace")
        for name in names:
            if f"solution/{name}" in text:
                warnings.append(f"{path} names solution/{name}")
    return errors, sorted(set(warnings))


def archive(root: Path, rev: str, into: Path) -> list[str]:
    """Extracts the files of git revision `rev` into `into`; returns their paths."""
    tar = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", rev],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if tar.returncode != 0:
        raise StepFailed(f"git archive {rev}: {tar.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as bundle:
        members = [m for m in bundle.getmembers() if m.isfile() or m.issym()]
        bundle.extractall(into, members=members)
    return [member.name for member in members]


def export_student(root: Path, dest: Path, rev: str | None = None) -> dict:
    """Copies the git-tracked files of `root` (as they are in the working tree, or as committed
    in `rev`) into `dest`, without the excluded paths; writes the marker. Returns what it did."""
    with tempfile.TemporaryDirectory() as tmp:
        if rev:
            source_root, files = Path(tmp), archive(root, rev, Path(tmp))
        else:
            source_root, files = root, tracked_files(root)
        copied, skipped = [], {}
        for path in files:
            reason = excluded(path)
            if reason:
                skipped[path] = reason
                continue
            source = source_root / path
            if not source.exists() and not source.is_symlink():
                continue  # deleted in the working tree
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)
            copied.append(path)
        errors, warnings = leaks(source_root, dest, copied, files)
    commit = git(root, "rev-parse", "--short", rev or "HEAD", check=False).stdout.strip()
    labs_json = dest / "chapter_02_os" / "labs.json"
    fingerprints = {}
    if labs_json.is_file():
        for lab in load_labs(labs_json):
            lab_dir = dest / "chapter_02_os" / lab.folder
            if (lab_dir / "tests").is_dir():
                fingerprints[lab.id] = progress.folder_fingerprint(lab_dir, "tests")
    marker = {
        "about": "A student copy of the Chapter 2 OS labs, written by `scripts/lab "
                 "export-student`. The reference solutions (solution/ folders) are not included. "
                 "scripts/lab and the Classroom workflow read this file: keep it.",
        "source_commit": commit or "unknown",
        "source": "committed files" if rev else "working tree",
        "exported": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "tests": fingerprints,
    }
    (dest / STUDENT_COPY_MARKER).write_text(json.dumps(marker, indent=2) + "\n")
    return {"copied": copied, "skipped": skipped, "errors": errors, "warnings": warnings}


def git_init(dest: Path) -> None:
    for command in (["init", "-q", "-b", "main"], ["add", "-A"],
                    ["-c", "user.name=oslab", "-c", "user.email=oslab@localhost", "commit", "-q",
                     "-m", "Chapter 2 OS labs: student copy"]):
        git(dest, *command)


def cmd_export_student(args) -> int:
    dest = Path(args.dir).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise UsageError(f"{args.dir} exists and is not empty: give a new or empty directory")
    inside = dest == ROOT or ROOT in dest.parents
    if inside and not (ROOT / "build") in [dest, *dest.parents]:
        raise UsageError("write the copy outside the course repository (or under its build/)")
    if (ROOT / STUDENT_COPY_MARKER).is_file():
        say("note: this is already a student copy; exporting it again")
    dirty = git(ROOT, "status", "--porcelain", "--untracked-files=no").stdout.splitlines()
    if dirty and not args.rev:
        say(f"note: {len(dirty)} tracked files have uncommitted changes: the copy takes them as "
            "they are in the working tree (--rev HEAD takes the committed files)")
    result = export_student(ROOT, dest, args.rev)
    solutions = sum(1 for reason in result["skipped"].values() if reason == "a reference solution")
    print(f"copied {len(result['copied'])} files to {dest}")
    print(f"left out {len(result['skipped'])}: {solutions} reference solution files, "
          f"{len(result['skipped']) - solutions} course-only files")
    for warning in result["warnings"][:10]:
        print(f"  warning: {warning} (that link will not resolve in the copy)")
    if result["errors"]:
        print("export FAILED: the copy would leak the references:\n  "
              + "\n  ".join(result["errors"]))
        shutil.rmtree(dest)
        return 1
    if args.git:
        git_init(dest)
        print("git: initialised with one commit (what `scripts/lab reset` restores)")
    print(f"wrote {STUDENT_COPY_MARKER}: scripts/lab now treats that folder as a student copy\n"
          f"Next: cd {args.dir} && scripts/lab list")
    return 0


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

    export = verbs.add_parser("export-student",
                              help="instructors: write a copy of the course without solutions")
    export.add_argument("dir", help="a new or empty directory")
    export.add_argument("--git", action="store_true",
                        help="make the copy a git repository with one commit")
    export.add_argument("--rev", metavar="REV",
                        help="copy the files as committed in git revision REV (e.g. HEAD or a tag)"
                             " instead of the working tree")
    export.set_defaults(func=cmd_export_student)
