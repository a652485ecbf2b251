;; wasmlift's own tests of typed function references (run with the gating suite by tests/spec.rs):
;; declared subtyping through call_indirect and call_ref, type identity across modules by rec-group
;; structure (never by module-local numbering), and the type confusions an attacker would try.

;; ---- Subtypes through call_indirect and call_ref, within one module.
(module $sub
  (type $t (sub (func (result i32))))
  (type $u (sub $t (func (result i32))))
  (type $v (sub final $u (func (result i32))))
  ;; Same shape as $t, but its own rec group makes it a different type.
  (rec (type $x (sub (func (result i32)))) (type (func)))
  ;; A different signature altogether.
  (type $wide (func (param i64) (result i64)))

  (func $ft (type $t) (i32.const 1))
  (func $fu (type $u) (i32.const 2))
  (func $fv (type $v) (i32.const 3))
  (func $fx (type $x) (i32.const 4))
  (func $fwide (type $wide) (local.get 0))
  (table $tab (export "tab") 5 funcref)
  (elem (table $tab) (i32.const 0) func $ft $fu $fv $fx $fwide)

  (func (export "as-t") (param i32) (result i32) (call_indirect $tab (type $t) (local.get 0)))
  (func (export "as-u") (param i32) (result i32) (call_indirect $tab (type $u) (local.get 0)))
  (func (export "as-v") (param i32) (result i32) (call_indirect $tab (type $v) (local.get 0)))
  (func (export "tail-as-t") (param i32) (result i32) (return_call_indirect $tab (type $t) (local.get 0)))

  ;; call_ref on a (ref $t) that holds a subtype's function.
  (global $g (mut (ref null $t)) (ref.func $fv))
  (func (export "ref-as-t") (result i32) (call_ref $t (global.get $g)))
  (func (export "set-null") (global.set $g (ref.null $t)))
  (func (export "ref-null") (result i32) (call_ref $t (ref.null $t)))
  (func (export "tail-ref-as-t") (result i32) (return_call_ref $t (global.get $g)))
  (elem declare func $ft $fu $fv)
)
(assert_return (invoke "as-t" (i32.const 0)) (i32.const 1))
(assert_return (invoke "as-t" (i32.const 1)) (i32.const 2))
(assert_return (invoke "as-t" (i32.const 2)) (i32.const 3))
(assert_trap (invoke "as-t" (i32.const 3)) "indirect call type mismatch")
(assert_trap (invoke "as-t" (i32.const 4)) "indirect call type mismatch")
(assert_return (invoke "tail-as-t" (i32.const 2)) (i32.const 3))
(assert_trap (invoke "tail-as-t" (i32.const 3)) "indirect call type mismatch")
;; A supertype's function is not a subtype's.
(assert_trap (invoke "as-u" (i32.const 0)) "indirect call type mismatch")
(assert_return (invoke "as-u" (i32.const 1)) (i32.const 2))
(assert_return (invoke "as-u" (i32.const 2)) (i32.const 3))
(assert_trap (invoke "as-v" (i32.const 1)) "indirect call type mismatch")
(assert_return (invoke "as-v" (i32.const 2)) (i32.const 3))
(assert_return (invoke "ref-as-t") (i32.const 3))
(assert_return (invoke "tail-ref-as-t") (i32.const 3))
(assert_trap (invoke "ref-null") "null function reference")
(invoke "set-null")
(assert_trap (invoke "ref-as-t") "null function reference")
(assert_trap (invoke "tail-ref-as-t") "null function reference")

