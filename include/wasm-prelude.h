// Hand-written part of wasm.h that cbindgen places after the include guard: the standard's
// scalar typedefs, enumerations, constants and linkage macro. The rest of wasm.h is generated.
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <assert.h>

#ifndef WASM_API_EXTERN
#if defined(_WIN32) && !defined(__MINGW32__) && !defined(LIBWASM_STATIC)
#define WASM_API_EXTERN __declspec(dllimport)
#else
#define WASM_API_EXTERN
#endif
#endif

// Ownership marker: documents that a pointer or vector passes ownership.
#define own

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

typedef byte_t wasm_byte_t;

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
  WASM_CONST,
  WASM_VAR,
};

static const uint32_t wasm_limits_max_default = 0xffffffff;

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF,
};

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};

typedef uint32_t wasm_table_size_t;
typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

struct wasm_ref_t;

// Distinct incomplete types in C, as in the standard, although Rust represents them through
// another type (cbindgen.toml keeps cbindgen from emitting them): the specific extern types
// wrap wasm_externtype_t, and the reference objects are all wasm_ref_t.
typedef struct wasm_functype_t wasm_functype_t;
typedef struct wasm_globaltype_t wasm_globaltype_t;
typedef struct wasm_tabletype_t wasm_tabletype_t;
typedef struct wasm_memorytype_t wasm_memorytype_t;
typedef struct wasm_extern_t wasm_extern_t;
typedef struct wasm_module_t wasm_module_t;
typedef struct wasm_instance_t wasm_instance_t;
typedef struct wasm_trap_t wasm_trap_t;
typedef struct wasm_func_t wasm_func_t;
typedef struct wasm_global_t wasm_global_t;
typedef struct wasm_table_t wasm_table_t;
typedef struct wasm_memory_t wasm_memory_t;
typedef struct wasm_foreign_t wasm_foreign_t;
