;; Kernel: binary-trees (the Computer Language Benchmarks Game's allocation benchmark) on
;; WebAssembly GC objects. A tree node is a struct of two nullable node references (a leaf has
;; two nulls). `run(n)` builds a stretch tree of depth n+1, a long-lived tree of depth n, then
;; for depth d = 4, 6, ... n, 2^(n-d+4) short-lived trees of depth d; every tree is checked by
;; counting its nodes. The result is the sum of all counts, which the native build
;; (binary_trees.c, malloc/free) computes the same way. n below 6 is taken as 6.
;; Rebuild: bench/modules/build.sh's wat2wasm (bench/kernels/build.sh --gc).
(module
  (type $node (struct (field $left (ref null $node)) (field $right (ref null $node))))

  ;; A full tree of the given depth (depth 0: one leaf).
  (func $bottom_up (param $depth i32) (result (ref $node))
    (if (result (ref $node)) (i32.eqz (local.get $depth))
      (then (struct.new_default $node))
      (else
        (struct.new $node
          (call $bottom_up (i32.sub (local.get $depth) (i32.const 1)))
          (call $bottom_up (i32.sub (local.get $depth) (i32.const 1)))))))

  ;; The number of nodes of a tree.
  (func $check (param $tree (ref $node)) (result i32)
    (local $left (ref null $node))
    (local.set $left (struct.get $node $left (local.get $tree)))
    (if (result i32) (ref.is_null (local.get $left))
      (then (i32.const 1))
      (else
        (i32.add
          (i32.add
            (call $check (ref.as_non_null (local.get $left)))
            (call $check (ref.as_non_null (struct.get $node $right (local.get $tree)))))
          (i32.const 1)))))

  (func (export "run") (param $n i32) (result i64)
    (local $max i32)
    (local $depth i32)
    (local $iterations i32)
    (local $i i32)
    (local $sum i64)
    (local $long_lived (ref null $node))
    (local.set $max (select (local.get $n) (i32.const 6) (i32.gt_s (local.get $n) (i32.const 6))))
    ;; The stretch tree, dead as soon as it is checked.
    (local.set $sum (i64.extend_i32_u
      (call $check (call $bottom_up (i32.add (local.get $max) (i32.const 1))))))
    (local.set $long_lived (call $bottom_up (local.get $max)))
    (local.set $depth (i32.const 4))
    (block $done
      (loop $depths
        (br_if $done (i32.gt_s (local.get $depth) (local.get $max)))
        (local.set $iterations
          (i32.shl (i32.const 1) (i32.add (i32.sub (local.get $max) (local.get $depth)) (i32.const 4))))
        (local.set $i (i32.const 0))
        (block $trees_done
          (loop $trees
            (br_if $trees_done (i32.ge_s (local.get $i) (local.get $iterations)))
            (local.set $sum (i64.add (local.get $sum)
              (i64.extend_i32_u (call $check (call $bottom_up (local.get $depth))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $trees)))
        (local.set $depth (i32.add (local.get $depth) (i32.const 2)))
        (br $depths)))
    ;; The long-lived tree is still whole.
    (i64.add (local.get $sum)
      (i64.extend_i32_u (call $check (ref.as_non_null (local.get $long_lived)))))))
