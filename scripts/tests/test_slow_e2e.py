"""End to end (slow, opt-in): student export -> starter fails -> solution copied in -> full marks,
hidden tests through the CMake hook, and a crashing hidden test that scores zero alone.

It builds one lab in a temporary student copy (ASan+UBSan, about 2-4 minutes on 2 cores), so it
only runs when asked:
    OSLAB_SLOW=1 python3 -m unittest discover -s scripts/tests -t scripts -p 'test_slow*.py' -v
OSLAB_E2E_LAB=4 picks the lab (default: the first lab that has a solution). OSLAB_E2E_KEEP=1 keeps
the temporary copy for a look afterwards.
"""
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import unittest
from pathlib import Path


from oslab import course

SLOW = os.environ.get("OSLAB_SLOW") == "1"
HIDDEN_EXAMPLE = course.CHAPTER / "hidden_tests_example"


def pick_lab() -> course.Lab | None:
    labs = [lab for lab in course.load_labs() if lab.exists and lab.has_solution]
    wanted = os.environ.get("OSLAB_E2E_LAB")
    if wanted:
        return course.find_lab(labs, wanted)
    with_example = [lab for lab in labs if (HIDDEN_EXAMPLE / lab.id).is_dir()]
    return (with_example or labs or [None])[0]


@unittest.skipUnless(SLOW, "slow end-to-end test: set OSLAB_SLOW=1 to run it")
class StudentCopyEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.lab = pick_lab()
        if cls.lab is None:
            raise unittest.SkipTest("no lab with a solution in this repository")
        cls.tmp = Path(tempfile.mkdtemp(prefix="oslab-e2e-"))
        cls.copy = cls.tmp / "copy"
        cls.env = {**os.environ, "CMAKE_BUILD_PARALLEL_LEVEL": os.environ.get(
            "CMAKE_BUILD_PARALLEL_LEVEL", "2")}
        cls.env.pop("CI", None)  # the copy grades like a student would (dev preset)
        cls.env.pop("OSLAB_PRESET", None)
        # The committed files (--rev HEAD), so labs being edited right now do not disturb it.
        cls.run_lab(course.ROOT, "export-student", str(cls.copy), "--git", "--rev", "HEAD",
                    expect=0)

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("OSLAB_E2E_KEEP") != "1":
            shutil.rmtree(cls.tmp, ignore_errors=True)
        else:
            print(f"\nkept {cls.tmp}")

    @classmethod
    def run_lab(cls, root, *arguments, expect=None):
        result = subprocess.run([str(root / "scripts" / "lab"), *arguments], cwd=root,
                                env=cls.env, text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        if expect is not None and result.returncode != expect:
            raise AssertionError(f"scripts/lab {' '.join(arguments)} exited "
                                 f"{result.returncode}, expected {expect}:\n{result.stdout}")
        return result

    def grade(self, *extra, expect):
        report = self.tmp / "grade.json"
        result = self.run_lab(self.copy, "grade", str(self.lab.number), "--json", str(report),
                              *extra, expect=expect)
        lab = json.loads(report.read_text())["labs"][0]
        self.assertEqual(lab["state"], "graded", result.stdout)
        return lab

    def test_student_copy_end_to_end(self):
        lab_dir = self.copy / self.lab.path.relative_to(course.ROOT)
        self.assertFalse((lab_dir / "solution").exists())
        self.assertTrue((self.copy / ".oslab-student-copy").is_file())

        # 1. The copy configures, builds, and its starter tests fail (exit 1, not full marks).
        starter = self.grade(expect=1)
        self.assertEqual(starter["state"], "graded")
        self.assertGreater(starter["total"], 0)
        self.assertLess(starter["passed"], starter["total"])
        self.assertTrue(any("not implemented" in t["reason"] for t in starter["tests"]))

        # 2. The reference (as committed) copied over the starter: full marks (exit 0).
        solution = self.lab.rel(self.lab.path / "solution")
        tar = subprocess.run(["git", "-C", str(course.ROOT), "archive", "HEAD", solution],
                             stdout=subprocess.PIPE, check=True)
        with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as bundle:
            for member in bundle.getmembers():
                if member.isfile():
                    target = lab_dir / "starter" / Path(member.name).name
                    target.write_bytes(bundle.extractfile(member).read())
        solved = self.grade(expect=0)
        self.assertEqual((solved["passed"], solved["earned"]),
                         (solved["total"], self.lab.points))
        self.assertEqual(solved["total"], starter["total"])

        # 3. Hidden tests through -DOSLAB_EXTRA_TESTS_DIR (the course's example, when this lab
        #    has one): they join the lab's tests and the reference passes them.
        if (HIDDEN_EXAMPLE / self.lab.id).is_dir():
            hidden = self.grade("--hidden", str(HIDDEN_EXAMPLE), expect=0)
            self.assertGreater(hidden["total"], solved["total"])
            self.assertTrue(any(t["name"].startswith("Hidden") for t in hidden["tests"]))

        # 4. A hidden test that crashes scores zero for itself and stops nothing else.
        crash_dir = self.tmp / "hidden_crash" / self.lab.id
        crash_dir.mkdir(parents=True)
        (crash_dir / "crash_test.cpp").write_text(
            "#include <gtest/gtest.h>\n#include <cstdlib>\n"
            "TEST(HiddenCrash, Aborts) { std::abort(); }\n"
            "TEST(HiddenCrash, Passes) { SUCCEED(); }\n")
        crashed = self.grade("--hidden", str(crash_dir.parent), expect=1)
        status = {t["name"]: t for t in crashed["tests"]}
        self.assertEqual(status["HiddenCrash.Aborts"]["status"], "failed")
        self.assertIn("crashed", status["HiddenCrash.Aborts"]["reason"])
        self.assertEqual(status["HiddenCrash.Passes"]["status"], "passed")
        self.assertEqual(crashed["passed"], crashed["total"] - 1)

        # 5. Grading without --hidden drops the hidden tests again (the hook is not sticky).
        again = self.grade(expect=0)
        self.assertEqual(again["total"], solved["total"])


if __name__ == "__main__":
    unittest.main()
