"""`lab figures [--update]`: every number the docs quote, checked against the reference run.

A quoted figure carries, right after its digits, an HTML comment that says where it comes from
(invisible on GitHub, tables included):

    2.77<!-- ref lab02 BM_Pool_Post/1000000/real_time items_per_second /1e6 --> M/s
    14.3<!-- ref echo_cost runs[bytes=64].runs[server=uring,connections=1000].cpu_us_per_msg -->
    11.9<!-- ref lab03 BM_Pattern_Shuffled real_time over lab03 BM_Pattern_Sequential real_time -->x

`ref FILE WHAT [FIELD] [/N | *N]` reads chapter_02_os/reference_run/raw/FILE.json:
- a Google Benchmark file: WHAT is a benchmark's run_name and FIELD a key of its entry (times
  are in ns whatever the benchmark's time_unit); with repetitions, the median aggregate, else the
  median of the iterations;
- an experiment's file (`{"runs": [...]}`): WHAT is a path (`key`, `key[field=value,...]` keeps
  the list elements whose fields match, `[N]` the N-th, `[*]` all), taken in every run unless it
  starts with `runs` itself; the figure is the median of the values it reaches (the repetitions).
`A over B` is the ratio of two such references, `A minus B over N` a difference per N (N a
reference or a plain number). The figure must read exactly as the value
formatted with the digits shown (same decimals, thousands commas if shown); `--update` rewrites
it so after a new reference run.
"""
from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .course import CHAPTER, ROOT, UsageError

REFERENCE_RUN = CHAPTER / "reference_run"
MARKER = re.compile(r"(?P<number>\d[\d,]*(?:\.\d+)?)<!--\s*ref\s+(?P<spec>.*?)\s*-->")
TIME_UNITS_NS = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}
TIME_FIELDS = ("real_time", "cpu_time")


class FigureError(Exception):
    """A reference that names nothing in the run, or that is written wrongly."""


@dataclass(frozen=True)
class Quoted:
    path: Path
    line: int
    shown: str
    spec: str
    start: int  # offsets of the digits in the file's text
    end: int


def documents(root: Path = ROOT) -> list[Path]:
    """The Markdown that quotes figures: the chapter, the top-level pages and docs/."""
    found = sorted((root / "chapter_02_os").rglob("*.md")) + sorted(root.glob("*.md")) + \
        sorted((root / "docs").glob("*.md"))
    return [path for path in found if "reference_run" not in path.parts]


def quoted(path: Path) -> list[Quoted]:
    text = path.read_text()
    return [Quoted(path, text.count("\n", 0, match.start()) + 1, match.group("number"),
                   match.group("spec"), match.start("number"), match.end("number"))
            for match in MARKER.finditer(text)]


@lru_cache(maxsize=None)
def load_raw(run: Path, name: str) -> dict:
    path = run / "raw" / f"{name}.json"
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise FigureError(f"no {path} ({error.strerror})") from None
    except ValueError as error:
        raise FigureError(f"{path} is not valid JSON ({error})") from None


def benchmark_value(data: dict, name: str, field: str) -> float:
    entries = [entry for entry in data["benchmarks"] if entry.get("run_name") == name]
    medians = [entry for entry in entries if entry.get("aggregate_name") == "median"]
    chosen = medians or [entry for entry in entries if entry.get("run_type") == "iteration"]
    if not chosen:
        raise FigureError(f"no benchmark '{name}'")
    values = []
    for entry in chosen:
        if field not in entry:
            raise FigureError(f"benchmark '{name}' has no field '{field}'")
        scale = TIME_UNITS_NS[entry.get("time_unit", "ns")] if field in TIME_FIELDS else 1.0
        values.append(float(entry[field]) * scale)
    return statistics.median(values)


SEGMENT = re.compile(r"(?P<key>[A-Za-z_][\w]*)?(?:\[(?P<select>[^\]]*)\])?$")


def walk(nodes: list, path: str) -> list:
    """`a.b[k=v,k2=v2].c[0].d` from each of `nodes`: a filter keeps every list element whose
    fields match (`[*]` all of them), `[N]` the N-th. Returns every value reached."""
    for segment in path.split("."):
        match = SEGMENT.match(segment)
        if not segment or not match:
            raise FigureError(f"bad path segment '{segment}'")
        key, select = match.group("key"), match.group("select")
        if key:
            if not all(isinstance(node, dict) and key in node for node in nodes):
                raise FigureError(f"no '{key}' at '{segment}'")
            nodes = [node[key] for node in nodes]
        if select is None:
            continue
        if not all(isinstance(node, list) for node in nodes):
            raise FigureError(f"'{segment}' selects from something that is not a list")
        if select.isdigit():
            if not all(int(select) < len(node) for node in nodes):
                raise FigureError(f"'{segment}': not that many elements")
            nodes = [node[int(select)] for node in nodes]
            continue
        wanted = {} if select == "*" else dict(pair.split("=", 1) for pair in select.split(","))
        nodes = [item for node in nodes for item in node if isinstance(item, dict) and
                 all(str(item.get(k)) == value for k, value in wanted.items())]
        if not nodes:
            raise FigureError(f"no element with {select}")
    return nodes


