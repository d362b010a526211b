"""A cold start without the cyclic garbage collector: paused while a handler imports, its imports frozen after.

Importing a handler builds some 100,000 long-lived objects (pydantic's models and schemas, botocore, Powertools).
While they are being built the collector runs a full pass over all of them, which finds nothing to free (a handful
of objects) and costs about 30 ms of a 250 ms import on this machine (`gc.get_stats()`; docs/cost.md section 3).
So `handlers/__init__` pauses it before any handler module's imports, and the container, which every handler
builds at module level once its imports are done, ends the pause: the objects made so far live as long as the
container and are moved out of every later collection (`gc.freeze`), so the invocations' collections do not walk
them either, and collection resumes.
"""

from __future__ import annotations

import gc


def begin() -> None:
    """Pause the cyclic collector for the imports of a cold start."""
    gc.disable()


def end() -> None:
    """The cold start's imports are done: freeze what they made and resume collecting (safe to call again)."""
    gc.freeze()
    gc.enable()
