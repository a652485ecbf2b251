;; Kernel: allocation churn, the cost of one short-lived object. `run(n)` allocates n structs
;; of one i64 (24 bytes) into a ring of 16 slots, each replacing the one made 16 allocations
;; before (which dies), and sums the values of the replaced ones; a collection finds at most 16
;; live structs. The native peer (alloc_churn.c) does the same with malloc/free.
;; Rebuild: bench/kernels/build.sh --gc.
(module
  (type $obj (struct (field $v i64)))
  (type $ring (array (mut (ref null $obj))))
  (func (export "run") (param $n i32) (result i64)
    (local $ring (ref $ring))
    (local $i i32)
    (local $slot i32)
    (local $old (ref null $obj))
    (local $sum i64)
    (local.set $ring (array.new_default $ring (i32.const 16)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $slot (i32.and (local.get $i) (i32.const 15)))
        (local.set $old (array.get $ring (local.get $ring) (local.get $slot)))
        (if (i32.eqz (ref.is_null (local.get $old)))
          (then (local.set $sum (i64.add (local.get $sum) (struct.get $obj $v (local.get $old))))))
        (array.set $ring (local.get $ring) (local.get $slot)
          (struct.new $obj (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))
