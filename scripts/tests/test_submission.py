"""The overlay (grade --submission, the Gradescope bundle), what is trusted, submit-check's manifest
comparison and the bundle's layout, without building anything."""
import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import zipfile
from pathlib import Path

from unittest import mock

from . import test_student

from oslab import bundle, course, export, submission, submit_check, trusted

LABS = course.load_labs()
LAB01 = next(lab for lab in LABS if lab.id == "lab01")
LAB01_DIR = f"chapter_02_os/{LAB01.folder}"


def checksum(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
            digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


class TrustedTest(unittest.TestCase):
    def test_only_starter_is_the_students(self):
        self.assertTrue(trusted.is_student_file(f"{LAB01_DIR}/starter/coro.cpp", LABS))
        for rel in (f"{LAB01_DIR}/tests/coro_test.cpp", f"{LAB01_DIR}/CMakeLists.txt",
                    f"{LAB01_DIR}/include/oslab/coro.hpp", "cmake/OslabLab.cmake",
                    "CMakeLists.txt", "CMakePresets.json", "chapter_02_os/labs.json",
                    "chapter_02_os/common/include/oslab/fd.hpp"):
            self.assertTrue(trusted.is_trusted(rel, LABS), rel)
            self.assertFalse(trusted.is_student_file(rel, LABS), rel)
        for rel in (f"{LAB01_DIR}/README.md", "docs/students.md", f"{LAB01_DIR}/starter/x.cpp"):
            self.assertFalse(trusted.is_trusted(rel, LABS), rel)


class FindStartersTest(unittest.TestCase):
    def test_whole_copy_lab_folders_and_a_zip_of_them(self):
        with tempfile.TemporaryDirectory() as tmp:
            whole = Path(tmp) / "whole"
            write(whole, f"{LAB01_DIR}/starter/coro.cpp", "x")
            write(whole, "build/dev/chapter_02_os/lab_01_process_vs_thread/starter/junk", "x")
            found = submission.find_starters(whole, LABS)
            self.assertEqual(found, {"lab01": whole / LAB01_DIR / "starter"})

            folders = Path(tmp) / "folders"
            write(folders, "lab_01_process_vs_thread/starter/coro.cpp", "x")
            write(folders, "notes/starter/other.cpp", "x")
            found = submission.find_starters(folders, LABS)
            self.assertEqual(found, {"lab01": folders / "lab_01_process_vs_thread" / "starter"})

            zipped = Path(tmp) / "zipped"
            zipped.mkdir()
            with zipfile.ZipFile(zipped / "labs.zip", "w") as archive:
                archive.writestr("handin/lab_01_process_vs_thread/starter/coro.cpp", "// mine\n")
            scratch = Path(tmp) / "scratch"
            notes = submission.prepare(zipped, LABS, [LAB01], set(), scratch)
            self.assertEqual((scratch / LAB01_DIR / "starter" / "coro.cpp").read_text(),
                             "// mine\n")
            self.assertFalse([n for n in notes if "no lab_01" in n], notes)


class OverlayTest(unittest.TestCase):
    def test_students_starter_over_the_course_tests_named_and_dir_untouched(self):
        with tempfile.TemporaryDirectory() as tmp:
            student, scratch = Path(tmp) / "student", Path(tmp) / "scratch"
            for rel in (f"{LAB01_DIR}/starter/coro.cpp", f"{LAB01_DIR}/tests/coro_test.cpp",
                        "CMakeLists.txt", f"{LAB01_DIR}/README.md"):
                write(student, rel, (course.ROOT / rel).read_text())
            write(student, f"{LAB01_DIR}/starter/coro.cpp", "// the student's coro\n")
            write(student, f"{LAB01_DIR}/starter/extra.cpp", "// a file of their own\n")
            write(student, f"{LAB01_DIR}/tests/coro_test.cpp", "TEST(Coro, Passes) {}\n")
            write(student, f"{LAB01_DIR}/tests/mine_test.cpp", "TEST(Mine, Passes) {}\n")
            write(student, f"{LAB01_DIR}/README.md", "my notes\n")
            write(student, f"{LAB01_DIR}/starter/sneaky.cpp",
                  '#include "../solution/coro.cpp"\n')
            os.symlink("/etc/passwd", student / LAB01_DIR / "starter" / "link.cpp")
            before = checksum(student)
            notes = submission.prepare(student, LABS, [LAB01], set(), scratch)
            self.assertEqual(checksum(student), before)
            starter = scratch / LAB01_DIR / "starter"
            self.assertEqual((starter / "coro.cpp").read_text(), "// the student's coro\n")
            self.assertTrue((starter / "extra.cpp").is_file())
            self.assertFalse((starter / "sneaky.cpp").exists())
            self.assertFalse((starter / "link.cpp").exists())
            self.assertFalse((starter / "ping_pong.cpp").exists())  # their starter, wholesale
            tests = scratch / LAB01_DIR / "tests"
            self.assertEqual((tests / "coro_test.cpp").read_bytes(),
                             (course.ROOT / LAB01_DIR / "tests" / "coro_test.cpp").read_bytes())
            self.assertFalse((tests / "mine_test.cpp").exists())
            self.assertFalse(list(scratch.rglob("solution")))  # no performance: no reference
            self.assertIn(f"{LAB01_DIR}/tests/coro_test.cpp differs from the course's: graded "
                          "with the course's version", notes)
            self.assertIn(f"{LAB01_DIR}/tests/mine_test.cpp is not in the course's copy: "
                          "ignored", notes)
            self.assertIn(f"{LAB01_DIR}/starter/sneaky.cpp includes a file of solution/: not "
                          "allowed, left out", notes)
            self.assertFalse([n for n in notes if "README" in n or "CMakeLists" in n], notes)
            self.assertTrue([n for n in notes if "symbolic links left out: link.cpp" in n])
            others = [n for n in notes if n.startswith("lab0") and "untouched starter" in n]
            self.assertEqual(others, [])  # only lab01 was selected

    def test_sync_keeps_unchanged_files_times_and_build_trees(self):
        with tempfile.TemporaryDirectory() as tmp:
            src, dest = Path(tmp) / "src", Path(tmp) / "dest"
            files = {name: write(src, name, name) for name in ("a.cpp", "sub/b.cpp")}
            submission.sync(files, dest)
            write(dest, "build/dev/keep.o", "object")
            stale = write(dest, "stale.cpp", "gone")
            old = time.time() - 1000
            os.utime(dest / "a.cpp", (old, old))
            write(src, "sub/b.cpp", "changed")
            submission.sync(files, dest)
            self.assertEqual(int((dest / "a.cpp").stat().st_mtime), int(old))
            self.assertEqual((dest / "sub/b.cpp").read_text(), "changed")
            self.assertGreater((dest / "sub/b.cpp").stat().st_mtime, old + 500)
            self.assertTrue((dest / "build/dev/keep.o").is_file())
            self.assertFalse(stale.exists())

    def test_performance_labs_keep_their_reference(self):
        files = submission.course_files(course.ROOT, LABS, {"lab02"})
        solutions = {rel.split("/solution/")[0] for rel in files if "/solution/" in rel}
        self.assertEqual(solutions, {"chapter_02_os/01_process_thread/lab_02_thread_pool"})


class SubmitCheckTest(unittest.TestCase):
    def test_manifest_names_changed_files_outside_starter(self):
        with tempfile.TemporaryDirectory() as tmp:
            root, dest = Path(tmp) / "course", Path(tmp) / "copy"
            root.mkdir()
            test_student.ExportTest.make_course(None, root)
            export.export_student(root, dest)
            self.assertEqual(submit_check.changed_since_export(dest), [])
            lab = "chapter_02_os/sec/lab_09_fake"
            write(dest, f"{lab}/starter/fork.cpp", "int fork_child() { return 1; }\n")
            write(dest, f"{lab}/tests/fork_test.cpp", "TEST(A, B) { SUCCEED(); }\n")
            write(dest, f"{lab}/tests/new_test.cpp", "TEST(C, D) {}\n")
            write(dest, "README.md", "my notes\n")
            changes = submit_check.changed_since_export(dest)
            self.assertEqual(changes, [("README.md", "changed"),
                                       (f"{lab}/tests/fork_test.cpp", "changed"),
                                       (f"{lab}/tests/new_test.cpp", "added")])
            self.assertEqual(submit_check.changed_trusted_files(dest), [
                f"{lab}/tests/fork_test.cpp differs from the course's: graded with the course's "
                "version", f"{lab}/tests/new_test.cpp added since the export: graded with the "
                "course's files"])

    def test_command_reports_uncommitted_work_without_building(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write(root, "a.txt", "a")
            test_student.git(root, "init", "-q")
            with mock.patch.object(submit_check, "ROOT", root), \
                    mock.patch.object(submit_check, "changed_since_export",
                                               return_value=None), \
                    contextlib.redirect_stdout(io.StringIO()) as out:
                status = submit_check.cmd_submit_check(mock.Mock(no_build=True, labs=[]))
            self.assertEqual(status, 1)
            self.assertIn("uncommitted changes (1 files)", out.getvalue())
            self.assertIn("?? a.txt", out.getvalue())
            self.assertIn("cannot compare", out.getvalue())


class BundleTest(unittest.TestCase):
    def test_zip_root_holds_the_scripts_the_course_and_the_hidden_tests(self):
        with tempfile.TemporaryDirectory() as tmp:
            hidden = Path(tmp) / "hidden"
            write(hidden, "lab02/hidden_test.cpp", "TEST(HiddenX, Y) {}\n")
            write(hidden, "lab03/other_test.cpp", "TEST(HiddenZ, Y) {}\n")
            out = Path(tmp) / "autograder.zip"
            made = bundle.write_bundle(out, ["2"], hidden, False)
            with zipfile.ZipFile(out) as archive:
                names = set(archive.namelist())
                modes = {i.filename: i.external_attr >> 16 for i in archive.infolist()}
                run = archive.read("run_autograder").decode()
                setup = archive.read("setup.sh").decode()
        self.assertEqual(made["solutions"], ["lab02"])
        self.assertTrue({"setup.sh", "run_autograder", "course/scripts/lab",
                         "course/chapter_02_os/labs.json", "hidden/lab02/hidden_test.cpp"} <= names)
        self.assertNotIn("hidden/lab03/other_test.cpp", names)
        solutions = {n for n in names if "/solution/" in n}
        self.assertTrue(solutions and all("lab_02_thread_pool" in n for n in solutions))
        self.assertEqual(modes["run_autograder"] & 0o777, 0o755)
        self.assertEqual(modes["course/scripts/lab"] & 0o111, 0o111)
        self.assertIn('root="${OSLAB_AUTOGRADER_ROOT:-/autograder}"', run)
        self.assertIn('grade --submission "$root/submission" --gradescope "$results"', run)
        self.assertIn('--hidden "$root/source/hidden"', run)
        self.assertTrue(run.rstrip().endswith("exit 0"))
        self.assertIn('"$course/scripts/setup.sh"', setup)
        self.assertIn("--target lab02_starter_bench --target lab02_solution_bench", setup)

    @unittest.skipUnless(shutil.which("shellcheck"), "shellcheck not installed")
    def test_generated_scripts_pass_shellcheck(self):
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in bundle.scripts(["lab02"], ["2"], True, ["lab02"], False).items():
                (Path(tmp) / name).write_text(text)
            result = subprocess.run(["shellcheck", "-s", "bash", "setup.sh", "run_autograder"],
                                    cwd=tmp, capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout)


class DevcontainerTest(unittest.TestCase):
    def test_plain_json_debian_12_setup_and_the_runtime_flags(self):
        config = json.loads((course.ROOT / ".devcontainer" / "devcontainer.json").read_text())
        self.assertIn("bookworm", config["image"])
        self.assertIn("scripts/setup.sh", config["postCreateCommand"])
        self.assertIn("--cap-add=SYS_PTRACE", config["runArgs"])
        self.assertIn("--ulimit=nofile=65536:65536", config["runArgs"])


if __name__ == "__main__":
    unittest.main()
