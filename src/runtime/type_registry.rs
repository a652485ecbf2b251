//! Canonical type ids, process-wide and reference-counted.
//!
//! `call_indirect`, `call_ref` and import matching compare the 32-bit ids stored in function
//! references. An id names one defined type for the whole process, so it means the same in
//! every engine and every module, whatever index the type has inside a module.
//!
//! WebAssembly 3.0 defines type identity over recursive type groups: two types are the same
//! when they sit at the same position of structurally equal rec groups, where references into
//! the group compare by position and references out of it by (canonical) identity. The registry
//! interns whole groups under exactly that key, so equal ids mean equal types and vice versa.
//! Each type also records its declared supertype chain, for the subtype checks of
//! `call_indirect`/`call_ref` with non-final types and of import matching.
//!
//! An id lives exactly as long as something holds a `TypeRef` to a type of its group: modules
//! hold one per type they declare, host functions one for their own type, and a group holds
//! the groups its types refer to. Every function reference carrying an id is owned, directly or
//! through its instance, by one of those holders, so a released id is never compared again
//! before it is reused.

use super::type_hash::TypeHashState;
use crate::abi::gc::{array_size, struct_layout, GcKind};
use crate::decode::SubTypeInfo;
use crate::types::{CompositeType, FieldType, FuncType, HeapType, RefType, StorageType, ValType};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// In a group's key, `HeapType::Concrete(IN_GROUP | k)` names the group's own type `k`; any
/// other concrete index is the canonical id of a type outside the group. Canonical ids stay
/// below this bit: reaching it would take 2^31 live types (far beyond any memory).
const IN_GROUP: u32 = 1 << 31;

/// One type of a rec group, as the group's key sees it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SubTypeKey {
    is_final: bool,
    supertype: Option<u32>,
    ty: CompositeType,
}

/// How the objects of a struct or array type are laid out (`abi::gc`): what compiled code,
/// constant expressions, the collector and the C API read fields and elements with.
#[derive(Debug)]
pub struct GcLayout {
    pub kind: GcKind,
    /// A struct's fields (canonical types) at their offsets; empty for an array.
    pub fields: Box<[(u32, FieldType)]>,
    /// A struct object's size (header included); for an array the header size.
    pub size: u32,
    /// An array's element type (canonical).
    pub element: Option<FieldType>,
}

impl GcLayout {
    fn of(ty: &CompositeType) -> Option<GcLayout> {
        match ty {
            CompositeType::Func(_) => None,
            CompositeType::Struct(fields) => {
                let sizes: Vec<u32> = fields.iter().map(|f| f.storage.size()).collect();
                let (offsets, size) = struct_layout(&sizes);
                Some(GcLayout {
                    kind: GcKind::Struct,
                    fields: offsets.iter().copied().zip(fields.iter().copied()).collect(),
                    size,
                    element: None,
                })
            }
            CompositeType::Array(e) => Some(GcLayout {
                kind: GcKind::Array,
                fields: Box::new([]),
                size: crate::abi::gc::HEADER_SIZE,
                element: Some(*e),
            }),
        }
    }

    /// The byte size of an array object of `len` elements (None when too large).
    pub fn array_size(&self, len: u32) -> Option<u32> {
        array_size(self.element?.storage.size(), len)
    }

    /// Whether a field or element of this storage type holds a reference into the GC heap.
    pub fn is_gc_ref(storage: StorageType) -> bool {
        matches!(storage, StorageType::Val(v) if v.is_gc_ref())
    }
}

struct TypeEntry {
    group: u32,
    /// The type with every concrete reference a canonical id.
    ty: CompositeType,
    layout: Option<Arc<GcLayout>>,
    /// The type's id followed by its supertypes' ids, nearest first.
    supers: Box<[u32]>,
}

struct GroupEntry {
    key: Box<[SubTypeKey]>,
    ids: Box<[u32]>,
    /// `TypeRef`s naming a type of the group, plus groups that refer to it.
    count: usize,
    /// Ids outside the group that its types refer to (each counted once in its group).
    deps: Box<[u32]>,
}

