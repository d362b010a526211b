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
_CONFIG = WEB_DIR / "motivator_web" / "config.py"
_MODULE = "motivator_web_config"


@cache
def _web_config() -> ModuleType:
    spec = importlib.util.spec_from_file_location(_MODULE, _CONFIG)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the web client's settings from {_CONFIG}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE] = module  # pydantic resolves the model's annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def web_client_environment(**values: str) -> dict[str, str]:
    """Environment variables for WebSettings fields, e.g. `ws_url=…` -> {"MOTIVATOR_WS_URL": …}."""
    environment: dict[str, str] = _web_config().environment(**values)
    return environment
