# Build hook for `pip install ./python`: puts libwasmlift.so inside the package. The library
# comes from $WASMLIFT_LIB if set, else from `cargo build --release` in the repository checkout
# this directory belongs to. The wheel is marked platform-specific since it carries a .so.
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIB = "libwasmlift.so"


def _find_library():
    env = os.environ.get("WASMLIFT_LIB")
    if env:
        p = Path(env)
        if p.is_dir():
            p = p / LIB
        if not p.is_file():
            raise SystemExit(f"WASMLIFT_LIB={env} does not name {LIB} or a directory holding it")
        return p
    if not (REPO / "Cargo.toml").is_file():
        raise SystemExit(
            f"cannot find {LIB}: set WASMLIFT_LIB to its path, or install from a wasmlift "
            f"repository checkout (no Cargo.toml at {REPO})"
        )
    cargo = shutil.which("cargo")
    if cargo is None:
        raise SystemExit(f"cannot build {LIB}: cargo is not on PATH (or set WASMLIFT_LIB to a built library)")
    print(f"wasmlift: building {LIB} with cargo build --release in {REPO}", flush=True)
    subprocess.run([cargo, "build", "--release", "--lib"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
    if not target.is_absolute():
        target = REPO / target
    p = target / "release" / LIB
    if not p.is_file():
        raise SystemExit(f"cargo build finished but {p} does not exist")
    return p


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        src = _find_library()
        dest = Path(self.build_lib) / "wasmlift" / LIB
        dest.parent.mkdir(parents=True, exist_ok=True)
        print(f"wasmlift: copying {src} -> {dest}", flush=True)
        shutil.copyfile(src, dest)


class BinaryDistribution(Distribution):
    def has_ext_modules(self):
        return True


cmdclass = {"build_py": BuildPyWithLibrary}
try:  # ctypes needs no particular CPython ABI: tag the wheel py3-none-<platform>
    try:
        from setuptools.command.bdist_wheel import bdist_wheel
    except ImportError:
        from wheel.bdist_wheel import bdist_wheel

    class PlatformWheel(bdist_wheel):
        def get_tag(self):
            _, _, plat = super().get_tag()
            return "py3", "none", plat

    cmdclass["bdist_wheel"] = PlatformWheel
except ImportError:
    pass

setup(cmdclass=cmdclass, distclass=BinaryDistribution)
