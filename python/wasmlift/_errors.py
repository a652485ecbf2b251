# Exceptions (WasmError, LinkError, Trap with frames) and the bridge that carries a Python
# exception raised in a host function through WebAssembly as a trap and re-raises it, with its
# original type and traceback, where the wasm call returns.
import itertools
import threading
import weakref
from ctypes import byref, string_at

from . import _ffi as ffi


class WasmError(Exception):
    """An error reported by the engine (invalid module, bad text, failed operation)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class LinkError(WasmError):
    """Instantiation failed because an import is missing or has the wrong type."""


class Frame:
    """One WebAssembly frame of a trap's stack trace."""

    __slots__ = ("func_index", "func_offset", "module_offset")

    def __init__(self, func_index, func_offset, module_offset):
        self.func_index = func_index
        self.func_offset = func_offset
        self.module_offset = module_offset

    def __repr__(self):
        return f"Frame(func_index={self.func_index}, func_offset={self.func_offset:#x}, module_offset={self.module_offset:#x})"


class Trap(WasmError):
    """A WebAssembly trap. `.message` is the engine's message, `.frames` the wasm frames
    (innermost first), `.origin` the innermost frame or None."""

    def __init__(self, message, frames=()):
        super().__init__(message)
        self.frames = list(frames)

    @property
    def origin(self):
        return self.frames[0] if self.frames else None

    def __str__(self):
        if not self.frames:
            return self.message
        trace = "\n".join(f"  {i}: func {f.func_index} at module offset {f.module_offset:#x}" for i, f in enumerate(self.frames))
        return f"{self.message}\nwasm backtrace:\n{trace}"


class WasmException(Trap):
    """A WebAssembly exception no wasm handler caught: `.tag` (a Tag) and `.args` (the payload).

    A host function that raises a WasmException, or lets one from a nested call propagate,
    throws it on into the wasm code that called it, where a `try_table` may catch it. Raise
    WasmException(tag, args) to throw a new exception of `tag` from the host."""

    def __init__(self, tag, args=(), message=None, frames=()):
        super().__init__(message or f"uncaught exception of a host tag with payload {list(args)!r}", frames)
        self.tag = tag
        self.payload = tuple(args)
        self._trap = None  # an owned trap handle carrying the very exception, when it came from wasm


def _frame_from_c(ptr):
    return Frame(ffi.wasm_frame_func_index(ptr), ffi.wasm_frame_func_offset(ptr), ffi.wasm_frame_module_offset(ptr))


def trap_message(trap_ptr):
    out = ffi.wasm_byte_vec_t()
    ffi.wasm_trap_message(trap_ptr, byref(out))
    try:
        raw = string_at(out.data, out.size) if out.size else b""
    finally:
        ffi.wasm_byte_vec_delete(byref(out))
    return raw.rstrip(b"\0").decode("utf-8", "replace")


def trap_frames(trap_ptr):
    vec = ffi.wasm_frame_vec_t()
    ffi.wasm_trap_trace(trap_ptr, byref(vec))
    try:
        return [_frame_from_c(vec.data[i]) for i in range(vec.size)]
    finally:
        ffi.wasm_frame_vec_delete(byref(vec))


# --- host exceptions carried through wasm ---
#
# A host function that raises gets a trap whose host info is a fresh id; the exception waits
# in _pending under that id. The id survives the trip through wasm (host info belongs to the
# trap object, not to a handle), so the caller finds the exception again when the call returns
# the trap. A finalizer on the host info drops the entry if the trap is never seen by Python
# (it may run on whichever thread frees the trap, hence a locked dict rather than a
# thread-local).
_pending = {}
_pending_lock = threading.Lock()
_ids = itertools.count(1)


@ffi.finalizer_t
def _drop_pending(info):
    with _pending_lock:
        _pending.pop(info, None)


def new_trap_for_exception(store, exc):
    """A new trap (owned) carrying `exc`; returned to the engine by a host function. A
    WasmException becomes a trap carrying the wasm exception, which the engine throws on."""
    store_ptr = store._ptr
    if isinstance(exc, WasmException):
        if exc._trap is not None:
            return ffi.wasm_trap_copy(exc._trap)
        trap = _exception_trap(store, exc)
        if trap:
            return trap
    text = f"host function raised {type(exc).__name__}: {exc}".encode("utf-8", "replace")
    msg = ffi.wasm_byte_vec_t()
    ffi.wasm_byte_vec_new(byref(msg), len(text), text)
    trap = ffi.wasm_trap_new(store_ptr, byref(msg))
    ffi.wasm_byte_vec_delete(byref(msg))
    if trap:
        key = next(_ids)
        with _pending_lock:
            _pending[key] = exc
        ffi.wasm_trap_set_host_info_with_finalizer(trap, key, _drop_pending)
    return trap


def _exception_trap(store, exc):
    """A trap carrying a new wasm exception of `exc.tag` with payload `exc.payload`, or NULL."""
    from ._values import release_val, to_val

    kinds = [t.kind for t in exc.tag.type.params]
    if len(kinds) != len(exc.payload):
        return None
    vals = (ffi.wasm_val_t * max(len(kinds), 1))()
    for i, (kind, value) in enumerate(zip(kinds, exc.payload)):
        to_val(store, kind, value, vals[i])
    try:
        return ffi.wasmlift_exception_trap_new(store._ptr, exc.tag._ptr, byref(ffi.wasm_val_vec_t(len(kinds), vals)))
    finally:
        for i in range(len(kinds)):
            release_val(vals[i])


def wasm_exception(store, trap_ptr, tag_ptr):
    """The WasmException for an owned trap carrying a wasm exception (the trap is kept)."""
    from ._externs import Tag
    from ._values import from_val

    vec = ffi.wasm_val_vec_t()
    args = ()
    if ffi.wasmlift_trap_exception_args(trap_ptr, byref(vec)):
        try:
            args = tuple(from_val(store, vec.data[i]) for i in range(vec.size))
        finally:
            ffi.wasm_val_vec_delete(byref(vec))
    exc = WasmException(Tag._wrap(store, tag_ptr), args, trap_message(trap_ptr), trap_frames(trap_ptr))
    exc._trap = ffi.wasm_trap_copy(trap_ptr)
    weakref.finalize(exc, ffi.wasm_trap_delete, exc._trap)
    return exc


def raise_trap(trap_ptr, store=None):
    """Consumes an owned trap handle and raises: the host exception it carries, if any (with
    its original traceback), a WasmException for an uncaught wasm exception (with `store`),
    else a Trap."""
    try:
        key = ffi.wasm_trap_get_host_info(trap_ptr)
        exc = None
        if key:
            with _pending_lock:
                exc = _pending.pop(key, None)
        if exc is None:
            tag = ffi.wasmlift_trap_exception_tag(trap_ptr) if store is not None else None
            if tag:
                err = wasm_exception(store, trap_ptr, tag)
            else:
                err = Trap(trap_message(trap_ptr), trap_frames(trap_ptr))
    finally:
        ffi.wasm_trap_delete(trap_ptr)
    if exc is not None:
        raise exc
    raise err


def last_error(default):
    """A WasmError with the engine's last message (or `default` when there is none)."""
    return WasmError(ffi.error_message() or default)
