"""Where the bundled case studies are: the command line and the web questionnaire both open them.

Not named ``examples``: the wheel packs the examples/ folder as ``auditkit/examples``.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_EXAMPLE = "moscow-safe-city-frt.yaml"


def examples_root() -> Path:
    """The folder of bundled case studies: inside the installed package, else the source checkout's examples/."""
    from importlib import resources

    packaged = Path(str(resources.files("auditkit"))) / "examples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "examples"
