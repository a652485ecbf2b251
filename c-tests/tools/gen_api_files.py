#!/usr/bin/env python3
# Generates c-tests/wasm_api_functions.txt and c-tests/standard_decls.h: the 280 functions of the
# standard WebAssembly C API (WebAssembly/wasm-c-api wasm.h, without the later tag-type
# additions), transcribed here as the header's macro invocations plus its explicit prototypes.
# Run once when the standard changes; the outputs are checked in.
import os

HERE = os.path.dirname(os.path.abspath(__file__))
decls = []  # (name, prototype)


def fn(ret, name, *params):
    decls.append((name, f"WASM_API_EXTERN {ret} {name}({', '.join(params) if params else 'void'});"))


def own(n):
    fn("void", f"wasm_{n}_delete", f"wasm_{n}_t*")


def vec(n, ptr):
    t, v = f"wasm_{n}_t", f"wasm_{n}_vec_t"
    fn("void", f"wasm_{n}_vec_new_empty", f"{v}* out")
    fn("void", f"wasm_{n}_vec_new_uninitialized", f"{v}* out", "size_t")
    fn("void", f"wasm_{n}_vec_new", f"{v}* out", "size_t", f"{t}{ptr} const[]")
    fn("void", f"wasm_{n}_vec_copy", f"{v}* out", f"const {v}*")
    fn("void", f"wasm_{n}_vec_delete", f"{v}*")


def type_(n):
    own(n)
    vec(n, "*")
    fn(f"wasm_{n}_t*", f"wasm_{n}_copy", f"const wasm_{n}_t*")


def ref_base(n):
    t = f"wasm_{n}_t"
    own(n)
    fn(f"{t}*", f"wasm_{n}_copy", f"const {t}*")
    fn("bool", f"wasm_{n}_same", f"const {t}*", f"const {t}*")
    fn("void*", f"wasm_{n}_get_host_info", f"const {t}*")
    fn("void", f"wasm_{n}_set_host_info", f"{t}*", "void*")
    fn("void", f"wasm_{n}_set_host_info_with_finalizer", f"{t}*", "void*", "void (*)(void*)")


def ref(n):
    t = f"wasm_{n}_t"
    ref_base(n)
    fn("wasm_ref_t*", f"wasm_{n}_as_ref", f"{t}*")
    fn(f"{t}*", f"wasm_ref_as_{n}", "wasm_ref_t*")
    fn("const wasm_ref_t*", f"wasm_{n}_as_ref_const", f"const {t}*")
    fn(f"const {t}*", f"wasm_ref_as_{n}_const", "const wasm_ref_t*")


def sharable_ref(n):
    ref(n)
    own(f"shared_{n}")
    fn(f"wasm_shared_{n}_t*", f"wasm_{n}_share", f"const wasm_{n}_t*")
    fn(f"wasm_{n}_t*", f"wasm_{n}_obtain", "wasm_store_t*", f"const wasm_shared_{n}_t*")


vec("byte", "")
own("config")
fn("wasm_config_t*", "wasm_config_new")
own("engine")
fn("wasm_engine_t*", "wasm_engine_new")
fn("wasm_engine_t*", "wasm_engine_new_with_config", "wasm_config_t*")
own("store")
fn("wasm_store_t*", "wasm_store_new", "wasm_engine_t*")

type_("valtype")
fn("wasm_valtype_t*", "wasm_valtype_new", "wasm_valkind_t")
fn("wasm_valkind_t", "wasm_valtype_kind", "const wasm_valtype_t*")
type_("functype")
fn("wasm_functype_t*", "wasm_functype_new", "wasm_valtype_vec_t* params", "wasm_valtype_vec_t* results")
fn("const wasm_valtype_vec_t*", "wasm_functype_params", "const wasm_functype_t*")
fn("const wasm_valtype_vec_t*", "wasm_functype_results", "const wasm_functype_t*")
type_("globaltype")
fn("wasm_globaltype_t*", "wasm_globaltype_new", "wasm_valtype_t*", "wasm_mutability_t")
fn("const wasm_valtype_t*", "wasm_globaltype_content", "const wasm_globaltype_t*")
fn("wasm_mutability_t", "wasm_globaltype_mutability", "const wasm_globaltype_t*")
type_("tabletype")
fn("wasm_tabletype_t*", "wasm_tabletype_new", "wasm_valtype_t*", "const wasm_limits_t*")
fn("const wasm_valtype_t*", "wasm_tabletype_element", "const wasm_tabletype_t*")
fn("const wasm_limits_t*", "wasm_tabletype_limits", "const wasm_tabletype_t*")
type_("memorytype")
fn("wasm_memorytype_t*", "wasm_memorytype_new", "const wasm_limits_t*")
fn("const wasm_limits_t*", "wasm_memorytype_limits", "const wasm_memorytype_t*")
type_("externtype")
fn("wasm_externkind_t", "wasm_externtype_kind", "const wasm_externtype_t*")
SUB = ["functype", "globaltype", "tabletype", "memorytype"]
for k in SUB:
    fn("wasm_externtype_t*", f"wasm_{k}_as_externtype", f"wasm_{k}_t*")
