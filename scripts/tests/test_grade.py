"""The grader's scoring on crafted and recorded ctest JUnit, and the Classroom workflow's sync."""
import contextlib
import io
import json
import tempfile
import unittest
from fractions import Fraction
from pathlib import Path

from .helpers import FIXTURES

from oslab import classroom, course, main, runner, scoring


def lab(lab_id="lab01", points=20, groups=None, number=1):
    return course.Lab(id=lab_id, number=number, folder=f"x/{lab_id}", title=f"Title {lab_id}",
                      points=points, theory="", groups=groups or {}, tsan=False)


def cases(fixture, lab_id):
    run = runner.parse_junit(FIXTURES / fixture)
    return scoring.cases_by_lab(run.cases, [lab_id])[lab_id]


class ScoringTest(unittest.TestCase):
    def test_all_pass_is_full_marks(self):
        score = scoring.score_lab(lab(), cases("junit_all_pass.xml", "lab01"))
        self.assertEqual((score.passed, score.total), (4, 4))
        self.assertEqual((score.earned, score.points), (20, 20))
        self.assertTrue(scoring.full_marks([score]))
        self.assertIn("Score: 20/20", scoring.render([score]))

    def test_partial_splits_points_evenly_without_groups(self):
        score = scoring.score_lab(lab(), cases("junit_partial.xml", "lab01"))
        self.assertEqual((score.passed, score.total), (1, 3))
        self.assertEqual(score.earned, Fraction(20, 3))
        self.assertFalse(scoring.full_marks([score]))
        self.assertIn("Score: 6.6/20", scoring.render([score]))  # rounded down, one decimal

    def test_groups_weigh_suites_and_star_takes_the_rest(self):
        echo = lab("lab04", 20, {"EchoConformance": 10, "*": 10}, number=4)
        score = scoring.score_lab(echo, cases("junit_partial.xml", "lab04"))
        by_name = {g.name: g for g in score.groups}
        self.assertEqual((by_name["EchoConformance"].passed, by_name["EchoConformance"].total),
                         (3, 4))
        self.assertEqual(by_name["EchoConformance"].earned, Fraction(15, 2))  # 3 x 10/4
        self.assertEqual((by_name["*"].earned, by_name["*"].points), (5, 10))  # 1 of 2 tests
        self.assertEqual(score.earned, Fraction(25, 2))
        table = scoring.render([score])
        self.assertIn("12.5/20", table)
        self.assertIn("EchoConformance", table)
        self.assertIn("FAIL EchoConformance.HalfClose: not implemented: serve()", table)

    def test_group_weights_are_relative_and_patterns_match(self):
        echo = lab("lab04", 20, {"Echo*": 1, "*": 3}, number=4)
        score = scoring.score_lab(echo, cases("junit_partial.xml", "lab04"))
        by_name = {g.name: g for g in score.groups}
        self.assertEqual(by_name["Echo*"].points, 5)
        self.assertEqual(by_name["*"].points, 15)

    def test_parameterised_suites_match_without_their_instantiation_prefix(self):
        names = ["lab04.starter.Blocking/EchoConformance.EchoesOneMessage/Blocking"
                 "  # GetParam() = 64-byte object <50-0A 00-00>",
                 "lab04.starter.Blocking/EchoConformance.HalfClose/Blocking",
                 "lab04.starter.BlockingEchoServer.StopsCleanly"]
        run = [runner.TestCase(name, "passed") for name in names]
        score = scoring.score_lab(lab("lab04", 20, {"EchoConformance": 10, "*": 10}, number=4), run)
        self.assertEqual([t.group for t in score.tests], ["EchoConformance"] * 2 + ["*"])
        self.assertEqual([t.points for t in score.tests], [5, 5, 10])
        self.assertEqual(score.tests[0].name, "Blocking/EchoConformance.EchoesOneMessage/Blocking")

    def test_a_group_without_tests_gives_its_share_to_the_others(self):
        echo = lab("lab04", 20, {"HiddenSuite": 10, "EchoConformance": 5, "*": 5}, number=4)
        score = scoring.score_lab(echo, cases("junit_partial.xml", "lab04"))
        self.assertEqual(sum(g.points for g in score.groups), 20)
        self.assertNotIn("HiddenSuite", [g.name for g in score.groups])

    def test_tests_outside_every_group_are_worth_nothing_without_star(self):
        echo = lab("lab04", 20, {"EchoConformance": 1}, number=4)
        score = scoring.score_lab(echo, cases("junit_partial.xml", "lab04"))
        self.assertEqual(score.points, 20)
        self.assertEqual(score.earned, 15)  # 3 of 4 conformance tests, 5 points each
        others = [t for t in score.tests if t.group == "*"]
        self.assertTrue(others and all(t.points == 0 for t in others))

    def test_crash_and_timeout_score_zero_and_do_not_stop_the_others(self):
        # Recorded from a real ctest run: pass, fail, throw, abort(), 2 s timeout, GTEST_SKIP.
        score = scoring.score_lab(lab(points=12), cases("junit_edge_cases.xml", "lab01"))
        status = {t.name: (t.status, t.earned) for t in score.tests}
        self.assertEqual(status["Edge.Crashes"], ("failed", 0))
        self.assertEqual(status["Edge.Hangs"], ("failed", 0))
        self.assertEqual(status["Basics.Passes"], ("passed", 2))
        self.assertEqual(status["Edge.Skips"], ("skipped", 2))  # skipped = did not fail = earned
        self.assertEqual((score.passed, score.total, score.earned), (2, 6, 4))
        reasons = {t.name: t.reason for t in score.tests}
        self.assertIn("crashed or timed out", reasons["Edge.Crashes"])
        self.assertIn("after 2.0 s", reasons["Edge.Hangs"])
        self.assertEqual(reasons["Basics.Throws"], "not implemented: fork_child() [lab01], "
                                                   "see README section 'Step 1: Fork'")
        self.assertIn("Expected equality", reasons["Basics.Fails"])

    def test_the_older_mixed_fixture_scores_one_pass_one_skip(self):
        score = scoring.score_lab(lab(points=10), cases("junit_mixed.xml", "lab01"))
        self.assertEqual((score.passed, score.total, score.earned), (2, 5, 4))

    def test_not_built_is_not_counted_and_build_failure_scores_zero(self):
        scores = [scoring.score_lab(lab(), cases("junit_all_pass.xml", "lab01")),
                  scoring.score_lab(lab("lab02", number=2), None, state="not built"),
                  scoring.score_lab(lab("lab03", number=3), None, state="build failed")]
        self.assertEqual(scoring.total(scores), (20, 40))
        table = scoring.render(scores)
        self.assertRegex(table, r"lab02 .*not built yet\s+0/0\s+\(not counted\)")
        self.assertRegex(table, r"lab03 .*build failed\s+0/20")
        self.assertIn("Score: 20/40", table)

    def test_only_not_built_labs_is_not_full_marks(self):
        scores = [scoring.score_lab(lab(), None, state="not built")]
        self.assertEqual(scoring.total(scores), (0, 0))
        self.assertFalse(scoring.full_marks(scores))

    def test_a_built_lab_without_tests_scores_zero(self):
        score = scoring.score_lab(lab(), [])
        self.assertEqual((score.state, score.earned, score.points), ("no tests", 0, 20))

    def test_points_show_at_most_one_decimal_rounded_down(self):
        self.assertEqual(scoring.fmt_points(Fraction(20)), "20")
        self.assertEqual(scoring.fmt_points(Fraction(199, 10)), "19.9")
        self.assertEqual(scoring.fmt_points(Fraction(1996, 100)), "19.9")
        self.assertEqual(scoring.fmt_points(Fraction(20, 3)), "6.6")

    def test_cases_are_split_by_lab_prefix(self):
        run = runner.parse_junit(FIXTURES / "junit_partial.xml")
        split = scoring.cases_by_lab(run.cases, ["lab01", "lab04"])
        self.assertEqual((len(split["lab01"]), len(split["lab04"])), (3, 6))

    def test_json_report(self):
        scores = [scoring.score_lab(lab("lab04", 20, {"EchoConformance": 10, "*": 10}, number=4),
                                  cases("junit_partial.xml", "lab04"))]
        data = json.loads(json.dumps(scoring.to_json(scores)))
        self.assertEqual((data["score"], data["max_score"], data["full_marks"]), (12.5, 20, False))
        self.assertEqual(data["labs"][0]["passed"], 4)
        self.assertEqual(len(data["labs"][0]["tests"]), 6)


