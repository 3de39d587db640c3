"""An experiment a lab adds to the report besides its benchmark binary (e.g. Lab 5's C10K): a
program of the lab run a few times, each run printing one JSON object, kept in raw/<output>.

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


def run_step(step: Step, binary: Path, raw: Path, quick: bool) -> None:
    """Runs every run of the step; writes what it got (also when a run fails, then raises)."""
    out = raw / step.output
    runs = []
    for arguments in step.runs(quick):
        called = " ".join([binary.name, *arguments])
        result = run([str(binary), *arguments], quiet=True, check=False)
        try:
            runs.append(json.loads(result.stdout[result.stdout.index("{"):]))
        except ValueError:
            raise StepFailed(f"{called} printed no JSON (exit status {result.returncode})") from None
        if result.returncode != 0:
            out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
            raise StepFailed(f"{called}: {step.failure} (exit status {result.returncode})")
    out.write_text(json.dumps({"runs": runs}, indent=1) + "\n")
