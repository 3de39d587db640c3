"""`lab reset N`: the lab's starter/ back to its committed state (git), after showing what is lost
and asking."""
from __future__ import annotations

import sys
from pathlib import Path

from .course import ROOT, find_lab, load_labs
from .runner import StepFailed, git


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
    reset = verbs.add_parser("reset", help="restore lab N's starter/ files (asks first)")
    reset.add_argument("lab", help="lab number, e.g. 1")
    reset.add_argument("--yes", action="store_true", help="do not ask")
    reset.add_argument("--from", dest="source", metavar="REV",
                       help="git revision to restore from (default HEAD)")
    reset.set_defaults(func=cmd_reset)
