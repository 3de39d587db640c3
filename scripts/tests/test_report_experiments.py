"""The report's parts for the chapter's experiments (the indirect cost of a switch, TLB reach,
kinds of page faults, stack vs heap, poll vs epoll), built from JSON recorded on the reference
VM; the same JSON doctored to break each shape; missing data; and the noise measured over
repetitions (medians, spreads, steal time, the frequency governor)."""
import copy
import json
import shutil
import tempfile
import unittest
from pathlib import Path

from .helpers import FIXTURES

from oslab import benchjson, course
from oslab.report import (alloc_sources, lab01, lab03, labs, machine, noise, page_faults,
                          poll_scaling, steps, tlb_reach, write)
from oslab.report.section import (CANNOT_SHOW, NOT_MEASURED, NOT_SHOWN, SHOWN, Figure,
                                  Section)

RAW = FIXTURES / "report_raw"
LABS = {lab.id: lab for lab in course.load_labs()}


def recorded(name: str) -> dict:
    return json.loads((RAW / name).read_text())


def entries(data: dict, prefix: str) -> list[dict]:
    return [entry for entry in data["benchmarks"] if entry["name"].startswith(prefix)]


def set_counter(data: dict, prefix: str, key: str, value: float) -> dict:
    """A copy of a benchmark file with `key` set to `value` in every entry named prefix...."""
    doctored = copy.deepcopy(data)
    for entry in entries(doctored, prefix):
        entry[key] = value
    return doctored


def part(section: Section, title_start: str) -> Section:
    found = [p for p in section.walk() if p.title.startswith(title_start)]
    assert found, f"no part '{title_start}' in {[p.title for p in section.walk()]}"
    return found[0]


def table_text(section: Section) -> str:
    return "\n".join(section.markdown())


class RepetitionsTest(unittest.TestCase):
    """Google Benchmark's --benchmark_repetitions output: one Result per benchmark, its median."""

    def setUp(self):
        self.data = recorded("lab01.json")
        self.results = benchjson.parse(self.data)
        self.name = "BM_SwitchWorkingSet/process:0/W_KiB:0/real_time"

    def test_repetitions_become_one_result_with_the_median(self):
        result = self.results[self.name]
        runs = [e for e in entries(self.data, self.name) if e["run_type"] == "iteration"]
        median = [e for e in entries(self.data, self.name) if e.get("aggregate_name") == "median"]
        self.assertEqual((result.repetitions, len(runs)), (3, 3))
        self.assertAlmostEqual(result.real_ns, median[0]["real_time"])
        self.assertAlmostEqual(result.counter("switch_extra_cpu_ns"),
                               median[0]["switch_extra_cpu_ns"])
        self.assertFalse([name for name in self.results if name.endswith(("_median", "_cv"))])

    def test_spread_is_the_range_over_the_median(self):
        values = sorted(e["switch_extra_cpu_ns"] for e in entries(self.data, self.name)
                        if e["run_type"] == "iteration")
        self.assertAlmostEqual(self.results[self.name].spread("switch_extra_cpu_ns"),
                               (values[-1] - values[0]) / values[1])

    def test_one_run_has_no_spread(self):
        once = self.results["BM_Create_ThreadJoin/real_time"]
        self.assertEqual((once.repetitions, once.spread()), (1, None))

    def test_a_median_aggregate_alone_stands_for_its_runs(self):
        aggregates_only = {"benchmarks": [e for e in entries(self.data, self.name)
                                          if e["run_type"] == "aggregate"]}
        result = benchjson.parse(aggregates_only)[self.name]
        self.assertEqual(result.repetitions, 3)
        self.assertAlmostEqual(result.counter("switch_extra_cpu_ns"), 6673.023928571429)

    def test_flags_write_every_repetition(self):
        self.assertEqual(benchjson.repetition_flags(3), [
            "--benchmark_repetitions=3", "--benchmark_report_aggregates_only=false"])


