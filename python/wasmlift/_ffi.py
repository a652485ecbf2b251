# Low-level ctypes bindings of wasm.h / wasmlift.h: the C structs and, for every C function the
# package uses, its restype and argtypes. tests/test_header.py checks all of them against the
# generated headers, so they cannot drift from the C API.
#
# Conventions (the same rules the header check applies): a pointer to an opaque C type (every
# object handle: wasm_store_t*, wasm_func_t*, wasm_valtype_t*, ...) is c_void_p; a pointer to a
# struct defined here is POINTER(that struct); `const char*` is c_char_p; `char*` is POINTER(c_char).
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    Union,
    c_bool,
    c_char,
    c_char_p,
    c_double,
    c_float,
    c_int32,
    c_int64,
    c_size_t,
    c_uint8,
    c_uint32,
    c_uint64,
    c_void_p,
)

from ._loader import load

# --- constants (checked against the header's enums and #defines) ---
WASM_CONST = 0
WASM_VAR = 1
WASM_I32 = 0
WASM_I64 = 1
WASM_F32 = 2
WASM_F64 = 3
WASMLIFT_V128 = 4
WASM_EXTERNREF = 128
WASM_FUNCREF = 129
WASM_EXTERN_FUNC = 0
WASM_EXTERN_GLOBAL = 1
WASM_EXTERN_TABLE = 2
WASM_EXTERN_MEMORY = 3
WASMLIFT_EXTERN_TAG = 4
wasm_limits_max_default = 0xFFFFFFFF
MEMORY_PAGE_SIZE = 0x10000
WASMLIFT_FEATURES_WASM2 = 2
WASMLIFT_FEATURES_WASM3 = 3
WASMLIFT_GCREF_OTHER = 0
WASMLIFT_GCREF_I31 = 1
WASMLIFT_GCREF_STRUCT = 2
WASMLIFT_GCREF_ARRAY = 3

CONSTANTS = {
    name: globals()[name]
    for name in (
        "WASM_CONST WASM_VAR WASM_I32 WASM_I64 WASM_F32 WASM_F64 WASMLIFT_V128 WASM_EXTERNREF "
        "WASM_FUNCREF WASM_EXTERN_FUNC WASM_EXTERN_GLOBAL WASM_EXTERN_TABLE WASM_EXTERN_MEMORY WASMLIFT_EXTERN_TAG "
        "wasm_limits_max_default MEMORY_PAGE_SIZE WASMLIFT_FEATURES_WASM2 WASMLIFT_FEATURES_WASM3 "
        "WASMLIFT_GCREF_OTHER WASMLIFT_GCREF_I31 WASMLIFT_GCREF_STRUCT WASMLIFT_GCREF_ARRAY"
    ).split()
}

# --- scalar typedefs ---
wasm_valkind_t = c_uint8
wasm_externkind_t = c_uint8
wasm_mutability_t = c_uint8


# --- structs ---
class wasm_val_union(Union):
    _fields_ = [("i32", c_int32), ("i64", c_int64), ("f32", c_float), ("f64", c_double), ("ref", c_void_p)]


class wasm_val_t(Structure):
    _fields_ = [("kind", wasm_valkind_t), ("of", wasm_val_union)]


class wasm_limits_t(Structure):
    _fields_ = [("min", c_uint32), ("max", c_uint32)]


class wasm_byte_vec_t(Structure):
    _fields_ = [("size", c_size_t), ("data", POINTER(c_char))]


class wasm_val_vec_t(Structure):
    _fields_ = [("size", c_size_t), ("data", POINTER(wasm_val_t))]


class wasmlift_gc_stats_t(Structure):
    _fields_ = [
        (name, c_uint64)
        for name in (
            "live_objects",
            "live_bytes",
            "collections",
            "freed_objects",
            "last_pause_ns",
            "max_pause_ns",
            "total_pause_ns",
        )
    ]


class wasmlift_lifetime_stats_t(Structure):
    _fields_ = [
        (name, c_uint64)
        for name in (
            "live_instances",
            "collected_instances",
            "collected_host_functions",
            "freed_instances",
            "freed_host_functions",
            "live_exceptions",
        )
    ]


def _handle_vec(name):
    return type(name, (Structure,), {"_fields_": [("size", c_size_t), ("data", POINTER(c_void_p))]})


wasm_valtype_vec_t = _handle_vec("wasm_valtype_vec_t")
wasm_importtype_vec_t = _handle_vec("wasm_importtype_vec_t")
wasm_exporttype_vec_t = _handle_vec("wasm_exporttype_vec_t")
wasm_extern_vec_t = _handle_vec("wasm_extern_vec_t")
wasm_frame_vec_t = _handle_vec("wasm_frame_vec_t")

