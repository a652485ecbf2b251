//! Lowering of the WebAssembly GC instructions: structs, arrays, i31, `ref.eq`, casts and the
//! extern/any conversions, on the object layout of `abi::gc`.
//!
//! Field and element accesses, null and bounds checks, i31 tagging and the fast path of casts
//! (null, i31 tag, kind byte, type id equality) are inline; allocation, the array bulk
//! operations and subtype checks against non-final types call builtins.

use super::translate::{ir_type, readonly, user_trap, FuncTranslator};
use crate::abi::builtins::signatures as builtin;
use crate::abi::gc::{struct_layout, GcKind, ARRAY_ELEMENTS_OFFSET, ARRAY_LEN_OFFSET, KIND_OFFSET, TYPE_ID_OFFSET};
use crate::abi::traps::trap_codes;
use crate::abi::vmctx;
use crate::types::{HeapType, RefType, StorageType, ValType};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::*;
use cranelift_codegen::ir::{Block, BlockArg, InstBuilder, MemFlagsData, TrapCode, Type, Value};
use wasmparser::Operator;

/// Flags of a field or element access: the object is live and the access inside it (checked
/// before), so it cannot fault; fields of 16 bytes are only 8-aligned.
fn gc_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

/// The IR type a field of `storage` has in memory.
fn storage_ir_type(storage: StorageType) -> Type {
    match storage {
        StorageType::I8 => I8,
        StorageType::I16 => I16,
        StorageType::Val(v) => ir_type(v),
    }
}

