"""What machine the report's numbers come from: CPU, caches, memory, kernel, compiler, perf, and
what makes it noisy: steal time (a VM's CPU given to other guests) and the frequency governor."""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import time
from pathlib import Path

SYS_CACHE = Path("/sys/devices/system/cpu/cpu0/cache")
PROC_STAT = Path("/proc/stat")
GOVERNOR = Path("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")
STEAL_FIELD = 7  # the 8th number of /proc/stat's "cpu" line: time the hypervisor ran others


def parse_size(text: str) -> int:
    """'32K' -> 32768, '1M' -> 1048576 (sysfs cache sizes)."""
    text = text.strip().upper()
    factor = {"K": 1024, "M": 1024 ** 2, "G": 1024 ** 3}.get(text[-1:], 1)
    return int(text.rstrip("KMG")) * factor


def caches(root: Path = SYS_CACHE) -> list[dict]:
    """[{level, type, bytes}] for data and unified caches, smallest first."""
    found = []
    for index in sorted(root.glob("index*")):
        try:
            kind = (index / "type").read_text().strip()
            if kind == "Instruction":
                continue
            found.append({"level": int((index / "level").read_text()), "type": kind,
                          "bytes": parse_size((index / "size").read_text())})
        except (OSError, ValueError):
            continue
    return sorted(found, key=lambda cache: cache["level"])


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def hardware_counters() -> str:
    """Whether perf can count CPU cycles here (most VMs: no)."""
    if not shutil.which("perf"):
        return "unknown (perf is not installed: apt-get install linux-perf)"
    result = subprocess.run(["perf", "stat", "-e", "instructions", "true"], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if "not supported" in result.stdout or "<not counted>" in result.stdout or result.returncode:
        return "no (perf reports hardware events as not supported; software events only)"
    return "yes"


def cpu_times(stat: Path = PROC_STAT) -> list[int]:
    """The "cpu" line of /proc/stat: time of all CPUs in each state (user ... steal), in ticks."""
    try:
        first = stat.read_text().splitlines()[0].split()
    except (OSError, IndexError):
        return []
    return [int(value) for value in first[1:]] if first and first[0] == "cpu" else []


def steal_percent(before: list[int], after: list[int]) -> float | None:
    """Share of CPU time stolen by the hypervisor between two cpu_times() (before may be [])."""
    if len(after) <= STEAL_FIELD or (before and len(before) != len(after)):
        return None
    deltas = [a - b for a, b in zip(after, before or [0] * len(after))]
    total = sum(deltas[:STEAL_FIELD + 1])  # guest times are already inside user and nice
    return 100.0 * deltas[STEAL_FIELD] / total if total > 0 else None


def steal(sample_seconds: float = 1.0) -> dict:
    """Steal time since boot and over a short sample now, in percent (None: not reported)."""
    since_boot = cpu_times()
    time.sleep(sample_seconds)
    now = cpu_times()
    return {"since_boot": steal_percent([], since_boot), "now": steal_percent(since_boot, now)}


def governor(path: Path = GOVERNOR) -> str | None:
    """The CPU frequency governor (performance, powersave, schedutil...); None when the kernel
    does not expose one (most VMs)."""
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def describe() -> dict:
    compiler = subprocess.run(["c++", "--version"], text=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.splitlines()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count() or 0,
        "caches": caches(),
        "kernel": f"{platform.system()} {platform.release()}",
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "compiler": compiler[0] if compiler else "unknown",
        "hardware_counters": hardware_counters(),
        "steal_percent": steal(),
        "governor": governor(),
    }