class LabsJsonGroupsTest(unittest.TestCase):
    def test_groups_in_labs_json_are_positive_weights(self):
        for entry in course.load_labs():
            for key, weight in entry.groups.items():
                self.assertIsInstance(weight, (int, float), f"{entry.id}: {key}")
                self.assertGreater(weight, 0, f"{entry.id}: {key}")


class ClassroomWorkflowTest(unittest.TestCase):
    def test_committed_workflow_matches_labs_json(self):
        committed = classroom.CLASSROOM_YML.read_text()
        self.assertEqual(committed, classroom.classroom_workflow(
            course.load_labs(), course.course_settings().get("classroom")),
                         "run scripts/lab classroom and commit .github/workflows/classroom.yml")

    def test_one_step_per_lab_with_its_points(self):
        labs = course.load_labs()
        text = classroom.classroom_workflow(labs)
        for entry in labs:
            self.assertIn(f"command: cd course && scripts/lab grade --submission ../submission "
                          f"--no-performance {entry.number} 2>&1", text)
            step = text.split(f"id: {entry.id}\n", 1)[1].split("- name:", 1)[0]
            self.assertIn(f"max-score: {entry.points}\n", step)
        commands = [line for line in text.splitlines() if "command: " in line
                    and "setup-command" not in line]
        self.assertEqual(len(commands), len(labs))
        self.assertTrue(all(line.endswith("2>&1") for line in commands))

    def test_check_mode_reports_a_stale_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "classroom.yml"
            target.write_text("stale\n")
            with contextlib.redirect_stdout(io.StringIO()):
                self.assertEqual(main.main(["classroom", "--check", "--output", str(target)]), 1)
                self.assertEqual(main.main(["classroom", "--output", str(target)]), 0)
                self.assertEqual(main.main(["classroom", "--check", "--output", str(target)]), 0)


class GradeCommandLineTest(unittest.TestCase):
    def test_missing_hidden_directory_is_a_usage_error(self):
        with contextlib.redirect_stderr(io.StringIO()) as err:
            self.assertEqual(main.main(["grade", "--hidden", "/nonexistent/hidden", "1"]), 2)
        self.assertIn("no such directory", err.getvalue())

    def test_unknown_lab_is_a_usage_error(self):
        with contextlib.redirect_stderr(io.StringIO()):
            self.assertEqual(main.main(["grade", "9"]), 2)


if __name__ == "__main__":
    unittest.main()
