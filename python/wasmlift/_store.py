# Config, Engine, Store and Module: the objects that compile WebAssembly and own runtime state.
# Every wrapper deletes its C handle exactly once (weakref.finalize), and objects created in a
# store keep the Python Store (and so the C store) alive.
import os
import weakref
from ctypes import POINTER, byref, c_char, c_char_p, cast, string_at

from . import _ffi as ffi
from ._errors import WasmError, last_error
from ._types import _exporttype_from_c, _importtype_from_c


# WebAssembly proposals with a switch of their own (Config(memory64=False), ...).
PROPOSALS = (
    "multi_memory",
    "tail_call",
    "extended_const",
    "memory64",
    "function_references",
    "exceptions",
    "relaxed_simd",
    "gc",
)


class Config:
    """Engine settings (wasmlift extensions). Consumed by the Engine made from it.

    features="3.0" (the default) or "2.0" selects a WebAssembly version's feature set; a
    keyword named after a proposal (see PROPOSALS) then switches that proposal on or off."""

    def __init__(
        self,
        *,
        max_wasm_stack=None,
        explicit_bounds_checks=None,
        compile_threads=None,
        max_memory_pages=None,
        huge_pages=None,
        inlining=None,
        features=None,
        **proposals,
    ):
        unknown = sorted(set(proposals) - set(PROPOSALS))
        if unknown:
            raise TypeError(f"Config: unknown setting(s) {', '.join(unknown)}")
        sets = {"2.0": ffi.WASMLIFT_FEATURES_WASM2, "3.0": ffi.WASMLIFT_FEATURES_WASM3}
        if features is not None and features not in sets:
            raise ValueError(f"Config: features must be one of {', '.join(sets)}, not {features!r}")
        self._ptr = ffi.wasm_config_new()
        if not self._ptr:
            raise WasmError("wasm_config_new failed")
        self._finalizer = weakref.finalize(self, ffi.wasm_config_delete, self._ptr)
        if features is not None and not ffi.wasmlift_config_feature_set(self._ptr, sets[features]):
            raise last_error("wasmlift_config_feature_set failed")
        for name, on in proposals.items():
            getattr(ffi, "wasmlift_config_" + name)(self._ptr, bool(on))
        if max_wasm_stack is not None:
            self.max_wasm_stack = max_wasm_stack
        if explicit_bounds_checks is not None:
            self.explicit_bounds_checks = explicit_bounds_checks
        if compile_threads is not None:
            self.compile_threads = compile_threads
        if max_memory_pages is not None:
            self.max_memory_pages = max_memory_pages
        if huge_pages is not None:
            self.huge_pages = huge_pages
        if inlining is not None:
            self.inlining = inlining

    def _live(self):
        if not self._finalizer.alive:
            raise WasmError("this Config was already used to create an Engine")
        return self._ptr

    def _setter(cfunc):  # noqa: N805 - a decorator factory used in the class body
        def setter(self, value):
            cfunc(self._live(), value)

        return property(None, setter)

    max_wasm_stack = _setter(ffi.wasmlift_config_max_wasm_stack)
    explicit_bounds_checks = _setter(ffi.wasmlift_config_explicit_bounds_checks)
    compile_threads = _setter(ffi.wasmlift_config_compile_threads)
    max_memory_pages = _setter(ffi.wasmlift_config_max_memory_pages)
    # Transparent huge pages for linear memories (off by default, see wasmlift.h).
    huge_pages = _setter(ffi.wasmlift_config_huge_pages)
    # Inlining of small callees in optimized code (on by default; frames stay exact).
    inlining = _setter(ffi.wasmlift_config_inlining)
    del _setter

    def _take(self):
        ptr = self._live()
        self._finalizer.detach()  # ownership passes to wasm_engine_new_with_config
        return ptr


class Engine:
    """A compilation engine."""

    def __init__(self, config=None):
        if config is None:
            self._ptr = ffi.wasm_engine_new()
        else:
            self._ptr = ffi.wasm_engine_new_with_config(config._take())
        if not self._ptr:
            raise last_error("could not create an engine")
        weakref.finalize(self, ffi.wasm_engine_delete, self._ptr)


class Store:
    """A store of runtime objects (instances, functions, memories, ...); use from one thread
    at a time. Objects made in a store keep it alive."""

    def __init__(self, engine=None):
        self.engine = engine if engine is not None else Engine()
        self._ptr = ffi.wasm_store_new(self.engine._ptr)
        if not self._ptr:
            raise last_error("could not create a store")
        # id(Python object) -> (object, owned wasm_foreign_t*) for externrefs (see _values).
        self._foreigns = {}
        weakref.finalize(self, _delete_store, self._ptr, self._foreigns)

    def gc(self):
        """Collects the store's GC heap now (structs, arrays and host values that entered wasm
        as externrefs and that nothing reaches any more)."""
        ffi.wasmlift_store_gc(self._ptr)

    def set_gc_heap_limit(self, limit):
        """Limits the store's GC heap to `limit` bytes (None: no limit). Allocations past it
        fail: wasm traps with "out of memory: GC allocation failed", the API with an error."""
        if limit is not None and (not isinstance(limit, int) or limit <= 0):
            raise ValueError(f"set_gc_heap_limit: limit must be a positive int or None, not {limit!r}")
        ffi.wasmlift_store_gc_heap_limit(self._ptr, 0 if limit is None else limit)

    def gc_stats(self):
        """The store's GC heap as a dict: live_objects, live_bytes, collections, freed_objects,
        last_pause_ns, max_pause_ns, total_pause_ns."""
        out = ffi.wasmlift_gc_stats_t()
        if not ffi.wasmlift_store_gc_stats(self._ptr, byref(out)):
            raise last_error("wasmlift_store_gc_stats failed")
        return {name: getattr(out, name) for name, _ in out._fields_}

    def lifetime_stats(self):
        """The store's instances as a dict: live_instances, collected_instances and
        collected_host_functions (those whose function references went into tables, globals or
        GC objects: freed by the first collection after nothing reaches them), freed_instances,
        freed_host_functions, live_exceptions (kept while wasm may reach them)."""
        out = ffi.wasmlift_lifetime_stats_t()
        if not ffi.wasmlift_store_lifetime_stats(self._ptr, byref(out)):
            raise last_error("wasmlift_store_lifetime_stats failed")
        return {name: getattr(out, name) for name, _ in out._fields_}


