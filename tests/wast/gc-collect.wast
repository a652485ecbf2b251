;; Collection while wasm holds GC objects (run with the gc proposal switched on): every root kind
;; the collector must find — locals and operand-stack values across calls (stack maps), deep
;; frames, globals, tables, arrays of references, element segments, i31 values mixed with
;; objects — each checked after enough garbage to force several collections (the budget is
;; 1 MiB). A missed root shows as a wrong sum, a failed cast or a crash.
(module
  (type $node (struct (field $v i32) (field $next (mut (ref null $node)))))
  (type $arr (array (mut (ref null $node))))
  (type $any_arr (array (mut anyref)))
  (type $bytes (array (mut i8)))
  (global $head (mut (ref null $node)) (ref.null $node))
  (table $t 16 anyref)
  (elem $seg (ref null $node)
    (item (struct.new $node (i32.const 7) (ref.null $node)))
    (item (struct.new $node (i32.const 8) (ref.null $node))))

  ;; n byte arrays of 256 bytes, dropped at once.
  (func $garbage (param $n i32)
    (loop $l
      (drop (array.new_default $bytes (i32.const 256)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  (func $sum (param $l (ref null $node)) (result i32)
    (local $s i32)
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $l)))
        (local.set $s (i32.add (local.get $s) (struct.get $node $v (local.get $l))))
        (local.set $l (struct.get $node $next (local.get $l)))
        (br $walk)))
    (local.get $s))

  (func (export "list_in_local") (param $n i32) (result i32)
    (local $l (ref null $node)) (local $i i32)
    (loop $build
      (local.set $l (struct.new $node (local.get $i) (local.get $l)))
      (call $garbage (i32.const 4))
      (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (call $sum (local.get $l)))

  (func (export "list_in_global") (param $n i32) (result i32)
    (local $i i32)
    (global.set $head (ref.null $node))
    (loop $build
      (global.set $head (struct.new $node (local.get $i) (global.get $head)))
      (call $garbage (i32.const 4))
      (br_if $build (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (call $sum (global.get $head)))

  (func (export "table_roots") (result i32)
    (local $i i32) (local $s i32)
    (loop $fill
      (table.set $t (local.get $i) (struct.new $node (i32.add (local.get $i) (i32.const 100)) (ref.null $node)))
      (call $garbage (i32.const 1000))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 16))))
    (local.set $i (i32.const 0))
    (loop $add
      (local.set $s (i32.add (local.get $s)
        (struct.get $node $v (ref.cast (ref $node) (table.get $t (local.get $i))))))
      (br_if $add (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 16))))
    (local.get $s))

  (func (export "array_roots") (result i32)
    (local $a (ref $arr)) (local $i i32) (local $s i32)
    (local.set $a (array.new_default $arr (i32.const 1000)))
    (loop $fill
      (array.set $arr (local.get $a) (local.get $i) (struct.new $node (local.get $i) (ref.null $node)))
      (call $garbage (i32.const 8))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
    (local.set $i (i32.const 0))
    (loop $add
      (local.set $s (i32.add (local.get $s) (struct.get $node $v (array.get $arr (local.get $a) (local.get $i)))))
      (br_if $add (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 1000))))
    (local.get $s))

  (func (export "elem_roots") (result i32)
    (local $a (ref $arr))
    (call $garbage (i32.const 10000))
    (local.set $a (array.new_elem $arr $seg (i32.const 0) (i32.const 2)))
    (call $garbage (i32.const 10000))
    (i32.add (struct.get $node $v (array.get $arr (local.get $a) (i32.const 0)))
             (struct.get $node $v (array.get $arr (local.get $a) (i32.const 1)))))

  (func $deep (param $d i32) (result i32)
    (local $mine (ref null $node))
    (local.set $mine (struct.new $node (local.get $d) (ref.null $node)))
    (if (result i32) (i32.eqz (local.get $d))
      (then (call $garbage (i32.const 10000)) (i32.const 0))
      (else (i32.add (call $deep (i32.sub (local.get $d) (i32.const 1)))
                     (struct.get $node $v (local.get $mine))))))
  (func (export "deep") (param i32) (result i32) (call $deep (local.get 0)))

  (func (export "cycles") (param $n i32) (result i32)
    (local $a (ref null $node)) (local $b (ref null $node)) (local $i i32)
    (loop $l
      (local.set $a (struct.new $node (i32.const 1) (ref.null $node)))
      (local.set $b (struct.new $node (i32.const 2) (local.get $a)))
      (struct.set $node $next (local.get $a) (local.get $b))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (struct.get $node $v (struct.get $node $next (struct.get $node $next (local.get $b)))))

  (func (export "i31_mixed") (result i32)
    (local $a (ref $any_arr)) (local $i i32) (local $s i32)
    (local.set $a (array.new_default $any_arr (i32.const 100)))
    (loop $fill
      (array.set $any_arr (local.get $a) (local.get $i)
        (if (result anyref) (i32.and (local.get $i) (i32.const 1))
          (then (ref.i31 (local.get $i)))
          (else (struct.new $node (local.get $i) (ref.null $node)))))
      (call $garbage (i32.const 100))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))
    (local.set $i (i32.const 0))
    (loop $add
      (local.set $s (i32.add (local.get $s)
        (if (result i32) (i32.and (local.get $i) (i32.const 1))
          (then (i31.get_s (ref.cast (ref i31) (array.get $any_arr (local.get $a) (local.get $i)))))
          (else (struct.get $node $v (ref.cast (ref $node) (array.get $any_arr (local.get $a) (local.get $i))))))))
      (br_if $add (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 100))))
    (local.get $s))

  (func $after_garbage (param $r (ref null $node)) (result (ref null $node))
    (call $garbage (i32.const 5000))
    (local.get $r))
  (func $add_nodes (param $a (ref null $node)) (param $b (ref null $node)) (result (ref null $node))
    (struct.new $node (i32.add (struct.get $node $v (local.get $a)) (struct.get $node $v (local.get $b)))
      (ref.null $node)))
  ;; The first argument waits on the operand stack while the second one's call collects.
  (func (export "operand_stack") (result i32)
    (struct.get $node $v
      (call $add_nodes
        (struct.new $node (i32.const 41) (ref.null $node))
        (call $after_garbage (struct.new $node (i32.const 1) (ref.null $node))))))
)

(assert_return (invoke "list_in_local" (i32.const 20000)) (i32.const 199990000))
(assert_return (invoke "list_in_global" (i32.const 20000)) (i32.const 199990000))
(assert_return (invoke "table_roots") (i32.const 1720))
(assert_return (invoke "array_roots") (i32.const 499500))
(assert_return (invoke "elem_roots") (i32.const 15))
(assert_return (invoke "deep" (i32.const 500)) (i32.const 125250))
(assert_return (invoke "cycles" (i32.const 100000)) (i32.const 2))
(assert_return (invoke "i31_mixed") (i32.const 4950))
(assert_return (invoke "operand_stack") (i32.const 42))
;; The list built first is still whole after all the collections since.
(assert_return (invoke "list_in_global" (i32.const 10)) (i32.const 45))
