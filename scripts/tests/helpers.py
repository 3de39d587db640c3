"""Puts scripts/oslab on the import path, as scripts/lab does when it runs main.py."""
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "oslab"))
