"""The web client's environment as its own settings model names it (webclient/motivator_web/config.py).

webclient/ is a Reflex app folder, not an installed package, so its config module is loaded from the file. This
module imports no aws_cdk: `motivator dev` (devtools/web.py) uses it as well as the Web stack.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

from cdk.constants import WEB_DOCKERFILE_DIR

WEB_DIR = Path(__file__).resolve().parent.parent / WEB_DOCKERFILE_DIR


@cache
def web_module(name: str) -> ModuleType:
    """webclient/motivator_web/<name>.py, loaded from its file (it must import nothing of Reflex or the app)."""
    path = WEB_DIR / "motivator_web" / f"{name}.py"
    module_name = f"motivator_web_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the web client's {name} module from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # pydantic resolves the model's annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def web_client_environment(**values: str) -> dict[str, str]:
    """Environment variables for WebSettings fields, e.g. `ws_url=…` -> {"MOTIVATOR_WS_URL": …}."""
    environment: dict[str, str] = web_module("config").environment(**values)
    return environment
