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


class StepsTest(unittest.TestCase):
    """labs.json "steps": which test belongs to which README step, and `check --step K`."""

    def setUp(self):
        self.lab = course.Lab(
            id="lab09", number=9, folder="x", title="Fake", points=1, theory="", groups={},
            tsan=False, steps=(course.Step(1, "Step 1: Start", ("Pool.Start*", "Lab09/Echo.*/asio")),
                               course.Step(2, "Step 2: Run", ("Pool.*", "Lab09/Echo.*/asio-mt"))))

    def test_a_test_belongs_to_the_first_step_that_covers_it(self):
        self.assertEqual(self.lab.step_of("Pool.StartTwice").number, 1)
        self.assertEqual(self.lab.step_of("Pool.RunsTasks").number, 2)
        self.assertEqual(self.lab.step_of("Lab09/Echo.OneEcho/asio").number, 1)
        self.assertEqual(self.lab.step_of("Lab09/Echo.OneEcho/asio-mt").number, 2)
        self.assertIsNone(self.lab.step_of("Other.Test"))

    def test_the_prefix_regex_selects_ctest_names_as_the_steps_do(self):
        import re
        one, two = self.lab.steps_regex("starter", 1), self.lab.steps_regex("starter", 2)
        names = {"lab09.starter.Pool.StartTwice": (True, True),
                 "lab09.starter.Pool.RunsTasks": (False, True),
                 "lab09.starter.Lab09/Echo.OneEcho/asio": (True, True),
                 "lab09.starter.Lab09/Echo.OneEcho/asio-mt": (False, True),
                 "lab09.starter.Lab09/Echo.OneEcho/asio  # GetParam() = x": (True, True),
                 "lab09.solution.Pool.StartTwice": (False, False),
                 "lab090.starter.Pool.StartTwice": (False, False)}
        for name, (in_one, in_two) in names.items():
            self.assertEqual(bool(re.search(one, name)), in_one, name)
            self.assertEqual(bool(re.search(two, name)), in_two, name)
        self.assertEqual(course.glob_to_cmake_regex("a.b*(c)"), r"a\.b.*\(c\)")

    def test_step_results_count_each_test_in_its_step(self):
        run = runner.TestRun([runner.TestCase("lab09.starter.Pool.StartTwice", "passed"),
                              runner.TestCase("lab09.starter.Pool.RunsTasks", "failed"),
                              runner.TestCase("lab09.starter.Pool.Drains", "skipped")])
        results = summary.step_results(self.lab, run, 2)
        self.assertEqual([(step.number, passed, total) for step, passed, total in results],
                         [(1, 1, 1), (2, 1, 2)])
        self.assertEqual(summary.first_failing_step(results).number, 2)

    def test_a_step_the_lab_does_not_have_is_a_usage_error(self):
        with self.assertRaisesRegex(course.UsageError, "steps 1-2, not 3"):
            self.lab.step(3)
        self.assertEqual(main.main(["check", "1", "--step", "99"]), 2)

    def test_every_lab_maps_its_steps(self):
        for lab in course.load_labs():
            self.assertTrue(lab.steps, f"{lab.id}: labs.json has no steps")
            for step in lab.steps:
                self.assertTrue(step.title.startswith(f"Step {step.number}"), step.title)
                self.assertTrue(step.tests, step.title)
                self.assertIn(f"### {step.title}", lab.readme.read_text(),
                              f"{lab.id}: the README has a section per step")

    def test_check_step_runs_the_prefix_and_names_the_next_step(self):
        import argparse
        import contextlib
        import io
        from unittest import mock

        from oslab import commands
        lab = course.load_labs()[1]
        run = runner.TestRun([runner.TestCase("lab02.starter.ThreadPool.ZeroThreadsIsInvalid",
                                              "passed")])
        out = io.StringIO()
        with mock.patch.multiple(commands, ensure_dependencies=mock.DEFAULT,
                                 configure=mock.DEFAULT, build=mock.DEFAULT,
                                 require_built=mock.DEFAULT, ctest=mock.DEFAULT,
                                 find_lab=mock.DEFAULT) as mocks, \
                mock.patch.object(commands.progress, "record") as record, \
                mock.patch.object(commands.progress, "record_first_failing_step") as first, \
                contextlib.redirect_stdout(out):
            mocks["find_lab"].return_value = lab
            mocks["ctest"].return_value = run
            status = commands.cmd_check(argparse.Namespace(lab="2", step=1))
        self.assertEqual(status, 0)
        self.assertEqual(mocks["ctest"].call_args.kwargs["regex"], lab.steps_regex("starter", 1))
        record.assert_not_called()  # the progress board counts whole-lab checks only
        first.assert_called_once_with(lab, None)
        self.assertIn(f"Next, {lab.steps[1].title}: scripts/lab check 2 --step 2", out.getvalue())