class NoiseTest(unittest.TestCase):
    def test_a_cited_figure_above_15_percent_is_warned_about(self):
        warnings = noise.spread_warnings([Figure("steady", 0.05, 3), Figure("jumpy", 0.4, 3),
                                          Figure("once", None, 1)])
        self.assertEqual(len(warnings), 1)
        self.assertIn("jumpy varied by 40 %", warnings[0])

    def test_steal_time_and_a_governor_that_follows_the_load_are_warned_about(self):
        noisy = {"steal_percent": {"since_boot": 0.5, "now": 7.5}, "governor": "powersave"}
        warnings = noise.machine_warnings(noisy)
        self.assertEqual(len(warnings), 2)
        self.assertIn("steal time 7.5 %", warnings[0])
        self.assertIn("'powersave'", warnings[1])
        quiet = {"steal_percent": {"since_boot": 0.5, "now": 0.0}, "governor": "performance"}
        self.assertEqual(noise.machine_warnings(quiet), [])
        self.assertEqual(noise.machine_warnings({}), [])

    def test_steal_share_from_proc_stat(self):
        with tempfile.TemporaryDirectory() as tmp:
            stat = Path(tmp) / "stat"
            stat.write_text("cpu  100 0 50 800 0 0 0 50 0 0\ncpu0 1 2 3\n")
            self.assertEqual(machine.cpu_times(stat), [100, 0, 50, 800, 0, 0, 0, 50, 0, 0])
            self.assertEqual(machine.steal_percent([], machine.cpu_times(stat)), 5.0)
            self.assertEqual(machine.steal_percent([0] * 10, [10, 0, 0, 80, 0, 0, 0, 10, 0, 0]),
                             10.0)
            self.assertIsNone(machine.governor(Path(tmp) / "no-cpufreq"))

    def test_index_has_the_noise_part_and_the_warnings(self):
        out = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, out)
        shutil.copytree(RAW, out / "raw")
        box = {"cpu": "test CPU", "cores": 2, "memory_gib": 24, "kernel": "Linux test",
               "compiler": "g++ test", "hardware_counters": "no", "caches": [],
               "steal_percent": {"since_boot": 0.7, "now": 9.0}, "governor": None}
        warnings = write.write_report(out, course.load_labs(), box, "solution", quick=False)
        text = (out / "index.md").read_text()
        self.assertIn("## Noise, measured", text)
        self.assertIn("| steal time | 0.7 % since boot, 9 % while writing the report |", text)
        self.assertTrue(any("steal time 9 %" in warning for warning in warnings))
        # The recorded run of processes at W = 1 MiB spread 20 % over its 3 repetitions.
        self.assertTrue(any(w.startswith("processes, W = 1 MiB") for w in warnings))
        self.assertIn("**warning:** processes, W = 1 MiB", text)
        self.assertIn("## Shape checks", text)


class WorkingSetSwitchTest(unittest.TestCase):
    def build(self, data: dict) -> Section:
        section = lab01.section(LABS["lab01"], benchjson.parse(data),
                                {"raw": RAW, "context": data["context"]})
        return part(section, "The indirect cost of a switch")

    def test_table_plot_and_verdict_from_the_recorded_run(self):
        switch = self.build(recorded("lab01.json"))
        text = table_text(switch)
        # Recorded medians of 3 runs: processes 6.63 µs at W = 0, 10.3 µs at 1 MiB.
        self.assertIn("| 0 | 2.26 µs | 6.67 µs | 3.7 % | 6.63 µs | 2.9 % |", text)
        self.assertIn("| 1 MiB | 52.1 µs | 9.66 µs | 67 % | 10.3 µs | 20 % |", text)
        [plot] = switch.plots
        self.assertEqual([title.split(" ")[0] for title, _ in plot.series],
                         ["threads", "processes"])
        self.assertTrue(plot.logx and plot.logy)
        self.assertEqual(switch.shapes[0].verdict, SHOWN)
        self.assertIn("10.3 µs at W = 1 MiB against 6.63 µs at W = 0", switch.shapes[0].detail)
        self.assertIn("refills its caches", switch.takeaways[0])
        # Threads at 4 MiB came out below the baseline: named, not plotted on the log scale.
        self.assertIn("threads at 4 MiB", text)
        self.assertNotIn(4096, [x for x, _ in plot.series[0][1]])

    def test_a_process_curve_without_the_rise_is_not_shown(self):
        data = set_counter(recorded("lab01.json"), "BM_SwitchWorkingSet/process:1/W_KiB:1024/",
                           "switch_extra_cpu_ns", 5000.0)
        switch = self.build(data)
        self.assertEqual(switch.shapes[0].verdict, NOT_SHOWN)
        self.assertIn("does not show", switch.takeaways[0])

    def test_a_round_trip_below_its_baseline_is_named_as_such(self):
        data = set_counter(recorded("lab01.json"), "BM_SwitchWorkingSet/process:1/W_KiB:1024/",
                           "switch_extra_cpu_ns", -5447.0)
        switch = self.build(data)
        self.assertEqual(switch.shapes[0].verdict, NOT_SHOWN)
        self.assertIn("below its no-switch baseline", switch.shapes[0].detail)

    def test_no_results_is_a_note(self):
        data = recorded("lab01.json")
        data["benchmarks"] = [e for e in data["benchmarks"]
                              if not e["name"].startswith("BM_SwitchWorkingSet")]
        switch = self.build(data)
        self.assertEqual(switch.tables, [])
        self.assertIn("no BM_SwitchWorkingSet results", switch.notes[0])
        self.assertEqual(switch.shapes[0].verdict, NOT_MEASURED)


