"""python -m auditkit: the same as the auditkit command."""

from auditkit.entry import entry

entry()
