"""Benchmark names and lookups: 'BM_X/MiB:64/real_time' parsed, results found by family and
arguments (every lab's section reads its results through these)."""
from __future__ import annotations

from pathlib import Path

from .. import benchjson


def parse_name(name: str) -> tuple[str, dict, list]:
    """'BM_X/MiB:64/min_time:0.200/real_time' -> ('BM_X', {'MiB': '64'}, []);
    'BM_Latency/4096' -> ('BM_Latency', {}, ['4096'])."""
    family, *parts = name.split("/")
    named, positional = {}, []
    for part in parts:
        if part in ("real_time", "process_time", "manual_time") or part.startswith(
                ("min_time:", "iterations:", "repeats:", "threads:")):
            continue
        if ":" in part:
            key, value = part.split(":", 1)
            named[key] = value
        else:
            positional.append(part)
    return family, named, positional


def find(results: dict, family: str, **args) -> benchjson.Result | None:
    """The measured (error-free) result of `family` whose named arguments include `args`."""
    for result in results.values():
        name, named, _ = parse_name(result.name)
        if name == family and not result.error and all(
                named.get(key) == str(value) for key, value in args.items()):
            return result
    return None


def family(results: dict, name: str) -> list[tuple[dict, list, benchjson.Result]]:
    """Every error-free result of one benchmark family, with its parsed arguments."""
    found = []
    for result in results.values():
        family_name, named, positional = parse_name(result.name)
        if family_name == name and not result.error:
            found.append((named, positional, result))
    return found


def by_prefix(results: dict, prefix: str) -> benchjson.Result | None:
    """The first error-free result whose full name starts with `prefix`."""
    for result in results.values():
        if result.name.startswith(prefix) and not result.error:
            return result
    return None


def load_other(raw: Path, lab_id: str) -> dict:
    """Another lab's results of the same run (e.g. Lab 2's per-task cost beside Lab 1's threads)."""
    path = raw / f"{lab_id}.json"
    return benchjson.load(path) if path.is_file() else {}
