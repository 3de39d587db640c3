"""How the report writes numbers: significant digits, units, ratios, byte sizes."""
from __future__ import annotations


def us(result) -> float | None:
    """A result's real time per iteration in microseconds (None for no result)."""
    return result.real_ns / 1e3 if result is not None else None


def fmt(value: float | None, unit: str = "", digits: int = 3) -> str:
    if value is None:
        return "—"
    text = f"{value:.{digits}g}" if abs(value) < 10 ** digits else f"{value:,.0f}"
    return f"{text} {unit}".strip()


def fmt_us(value: float | None) -> str:
    """Microseconds, switching to milliseconds from 10 ms up."""
    if value is not None and value >= 10_000:
        return fmt(value / 1e3, "ms")
    return fmt(value, "µs")


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def format_bytes(size: float) -> str:
    """32768 -> '32 KiB'."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:g} {unit}"
    return f"{size:g} B"


def fmt_spread(spread: float | None, runs: int) -> str:
    """A table's spread cell: '4 %' ((max - min) / median over the runs), '1 run' when there is
    nothing to compare."""
    if runs < 2:
        return "1 run"
    return "—" if spread is None else fmt(spread * 100, "%", 2)


def result_spread(result, key: str = "real_ns") -> str:
    """The spread cell of one benchmark figure (see fmt_spread); '—' for no result."""
    return fmt_spread(result.spread(key), result.repetitions) if result is not None else "—"
