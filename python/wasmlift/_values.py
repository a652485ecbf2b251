# Conversions between Python values and wasm_val_t, and the externref registry: any Python
# object passed to wasm as an externref travels as a wasm_foreign_t whose host info is a
# registry id, so the very same object comes back out (identity preserved). A finalizer on the
# host info removes the registry entry when the engine frees the foreign object. GC references
# (i31, structs, arrays) come out as GcRef objects that read through wasmlift_ref_*.
import ctypes
import itertools
import struct
import threading
import weakref

from . import _ffi as ffi

_objects = {}  # host info id -> Python object
_objects_lock = threading.Lock()
_ids = itertools.count(1)


@ffi.finalizer_t
def _drop_object(info):
    with _objects_lock:
        _objects.pop(info, None)


def live_externrefs():
    """How many Python objects are currently referenced from wasm (for tests and debugging)."""
    return len(_objects)


def new_foreign(store, obj):
    """A new owned wasm_ref_t handle (a wasm_foreign_t) standing for `obj` in `store`.

    The engine keeps every externref that entered wasm alive until its store is deleted, so
    each store reuses one foreign object per Python object (Store._foreigns) instead of
    making a new one, which would accumulate, on every call."""
    cached = store._foreigns.get(id(obj))
    if cached is not None and cached[0] is obj:
        return ffi.wasm_foreign_as_ref(ffi.wasm_foreign_copy(cached[1]))
    foreign = ffi.wasm_foreign_new(store._ptr)
    if not foreign:
        raise MemoryError("wasm_foreign_new failed")
    key = next(_ids)
    with _objects_lock:
        _objects[key] = obj
    ffi.wasm_foreign_set_host_info_with_finalizer(foreign, key, _drop_object)
    store._foreigns[id(obj)] = (obj, foreign)
    return ffi.wasm_foreign_as_ref(ffi.wasm_foreign_copy(foreign))


class ForeignRef:
    """An externref that did not come from this Python package (e.g. a foreign object made by
    other C code). Holds its own handle; passing it back to wasm passes the same reference, and
    two ForeignRefs compare equal when they refer to the same object."""

    def __init__(self, ptr):
        self._ptr = ptr
        weakref.finalize(self, ffi.wasm_ref_delete, ptr)

    def __eq__(self, other):
        return isinstance(other, ForeignRef) and bool(ffi.wasm_ref_same(self._ptr, other._ptr))

    def __hash__(self):
        return 0  # identity is only known to the engine; equal refs must hash alike

    def __repr__(self):
        return f"<wasmlift.ForeignRef {self._ptr:#x}>"


