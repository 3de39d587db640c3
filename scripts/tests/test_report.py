"""The report's parsing, tables, takeaways and plots, on JSON recorded from a reference run."""
import shutil
import tempfile
import unittest
from pathlib import Path

from .helpers import FIXTURES

from oslab import course
from oslab.report import names, plots, write

RAW = FIXTURES / "report_raw"
MACHINE = {"cpu": "test CPU", "cores": 2, "memory_gib": 24, "kernel": "Linux test",
           "compiler": "g++ test", "hardware_counters": "no",
           "caches": [{"level": 1, "type": "Data", "bytes": 32768}]}


class NameParsingTest(unittest.TestCase):
    def test_named_and_positional_arguments(self):
        self.assertEqual(names.parse_name("BM_X/MiB:64/min_time:0.200/real_time"),
                         ("BM_X", {"MiB": "64"}, []))
        self.assertEqual(names.parse_name("BM_Latency/4096"), ("BM_Latency", {}, ["4096"]))
        self.assertEqual(names.parse_name("Echo/asio/conns:16/bytes:64/iterations:1"),
                         ("Echo", {"conns": "16", "bytes": "64"}, ["asio"]))


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.out = Path(tempfile.mkdtemp())
        shutil.copytree(RAW, cls.out / "raw")
        labs = [lab for lab in course.load_labs()]
        cls.warnings = write.write_report(cls.out, labs, MACHINE, "solution", quick=False)
        cls.text = (cls.out / "index.md").read_text()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out)

    def test_every_lab_has_a_section_and_no_lab_is_missing_results(self):
        for lab in course.load_labs():
            self.assertIn(f"## Lab {lab.number} — ", self.text)
        self.assertNotIn("No results", self.text)

    def test_takeaways_state_the_measured_numbers(self):
        takeaways = self.text.split("## Key takeaways")[1].split("\n## ")[0]
        for phrase in ("Creating a process", "context switch", "thread pool runs", "false sharing",
                       "random order", "dependent load", "Holding 10,000 idle connections",
                       "TCP_NODELAY", "completion-based uring server made 0.643 system calls per message (1.6 messages per call)"):
            self.assertIn(phrase, takeaways)
        self.assertNotIn("—", takeaways, "a takeaway is missing a number")

    def test_tables_carry_values_from_the_json(self):
        # Values of the recorded run, formatted as the report formats them.
        self.assertIn("| thread: std::thread + join | 50.1 µs |", self.text)
        self.assertIn("10002", self.text.replace(",", "").replace(" ", ""))

    def test_echo_cost_table_has_cpu_and_calls_per_message_and_skips(self):
        # lab05_echo_cost's recorded run: per server, CPU µs / system calls per message.
        self.assertIn("| uring | 10 µs / 0.51 calls | 15 µs / 0.64 calls |", self.text)
        self.assertIn("| blocking | 20 µs / 2.00 calls | 30 µs / 1.99 calls |", self.text)
        self.assertIn("| asio-mt | skipped: not in this build: test |", self.text)
        self.assertTrue((self.out / "plots" / "lab05_syscalls_per_msg.gp").is_file())

    def test_plot_scripts_have_labelled_axes(self):
        scripts = sorted((self.out / "plots").glob("*.gp"))
        self.assertGreaterEqual(len(scripts), 10)
        for script in scripts:
            text = script.read_text()
            self.assertRegex(text, r'set xlabel "[^"]*"', script.name)
            self.assertRegex(text, r'set ylabel "[^"]+"', script.name)
            self.assertTrue(script.with_suffix(".dat").stat().st_size > 0, script.name)
        if shutil.which("gnuplot"):
            self.assertTrue((self.out / "plots" / "lab03_latency.png").is_file())
            self.assertEqual([w for w in self.warnings if "gnuplot" in w], [])

    def test_merged_json_prefixes_names_with_the_lab(self):
        write.merge_raw(self.out / "raw")
        merged = (self.out / "raw" / "all-benchmarks.json").read_text()
        self.assertIn('"lab02/BM_Pool_Post/1000000/real_time"', merged)

    def test_missing_results_are_reported_not_crashed_on(self):
        out = Path(tempfile.mkdtemp())
        try:
            write.write_report(out, course.load_labs(), MACHINE, "starter", quick=True)
            self.assertIn("_No results", (out / "index.md").read_text())
        finally:
            shutil.rmtree(out)


class ResultsSheetTest(unittest.TestCase):
    """`report --impl starter`: each lab's Questions right after the student's own numbers."""

    def test_the_starter_report_carries_every_lab_question(self):
        out = Path(tempfile.mkdtemp())
        try:
            shutil.copytree(FIXTURES / "report_raw", out / "raw")
            labs = course.load_labs()
            write.write_report(out, labs, MACHINE, "starter", quick=False)
            text = (out / "index.md").read_text()
            for lab in labs:
                questions = write.readme_questions(lab)
                self.assertGreaterEqual(len(questions), 5, f"{lab.id}: 5-8 questions")
                self.assertLessEqual(len(questions), 8, f"{lab.id}: 5-8 questions")
                self.assertIn(f"### Your answers: {lab.id}'s questions", text)
                self.assertIn(questions[-1], text)
            self.assertEqual(text.count("_Your answer:_"),
                             sum(len(write.readme_questions(lab)) for lab in labs))
            write.write_report(out, labs, MACHINE, "solution", quick=False)
            self.assertNotIn("_Your answer:_", (out / "index.md").read_text())
        finally:
            shutil.rmtree(out)


class MachineArtefactTest(unittest.TestCase):
    """The report explains a cross-CPU wake-up far dearer than a switch (an idle vCPU halts)."""

    def test_the_reference_run_gets_the_note_and_the_older_fixture_does_not(self):
        for raw, expected in ((course.CHAPTER / "reference_run" / "raw", True), (RAW, False)):
            out = Path(tempfile.mkdtemp())
            try:
                shutil.copytree(raw, out / "raw")
                write.write_report(out, course.load_labs(), MACHINE, "solution", quick=False)
                text = (out / "index.md").read_text()
                self.assertEqual("A machine artefact: waking another CPU" in text, expected, raw)
                if expected:
                    self.assertIn("one-connection echo runs at only", text)
            finally:
                shutil.rmtree(out)


class PlotTest(unittest.TestCase):
    def test_empty_plot_is_detected(self):
        self.assertTrue(plots.Plot("x", "t", "x", "y", series=[("a", [])]).empty())


if __name__ == "__main__":
    unittest.main()
