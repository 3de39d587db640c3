"""Performance points: linear scaling between thresholds, medians of alternating rounds, the noise
rule (retried once, then scored 0 with a message), the correctness gate, and the table's lines."""
import itertools
import unittest
from fractions import Fraction
from unittest import mock

from .helpers import FIXTURES

from oslab import course, performance, scoring

CONFIG = {"points": 4, "full_at": 0.9, "zero_at": 0.5, "rounds": 5, "max_spread": 0.2,
          "metric": "items_per_second",
          "cases": [{"name": "empty tasks", "benchmark": "BM_TaskSize_Pool/us:0/real_time"},
                    {"name": "10 us tasks", "benchmark": "BM_TaskSize_Pool/us:10/real_time"}]}


def lab02(**changes):
    lab = next(lab for lab in course.load_labs() if lab.id == "lab02")
    return course.Lab(**{**lab.__dict__, **changes})


def rounds_from(sequence):
    """A measure_round() that hands out the given rounds in order (then repeats the last)."""
    items = iter(sequence)
    last = [None]

    def measure():
        last[0] = next(items, last[0])
        return last[0]
    return measure


def steady(student, reference, jitter=0.0):
    """Five rounds per call of one figure per case, +-jitter around it."""
    factors = itertools.cycle([1 - 2 * jitter, 1 - jitter, 1, 1 + jitter, 1 + 2 * jitter])
    return lambda: {name: (student[name] * f, reference[name] * f)
                    for name, f in zip(student, [next(factors)] * len(student))}


class ScaleTest(unittest.TestCase):
    def test_linear_between_the_thresholds_and_clamped(self):
        self.assertEqual(performance.scale(0.9, 0.9, 0.5), 1)
        self.assertEqual(performance.scale(1.7, 0.9, 0.5), 1)
        self.assertEqual(performance.scale(0.5, 0.9, 0.5), 0)
        self.assertEqual(performance.scale(0.1, 0.9, 0.5), 0)
        self.assertAlmostEqual(float(performance.scale(0.7, 0.9, 0.5)), 0.5)
        self.assertAlmostEqual(float(performance.scale(0.6, 0.9, 0.5)), 0.25)

    def test_spread_is_the_interquartile_range_over_the_median(self):
        self.assertAlmostEqual(performance.spread([80, 90, 100, 110, 120]), 0.2)
        self.assertEqual(performance.spread([50, 100, 100, 100, 300]), 0)  # strays do not count
        self.assertEqual(performance.spread([5]), 0)


class EvaluateTest(unittest.TestCase):
    def test_ratio_of_medians_scaled_per_case(self):
        ref = {"empty tasks": 2_000_000.0, "10 us tasks": 190_000.0}
        mine = {"empty tasks": 1_400_000.0, "10 us tasks": 190_000.0}  # 0.7 and 1.0
        cases = performance.evaluate(CONFIG, steady(mine, ref, jitter=0.05))
        by_name = {case.name: case for case in cases}
        self.assertAlmostEqual(by_name["empty tasks"].ratio, 0.7)
        self.assertAlmostEqual(float(by_name["empty tasks"].earned), 1.0)   # half of 2 points
        self.assertEqual(by_name["10 us tasks"].earned, 2)
        self.assertEqual(len(by_name["empty tasks"].student), 5)
        self.assertAlmostEqual(by_name["empty tasks"].spread, 0.1)  # IQR 0.95..1.05

    def test_noisy_case_is_measured_again_once_and_then_scores_zero(self):
        calls = []
        noisy = {"empty tasks": 1e6, "10 us tasks": 1e5}

        def measure():
            calls.append(1)
            wobble = 1.5 if len(calls) % 2 else 0.8   # 87 % spread, every time
            return {name: (value * wobble, value) for name, value in noisy.items()}
        cases = performance.evaluate(CONFIG, measure)
        self.assertEqual(len(calls), 10)  # 5 rounds, then 5 again for the noisy cases
        for case in cases:
            self.assertEqual((case.state, case.earned), ("noisy", 0))
            self.assertIn("re-run on a quiet machine", case.message)
            self.assertIn("spread", case.message)

    def test_a_retry_that_is_quiet_is_scored(self):
        quiet = {n: (1e6, 1e6) for n in ("empty tasks", "10 us tasks")}
        loud = [{"empty tasks": (v, 1e6), "10 us tasks": (1e6, 1e6)}
                for v in (0.5e6, 0.7e6, 1e6, 1.3e6, 2e6)]
        cases = performance.evaluate(CONFIG, rounds_from(loud + [quiet] * 5))
        self.assertEqual([c.state for c in cases], ["scored", "scored"])
        self.assertEqual(sum(c.earned for c in cases), 4)

    def test_recorded_unfinished_starter_scores_zero_with_its_error(self):
        student = performance.figures(FIXTURES / "bench_lab02_unfinished.json", CONFIG)
        reference = performance.figures(FIXTURES / "report_raw" / "lab02.json", CONFIG)
        self.assertAlmostEqual(reference["empty tasks"], 1616562.4191426556)
        one_round = {name: (student[name], reference[name]) for name in student}
        cases = performance.evaluate(CONFIG, lambda: one_round)
        self.assertTrue(all(c.state == "failed" and c.earned == 0 for c in cases))
        self.assertIn("not implemented", cases[0].message)

    def test_filter_selects_exactly_the_cases(self):
        self.assertEqual(performance.bench_filter(CONFIG),
                         "^(BM_TaskSize_Pool/us:0/real_time|BM_TaskSize_Pool/us:10/real_time)$")

    def test_at_least_five_rounds(self):
        self.assertEqual(performance.settings(lab02(performance={**CONFIG, "rounds": 2}))["rounds"],
                         5)


