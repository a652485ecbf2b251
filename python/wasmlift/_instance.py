# Instance: instantiates a Module with imports given as a list (in import order) or a nested
# dict {"module": {"name": extern}}; exports are available by name, by index and as attributes.
import weakref
from ctypes import byref, c_void_p

from . import _ffi as ffi
from ._errors import LinkError, Trap, WasmError, raise_trap, trap_frames, trap_message, wasm_exception
from ._externs import Global, Memory, Table, Tag, wrap_extern
from ._func import Func
from ._store import Module, Store
from ._types import FuncType

_EXTERN_CLASSES = (Func, Global, Table, Memory, Tag)
_LINK_PREFIXES = ("unknown import", "incompatible import")


class Exports:
    """The exports of an instance: exports["name"], exports[0], exports.name, iteration over
    names, len(), `in`, .get(), .keys(), .values() and .items(). An export whose name is also a
    method name (e.g. "get") wins as an attribute; the method stays reachable as
    Exports.get(exports, ...)."""

    def __init__(self, names, values):
        object.__setattr__(self, "_names", list(names))
        object.__setattr__(self, "_by_name", dict(zip(names, values)))
        object.__setattr__(self, "_values", list(values))

    def __getitem__(self, key):
        if isinstance(key, int):
            return self._values[key]
        try:
            return self._by_name[key]
        except KeyError:
            raise KeyError(f"no export named {key!r} (exports: {', '.join(self._names) or 'none'})") from None

    def __getattribute__(self, name):
        if not name.startswith("_"):
            by_name = object.__getattribute__(self, "_by_name")
            if name in by_name:
                return by_name[name]
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        raise AttributeError(f"no export named {name!r}")

    def __setattr__(self, name, value):
        raise AttributeError("exports are read-only")

    def __contains__(self, name):
        return name in self._by_name

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)

    def get(self, name, default=None):
        return self._by_name.get(name, default)

    def keys(self):
        return list(self._names)

    def values(self):
        return list(self._values)

    def items(self):
        return list(zip(self._names, self._values))

    def __repr__(self):
        return f"<wasmlift.Exports {self._names}>"


def _resolve_imports(store, module, imports):
    """The imports as a list of extern objects in the module's import order."""
    wanted = module.imports
    if imports is None:
        imports = []
    if isinstance(imports, dict):
        resolved = []
        for imp in wanted:
            group = imports.get(imp.module)
            if group is None or imp.name not in group:
                raise LinkError(f"unknown import: {imp.module}::{imp.name} was not provided (expected {imp.type!r})")
            resolved.append((imp, group[imp.name]))
    else:
        imports = list(imports)
        if len(imports) != len(wanted):
            raise LinkError(f"the module has {len(wanted)} imports but {len(imports)} were given")
        resolved = list(zip(wanted, imports))
    out = []
    for imp, value in resolved:
        if not isinstance(value, _EXTERN_CLASSES):
            if callable(value) and isinstance(imp.type, FuncType):
                value = Func(store, imp.type, value)  # a plain callable, typed by the import
            else:
                raise TypeError(f"import {imp.module}::{imp.name}: expected a Func, Global, Table, Memory or Tag, got {type(value).__name__}")
        out.append(value)
    return out


class Instance:
    """An instantiated module: Instance(store, module, imports=None)."""

    def __init__(self, store, module, imports=None):
        if not isinstance(store, Store):
            raise TypeError(f"expected a Store, got {type(store).__name__}")
        if not isinstance(module, Module):
            raise TypeError(f"expected a Module, got {type(module).__name__}")
        externs = _resolve_imports(store, module, imports)
        arr = (c_void_p * max(len(externs), 1))(*[e._as_extern() for e in externs])
        vec = ffi.wasm_extern_vec_t(len(externs), arr)
        trap = c_void_p()
        ptr = ffi.wasm_instance_new(store._ptr, module._ptr, byref(vec), byref(trap))
        # The import objects stay referenced until the call returns; the engine keeps its own
        # references to what the instance needs.
        del externs
        if not ptr:
            self._raise_failure(trap.value, store)
        self.store = store
        self.module = module
        self._ptr = ptr
        weakref.finalize(self, ffi.wasm_instance_delete, ptr)
        self.exports = self._read_exports()

    @staticmethod
    def _raise_failure(trap, store):
        if not trap:
            raise WasmError(ffi.error_message() or "instantiation failed")
        key = ffi.wasm_trap_get_host_info(trap)
        if key:  # a host function called by the start function raised
            raise_trap(trap, store)
        tag = ffi.wasmlift_trap_exception_tag(trap)
        if tag:  # the start function threw an exception nothing caught
            try:
                err = wasm_exception(store, trap, tag)
            finally:
                ffi.wasm_trap_delete(trap)
            raise err
        try:
            message = trap_message(trap)
            frames = trap_frames(trap)
        finally:
            ffi.wasm_trap_delete(trap)
        if not frames and message.startswith(_LINK_PREFIXES):
            raise LinkError(message)
        raise Trap(message, frames)

    def _read_exports(self):
        vec = ffi.wasm_extern_vec_t()
        ffi.wasm_instance_exports(self._ptr, byref(vec))
        try:
            values = [wrap_extern(self.store, ffi.wasm_extern_copy(vec.data[i])) for i in range(vec.size)]
        finally:
            ffi.wasm_extern_vec_delete(byref(vec))
        names = [e.name for e in self.module.exports]
        return Exports(names, values)

    def __getattr__(self, name):
        # Only called when normal lookup fails: exports as attributes of the instance.
        if name.startswith("_") or name in ("exports", "store", "module"):
            raise AttributeError(name)
        try:
            return self.exports._by_name[name]
        except KeyError:
            raise AttributeError(f"the instance has no attribute or export {name!r}") from None
