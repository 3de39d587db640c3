"""The lab CLI's own tests: python3 -m unittest discover -s scripts/tests -t scripts (from the
repository root; -t scripts puts the oslab package on the import path)."""
