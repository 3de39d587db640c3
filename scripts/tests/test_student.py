"""hint, watch, reset, export-student and the progress board, without building anything."""
import contextlib
import io
import json
import os
import subprocess
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from .helpers import FIXTURES

from oslab import commands, course, export, hint, progress, reset, watch


def fake_lab(lab_id="lab09", number=9, folder="x/lab_09_fake"):
    steps = (course.Step(1, "Step 1: Fork", ("Fork.*",)),
             course.Step(2, "Step 2: Pipes", ("Pipe.*",)))
    return course.Lab(id=lab_id, number=number, folder=folder, title="Fake lab", points=10,
                      theory="", groups={}, tsan=False, steps=steps)


def quiet(function, *args, **kwargs):
    """Calls function with stdout captured; returns (result, output)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = function(*args, **kwargs)
    return result, out.getvalue()


def git(root, *arguments):
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t",
                    *arguments], check=True, capture_output=True)


class HintTest(unittest.TestCase):
    def setUp(self):
        self.hints = hint.parse_hints((FIXTURES / "hints_tiers.md").read_text())
        self.lab = fake_lab()

    def next(self, state, step=None, failing=None, show_all=False):
        return hint.next_hint(self.lab, self.hints, state, step=step, show_all=show_all,
                              failing=failing)

    def test_parses_the_tiers_of_each_step_in_tier_order(self):
        self.assertEqual(sorted(self.hints), [1, 2])
        self.assertEqual([(h.tier, h.title) for h in self.hints[1]],
                         [(1, "where fork returns twice"), (2, "reaping"), (3, "exit codes")])
        self.assertIn("returns **0** in the child", self.hints[1][0].body)
        self.assertIn('oslab::throw_errno("waitpid");', self.hints[1][1].body)
        self.assertNotIn("</details>", self.hints[1][1].body)
        self.assertNotIn("Never shown", str(self.hints))

    def test_shows_the_next_tier_of_a_step_and_remembers(self):
        text, state = self.next({}, step=1)
        self.assertTrue(text.startswith("Lab 9, Step 1: Fork: hint 1 of 3, where fork returns"))
        self.assertIn("next tier, reaping: scripts/lab hint 9 --step 1", text)
        self.assertEqual(state, {"lab09": {"1": 1}})
        text, state = self.next(state, step=1)
        self.assertIn("hint 2 of 3, reaping", text)
        text, state = self.next(state, step=1)
        self.assertIn("that was the last hint of Step 1: Fork", text)
        text, after = self.next(state, step=1)
        self.assertIn("all 3 hints of Step 1: Fork were shown", text)
        self.assertEqual(after, {"lab09": {"1": 3}})

    def test_without_a_step_starts_at_the_first_failing_step(self):
        text, state = self.next({}, failing=2)
        self.assertIn("the first step that failed in your last check", text)
        self.assertIn("Step 2: Pipes: hint 1 of 1, pipes", text)
        # Step 2 has no tier left: the next bare `hint` moves to the first step with tiers left.
        text, state = self.next(state, failing=2)
        self.assertIn("Step 1: Fork: hint 1 of 3", text)
        self.assertEqual(state, {"lab09": {"1": 1, "2": 1}})

    def test_when_every_tier_was_shown(self):
        text, state = self.next({"lab09": {"1": 3, "2": 1}})
        self.assertIn("every tier of every step was shown", text)

    def test_all_shows_what_was_shown_so_far(self):
        text, _ = self.next({}, show_all=True)
        self.assertIn("no hints shown yet", text)
        text, state = self.next({"lab09": {"1": 2}}, show_all=True)
        self.assertIn("hint 1 of 3", text)
        self.assertIn("hint 2 of 3", text)
        self.assertNotIn("hint 3 of 3", text)
        self.assertEqual(state, {"lab09": {"1": 2}})

    def test_a_step_without_hints_and_a_lab_without_hints(self):
        text, state = hint.next_hint(self.lab, {}, {}, step=None, show_all=False)
        self.assertIn("has no hints", text)
        text, state = self.next({}, step=7)
        self.assertIn("no hints for step 7 (steps with hints: 1, 2)", text)
        self.assertEqual(state, {})

    def test_links_are_printed_from_the_repository_root(self):
        text = hint.repo_links(self.lab, "[§3](../theory.md#3-x), [web](https://a.b/c), [here](#y)")
        self.assertEqual(text, "[§3](chapter_02_os/x/theory.md#3-x), [web](https://a.b/c), "
                               "[here](#y)")

    def test_state_file_round_trip_and_old_format(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ".oslab" / "hints.json"
            self.assertEqual(hint.load_hint_state(path), {})
            hint.save_hint_state({"lab01": {"2": 1}}, path)
            self.assertEqual(hint.load_hint_state(path), {"lab01": {"2": 1}})
            path.write_text('{"lab01": 2}')  # the format before tiers: start over
            self.assertEqual(hint.load_hint_state(path), {})

    def test_every_lab_has_three_tiers_for_every_step(self):
        for lab in course.load_labs():
            if not lab.exists:
                continue
            hints = hint.lab_hints(lab)
            self.assertEqual(sorted(hints), [step.number for step in lab.steps],
                             f"{lab.id}: {lab.rel(lab.hints_file)} needs hints for every step")
            for step, tiers in hints.items():
                self.assertEqual([h.tier for h in tiers], [1, 2, 3],
                                 f"{lab.id} step {step}: tiers 1 (concept), 2 (design), 3 (sketch)")
            readme = lab.readme.read_text()
            self.assertIn(f"scripts/lab hint {lab.number}", readme,
                          f"{lab.id}: the README says how to ask for hints")
            self.assertNotIn("<summary>", readme, f"{lab.id}: hints live in HINTS.md")


class FakeWatcher:
    def __init__(self, events):
        self.events = list(events)
        self.closed = False

    def wait(self):
        event = self.events.pop(0)
        if isinstance(event, BaseException):
            raise event
        return event

    def close(self):
        self.closed = True


class WatchTest(unittest.TestCase):
    def test_command_watches_the_lab_recursively_and_ignores_editor_files(self):
        command = watch.inotify_command([Path("/x/lab")])
        self.assertEqual(command[0], "inotifywait")
        self.assertIn("--recursive", command)
        self.assertIn("--monitor", command)
        self.assertEqual(command[-1], "/x/lab")
        import re
        pattern = re.compile(watch.WATCH_EXCLUDE)
        for ignored in ("/x/lab/starter/.pool.cpp.swp", "/x/lab/starter/pool.cpp~",
                        "/x/lab/starter/4913", "/x/lab/starter/.#pool.cpp"):
            self.assertTrue(pattern.search(ignored), ignored)
        for watched in ("/x/lab/starter/pool.cpp", "/x/lab/tests/pool_test.cpp"):
            self.assertFalse(pattern.search(watched), watched)

    def test_reruns_after_each_change_and_ctrl_c_exits_cleanly(self):
        rounds = []
        watcher = FakeWatcher([["/x/a.cpp"], ["/x/b.cpp"], KeyboardInterrupt()])
        status, out = quiet(watch.watch, fake_lab(), lambda: rounds.append(1) or False, watcher)
        self.assertEqual((status, len(rounds), watcher.closed), (0, 3, True))
        self.assertIn("changed: a.cpp", out)
        self.assertIn("watch: stopped", out)

    def test_a_dead_watcher_ends_the_loop(self):
        status, out = quiet(watch.watch, fake_lab(), lambda: True, FakeWatcher([None]))
        self.assertEqual(status, 1)
        self.assertIn("Every test of lab 9 passes", out)

    def test_missing_inotifywait_falls_back_to_polling_with_a_note(self):
        with mock.patch.object(watch.shutil, "which", return_value=None), \
                mock.patch.object(watch, "find_lab", return_value=fake_lab()), \
                mock.patch.object(watch, "ensure_dependencies"), \
                mock.patch.object(watch, "configure"), \
                mock.patch.object(watch, "watch", return_value=0) as loop:
            status, out = quiet(watch.cmd_watch, mock.Mock(lab="9", poll=False))
        self.assertEqual(status, 0)
        self.assertIsInstance(loop.call_args.args[2], watch.PollWatcher)
        self.assertEqual(len(out.strip().splitlines()), 1)
        self.assertIn("polling file times every second", out)
        self.assertIn("scripts/setup.sh installs it", out)

    def test_poll_flag_polls_even_with_inotifywait(self):
        with mock.patch.object(watch.shutil, "which", return_value="/usr/bin/inotifywait"), \
                mock.patch.object(watch, "find_lab", return_value=fake_lab()), \
                mock.patch.object(watch, "ensure_dependencies"), \
                mock.patch.object(watch, "configure"), \
                mock.patch.object(watch, "watch", return_value=0) as loop:
            status, out = quiet(watch.cmd_watch, mock.Mock(lab="9", poll=True))
        self.assertEqual((status, out), (0, ""))
        self.assertIsInstance(loop.call_args.args[2], watch.PollWatcher)

    def test_poll_watcher_sees_a_save_and_ignores_editor_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "starter").mkdir()
            pool = Path(tmp) / "starter" / "pool.cpp"
            pool.write_text("a")
            watcher = watch.PollWatcher([Path(tmp)], interval=0.05)
            self.assertEqual(watcher.changes(), [])
            (Path(tmp) / "starter" / ".pool.cpp.swp").write_text("x")
            self.assertEqual(watcher.changes(), [])
            pool.write_text("longer")  # the size changes even where mtimes are coarse
            (Path(tmp) / "starter" / "new.cpp").write_text("n")
            changed = watcher.wait(settle=0.05)
            self.assertEqual(sorted(Path(p).name for p in changed), ["new.cpp", "pool.cpp"])
            pool.unlink()
            self.assertEqual([Path(p).name for p in watcher.changes()], ["pool.cpp"])

    @unittest.skipUnless(watch.shutil.which("inotifywait"), "inotifywait not installed")
    def test_real_watcher_reports_a_saved_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            watcher = watch.Watcher([Path(tmp)])
            try:
                import time
                time.sleep(0.3)  # inotifywait sets up its watches
                (Path(tmp) / "pool.cpp").write_text("x")
                (Path(tmp) / ".pool.cpp.swp").write_text("x")
                changed = watcher.wait(settle=0.3)
            finally:
                watcher.close()
            self.assertEqual([Path(p).name for p in changed], ["pool.cpp", "pool.cpp"])


class ResetTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        starter = self.root / "lab" / "starter"
        starter.mkdir(parents=True)
        (starter / "pool.cpp").write_text("original\n")
        (starter / "pool.hpp").write_text("header\n")
        git(self.root, "init", "-q")
        git(self.root, "add", ".")
        git(self.root, "commit", "-q", "-m", "start")
        (starter / "pool.cpp").write_text("my work\n")
        (starter / "pool.hpp").unlink()
        (starter / "extra.cpp").write_text("new\n")

    def tearDown(self):
        self.tmp.cleanup()

    def test_without_a_terminal_and_without_yes_it_refuses(self):
        with mock.patch.object(reset.sys, "stdin", io.StringIO("y\n")):
            status, out = quiet(reset.reset, self.root, "lab/starter", "HEAD",
                                assume_yes=False, what="lab 9")
        self.assertEqual(status, 1)
        self.assertIn("run it again with --yes", out)
        self.assertEqual((self.root / "lab/starter/pool.cpp").read_text(), "my work\n")

    def test_yes_restores_the_committed_state(self):
        status, out = quiet(reset.reset, self.root, "lab/starter", "HEAD",
                            assume_yes=True, what="lab 9")
        self.assertEqual(status, 0)
        for line in ("M  starter/pool.cpp", "D  starter/pool.hpp",
                     "?  starter/extra.cpp   (you created it: deleted)"):
            self.assertIn(line, out)
        starter = self.root / "lab" / "starter"
        self.assertEqual((starter / "pool.cpp").read_text(), "original\n")
        self.assertTrue((starter / "pool.hpp").is_file())
        self.assertFalse((starter / "extra.cpp").exists())
        status, out = quiet(reset.reset, self.root, "lab/starter", "HEAD",
                            assume_yes=True, what="lab 9")
        self.assertIn("nothing to reset", out)

    def test_answer_no_changes_nothing(self):
        tty = mock.Mock(isatty=lambda: True)
        with mock.patch.object(reset.sys, "stdin", tty), \
                mock.patch("builtins.input", return_value="n"):
            status, out = quiet(reset.reset, self.root, "lab/starter", "HEAD",
                                assume_yes=False, what="lab 9")
        self.assertEqual(status, 1)
        self.assertIn("nothing changed", out)
        self.assertTrue((self.root / "lab/starter/extra.cpp").exists())


class ExportTest(unittest.TestCase):
    """export-student on a crafted repository, and on this repository (copying only)."""

    def make_course(self, root: Path):
        lab = root / "chapter_02_os" / "sec" / "lab_09_fake"
        files = {
            "README.md": "# Course\n",
            "chapter_02_os/labs.json": json.dumps({"labs": [
                {"id": "lab09", "number": 9, "folder": "sec/lab_09_fake", "title": "Fake"}]}),
            "chapter_02_os/sec/lab_09_fake/CMakeLists.txt": "oslab_add_lab(lab09)\n",
            "chapter_02_os/sec/lab_09_fake/README.md":
                "Compare with [the reference](solution/fork.cpp) when done.\n",
            "chapter_02_os/sec/lab_09_fake/starter/fork.cpp": "// TODO(student)\n",
            "chapter_02_os/sec/lab_09_fake/starter/given.hpp": "#pragma once // given\n",
            "chapter_02_os/sec/lab_09_fake/solution/fork.cpp": "int answer() { return 42; }\n" * 20,
            "chapter_02_os/sec/lab_09_fake/solution/given.hpp": "#pragma once // given\n",
            "chapter_02_os/sec/lab_09_fake/tests/fork_test.cpp": "TEST(A, B) {}\n",
            "chapter_02_os/hidden_tests_example/lab09/hidden_test.cpp": "TEST(H, I) {}\n",
            ".github/workflows/bench.yml": "name: bench\n",
            ".github/workflows/classroom.yml": "name: Autograding Tests\n",
            "report/index.md": "figures\n",
            "build/dev/junk.txt": "junk\n",
            "results/lab09_bench.json": "{}\n",
        }
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
        git(root, "init", "-q")
        git(root, "add", "-f", ".")
        git(root, "commit", "-q", "-m", "course")
        return lab

    def test_crafted_course_exports_without_solutions_or_course_only_files(self):
        with tempfile.TemporaryDirectory() as tmp:
            root, dest = Path(tmp) / "course", Path(tmp) / "copy"
            root.mkdir()
            self.make_course(root)
            result = export.export_student(root, dest)
            copied = set(result["copied"])
            self.assertIn("chapter_02_os/sec/lab_09_fake/starter/fork.cpp", copied)
            self.assertIn(".github/workflows/classroom.yml", copied)
            for path in copied:
                self.assertNotIn("/solution/", path)
            for gone in ("report/index.md", "build/dev/junk.txt", "results/lab09_bench.json",
                         ".github/workflows/bench.yml",
                         "chapter_02_os/hidden_tests_example/lab09/hidden_test.cpp"):
                self.assertIn(gone, result["skipped"])
                self.assertFalse((dest / gone).exists(), gone)
            self.assertFalse(list(dest.rglob("solution")))
            self.assertEqual(result["errors"], [])
            self.assertEqual(result["warnings"],
                             ["chapter_02_os/sec/lab_09_fake/README.md names solution/fork.cpp"])
            marker = json.loads((dest / ".oslab-student-copy").read_text())
            self.assertEqual(set(marker["tests"]), {"lab09"})
            self.assertEqual(marker["tests"]["lab09"], progress.folder_fingerprint(
                dest / "chapter_02_os/sec/lab_09_fake"))

    def test_rev_exports_the_committed_files_not_the_working_tree(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "course"
            root.mkdir()
            lab = self.make_course(root)
            (lab / "starter" / "fork.cpp").write_text("// work in progress\n")
            (lab / "solution" / "fork.cpp").write_text("changed, not committed\n")
            committed = export.export_student(root, Path(tmp) / "committed", "HEAD")
            working = export.export_student(root, Path(tmp) / "working")
            starter = "chapter_02_os/sec/lab_09_fake/starter/fork.cpp"
            self.assertEqual((Path(tmp) / "committed" / starter).read_text(), "// TODO(student)\n")
            self.assertEqual((Path(tmp) / "working" / starter).read_text(), "// work in progress\n")
            self.assertEqual(sorted(committed["copied"]), sorted(working["copied"]))
            self.assertFalse(list((Path(tmp) / "committed").rglob("solution")))

    def test_a_copied_reference_is_caught(self):
        with tempfile.TemporaryDirectory() as tmp:
            root, dest = Path(tmp) / "course", Path(tmp) / "copy"
            root.mkdir()
            lab = self.make_course(root)
            (root / "docs").mkdir()
            (root / "docs" / "answers.cpp").write_bytes((lab / "solution/fork.cpp").read_bytes())
            git(root, "add", "docs")
            git(root, "commit", "-q", "-m", "oops")
            result = export.export_student(root, dest)
            self.assertEqual(result["errors"],
                             ["docs/answers.cpp is a copy of "
                              "chapter_02_os/sec/lab_09_fake/solution/fork.cpp"])

    @unittest.skipUnless((course.ROOT / ".git").exists(), "not a git repository")
    def test_this_course_exports_cleanly(self):
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp) / "copy"
            result = export.export_student(course.ROOT, dest)
            self.assertEqual(result["errors"], [])
            self.assertTrue((dest / "scripts" / "lab").is_file())
            self.assertTrue(os.access(dest / "scripts" / "lab", os.X_OK))
            self.assertTrue((dest / ".oslab-student-copy").is_file())
            self.assertFalse([p for p in dest.rglob("solution") if p.is_dir()])
            for path in ("build", "report", ".oslab", "chapter_02_os/hidden_tests_example"):
                self.assertFalse((dest / path).exists(), path)
            # The tool's own tests travel with it (the copy's CI runs them).
            for fixture in (course.ROOT / "scripts" / "tests" / "fixtures").iterdir():
                relative = str(fixture.relative_to(course.ROOT))
                if fixture.is_file() and export.excluded(relative) is not None:
                    self.fail(f"{fixture.name} is a test fixture and must be copied")
            # No file of the copy carries a reference file's content.
            for lab in course.load_labs():
                for solution_file in (lab.path / "solution").glob("*") if lab.has_solution else []:
                    twin = lab.path / "starter" / solution_file.name
                    if twin.is_file() and twin.read_bytes() == solution_file.read_bytes():
                        continue
                    secret = solution_file.read_bytes().strip()
                    for copied in result["copied"]:
                        self.assertNotEqual((dest / copied).read_bytes().strip(), secret, copied)

    def test_refuses_a_non_empty_directory(self):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "something").write_text("x")
            with self.assertRaises(course.UsageError):
                export.cmd_export_student(mock.Mock(dir=tmp, git=False))


class ProgressTest(unittest.TestCase):
    """`lab list` says done only when every starter test passed against the original tests."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.lab = fake_lab(folder="sec/lab_09_fake")
        lab_dir = self.root / "chapter_02_os" / "sec" / "lab_09_fake"
        (lab_dir / "tests").mkdir(parents=True)
        (lab_dir / "CMakeLists.txt").write_text("oslab_add_lab(lab09)\n")
        (lab_dir / "tests" / "t_test.cpp").write_text("TEST(A, B) { EXPECT_TRUE(ok()); }\n")
        self.lab_dir = lab_dir
        self.patches = [mock.patch.object(course, "CHAPTER", self.root / "chapter_02_os"),
                        mock.patch.object(course, "ROOT", self.root),
                        mock.patch.object(progress, "ROOT", self.root)]
        for patch in self.patches:
            patch.start()

    def tearDown(self):
        for patch in self.patches:
            patch.stop()
        self.tmp.cleanup()

    def entry(self, passed=4, total=4):
        return {"lab09": {"passed": passed, "total": total,
                          "tests": progress.tests_fingerprint(self.lab), "checked": "today"}}

    def test_done_against_committed_tests(self):
        git(self.root, "init", "-q")
        git(self.root, "add", ".")
        git(self.root, "commit", "-q", "-m", "course")
        self.assertEqual(progress.original_fingerprint(self.lab),
                         progress.tests_fingerprint(self.lab))
        self.assertTrue(progress.describe(self.lab, self.entry()).startswith("done (4 of 4"))
        self.assertIn("3 of 4 tests passing", progress.describe(self.lab, self.entry(3, 4)))

    def test_edited_tests_are_never_done(self):
        git(self.root, "init", "-q")
        git(self.root, "add", ".")
        git(self.root, "commit", "-q", "-m", "course")
        (self.lab_dir / "tests" / "t_test.cpp").write_text("TEST(A, B) {}\n")  # "fixed" the test
        state = self.entry()  # checked after the edit: fresh, all pass
        self.assertIn("differs from the original tests", progress.describe(self.lab, state))

    def test_changed_since_the_check_asks_to_check_again(self):
        state = self.entry()
        (self.lab_dir / "tests" / "new_test.cpp").write_text("TEST(C, D) {}\n")
        self.assertIn("the tests changed since", progress.describe(self.lab, state))

    def test_student_copy_marker_holds_the_original_fingerprint(self):
        original = progress.tests_fingerprint(self.lab)
        (self.root / course.STUDENT_COPY_MARKER).write_text(
            json.dumps({"tests": {"lab09": original}}))
        self.assertEqual(progress.original_fingerprint(self.lab), original)
        self.assertTrue(progress.describe(self.lab, self.entry()).startswith("done"))
        (self.lab_dir / "tests" / "t_test.cpp").write_text("TEST(A, B) {}\n")
        self.assertIn("differs from the original", progress.describe(self.lab, self.entry()))


class StudentCopyModeTest(unittest.TestCase):
    def test_verify_in_a_student_copy_reports_the_score_and_exits_0(self):
        with mock.patch.object(commands, "is_student_copy", return_value=True), \
                mock.patch("oslab.grade.cmd_grade", return_value=1) as grade_call:
            status, out = quiet(commands.cmd_verify, mock.Mock())
        self.assertEqual(status, 0)
        self.assertIn("This is a student copy", out)
        grade_call.assert_called_once()


if __name__ == "__main__":
    unittest.main()
