"""What is the student's and what is the course's: only a lab's starter/ comes from the student.

Everything the build and the tests are made of (each lab's tests/, bench/, given/, include/,
programs/ and CMakeLists.txt, the chapter's common/ and labs.json, the top-level CMake files) is
trusted: grading always takes the course's version, as OS/161's test161 overlays its own tests.
"""
from __future__ import annotations

from pathlib import PurePosixPath

from .course import Lab

LAB_TRUSTED = ("tests", "bench", "given", "include", "programs")
TOP_TRUSTED = ("CMakeLists.txt", "CMakePresets.json", "cmake/", "chapter_02_os/common/",
               "chapter_02_os/labs.json")


def lab_of(rel: str, labs: list[Lab]) -> tuple[Lab | None, str]:
    """(the lab whose folder holds rel, rel inside that folder) or (None, rel)."""
    for lab in labs:
        prefix = f"chapter_02_os/{lab.folder}/"
        if rel.startswith(prefix):
            return lab, rel[len(prefix):]
    return None, rel


def is_student_file(rel: str, labs: list[Lab]) -> bool:
    lab, inner = lab_of(rel, labs)
    return lab is not None and inner.startswith("starter/")


def is_trusted(rel: str, labs: list[Lab]) -> bool:
    """A file the build or the tests are made of (the course's version is always used)."""
    lab, inner = lab_of(rel, labs)
    if lab is not None:
        parts = PurePosixPath(inner).parts
        return inner == "CMakeLists.txt" or (len(parts) > 1 and parts[0] in LAB_TRUSTED)
    return any(rel == item or (item.endswith("/") and rel.startswith(item))
               for item in TOP_TRUSTED)


def differs_line(rel: str) -> str:
    return f"{rel} differs from the course's: graded with the course's version"
