;; Self-test of the spec runner (run with the gating suite): every directive whose first line
;; carries the marker "expect failure" must fail, every other one must pass. It shows that the
;; runner really compares values, NaN patterns, v128 lanes, references and trap messages.

(module $values
  (global (export "g") i32 (i32.const 42))
  (func (export "i32") (result i32) (i32.const -7))
  (func (export "i64") (result i64) (i64.const 0x1_0000_0000))
  (func (export "two") (result i32 f64) (i32.const 1) (f64.const 2.5))
  (func (export "f32-bits") (param i32) (result f32) (f32.reinterpret_i32 (local.get 0)))
  (func (export "f64-bits") (param i64) (result f64) (f64.reinterpret_i64 (local.get 0)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "v-i32x4") (result v128) (v128.const i32x4 1 2 3 4))
  (func (export "v-add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1)))
  (func (export "v-f32") (result v128) (v128.const i32x4 0x7fc00000 0x7fc00001 0x3f800000 0xffc00000))
  (func (export "v-lane") (param v128) (result i32) (i32x4.extract_lane 2 (local.get 0)))
  (func (export "ext-id") (param externref) (result externref) (local.get 0))
  (func (export "null-func") (result funcref) (ref.null func))
  (func $f (export "some-func") (result funcref) (ref.func $f))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $loop (export "recurse") (call $loop))
)

(assert_return (invoke "i32") (i32.const -7))
(assert_return (invoke "i32") (i32.const 7)) ;; expect failure
(assert_return (invoke "i64") (i64.const 4294967296))
(assert_return (invoke "i64") (i64.const 0)) ;; expect failure
(assert_return (invoke "two") (i32.const 1) (f64.const 2.5))
(assert_return (invoke "two") (i32.const 1) (f64.const 2.25)) ;; expect failure
(assert_return (invoke "two") (i32.const 1)) ;; expect failure
(assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))
(assert_return (get "g") (i32.const 42))
(assert_return (get "g") (i32.const 43)) ;; expect failure

;; Floats compare by bits; NaN patterns.
(assert_return (invoke "f32-bits" (i32.const 0x80000000)) (f32.const -0.0))
(assert_return (invoke "f32-bits" (i32.const 0x80000000)) (f32.const 0.0)) ;; expect failure
(assert_return (invoke "f32-bits" (i32.const 0x7fc00000)) (f32.const nan:canonical))
(assert_return (invoke "f32-bits" (i32.const 0xffc00000)) (f32.const nan:canonical))
(assert_return (invoke "f32-bits" (i32.const 0x7fc00001)) (f32.const nan:canonical)) ;; expect failure
(assert_return (invoke "f32-bits" (i32.const 0x7fc00001)) (f32.const nan:arithmetic))
(assert_return (invoke "f32-bits" (i32.const 0x7f800001)) (f32.const nan:arithmetic)) ;; expect failure
(assert_return (invoke "f32-bits" (i32.const 0x3f800000)) (f32.const nan:arithmetic)) ;; expect failure
(assert_return (invoke "f64-bits" (i64.const 0x7ff8000000000000)) (f64.const nan:canonical))
(assert_return (invoke "f64-bits" (i64.const 0x7ff8000000000001)) (f64.const nan:canonical)) ;; expect failure
(assert_return (invoke "f64-bits" (i64.const 0x7ff8000000000001)) (f64.const nan:arithmetic))
(assert_return (invoke "f64-bits" (i64.const 0x7ff0000000000001)) (f64.const nan:arithmetic)) ;; expect failure

