"""Gradescope's results.json from crafted JUnit: the fields the autograder specification asks for,
hidden tests visible only after the due date, and a total equal to `lab grade`'s Score: N/M."""
import json
import re
import tempfile
import unittest
from fractions import Fraction
from pathlib import Path

from .test_grade import cases, lab

from oslab import gradescope, performance, scoring

TEST_KEYS = {"name", "score", "max_score", "status", "output", "visibility"}


def validate(testcase: unittest.TestCase, data: dict) -> None:
    """The fields and types results.json must have (Gradescope's autograder specification)."""
    testcase.assertIsInstance(data["score"], float)
    testcase.assertIsInstance(data["execution_time"], int)
    testcase.assertIsInstance(data["output"], str)
    testcase.assertIn(data.get("visibility", "visible"), {"visible", "hidden", "after_due_date",
                                                          "after_published"})
    for test in data["tests"]:
        testcase.assertEqual(set(test), TEST_KEYS, test)
        testcase.assertIsInstance(test["name"], str)
        testcase.assertIsInstance(test["score"], float)
        testcase.assertIsInstance(test["max_score"], float)
        testcase.assertLessEqual(test["score"], test["max_score"] + 1e-9)
        testcase.assertIn(test["status"], {"passed", "failed"})
        testcase.assertIn(test["visibility"], {"visible", "after_due_date"})
        testcase.assertLessEqual(len(test["output"]), gradescope.OUTPUT_LIMIT + 20)
    json.dumps(data)  # serialisable as it is


def score_line(table: str) -> tuple[float, float]:
    earned, points = re.search(r"^Score: ([\d.]+)/([\d.]+)$", table, re.M).groups()
    return float(earned), float(points)


class ResultsJsonTest(unittest.TestCase):
    def scores(self):
        return [scoring.score_lab(lab("lab01", 20), cases("junit_partial.xml", "lab01")),
                scoring.score_lab(lab("lab04", 20, {"EchoConformance": 10, "*": 10}, number=4),
                                  cases("junit_partial.xml", "lab04")),
                scoring.score_lab(lab("lab02", number=2), None, state="not built")]

    def test_fields_and_total_equal_the_score_line(self):
        scores = self.scores()
        table = scoring.render(scores)
        data = gradescope.results(scores, table, 12.7)
        validate(self, data)
        earned, points = score_line(table)
        self.assertEqual(data["score"], earned)                      # 6.6 + 12.5 = 19.1
        self.assertEqual(data["score"], 19.1)
        self.assertAlmostEqual(sum(t["score"] for t in data["tests"]), 19.1666, places=3)
        self.assertAlmostEqual(sum(t["max_score"] for t in data["tests"]), points, places=4)
        self.assertEqual(data["execution_time"], 12)
        self.assertIn("Score: 19.1/40", data["output"])
        self.assertEqual(len(data["tests"]), 9)  # not built: no entry
        failed = [t for t in data["tests"] if t["status"] == "failed"]
        self.assertTrue(all(t["score"] == 0 and t["output"] for t in failed))
        self.assertIn("not implemented: serve()", failed[0]["output"])
        self.assertTrue(all(t["output"] == "" for t in data["tests"] if t["status"] == "passed"))

    def test_recorded_crash_and_timeout_are_failed_entries(self):
        scores = [scoring.score_lab(lab(points=12), cases("junit_edge_cases.xml", "lab01"))]
        data = gradescope.results(scores, scoring.render(scores), 1)
        validate(self, data)
        by_name = {t["name"]: t for t in data["tests"]}
        self.assertEqual(by_name["lab01 Edge.Crashes"]["status"], "failed")
        self.assertIn("crashed or timed out", by_name["lab01 Edge.Crashes"]["output"])
        self.assertEqual(by_name["lab01 Edge.Skips"]["status"], "passed")
        self.assertEqual(data["score"], score_line(scoring.render(scores))[0])

    def test_hidden_tests_are_visible_after_the_due_date(self):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "lab04").mkdir()
            (Path(tmp) / "lab04" / "hidden_test.cpp").write_text(
                "TEST(EchoConformance, HalfClose) {}\nTEST_P(Hidden, Param) {}\n")
            scores = [scoring.score_lab(lab("lab04", 20, number=4),
                                        cases("junit_partial.xml", "lab04"))]
            data = gradescope.results(scores, scoring.render(scores), 1, Path(tmp))
        validate(self, data)
        hidden = [t["name"] for t in data["tests"] if t["visibility"] == "after_due_date"]
        self.assertEqual(hidden, ["lab04 EchoConformance.HalfClose"])
        self.assertTrue(gradescope.is_hidden("Inst/Hidden.Param/3", {("Hidden", "Param")}))

    def test_build_failure_and_performance_are_entries_of_their_own(self):
        broken = scoring.score_lab(lab("lab03", number=3), None, state="build failed")
        broken.note = "the build failed; first errors:\npool.cpp:3: error: expected ';'"
        pool = scoring.score_lab(lab("lab02", number=2), cases("junit_all_pass.xml", "lab01"))
        pool.performance = performance.PerformanceScore(Fraction(4), True, "measured")
        pool.performance.cases = [
            performance.CaseScore("empty tasks", Fraction(2), Fraction(1), ratio=0.7, spread=0.05,
                                  student=[1.4e6] * 5, reference=[2e6] * 5),
            performance.CaseScore("10 us tasks", Fraction(2), state="noisy", ratio=0.9,
                                  spread=0.4, student=[1e5] * 5, reference=[1e5] * 5,
                                  message="noisy measurement: re-run on a quiet machine")]
        scores = [broken, pool]
        table = scoring.render(scores)
        data = gradescope.results(scores, table, 3)
        validate(self, data)
        by_name = {t["name"]: t for t in data["tests"]}
        self.assertIn("expected ';'", by_name["lab03 Title lab03: build failed"]["output"])
        self.assertEqual(by_name["lab03 Title lab03: build failed"]["max_score"], 20)
        empty = by_name["lab02 performance: empty tasks"]
        self.assertEqual((empty["score"], empty["max_score"], empty["status"]), (1, 2, "failed"))
        self.assertIn("ratio 0.70", empty["output"])
        self.assertIn("re-run on a quiet machine",
                      by_name["lab02 performance: 10 us tasks"]["output"])
        self.assertEqual(data["score"], score_line(table)[0])
        self.assertEqual(score_line(table), (21, 44))

    def test_performance_not_counted_has_no_entry(self):
        pool = scoring.score_lab(lab("lab02", number=2), cases("junit_all_pass.xml", "lab01"))
        pool.performance = performance.PerformanceScore(Fraction(4), False, "n/a",
                                                        message=performance.NA_REFERENCE)
        data = gradescope.results([pool], scoring.render([pool]), 1)
        self.assertFalse([t for t in data["tests"] if "performance" in t["name"]])
        self.assertEqual(data["score"], 20)
        self.assertIn("n/a: needs the course's reference", data["output"])



if __name__ == "__main__":
    unittest.main()
