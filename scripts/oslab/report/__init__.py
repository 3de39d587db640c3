"""`lab report`, as a sub-package: command.py runs the steps, write.py writes index.md, and each
lab has its module (lab01.py ... lab05.py: its section, and its own experiments as STEPS); the
benchmark-name lookups (names.py), number formats, sections, plots and the machine are shared."""
