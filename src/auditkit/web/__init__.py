"""The local web questionnaire (``auditkit serve``).

A thin layer over what the command line does: the questions come from the
deployment models (``questions``), every answer is written into a YAML
description (an opened file keeps its own text, comments and order, with only
the edited values changed: ``roundtrip``; a new one is written by
``yamlout``) that is checked and audited by the same functions
``auditkit validate`` and ``auditkit audit`` call (``store``), and the pages
only show what those functions return. Nothing here decides a verdict,
computes a score or judges an answer.

Importing this package imports nothing heavy; ``auditkit.web.app`` brings in
Starlette, and only ``auditkit serve`` imports it.
"""
