# Versions: the package's __version__, the loaded library's wasmlift_version() and the
# project's version (pyproject.toml) agree.
import re
from pathlib import Path

import wasmlift


def test_library_version_matches_package():
    assert wasmlift.__version__ == "0.1.0"
    assert wasmlift.library_version() == wasmlift.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", wasmlift.library_version())


def test_pyproject_version_matches():
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if not pyproject.is_file():  # pragma: no cover - tests copied elsewhere
        return
    m = re.search(r'^version = "([^"]+)"', pyproject.read_text(), re.M)
    assert m and m.group(1) == wasmlift.__version__