#[derive(Default)]
struct Registry {
    by_key: HashMap<Box<[SubTypeKey]>, u32, TypeHashState>,
    groups: Vec<Option<GroupEntry>>,
    free_groups: Vec<u32>,
    types: Vec<Option<TypeEntry>>,
    free_types: Vec<u32>,
}

/// A read-write lock: subtype checks from compiled code (every `call_indirect`/`call_ref` to a
/// proper subtype) only read, and must not serialise the threads of unrelated engines.
fn registry() -> &'static RwLock<Registry> {
    static REGISTRY: OnceLock<RwLock<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(Default::default)
}

fn lock() -> RwLockWriteGuard<'static, Registry> {
    // A panic while holding the lock leaves the maps consistent (no update can panic halfway).
    registry().write().unwrap_or_else(|e| e.into_inner())
}

fn read() -> RwLockReadGuard<'static, Registry> {
    registry().read().unwrap_or_else(|e| e.into_inner())
}

impl Registry {
    fn type_entry(&self, id: u32) -> Option<&TypeEntry> {
        self.types.get(id as usize).and_then(Option::as_ref)
    }

    fn group_of(&self, id: u32) -> Option<u32> {
        self.type_entry(id).map(|t| t.group)
    }

    fn retain(&mut self, id: u32) {
        if let Some(g) = self.group_of(id) {
            if let Some(entry) = self.groups[g as usize].as_mut() {
                entry.count += 1;
            }
        }
    }

    /// Drops one count of the group of `id`, and frees groups that nobody counts any more
    /// (with the counts they held on the groups they refer to).
    fn release(&mut self, id: u32) {
        let mut pending = vec![id];
        while let Some(id) = pending.pop() {
            let Some(g) = self.group_of(id) else { continue };
            let Some(entry) = self.groups[g as usize].as_mut() else { continue };
            entry.count -= 1;
            if entry.count > 0 {
                continue;
            }
            let entry = self.groups[g as usize].take().expect("entry checked above");
            self.by_key.remove(&entry.key);
            self.free_groups.push(g);
            for &t in entry.ids.iter() {
                self.types[t as usize] = None;
                self.free_types.push(t);
            }
            pending.extend(entry.deps.iter().copied());
        }
    }

    fn new_type_id(&mut self) -> u32 {
        match self.free_types.pop() {
            Some(id) => id,
            None => {
                self.types.push(None);
                (self.types.len() - 1) as u32
            }
        }
    }

    /// The ids of the group with `key` (one more count on it), registering it if new.
    fn intern(&mut self, key: Box<[SubTypeKey]>) -> Box<[u32]> {
        if let Some(&g) = self.by_key.get(&key) {
            let entry = self.groups[g as usize].as_mut().expect("keyed groups are live");
            entry.count += 1;
            return entry.ids.clone();
        }
        let g = match self.free_groups.pop() {
            Some(g) => g,
            None => {
                self.groups.push(None);
                (self.groups.len() - 1) as u32
            }
        };
        let ids: Box<[u32]> = key.iter().map(|_| self.new_type_id()).collect();
        let mut deps = Vec::new();
        let mut resolve = |i: u32| -> Option<u32> {
            if i & IN_GROUP != 0 {
                ids.get((i & !IN_GROUP) as usize).copied()
            } else {
                if !deps.contains(&i) {
                    deps.push(i);
                }
                Some(i)
            }
        };
        let mut canonical = Vec::with_capacity(key.len());
        for member in key.iter() {
            // Keys are built from validated types: every in-group index is in range.
            let ty = member.ty.try_map_index(&mut resolve).unwrap_or_else(|| member.ty.clone());
            let sup = member.supertype.and_then(&mut resolve);
            canonical.push((ty, sup));
        }
        for dep in deps.iter() {
            self.retain(*dep);
        }
        for (k, (ty, sup)) in canonical.into_iter().enumerate() {
            let mut supers = vec![ids[k]];
            if let Some(sup) = sup {
                // A supertype comes earlier in the module, so it is registered already
                // (in this group: entered by an earlier iteration of this loop).
                let above = self.type_entry(sup).map(|t| t.supers.clone()).unwrap_or_else(|| Box::new([sup]));
                supers.extend(above.iter().copied());
            }
            let layout = GcLayout::of(&ty).map(Arc::new);
            self.types[ids[k] as usize] = Some(TypeEntry { group: g, ty, layout, supers: supers.into() });
        }
        self.groups[g as usize] = Some(GroupEntry { key: key.clone(), ids: ids.clone(), count: 1, deps: deps.into() });
        self.by_key.insert(key, g);
        ids
    }
}