def lab03_part(data: dict, raw: Path, title: str) -> Section:
    section = lab03.section(LABS["lab03"], benchjson.parse(data),
                            {"raw": raw, "context": data["context"]})
    return part(section, title)


class ProgramOutputs:
    """A raw/ folder with the recorded program outputs, some of them doctored by a test."""

    def __init__(self, case: unittest.TestCase):
        self.raw = Path(tempfile.mkdtemp())
        case.addCleanup(shutil.rmtree, self.raw)
        for name in ("tlb_reach.json", "faults.json", "malloc_chunks.json", "poll_scaling.json"):
            shutil.copy(RAW / name, self.raw / name)

    def write(self, name: str, data: dict) -> None:
        (self.raw / name).write_text(json.dumps(data))

    def read(self, name: str) -> dict:
        return json.loads((self.raw / name).read_text())


class TlbReachTest(unittest.TestCase):
    def test_table_plot_steps_and_verdict_from_the_recorded_run(self):
        tlb = lab03_part(recorded("lab03.json"), RAW, "TLB reach")
        text = table_text(tlb)
        self.assertIn("| 16 | 64 KiB | 1.43 ns | 1 run | 1.47 ns | 1 run |", text)
        self.assertIn("| 16,384 | 64 MiB | 325 ns | 1 run | 35.6 ns | 1 run |", text)
        [plot] = tlb.plots
        self.assertEqual([title for title, _ in plot.series], ["4 KiB pages", "2 MiB pages"])
        self.assertEqual(len(plot.series[0][1]), 8)
        self.assertEqual([label for _, label in plot.markers],
                         ["STLB reach exceeded", "cache step"])
        self.assertIn("STLB reach exceeded", text)
        self.assertIn("mode 'madvise'", text)
        self.assertEqual(tlb.shapes[0].verdict, SHOWN)
        self.assertIn("×227.1", tlb.shapes[0].detail)

    def test_a_flat_4k_curve_is_not_shown(self):
        data = set_counter(recorded("lab03.json"), "BM_TlbReach_4KiB/pages:16384",
                           "ns_per_access", 2.0)
        tlb = lab03_part(data, RAW, "TLB reach")
        self.assertEqual(tlb.shapes[0].verdict, NOT_SHOWN)
        self.assertIn("expected ≥ 2", tlb.shapes[0].detail)

    def test_without_huge_pages_the_report_says_so(self):
        data = recorded("lab03.json")
        reason = "transparent huge pages are off (enabled: \"never\")"
        for entry in entries(data, "BM_TlbReach_2MiB"):
            entry.update({"error_occurred": True, "error_message": reason})
        outputs = ProgramOutputs(self)
        program = outputs.read("tlb_reach.json")
        program["runs"][0].update({"huge_2m": [], "huge_2m_problem": reason})
        outputs.write("tlb_reach.json", program)
        tlb = lab03_part(data, outputs.raw, "TLB reach")
        self.assertEqual(tlb.shapes[0].verdict, CANNOT_SHOW)
        self.assertIn(reason, tlb.shapes[0].detail)
        self.assertIn("2 MiB pages are unavailable here", table_text(tlb))

    def test_without_the_benchmark_the_program_curves_are_used(self):
        data = recorded("lab03.json")
        data["benchmarks"] = [e for e in data["benchmarks"]
                              if not e["name"].startswith("BM_TlbReach")]
        tlb = lab03_part(data, RAW, "TLB reach")
        self.assertIn("(lab03_tlb_reach)", tlb.tables[0][0])
        self.assertEqual(tlb.shapes[0].verdict, SHOWN)

    def test_no_data_at_all_is_a_note(self):
        data = recorded("lab03.json")
        data["benchmarks"] = [e for e in data["benchmarks"]
                              if not e["name"].startswith("BM_TlbReach")]
        tlb = lab03_part(data, Path(tempfile.gettempdir()) / "no-such-raw", "TLB reach")
        self.assertEqual(tlb.shapes[0].verdict, NOT_MEASURED)
        self.assertIn("no table", tlb.notes[0])


