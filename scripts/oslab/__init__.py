"""The course's command-line tool (scripts/lab): build, test, grade, benchmark and report."""
