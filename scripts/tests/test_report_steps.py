"""A lab's own report experiments (STEPS in its report module): declared by the lab, run by
`lab report` after its benchmarks, each run's JSON kept in raw/<output>."""
import json
import shutil
import tempfile
import unittest
from pathlib import Path

from oslab import course, runner
from oslab.report import labs, steps


def fake_program(where: Path, body: str) -> Path:
    program = where / "lab09_fake"
    program.write_text("#!/bin/sh\n" + body)
    program.chmod(0o755)
    return program


FAKE = steps.Step(name="fake", what="a fake experiment", program="fake",
                  runs=lambda quick: [["--n", "1"], ["--n", "2"]] if quick else [["--n", "3"]],
                  output="fake.json", failure="the fake went wrong")


class LabStepsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp)

    def test_lab05_declares_echo_cost_and_c10k_and_lab01_none(self):
        by_id = {lab.id: lab for lab in course.load_labs()}
        self.assertEqual([(s.name, s.output) for s in labs.steps(by_id["lab05"])],
                         [("poll_scaling", "poll_scaling.json"), ("echo_cost", "echo_cost.json"),
                          ("c10k", "c10k.json")])
        self.assertEqual(labs.steps(by_id["lab01"]), [])
        c10k = labs.steps(by_id["lab05"])[2]
        self.assertEqual(c10k.binary("lab05", "starter").name, "lab05_c10k_starter")
        self.assertEqual(c10k.binary("lab05", "solution").name, "lab05_c10k")

    def test_every_run_json_is_kept_in_order(self):
        program = fake_program(self.tmp, 'echo "noise first"; echo "{\\"n\\": $2}"\n')
        steps.run_step(FAKE, program, self.tmp, quick=True)
        data = json.loads((self.tmp / "fake.json").read_text())
        self.assertEqual(data, {"runs": [{"n": 1}, {"n": 2}]})

    def test_a_failed_run_is_named_and_what_ran_is_kept(self):
        program = fake_program(self.tmp, 'echo "{\\"n\\": $2}"; exit 3\n')
        with self.assertRaisesRegex(runner.StepFailed, r"lab09_fake --n 1: the fake went wrong "
                                                       r"\(exit status 3\)"):
            steps.run_step(FAKE, program, self.tmp, quick=True)
        self.assertEqual(json.loads((self.tmp / "fake.json").read_text()), {"runs": [{"n": 1}]})

    def test_no_json_is_a_failure(self):
        program = fake_program(self.tmp, "echo nothing useful\n")
        with self.assertRaisesRegex(runner.StepFailed, "printed no JSON"):
            steps.run_step(FAKE, program, self.tmp, quick=False)


if __name__ == "__main__":
    unittest.main()
