# Finds and loads libwasmlift.so: $WASMLIFT_LIB, next to this package, the repository's
# target/ directory (when running from a checkout), then the system library path.
import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_NAMES = ("libwasmlift.so", "libwasmlift.so.0")


class LibraryNotFound(OSError):
    """libwasmlift could not be found or loaded; the message lists every place tried."""


def _candidates():
    """Yields (description, path-or-name) in the order they are tried."""
    env = os.environ.get("WASMLIFT_LIB")
    if env:
        p = Path(env)
        if p.is_dir():
            for n in _NAMES:
                yield f"$WASMLIFT_LIB directory: {p / n}", str(p / n)
        else:
            yield f"$WASMLIFT_LIB: {p}", str(p)
    for n in _NAMES:
        yield f"next to the package: {_PACKAGE_DIR / n}", str(_PACKAGE_DIR / n)
    # A source checkout: python/wasmlift/ lives two levels below the repository root.
    repo = _PACKAGE_DIR.parent.parent
    if (repo / "Cargo.toml").is_file():
        for profile in ("release", "debug"):
            p = repo / "target" / profile / "libwasmlift.so"
            yield f"repository build: {p}", str(p)
    for n in _NAMES:
        yield f"system library path: {n}", n
    found = ctypes.util.find_library("wasmlift")
    if found:
        yield f"system library (ldconfig): {found}", found


def load():
    """Loads the library, raising LibraryNotFound that names every place it looked."""
    tried = []
    explicit = os.environ.get("WASMLIFT_LIB")
    for desc, path in _candidates():
        is_name = os.sep not in path
        if not is_name and not os.path.exists(path):
            tried.append(f"  {desc} (no such file)")
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError as e:
            tried.append(f"  {desc} ({e})")
            if explicit and desc.startswith("$WASMLIFT_LIB") and not is_name and os.path.exists(path):
                # An explicit library that exists but fails to load is an error in itself.
                break
            continue
        lib._wasmlift_path = path
        return lib
    raise LibraryNotFound(
        "could not load libwasmlift.so; looked in:\n"
        + "\n".join(tried)
        + "\nSet WASMLIFT_LIB to the library's path, or reinstall the package "
        "(pip install ./python builds it with cargo)."
    )


if __name__ == "__main__":  # pragma: no cover - manual diagnosis
    print(load()._wasmlift_path)
    sys.exit(0)
