# Checks the ctypes declarations in wasmlift/_ffi.py against the generated C headers
# (include/wasm.h and include/wasmlift.h): every function's restype and argtypes, every struct's
# fields, the constants, and (with a C compiler) the struct sizes and field offsets.
import ctypes
import os
import shutil
import subprocess

import pytest

from wasmlift import _cheader, _ffi
from conftest import INCLUDE_DIR

HEADERS = [os.path.join(INCLUDE_DIR, "wasm.h"), os.path.join(INCLUDE_DIR, "wasmlift.h")]


@pytest.fixture(scope="module")
def header():
    for h in HEADERS:
        assert os.path.isfile(h), f"missing header {h} (set WASMLIFT_INCLUDE to include/)"
    return _cheader.parse_files(*HEADERS)


@pytest.fixture(scope="module")
def resolver(header):
    return _cheader.Resolver(header, _ffi.STRUCTS)


def test_parser_sees_the_whole_api(header):
    exported = [n for n, (_, _, e) in header.functions.items() if e]
    # The standard API alone has well over 200 functions; a parser failure would lose most.
    assert len(exported) > 250
    for name in ("wasm_func_call", "wasm_instance_new", "wasmlift_wat2wasm", "wasmlift_error_message"):
        assert name in exported


@pytest.mark.parametrize("name", sorted(_ffi.FUNCTIONS))
def test_function_matches_header(header, resolver, name):
    assert name in header.functions, f"{name} is bound in _ffi.py but not declared in the headers"
    ret, params, exported = header.functions[name]
    assert exported, f"{name} is not WASM_API_EXTERN"
    restype, argtypes = _ffi.FUNCTIONS[name]
    want_ret = resolver.ctype(ret)
    assert _cheader.same_ctype(restype, want_ret), f"{name}: restype {restype} but header says {ret} ({want_ret})"
    assert len(argtypes) == len(params), f"{name}: {len(argtypes)} argtypes, header has {len(params)} parameters"
    for i, (declared, (pname, pty)) in enumerate(zip(argtypes, params)):
        want = resolver.ctype(pty)
        assert _cheader.same_ctype(declared, want), f"{name} parameter {i} ({pname}): {declared} but header says {pty} ({want})"
    # The bound function object carries the same declarations.
    f = getattr(_ffi, name)
    assert f.restype is restype and list(f.argtypes) == list(argtypes)


@pytest.mark.parametrize("name", sorted(_ffi.STRUCTS))
def test_struct_matches_header(header, resolver, name):
    fields = header.structs.get(name)
    assert fields, f"struct {name} is not defined in the headers"
    cls = _ffi.STRUCTS[name]
    assert issubclass(cls, ctypes.Union) == (name in header.unions)
    declared = cls._fields_
    assert [f[0] for f in declared] == [f[0] for f in fields]
    for (fname, ftype), (_, cty) in zip(declared, fields):
        want = resolver.ctype(cty)
        assert _cheader.same_ctype(ftype, want), f"{name}.{fname}: {ftype} but header says {cty} ({want})"


def test_callback_types_match_header(resolver):
    want = resolver.ctype(_cheader.CType("wasm_func_callback_with_env_t"))
    assert _cheader.same_ctype(_ffi.wasm_func_callback_with_env_t, want)


def test_constants_match_header(header):
    for name, value in _ffi.CONSTANTS.items():
        assert header.constants.get(name) == value, f"{name} is {value} in _ffi.py, {header.constants.get(name)} in the header"


def test_the_checker_catches_drift(header, resolver):
    # A wrong declaration must be detected: an int32 where the header has a uint32, and a
    # missing parameter.
    ret, params, _ = header.functions["wasm_table_get"]
    assert not _cheader.same_ctype(ctypes.c_int32, resolver.ctype(params[1][1]))
    assert _cheader.same_ctype(ctypes.c_uint32, resolver.ctype(params[1][1]))
    assert len(params) == 2
    assert not _cheader.same_ctype(ctypes.POINTER(_ffi.wasm_val_t), resolver.ctype(header.functions["wasm_func_call"][1][1][1]))


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to measure the C layout")
def test_struct_layout_matches_c_compiler(tmp_path):
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "wasm.h"', '#include "wasmlift.h"', "int main(void) {"]
    expected = []
    for name, cls in _ffi.STRUCTS.items():
        kw = "union" if issubclass(cls, ctypes.Union) else "struct"
        lines.append(f'  printf("%zu\\n", sizeof({kw} {name}));')
        expected.append(ctypes.sizeof(cls))
        for fname, _ in cls._fields_:
            lines.append(f'  printf("%zu\\n", offsetof({kw} {name}, {fname}));')
            expected.append(getattr(cls, fname).offset)
    lines.append("  return 0;\n}")
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run(["cc", "-I", INCLUDE_DIR, str(src), "-o", str(exe)], check=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout.split()
    assert [int(x) for x in out] == expected
