"""Test helpers shared by the unit, integration and evaluation tests (and bench/): not shipped in the package."""