def _delete_store(ptr, foreigns):
    for _, foreign in foreigns.values():
        ffi.wasm_foreign_delete(foreign)
    foreigns.clear()
    ffi.wasm_store_delete(ptr)


def _byte_vec(data):
    """A wasm_byte_vec_t viewing `data` (bytes) without copying; valid while `data` lives."""
    vec = ffi.wasm_byte_vec_t()
    vec.size = len(data)
    vec.data = cast(c_char_p(data), POINTER(c_char))
    vec._keep = data
    return vec


def _take_bytes(vec):
    """Copies an owned wasm_byte_vec_t into bytes and deletes it."""
    try:
        return string_at(vec.data, vec.size) if vec.size else b""
    finally:
        ffi.wasm_byte_vec_delete(byref(vec))


def wat2wasm(wat):
    """Translates WebAssembly text (str or bytes) to a binary module; WasmError on bad text."""
    if isinstance(wat, str):
        wat = wat.encode("utf-8")
    out = ffi.wasm_byte_vec_t()
    if not ffi.wasmlift_wat2wasm(wat, len(wat), byref(out)):
        ffi.wasm_byte_vec_delete(byref(out))
        raise last_error("wat2wasm failed")
    return _take_bytes(out)


def _as_binary(wasm):
    """Binary module bytes from bytes/bytearray/memoryview (binary or text) or str (text)."""
    if isinstance(wasm, str):
        return wat2wasm(wasm)
    if isinstance(wasm, (bytearray, memoryview)):
        wasm = bytes(wasm)
    if not isinstance(wasm, bytes):
        raise TypeError(f"expected bytes or str, got {type(wasm).__name__}")
    if wasm[:4] == b"\0asm":
        return wasm
    return wat2wasm(wasm)


class Module:
    """A compiled module: Module(store, wasm) where wasm is binary bytes or text (str/bytes)."""

    def __init__(self, store, wasm):
        if not isinstance(store, Store):
            raise TypeError(f"expected a Store, got {type(store).__name__}")
        binary = _as_binary(wasm)
        vec = _byte_vec(binary)
        ptr = ffi.wasm_module_new(store._ptr, byref(vec))
        if not ptr:
            raise last_error("invalid module")
        self._init(store, ptr)

    def _init(self, store, ptr):
        self.store = store
        self._ptr = ptr
        self._imports = None
        self._exports = None
        weakref.finalize(self, ffi.wasm_module_delete, ptr)

    @classmethod
    def from_file(cls, store, path):
        """Loads a .wasm (binary) or .wat (text) file."""
        with open(os.fspath(path), "rb") as f:
            return cls(store, f.read())

    @staticmethod
    def validate(store, wasm):
        """Returns None if `wasm` is a valid module, else raises WasmError with the reason."""
        binary = _as_binary(wasm)
        vec = _byte_vec(binary)
        if not ffi.wasm_module_validate(store._ptr, byref(vec)):
            raise last_error("invalid module")

    @property
    def imports(self):
        """[ImportType] in declaration order."""
        if self._imports is None:
            vec = ffi.wasm_importtype_vec_t()
            ffi.wasm_module_imports(self._ptr, byref(vec))
            try:
                self._imports = [_importtype_from_c(vec.data[i]) for i in range(vec.size)]
            finally:
                ffi.wasm_importtype_vec_delete(byref(vec))
        return list(self._imports)

    @property
    def exports(self):
        """[ExportType] in declaration order."""
        if self._exports is None:
            vec = ffi.wasm_exporttype_vec_t()
            ffi.wasm_module_exports(self._ptr, byref(vec))
            try:
                self._exports = [_exporttype_from_c(vec.data[i]) for i in range(vec.size)]
            finally:
                ffi.wasm_exporttype_vec_delete(byref(vec))
        return list(self._exports)

    def serialize(self):
        """The compiled module as bytes, loadable with Module.deserialize without compiling."""
        out = ffi.wasm_byte_vec_t()
        ffi.wasm_module_serialize(self._ptr, byref(out))
        return _take_bytes(out)

    @classmethod
    def deserialize(cls, store, data):
        """Loads bytes made by serialize(); WasmError for foreign or corrupted data."""
        data = bytes(data)
        vec = _byte_vec(data)
        ptr = ffi.wasm_module_deserialize(store._ptr, byref(vec))
        if not ptr:
            raise last_error("could not deserialize the module")
        m = cls.__new__(cls)
        m._init(store, ptr)
        return m