;; v128: lane by lane, in any lane shape, with per-lane NaN patterns.
(assert_return (invoke "v-i32x4") (v128.const i32x4 1 2 3 4))
(assert_return (invoke "v-i32x4") (v128.const i64x2 0x0000000200000001 0x0000000400000003))
(assert_return (invoke "v-i32x4") (v128.const i8x16 1 0 0 0 2 0 0 0 3 0 0 0 4 0 0 0))
(assert_return (invoke "v-i32x4") (v128.const i32x4 1 2 3 5)) ;; expect failure
(assert_return (invoke "v-add" (v128.const i32x4 1 1 1 1) (v128.const i32x4 0 1 2 -1)) (v128.const i32x4 1 2 3 0))
(assert_return (invoke "v-add" (v128.const i32x4 1 1 1 1) (v128.const i32x4 0 1 2 -1)) (v128.const i32x4 1 2 3 1)) ;; expect failure
(assert_return (invoke "v-f32") (v128.const f32x4 nan:canonical nan:arithmetic 1.0 nan:canonical))
(assert_return (invoke "v-f32") (v128.const f32x4 nan:canonical nan:canonical 1.0 nan:canonical)) ;; expect failure
(assert_return (invoke "v-f32") (v128.const f32x4 nan:canonical nan:arithmetic 1.0 nan)) ;; expect failure
(assert_return (invoke "v-lane" (v128.const i32x4 10 20 30 40)) (i32.const 30))

;; References: host identities and null versus non-null.
(assert_return (invoke "ext-id" (ref.extern 1)) (ref.extern 1))
(assert_return (invoke "ext-id" (ref.extern 2)) (ref.extern 2))
(assert_return (invoke "ext-id" (ref.extern 1)) (ref.extern 2)) ;; expect failure
(assert_return (invoke "ext-id" (ref.extern 1)) (ref.extern))
(assert_return (invoke "ext-id" (ref.extern 1)) (ref.null extern)) ;; expect failure
(assert_return (invoke "ext-id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "ext-id" (ref.null extern)) (ref.extern)) ;; expect failure
(assert_return (invoke "null-func") (ref.null func))
(assert_return (invoke "null-func") (ref.func)) ;; expect failure
(assert_return (invoke "some-func") (ref.func))
(assert_return (invoke "some-func") (ref.null func)) ;; expect failure

;; Traps: the message must match.
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow") ;; expect failure
(assert_trap (invoke "div" (i32.const 4) (i32.const 2)) "integer divide by zero") ;; expect failure
(assert_return (invoke "div" (i32.const 1) (i32.const 0)) (i32.const 0)) ;; expect failure
(assert_exhaustion (invoke "recurse") "call stack exhausted")
(invoke "div" (i32.const 1) (i32.const 0)) ;; expect failure
(invoke "no-such-export") ;; expect failure

;; Validation and decoding.
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch") ;; expect failure
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm\01\00\00\00") "unknown binary version") ;; expect failure
(assert_malformed (module quote "(func (i32.const 0x))") "unknown operator")
(module binary "\00asm\01\00\00\00")
(module binary "\00asm\01\00\00") ;; expect failure

;; Linking: registered names, spectest, unlinkable and uninstantiable modules.
(register "values" $values)
(module $importer
  (import "values" "add" (func $add (param i32 i32) (result i32)))
  (import "values" "g" (global $g i32))
  (import "spectest" "global_i32" (global $s i32))
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "memory" (memory 1))
  (import "spectest" "table" (table 10 funcref))
  (func (export "sum") (result i32)
    (call $print (global.get $s))
    (call $add (global.get $g) (global.get $s)))
)
(assert_return (invoke "sum") (i32.const 708))
(assert_return (invoke $values "i32") (i32.const -7))
(assert_unlinkable (module (import "values" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "values" "add" (func (param i32)))) "incompatible import type")
(assert_unlinkable (module (import "values" "add" (func (param i32)))) "unknown import") ;; expect failure
(assert_unlinkable (module (import "values" "add" (func (param i32 i32) (result i32)))) "unknown import") ;; expect failure
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_trap (module (memory 1) (data (i32.const 65536) "x")) "out of bounds memory access")
(assert_trap (module (memory 1)) "out of bounds memory access") ;; expect failure

;; Module definitions and instances.
(module definition $counter
  (global $n (mut i32) (i32.const 0))
  (func (export "next") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n))
)
(module instance $c1 $counter)
(module instance $c2 $counter)
(assert_return (invoke $c1 "next") (i32.const 1))
(assert_return (invoke $c1 "next") (i32.const 2))
(assert_return (invoke $c2 "next") (i32.const 1))
(assert_return (invoke $c2 "next") (i32.const 2))
(assert_return (invoke $c2 "next") (i32.const 2)) ;; expect failure