impl<'e, 'f> FuncTranslator<'e, 'f> {
    /// Translates `op` if it is a GC instruction; anything else goes on to the SIMD operators.
    pub(crate) fn gc_operator(&mut self, op: Operator) -> Result<(), String> {
        match op {
            Operator::RefEq => {
                let (a, b) = self.pop2();
                let c = self.b.ins().icmp(IntCC::Equal, a, b);
                let v = self.b.ins().uextend(I32, c);
                self.push(v);
            }
            Operator::RefI31 => {
                // In 32 bits, so that the value wraps to 31: `(x << 1) | 1`.
                let x = self.pop();
                let shifted = self.b.ins().ishl_imm_u(x, 1);
                let tagged = self.b.ins().bor_imm_u(shifted, 1);
                let v = self.b.ins().uextend(I64, tagged);
                self.push(v);
                self.declare_gc_ref(v, ValType::Ref(RefType { nullable: false, heap: HeapType::I31 }));
            }
            Operator::I31GetS | Operator::I31GetU => {
                let r = self.pop();
                self.b.ins().trapz(r, user_trap(trap_codes::NULL_I31_REFERENCE));
                let low = self.b.ins().ireduce(I32, r);
                let v = if matches!(op, Operator::I31GetS) {
                    self.b.ins().sshr_imm_u(low, 1)
                } else {
                    self.b.ins().ushr_imm_u(low, 1)
                };
                self.push(v);
            }
            // Same bits in both hierarchies (see abi::gc).
            Operator::AnyConvertExtern | Operator::ExternConvertAny => {
                let v = self.pop();
                let ty = if matches!(op, Operator::AnyConvertExtern) { HeapType::Any } else { HeapType::Extern };
                self.declare_gc_ref(v, ValType::Ref(RefType { nullable: true, heap: ty }));
                self.push(v);
            }

            Operator::StructNew { struct_type_index } => {
                let n = self.env.module.struct_fields(struct_type_index).len();
                let values = self.popn_canon(n);
                self.struct_new(struct_type_index, Some(values));
            }
            Operator::StructNewDefault { struct_type_index } => self.struct_new(struct_type_index, None),
            Operator::StructGet { struct_type_index, field_index } => {
                self.struct_get(struct_type_index, field_index, None)
            }
            Operator::StructGetS { struct_type_index, field_index } => {
                self.struct_get(struct_type_index, field_index, Some(true))
            }
            Operator::StructGetU { struct_type_index, field_index } => {
                self.struct_get(struct_type_index, field_index, Some(false))
            }
            Operator::StructSet { struct_type_index, field_index } => {
                let value = self.pop();
                let value = self.canon(value);
                let obj = self.pop();
                self.b.ins().trapz(obj, user_trap(trap_codes::NULL_STRUCT_REFERENCE));
                let (offset, storage) = self.field_offset(struct_type_index, field_index);
                self.store_storage(storage, value, obj, offset);
            }

            Operator::ArrayNew { array_type_index } => {
                let len = self.pop();
                let value = self.pop();
                let array = self.alloc(array_type_index, len);
                let storage = self.env.module.array_element(array_type_index).storage;
                let (lo, hi) = self.value_halves(storage, value);
                // The new array is zeroed: only a nonzero value needs filling in.
                let bits = self.b.ins().bor(lo, hi);
                let fill = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().brif(bits, fill, &[], done, &[]);
                self.b.seal_block(fill);
                self.b.switch_to_block(fill);
                let zero = self.iconst32(0);
                self.call_builtin_checked(
                    builtin::array_fill,
                    &[array, zero, lo, hi, len],
                    user_trap(trap_codes::ARRAY_OUT_OF_BOUNDS),
                );
                self.b.ins().jump(done, &[]);
                self.b.seal_block(done);
                self.b.switch_to_block(done);
                self.push_object(array, array_type_index);
            }
            Operator::ArrayNewDefault { array_type_index } => {
                let len = self.pop();
                let array = self.alloc(array_type_index, len);
                self.push_object(array, array_type_index);
            }
            Operator::ArrayNewFixed { array_type_index, array_size } => {
                let values = self.popn_canon(array_size as usize);
                let len = self.iconst32(array_size as i32);
                let array = self.alloc(array_type_index, len);
                let storage = self.env.module.array_element(array_type_index).storage;
                for (i, v) in values.into_iter().enumerate() {
                    let offset = ARRAY_ELEMENTS_OFFSET + i as u32 * storage.size();
                    self.store_storage(storage, v, array, offset as i32);
                }
                self.push_object(array, array_type_index);
            }
            Operator::ArrayNewData { array_type_index, array_data_index } => {
                let (offset, len) = self.pop2();
                let t = self.iconst32(array_type_index as i32);
                let d = self.iconst32(array_data_index as i32);
                let r = self.call_builtin(builtin::array_new_data, &[t, d, offset, len]).expect("returns the array");
                self.check_new_from_segment(r, TrapCode::HEAP_OUT_OF_BOUNDS);
                self.push_object(r, array_type_index);
            }
            Operator::ArrayNewElem { array_type_index, array_elem_index } => {
                let (offset, len) = self.pop2();
                let t = self.iconst32(array_type_index as i32);
                let e = self.iconst32(array_elem_index as i32);
                let r = self.call_builtin(builtin::array_new_elem, &[t, e, offset, len]).expect("returns the array");
                self.check_new_from_segment(r, user_trap(trap_codes::TABLE_OUT_OF_BOUNDS));
                self.push_object(r, array_type_index);
            }
            Operator::ArrayGet { array_type_index } => self.array_get(array_type_index, None),
            Operator::ArrayGetS { array_type_index } => self.array_get(array_type_index, Some(true)),
            Operator::ArrayGetU { array_type_index } => self.array_get(array_type_index, Some(false)),
            Operator::ArraySet { array_type_index } => {
                let value = self.pop();
                let value = self.canon(value);
                let (array, index) = self.pop2();
                let storage = self.env.module.array_element(array_type_index).storage;
                let addr = self.element_addr(array, index, storage);
                self.store_storage(storage, value, addr, 0);
            }
            Operator::ArrayLen => {
                let array = self.pop();
                self.b.ins().trapz(array, user_trap(trap_codes::NULL_ARRAY_REFERENCE));
                let len = self.b.ins().load(I32, gc_flags(), array, ARRAY_LEN_OFFSET);
                self.push(len);
            }
            Operator::ArrayFill { array_type_index } => {
                let len = self.pop();
                let value = self.pop();
                let (array, offset) = self.pop2();
                self.b.ins().trapz(array, user_trap(trap_codes::NULL_ARRAY_REFERENCE));
                let storage = self.env.module.array_element(array_type_index).storage;
                let (lo, hi) = self.value_halves(storage, value);
                self.call_builtin_checked(
                    builtin::array_fill,
                    &[array, offset, lo, hi, len],
                    user_trap(trap_codes::ARRAY_OUT_OF_BOUNDS),
                );
            }
            Operator::ArrayCopy { .. } => {
                let len = self.pop();
                let (src, src_offset) = self.pop2();
                let (dst, dst_offset) = self.pop2();
                self.b.ins().trapz(dst, user_trap(trap_codes::NULL_ARRAY_REFERENCE));
                self.b.ins().trapz(src, user_trap(trap_codes::NULL_ARRAY_REFERENCE));
                self.call_builtin_checked(
                    builtin::array_copy,
                    &[dst, dst_offset, src, src_offset, len],
                    user_trap(trap_codes::ARRAY_OUT_OF_BOUNDS),
                );
            }
            Operator::ArrayInitData { array_data_index, .. } => {
                let segment = self.iconst32(array_data_index as i32);
                self.array_init(builtin::array_init_data, segment, TrapCode::HEAP_OUT_OF_BOUNDS);
            }
            Operator::ArrayInitElem { array_elem_index, .. } => {
                let segment = self.iconst32(array_elem_index as i32);
                self.array_init(builtin::array_init_elem, segment, user_trap(trap_codes::TABLE_OUT_OF_BOUNDS));
            }

            Operator::RefTestNonNull { hty } | Operator::RefTestNullable { hty } => {
                let nullable = matches!(op, Operator::RefTestNullable { .. });
                let target = self.ref_type(nullable, hty)?;
                let r = self.pop();
                let v = self.ref_test(r, target);
                self.push(v);
            }
            Operator::RefCastNonNull { hty } | Operator::RefCastNullable { hty } => {
                let nullable = matches!(op, Operator::RefCastNullable { .. });
                let target = self.ref_type(nullable, hty)?;
                let r = self.pop();
                let ok = self.ref_test(r, target);
                self.b.ins().trapz(ok, user_trap(trap_codes::CAST_FAILURE));
                self.declare_gc_ref(r, ValType::Ref(target));
                self.push(r);
            }
            Operator::BrOnCast { relative_depth, to_ref_type, .. }
            | Operator::BrOnCastFail { relative_depth, to_ref_type, .. } => {
                let on_success = matches!(op, Operator::BrOnCast { .. });
                let target = match self.env.module.valtype(wasmparser::ValType::Ref(to_ref_type)) {
                    Some(ValType::Ref(r)) => r,
                    _ => return Err(format!("unsupported reference type {to_ref_type}")),
                };
                // The reference stays on the stack either way: it is the last value the branch
                // carries, and what continues on the other path.
                let r = *self.stack.last().expect("validated: a reference on the stack");
                let ok = self.ref_test(r, target);
                let (block, n) = self.branch_target(relative_depth);
                let args: Vec<BlockArg> = self.peekn_canon(n).into_iter().map(BlockArg::Value).collect();
                let cont = self.b.create_block();
                if on_success {
                    self.b.ins().brif(ok, block, &args, cont, &[]);
                } else {
                    self.b.ins().brif(ok, cont, &[], block, &args);
                }
                self.b.seal_block(cont);
                self.b.switch_to_block(cont);
            }

            op => return self.simd_operator(op),
        }
        Ok(())
    }