class PageFaultsTest(unittest.TestCase):
    def test_tables_and_verdict_from_the_recorded_run(self):
        faults = lab03_part(recorded("lab03.json"), RAW, "Kinds of page faults")
        text = table_text(faults)
        self.assertIn("| copy-on-write: the child writes pages it shares after fork | 1 | 0 | "
                      "5,412 ns | 57 % | 4,774 ns |", text)
        self.assertIn("| the same file with MADV_RANDOM (no readahead) | 0 | 1 | 87,654 ns |",
                      text)
        self.assertIn("| child, after fork, before writing | 65,536 | 32,768 | 65,536 | 0 |",
                      text)
        self.assertEqual(faults.shapes[0].verdict, SHOWN)
        self.assertIn("×26.0 a first-touch minor fault", faults.shapes[0].detail)
        self.assertIn("16,384 pages back with 1 major fault.", faults.takeaways[0])

    def test_readahead_that_reads_every_page_is_not_shown(self):
        data = set_counter(recorded("lab03.json"), "BM_Faults_FileReadahead",
                           "major_faults_per_page", 1.0)
        faults = lab03_part(data, RAW, "Kinds of page faults")
        self.assertEqual(faults.shapes[0].verdict, NOT_SHOWN)
        self.assertIn("readahead: 1.0000 major faults per page", faults.shapes[0].detail)

    def test_a_file_on_tmpfs_is_named_not_measured(self):
        data = recorded("lab03.json")
        data["benchmarks"] = [e for e in data["benchmarks"]
                              if not e["name"].startswith("BM_Faults_File")]
        outputs = ProgramOutputs(self)
        program = outputs.read("faults.json")
        why = "no directory on a disk file system: /tmp: tmpfs/ramfs (in RAM)"
        for row in program["runs"][0]["faults"]:
            if row["case"].startswith("file"):
                row.update({"error": why, "pages": 0, "major_faults": 0, "minor_faults": 0})
        program["runs"][0]["file_dir"] = ""
        outputs.write("faults.json", program)
        faults = lab03_part(data, outputs.raw, "Kinds of page faults")
        self.assertEqual(faults.shapes[0].verdict, CANNOT_SHOW)
        self.assertIn("tmpfs", faults.shapes[0].detail)
        self.assertIn("not measured: no directory on a disk file system", table_text(faults))


class AllocSourcesTest(unittest.TestCase):
    def test_tables_and_verdict_from_the_recorded_run(self):
        alloc = lab03_part(recorded("lab03.json"), RAW, "Stack vs heap")
        text = table_text(alloc)
        self.assertIn("| heap: new/delete per node | 36.5 ns | 2.4 % | 58.7 ns | 41 % | 32 B |",
                      text)
        self.assertIn("| stack: an array of nodes in the frame | 3.4 ns |", text)
        self.assertIn("| 1–24 B | 24 B | 32 B | 22.4 ns |", text)
        self.assertEqual(alloc.shapes[0].verdict, SHOWN)
        self.assertIn("Heap memory is not slower than the stack", alloc.takeaways[0])

    def test_new_delete_as_cheap_as_one_malloc_is_not_shown(self):
        data = set_counter(recorded("lab03.json"), "BM_AllocChain_NewDelete/n:1000",
                           "ns_per_element", 4.0)
        alloc = lab03_part(data, RAW, "Stack vs heap")
        self.assertEqual(alloc.shapes[0].verdict, NOT_SHOWN)


