;; Minimal form of the wasmi 2.0.0 panic of seed 1100029526 (memory64 flavour, epoch
;; configuration; KNOWN-ORACLE-BUGS.md, entry 4). The seed's function 1 does
;; `i64.load32_u; local.tee 3; local.get 3; i64.store8 offset=32057` on memory 1 (printed with
;; `print_function`: wabt cannot print the module, whose memory64 offsets need 64 bits).
;; Local 1 holds a computed value, so wasmi keeps it in its integer register; the store's
;; address and value are then both that register, and off wasmi's memory-0-small-offset path
;; there is no store operator for that (`choose_store_op_vt`: unreachable!()).
;; f(5) = 6 in wasmlift; wasmi panics "internal error: entered unreachable code".
;; Replay: FUZZ_WASM=fuzz/triaged/wasmi-panic-seed-1100029526-min.wat FUZZ_CALLS='f=5'
;;   cargo test --release --test fuzz_smoke compare_script -- --ignored --nocapture
(module
  (memory 2)
  (func (export "f") (param i32) (result i32) (local i32)
    (i32.store offset=70000 (local.tee 1 (i32.add (local.get 0) (i32.const 1))) (local.get 1))
    (i32.load offset=70000 (local.get 1))))
