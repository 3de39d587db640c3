"""`lab export-student DIR`: the course without its solutions, for students.

The copy takes the files git tracks (as in the working tree, or as committed in --rev), leaves out
every solution/ folder and the course-only files, refuses to write a copy that would leak a
reference file's content, and writes the marker that makes scripts/lab treat it as a student copy.
"""
from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from . import progress
from .course import ROOT, STUDENT_COPY_MARKER, UsageError, load_labs
from .runner import StepFailed, git, say
from .submit_check import file_hash

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
        # What `lab submit-check` compares with: every exported file's hash (sha256, 16 digits).
        "files": {path: file_hash(dest / path) for path in sorted(copied)
                  if (dest / path).is_file() and not (dest / path).is_symlink()},
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
    export = verbs.add_parser("export-student",
                              help="instructors: write a copy of the course without solutions")
    export.add_argument("dir", help="a new or empty directory")
    export.add_argument("--git", action="store_true",
                        help="make the copy a git repository with one commit")
    export.add_argument("--rev", metavar="REV",
                        help="copy the files as committed in git revision REV (e.g. HEAD or a tag)"
                             " instead of the working tree")
    export.set_defaults(func=cmd_export_student)
