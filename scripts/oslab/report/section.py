"""A report section: title, tables, takeaways, plots and notes, and its Markdown. generic() is the
section of a lab that has no module of its own: every benchmark with its time and counters."""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import benchjson


@dataclass
class Section:
    title: str
    intro: str = ""
    tables: list = field(default_factory=list)  # [(caption, header, rows)]
    takeaways: list = field(default_factory=list)
    plots: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def markdown(self) -> list[str]:
        lines = [f"## {self.title}", ""]
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
