//! Canonical function type ids, process-wide and reference-counted.
//!
//! `call_indirect` and import matching compare the 32-bit ids stored in function references.
//! An id names one structural function type for the whole process, so it means the same in
//! every engine (no engine-local numbering that two engines could disagree on), and it lives
//! exactly as long as something holds a `TypeRef` to it: modules hold one per type they
//! declare, host functions one for their own type. Every function reference carrying an id is
//! owned, directly or through its instance, by one of those holders, so a released id is never
//! compared again before it is reused.

use crate::types::FuncType;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

#[derive(Default)]
struct Registry {
    ids: HashMap<FuncType, u32>,
    /// Per id: the type and how many `TypeRef`s name it (None when free).
    entries: Vec<Option<(FuncType, usize)>>,
    free: Vec<u32>,
}

fn registry() -> &'static Mutex<Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

fn lock() -> std::sync::MutexGuard<'static, Registry> {
    // A panic while holding the lock leaves the maps consistent (every update is one step).
    registry().lock().unwrap_or_else(|e| e.into_inner())
}

/// One counted reference to a canonical type id.
pub struct TypeRef(u32);

impl TypeRef {
    /// The canonical id of `ty`, registering it if no one holds it yet.
    pub fn new(ty: &FuncType) -> TypeRef {
        let mut reg = lock();
        if let Some(&id) = reg.ids.get(ty) {
            if let Some((_, count)) = reg.entries[id as usize].as_mut() {
                *count += 1;
            }
            return TypeRef(id);
        }
        let id = match reg.free.pop() {
            Some(id) => {
                reg.entries[id as usize] = Some((ty.clone(), 1));
                id
            }
            None => {
                reg.entries.push(Some((ty.clone(), 1)));
                (reg.entries.len() - 1) as u32
            }
        };
        reg.ids.insert(ty.clone(), id);
        TypeRef(id)
    }

    pub fn id(&self) -> u32 {
        self.0
    }
}

impl Clone for TypeRef {
    fn clone(&self) -> TypeRef {
        if let Some((_, count)) = lock().entries[self.0 as usize].as_mut() {
            *count += 1;
        }
        TypeRef(self.0)
    }
}

impl Drop for TypeRef {
    fn drop(&mut self) {
        let mut reg = lock();
        let slot = &mut reg.entries[self.0 as usize];
        let Some((_, count)) = slot.as_mut() else { return };
        *count -= 1;
        if *count == 0 {
            let (ty, _) = slot.take().expect("entry checked above");
            reg.ids.remove(&ty);
            reg.free.push(self.0);
        }
    }
}

/// How many distinct types are registered now (for tests).
pub fn live_types() -> usize {
    lock().ids.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ValType;

    #[test]
    fn ids_are_structural_and_shared() {
        let a = FuncType {
            params: vec![ValType::I64, ValType::F32, ValType::I32].into(),
            results: vec![ValType::FUNCREF, ValType::F64].into(),
        };
        let b = FuncType {
            params: vec![ValType::I64, ValType::F32, ValType::I32].into(),
            results: vec![ValType::I64, ValType::F64].into(),
        };
        let ra = TypeRef::new(&a);
        let ra2 = TypeRef::new(&a.clone());
        let rb = TypeRef::new(&b);
        assert_eq!(ra.id(), ra2.id());
        assert_ne!(ra.id(), rb.id());
        let copy = ra.clone();
        drop(ra);
        drop(ra2);
        // Still held by `copy`: the same type still gets the same id.
        assert_eq!(TypeRef::new(&a).id(), copy.id());
        // (Release to the free list is checked in tests/type_registry.rs, in a process of its own.)
    }
}
