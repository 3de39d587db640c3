"""An experiment a lab adds to the report besides its benchmark binary (e.g. Lab 5's C10K): a
program of the lab run a few times, each run printing one JSON value (an object, or an array),
kept in raw/<output>.

A lab's module declares its experiments as STEPS = [Step(...)]; `lab report` runs them after the
lab's benchmarks, and the lab's section reads raw/<output> back."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..runner import StepFailed, build_dir, run


@dataclass(frozen=True)
class Step:
    name: str                                  # the progress key (ETA) and how a failure is named
    what: str                                  # what the progress line says
    program: str                               # build/release/bin/<lab id>_<program>[_starter]
    runs: Callable[[bool], list[list[str]]]    # quick -> the arguments of each run
    output: str                                # raw/<output>: {"runs": [each run's JSON]}
    failure: str = "it exited with an error"   # what a non-zero exit status means
    seconds: float = 60                        # the ETA before a first run was timed

    def binary(self, lab_id: str, variant: str) -> Path:
        suffix = "_starter" if variant == "starter" else ""
        return build_dir("release") / "bin" / f"{lab_id}_{self.program}{suffix}"


def json_start(output: str) -> int:
    """Where a program's JSON begins: the first line that opens an object or an array (lines
    before it are the program's progress messages). Raises ValueError when there is none."""
    offset = 0
    for line in output.splitlines(keepends=True):
        if line.lstrip().startswith(("{", "[")):
            return offset
        offset += len(line)
    return output.index("{")


def run_step(step: Step, binary: Path, raw: Path, quick: bool) -> None:
    """Runs every run of the step; writes what it got (also when a run fails, then raises)."""
    out = raw / step.output
    runs = []
    for arguments in step.runs(quick):
        called = " ".join([binary.name, *arguments])
        result = run([str(binary), *arguments], quiet=True, check=False)
        try:
            runs.append(json.loads(result.stdout[json_start(result.stdout):]))
        except ValueError:
            raise StepFailed(f"{called} printed no JSON (exit status {result.returncode})") from None
        if result.returncode != 0:
            out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
            raise StepFailed(f"{called}: {step.failure} (exit status {result.returncode})")
    out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")


def load_runs(path: Path | None) -> list:
    """What a step's runs printed, from raw/<output> ([] when the step did not run)."""
    if path is None or not path.is_file():
        return []
    return json.loads(path.read_text()).get("runs", [])


def last_run(path: Path | None) -> dict:
    """The last run's JSON object ({} when the step did not run)."""
    runs = load_runs(path)
    return runs[-1] if runs else {}
