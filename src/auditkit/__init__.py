"""auditkit: audit public surveillance programmes against human-rights principles."""

__version__ = "0.1.0"
