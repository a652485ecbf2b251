//! Recognises modules that show a documented bug of the oracle (wasmi 2.0.0); see
//! fuzz/KNOWN-ORACLE-BUGS.md, where each pattern has its minimal reproduction (also run by
//! tests/known_oracle_bugs.rs). Only a divergence in a module matching one of these patterns is
//! attributed to the oracle; any other divergence is reported as a wasmlift bug.

use wasmparser::{Operator, Parser, Payload};

/// The name of the documented oracle bug `wasm` may trigger, if any.
pub fn known_oracle_bug(wasm: &[u8]) -> Option<&'static str> {
    for payload in Parser::new(0).parse_all(wasm) {
        let Ok(Payload::CodeSectionEntry(body)) = payload else { continue };
        let Ok(reader) = body.get_operators_reader() else { continue };
        let ops: Vec<Operator> = reader.into_iter().filter_map(|o| o.ok()).collect();
        for w in ops.windows(4) {
            // Entry 1: (select X (local.get L) (i32.eqz (local.get L))).
            if let [Operator::LocalGet { local_index: a }, Operator::LocalGet { local_index: b }, Operator::I32Eqz, Operator::Select | Operator::TypedSelect { .. }] =
                w
            {
                if a == b {
                    return Some("select-eqz-same-local");
                }
            }
        }
    }
    None
}
