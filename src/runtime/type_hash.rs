//! A fast keyed hash for the maps that look types up on every `wasm_func_new` and module
//! load: the engine's host-trampoline cache and the process-wide type registry.
//!
//! Guests and embedders choose these types, so the hash must be keyed: with a fixed one, a
//! module could bring thousands of types that land in one bucket and make every lookup walk
//! them all. std's SipHash is keyed but costs about 450 instructions for a seven-value function
//! type, most of `wasm_func_new`'s time for a signature the engine has not seen. This hasher
//! mixes each 64-bit word with a folded 128-bit multiply by a per-map random key (the
//! construction of the wyhash/foldhash family): a few instructions per word, and an attacker
//! who does not know the key cannot aim values at one bucket.

use std::hash::{BuildHasher, Hasher, RandomState};

/// Multiplies in 128 bits and folds the halves together: every input bit reaches every output
/// bit, and the result depends on the whole key.
#[inline]
fn folded_multiply(a: u64, b: u64) -> u64 {
    let product = (a as u128).wrapping_mul(b as u128);
    (product as u64) ^ ((product >> 64) as u64)
}

/// Builds `TypeHasher`s with keys drawn once per map.
#[derive(Clone)]
pub struct TypeHashState {
    seed: u64,
    key: u64,
    finish_key: u64,
}

impl Default for TypeHashState {
    fn default() -> Self {
        // std's `RandomState` is seeded from the operating system's random source (and differs
        // for each instance); its hashes of fixed values are therefore random keys.
        let random = RandomState::new();
        let draw = |n: u64| random.hash_one(n);
        // An odd multiplier: an even one would shift low bits out of every product.
        TypeHashState { seed: draw(1), key: draw(2) | 1, finish_key: draw(3) | 1 }
    }
}

impl BuildHasher for TypeHashState {
    type Hasher = TypeHasher;

    fn build_hasher(&self) -> TypeHasher {
        TypeHasher { state: self.seed, key: self.key, finish_key: self.finish_key }
    }
}

pub struct TypeHasher {
    state: u64,
    key: u64,
    finish_key: u64,
}

impl Hasher for TypeHasher {
    #[inline]
    fn write_u64(&mut self, word: u64) {
        self.state = folded_multiply(self.state ^ word, self.key);
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.write_u64(u64::from_le_bytes(word.try_into().expect("chunks of eight")));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            let mut last = [0u8; 8];
            last[..tail.len()].copy_from_slice(tail);
            // The tail's length goes in too, so that trailing zero bytes are not lost.
            self.write_u64(u64::from_le_bytes(last) ^ (tail.len() as u64) << 59);
        }
    }

    #[inline]
    fn write_u8(&mut self, v: u8) {
        self.write_u64(v as u64);
    }

    #[inline]
    fn write_u32(&mut self, v: u32) {
        self.write_u64(v as u64);
    }

    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // A final mix, so that the last word written also spreads into the low bits the map
        // picks buckets by.
        folded_multiply(self.state, self.finish_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn equal_inputs_hash_alike_and_different_ones_apart() {
        let state = TypeHashState::default();
        let mut seen = HashSet::new();
        for n in 0u64..10_000 {
            assert_eq!(state.hash_one(n), state.hash_one(n));
            seen.insert(state.hash_one(n));
        }
        assert_eq!(seen.len(), 10_000);
        // Byte strings that differ only by trailing zeros or length.
        let strings: [&[u8]; 5] = [b"", b"\0", b"\0\0", b"abcdefgh", b"abcdefgh\0"];
        let hashes: HashSet<u64> = strings.iter().map(|s| state.hash_one(s)).collect();
        assert_eq!(hashes.len(), strings.len());
    }

    #[test]
    fn keys_differ_between_maps() {
        let (a, b) = (TypeHashState::default(), TypeHashState::default());
        assert_ne!(a.hash_one(42u64), b.hash_one(42u64));
    }

    #[test]
    fn low_bits_spread_over_buckets() {
        // Small consecutive values (type indices, kinds) must not pile into a few buckets of a
        // 1024-bucket table.
        let state = TypeHashState::default();
        let buckets: HashSet<u64> = (0u64..1024).map(|n| state.hash_one(n) & 1023).collect();
        assert!(buckets.len() > 550, "{} of 1024 buckets used", buckets.len());
    }
}