/// One counted reference to a canonical type id.
pub struct TypeRef(u32);

impl TypeRef {
    /// The canonical id of a function type in a rec group of its own, final, without a
    /// supertype (host functions; `(type (func ...))` in a module gets the same id). Concrete
    /// references in `ty` must be canonical ids someone holds.
    pub fn new(ty: &FuncType) -> TypeRef {
        let key: Box<[SubTypeKey]> =
            Box::new([SubTypeKey { is_final: true, supertype: None, ty: CompositeType::Func(ty.clone()) }]);
        let ids = lock().intern(key);
        TypeRef(ids[0])
    }

    /// The canonical ids of a module's types (`types[i]` with `subtypes[i]`), rec group by rec
    /// group. Fails only on a malformed type section (a reference to a later group).
    pub fn for_module(types: &[CompositeType], subtypes: &[SubTypeInfo]) -> Result<Vec<TypeRef>, String> {
        let mut out: Vec<TypeRef> = Vec::with_capacity(types.len());
        let mut start = 0usize;
        while start < types.len() {
            let info = subtypes.get(start).ok_or("type without rec group information")?;
            let (group_start, len) = (info.group_start as usize, info.group_len as usize);
            if group_start != start || len == 0 || start + len > types.len() {
                return Err("malformed rec group".into());
            }
            let mut to_key = |i: u32| -> Option<u32> {
                let i = i as usize;
                if (start..start + len).contains(&i) {
                    Some(IN_GROUP | (i - start) as u32)
                } else {
                    out.get(i).map(|r| r.0)
                }
            };
            let mut key = Vec::with_capacity(len);
            for k in start..start + len {
                let ty = types[k].try_map_index(&mut to_key).ok_or("type refers to a later rec group")?;
                let supertype = match subtypes[k].supertype {
                    Some(s) => Some(to_key(s).ok_or("supertype in a later rec group")?),
                    None => None,
                };
                key.push(SubTypeKey { is_final: subtypes[k].is_final, supertype, ty });
            }
            let ids = {
                let mut reg = lock();
                let ids = reg.intern(key.into());
                // One count per type handed out (`intern` took one for the first).
                for _ in 1..len {
                    reg.retain(ids[0]);
                }
                ids
            };
            out.extend(ids.iter().map(|&id| TypeRef(id)));
            start += len;
        }
        Ok(out)
    }

    pub fn id(&self) -> u32 {
        self.0
    }
}

impl TypeRef {
    /// Another hold on type `id`, which something else holds now (so it is registered and
    /// means the type it names).
    pub fn hold(id: u32) -> TypeRef {
        lock().retain(id);
        TypeRef(id)
    }
}

impl Clone for TypeRef {
    fn clone(&self) -> TypeRef {
        lock().retain(self.0);
        TypeRef(self.0)
    }
}

impl Drop for TypeRef {
    fn drop(&mut self) {
        lock().release(self.0);
    }
}

/// Whether the type `sub` is `sup` or declares it as a (transitive) supertype. Ids must be
/// held by the caller (or by objects it holds).
pub fn is_subtype(sub: u32, sup: u32) -> bool {
    sub == sup || read().type_entry(sub).is_some_and(|t| t.supers.contains(&sup))
}

