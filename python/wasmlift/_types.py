# WebAssembly types as plain Python values (ValType, FuncType, GlobalType, TableType,
# MemoryType, Limits, ImportType, ExportType), converted to C type objects only when a C
# function needs one, and read back from the C API's type objects.
from ctypes import byref, c_bool, c_uint64, c_void_p, string_at

from . import _ffi as ffi
from ._errors import WasmError

_KIND_NAMES = {
    ffi.WASM_I32: "i32",
    ffi.WASM_I64: "i64",
    ffi.WASM_F32: "f32",
    ffi.WASM_F64: "f64",
    ffi.WASMLIFT_V128: "v128",
    ffi.WASM_EXTERNREF: "externref",
    ffi.WASM_FUNCREF: "funcref",
}


class ValType:
    """A value type; compare with ==, build with ValType.i32() etc."""

    __slots__ = ("kind",)

    def __init__(self, kind):
        if kind not in _KIND_NAMES:
            raise ValueError(f"unknown value kind {kind}")
        self.kind = kind

    @classmethod
    def i32(cls):
        return cls(ffi.WASM_I32)

    @classmethod
    def i64(cls):
        return cls(ffi.WASM_I64)

    @classmethod
    def f32(cls):
        return cls(ffi.WASM_F32)

    @classmethod
    def f64(cls):
        return cls(ffi.WASM_F64)

    @classmethod
    def v128(cls):
        return cls(ffi.WASMLIFT_V128)

    @classmethod
    def externref(cls):
        return cls(ffi.WASM_EXTERNREF)

    @classmethod
    def funcref(cls):
        return cls(ffi.WASM_FUNCREF)

    @property
    def is_ref(self):
        return self.kind >= ffi.WASM_EXTERNREF

    def __eq__(self, other):
        return isinstance(other, ValType) and other.kind == self.kind

    def __hash__(self):
        return hash(("ValType", self.kind))

    def __repr__(self):
        return f"ValType.{_KIND_NAMES[self.kind]}()"

    def __str__(self):
        return _KIND_NAMES[self.kind]

    def _new_c(self):
        return ffi.wasm_valtype_new(self.kind)

    @classmethod
    def _from_c(cls, ptr):
        return cls(ffi.wasm_valtype_kind(ptr))


def _valtype_vec(types):
    """A new wasm_valtype_vec_t owning new valtypes (ownership passes to wasm_functype_new)."""
    vec = ffi.wasm_valtype_vec_t()
    types = list(types)
    if types:
        arr = (c_void_p * len(types))(*[t._new_c() for t in types])
        ffi.wasm_valtype_vec_new(byref(vec), len(types), arr)
    else:
        ffi.wasm_valtype_vec_new_empty(byref(vec))
    return vec


def _read_valtype_vec(vec_ptr):
    vec = vec_ptr.contents
    return [ValType._from_c(vec.data[i]) for i in range(vec.size)]


class Limits:
    """Minimum and optional maximum (in pages or elements); 64-bit values are allowed for
    memory64 memories and tables (MemoryType(..., is64=True))."""

    __slots__ = ("min", "max")

    def __init__(self, min, max=None):
        if not 0 <= min < 1 << 64 or (max is not None and not 0 <= max < 1 << 64):
            raise ValueError(f"limits out of range: min={min} max={max}")
        self.min = min
        self.max = max

    def _fits_wasm_h(self):
        """Whether wasm.h's 32-bit wasm_limits_t can hold these limits."""
        return self.min <= 0xFFFFFFFF and (self.max is None or self.max < 0xFFFFFFFF)

    @classmethod
    def _from_c64(cls, getter, ptr):
        """Reads limits through a wasmlift_*_limits64 function."""
        lo, has_max, hi = c_uint64(), c_bool(), c_uint64()
        if not getter(ptr, byref(lo), byref(has_max), byref(hi)):
            raise WasmError("could not read the limits of a type")
        return cls(lo.value, hi.value if has_max.value else None)

    def __eq__(self, other):
        return isinstance(other, Limits) and (self.min, self.max) == (other.min, other.max)

    def __hash__(self):
        return hash((self.min, self.max))

    def __repr__(self):
        return f"Limits({self.min}, {self.max})"

    def _c(self):
        return ffi.wasm_limits_t(self.min, ffi.wasm_limits_max_default if self.max is None else self.max)

    @classmethod
    def _from_c(cls, ptr):
        lim = ptr.contents
        return cls(lim.min, None if lim.max == ffi.wasm_limits_max_default else lim.max)


