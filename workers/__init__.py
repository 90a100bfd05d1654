"""frontwire: live war reporting in, settlement control-status alerts out."""

__version__ = "0.1.0"