for k in SUB:
    fn(f"wasm_{k}_t*", f"wasm_externtype_as_{k}", "wasm_externtype_t*")
for k in SUB:
    fn("const wasm_externtype_t*", f"wasm_{k}_as_externtype_const", f"const wasm_{k}_t*")
for k in SUB:
    fn(f"const wasm_{k}_t*", f"wasm_externtype_as_{k}_const", "const wasm_externtype_t*")
type_("importtype")
fn("wasm_importtype_t*", "wasm_importtype_new", "wasm_name_t* module", "wasm_name_t* name", "wasm_externtype_t*")
fn("const wasm_name_t*", "wasm_importtype_module", "const wasm_importtype_t*")
fn("const wasm_name_t*", "wasm_importtype_name", "const wasm_importtype_t*")
fn("const wasm_externtype_t*", "wasm_importtype_type", "const wasm_importtype_t*")
type_("exporttype")
fn("wasm_exporttype_t*", "wasm_exporttype_new", "wasm_name_t*", "wasm_externtype_t*")
fn("const wasm_name_t*", "wasm_exporttype_name", "const wasm_exporttype_t*")
fn("const wasm_externtype_t*", "wasm_exporttype_type", "const wasm_exporttype_t*")

fn("void", "wasm_val_delete", "wasm_val_t* v")
fn("void", "wasm_val_copy", "wasm_val_t* out", "const wasm_val_t*")
vec("val", "")
ref_base("ref")
own("frame")
vec("frame", "*")
fn("wasm_frame_t*", "wasm_frame_copy", "const wasm_frame_t*")
fn("struct wasm_instance_t*", "wasm_frame_instance", "const wasm_frame_t*")
fn("uint32_t", "wasm_frame_func_index", "const wasm_frame_t*")
fn("size_t", "wasm_frame_func_offset", "const wasm_frame_t*")
fn("size_t", "wasm_frame_module_offset", "const wasm_frame_t*")
ref("trap")
fn("wasm_trap_t*", "wasm_trap_new", "wasm_store_t* store", "const wasm_message_t*")
fn("void", "wasm_trap_message", "const wasm_trap_t*", "wasm_message_t* out")
fn("wasm_frame_t*", "wasm_trap_origin", "const wasm_trap_t*")
fn("void", "wasm_trap_trace", "const wasm_trap_t*", "wasm_frame_vec_t* out")
ref("foreign")
fn("wasm_foreign_t*", "wasm_foreign_new", "wasm_store_t*")
sharable_ref("module")
fn("wasm_module_t*", "wasm_module_new", "wasm_store_t*", "const wasm_byte_vec_t* binary")
fn("bool", "wasm_module_validate", "wasm_store_t*", "const wasm_byte_vec_t* binary")
fn("void", "wasm_module_imports", "const wasm_module_t*", "wasm_importtype_vec_t* out")
fn("void", "wasm_module_exports", "const wasm_module_t*", "wasm_exporttype_vec_t* out")
fn("void", "wasm_module_serialize", "const wasm_module_t*", "wasm_byte_vec_t* out")
fn("wasm_module_t*", "wasm_module_deserialize", "wasm_store_t*", "const wasm_byte_vec_t*")
ref("func")
fn("wasm_func_t*", "wasm_func_new", "wasm_store_t*", "const wasm_functype_t*", "wasm_func_callback_t")
fn("wasm_func_t*", "wasm_func_new_with_env", "wasm_store_t*", "const wasm_functype_t* type",
   "wasm_func_callback_with_env_t", "void* env", "void (*finalizer)(void*)")