class FuncType:
    """A function type: FuncType([ValType.i32()], [ValType.i64()])."""

    def __init__(self, params, results):
        self.params = list(params)
        self.results = list(results)
        for t in self.params + self.results:
            if not isinstance(t, ValType):
                raise TypeError(f"expected a ValType, got {t!r}")

    def __eq__(self, other):
        return isinstance(other, FuncType) and (self.params, self.results) == (other.params, other.results)

    def __hash__(self):
        return hash((tuple(self.params), tuple(self.results)))

    def __repr__(self):
        return f"FuncType({self.params}, {self.results})"

    def _new_c(self):
        params = _valtype_vec(self.params)
        results = _valtype_vec(self.results)
        return ffi.wasm_functype_new(byref(params), byref(results))

    def _delete_c(self, ptr):
        ffi.wasm_functype_delete(ptr)

    @classmethod
    def _from_c(cls, ptr):
        return cls(_read_valtype_vec(ffi.wasm_functype_params(ptr)), _read_valtype_vec(ffi.wasm_functype_results(ptr)))


class GlobalType:
    """A global's type: content ValType and mutability."""

    def __init__(self, content, mutable=False):
        if not isinstance(content, ValType):
            raise TypeError(f"expected a ValType, got {content!r}")
        self.content = content
        self.mutable = bool(mutable)

    def __eq__(self, other):
        return isinstance(other, GlobalType) and (self.content, self.mutable) == (other.content, other.mutable)

    def __hash__(self):
        return hash((self.content, self.mutable))

    def __repr__(self):
        return f"GlobalType({self.content!r}, mutable={self.mutable})"

    def _new_c(self):
        return ffi.wasm_globaltype_new(self.content._new_c(), ffi.WASM_VAR if self.mutable else ffi.WASM_CONST)

    def _delete_c(self, ptr):
        ffi.wasm_globaltype_delete(ptr)

    @classmethod
    def _from_c(cls, ptr):
        return cls(ValType._from_c(ffi.wasm_globaltype_content(ptr)), ffi.wasm_globaltype_mutability(ptr) == ffi.WASM_VAR)


class TableType:
    """A table's type: element ValType (a reference type), Limits, and whether it is indexed by
    i64 (`is64`, memory64's table64)."""

    def __init__(self, element, limits, is64=False):
        if not isinstance(element, ValType) or not element.is_ref:
            raise TypeError(f"a table's element type must be a reference ValType, got {element!r}")
        self.element = element
        self.limits = limits
        self.is64 = bool(is64)

    def __eq__(self, other):
        return isinstance(other, TableType) and (self.element, self.limits, self.is64) == (
            other.element,
            other.limits,
            other.is64,
        )

    def __hash__(self):
        return hash((self.element, self.limits, self.is64))

    def __repr__(self):
        return f"TableType({self.element!r}, {self.limits!r}{', is64=True' if self.is64 else ''})"

    def _new_c(self):
        if not self.is64 and self.limits._fits_wasm_h():
            lim = self.limits._c()
            return ffi.wasm_tabletype_new(self.element._new_c(), byref(lim))
        lim = self.limits
        return ffi.wasmlift_tabletype_new64(
            self.element._new_c(), lim.min, lim.max is not None, lim.max or 0, self.is64
        )

    def _delete_c(self, ptr):
        ffi.wasm_tabletype_delete(ptr)

    @classmethod
    def _from_c(cls, ptr):
        return cls(
            ValType._from_c(ffi.wasm_tabletype_element(ptr)),
            Limits._from_c64(ffi.wasmlift_tabletype_limits64, ptr),
            ffi.wasmlift_tabletype_is64(ptr),
        )


