# Global, Table and Memory (host-created or exported), and wrapping of extern handles returned
# by the engine into the matching Python class. Memory exposes its bytes through a zero-copy
# memoryview over wasm_memory_data.
import weakref
from ctypes import byref, c_ubyte, c_uint64, c_void_p, cast, memmove, string_at

from . import _ffi as ffi
from ._errors import WasmError, last_error
from ._func import Func
from ._types import GlobalType, MemoryType, TableType, TagType
from ._values import from_val, release_val, to_val


class _Extern:
    def _init(self, store, ptr, delete):
        self.store = store
        self._ptr = ptr
        weakref.finalize(self, delete, ptr)

    @classmethod
    def _wrap(cls, store, ptr):
        obj = cls.__new__(cls)
        obj._init(store, ptr)
        return obj


class Global(_Extern):
    """A global: Global(store, GlobalType(ValType.i32(), mutable=True), 42)."""

    def __init__(self, store, ty, value):
        if not isinstance(ty, GlobalType):
            raise TypeError(f"expected a GlobalType, got {type(ty).__name__}")
        val = ffi.wasm_val_t()
        to_val(store, ty.content.kind, value, val)
        ty_ptr = ty._new_c()
        try:
            ptr = ffi.wasm_global_new(store._ptr, ty_ptr, byref(val))
        finally:
            ffi.wasm_globaltype_delete(ty_ptr)
            release_val(val)
        if not ptr:
            raise last_error("could not create the global")
        self._init(store, ptr)
        self._type = ty

    def _init(self, store, ptr):
        super()._init(store, ptr, ffi.wasm_global_delete)
        self._type = None

    @property
    def type(self):
        if self._type is None:
            p = ffi.wasm_global_type(self._ptr)
            try:
                self._type = GlobalType._from_c(p)
            finally:
                ffi.wasm_globaltype_delete(p)
        return self._type

    def get(self):
        val = ffi.wasm_val_t()
        ffi.wasm_global_get(self._ptr, byref(val))
        try:
            return from_val(self.store, val)
        finally:
            release_val(val)

    def set(self, value):
        ty = self.type
        if not ty.mutable:
            raise WasmError("cannot set an immutable global")
        val = ffi.wasm_val_t()
        to_val(self.store, ty.content.kind, value, val)
        try:
            ffi.wasm_global_set(self._ptr, byref(val))
        finally:
            release_val(val)

    value = property(get, set)

    def _as_extern(self):
        return ffi.wasm_global_as_extern(self._ptr)

    def __repr__(self):
        return f"<wasmlift.Global {self.type!r}>"


def _ref_arg(store, kind, value):
    """An owned wasm_ref_t* (or None) for a table element of `kind`."""
    val = ffi.wasm_val_t()
    to_val(store, kind, value, val)
    return val.of.ref


class Table(_Extern):
    """A table of references: Table(store, TableType(ValType.funcref(), Limits(1)), init=None)."""

    def __init__(self, store, ty, init=None):
        if not isinstance(ty, TableType):
            raise TypeError(f"expected a TableType, got {type(ty).__name__}")
        ref = _ref_arg(store, ty.element.kind, init)
        ty_ptr = ty._new_c()
        try:
            ptr = ffi.wasm_table_new(store._ptr, ty_ptr, ref)
        finally:
            ffi.wasm_tabletype_delete(ty_ptr)
            if ref:
                ffi.wasm_ref_delete(ref)
        if not ptr:
            raise last_error("could not create the table")
        self._init(store, ptr)
        self._type = ty

    def _init(self, store, ptr):
        super()._init(store, ptr, ffi.wasm_table_delete)
        self._type = None

    @property
    def type(self):
        """The table's type (its minimum is the current size)."""
        p = ffi.wasm_table_type(self._ptr)
        try:
            return TableType._from_c(p)
        finally:
            ffi.wasm_tabletype_delete(p)

    @property
    def _element_kind(self):
        if self._type is None:
            self._type = self.type
        return self._type.element.kind

    def size(self):
        return ffi.wasm_table_size(self._ptr)

    def __len__(self):
        return self.size()

    def get(self, index):
        """The element at `index`: a Func, an externref's Python object, or None."""
        if not 0 <= index < self.size():
            raise IndexError(f"table index {index} out of bounds (size {self.size()})")
        ref = ffi.wasm_table_get(self._ptr, index)
        val = ffi.wasm_val_t()
        val.kind = self._element_kind
        val.of.ref = ref
        try:
            return from_val(self.store, val)
        finally:
            release_val(val)

    def set(self, index, value):
        if not 0 <= index < self.size():
            raise IndexError(f"table index {index} out of bounds (size {self.size()})")
        ref = _ref_arg(self.store, self._element_kind, value)
        try:
            if not ffi.wasm_table_set(self._ptr, index, ref):
                raise last_error(f"could not set table element {index}")
        finally:
            if ref:
                ffi.wasm_ref_delete(ref)

    __getitem__ = get
    __setitem__ = set

    def grow(self, delta, init=None):
        """Adds `delta` elements set to `init`; returns the previous size (WasmError past the
        maximum)."""
        old = self.size()
        ref = _ref_arg(self.store, self._element_kind, init)
        try:
            if not ffi.wasm_table_grow(self._ptr, delta, ref):
                raise WasmError(f"table cannot grow by {delta} elements from {old}")
        finally:
            if ref:
                ffi.wasm_ref_delete(ref)
        return old

    def _as_extern(self):
        return ffi.wasm_table_as_extern(self._ptr)

    def __repr__(self):
        return f"<wasmlift.Table {self.type!r}>"