class GateTest(unittest.TestCase):
    def test_no_reference_is_not_applicable_and_not_counted(self):
        with mock.patch.object(course.Lab, "has_solution", new=False):
            perf = performance.measure_lab(lab02(), True, 0)
        self.assertEqual((perf.state, perf.counted), ("n/a", False))
        self.assertIn("needs the course's reference", perf.message)
        score = scoring.LabScore("lab02", "Thread pool", "graded", Fraction(20), Fraction(20))
        score.performance = perf
        self.assertEqual(scoring.total([score]), (20, 20))

    def test_failing_correctness_scores_zero_without_measuring(self):
        with mock.patch.object(course.Lab, "has_solution", new=True), \
                mock.patch.object(performance, "build") as build:
            perf = performance.measure_lab(lab02(), False, 7)
        build.assert_not_called()
        self.assertEqual((perf.state, perf.counted, perf.earned), ("not passing", True, 0))
        self.assertIn("every correctness test of lab02 passes (7 failing)", perf.message)

    def test_the_table_shows_ratio_thresholds_and_spread(self):
        ref = {"empty tasks": 2e6, "10 us tasks": 1.9e5}
        mine = {"empty tasks": 1.4e6, "10 us tasks": 1.9e5}
        perf = performance.PerformanceScore(Fraction(4), True, "measured", 0.9, 0.5)
        perf.cases = performance.evaluate(CONFIG, steady(mine, ref, jitter=0.05))
        score = scoring.LabScore("lab02", "Thread pool", "graded", Fraction(20), Fraction(20))
        score.performance = perf
        table = scoring.render([score])
        self.assertIn("performance vs reference", table)
        self.assertIn("ratio 0.70 (full at 0.9, zero at 0.5)", table)
        self.assertIn("spread (IQR/median) 10%", table)
        self.assertIn("[1.26 M/s-1.54 M/s]", table)
        self.assertIn("Score: 23/24", table)
        data = scoring.to_json([score])
        self.assertEqual((data["score"], data["max_score"]), (23, 24))
        self.assertAlmostEqual(data["labs"][0]["performance"]["cases"][0]["ratio"], 0.7)

    def test_labs_json_declares_lab02_with_correctness_the_larger_part(self):
        lab = lab02()
        config = performance.settings(lab)
        self.assertLess(config["points"], lab.points)
        self.assertGreater(config["full_at"], config["zero_at"])
        self.assertEqual([c["benchmark"] for c in config["cases"]],
                         ["BM_TaskSize_Pool/us:0/real_time", "BM_TaskSize_Pool/us:10/real_time"])


if __name__ == "__main__":
    unittest.main()
