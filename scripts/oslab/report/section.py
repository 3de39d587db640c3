"""A report section: title, tables, takeaways, plots, notes and shape checks, and its Markdown.
generic() is the section of a lab that has no module of its own: every benchmark with its time
and counters."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import benchjson

SHOWN = "shown"
NOT_SHOWN = "not shown"
CANNOT_SHOW = "cannot be shown on this machine"
NOT_MEASURED = "not measured in this run"


@dataclass(frozen=True)
class Figure:
    """A number a takeaway cites, with its spread over the runs (None: measured once)."""
    what: str
    spread: float | None
    runs: int


@dataclass(frozen=True)
class Shape:
    """Whether this run shows the effect an experiment is about: SHOWN, NOT_SHOWN, CANNOT_SHOW
    (the machine lacks what it needs) or NOT_MEASURED, and the numbers (or the reason) behind
    the verdict."""
    experiment: str
    verdict: str
    detail: str

    def markdown(self) -> str:
        return f"**Shape check, {self.experiment}: {self.verdict}.** {self.detail}"


@dataclass
class Section:
    title: str
    intro: str = ""
    tables: list = field(default_factory=list)  # [(caption, header, rows)]
    takeaways: list = field(default_factory=list)
    plots: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    figures: list = field(default_factory=list)  # [Figure]: what the takeaways cite
    shapes: list = field(default_factory=list)   # [Shape]
    parts: list = field(default_factory=list)    # [Section]: one experiment each, a subsection

    def part(self, title: str) -> Section:
        """A new subsection for one experiment: its tables, notes, shape check and plots stay
        together under its own heading."""
        self.parts.append(Section(title=title))
        return self.parts[-1]

    def walk(self) -> list[Section]:
        """This section and its parts, in the order they are written."""
        return [self] + [inner for part in self.parts for inner in part.walk()]

    def cite(self, result, key: str = "real_ns", what: str = "") -> float | None:
        """The figure `key` of `result` (real_ns, cpu_ns or a counter; None for no result),
        remembered as one a takeaway uses, so that its spread is checked."""
        if result is None:
            return None
        value = {"real_ns": result.real_ns, "cpu_ns": result.cpu_ns}.get(key, result.counter(key))
        self.figures.append(Figure(what or f"{result.name}: {key}", result.spread(key),
                                   result.repetitions))
        return value

    def cite_runs(self, what: str, values: list[float]) -> None:
        """A figure a takeaway uses that is the median of a program's runs (values: each run's)."""
        self.figures.append(Figure(what, benchjson.spread_of(values), len(values)))

    def shape(self, experiment: str, verdict: str, detail: str) -> None:
        self.shapes.append(Shape(experiment, verdict, detail))

    def markdown(self, images: dict | None = None, level: int = 2) -> list[str]:
        """The section as Markdown; images: plot name -> its image line (plots not drawn are
        left out)."""
        images = images or {}
        lines = [f"{'#' * level} {self.title}", ""]
        if self.intro:
            lines += [self.intro, ""]
        for caption, header, rows in self.tables:
            if caption:
                lines += [f"**{caption}**", ""]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
            lines.append("")
        for note in self.notes:
            lines += [note, ""]
        for shape in self.shapes:
            lines += [shape.markdown(), ""]
        for plot in self.plots:
            if plot.name in images:
                lines += [images[plot.name], ""]
        for part in self.parts:
            lines += part.markdown(images, level + 1)
        return lines


def generic(lab, results: dict) -> Section:
    """Every benchmark with its time and counters: the fallback for a lab without a module."""
    rows = []
    for result in results.values():
        if result.error:
            rows.append((result.name, "not implemented" if "not implemented" in result.error else "error",
                         result.error[:80]))
            continue
        counters = ", ".join(f"{key}={value:.4g}" for key, value in sorted(result.counters.items()))
        rows.append((result.name, benchjson.format_ns(result.real_ns), counters))
    return Section(title=f"{lab.id} — {lab.title}",
                   tables=[("", ("benchmark", "time per iteration", "counters"), rows)])


def note_not_implemented(section: Section, results: dict) -> Section:
    """Names the benchmarks that were skipped because the code is not written yet."""
    missing = [r.name for r in results.values() if r.error and "not implemented" in r.error]
    if missing:
        section.notes.append(f"Not implemented yet ({len(missing)} benchmarks skipped): "
                             + ", ".join(f"`{name}`" for name in missing[:12]))
    return section
