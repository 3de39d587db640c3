"""Tests of scripts/lab's own logic on recorded data (no build needed)."""
import json
import tempfile
import unittest
from pathlib import Path

from helpers import FIXTURES

import commands
import course
import main
import runner


class JUnitTest(unittest.TestCase):
    def test_reads_every_status_ctest_writes(self):
        run = runner.parse_junit(FIXTURES / "junit_mixed.xml")
        statuses = {case.short_name: case.status for case in run.cases}
        self.assertEqual(statuses, {"Suite.ok": "passed", "Suite.fail": "failed",
                                    "Suite.skip": "skipped", "Suite.timeout": "failed",
                                    "Suite.crash": "failed"})
        self.assertEqual((run.passed, run.failed, run.total), (1, 3, 5))

    def test_reason_prefers_the_not_implemented_message(self):
        output = "[ RUN ] X\nfoo.cpp:3: Failure\nC++ exception\nnot implemented: fork [lab01]\n"
        self.assertEqual(commands.first_reason(output), "not implemented: fork [lab01]")
        self.assertIn("Expected equality", commands.first_reason(
            "x.cpp:9: Failure\nExpected equality of these values:\n  a\n"))


class LabLookupTest(unittest.TestCase):
    def setUp(self):
        self.labs = course.load_labs()

    def test_labs_json_lists_five_labs_in_order(self):
        self.assertEqual([lab.id for lab in self.labs], [f"lab0{i}" for i in range(1, 6)])
        for lab in self.labs:
            self.assertTrue(lab.path.parent.is_dir(), lab.folder)

    def test_accepts_the_usual_spellings(self):
        for name in ("2", "02", "lab02", "LAB2"):
            self.assertEqual(course.find_lab(self.labs, name, must_exist=False).id, "lab02")

    def test_unknown_lab_is_a_usage_error(self):
        with self.assertRaisesRegex(course.UsageError, "unknown lab '9'"):
            course.find_lab(self.labs, "9")
        with self.assertRaises(course.UsageError):
            course.find_lab(self.labs, "x")


class CommandLineTest(unittest.TestCase):
    def test_unknown_verb_exits_2_without_traceback(self):
        with self.assertRaises(SystemExit) as exit_info:
            main.main(["frobnicate"])
        self.assertEqual(exit_info.exception.code, 2)

    def test_unknown_lab_exits_2(self):
        self.assertEqual(main.main(["check", "42"]), 2)


class BenchmarkTableTest(unittest.TestCase):
    def test_rows_convert_units_and_keep_errors(self):
        data = {"benchmarks": [
            {"name": "BM_a", "run_type": "iteration", "real_time": 2.0, "time_unit": "us"},
            {"name": "BM_a_mean", "run_type": "aggregate", "real_time": 2.0, "time_unit": "us"},
            {"name": "BM_b", "run_type": "iteration", "real_time": 0, "time_unit": "ns",
             "error_occurred": True, "error_message": "not implemented: x"}]}
        rows = commands.benchmark_rows(data)
        self.assertEqual(rows, {"BM_a": (2000.0, None), "BM_b": (0, "not implemented: x")})
        self.assertEqual(commands.format_ns(2000.0), "2 us")
        self.assertEqual(commands.format_ns(3.5e9), "3.5 s")


if __name__ == "__main__":
    unittest.main()