class Memory(_Extern):
    """A linear memory: Memory(store, MemoryType(Limits(1, 10))).

    `view()` (or `buffer`) is a writable memoryview over the memory's bytes without copying;
    after `grow` make a new view to see the new pages. `read`/`write` copy bytes in and out."""

    def __init__(self, store, ty):
        if not isinstance(ty, MemoryType):
            raise TypeError(f"expected a MemoryType, got {type(ty).__name__}")
        ty_ptr = ty._new_c()
        try:
            ptr = ffi.wasm_memory_new(store._ptr, ty_ptr)
        finally:
            ffi.wasm_memorytype_delete(ty_ptr)
        if not ptr:
            raise last_error("could not create the memory")
        self._init(store, ptr)

    def _init(self, store, ptr):
        super()._init(store, ptr, ffi.wasm_memory_delete)

    @property
    def type(self):
        """The memory's type (its minimum is the current size in pages)."""
        p = ffi.wasm_memory_type(self._ptr)
        try:
            return MemoryType._from_c(p)
        finally:
            ffi.wasm_memorytype_delete(p)

    def size(self):
        """Current size in 64 KiB pages (64-bit: memory64 memories may exceed 2^32 pages)."""
        return ffi.wasmlift_memory_size64(self._ptr)

    @property
    def data_len(self):
        """Current size in bytes."""
        return ffi.wasm_memory_data_size(self._ptr)

    @property
    def data_ptr(self):
        """The address of byte 0 (wasm_memory_data)."""
        return cast(ffi.wasm_memory_data(self._ptr), c_void_p).value or 0

    def grow(self, delta):
        """Adds `delta` pages; returns the previous size in pages (WasmError past the maximum)."""
        old = c_uint64()
        if not 0 <= delta < 1 << 64 or not ffi.wasmlift_memory_grow64(self._ptr, delta, byref(old)):
            raise WasmError(f"memory cannot grow by {delta} pages from {self.size()}")
        return old.value

    def view(self):
        """A writable, zero-copy memoryview of the current bytes (format 'B'). It keeps this
        Memory alive; it does not follow later growth."""
        n = self.data_len
        if n == 0:
            return memoryview(bytearray())
        arr = (c_ubyte * n).from_address(self.data_ptr)
        arr._wasmlift_memory = self  # the view keeps the memory (and its store) alive
        return memoryview(arr).cast("B")

    buffer = property(view)

    def _check(self, offset, n):
        if offset < 0 or n < 0 or offset + n > self.data_len:
            raise IndexError(f"range [{offset}, {offset + n}) is outside the memory ({self.data_len} bytes)")

    def read(self, offset, n):
        """Copies `n` bytes at `offset` out of the memory."""
        self._check(offset, n)
        return string_at(self.data_ptr + offset, n)

    def write(self, offset, data):
        """Copies `data` (bytes-like) into the memory at `offset`."""
        data = bytes(data)
        self._check(offset, len(data))
        memmove(self.data_ptr + offset, data, len(data))

    def _as_extern(self):
        return ffi.wasm_memory_as_extern(self._ptr)

    def __repr__(self):
        return f"<wasmlift.Memory {self.size()} pages>"


class Tag(_Extern):
    """An exception tag: Tag(store, TagType([ValType.i32()])). Tags are imported and exported
    like other externs; a WasmException names the tag it was thrown with."""

    def __init__(self, store, ty):
        if not isinstance(ty, TagType):
            raise TypeError(f"expected a TagType, got {type(ty).__name__}")
        ty_ptr = ty._new_c()
        if not ty_ptr:
            raise last_error("invalid tag type")
        try:
            ptr = ffi.wasmlift_tag_new(store._ptr, ty_ptr)
        finally:
            ffi.wasmlift_tagtype_delete(ty_ptr)
        if not ptr:
            raise last_error("could not create the tag")
        self._init(store, ptr)

    def _init(self, store, ptr):
        super()._init(store, ptr, ffi.wasmlift_tag_delete)

    @property
    def type(self):
        p = ffi.wasmlift_tag_type(self._ptr)
        try:
            return TagType._from_c(p)
        finally:
            ffi.wasmlift_tagtype_delete(p)

    def __eq__(self, other):
        return isinstance(other, Tag) and ffi.wasmlift_tag_same(self._ptr, other._ptr)

    def __hash__(self):
        return hash(tuple(self.type.params))

    def _as_extern(self):
        return ffi.wasmlift_tag_as_extern(self._ptr)


def wrap_extern(store, ext):
    """Wraps an owned wasm_extern_t handle into Func/Global/Table/Memory/Tag."""
    kind = ffi.wasm_extern_kind(ext)
    if kind == ffi.WASM_EXTERN_FUNC:
        return Func._wrap(store, ffi.wasm_extern_as_func(ext))
    if kind == ffi.WASM_EXTERN_GLOBAL:
        return Global._wrap(store, ffi.wasm_extern_as_global(ext))
    if kind == ffi.WASM_EXTERN_TABLE:
        return Table._wrap(store, ffi.wasm_extern_as_table(ext))
    if kind == ffi.WASM_EXTERN_MEMORY:
        return Memory._wrap(store, ffi.wasm_extern_as_memory(ext))
    if kind == ffi.WASMLIFT_EXTERN_TAG:
        return Tag._wrap(store, ffi.wasmlift_extern_as_tag(ext))
    ffi.wasm_extern_delete(ext)
    raise WasmError(f"unknown extern kind {kind}")