    /// The engine's reference type for `hty` (concrete types resolved to their kind).
    fn ref_type(&self, nullable: bool, hty: wasmparser::HeapType) -> Result<RefType, String> {
        let rt = wasmparser::RefType::new(nullable, hty).ok_or("bad reference type")?;
        match self.env.module.valtype(wasmparser::ValType::Ref(rt)) {
            Some(ValType::Ref(r)) => Ok(r),
            _ => Err(format!("unsupported heap type {hty:?}")),
        }
    }

    /// A zeroed object of type `type_index` (`len` elements for an array); traps when it
    /// cannot be allocated.
    fn alloc(&mut self, type_index: u32, len: Value) -> Value {
        let t = self.iconst32(type_index as i32);
        let obj = self.call_builtin(builtin::gc_alloc, &[t, len]).expect("gc_alloc returns the object");
        self.b.ins().trapz(obj, user_trap(trap_codes::ALLOCATION_FAILED));
        obj
    }

    fn push_object(&mut self, obj: Value, type_index: u32) {
        let heap = self.env.module.composite[type_index as usize].heap_type(type_index);
        self.declare_gc_ref(obj, ValType::Ref(RefType { nullable: false, heap }));
        self.push(obj);
    }

    fn struct_new(&mut self, type_index: u32, values: Option<Vec<Value>>) {
        let zero = self.iconst32(0);
        let obj = self.alloc(type_index, zero);
        if let Some(values) = values {
            for (i, v) in values.into_iter().enumerate() {
                let (offset, storage) = self.field_offset(type_index, i as u32);
                self.store_storage(storage, v, obj, offset);
            }
        }
        self.push_object(obj, type_index);
    }

