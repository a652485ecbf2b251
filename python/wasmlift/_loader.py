# Finds and loads libwasmlift.so: $WASMLIFT_LIB if set, else next to this package, the
# repository's target/ directory (when running from a checkout), then the system library path.
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
    """Yields (description, path-or-name) in the order they are tried (without $WASMLIFT_LIB)."""
    for n in _NAMES:
        yield f"next to the package: {_PACKAGE_DIR / n}", str(_PACKAGE_DIR / n)
    # A source checkout: python/wasmlift/ lives two levels below the repository root.
    repo = _PACKAGE_DIR.parent.parent
    if (repo / "Cargo.toml").is_file():
        target = Path(os.environ.get("CARGO_TARGET_DIR") or repo / "target")
        if not target.is_absolute():
            target = repo / target
        for profile in ("release", "debug"):
            p = target / profile / "libwasmlift.so"
            yield f"repository build: {p}", str(p)
    for n in _NAMES:
        yield f"system library path (dlopen {n})", n
    found = ctypes.util.find_library("wasmlift")
    if found:
        yield f"system library (ldconfig): {found}", found


def _open(path):
    lib = ctypes.CDLL(path)
    lib._wasmlift_path = path
    return lib


def load():
    """Loads the library, raising LibraryNotFound that names every place it looked.

    $WASMLIFT_LIB (a file, or a directory holding libwasmlift.so), when set, is the only
    place tried: an explicit choice that does not work is an error, not a reason to pick
    another library."""
    env = os.environ.get("WASMLIFT_LIB")
    if env:
        p = Path(env)
        if p.is_dir():
            p = p / _NAMES[0]
        if not p.is_file():
            raise LibraryNotFound(f"could not load libwasmlift.so: $WASMLIFT_LIB={env} but {p} does not exist")
        try:
            return _open(str(p))
        except OSError as e:
            raise LibraryNotFound(f"could not load libwasmlift.so from $WASMLIFT_LIB={env}: {e}") from None
    tried = []
    for desc, path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"  {desc} (no such file)")
            continue
        try:
            return _open(path)
        except OSError as e:
            tried.append(f"  {desc} ({e})")
    raise LibraryNotFound(
        "could not load libwasmlift.so; looked in:\n"
        + "\n".join(tried)
        + "\n  $WASMLIFT_LIB (not set)"
        + "\nSet WASMLIFT_LIB to the library's path, or reinstall the package "
        "(pip install ./python builds it with cargo)."
    )


if __name__ == "__main__":  # pragma: no cover - manual diagnosis
    print(load()._wasmlift_path)
    sys.exit(0)
