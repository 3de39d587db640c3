"""`lab grade --submission DIR`: grades a student's work with the course's own tests (an overlay,
as OS/161's test161 does).

A scratch tree (.oslab/submission/ of the course copy this runs in) holds the course's files, with
the student's starter/ folders copied over; DIR is only read. Files are synced, not re-copied, so
the scratch tree's build/ stays incremental from one submission to the next. DIR may be a whole
student copy, a folder of lab folders (lab_01_.../starter/...) or a folder holding a zip of them
(Gradescope's upload): starter/ folders are found by the lab folder's path.
"""
from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path, PurePosixPath

from . import trusted
from .course import ROOT, STATE_DIR, Lab, UsageError, find_lab, load_labs
from .runner import git, say

SCRATCH = STATE_DIR / "submission"
TOP_SKIPPED = {"build", ".oslab", "report"}   # local state, never part of a course copy
SKIPPED_ANYWHERE = {".git", "__pycache__"}
MAX_FILE = 1 << 20
INCLUDES_SOLUTION = re.compile(rb'#\s*include\s*["<][^">]*solution/')


def walk(root: Path) -> dict[str, Path]:
    """Every regular file below root (not build/, .oslab/, report/ at the top, nor .git)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if d not in SKIPPED_ANYWHERE
                   and not (here == root and d in TOP_SKIPPED)]
        for name in files:
            path = here / name
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path
    return found


def course_files(root: Path, labs: list[Lab], keep_solutions: set[str]) -> dict[str, Path]:
    """The course's files (git's tracked files, else every file): solution/ folders only for the
    labs in keep_solutions (the performance reference)."""
    if (root / ".git").exists():
        listing = git(root, "ls-files", "-z").stdout.split("\0")
        files = {rel: root / rel for rel in listing if rel and (root / rel).is_file()}
    else:
        files = walk(root)
    keep = {f"chapter_02_os/{lab.folder}/solution/" for lab in labs if lab.id in keep_solutions}
    return {rel: path for rel, path in files.items()
            if "solution" not in PurePosixPath(rel).parts[:-1]
            or any(rel.startswith(prefix) for prefix in keep)}


def find_starters(submission: Path, labs: list[Lab]) -> dict[str, Path]:
    """lab id -> the submission's starter/ folder of that lab, matched by the lab folder's path
    (the longest matching tail of chapter_02_os/<folder> wins, then the shortest path)."""
    candidates = []
    for folder, dirs, _ in os.walk(submission):
        dirs[:] = [d for d in dirs if d not in SKIPPED_ANYWHERE
                   and not (Path(folder) == submission and d in TOP_SKIPPED)]
        if "starter" in dirs:
            candidates.append(Path(folder) / "starter")
    found = {}
    for lab in labs:
        wanted = PurePosixPath("chapter_02_os", lab.folder).parts
        best = None
        for starter in candidates:
            parts = starter.parent.parts
            if starter.is_symlink() or parts[-1] != wanted[-1]:
                continue
            tail = next((n for n in range(len(wanted), 0, -1)
                         if tuple(parts[-n:]) == wanted[-n:]), 0)
            key = (tail, -len(parts))
            if best is None or key > best[0]:
                best = (key, starter)
        if best:
            found[lab.id] = best[1]
    return found


def unpack_zips(submission: Path, into: Path) -> Path | None:
    """A submission that is (or holds) zips of lab folders: extracted into `into`."""
    zips = sorted(submission.glob("*.zip"))
    if not zips:
        return None
    shutil.rmtree(into, ignore_errors=True)
    for index, archive in enumerate(zips):
        with zipfile.ZipFile(archive) as bundle:  # extract() drops "..", absolute and drive parts
            bundle.extractall(into / str(index))
    return into


def differences(starter: Path, lab: Lab, course: dict[str, Path]) -> list[str]:
    """The submission's trusted files (around this starter/) that are not the course's."""
    base, lab_prefix = starter.parent, f"chapter_02_os/{lab.folder}/"
    mine = {lab_prefix + rel: path for rel, path in walk(base).items()
            if not rel.startswith(("starter/", "solution/"))}
    wanted = PurePosixPath("chapter_02_os", lab.folder).parts
    if tuple(base.parts[-len(wanted):]) == wanted:  # a whole copy: its CMake files and common/
        copy_root = base.parents[len(wanted) - 1]
        mine.update({rel: copy_root / rel for rel in course
                     if trusted.lab_of(rel, [lab])[0] is None and (copy_root / rel).is_file()})
    notes = []
    for rel, path in sorted(mine.items()):
        if not trusted.is_trusted(rel, [lab]):
            continue
        if rel not in course:
            notes.append(f"{rel} is not in the course's copy: ignored")
        elif not filecmp.cmp(path, course[rel], shallow=False):
            notes.append(trusted.differs_line(rel))
    return notes


def overlay(course: dict[str, Path], labs: list[Lab], starters: dict[str, Path]) -> tuple[
        dict[str, Path], list[str]]:
    """The course's files with each found starter/ replaced by the student's; notes on skips."""
    files, notes = dict(course), []
    for lab in labs:
        starter = starters.get(lab.id)
        if starter is None:
            notes.append(f"{lab.id}: no {lab.folder.split('/')[-1]}/starter/ in the submission: "
                         "graded the course's untouched starter")
            continue
        prefix = f"chapter_02_os/{lab.folder}/starter/"
        files = {rel: path for rel, path in files.items() if not rel.startswith(prefix)}
        for rel, path in walk(starter).items():
            if path.stat().st_size > MAX_FILE:
                notes.append(f"{prefix}{rel}: larger than 1 MiB, left out")
                continue
            if INCLUDES_SOLUTION.search(path.read_bytes()):
                notes.append(f"{prefix}{rel} includes a file of solution/: not allowed, left out")
                continue
            files[prefix + rel] = path
        skipped = [p.name for p in starter.rglob("*") if p.is_symlink()]
        if skipped:
            notes.append(f"{prefix}: symbolic links left out: {', '.join(skipped[:5])}")
    return files, notes


def sync(files: dict[str, Path], dest: Path) -> None:
    """Makes dest hold exactly these files (build/ and .oslab/ kept); unchanged files keep their
    times, changed ones get a new one, so ninja rebuilds only what changed."""
    dest.mkdir(parents=True, exist_ok=True)
    for rel, path in walk(dest).items():
        if rel not in files:
            path.unlink()
    for rel, source in files.items():
        target = dest / rel
        if target.is_file() and filecmp.cmp(source, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        shutil.copyfile(source, target)
        shutil.copymode(source, target)


def prepare(submission: Path, labs: list[Lab], selected: list[Lab], keep_solutions: set[str],
            scratch: Path = SCRATCH) -> list[str]:
    """Writes the overlay into scratch; returns the notes to show the grader and the student."""
    starters = find_starters(submission, labs)
    if not starters:
        unpacked = unpack_zips(submission, scratch.with_name(scratch.name + "-unzipped"))
        starters = find_starters(unpacked, labs) if unpacked else {}
    course = course_files(ROOT, labs, keep_solutions)
    files, notes = overlay(course, selected, starters)
    for lab in selected:
        if lab.id in starters:
            notes += differences(starters[lab.id], lab, course)
    sync(files, scratch)
    return list(dict.fromkeys(notes))


def grade_submission(args) -> int:
    """Prepares the overlay, then runs `lab grade` inside it (the scratch tree's own copy)."""
    submission = Path(args.submission).resolve()
    if not submission.is_dir():
        raise UsageError(f"--submission {args.submission}: no such directory")
    if submission == ROOT or SCRATCH in [submission, *submission.parents]:
        raise UsageError("--submission: give the student's copy, not this course copy")
    labs = load_labs()
    selected = [find_lab(labs, name) for name in args.labs] or [lab for lab in labs if lab.exists]
    keep = set() if args.no_performance else {lab.id for lab in selected if lab.performance}
    say(f"overlay: the course's files with the starter/ folders of {submission}, in "
        f"{SCRATCH.relative_to(ROOT)}/")
    notes = prepare(submission, labs, selected, keep)  # shown under "Notes:" by grade
    notes_file = SCRATCH / ".oslab" / "submission-notes.txt"
    notes_file.parent.mkdir(parents=True, exist_ok=True)
    notes_file.write_text("".join(f"{note}\n" for note in notes))
    command = [str(SCRATCH / "scripts" / "lab"), "grade", *args.labs, "--notes", str(notes_file)]
    for flag, value in (("--json", args.json), ("--junit", args.junit),
                        ("--gradescope", args.gradescope), ("--hidden", args.hidden)):
        if value:
            command += [flag, str(Path(value).resolve())]
    command += ["--no-performance"] if args.no_performance else []
    return subprocess.run(command, cwd=SCRATCH).returncode
