"""Tests of scripts/lab's own logic on recorded data (no build needed)."""
import unittest

from .helpers import FIXTURES

from oslab import benchjson, course, main, runner, stress, summary


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
        self.assertEqual(summary.first_reason(output), "not implemented: fork [lab01]")
        self.assertIn("Expected equality", summary.first_reason(
            "x.cpp:9: Failure\nExpected equality of these values:\n  a\n"))


class LabLookupTest(unittest.TestCase):
    def setUp(self):
        self.labs = course.load_labs()

    def test_labs_json_lists_the_labs_in_order(self):
        self.assertEqual([lab.number for lab in self.labs], list(range(1, len(self.labs) + 1)))
        self.assertEqual([lab.id for lab in self.labs],
                         [f"lab{lab.number:02d}" for lab in self.labs])
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


class BenchmarkJsonTest(unittest.TestCase):
    def test_parse_converts_units_keeps_counters_and_errors(self):
        data = {"benchmarks": [
            {"name": "BM_a", "run_type": "iteration", "real_time": 2.0, "cpu_time": 1.0,
             "time_unit": "us", "iterations": 10, "items_per_second": 5e5},
            {"name": "BM_a_mean", "run_type": "aggregate", "real_time": 2.0, "time_unit": "us"},
            {"name": "BM_b", "run_type": "iteration", "real_time": 0, "time_unit": "ns",
             "error_occurred": True, "error_message": "not implemented: x"}]}
        rows = benchjson.parse(data)
        self.assertEqual(list(rows), ["BM_a", "BM_b"])
        self.assertEqual(rows["BM_a"].real_ns, 2000.0)
        self.assertEqual(rows["BM_a"].counters, {"items_per_second": 5e5})
        self.assertEqual(rows["BM_b"].error, "not implemented: x")
        self.assertEqual(benchjson.format_ns(2000.0), "2 µs")
        self.assertEqual(benchjson.format_ns(3.5e9), "3.5 s")

    def test_compare_gives_new_over_old_for_common_benchmarks(self):
        old = benchjson.parse({"benchmarks": [
            {"name": "x", "real_time": 10, "time_unit": "ns"},
            {"name": "gone", "real_time": 1, "time_unit": "ns"}]})
        new = benchjson.parse({"benchmarks": [
            {"name": "x", "real_time": 5, "time_unit": "ns"},
            {"name": "new", "real_time": 1, "time_unit": "ns"}]})
        self.assertEqual(benchjson.compare(old, new), [("x", 10.0, 5.0, 0.5)])


class StressWordsTest(unittest.TestCase):
    def test_a_leading_number_is_the_repetition_count(self):
        self.assertEqual(stress.parse_words(["200", "lab02"]), (200, ["lab02"]))
        self.assertEqual(stress.parse_words(["lab02", "4"]), (20, ["lab02", "4"]))
        self.assertEqual(stress.parse_words([]), (20, []))
        with self.assertRaises(course.UsageError):
            stress.parse_words(["0"])


if __name__ == "__main__":
    unittest.main()
