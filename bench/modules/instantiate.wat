;; Instantiation benchmark: a typical small module with a 1-page memory, an active data segment,
;; a funcref table with an element segment, and a few mutable and immutable globals.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "wasmlift instantiation benchmark: a small active data segment.")
  (data (i32.const 1024) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (table (export "table") 8 funcref)
  (elem (i32.const 0) $get_a $get_b $get_a)
  (global $a (mut i32) (i32.const 1))
  (global $b (mut i64) (i64.const 2))
  (global (export "c") f64 (f64.const 3.5))
  (global (export "d") (mut i32) (i32.const 4))
  (func $get_a (export "get_a") (result i32) (global.get $a))
  (func $get_b (result i32) (i32.wrap_i64 (global.get $b)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
)