;; ---- Across modules: the importer numbers the same types differently.
(register "sub" $sub)
(module $renumbered
  ;; Unrelated types first, so every index differs from $sub's.
  (type (func (param f32)))
  (type (func (param f64)))
  (type $wide (func (param i64) (result i64)))
  (type $t (sub (func (result i32))))
  (type $u (sub $t (func (result i32))))
  (import "sub" "tab" (table $tab 5 funcref))
  (func (export "as-t") (param i32) (result i32) (call_indirect $tab (type $t) (local.get 0)))
  (func (export "as-u") (param i32) (result i32) (call_indirect $tab (type $u) (local.get 0)))
  (func (export "as-wide") (param i32) (result i64) (call_indirect $tab (type $wide) (i64.const 9) (local.get 0)))
)
(assert_return (invoke "as-t" (i32.const 0)) (i32.const 1))
(assert_return (invoke "as-t" (i32.const 2)) (i32.const 3))
(assert_trap (invoke "as-t" (i32.const 3)) "indirect call type mismatch")
(assert_trap (invoke "as-t" (i32.const 4)) "indirect call type mismatch")
(assert_trap (invoke "as-u" (i32.const 0)) "indirect call type mismatch")
(assert_return (invoke "as-u" (i32.const 1)) (i32.const 2))
(assert_return (invoke "as-wide" (i32.const 4)) (i64.const 9))
(assert_trap (invoke "as-wide" (i32.const 0)) "indirect call type mismatch")

;; ---- Index collision: type 0 means a different signature in each module.
(module $m1
  (type (func (param i32) (result i32)))
  (func $id (type 0) (local.get 0))
  (table (export "t") 1 funcref)
  (elem (i32.const 0) $id)
)
(register "m1" $m1)
(module $m2
  (type (func (param i64) (result i64)))
  (import "m1" "t" (table 1 funcref))
  (func (export "confuse") (result i64) (call_indirect (type 0) (i64.const 0x1234_5678_9abc) (i32.const 0)))
)
(assert_trap (invoke "confuse") "indirect call type mismatch")

;; ---- Rec groups that differ only in a type they refer to are different types.
(module $rec-a
  (rec (type $f (func (param (ref null $g)) (result i32))) (type $g (func (param i32))))
  (func $impl (type $f) (i32.const 7))
  (table (export "t") 1 funcref)
  (elem (i32.const 0) $impl)
  (func (export "impl") (type $f) (i32.const 8))
)
(register "rec-a" $rec-a)
(module $rec-b
  ;; The same rec group, renumbered: the same types.
  (type (func))
  (rec (type $f (func (param (ref null $g)) (result i32))) (type $g (func (param i32))))
  (rec (type $f2 (func (param (ref null $g2)) (result i32))) (type $g2 (func (param i64))))
  (import "rec-a" "t" (table 1 funcref))
  (func (export "same") (result i32) (call_indirect (type $f) (ref.null $g) (i32.const 0)))
  (func (export "other") (result i32) (call_indirect (type $f2) (ref.null $g2) (i32.const 0)))
)
(assert_return (invoke "same") (i32.const 7))
(assert_trap (invoke "other") "indirect call type mismatch")

;; Linking: structurally equal rec groups link, different ones do not.
(module
  (type (func (param i32)))
  (rec (type $f (func (param (ref null $g)) (result i32))) (type $g (func (param i32))))
  (import "rec-a" "impl" (func (type $f)))
)
(assert_unlinkable
  (module
    (rec (type $f (func (param (ref null $g)) (result i32))) (type $g (func (param i64))))
    (import "rec-a" "impl" (func (type $f)))
  )
  "incompatible import type"
)
;; The rec group's other member in a different position is a different group too.
(assert_unlinkable
  (module
    (rec (type $g (func (param i32))) (type $f (func (param (ref null $g)) (result i32))))
    (import "rec-a" "impl" (func (type $f)))
  )
  "incompatible import type"
)

