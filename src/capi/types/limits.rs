//! `wasm_limits_t`: the size bounds of tables and memories, and its conversions to the
//! engine's 64-bit `Limits` (a C `max` of `wasm_limits_max_default` means "no maximum").
#![allow(non_camel_case_types)]

use crate::types::Limits;

/// The standard's limits record: `max == 0xffffffff` means unbounded.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct wasm_limits_t {
    pub min: u32,
    pub max: u32,
}

/// Rust-side copy of the header's `wasm_limits_max_default`.
pub(crate) const LIMITS_MAX_DEFAULT: u32 = 0xffff_ffff;

impl wasm_limits_t {
    /// Converts engine limits; values beyond 32 bits (memory64) saturate.
    pub fn from_core(limits: &Limits) -> wasm_limits_t {
        let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        wasm_limits_t { min: clamp(limits.min), max: limits.max.map(clamp).unwrap_or(LIMITS_MAX_DEFAULT) }
    }

    /// Converts engine limits when `wasm_limits_t` can say exactly the same: `None` when the
    /// minimum or maximum exceeds 32 bits, or when a maximum of exactly 0xffffffff would read
    /// as "no maximum". (Only 64-bit memories and tables can have such limits; 32-bit ones
    /// keep the standard's reading of 0xffffffff.)
    pub fn exact_from_core(limits: &Limits, index64: bool) -> Option<wasm_limits_t> {
        let min = u32::try_from(limits.min).ok()?;
        let max = match limits.max {
            None => LIMITS_MAX_DEFAULT,
            Some(m) if index64 && m == u64::from(LIMITS_MAX_DEFAULT) => return None,
            Some(m) => u32::try_from(m).ok()?,
        };
        Some(wasm_limits_t { min, max })
    }

    pub fn to_core(&self) -> Limits {
        Limits {
            min: u64::from(self.min),
            max: if self.max == LIMITS_MAX_DEFAULT { None } else { Some(u64::from(self.max)) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_default_max() {
        let l = wasm_limits_t { min: 1, max: LIMITS_MAX_DEFAULT };
        assert_eq!(l.to_core(), Limits { min: 1, max: None });
        assert_eq!(wasm_limits_t::from_core(&l.to_core()), l);
        let l = wasm_limits_t { min: 2, max: 7 };
        assert_eq!(l.to_core(), Limits { min: 2, max: Some(7) });
        let big = Limits { min: 1 << 40, max: Some(1 << 41) };
        assert_eq!(wasm_limits_t::from_core(&big), wasm_limits_t { min: u32::MAX, max: u32::MAX });
        assert_eq!(wasm_limits_t::exact_from_core(&big, true), None);
        assert_eq!(wasm_limits_t::exact_from_core(&Limits { min: 1, max: Some(1 << 32) }, true), None);
        assert_eq!(wasm_limits_t::exact_from_core(&Limits { min: 1, max: Some(u32::MAX as u64) }, true), None);
        assert_eq!(
            wasm_limits_t::exact_from_core(&Limits { min: 1, max: Some(u32::MAX as u64) }, false),
            Some(wasm_limits_t { min: 1, max: u32::MAX })
        );
        assert_eq!(
            wasm_limits_t::exact_from_core(&Limits { min: 5, max: None }, true),
            Some(wasm_limits_t { min: 5, max: LIMITS_MAX_DEFAULT })
        );
    }
}