class GcRef:
    """A WebAssembly GC reference (an i31, a struct or an array) that left wasm. Holds its own
    handle; passing it back to wasm passes the same reference (checked against the parameter's
    type). Two GcRefs compare equal when they are the same reference (i31s: the same value).

    `kind` is "i31", "struct" or "array"; `i31` (and `i31_unsigned`) give an i31's value;
    `len(r)` and `r[i]` read a struct's fields or an array's elements (packed i8/i16 ones
    sign-extended; `r.get(i, signed=False)` zero-extends), references coming back as Python
    values (a GcRef, an externref's object, a Func or None)."""

    _KINDS = {ffi.WASMLIFT_GCREF_I31: "i31", ffi.WASMLIFT_GCREF_STRUCT: "struct", ffi.WASMLIFT_GCREF_ARRAY: "array"}

    def __init__(self, store, ptr):
        self._store = store
        self._ptr = ptr
        self.kind = self._KINDS[ffi.wasmlift_ref_gc_kind(ptr)]
        weakref.finalize(self, ffi.wasm_ref_delete, ptr)

    def _i31(self, signed):
        out = ctypes.c_int32()
        if not ffi.wasmlift_ref_i31_get(self._ptr, signed, ctypes.byref(out)):
            raise TypeError(f"a {self.kind} reference has no i31 value")
        return out.value

    @property
    def i31(self):
        """The i31's value sign-extended from 31 bits (i31.get_s)."""
        return self._i31(True)

    @property
    def i31_unsigned(self):
        """The i31's value zero-extended (i31.get_u)."""
        return self._i31(False)

    def __len__(self):
        if self.kind == "struct":
            return ffi.wasmlift_ref_struct_len(self._ptr)
        if self.kind == "array":
            return ffi.wasmlift_ref_array_len(self._ptr)
        raise TypeError("an i31 reference has no fields or elements")

    def get(self, index, signed=True):
        """Field (struct) or element (array) `index`."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int, not {type(index).__name__}")
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"index {index} out of range for a {self.kind} of length {n}")
        read = ffi.wasmlift_ref_struct_get if self.kind == "struct" else ffi.wasmlift_ref_array_get
        val = ffi.wasm_val_t()
        if not read(self._ptr, index, signed, ctypes.byref(val)):
            raise TypeError(f"{self.kind} item {index} cannot be read as a wasm_val_t (v128)")
        try:
            return from_val(self._store, val)
        finally:
            release_val(val)

    def __getitem__(self, index):
        return self.get(index)

    def __eq__(self, other):
        return isinstance(other, GcRef) and bool(ffi.wasm_ref_same(self._ptr, other._ptr))

    def __hash__(self):
        return 0  # identity is only known to the engine; equal refs must hash alike

    def __repr__(self):
        if self.kind == "i31":
            return f"<wasmlift.GcRef i31 {self.i31}>"
        return f"<wasmlift.GcRef {self.kind} of {len(self)}>"


def externref_from_ref(ref_ptr, store=None):
    """The Python object for a borrowed externref handle (None for null)."""
    if not ref_ptr:
        return None
    if ffi.wasmlift_ref_gc_kind(ref_ptr) != ffi.WASMLIFT_GCREF_OTHER:
        return GcRef(store, ffi.wasm_ref_copy(ref_ptr))
    foreign = ffi.wasm_ref_as_foreign(ref_ptr)
    if foreign:
        key = ffi.wasm_foreign_get_host_info(foreign)
        if key:
            with _objects_lock:
                if key in _objects:
                    return _objects[key]
    return ForeignRef(ffi.wasm_ref_copy(ref_ptr))


def _i32(v):
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"expected an int for an i32, got {type(v).__name__}")
    if not -(1 << 31) <= v < (1 << 32):
        raise OverflowError(f"{v} does not fit in an i32")
    return v - (1 << 32) if v >= (1 << 31) else v


def _i64(v):
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"expected an int for an i64, got {type(v).__name__}")
    if not -(1 << 63) <= v < (1 << 64):
        raise OverflowError(f"{v} does not fit in an i64")
    return v - (1 << 64) if v >= (1 << 63) else v


def _float(v, what):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"expected a float for an {what}, got {type(v).__name__}")
    return float(v)


def to_val(store, kind, value, out):
    """Fills wasm_val_t `out` with `value` of `kind`. References are new owned handles that
    the caller must release (see release_val) unless ownership passes to the engine."""
    out.kind = kind
    if kind == ffi.WASM_I32:
        out.of.i32 = _i32(value)
    elif kind == ffi.WASM_I64:
        out.of.i64 = _i64(value)
    elif kind == ffi.WASM_F32:
        out.of.f32 = _float(value, "f32")
    elif kind == ffi.WASM_F64:
        out.of.f64 = _float(value, "f64")
    elif kind == ffi.WASM_EXTERNREF:
        if value is None:
            out.of.ref = None
        elif isinstance(value, (ForeignRef, GcRef)):
            out.of.ref = ffi.wasm_ref_copy(value._ptr)
        else:
            out.of.ref = new_foreign(store, value)
    elif kind == ffi.WASM_FUNCREF:
        from ._func import Func

        if value is None:
            out.of.ref = None
        elif isinstance(value, Func):
            out.of.ref = ffi.wasm_func_as_ref(ffi.wasm_func_copy(value._ptr))
        else:
            raise TypeError(f"expected a Func or None for a funcref, got {type(value).__name__}")
    else:
        raise TypeError(f"values of kind {kind} cannot be passed as wasm_val_t")


def release_val(val):
    if val.kind >= ffi.WASM_EXTERNREF and val.of.ref:
        ffi.wasm_val_delete(val)


def from_val(store, val):
    """The Python value of a wasm_val_t whose reference (if any) stays owned by the caller."""
    kind = val.kind
    if kind == ffi.WASM_I32:
        return val.of.i32
    if kind == ffi.WASM_I64:
        return val.of.i64
    if kind == ffi.WASM_F32:
        return val.of.f32
    if kind == ffi.WASM_F64:
        return val.of.f64
    if kind == ffi.WASM_EXTERNREF:
        return externref_from_ref(val.of.ref, store)
    if kind == ffi.WASM_FUNCREF:
        if not val.of.ref:
            return None
        from ._func import Func

        return Func._wrap(store, ffi.wasm_func_copy(ffi.wasm_ref_as_func(val.of.ref)))
    raise TypeError(f"unsupported value kind {kind}")


def v128_to_bytes(value):
    """A v128 as its 16 little-endian bytes: from an int (0 <= v < 2**128, or negative as
    two's complement) or 16 bytes."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        b = bytes(value)
        if len(b) != 16:
            raise ValueError("a v128 needs exactly 16 bytes")
        return b
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an int or 16 bytes for a v128, got {type(value).__name__}")
    if not -(1 << 127) <= value < (1 << 128):
        raise OverflowError(f"{value} does not fit in a v128")
    return (value & ((1 << 128) - 1)).to_bytes(16, "little")


def bytes_to_v128(b):
    return int.from_bytes(b, "little")


def scalar_to_bytes(kind, value):
    """A numeric value in the low bytes of a 16-byte slot (wasmlift_func_call_v128)."""
    if kind == ffi.WASM_I32:
        return struct.pack("<i", _i32(value)).ljust(16, b"\0")
    if kind == ffi.WASM_I64:
        return struct.pack("<q", _i64(value)).ljust(16, b"\0")
    if kind == ffi.WASM_F32:
        return struct.pack("<f", _float(value, "f32")).ljust(16, b"\0")
    if kind == ffi.WASM_F64:
        return struct.pack("<d", _float(value, "f64")).ljust(16, b"\0")
    if kind == ffi.WASMLIFT_V128:
        return v128_to_bytes(value)
    raise TypeError("only numeric and v128 values can be passed with wasmlift_func_call_v128")


def bytes_to_scalar(kind, b):
    if kind == ffi.WASM_I32:
        return struct.unpack_from("<i", b)[0]
    if kind == ffi.WASM_I64:
        return struct.unpack_from("<q", b)[0]
    if kind == ffi.WASM_F32:
        return struct.unpack_from("<f", b)[0]
    if kind == ffi.WASM_F64:
        return struct.unpack_from("<d", b)[0]
    return bytes_to_v128(b[:16])
