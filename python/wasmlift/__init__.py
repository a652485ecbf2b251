# The wasmlift Python package: a ctypes binding of libwasmlift, a WebAssembly engine exposing
# the standard C API (wasm.h). No compiled extension: everything goes through _ffi.
from ._errors import Frame, LinkError, Trap, WasmError, WasmException
from ._externs import Global, Memory, Table, Tag
from ._ffi import LIBRARY_PATH, library_version
from ._func import Func
from ._instance import Exports, Instance
from ._loader import LibraryNotFound
from ._store import Config, Engine, Module, Store, wat2wasm
from ._types import ExportType, FuncType, GlobalType, ImportType, Limits, MemoryType, TableType, TagType, ValType
from ._values import ForeignRef, GcRef

__version__ = "0.1.0"

__all__ = [
    "Config",
    "Engine",
    "ExportType",
    "Exports",
    "ForeignRef",
    "Frame",
    "Func",
    "FuncType",
    "GcRef",
    "Global",
    "GlobalType",
    "ImportType",
    "Instance",
    "LIBRARY_PATH",
    "LibraryNotFound",
    "Limits",
    "LinkError",
    "Memory",
    "MemoryType",
    "Module",
    "Store",
    "Table",
    "TableType",
    "Tag",
    "TagType",
    "Trap",
    "ValType",
    "WasmError",
    "WasmException",
    "library_version",
    "wat2wasm",
]
