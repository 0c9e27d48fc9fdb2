"""The clustering methods pyseg compares, one subpackage each, over one contract.

Every method is a folder ``pyseg/methods/<name>/``:

=================  =============================================================================
``__init__.py``    light facts the shell reads without numpy: flags, whether it takes k, what it
                   cannot do and why
``_base.py``       its fit type and engine interface
``_compare.py``    its comparison of the two languages (``run``), parity measure, prediction, the
                   report's material and its refit for ``stability --bootstrap`` and ``gap``
``_python.py``     its Python engine
``_r.py``          its R engine (the R code itself: ``r_reference/<name>.R``)
``_record.py``     what ``record-r`` keeps of it and how a recorded entry replays
``_report.py``     its report section and text summary (presentation: no engines)
=================  =============================================================================

The light ``__init__.py`` states, by these names (the optional ones where they apply):

=====================  ==========================================================================
``DESCRIBE``           one line with Python's call and R's
``PREDICTION``         how ``predict`` assigns a new row, or why it has no rule for one
``ENGINE_EXPORTS``     names :mod:`pyseg.engines` re-exports, by the module of the package that
                       defines them
``R_ENGINE``           the R engine class of ``_r.py`` (run in the R worker by this name)
``FLAGS``              ``compare``'s flags for the method (argparse ``add_argument`` keywords;
                       ``flags``: the names); the help is shown as "<method>: <help>"
``TITLE``              the method's name in prose
``RESAMPLING``         what ``stability --bootstrap`` and ``gap`` refit, and R's own check of it
``CHOOSE_K``           how ``elbow`` helps choose k (or eps) for the method; ``CHOOSE_K_HELP``:
                       ``elbow --method``'s help for it; ``CHOOSE_K_TEXT``: what ``elbow --help``
                       says of it
``PUBLIC``             names :mod:`pyseg` itself re-exports, by the module that defines them
=====================  ==========================================================================

This module is the registry: :data:`NAMES` lists the methods in table order, and nothing here
imports numpy, so the command line can list methods before R starts.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

#: Every method, in the order of ``--method all``'s table. Adding a method: its folder and a name
#: here.
NAMES: tuple[str, ...] = ("kmeans", "hierarchical", "dbscan", "pam", "gmm")


def info(name: str) -> ModuleType:
    """The method's light package (``pyseg.methods.<name>``)."""
    return importlib.import_module(f"pyseg.methods.{name}")


def trait(name: str, fact: str, default: object = None) -> Any:
    """A fact of the method's light package (``COURSE_MODEL``, ``CHOOSE_K``...), or ``default``
    when the method does not state it or no method has that name (the caller says so)."""
    if name not in NAMES:
        return default
    return getattr(info(name), fact, default)


def part(name: str, concern: str) -> ModuleType:
    """The method's module for ``concern`` (``pyseg.methods.<name>._<concern>``)."""
    return importlib.import_module(f"pyseg.methods.{name}._{concern}")


def course_method() -> str:
    """The course's own method (the one whose package says ``COURSE_MODEL``)."""
    return next(name for name in NAMES if trait(name, "COURSE_MODEL", False))
