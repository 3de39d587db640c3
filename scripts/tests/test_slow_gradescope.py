"""End to end (slow, opt-in): the Gradescope bundle in a temporary tree that mimics /autograder,
and `grade --submission` on a student copy whose test was edited to pass.

The bundle of one lab (with the course's hidden-test example) is unzipped into ROOT/source, its
run_autograder copied to ROOT/ as Gradescope does, setup.sh run once (it builds the untouched
course: about 3-5 minutes on 2 cores), then run_autograder grades, in turn:
  1. the student copy as exported (a whole copy): score below the maximum, "not implemented";
  2. a zip of the lab folder with the reference's files in starter/: full marks;
  3. the reference with one function that calls std::abort(): those tests fail, the others pass,
     results.json is still written;
and, in the bundle's course copy, `scripts/lab grade --submission` grades a student copy whose
tests/parallel_sum_test.cpp was replaced by a test that passes: with the course's test, the points
are lost and the file is named; the student copy is left untouched.
    OSLAB_SLOW=1 python3 -m unittest discover -s scripts/tests -t scripts -p 'test_slow*.py' -v
OSLAB_E2E_KEEP=1 keeps the temporary tree.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile
from pathlib import Path

from oslab import course

from .test_gradescope import validate

SLOW = os.environ.get("OSLAB_SLOW") == "1"
LAB = next(lab for lab in course.load_labs() if lab.id == "lab01")
LAB_DIR = f"chapter_02_os/{LAB.folder}"
HIDDEN = course.CHAPTER / "hidden_tests_example"


def checksum(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and ".git" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()


def run(command, cwd, env, expect=None):
    result = subprocess.run([str(part) for part in command], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if expect is not None and result.returncode != expect:
        raise AssertionError(f"{command} exited {result.returncode}, expected {expect}:\n"
                             f"{result.stdout[-6000:]}")
    return result


@unittest.skipUnless(SLOW, "slow end-to-end test: set OSLAB_SLOW=1 to run it")
class GradescopeEndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="oslab-gradescope-"))
        cls.root = cls.tmp / "autograder"
        cls.env = {**os.environ, "OSLAB_AUTOGRADER_ROOT": str(cls.root),
                   "CMAKE_BUILD_PARALLEL_LEVEL": os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")}
        for name in ("CI", "OSLAB_PRESET"):
            cls.env.pop(name, None)
        lab_cli = course.ROOT / "scripts" / "lab"
        run([lab_cli, "gradescope-bundle", cls.tmp / "bundle.zip", str(LAB.number), "--hidden",
             HIDDEN], course.ROOT, cls.env, expect=0)
        with zipfile.ZipFile(cls.tmp / "bundle.zip") as archive:
            for info in archive.infolist():   # keep the modes, as Gradescope's unzip does
                path = Path(archive.extract(info, cls.root / "source"))
                path.chmod((info.external_attr >> 16) & 0o777 or 0o644)
        shutil.copy2(cls.root / "source" / "run_autograder", cls.root / "run_autograder")
        run([cls.root / "source" / "setup.sh"], cls.root / "source", cls.env, expect=0)
        cls.student = cls.tmp / "student"
        run([lab_cli, "export-student", cls.student, "--rev", "HEAD"], course.ROOT, cls.env,
            expect=0)
        cls.reference = {p.name: p.read_bytes()
                         for p in (course.ROOT / LAB_DIR / "solution").glob("*")}

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("OSLAB_E2E_KEEP") == "1":
            print(f"\nkept {cls.tmp}")
        else:
            shutil.rmtree(cls.tmp, ignore_errors=True)

    def autograde(self, fill) -> dict:
        """Puts a submission in ROOT/submission (fill(dir)), runs run_autograder, returns
        results.json after checking its fields."""
        submission = self.root / "submission"
        shutil.rmtree(submission, ignore_errors=True)
        submission.mkdir()
        fill(submission)
        before = checksum(submission)
        result = run([self.root / "run_autograder"], self.root, self.env, expect=0)
        self.assertEqual(checksum(submission), before, "the submission was modified")
        data = json.loads((self.root / "results" / "results.json").read_text())
        validate(self, data)
        self.assertTrue(data["tests"], result.stdout[-3000:])
        return data

    def zip_of_lab_folder(self, files: dict[str, bytes]):
        def fill(submission: Path):
            with zipfile.ZipFile(submission / "my-lab.zip", "w") as archive:
                for name, content in files.items():
                    archive.writestr(f"{LAB.folder.split('/')[-1]}/starter/{name}", content)
        return fill

    def test_1_untouched_student_copy(self):
        data = self.autograde(lambda d: shutil.copytree(self.student, d, dirs_exist_ok=True))
        self.assertLess(data["score"], sum(t["max_score"] for t in data["tests"]))
        failed = [t for t in data["tests"] if t["status"] == "failed"]
        self.assertTrue(any("not implemented" in t["output"] for t in failed))
        hidden = [t for t in data["tests"] if t["visibility"] == "after_due_date"]
        self.assertTrue(hidden and all("HiddenParallelSum" in t["name"] for t in hidden))

    def test_2_solved_as_a_zip_of_the_lab_folder(self):
        data = self.autograde(self.zip_of_lab_folder(self.reference))
        self.assertEqual([t["name"] for t in data["tests"] if t["status"] != "passed"], [])
        self.assertAlmostEqual(data["score"], sum(t["max_score"] for t in data["tests"]), 3)
        self.assertEqual(data["score"], LAB.points)

    def test_3_a_starter_that_aborts(self):
        files = dict(self.reference)
        source = files["parallel_sum.cpp"].decode()
        signature = "std::uint64_t sum_with_threads(std::uint64_t n, std::size_t workers) {"
        self.assertIn(signature, source)
        files["parallel_sum.cpp"] = ("#include <cstdlib>\n" + source.replace(
            signature, signature + "\n    std::abort();")).encode()
        data = self.autograde(self.zip_of_lab_folder(files))
        status = {t["name"]: t for t in data["tests"]}
        threads = [t for name, t in status.items() if "ExactSum.Threads" in name]
        processes = [t for name, t in status.items() if "ExactSum.Processes" in name]
        self.assertTrue(threads and processes)
        self.assertTrue(all(t["status"] == "failed" and "crashed" in t["output"]
                            for t in threads), threads)
        self.assertTrue(all(t["status"] == "passed" for t in processes), processes)
        failed = [t for t in data["tests"] if t["status"] == "failed"]
        passed = [t for t in data["tests"] if t["status"] == "passed"]
        self.assertGreater(len(passed), len(failed))
        self.assertLess(data["score"], LAB.points)

    def test_4_an_edited_test_is_graded_with_the_courses(self):
        copy = self.tmp / "edited"
        shutil.copytree(self.student, copy)
        edited = f"{LAB_DIR}/tests/parallel_sum_test.cpp"
        (copy / edited).write_text("#include <gtest/gtest.h>\n"
                                   "TEST(ParallelSum, ChunksCoverTheRangeOnce) { SUCCEED(); }\n")
        before = checksum(copy)
        report = self.tmp / "edited.json"
        course_copy = self.root / "source" / "course"
        result = run([course_copy / "scripts" / "lab", "grade", "--submission", copy, "--json",
                      report, str(LAB.number)], course_copy, self.env, expect=1)
        self.assertEqual(checksum(copy), before)
        self.assertIn(f"{edited} differs from the course's: graded with the course's version",
                      result.stdout)
        lab = json.loads(report.read_text())["labs"][0]
        course_tests = [t for t in lab["tests"] if t["name"].startswith("ParallelSum.")]
        self.assertGreater(len(course_tests), 1)  # the course's file, not the one-test edit
        self.assertTrue(any(t["status"] == "failed" for t in course_tests))
        self.assertLess(lab["earned"], lab["points"])


if __name__ == "__main__":
    unittest.main()
