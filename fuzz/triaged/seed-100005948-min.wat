;; Minimal form of seed-100005948 (KNOWN-ORACLE-BUGS.md, entry 2), reduced from the 908-line
;; module by fuzz/tools/reduce_wat.py and by hand. f(0) must return 0x5eedf00d (local 1, left
;; on the stack below the `if`'s parameter; the `then` arm does not run). wasmi 2.0.0 leaves
;; that `local.get` operand uncopied at the `if` (it skips one local operand for the one
;; parameter, but the parameter is no local operand), copies it inside the `then` arm's
;; `block`, and on f(0) reads the slot the arm would have written: stale memory (0 in a fresh
;; engine, 0x5eedf00d again right after an f(1), a heap pointer in the fuzzing process).
;; Replay: FUZZ_WASM=fuzz/triaged/seed-100005948-min.wat FUZZ_CALLS='f=0;f=1;f=0'
;;   cargo test --release --test fuzz_smoke compare_script -- --ignored --nocapture
(module
  (func (export "f") (param i32) (result i64) (local i64)
    (local.set 1 (i64.const 0x5eedf00d))
    (local.get 1)
    (i32.const 7)
    (local.get 0)
    (if (param i32) (result i32) (then (block)))
    (drop)))