class MemoryType:
    """A linear memory's type: Limits in 64 KiB pages, and whether it is indexed by i64
    (`is64`, memory64)."""

    def __init__(self, limits, is64=False):
        self.limits = limits
        self.is64 = bool(is64)

    def __eq__(self, other):
        return isinstance(other, MemoryType) and (self.limits, self.is64) == (other.limits, other.is64)

    def __hash__(self):
        return hash((self.limits, self.is64))

    def __repr__(self):
        return f"MemoryType({self.limits!r}{', is64=True' if self.is64 else ''})"

    def _new_c(self):
        if not self.is64 and self.limits._fits_wasm_h():
            lim = self.limits._c()
            return ffi.wasm_memorytype_new(byref(lim))
        lim = self.limits
        return ffi.wasmlift_memorytype_new64(lim.min, lim.max is not None, lim.max or 0, self.is64)

    def _delete_c(self, ptr):
        ffi.wasm_memorytype_delete(ptr)

    @classmethod
    def _from_c(cls, ptr):
        return cls(Limits._from_c64(ffi.wasmlift_memorytype_limits64, ptr), ffi.wasmlift_memorytype_is64(ptr))


class TagType:
    """An exception tag's type: the ValTypes of the payload an exception of the tag carries."""

    def __init__(self, params):
        self.params = list(params)

    def __eq__(self, other):
        return isinstance(other, TagType) and self.params == other.params

    def __hash__(self):
        return hash(tuple(self.params))

    def __repr__(self):
        return f"TagType({self.params})"

    def _new_c(self):
        return ffi.wasmlift_tagtype_new(FuncType(self.params, [])._new_c())  # takes the functype

    def _delete_c(self, ptr):
        ffi.wasmlift_tagtype_delete(ptr)

    @classmethod
    def _from_c(cls, ptr):
        return cls(_read_valtype_vec(ffi.wasmlift_tagtype_params(ptr)))


def _externtype_from_c(ptr):
    """Reads a borrowed wasm_externtype_t* into FuncType/GlobalType/TableType/MemoryType/TagType."""
    kind = ffi.wasm_externtype_kind(ptr)
    if kind == ffi.WASM_EXTERN_FUNC:
        return FuncType._from_c(ffi.wasm_externtype_as_functype_const(ptr))
    if kind == ffi.WASM_EXTERN_GLOBAL:
        return GlobalType._from_c(ffi.wasm_externtype_as_globaltype_const(ptr))
    if kind == ffi.WASM_EXTERN_TABLE:
        return TableType._from_c(ffi.wasm_externtype_as_tabletype_const(ptr))
    if kind == ffi.WASM_EXTERN_MEMORY:
        return MemoryType._from_c(ffi.wasm_externtype_as_memorytype_const(ptr))
    if kind == ffi.WASMLIFT_EXTERN_TAG:
        return TagType._from_c(ffi.wasmlift_externtype_as_tagtype_const(ptr))
    raise ValueError(f"unknown extern kind {kind}")


def _name(vec_ptr):
    vec = vec_ptr.contents
    return string_at(vec.data, vec.size).decode("utf-8") if vec.size else ""


class ImportType:
    """One import of a module: module name, field name and type."""

    def __init__(self, module, name, type):
        self.module = module
        self.name = name
        self.type = type

    def __eq__(self, other):
        return isinstance(other, ImportType) and (self.module, self.name, self.type) == (other.module, other.name, other.type)

    def __repr__(self):
        return f"ImportType({self.module!r}, {self.name!r}, {self.type!r})"


class ExportType:
    """One export of a module: name and type."""

    def __init__(self, name, type):
        self.name = name
        self.type = type

    def __eq__(self, other):
        return isinstance(other, ExportType) and (self.name, self.type) == (other.name, other.type)

    def __repr__(self):
        return f"ExportType({self.name!r}, {self.type!r})"


def _importtype_from_c(ptr):
    return ImportType(_name(ffi.wasm_importtype_module(ptr)), _name(ffi.wasm_importtype_name(ptr)), _externtype_from_c(ffi.wasm_importtype_type(ptr)))


def _exporttype_from_c(ptr):
    return ExportType(_name(ffi.wasm_exporttype_name(ptr)), _externtype_from_c(ffi.wasm_exporttype_type(ptr)))