def experiment_value(data: dict, path: str) -> float:
    """The median of every value the path reaches. A path that does not start at the top-level
    `runs` list is taken in every run (the repetitions of one experiment)."""
    if not isinstance(data.get("runs"), list) or not data["runs"]:
        raise FigureError("an experiment file without runs")
    values = walk([data], path if path.startswith("runs") else "runs[*]." + path)
    if not all(isinstance(value, (int, float)) for value in values):
        raise FigureError(f"'{path}' is not a number")
    return float(statistics.median(values))


def one_value(words: list[str], run: Path) -> float:
    if len(words) < 2:
        raise FigureError("a reference needs a file and what to read in it")
    scale = 1.0
    if words[-1][0] in "/*" and len(words) > 2:
        try:
            factor = float(words[-1][1:])
        except ValueError:
            raise FigureError(f"bad scale '{words[-1]}'") from None
        scale = 1 / factor if words[-1][0] == "/" else factor
        words = words[:-1]
    data = load_raw(run, words[0])
    if "benchmarks" in data:
        if len(words) != 3:
            raise FigureError("a benchmark reference is: FILE BENCHMARK FIELD [/N]")
        return benchmark_value(data, words[1], words[2]) * scale
    if len(words) != 2:
        raise FigureError("an experiment reference is: FILE PATH [/N]")
    return experiment_value(data, words[1]) * scale


def term_value(words: list[str], run: Path) -> float:
    """One reference, or a plain number (a divisor such as a connection count)."""
    if len(words) == 1:
        try:
            return float(words[0].replace(",", ""))
        except ValueError:
            pass
    return one_value(words, run)


def value_of(spec: str, run: Path = REFERENCE_RUN) -> float:
    """`A`, `A minus B`, and either over `C`: references or plain numbers."""
    words = spec.split()
    denominator = 1.0
    if "over" in words:
        cut = words.index("over")
        denominator = term_value(words[cut + 1:], run)
        if denominator == 0:
            raise FigureError("a ratio over zero")
        words = words[:cut]
    if "minus" in words:
        cut = words.index("minus")
        return (term_value(words[:cut], run) - term_value(words[cut + 1:], run)) / denominator
    return term_value(words, run) / denominator


def formatted(value: float, shown: str) -> str:
    """`value` written the way `shown` is: as many decimals, commas if shown has them."""
    decimals = len(shown.split(".", 1)[1]) if "." in shown else 0
    return format(value, f"{',' if ',' in shown else ''}.{decimals}f")


def check(paths: list[Path], run: Path = REFERENCE_RUN) -> tuple[int, list[str]]:
    """(figures checked, problems): each problem names the file, the line and what differs."""
    problems, count = [], 0
    for path in paths:
        for figure in quoted(path):
            count += 1
            where = f"{path.relative_to(ROOT) if ROOT in path.parents else path}:{figure.line}"
            try:
                expected = formatted(value_of(figure.spec, run), figure.shown)
            except FigureError as error:
                problems.append(f"{where}: {figure.shown} <- '{figure.spec}': {error}")
                continue
            if expected != figure.shown:
                problems.append(f"{where}: shows {figure.shown}, the reference run gives "
                                f"{expected} ('{figure.spec}')")
    return count, problems


def update(paths: list[Path], run: Path = REFERENCE_RUN) -> int:
    """Rewrites every quoted figure from `run`; returns how many changed. A reference that names
    nothing is left as it is (check() then reports it)."""
    changed = 0
    for path in paths:
        text = path.read_text()
        pieces, last = [], 0
        for figure in quoted(path):
            try:
                new = formatted(value_of(figure.spec, run), figure.shown)
            except FigureError:
                continue
            changed += new != figure.shown
            pieces += [text[last:figure.start], new]
            last = figure.end
        pieces.append(text[last:])
        if "".join(pieces) != text:
            path.write_text("".join(pieces))
    return changed


def cmd_figures(args) -> int:
    run = Path(args.run).resolve() if args.run else REFERENCE_RUN
    if not (run / "raw").is_dir():
        raise UsageError(f"{run} has no raw/ folder (a `scripts/lab report --out DIR` run)")
    if args.show:
        try:
            print(f"{value_of(args.show, run):.6g}")
        except FigureError as error:
            print(f"figures: {error}")
            return 1
        return 0
    paths = documents()
    if args.update:
        changed = update(paths, run)
        print(f"figures: {changed} quoted figures rewritten from {run.name}/raw")
    count, problems = check(paths, run)
    for problem in problems:
        print(problem)
    if count == 0:
        print("figures: no quoted figure found (markers `<!-- ref ... -->`): nothing was checked")
        return 1
    print(f"figures: {count} quoted figures in {len(paths)} files, {len(problems)} differ from "
          f"the reference run ({run.relative_to(ROOT) if ROOT in run.parents else run})")
    return 1 if problems else 0


def register(verbs) -> None:
    figures = verbs.add_parser("figures", help="check the docs' quoted figures against the "
                               "reference run (chapter_02_os/reference_run)")
    figures.add_argument("--update", action="store_true",
                         help="rewrite every quoted figure from the run first")
    figures.add_argument("--run", metavar="DIR", help="another report folder (with raw/)")
    figures.add_argument("--show", metavar="SPEC",
                         help="print the value a reference gives (e.g. 'lab02 BM_Pool_Post/1000000/"
                              "real_time items_per_second'), to quote it")
    figures.set_defaults(func=cmd_figures)