    /// The offset and storage type of field `field` of struct type `type_index`.
    fn field_offset(&self, type_index: u32, field: u32) -> (i32, StorageType) {
        let fields = self.env.module.struct_fields(type_index);
        let sizes: Vec<u32> = fields.iter().map(|f| f.storage.size()).collect();
        let (offsets, _) = struct_layout(&sizes);
        (offsets[field as usize] as i32, fields[field as usize].storage)
    }

    fn struct_get(&mut self, type_index: u32, field: u32, signed: Option<bool>) {
        let obj = self.pop();
        self.b.ins().trapz(obj, user_trap(trap_codes::NULL_STRUCT_REFERENCE));
        let (offset, storage) = self.field_offset(type_index, field);
        let v = self.load_storage(storage, obj, offset, signed);
        self.push(v);
    }

    /// The address of element `index` of `array` after the null and bounds checks.
    fn element_addr(&mut self, array: Value, index: Value, storage: StorageType) -> Value {
        self.b.ins().trapz(array, user_trap(trap_codes::NULL_ARRAY_REFERENCE));
        let len = self.b.ins().load(I32, gc_flags(), array, ARRAY_LEN_OFFSET);
        let oob = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.b.ins().trapnz(oob, user_trap(trap_codes::ARRAY_OUT_OF_BOUNDS));
        let index = self.b.ins().uextend(I64, index);
        let scaled = self.b.ins().imul_imm_u(index, storage.size() as i64);
        let at = self.b.ins().iadd(array, scaled);
        self.b.ins().iadd_imm_u(at, ARRAY_ELEMENTS_OFFSET as i64)
    }

    fn array_get(&mut self, type_index: u32, signed: Option<bool>) {
        let (array, index) = self.pop2();
        let storage = self.env.module.array_element(type_index).storage;
        let addr = self.element_addr(array, index, storage);
        let v = self.load_storage(storage, addr, 0, signed);
        self.push(v);
    }

    /// `array.init_data`/`array.init_elem` with the segment index `segment`; the builtin's 1 is
    /// an array access out of bounds, its 2 a segment access out of bounds (`segment_trap`).
    fn array_init(&mut self, f: crate::abi::builtins::BuiltinSignature, segment: Value, segment_trap: TrapCode) {
        let len = self.pop();
        let src = self.pop();
        let (array, dst) = self.pop2();
        self.b.ins().trapz(array, user_trap(trap_codes::NULL_ARRAY_REFERENCE));
        let rc = self.call_builtin(f, &[array, dst, segment, src, len]).expect("returns a status");
        let array_oob = self.b.ins().icmp_imm_u(IntCC::Equal, rc, 1);
        self.b.ins().trapnz(array_oob, user_trap(trap_codes::ARRAY_OUT_OF_BOUNDS));
        let segment_oob = self.b.ins().icmp_imm_u(IntCC::Equal, rc, 2);
        self.b.ins().trapnz(segment_oob, segment_trap);
    }

    /// After `array_new_data`/`array_new_elem`: 0 is an allocation failure, 1 a segment access
    /// out of bounds.
    fn check_new_from_segment(&mut self, r: Value, segment_trap: TrapCode) {
        let oob = self.b.ins().icmp_imm_u(IntCC::Equal, r, 1);
        self.b.ins().trapnz(oob, segment_trap);
        self.b.ins().trapz(r, user_trap(trap_codes::ALLOCATION_FAILED));
    }

