"""What the tests share: the folder of recorded fixtures."""
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
