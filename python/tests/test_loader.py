# Library loading: $WASMLIFT_LIB is used when set (and is an error when wrong), the copy next
# to the package is found, and failure names every place that was searched.
import os
import shutil
import subprocess
import sys

import wasmlift

PKG_DIR = os.path.dirname(os.path.abspath(wasmlift.__file__))


def run(code, env_updates, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("WASMLIFT_LIB", "LD_LIBRARY_PATH", "PYTHONPATH")}
    env.update(env_updates)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True)


def copy_package(tmp_path, with_library):
    dest = tmp_path / "wasmlift"
    shutil.copytree(PKG_DIR, dest, ignore=shutil.ignore_patterns("libwasmlift.so*", "__pycache__"))
    if with_library:
        shutil.copyfile(wasmlift.LIBRARY_PATH, dest / "libwasmlift.so")
    return dest


def test_error_names_every_place(tmp_path):
    dest = copy_package(tmp_path, with_library=False)
    r = run("import wasmlift", {}, tmp_path)
    assert r.returncode != 0
    err = r.stderr
    assert "LibraryNotFound" in err
    assert str(dest / "libwasmlift.so") in err
    assert "system library path" in err and "libwasmlift.so.0" in err
    assert "$WASMLIFT_LIB (not set)" in err


def test_library_next_to_package(tmp_path):
    dest = copy_package(tmp_path, with_library=True)
    r = run("import wasmlift; print(wasmlift.LIBRARY_PATH)", {}, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(dest / "libwasmlift.so")


def test_wasmlift_lib_env_wins_and_must_exist(tmp_path):
    copy_package(tmp_path, with_library=True)
    lib = tmp_path / "elsewhere" / "libwasmlift.so"
    lib.parent.mkdir()
    shutil.copyfile(wasmlift.LIBRARY_PATH, lib)
    r = run("import wasmlift; print(wasmlift.LIBRARY_PATH)", {"WASMLIFT_LIB": str(lib)}, tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == str(lib)
    r = run("import wasmlift; print(wasmlift.LIBRARY_PATH)", {"WASMLIFT_LIB": str(lib.parent)}, tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == str(lib)
    r = run("import wasmlift", {"WASMLIFT_LIB": str(tmp_path / "missing.so")}, tmp_path)
    assert r.returncode != 0 and "missing.so does not exist" in r.stderr


def test_installed_package_uses_its_bundled_library():
    # run_tests.sh installs the package with pip and sets WASMLIFT_EXPECT_BUNDLED=1.
    if os.environ.get("WASMLIFT_EXPECT_BUNDLED") != "1":
        import pytest

        pytest.skip("not running against a pip-installed package")
    assert "site-packages" in PKG_DIR
    assert wasmlift.LIBRARY_PATH == os.path.join(PKG_DIR, "libwasmlift.so")


def test_bundled_library_wins_over_system(tmp_path):
    # Order: $WASMLIFT_LIB, then the bundled copy, then the system's (here: LD_LIBRARY_PATH).
    dest = copy_package(tmp_path, with_library=True)
    system = tmp_path / "system"
    system.mkdir()
    shutil.copyfile(wasmlift.LIBRARY_PATH, system / "libwasmlift.so")
    shutil.copyfile(wasmlift.LIBRARY_PATH, system / "libwasmlift.so.0")
    code = "import wasmlift; print(wasmlift.LIBRARY_PATH); print(wasmlift.library_version())"
    r = run(code, {"LD_LIBRARY_PATH": str(system)}, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [str(dest / "libwasmlift.so"), wasmlift.__version__]
    # $WASMLIFT_LIB beats the bundled copy.
    r = run(code, {"LD_LIBRARY_PATH": str(system), "WASMLIFT_LIB": str(system)}, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split()[0] == str(system / "libwasmlift.so")


def test_system_library_without_bundled_copy(tmp_path):
    copy_package(tmp_path, with_library=False)
    system = tmp_path / "system"
    system.mkdir()
    shutil.copyfile(wasmlift.LIBRARY_PATH, system / "libwasmlift.so")
    code = "import wasmlift; print(wasmlift.LIBRARY_PATH); print(wasmlift.library_version())"
    r = run(code, {"LD_LIBRARY_PATH": str(system)}, tmp_path)
    assert r.returncode == 0, r.stderr
    path, version = r.stdout.split()
    assert path == "libwasmlift.so" and version == wasmlift.__version__
