"""The course's command-line tool, `scripts/lab` (python3 -m oslab): one module per verb family
(main.py lists them), one runner for cmake and ctest (runner.py), the report in report/."""
