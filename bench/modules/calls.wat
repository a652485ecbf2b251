;; Call-overhead benchmarks. Host -> wasm: an empty export, an (i32) -> i32 identity and a
;; function of eight mixed scalars returning one (the cost of each extra value crossing the
;; boundary). Wasm -> host: loops calling an imported host function n times; `host` is
;; (i32) -> i32, `host0`/`host0_env` are () -> (), `host2`/`host2_env` are (i32, i32) -> i32
;; (the `_env` ones are made with wasm_func_new_with_env). Each loop returns its accumulator.
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (import "env" "host0" (func $host0))
  (import "env" "host2" (func $host2 (param i32 i32) (result i32)))
  (import "env" "host0_env" (func $host0_env))
  (import "env" "host2_env" (func $host2_env (param i32 i32) (result i32)))
  (func (export "nop"))
  (func (export "id") (param i32) (result i32) (local.get 0))
  (func (export "mixed8") (param i32 i64 f32 f64 i32 i64 f32 f64) (result i64) (local.get 5))
  (func (export "host_loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $host (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "host0_loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $host0)
        (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "host2_loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $host2 (local.get $acc) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "host0_env_loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (call $host0_env)
        (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
  (func (export "host2_env_loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $host2_env (local.get $acc) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
)