/// Whether heap type `a` is a subtype of `b` (concrete types named by canonical ids).
///
/// The hierarchies: `none` ⊑ defined struct/array types ⊑ `struct`/`array` ⊑ `eq` ⊑ `any`, and
/// `none` ⊑ `i31` ⊑ `eq`; `nofunc` ⊑ defined function types ⊑ `func`; `noextern` ⊑ `extern`;
/// `noexn` ⊑ `exn`. Defined types are related by their declared supertype chains.
pub fn heap_is_subtype(a: HeapType, b: HeapType) -> bool {
    use HeapType as H;
    if a == b {
        return true;
    }
    match (a, b) {
        (H::Concrete(x), H::Concrete(y))
        | (H::ConcreteStruct(x), H::ConcreteStruct(y))
        | (H::ConcreteArray(x), H::ConcreteArray(y)) => is_subtype(x, y),
        (H::Concrete(_), H::Func) | (H::NoFunc, H::Func) | (H::NoFunc, H::Concrete(_)) => true,
        (H::NoExtern, H::Extern) | (H::NoExn, H::Exn) => true,
        (H::None, b) => b.is_any(),
        (H::ConcreteStruct(_), H::Struct) | (H::ConcreteArray(_), H::Array) => true,
        (H::ConcreteStruct(_) | H::ConcreteArray(_) | H::Struct | H::Array | H::I31, H::Eq | H::Any) => true,
        (H::Eq, H::Any) => true,
        _ => false,
    }
}

/// Whether reference type `a` is a subtype of `b` (canonical ids).
pub fn ref_is_subtype(a: RefType, b: RefType) -> bool {
    (!a.nullable || b.nullable) && heap_is_subtype(a.heap, b.heap)
}

/// Whether value type `a` is a subtype of `b` (canonical ids).
pub fn val_is_subtype(a: ValType, b: ValType) -> bool {
    match (a, b) {
        (ValType::Ref(a), ValType::Ref(b)) => ref_is_subtype(a, b),
        _ => a == b,
    }
}

/// Whether a function whose type has id `type_id` (or null, for `None`) is a value of `ty`:
/// the check for function references entering wasm from the host. The message says why not.
pub fn check_funcref(type_id: Option<u32>, ty: RefType) -> Result<(), String> {
    match type_id {
        None if ty.nullable => Ok(()),
        None => Err(format!("null is not a value of the non-nullable type {ty}")),
        Some(id) if heap_is_subtype(HeapType::Concrete(id), ty.heap) => Ok(()),
        Some(id) => Err(format!(
            "function signature mismatch: a function of type {} is not a value of type {ty}",
            canonical_type(id).map(|t| t.to_string()).unwrap_or_else(|| "?".into())
        )),
    }
}

/// The function type with canonical id `id` (concrete references as canonical ids); `None`
/// for struct and array types.
pub fn canonical_type(id: u32) -> Option<FuncType> {
    read().type_entry(id).and_then(|t| t.ty.as_func().cloned())
}

/// The defined type with canonical id `id` (concrete references as canonical ids).
pub fn canonical_composite(id: u32) -> Option<CompositeType> {
    read().type_entry(id).map(|t| t.ty.clone())
}

/// The object layout of struct or array type `id` (`None` for function types and unknown ids).
/// The id must be held by the caller (or by objects it holds).
pub fn gc_layout(id: u32) -> Option<Arc<GcLayout>> {
    read().type_entry(id).and_then(|t| t.layout.clone())
}

