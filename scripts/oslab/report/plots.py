"""PNG plots with gnuplot: each plot is a .dat file (the numbers) and a .gp script beside the PNG,
so a student can re-plot or restyle it by hand (`gnuplot report/plots/x.gp`)."""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Plot:
    name: str                      # file stem: report/plots/<name>.png
    title: str
    xlabel: str
    ylabel: str
    kind: str = "lines"            # lines: (x, y) series; bars: categories; heatmap: (x, y, z)
    series: list = field(default_factory=list)   # [(title, [(x, y), ...])] or [(title, [(cat, y)])]
    logx: bool = False
    logy: bool = False
    markers: list = field(default_factory=list)  # [(x, label)]: vertical lines, e.g. cache sizes
    zlabel: str = ""
    xtics: list = field(default_factory=list)    # [(position, label)] for a heatmap's axes
    ytics: list = field(default_factory=list)

    def empty(self) -> bool:
        return not any(points for _, points in self.series)


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def _data_and_commands(plot: Plot, dat: Path) -> list[str]:
    lines = []
    blocks = []
    if plot.kind == "bars":
        categories = []
        for _, points in plot.series:
            for category, _ in points:
                if category not in categories:
                    categories.append(category)
        rows = ["category " + " ".join(_quote(title) for title, _ in plot.series)]
        for category in categories:
            values = []
            for _, points in plot.series:
                value = dict(points).get(category)
                values.append("NaN" if value is None else f"{value:.6g}")
            rows.append(_quote(category) + " " + " ".join(values))
        dat.write_text("\n".join(rows) + "\n")
        lines += ["set style data histograms", "set style histogram cluster gap 1",
                  "set style fill solid 0.85 border -1", "set boxwidth 0.9",
                  "set xtics rotate by -30 left",
                  "set key top right" if len(plot.series) > 1 else "set key off"]
        columns = [f"'{dat.name}' using {i + 2}:xtic(1) title columnheader"
                   for i in range(len(plot.series))]
        lines.append("plot " + ", ".join(columns))
        return lines
    if plot.kind == "heatmap":
        # A regular grid (positions already on a log2 scale), drawn cell by cell with `image`.
        _, points = plot.series[0]
        dat.write_text("\n".join(f"{x:.6g} {y:.6g} {z:.6g}" for x, y, z in sorted(points)) + "\n")
        tics = lambda pairs: ", ".join(f"{_quote(label)} {pos}" for pos, label in pairs)
        if plot.xtics:
            lines.append(f"set xtics ({tics(plot.xtics)})")
        if plot.ytics:
            lines.append(f"set ytics ({tics(plot.ytics)})")
        lines += [f"set cblabel {_quote(plot.zlabel)}", "set palette rgb 33,13,10", "set key off",
                  f"plot '{dat.name}' using 1:2:3 with image"]
        return lines
    for title, points in plot.series:
        blocks.append(f"# {title}\n" + "\n".join(f"{x:.6g} {y:.6g}" for x, y in points))
    dat.write_text("\n\n\n".join(blocks) + "\n")
    for index, (x, label) in enumerate(plot.markers):
        height = 0.95 - 0.05 * (index % 2)  # neighbouring labels one line apart
        lines.append(f"set arrow from {x:.6g}, graph 0 to {x:.6g}, graph 1 nohead dt 2 lc rgb 'gray40'")
        lines.append(f"set label {_quote(label)} at {x:.6g}, graph {height:g} offset 0.5,0 "
                     "font ',9'")
    lines.append("set key top left" if len(plot.series) > 1 else "set key off")
    curves = [f"'{dat.name}' index {i} using 1:2 with linespoints lw 2 title {_quote(title)}"
              for i, (title, _) in enumerate(plot.series)]
    lines.append("plot " + ", ".join(curves))
    return lines


def render(plot: Plot, directory: Path) -> Path | None:
    """Writes <name>.dat and <name>.gp, runs gnuplot; returns the PNG path, or None without gnuplot."""
    directory.mkdir(parents=True, exist_ok=True)
    dat = directory / f"{plot.name}.dat"
    png = directory / f"{plot.name}.png"
    script = [
        "set terminal pngcairo size 960,600 noenhanced font 'Sans,11'",
        f"set output '{png.name}'",
        f"set title {_quote(plot.title)}",
        f"set xlabel {_quote(plot.xlabel)}",
        f"set ylabel {_quote(plot.ylabel)}",
        "set grid",
    ]
    if plot.logx and plot.kind == "lines":
        script.append("set logscale x 2")
    if plot.logy:
        script.append("set logscale y 10")
    script += _data_and_commands(plot, dat)
    gp = directory / f"{plot.name}.gp"
    gp.write_text("\n".join(script) + "\n")
    if not shutil.which("gnuplot"):
        return None
    result = subprocess.run(["gnuplot", gp.name], cwd=directory, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0 or not png.is_file():
        raise RuntimeError(f"gnuplot failed on {gp}: {result.stdout.strip()[:500]}")
    return png