    fn load_storage(&mut self, storage: StorageType, addr: Value, offset: i32, signed: Option<bool>) -> Value {
        let f = gc_flags();
        let v = match (storage, signed) {
            (StorageType::I8, Some(true)) => self.b.ins().sload8(I32, f, addr, offset),
            (StorageType::I8, _) => self.b.ins().uload8(I32, f, addr, offset),
            (StorageType::I16, Some(true)) => self.b.ins().sload16(I32, f, addr, offset),
            (StorageType::I16, _) => self.b.ins().uload16(I32, f, addr, offset),
            (StorageType::Val(t), _) => self.b.ins().load(ir_type(t), f, addr, offset),
        };
        if let StorageType::Val(t) = storage {
            self.declare_gc_ref(v, t);
        }
        v
    }

    fn store_storage(&mut self, storage: StorageType, v: Value, addr: Value, offset: i32) {
        let f = gc_flags();
        match storage {
            StorageType::I8 => self.b.ins().istore8(f, v, addr, offset),
            StorageType::I16 => self.b.ins().istore16(f, v, addr, offset),
            StorageType::Val(_) => {
                debug_assert_eq!(self.ty(v), storage_ir_type(storage));
                self.b.ins().store(f, v, addr, offset)
            }
        };
    }

    /// A value of `storage`'s unpacked type as two i64 halves (the bits, zero-extended; the
    /// upper half is only used by v128).
    fn value_halves(&mut self, storage: StorageType, v: Value) -> (Value, Value) {
        let zero = self.b.ins().iconst(I64, 0);
        match storage {
            StorageType::Val(ValType::V128) => {
                let lanes = self.b.ins().bitcast(I64X2, super::translate::lane_cast(), v);
                let lo = self.b.ins().extractlane(lanes, 0);
                let hi = self.b.ins().extractlane(lanes, 1);
                (lo, hi)
            }
            StorageType::Val(ValType::F32) => {
                let bits = self.b.ins().bitcast(I32, MemFlagsData::new(), v);
                (self.b.ins().uextend(I64, bits), zero)
            }
            StorageType::Val(ValType::F64) => (self.b.ins().bitcast(I64, MemFlagsData::new(), v), zero),
            StorageType::I8 | StorageType::I16 | StorageType::Val(ValType::I32) => (self.b.ins().uextend(I64, v), zero),
            StorageType::Val(_) => (v, zero),
        }
    }

    // ---------------------------------------------------------------- casts

    /// 1 when `r` is a value of `target`, else 0 (i32).
    pub(crate) fn ref_test(&mut self, r: Value, target: RefType) -> Value {
        let done = self.b.create_block();
        self.b.append_block_param(done, I32);
        let non_null = self.b.create_block();
        let null_result = self.iconst32(target.nullable as i32);
        self.b.ins().brif(r, non_null, &[], done, &[BlockArg::Value(null_result)]);
        self.b.seal_block(non_null);
        self.b.switch_to_block(non_null);
        self.test_non_null(r, target.heap, done);
        self.b.seal_block(done);
        self.b.switch_to_block(done);
        self.b.block_params(done)[0]
    }

    fn jump_with(&mut self, block: Block, v: Value) {
        self.b.ins().jump(block, &[BlockArg::Value(v)]);
    }

    fn jump_const(&mut self, block: Block, c: i32) {
        let v = self.iconst32(c);
        self.jump_with(block, v);
    }