/// How many distinct types are registered now (for tests).
pub fn live_types() -> usize {
    read().types.iter().filter(|t| t.is_some()).count()
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

    fn r(nullable: bool, index: u32) -> ValType {
        ValType::Ref(RefType { nullable, heap: HeapType::Concrete(index) })
    }

    /// Rec groups given as (types, supertypes) per group, numbered consecutively.
    fn module(groups: &[&[(FuncType, Option<u32>, bool)]]) -> Vec<TypeRef> {
        let mut types = Vec::new();
        let mut subs = Vec::new();
        for g in groups {
            let start = types.len() as u32;
            for (t, sup, is_final) in g.iter() {
                types.push(CompositeType::Func(t.clone()));
                subs.push(SubTypeInfo {
                    is_final: *is_final,
                    supertype: *sup,
                    group_start: start,
                    group_len: g.len() as u32,
                });
            }
        }
        TypeRef::for_module(&types, &subs).unwrap()
    }

    #[test]
    fn rec_groups_are_identified_by_structure_not_numbering() {
        let unit = FuncType::new(vec![], vec![]);
        let takes = |i: u32| FuncType::new(vec![r(true, i)], vec![ValType::I32]);
        let param = |v: ValType| FuncType::new(vec![v], vec![]);
        // Module A: group {f(ref null g) -> i32, g(i32)} at indices 0, 1.
        let a = module(&[&[(takes(1), None, true), (param(ValType::I32), None, true)]]);
        // Module B: an unrelated type first, then the same group at indices 1, 2.
        let b = module(&[&[(unit.clone(), None, true)], &[(takes(2), None, true), (param(ValType::I32), None, true)]]);
        assert_eq!(a[0].id(), b[1].id());
        assert_eq!(a[1].id(), b[2].id());
        // The same shape of f, but g takes i64: both types differ.
        let c = module(&[&[(takes(1), None, true), (param(ValType::I64), None, true)]]);
        assert_ne!(a[0].id(), c[0].id());
        // The same members in the other order: a different group, so different types.
        let d = module(&[&[(param(ValType::I32), None, true), (takes(0), None, true)]]);
        assert_ne!(a[0].id(), d[1].id());
        assert_ne!(a[1].id(), d[0].id());
        // g in a group of its own is not g in a group with f.
        let e = module(&[&[(param(ValType::I32), None, true)]]);
        assert_ne!(a[1].id(), e[0].id());
        // Canonical types name canonical ids, whatever the module's numbering.
        assert_eq!(canonical_type(b[1].id()).unwrap(), FuncType::new(vec![r(true, a[1].id())], vec![ValType::I32]));
        // A reference from one group into an earlier one.
        let f = module(&[&[(param(ValType::I32), None, true)], &[(takes(0), None, true)]]);
        let g = module(&[&[(unit, None, true)], &[(param(ValType::I32), None, true)], &[(takes(1), None, true)]]);
        assert_eq!(f[1].id(), g[2].id());
        assert_ne!(f[1].id(), a[0].id());
    }

    /// Random modules against a naive model of iso-recursive identity: a type is its position
    /// in its group plus the group written out, with in-group references by position and
    /// references out of the group written out in turn. Ids must be equal exactly when those
    /// texts are.
    #[test]
    fn ids_agree_with_a_naive_structural_model() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut seen: Vec<(String, u32)> = Vec::new();
        let mut held = Vec::new();
        for _ in 0..40 {
            let mut types = Vec::new();
            let mut subs = Vec::new();
            let mut texts: Vec<String> = Vec::new();
            while types.len() < 6 {
                let start = types.len() as u32;
                let len = 1 + next(2) as u32;
                let mut members = Vec::new();
                for k in 0..len {
                    let mut params = Vec::new();
                    for _ in 0..next(3) {
                        params.push(match next(3) {
                            0 => ValType::I32,
                            1 => ValType::I64,
                            // Any type up to the end of this group.
                            _ => r(next(2) == 0, next((start + len) as u64) as u32),
                        });
                    }
                    let supertype = (next(3) == 0 && start + k > 0).then(|| next((start + k) as u64) as u32);
                    members.push((FuncType::new(params, vec![]), supertype, next(2) == 0));
                }
                // The model's text of the group: in-group references by position, others by text.
                let refer = |i: u32, texts: &Vec<String>| {
                    if i >= start {
                        format!("#{}", i - start)
                    } else {
                        format!("({})", texts[i as usize])
                    }
                };
                let mut group = String::new();
                for (ty, sup, fin) in &members {
                    group.push_str(&format!("[final={fin} sup={:?} params=", sup.map(|s| refer(s, &texts))));
                    for p in ty.params.iter() {
                        match p {
                            ValType::Ref(RefType { nullable, heap: HeapType::Concrete(i) }) => group
                                .push_str(&format!("ref{}{} ", if *nullable { "?" } else { "" }, refer(*i, &texts))),
                            other => group.push_str(&format!("{other} ")),
                        }
                    }
                    group.push(']');
                }
                for (k, (ty, sup, fin)) in members.into_iter().enumerate() {
                    texts.push(format!("{k}@{group}"));
                    types.push(CompositeType::Func(ty));
                    subs.push(SubTypeInfo { is_final: fin, supertype: sup, group_start: start, group_len: len });
                }
            }
            let refs = TypeRef::for_module(&types, &subs).unwrap();
            // Canonical types refer to the canonical ids of the types the module referred to.
            for (ty, r) in types.iter().zip(refs.iter()) {
                let expected = ty.try_map_index(&mut |i| Some(refs[i as usize].id())).unwrap();
                assert_eq!(canonical_composite(r.id()).unwrap(), expected);
            }
            for (text, r) in texts.into_iter().zip(refs.iter()) {
                for (other_text, other_id) in &seen {
                    assert_eq!(*other_text == text, *other_id == r.id(), "{text} vs {other_text}");
                }
                seen.push((text, r.id()));
            }
            held.push(refs);
        }
        // Collisions happened (the test exercises sharing, not only distinctness).
        let distinct: std::collections::HashSet<u32> = seen.iter().map(|(_, id)| *id).collect();
        assert!(distinct.len() < seen.len());
    }

    #[test]
    fn subtypes_follow_the_declared_chain() {
        let ty = FuncType::new(vec![], vec![ValType::I32]);
        let m = module(&[
            &[(ty.clone(), None, false)],
            &[(ty.clone(), Some(0), false)],
            &[(ty.clone(), Some(1), true)],
            &[(ty.clone(), None, true)],
        ]);
        let (t, u, v, fin) = (m[0].id(), m[1].id(), m[2].id(), m[3].id());
        // Non-final and final versions of one signature are different types.
        assert_ne!(t, fin);
        assert!(is_subtype(v, t) && is_subtype(v, u) && is_subtype(u, t) && is_subtype(t, t));
        assert!(!is_subtype(t, u) && !is_subtype(u, v) && !is_subtype(fin, t) && !is_subtype(t, fin));
        // A host function's type is the final one.
        assert_eq!(TypeRef::new(&ty).id(), fin);
        // Value types: nullability and heap types.
        assert!(val_is_subtype(r(false, v), r(true, t)));
        assert!(!val_is_subtype(r(true, v), r(false, t)));
        assert!(!val_is_subtype(r(false, t), r(false, v)));
        assert!(val_is_subtype(r(false, t), ValType::FUNCREF));
        assert!(!val_is_subtype(ValType::FUNCREF, r(true, t)));
        let nofunc = ValType::Ref(RefType { nullable: true, heap: HeapType::NoFunc });
        assert!(val_is_subtype(nofunc, r(true, t)) && !val_is_subtype(nofunc, ValType::EXTERNREF));
        // Host values entering typed slots.
        assert!(check_funcref(Some(v), RefType { nullable: false, heap: HeapType::Concrete(t) }).is_ok());
        let err = check_funcref(Some(t), RefType { nullable: true, heap: HeapType::Concrete(v) }).unwrap_err();
        assert!(err.contains("signature mismatch"), "{err}");
        assert!(check_funcref(None, RefType { nullable: false, heap: HeapType::Func }).is_err());
        assert!(check_funcref(None, RefType::FUNCREF).is_ok());
    }
}
