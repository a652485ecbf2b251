//! Lowering of the WebAssembly SIMD (v128) operators to Cranelift vector instructions.

use super::translate::FuncTranslator;
use wasmparser::Operator;

impl<'e, 'f> FuncTranslator<'e, 'f> {
    pub(crate) fn simd_operator(&mut self, op: Operator) -> Result<(), String> {
        Err(format!("unsupported operator {op:?}"))
    }
}
