"""`lab check` never passes on nothing, tried for real (slow, opt-in like test_slow_e2e.py):
a student copy reached through a symbolic link, configured through the link as a shell there
would, checked on its untouched Lab 3 starter (fails, listing what is not implemented), then with
every Lab 3 test file reduced to an #include (fails: zero tests is not a pass).

    OSLAB_SLOW=1 python3 -m unittest discover -s scripts/tests -t scripts -p 'test_slow*.py' -v
"""
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from oslab import course

SLOW = os.environ.get("OSLAB_SLOW") == "1"


@unittest.skipUnless(SLOW, "slow test (builds Lab 3): set OSLAB_SLOW=1 to run it")
class CheckThroughASymlink(unittest.TestCase):
    def test_untouched_starter_fails_and_an_empty_test_file_is_not_a_pass(self):
        lab = course.find_lab(course.load_labs(), "3")
        tmp = Path(tempfile.mkdtemp(prefix="oslab-symlink-"))
        self.addCleanup(shutil.rmtree, tmp, ignore_errors=True)
        real, link = tmp / "disk2" / "course", tmp / "course"
        env = {**os.environ, "CMAKE_BUILD_PARALLEL_LEVEL": "2"}
        env.pop("CI", None)
        env.pop("OSLAB_PRESET", None)
        subprocess.run([str(course.ROOT / "scripts" / "lab"), "export-student", str(real),
                        "--rev", "HEAD"], check=True, stdout=subprocess.DEVNULL, env=env)
        link.symlink_to(real, target_is_directory=True)
        in_link = {**env, "PWD": str(link)}
        subprocess.run(["cmake", "--preset", "dev"], cwd=link, env=in_link, check=True,
                       stdout=subprocess.DEVNULL)

        def check() -> subprocess.CompletedProcess:
            return subprocess.run([str(link / "scripts" / "lab"), "check", "3"], cwd=link,
                                  env=in_link, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)

        untouched = check()
        self.assertEqual(untouched.returncode, 1, untouched.stdout)
        self.assertIn("not implemented", untouched.stdout)
        self.assertRegex(untouched.stdout, r"\d+ passed, [1-9]\d* failed")

        for test_file in (real / lab.path.relative_to(course.ROOT) / "tests").glob("*.cpp"):
            test_file.write_text("#include <gtest/gtest.h>\n")
        empty = check()
        self.assertEqual(empty.returncode, 1, empty.stdout)
        self.assertIn("ran 0 tests, which is not a pass", empty.stdout)
        self.assertNotIn("All 0 tests", empty.stdout)


if __name__ == "__main__":
    unittest.main()
