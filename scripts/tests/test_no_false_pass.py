"""A checker never reports success when nothing ran: ctest driven for real on tiny CMake projects
(no compiler needed), and ctest's JUnit for a test whose executable is missing."""
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from .helpers import FIXTURES

from oslab import runner

HAVE_CMAKE = bool(shutil.which("cmake") and shutil.which("ctest"))


def make_project(where: Path, tests: str) -> Path:
    """A CMake project whose tests are shell commands, configured into where/build/dev."""
    (where / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.25)\nproject(fake NONE)\nenable_testing()\n" + tests)
    build = where / "build" / "dev"
    subprocess.run(["cmake", "-S", str(where), "-B", str(build)], check=True,
                   stdout=subprocess.DEVNULL)
    return build


class NotRunIsNotAPass(unittest.TestCase):
    def test_missing_executable_is_a_failure_and_a_real_skip_is_a_skip(self):
        run = runner.parse_junit(FIXTURES / "junit_not_run.xml")
        statuses = {case.short_name: case.status for case in run.cases}
        self.assertEqual(statuses, {"Suite.missing": "failed", "Suite.skips": "skipped"})


@unittest.skipUnless(HAVE_CMAKE, "needs cmake and ctest")
class CtestNeverPassesOnNothing(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="oslab-ctest-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def ctest_in(self, build: Path, labels: list[str]) -> runner.TestRun:
        with mock.patch.object(runner, "build_dir", lambda preset: build):
            return runner.ctest("dev", labels, self.tmp / "junit.xml")

    def test_a_label_that_selects_no_test_fails_clearly(self):
        build = make_project(self.tmp, 'add_test(NAME lab01.starter.A.b COMMAND true)\n'
                                       'set_tests_properties(lab01.starter.A.b PROPERTIES '
                                       'LABELS "lab01;starter")\n')
        self.assertEqual(self.ctest_in(build, ["lab01", "starter"]).passed, 1)
        with self.assertRaisesRegex(runner.StepFailed, "ran 0 tests, which is not a pass"):
            self.ctest_in(build, ["lab03", "starter"])

    def test_a_missing_test_executable_is_a_failure(self):
        build = make_project(self.tmp, 'add_test(NAME lab01.starter.A.b COMMAND /no/such/bin)\n'
                                       'set_tests_properties(lab01.starter.A.b PROPERTIES '
                                       'LABELS "lab01;starter")\n')
        run = self.ctest_in(build, ["lab01", "starter"])
        self.assertEqual((run.passed, run.failed), (0, 1))

    def test_a_symlinked_checkout_gives_the_same_results(self):
        real = self.tmp / "real"
        real.mkdir()
        link = self.tmp / "link"
        link.symlink_to(real, target_is_directory=True)
        # Configured through the link, as a shell in ~/course -> /disk2/course would.
        (real / "CMakeLists.txt").write_text(
            "cmake_minimum_required(VERSION 3.25)\nproject(fake NONE)\nenable_testing()\n"
            'add_test(NAME lab03.starter.A.b COMMAND false)\n'
            'set_tests_properties(lab03.starter.A.b PROPERTIES LABELS "lab03;starter")\n')
        subprocess.run(["cmake", "-S", str(link), "-B", str(link / "build" / "dev")], check=True,
                       stdout=subprocess.DEVNULL, cwd=link, env={**os.environ, "PWD": str(link)})
        for build in (link / "build" / "dev", real / "build" / "dev"):
            run = self.ctest_in(build, ["lab03", "starter"])
            self.assertEqual((run.passed, run.failed), (0, 1), build)


if __name__ == "__main__":
    unittest.main()
