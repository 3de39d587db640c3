"""The lab modules of the report, by lab id: the section each lab writes (section()) and the
experiments it adds to its benchmarks (STEPS). A lab without a module gets the generic section."""
from __future__ import annotations

from . import lab01, lab02, lab03, lab04, lab05
from .section import Section, generic, note_not_implemented
from .steps import Step

MODULES = {module.__name__.rsplit(".", 1)[-1]: module
           for module in (lab01, lab02, lab03, lab04, lab05)}


def section(lab, results: dict, extra: dict) -> Section:
    module = MODULES.get(lab.id)
    built = module.section(lab, results, extra) if module else generic(lab, results)
    return note_not_implemented(built, results)


def steps(lab) -> list[Step]:
    return list(getattr(MODULES.get(lab.id), "STEPS", []))
