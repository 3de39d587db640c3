"""The docs' quoted figures against the committed reference run (scripts/lab figures)."""
import json
import re
import tempfile
import unittest
from pathlib import Path

from oslab import course, figures


def crafted_run(root: Path) -> Path:
    raw = root / "run" / "raw"
    raw.mkdir(parents=True)
    (raw / "lab09.json").write_text(json.dumps({"benchmarks": [
        {"name": "BM_A", "run_name": "BM_A", "run_type": "iteration", "real_time": 2.0,
         "time_unit": "us", "items_per_second": 2774231.0},
        {"name": "BM_B_median", "run_name": "BM_B", "run_type": "aggregate",
         "aggregate_name": "median", "real_time": 500.0, "time_unit": "ns"},
        {"name": "BM_B_mean", "run_name": "BM_B", "run_type": "aggregate",
         "aggregate_name": "mean", "real_time": 900.0, "time_unit": "ns"}]}))
    (raw / "cost.json").write_text(json.dumps({"runs": [
        {"rows": [{"server": "uring", "n": 1000, "cpu": 14.0}, {"server": "epoll", "n": 1000,
                                                                 "cpu": 19.0}]},
        {"rows": [{"server": "uring", "n": 1000, "cpu": 14.6}]},
        {"rows": [{"server": "uring", "n": 1000, "cpu": 15.0}]}]}))
    (raw / "c10k.json").write_text(json.dumps({"runs": [
        {"connections": 1000, "servers": [{"server": "epoll", "kib": 0.1}]},
        {"connections": 10000, "servers": [{"server": "epoll", "kib": 0.09},
                                           {"server": "blocking", "kib": 13.1}]}]}))
    return root / "run"


class FiguresTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = Path(self.tmp.name)
        self.run = crafted_run(self.root)
        figures.load_raw.cache_clear()

    def tearDown(self):
        self.tmp.cleanup()
        figures.load_raw.cache_clear()

    def doc(self, text: str) -> Path:
        path = self.root / "doc.md"
        path.write_text(text)
        return path

    def test_values_from_benchmarks_experiments_and_ratios(self):
        value = lambda spec: figures.value_of(spec, self.run)  # noqa: E731
        self.assertAlmostEqual(value("lab09 BM_A items_per_second /1e6"), 2.774231)
        self.assertEqual(value("lab09 BM_A real_time"), 2000.0)  # in ns, whatever the unit
        self.assertEqual(value("lab09 BM_B real_time"), 500.0)   # the median aggregate
        self.assertEqual(value("cost rows[server=uring,n=1000].cpu"), 14.6)  # median of runs
        self.assertEqual(value("lab09 BM_A real_time over lab09 BM_B real_time"), 4.0)
        self.assertEqual(value("cost rows[0].cpu *2"), 29.2)
        # A path that starts at `runs` selects among them (here: runs of different sizes).
        self.assertEqual(value("c10k runs[connections=10000].servers[server=blocking].kib"), 13.1)
        self.assertEqual(value("c10k servers[server=epoll].kib"), 0.095)  # median over runs
        self.assertEqual(value("lab09 BM_A real_time minus lab09 BM_B real_time over 1,500"), 1.0)

    def test_a_figure_must_read_as_the_value_with_the_digits_shown(self):
        path = self.doc("| 2.77<!-- ref lab09 BM_A items_per_second /1e6 --> M/s |\n"
                        "2,000<!-- ref lab09 BM_A real_time --> ns, 4.0<!-- ref lab09 BM_A "
                        "real_time over lab09 BM_B real_time -->x\n"
                        "14.5<!-- ref cost rows[server=uring].cpu --> us\n")
        count, problems = figures.check([path], self.run)
        self.assertEqual(count, 4)
        self.assertEqual(len(problems), 1)
        self.assertIn(":3: shows 14.5, the reference run gives 14.6", problems[0])
        self.assertEqual(figures.update([path], self.run), 1)
        self.assertIn("14.6<!-- ref cost", path.read_text())
        self.assertEqual(figures.check([path], self.run), (4, []))

    def test_references_to_nothing_are_problems_not_crashes(self):
        path = self.doc("1<!-- ref lab09 BM_Z real_time --> 2<!-- ref nofile x --> "
                        "3<!-- ref cost rows[server=x].cpu --> 4<!-- ref lab09 BM_A nofield -->\n")
        count, problems = figures.check([path], self.run)
        self.assertEqual(count, 4)
        self.assertIn("no benchmark 'BM_Z'", problems[0])
        self.assertIn("nofile.json", problems[1])
        self.assertIn("no element with server=x", problems[2])
        self.assertIn("has no field 'nofield'", problems[3])


class ReferenceRunTest(unittest.TestCase):
    def test_every_quoted_figure_matches_the_committed_reference_run(self):
        figures.load_raw.cache_clear()
        count, problems = figures.check(figures.documents())
        self.assertGreater(count, 0, "no quoted figure carries a `<!-- ref ... -->` marker")
        self.assertEqual(problems, [], "\n" + "\n".join(problems) +
                         "\n(after a new reference run: scripts/lab figures --update)")

    def test_reference_tables_carry_a_source_in_every_measured_cell(self):
        """In a README's "Reference figures" and a theory's "numbers of the reference run", every
        table cell with a digit (the first column names the row) says where it comes from."""
        sections = [(lab.readme, r"^## Reference figures") for lab in course.load_labs()]
        sections += [(path, r"^## \d+\. The numbers of the reference run")
                     for path in sorted(course.CHAPTER.glob("*/theory.md"))]
        for path, heading in sections:
            text = path.read_text()
            match = re.search(heading + r".*?(?=^## |\Z)", text, re.M | re.S)
            self.assertIsNotNone(match, f"{path}: no section {heading}")
            lines = match.group(0).splitlines()
            for number, line in enumerate(lines):
                following = lines[number + 1] if number + 1 < len(lines) else ""
                is_header = following.startswith("|") and set(following) <= set("|-: ")
                if not line.startswith("|") or set(line) <= set("|-: ") or is_header:
                    continue
                cells = [cell.strip() for cell in line.strip("|").split("|")][1:]
                for cell in cells:
                    if re.search(r"\d", cell) and "<!-- ref " not in cell:
                        self.fail(f"{path.relative_to(course.ROOT)}: '{cell}' in '{line[:60]}' "
                                  "has no <!-- ref ... --> source")

    def test_the_reference_run_names_its_machine(self):
        machine = json.loads((figures.REFERENCE_RUN / "raw" / "machine.json").read_text())
        self.assertTrue(machine.get("cpu_model") or machine.get("cpu"), machine)