    /// Ends the current block by jumping to `done` with whether non-null `r` is in `heap`.
    fn test_non_null(&mut self, r: Value, heap: HeapType, done: Block) {
        match heap {
            // Every non-null reference of a hierarchy is in its top type, none in its bottom.
            HeapType::Any | HeapType::Func | HeapType::Extern | HeapType::Exn => self.jump_const(done, 1),
            HeapType::None | HeapType::NoFunc | HeapType::NoExtern | HeapType::NoExn => self.jump_const(done, 0),
            HeapType::I31 => {
                let tag = self.b.ins().band_imm_u(r, 1);
                let v = self.b.ins().ireduce(I32, tag);
                self.jump_with(done, v);
            }
            HeapType::Eq | HeapType::Struct | HeapType::Array => {
                // i31: in eq, not in struct or array. Objects: by kind (a host value converted
                // to any has neither the struct nor the array kind).
                let object = self.object_block(r, done, matches!(heap, HeapType::Eq) as i32);
                self.b.switch_to_block(object);
                let kind = self.b.ins().uload8(I32, gc_flags(), r, KIND_OFFSET);
                let v = match heap {
                    HeapType::Struct => self.b.ins().icmp_imm_u(IntCC::Equal, kind, GcKind::Struct as i64),
                    HeapType::Array => self.b.ins().icmp_imm_u(IntCC::Equal, kind, GcKind::Array as i64),
                    _ => {
                        let s = self.b.ins().icmp_imm_u(IntCC::Equal, kind, GcKind::Struct as i64);
                        let a = self.b.ins().icmp_imm_u(IntCC::Equal, kind, GcKind::Array as i64);
                        self.b.ins().bor(s, a)
                    }
                };
                let v = self.b.ins().uextend(I32, v);
                self.jump_with(done, v);
            }
            HeapType::ConcreteStruct(t) | HeapType::ConcreteArray(t) => {
                let object = self.object_block(r, done, 0);
                self.b.switch_to_block(object);
                let kind = self.b.ins().uload8(I32, gc_flags(), r, KIND_OFFSET);
                let want = if matches!(heap, HeapType::ConcreteStruct(_)) { GcKind::Struct } else { GcKind::Array };
                let right_kind = self.b.ins().icmp_imm_u(IntCC::Equal, kind, want as i64);
                let typed = self.b.create_block();
                let zero = self.iconst32(0);
                self.b.ins().brif(right_kind, typed, &[], done, &[BlockArg::Value(zero)]);
                self.b.seal_block(typed);
                self.b.switch_to_block(typed);
                let actual = self.b.ins().load(I32, gc_flags(), r, TYPE_ID_OFFSET);
                self.test_type_id(actual, t, done);
            }
            HeapType::Concrete(t) => {
                // Not `readonly()`: its `can_move` would let the optimiser merge the loads of
                // several tests of one reference and hoist them above the null checks, which
                // then read through a null function reference.
                let actual = self.b.ins().load(I32, MemFlagsData::trusted(), r, vmctx::FUNCREF_TYPE_ID);
                self.test_type_id(actual, t, done);
            }
        }
    }

    /// For a non-null `r`: jumps to `done` with `i31_result` when `r` is an i31; otherwise
    /// continues in the returned (sealed, not yet current) block.
    fn object_block(&mut self, r: Value, done: Block, i31_result: i32) -> Block {
        let tag = self.b.ins().band_imm_u(r, 1);
        let object = self.b.create_block();
        let v = self.iconst32(i31_result);
        self.b.ins().brif(tag, done, &[BlockArg::Value(v)], object, &[]);
        self.b.seal_block(object);
        object
    }

    /// Jumps to `done` with whether canonical type id `actual` is the calling module's type
    /// `type_index` or a subtype of it.
    fn test_type_id(&mut self, actual: Value, type_index: u32, done: Block) {
        let type_ids = self.load_vmctx_ptr(vmctx::VMCTX_TYPE_IDS);
        let expected = self.b.ins().load(I32, readonly(), type_ids, (type_index * 4) as i32);
        let same = self.b.ins().icmp(IntCC::Equal, actual, expected);
        let is_final = self.env.module.subtypes.get(type_index as usize).is_none_or(|s| s.is_final);
        if is_final {
            // A final type has no subtypes.
            let v = self.b.ins().uextend(I32, same);
            self.jump_with(done, v);
            return;
        }
        let slow = self.b.create_block();
        self.b.set_cold_block(slow);
        let one = self.iconst32(1);
        self.b.ins().brif(same, done, &[BlockArg::Value(one)], slow, &[]);
        self.b.seal_block(slow);
        self.b.switch_to_block(slow);
        let mismatch = self.call_builtin(builtin::type_mismatch, &[actual, expected]).expect("returns a status");
        let ok = self.b.ins().icmp_imm_u(IntCC::Equal, mismatch, 0);
        let v = self.b.ins().uextend(I32, ok);
        self.jump_with(done, v);
    }
}