fn("wasm_functype_t*", "wasm_func_type", "const wasm_func_t*")
fn("size_t", "wasm_func_param_arity", "const wasm_func_t*")
fn("size_t", "wasm_func_result_arity", "const wasm_func_t*")
fn("wasm_trap_t*", "wasm_func_call", "const wasm_func_t*", "const wasm_val_vec_t* args", "wasm_val_vec_t* results")
ref("global")
fn("wasm_global_t*", "wasm_global_new", "wasm_store_t*", "const wasm_globaltype_t*", "const wasm_val_t*")
fn("wasm_globaltype_t*", "wasm_global_type", "const wasm_global_t*")
fn("void", "wasm_global_get", "const wasm_global_t*", "wasm_val_t* out")
fn("void", "wasm_global_set", "wasm_global_t*", "const wasm_val_t*")
ref("table")
fn("wasm_table_t*", "wasm_table_new", "wasm_store_t*", "const wasm_tabletype_t*", "wasm_ref_t* init")
fn("wasm_tabletype_t*", "wasm_table_type", "const wasm_table_t*")
fn("wasm_ref_t*", "wasm_table_get", "const wasm_table_t*", "wasm_table_size_t index")
fn("bool", "wasm_table_set", "wasm_table_t*", "wasm_table_size_t index", "wasm_ref_t*")
fn("wasm_table_size_t", "wasm_table_size", "const wasm_table_t*")
fn("bool", "wasm_table_grow", "wasm_table_t*", "wasm_table_size_t delta", "wasm_ref_t* init")
ref("memory")
fn("wasm_memory_t*", "wasm_memory_new", "wasm_store_t*", "const wasm_memorytype_t*")
fn("wasm_memorytype_t*", "wasm_memory_type", "const wasm_memory_t*")
fn("byte_t*", "wasm_memory_data", "wasm_memory_t*")
fn("size_t", "wasm_memory_data_size", "const wasm_memory_t*")
fn("wasm_memory_pages_t", "wasm_memory_size", "const wasm_memory_t*")
fn("bool", "wasm_memory_grow", "wasm_memory_t*", "wasm_memory_pages_t delta")
ref("extern")
vec("extern", "*")
fn("wasm_externkind_t", "wasm_extern_kind", "const wasm_extern_t*")
fn("wasm_externtype_t*", "wasm_extern_type", "const wasm_extern_t*")
EXT = ["func", "global", "table", "memory"]
for k in EXT:
    fn("wasm_extern_t*", f"wasm_{k}_as_extern", f"wasm_{k}_t*")
for k in EXT:
    fn(f"wasm_{k}_t*", f"wasm_extern_as_{k}", "wasm_extern_t*")
for k in EXT:
    fn("const wasm_extern_t*", f"wasm_{k}_as_extern_const", f"const wasm_{k}_t*")
for k in EXT:
    fn(f"const wasm_{k}_t*", f"wasm_extern_as_{k}_const", "const wasm_extern_t*")
ref("instance")
fn("wasm_instance_t*", "wasm_instance_new", "wasm_store_t*", "const wasm_module_t*",
   "const wasm_extern_vec_t* imports", "wasm_trap_t**")
fn("void", "wasm_instance_exports", "const wasm_instance_t*", "wasm_extern_vec_t* out")

names = [n for n, _ in decls]
assert len(names) == 280 and len(set(names)) == 280, len(names)

with open(os.path.join(HERE, "..", "wasm_api_functions.txt"), "w") as f:
    f.write("# The 280 functions declared by the standard WebAssembly C API header (wasm.h of\n")
    f.write("# WebAssembly/wasm-c-api, without later tag-type additions), one per line, in header order.\n")
    f.write("# Generated by c-tests/tools/gen_api_files.py; used by c-tests/check_api.sh.\n")
    f.write("".join(n + "\n" for n in names))

with open(os.path.join(HERE, "..", "standard_decls.h"), "w") as f:
    f.write("// The standard's prototypes of all 280 wasm.h functions, re-declared after including our\n")
    f.write("// wasm.h: C and C++ reject a redeclaration whose types differ, so this checks every\n")
    f.write("// signature (const-ness included). Generated by c-tests/tools/gen_api_files.py.\n")
    f.write("#ifndef WASMLIFT_STANDARD_DECLS_H\n#define WASMLIFT_STANDARD_DECLS_H\n")
    f.write("#ifdef __cplusplus\nextern \"C\" {\n#endif\n")
    f.write("".join(p + "\n" for _, p in decls))
    f.write("#ifdef __cplusplus\n}\n#endif\n")
    # The address-taking table of header_test.c.
    f.write("\n#define WASMLIFT_STANDARD_FUNCTIONS(X) \\\n")
    f.write(" \\\n".join(f"  X({n})" for n in names))
    f.write("\n\n#endif\n")
