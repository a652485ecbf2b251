;; Call-overhead benchmarks: an empty export for host->wasm calls, and a loop calling an
;; imported host function (i32) -> i32 n times for wasm->host calls (returns the accumulator).
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (func (export "nop"))
  (func (export "host_loop") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $host (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))
)