;; ---- Import matching with subtypes: a function of a subtype satisfies its supertype's import,
;; never the reverse; immutable globals are covariant, mutable globals and tables invariant.
(module $exp
  (type $t (sub (func (result i32))))
  (type $u (sub $t (func (result i32))))
  (func $fu (export "fu") (type $u) (i32.const 20))
  (func $ft (export "ft") (type $t) (i32.const 10))
  (global (export "gu") (ref $u) (ref.func $fu))
  (global (export "gmu") (mut (ref null $u)) (ref.func $fu))
  (table (export "tu") 1 (ref null $u))
  (global (export "gf") funcref (ref.func $ft))
)
(register "exp" $exp)
(module
  (type $t (sub (func (result i32))))
  (type $u (sub $t (func (result i32))))
  (import "exp" "fu" (func $f (type $t)))
  (import "exp" "gu" (global $g (ref null $t)))
  (import "exp" "gmu" (global (mut (ref null $u))))
  (import "exp" "tu" (table 1 (ref null $u)))
  (func (export "call-imported") (result i32) (call $f))
  (func (export "call-global") (result i32) (call_ref $t (global.get $g)))
  ;; The import is declared as $t, but its function keeps its own type $u.
  (table $tab 1 funcref)
  (elem (table $tab) (i32.const 0) func $f)
  (func (export "imported-as-u") (result i32) (call_indirect $tab (type $u) (i32.const 0)))
)
(assert_return (invoke "call-imported") (i32.const 20))
(assert_return (invoke "call-global") (i32.const 20))
(assert_return (invoke "imported-as-u") (i32.const 20))
(assert_unlinkable
  (module
    (type $t (sub (func (result i32))))
    (type $u (sub $t (func (result i32))))
    (import "exp" "ft" (func (type $u)))
  )
  "incompatible import type"
)
(assert_unlinkable
  (module
    (type $t (sub (func (result i32))))
    (import "exp" "gmu" (global (mut (ref null $t))))
  )
  "incompatible import type"
)
(assert_unlinkable
  (module
    (type $t (sub (func (result i32))))
    (import "exp" "tu" (table 1 (ref null $t)))
  )
  "incompatible import type"
)
;; A funcref global is not a typed one (no downcast without GC).
(assert_unlinkable
  (module
    (type $t (sub (func (result i32))))
    (import "exp" "gf" (global (ref null $t)))
  )
  "incompatible import type"
)

;; ---- Non-nullable tables with initialiser expressions, br_on_null / br_on_non_null.
(module
  (type $t (func (param i32) (result i32)))
  (func $inc (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $t) (i32.mul (local.get 0) (i32.const 2)))
  (table $tab 3 (ref $t) (ref.func $inc))
  (elem declare func $dbl)
  (func (export "call") (param i32 i32) (result i32)
    (call_ref $t (local.get 0) (table.get $tab (local.get 1))))
  (func (export "grow-dbl") (result i32) (table.grow $tab (ref.func $dbl) (i32.const 2)))
  (func (export "or-default") (param i32) (param $r (ref null $t)) (result i32)
    (block $null
      (return (call_ref $t (local.get 0) (br_on_null $null (local.get $r)))))
    (i32.const -1))
  (func (export "pick") (param i32) (result i32)
    (local $r (ref null $t))
    (if (local.get 0) (then (local.set $r (ref.func $dbl))))
    (block $some (result (ref $t))
      (br_on_non_null $some (local.get $r))
      (return (i32.const -2)))
    (local.set $r)
    (call_ref $t (i32.const 21) (local.get $r)))
  (func (export "non-null") (param $r (ref null $t)) (result i32)
    (call_ref $t (i32.const 5) (ref.as_non_null (local.get $r))))
  (func (export "dbl") (result (ref $t)) (ref.func $dbl))
  (func (export "local-init") (result i32)
    (local $r (ref $t))
    (local.set $r (ref.func $inc))
    (call_ref $t (i32.const 41) (local.get $r)))
)
(assert_return (invoke "call" (i32.const 4) (i32.const 2)) (i32.const 5))
(assert_trap (invoke "call" (i32.const 4) (i32.const 3)) "out of bounds table access")
(assert_return (invoke "grow-dbl") (i32.const 3))
(assert_return (invoke "call" (i32.const 4) (i32.const 4)) (i32.const 8))
(assert_return (invoke "or-default" (i32.const 4) (ref.null func)) (i32.const -1))
(assert_return (invoke "pick" (i32.const 0)) (i32.const -2))
(assert_return (invoke "pick" (i32.const 1)) (i32.const 42))
(assert_trap (invoke "non-null" (ref.null func)) "null reference")
(assert_return (invoke "local-init") (i32.const 42))

;; ---- A non-nullable externref parameter refuses null from the host.
(module
  (func (export "is-null") (param (ref extern)) (result i32) (ref.is_null (local.get 0)))
)
(assert_return (invoke "is-null" (ref.extern 1)) (i32.const 0))
;; (The reference interpreter cannot even express this call; through wasm.h it is refused.)
(assert_trap (invoke "is-null" (ref.null extern)) "null is not a value of the non-nullable type")
