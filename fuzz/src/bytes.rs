//! Byte-level targets: `wasm_module_validate`/`wasm_module_new` on arbitrary bytes, and
//! `wasm_module_deserialize` on arbitrary (mostly mutated serialized) bytes.

use crate::capi::*;
use std::collections::HashSet;

/// Engines and stores reused across inputs (creating an engine per input would dominate).
pub struct ByteTargets {
    _engines: Vec<*mut wasm_engine_t>,
    stores: Vec<*mut wasm_store_t>,
    /// An engine with another serialization key: must reject everything.
    foreign_store: *mut wasm_store_t,
    _foreign_engine: *mut wasm_engine_t,
    /// Every serialization the fuzzer's engines produced for the seed modules.
    authentic: HashSet<Vec<u8>>,
    /// The same, in a fixed order (for the mutation mode of `deserialize`).
    authentic_list: Vec<Vec<u8>>,
}

impl Default for ByteTargets {
    fn default() -> Self {
        Self::new()
    }
}

impl ByteTargets {
    pub fn new() -> Self {
        let engines =
            vec![new_engine(EngineConfig::Default, false), new_engine(EngineConfig::ExplicitBoundsChecks, true)];
        // SAFETY: the engines are live; the stores live as long as `self`.
        let stores: Vec<_> = engines.iter().map(|e| unsafe { wasm_store_new(*e) }).collect();
        let foreign_engine = unsafe {
            let c = wasm_config_new();
            let key = [0x5au8; 32];
            assert!(wasmlift_config_serialize_key(c, key.as_ptr(), key.len()));
            wasm_engine_new_with_config(c)
        };
        let foreign_store = unsafe { wasm_store_new(foreign_engine) };
        let mut t = ByteTargets {
            _engines: engines,
            stores,
            foreign_store,
            _foreign_engine: foreign_engine,
            authentic: HashSet::new(),
            authentic_list: Vec::new(),
        };
        for wasm in serialize_seed_modules() {
            for s in t.serialize_all(&wasm) {
                t.authentic.insert(s.clone());
                t.authentic_list.push(s);
            }
        }
        t
    }

    /// The serializations of `wasm` by each of the fuzzer's engines (empty when it does not compile).
    pub fn serialize_all(&self, wasm: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for &store in &self.stores {
            let m = compile(store, wasm);
            if m.is_null() {
                continue;
            }
            // SAFETY: `m` is a live module; the vector is ours to delete.
            unsafe {
                let mut v = wasm_byte_vec_t::empty();
                wasm_module_serialize(m, &mut v);
                out.push(v.bytes().to_vec());
                wasm_byte_vec_delete(&mut v);
                wasm_module_delete(m);
            }
        }
        out
    }

    /// validate and new must agree; a compiled module must reflect its imports and exports.
    pub fn module_new(&self, data: &[u8]) {
        let store = self.stores[data.len() % self.stores.len()];
        let binary = wasm_byte_vec_t::from_bytes(data);
        // SAFETY: `binary` is a valid vector owned here; every object created is deleted.
        unsafe {
            let valid = wasm_module_validate(store, &binary);
            let m = wasm_module_new(store, &binary);
            let mut binary = binary;
            wasm_byte_vec_delete(&mut binary);
            assert_eq!(valid, !m.is_null(), "wasm_module_validate and wasm_module_new disagree: {}", last_error());
            if m.is_null() {
                return;
            }
            let mut imports = wasm_importtype_vec_t::empty();
            wasm_module_imports(m, &mut imports);
            for it in imports.as_slice() {
                let _ = wasm_externtype_kind(wasm_importtype_type(*it));
            }
            wasm_importtype_vec_delete(&mut imports);
            let mut exports = wasm_exporttype_vec_t::empty();
            wasm_module_exports(m, &mut exports);
            wasm_exporttype_vec_delete(&mut exports);
            wasm_module_delete(m);
        }
    }

    /// Deserialization accepts exactly the authentic serializations, byte for byte. Inputs
    /// starting with 0xa5 are a recipe instead: data[1] picks one of this build's authentic
    /// serializations and each following (position hi, position lo, xor) triple flips bits in
    /// it — so the fuzzer reaches the accepting path in every build, although serializations
    /// (and so committed seeds) are only authentic in the build that made them.
    pub fn deserialize(&self, data: &[u8]) {
        if data.len() >= 2 && data[0] == 0xa5 && !self.authentic_list.is_empty() {
            let mut m = self.authentic_list[data[1] as usize % self.authentic_list.len()].clone();
            for t in data[2..].chunks_exact(3) {
                let at = (t[0] as usize * 256 + t[1] as usize) % m.len();
                m[at] ^= t[2];
            }
            if data.len() % 3 == 1 {
                m.truncate(m.len() - (data[data.len() - 1] as usize % 8));
            }
            return self.deserialize_bytes(&m);
        }
        self.deserialize_bytes(data)
    }

    fn deserialize_bytes(&self, data: &[u8]) {
        let binary = wasm_byte_vec_t::from_bytes(data);
        // SAFETY: as above.
        unsafe {
            let authentic = self.authentic.contains(data);
            let foreign = wasm_module_deserialize(self.foreign_store, &binary);
            assert!(foreign.is_null(), "an engine with another key accepted a serialized module");
            let mut accepted_by = 0;
            for &store in &self.stores {
                let m = wasm_module_deserialize(store, &binary);
                if m.is_null() {
                    continue;
                }
                accepted_by += 1;
                assert!(authentic, "wasm_module_deserialize accepted {} bytes that no engine serialized", data.len());
                // An accepted module serializes back to exactly the bytes it came from.
                let mut again = wasm_byte_vec_t::empty();
                wasm_module_serialize(m, &mut again);
                assert_eq!(again.bytes(), data, "a deserialized module serializes differently");
                wasm_byte_vec_delete(&mut again);
                wasm_module_delete(m);
            }
            // The fingerprint binds the bytes to one configuration: exactly one engine loads them.
            assert!(!authentic || accepted_by == 1, "authentic bytes loaded by {accepted_by} engines");
            let mut binary = binary;
            wasm_byte_vec_delete(&mut binary);
        }
    }
}

/// Modules whose serializations are the deserializer's seeds (and its set of authentic inputs).
pub fn serialize_seed_modules() -> Vec<Vec<u8>> {
    [
        "(module)",
        "(module (func (export \"f\") (param i32) (result i32) local.get 0 i32.const 1 i32.add))",
        "(module (memory (export \"m\") 1) (data (i32.const 8) \"hello\")
           (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0))))",
        "(module (import \"h\" \"f\" (func $h (param i32) (result i32)))
           (table (export \"t\") 2 funcref) (elem (i32.const 0) $h $g)
           (global (export \"g\") (mut i64) (i64.const 5))
           (func $g (result i32) (call $h (i32.const 3)))
           (func (export \"ci\") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))",
        "(module (func (export \"v\") (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0))))",
    ]
    .iter()
    .map(|t| wat2wasm(t))
    .collect()
}
