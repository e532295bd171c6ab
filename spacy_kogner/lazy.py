"""Package attributes imported on first use (PEP 562), so that importing a
package, as spaCy does for its entry points, loads none of its heavy modules."""
from importlib import import_module
from typing import Any, Callable, Dict


def lazy_getattr(package: str, exports: Dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` for `package` that imports each name of `exports`
    (name -> module, absolute or relative to `package`) when it is first read."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            return getattr(import_module(exports[name], package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