class PollScalingTest(unittest.TestCase):
    def build(self, path: Path) -> Section:
        lab_section = Section(title="Lab 5")
        poll_scaling.poll_scaling_section(lab_section, path)
        return part(lab_section, "poll vs epoll")

    def test_table_plot_and_verdict_from_the_recorded_runs(self):
        poll = self.build(RAW / "poll_scaling.json")
        text = table_text(poll)
        self.assertIn("median of 2 runs", text)
        self.assertIn("| 10 | 21.2 µs (spread 10 %) | 23.2 µs (spread 1 %) | 19.1 µs", text)
        self.assertIn("| 10,000 | 11.1 ms (spread 15 %) | n/a: FD_SETSIZE | 16.2 µs", text)
        [plot] = poll.plots
        self.assertEqual([title for title, _ in plot.series], ["poll", "select", "epoll"])
        self.assertTrue(plot.logx and plot.logy)
        self.assertEqual(poll.shapes[0].verdict, SHOWN)
        self.assertIn("poll ×525.5", poll.shapes[0].detail)
        self.assertIn("A poll() round costs 11.1 ms", poll.takeaways[0])
        self.assertEqual(len(poll.figures), 4)

    def test_poll_that_does_not_grow_is_not_shown(self):
        outputs = ProgramOutputs(self)
        data = outputs.read("poll_scaling.json")
        for run in data["runs"]:
            for row in run["rows"]:
                if row["mechanism"] == "poll" and row["connections"] == 10_000:
                    row["cpu_ns_per_round"] = 60_000.0
        outputs.write("poll_scaling.json", data)
        poll = self.build(outputs.raw / "poll_scaling.json")
        self.assertEqual(poll.shapes[0].verdict, NOT_SHOWN)
        self.assertIn("does not show", poll.takeaways[0])

    def test_a_descriptor_limit_is_named(self):
        outputs = ProgramOutputs(self)
        data = outputs.read("poll_scaling.json")
        limit = "N = 10000 needs 10064 descriptors per process, the hard limit is 4096"
        for run in data["runs"]:
            for row in run["rows"]:
                if row["connections"] == 10_000:
                    row.update({"error": limit, "rounds": 0})
        outputs.write("poll_scaling.json", data)
        poll = self.build(outputs.raw / "poll_scaling.json")
        self.assertEqual(poll.shapes[0].verdict, CANNOT_SHOW)
        self.assertIn("hard limit is 4096", poll.shapes[0].detail)

    def test_no_run_is_a_note(self):
        poll = self.build(Path(tempfile.gettempdir()) / "no-such-poll-scaling.json")
        self.assertEqual((poll.tables, poll.shapes[0].verdict), ([], NOT_MEASURED))
        self.assertIn("did not run", poll.notes[0])

    def test_the_step_is_short_in_quick_mode(self):
        self.assertEqual(len(poll_scaling.POLL_SCALING.runs(True)), 1)
        self.assertEqual(len(poll_scaling.POLL_SCALING.runs(False)), 3)
        self.assertEqual(poll_scaling.POLL_SCALING.binary("lab05", "solution").name,
                         "lab05_poll_scaling")


class Lab03StepsTest(unittest.TestCase):
    def test_lab03_declares_its_three_programs(self):
        self.assertEqual([(s.name, s.output) for s in labs.steps(LABS["lab03"])],
                         [("tlb_reach", "tlb_reach.json"), ("faults", "faults.json"),
                          ("malloc_chunks", "malloc_chunks.json")])
        self.assertEqual(tlb_reach.TLB_REACH.binary("lab03", "starter").name,
                         "lab03_tlb_reach_starter")
        self.assertIn("--pages", page_faults.FAULTS.runs(True)[0])
        self.assertEqual(alloc_sources.MALLOC_CHUNKS.runs(True), [["--max", "64", "--json"]])

    def test_a_program_printing_a_json_array_is_kept(self):
        with tempfile.TemporaryDirectory() as tmp:
            program = Path(tmp) / "lab03_fake"
            program.write_text('#!/bin/sh\necho \'[{"request": 1, "usable": 24, "chunk": 32}]\'\n')
            program.chmod(0o755)
            step = steps.Step(name="fake", what="", program="fake", output="fake.json",
                              runs=lambda quick: [["--json"]])
            steps.run_step(step, program, Path(tmp), quick=True)
            self.assertEqual(steps.load_runs(Path(tmp) / "fake.json"),
                             [[{"request": 1, "usable": 24, "chunk": 32}]])


if __name__ == "__main__":
    unittest.main()
