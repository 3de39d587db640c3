"""`lab submit-check`: what a student should know before handing in.

- uncommitted changes (git status): the grader sees only what is committed and pushed;
- files outside starter/ changed since the export (the export wrote a manifest of file hashes into
  .oslab-student-copy): the course's tests, benchmarks and CMake files are used at grading, so such
  a change has no effect there;
- starters that do not build (a lab that does not compile scores 0).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import trusted
from .course import ROOT, STUDENT_COPY_MARKER, find_lab, load_labs
from .runner import build_starter, configure, default_preset, ensure_dependencies, git


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def manifest(root: Path = ROOT) -> dict[str, str] | None:
    """path -> hash of every file as exported (None: no marker, or one written without it)."""
    try:
        files = json.loads((root / STUDENT_COPY_MARKER).read_text()).get("files")
    except (OSError, ValueError, AttributeError):
        return None
    return files if isinstance(files, dict) else None


def changed_since_export(root: Path = ROOT) -> list[tuple[str, str]] | None:
    """(path, "changed" / "deleted" / "added") for files outside starter/ (added: trusted files
    only, e.g. a new tests/*.cpp); None when the copy has no manifest."""
    files = manifest(root)
    if files is None:
        return None
    labs = load_labs(root / "chapter_02_os" / "labs.json")
    changes = []
    for rel, digest in sorted(files.items()):
        if trusted.is_student_file(rel, labs):
            continue
        path = root / rel
        if not path.is_file():
            changes.append((rel, "deleted"))
        elif file_hash(path) != digest:
            changes.append((rel, "changed"))
    for path in sorted((root / "chapter_02_os").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel not in files and trusted.is_trusted(rel, labs):
            changes.append((rel, "added"))
    return changes


def changed_trusted_files(root: Path = ROOT) -> list[str]:
    """One line per trusted file that is not as exported (for `lab grade` in a student copy)."""
    labs = load_labs(root / "chapter_02_os" / "labs.json")
    return [trusted.differs_line(rel) if kind == "changed" else
            f"{rel} {kind} since the export: graded with the course's files"
            for rel, kind in changed_since_export(root) or [] if trusted.is_trusted(rel, labs)]


def cmd_submit_check(args) -> int:
    problems = 0
    status = git(ROOT, "status", "--porcelain", check=False)
    if status.returncode != 0:
        print("git: this folder is not a git repository: hand in through your course's git "
              "repository (or the upload your instructor asked for)")
    elif status.stdout.strip():
        lines = status.stdout.splitlines()
        problems += 1
        print(f"uncommitted changes ({len(lines)} files): commit and push them, the grader sees "
              "only what is committed:")
        print("\n".join(f"    {line}" for line in lines[:15]))
    else:
        print("git: everything is committed (push it, if you have not yet)")
    labs = load_labs()
    changes = changed_since_export()
    if changes is None:
        print(f"outside starter/: cannot compare ({STUDENT_COPY_MARKER} has no file list: a copy "
              "exported before submit-check existed, or the course repository itself)")
    elif changes:
        print("outside starter/, changed since the copy was handed out:")
        for rel, kind in changes:
            effect = ("graded with the course's version" if trusted.is_trusted(rel, labs)
                      else "not graded")
            print(f"    {rel}: {kind} ({effect})")
        problems += any(trusted.is_trusted(rel, labs) for rel, _ in changes)
    else:
        print("outside starter/: nothing changed since the copy was handed out")
    if not args.no_build:
        ensure_dependencies()
        preset = default_preset()
        configure(preset)
        wanted = [find_lab(labs, name) for name in args.labs] or [lab for lab in labs if lab.exists]
        broken = [lab.id for lab in wanted if build_starter(preset, lab)]
        verdict = "every starter builds" if not broken else "does NOT build: " + ", ".join(broken)
        print(f"build: {verdict} ({', '.join(lab.id for lab in wanted)})")
        problems += len(broken)
    print("\nready to hand in" if not problems else
          f"\n{problems} thing(s) to look at before you hand in (above)")
    return 0 if not problems else 1


def register(verbs) -> None:
    check = verbs.add_parser(
        "submit-check", help="students: before handing in, uncommitted work, changed course "
                             "files, starters that do not build")
    check.add_argument("labs", nargs="*", metavar="LAB", help="labs to build (default: every lab)")
    check.add_argument("--no-build", action="store_true", help="skip building the starters")
    check.set_defaults(func=cmd_submit_check)

