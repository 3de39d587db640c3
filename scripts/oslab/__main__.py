"""`python3 -m oslab ARGS` (what scripts/lab runs, with scripts/ on PYTHONPATH)."""
import sys

from .main import main

sys.exit(main(sys.argv[1:]))
