"""Rules as data: what a rule is (model), how it is found and checked (loader), what it decides (logic).

``model`` holds the rule types and the condition tree; ``logic`` evaluates
conditions, gives a rule's status and explains it in plain words; ``bounds``
says what unknown facts could still make of a rule; ``lint`` checks a rule
set beyond its schema. This package imports from ``auditkit.model`` and
below, never from the engine or the renderers above it.
"""
