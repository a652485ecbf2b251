;; Minimal form of the wasmi 2.0.0 crash of seeds 700029204 and 700233221 (memory64 flavour;
;; KNOWN-ORACLE-BUGS.md, entry 3), reduced from the 853-line module by
;; fuzz/tools/reduce_wat.py --mode crash and by hand. $t tail-calls the host function $h of type
;; [] -> []; wasmi hands f, $t's caller, a dangling stack pointer back (return_prepare_host_frame:
;; no cells to move, caller frame starting where $t's did), and f's next stack write, the
;; result of $w, faults (SIGSEGV in u64_copy_si / Sp::set). f() = 7 in wasmlift.
;; Replay (kills the process): FUZZ_ORACLE_ONLY=1 FUZZ_WASM=fuzz/triaged/wasmi-crash-seed-700029204-min.wat
;;   FUZZ_CALLS='f=' cargo test --release --test fuzz_smoke compare_script -- --ignored --nocapture
(module
  (import "" "h" (func $h))
  (func $t (return_call $h))
  (func $w (result i64) (i64.const 7))
  (func (export "f") (result i64) (call $t) (call $w)))