# C struct name -> ctypes class (used by the header check).
STRUCTS = {
    cls.__name__: cls
    for cls in (
        wasm_val_union,
        wasm_val_t,
        wasm_limits_t,
        wasm_byte_vec_t,
        wasm_val_vec_t,
        wasm_valtype_vec_t,
        wasm_importtype_vec_t,
        wasm_exporttype_vec_t,
        wasm_extern_vec_t,
        wasm_frame_vec_t,
        wasmlift_gc_stats_t,
        wasmlift_lifetime_stats_t,
    )
}

# --- callback types ---
# The callback's result is a wasm_trap_t* (an opaque handle, so c_void_p as everywhere).
wasm_func_callback_with_env_t = CFUNCTYPE(c_void_p, c_void_p, POINTER(wasm_val_vec_t), POINTER(wasm_val_vec_t))
finalizer_t = CFUNCTYPE(None, c_void_p)

P = c_void_p  # an object handle
_bvec = POINTER(wasm_byte_vec_t)
_val = POINTER(wasm_val_t)
_vvec = POINTER(wasm_val_vec_t)
_tvec = POINTER(wasm_valtype_vec_t)
_limits = POINTER(wasm_limits_t)

# name -> (restype, [argtypes])
FUNCTIONS = {
    # vectors
    "wasm_byte_vec_new": (None, [_bvec, c_size_t, c_char_p]),
    "wasm_byte_vec_new_empty": (None, [_bvec]),
    "wasm_byte_vec_delete": (None, [_bvec]),
    "wasm_valtype_vec_new": (None, [_tvec, c_size_t, POINTER(c_void_p)]),
    "wasm_valtype_vec_new_empty": (None, [_tvec]),
    "wasm_valtype_vec_delete": (None, [_tvec]),
    "wasm_importtype_vec_delete": (None, [POINTER(wasm_importtype_vec_t)]),
    "wasm_exporttype_vec_delete": (None, [POINTER(wasm_exporttype_vec_t)]),
    "wasm_extern_vec_delete": (None, [POINTER(wasm_extern_vec_t)]),
    "wasm_frame_vec_delete": (None, [POINTER(wasm_frame_vec_t)]),
    "wasm_val_vec_delete": (None, [_vvec]),
    "wasm_val_delete": (None, [_val]),
    # config / engine / store
    "wasm_config_new": (P, []),
    "wasm_config_delete": (None, [P]),
    "wasm_engine_new": (P, []),
    "wasm_engine_new_with_config": (P, [P]),
    "wasm_engine_delete": (None, [P]),
    "wasm_store_new": (P, [P]),
    "wasm_store_delete": (None, [P]),
    "wasmlift_config_max_wasm_stack": (None, [P, c_size_t]),
    "wasmlift_config_explicit_bounds_checks": (None, [P, c_bool]),
    "wasmlift_config_compile_threads": (None, [P, c_size_t]),
    "wasmlift_config_max_memory_pages": (None, [P, c_uint64]),
    "wasmlift_config_huge_pages": (None, [P, c_bool]),
    "wasmlift_config_inlining": (None, [P, c_bool]),
    "wasmlift_config_feature_set": (c_bool, [P, c_uint32]),
    "wasmlift_config_multi_memory": (None, [P, c_bool]),
    "wasmlift_config_tail_call": (None, [P, c_bool]),
    "wasmlift_config_extended_const": (None, [P, c_bool]),
    "wasmlift_config_memory64": (None, [P, c_bool]),
    "wasmlift_config_function_references": (None, [P, c_bool]),
    "wasmlift_config_exceptions": (None, [P, c_bool]),
    "wasmlift_config_relaxed_simd": (None, [P, c_bool]),
    "wasmlift_config_gc": (None, [P, c_bool]),
    # errors / text format
    "wasmlift_error_message": (c_char_p, []),
    "wasmlift_wat2wasm": (c_bool, [c_char_p, c_size_t, _bvec]),
    "wasmlift_version": (c_char_p, []),
    # types
    "wasm_valtype_new": (P, [wasm_valkind_t]),
    "wasm_valtype_delete": (None, [P]),
    "wasm_valtype_kind": (wasm_valkind_t, [P]),
    "wasm_functype_new": (P, [_tvec, _tvec]),
    "wasm_functype_delete": (None, [P]),
    "wasm_functype_params": (_tvec, [P]),
    "wasm_functype_results": (_tvec, [P]),
    "wasm_globaltype_new": (P, [P, wasm_mutability_t]),
    "wasm_globaltype_delete": (None, [P]),
    "wasm_globaltype_content": (P, [P]),
    "wasm_globaltype_mutability": (wasm_mutability_t, [P]),
    "wasm_tabletype_new": (P, [P, _limits]),
    "wasm_tabletype_delete": (None, [P]),
    "wasm_tabletype_element": (P, [P]),
    "wasm_tabletype_limits": (_limits, [P]),
    "wasm_memorytype_new": (P, [_limits]),
    "wasm_memorytype_delete": (None, [P]),
    "wasm_memorytype_limits": (_limits, [P]),
    "wasm_externtype_kind": (wasm_externkind_t, [P]),
    "wasm_externtype_delete": (None, [P]),
    "wasm_externtype_as_functype_const": (P, [P]),
    "wasm_externtype_as_globaltype_const": (P, [P]),
    "wasm_externtype_as_tabletype_const": (P, [P]),
    "wasm_externtype_as_memorytype_const": (P, [P]),
    "wasm_importtype_module": (_bvec, [P]),
    "wasm_importtype_name": (_bvec, [P]),
    "wasm_importtype_type": (P, [P]),
    "wasm_exporttype_name": (_bvec, [P]),
    "wasm_exporttype_type": (P, [P]),
    # modules
    "wasm_module_new": (P, [P, _bvec]),
    "wasm_module_validate": (c_bool, [P, _bvec]),
    "wasm_module_delete": (None, [P]),
    "wasm_module_imports": (None, [P, POINTER(wasm_importtype_vec_t)]),
    "wasm_module_exports": (None, [P, POINTER(wasm_exporttype_vec_t)]),
    "wasm_module_serialize": (None, [P, _bvec]),
    "wasm_module_deserialize": (P, [P, _bvec]),
    # instances
    "wasm_instance_new": (P, [P, P, POINTER(wasm_extern_vec_t), POINTER(c_void_p)]),
    "wasm_instance_delete": (None, [P]),
    "wasm_instance_exports": (None, [P, POINTER(wasm_extern_vec_t)]),
    # externs
    "wasm_extern_kind": (wasm_externkind_t, [P]),
    "wasm_extern_copy": (P, [P]),
    "wasm_extern_delete": (None, [P]),
    "wasm_extern_as_func": (P, [P]),
    "wasm_extern_as_global": (P, [P]),
    "wasm_extern_as_table": (P, [P]),
    "wasm_extern_as_memory": (P, [P]),
    "wasm_func_as_extern": (P, [P]),
    "wasm_global_as_extern": (P, [P]),
    "wasm_table_as_extern": (P, [P]),
    "wasm_memory_as_extern": (P, [P]),
    # functions
    "wasm_func_new_with_env": (P, [P, P, wasm_func_callback_with_env_t, c_void_p, finalizer_t]),
    "wasm_func_type": (P, [P]),
    "wasm_func_call": (P, [P, _vvec, _vvec]),
    "wasm_func_copy": (P, [P]),
    "wasm_func_delete": (None, [P]),
    "wasm_func_same": (c_bool, [P, P]),
    "wasm_func_as_ref": (P, [P]),
    "wasm_ref_as_func": (P, [P]),
    "wasmlift_func_call_v128": (P, [P, P, c_size_t]),
    # the store's GC heap (wasmlift.h)
    "wasmlift_store_gc": (None, [P]),
    "wasmlift_store_gc_heap_limit": (None, [P, c_uint64]),
    "wasmlift_store_gc_stats": (c_bool, [P, POINTER(wasmlift_gc_stats_t)]),
    "wasmlift_store_lifetime_stats": (c_bool, [P, POINTER(wasmlift_lifetime_stats_t)]),
    # GC references (wasmlift.h)
    "wasmlift_ref_gc_kind": (c_uint8, [P]),
    "wasmlift_ref_i31_get": (c_bool, [P, c_bool, POINTER(c_int32)]),
    "wasmlift_ref_struct_len": (c_size_t, [P]),
    "wasmlift_ref_array_len": (c_size_t, [P]),
    "wasmlift_ref_struct_get": (c_bool, [P, c_size_t, c_bool, _val]),
    "wasmlift_ref_array_get": (c_bool, [P, c_size_t, c_bool, _val]),
    # globals
    "wasm_global_new": (P, [P, P, _val]),
    "wasm_global_type": (P, [P]),
    "wasm_global_get": (None, [P, _val]),
    "wasm_global_set": (None, [P, _val]),
    "wasm_global_delete": (None, [P]),
    # tables
    "wasm_table_new": (P, [P, P, P]),
    "wasm_table_type": (P, [P]),
    "wasm_table_get": (P, [P, c_uint32]),
    "wasm_table_set": (c_bool, [P, c_uint32, P]),
    "wasm_table_size": (c_uint32, [P]),
    "wasm_table_grow": (c_bool, [P, c_uint32, P]),
    "wasm_table_delete": (None, [P]),
    # memories
    "wasm_memory_new": (P, [P, P]),
    "wasm_memory_type": (P, [P]),
    "wasm_memory_data": (POINTER(c_char), [P]),
    "wasm_memory_data_size": (c_size_t, [P]),
    "wasm_memory_size": (c_uint32, [P]),
    "wasm_memory_grow": (c_bool, [P, c_uint32]),
    # memory64: 64-bit limits, sizes and index types (wasmlift.h)
    "wasmlift_memorytype_new64": (P, [c_uint64, c_bool, c_uint64, c_bool]),
    "wasmlift_memorytype_is64": (c_bool, [P]),
    "wasmlift_memorytype_limits64": (c_bool, [P, POINTER(c_uint64), POINTER(c_bool), POINTER(c_uint64)]),
    "wasmlift_tabletype_new64": (P, [P, c_uint64, c_bool, c_uint64, c_bool]),
    "wasmlift_tabletype_is64": (c_bool, [P]),
    "wasmlift_tabletype_limits64": (c_bool, [P, POINTER(c_uint64), POINTER(c_bool), POINTER(c_uint64)]),
    "wasmlift_memory_size64": (c_uint64, [P]),
    "wasmlift_memory_grow64": (c_bool, [P, c_uint64, POINTER(c_uint64)]),
    "wasm_memory_delete": (None, [P]),
    # references and foreign objects (externref payloads)
    "wasm_ref_delete": (None, [P]),
    "wasm_ref_copy": (P, [P]),
    "wasm_ref_same": (c_bool, [P, P]),
    "wasm_ref_as_foreign": (P, [P]),
    "wasm_foreign_new": (P, [P]),
    "wasm_foreign_as_ref": (P, [P]),
    "wasm_foreign_copy": (P, [P]),
    "wasm_foreign_delete": (None, [P]),
    "wasm_foreign_get_host_info": (c_void_p, [P]),
    "wasm_foreign_set_host_info_with_finalizer": (None, [P, c_void_p, finalizer_t]),
    # traps and frames
    "wasm_trap_new": (P, [P, _bvec]),
    "wasm_trap_delete": (None, [P]),
    "wasm_trap_copy": (P, [P]),
    # exception handling: tags and traps carrying exceptions (wasmlift.h)
    "wasmlift_tagtype_new": (P, [P]),
    "wasmlift_tagtype_delete": (None, [P]),
    "wasmlift_tagtype_params": (_tvec, [P]),
    "wasmlift_externtype_as_tagtype_const": (P, [P]),
    "wasmlift_tag_new": (P, [P, P]),
    "wasmlift_tag_delete": (None, [P]),
    "wasmlift_tag_same": (c_bool, [P, P]),
    "wasmlift_tag_type": (P, [P]),
    "wasmlift_tag_as_extern": (P, [P]),
    "wasmlift_extern_as_tag": (P, [P]),
    "wasmlift_exception_trap_new": (P, [P, P, _vvec]),
    "wasmlift_trap_exception_tag": (P, [P]),
    "wasmlift_trap_exception_args": (c_bool, [P, _vvec]),
    "wasm_trap_message": (None, [P, _bvec]),
    "wasm_trap_get_host_info": (c_void_p, [P]),
    "wasm_trap_set_host_info_with_finalizer": (None, [P, c_void_p, finalizer_t]),
    "wasm_trap_trace": (None, [P, POINTER(wasm_frame_vec_t)]),
    "wasm_trap_origin": (P, [P]),
    "wasm_frame_delete": (None, [P]),
    "wasm_frame_func_index": (c_uint32, [P]),
    "wasm_frame_func_offset": (c_size_t, [P]),
    "wasm_frame_module_offset": (c_size_t, [P]),
}

lib = load()
LIBRARY_PATH = lib._wasmlift_path

for _name, (_res, _args) in FUNCTIONS.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args
    globals()[_name] = _f
del _name, _res, _args, _f


def error_message():
    """The engine's last failure message on this thread (wasmlift_error_message)."""
    raw = wasmlift_error_message()  # noqa: F821 - bound above
    return raw.decode("utf-8", "replace") if raw else ""


def library_version():
    """The loaded library's version string (wasmlift_version), e.g. "0.1.0"."""
    return wasmlift_version().decode("ascii")  # noqa: F821 - bound above
