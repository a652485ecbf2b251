(module
  (type (;0;) (func (result f32)))
  (import "" "" (global (;0;) (mut i32)))
  (func (;0;) (type 0) (result f32)
    (local v128 v128 f32 f64 v128 f32 v128 v128 v128 v128 f64)
    global.get 6
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 6
    i32.const 1
    i32.sub
    global.set 6
    ref.null extern
    i32.const -265060862
    table.grow 0
    elem.drop 0
    table.size 0
    i32.rotl
    table.get 0
    data.drop 0
    f64.const -0x1.d54d0a573b4b2p-112 (;=-3.53063e-34;)
    i32.trunc_sat_f64_u
    if  ;; label = @1
      nop
      i32.const 134217727
      f32.convert_i32_u
      br 0 (;@1;)
      f64.promote_f32
      f32.const 0x1.80a372p+43 (;=1.32161e+13;)
      f32x4.splat
      f32x4.trunc
      local.tee 0
      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
      local.get 0
      local.get 0
      f32x4.eq
      v128.bitselect
      i16x8.neg
      i64x2.extract_lane 1
      i64.eqz
      i64.const -4005042659804943333
      call 0
      i64.trunc_f32_u
      i64.ne
      v128.const i32x4 0x32132193 0x16d2aeaf 0xcf96e04d 0x7953786a
      f64x2.sqrt
      local.tee 1
      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
      local.get 1
      local.get 1
      f64x2.eq
      v128.bitselect
      i32x4.abs
      loop (result f32)  ;; label = @2
        global.get 6
        i32.eqz
        if  ;; label = @3
          unreachable
        end
        global.get 6
        i32.const 1
        i32.sub
        global.set 6
        f64.const 0x1.3425650e0dc35p-334 (;=3.43952e-101;)
        i64.trunc_sat_f64_u
        i32.const -1064686735
        block (result i64)  ;; label = @3
          call 1
          f32.trunc
          local.tee 2
          f32.const nan (;=nan;)
          local.get 2
          local.get 2
          f32.eq
          select
          i32.reinterpret_f32
          f32.const -0x1.fb1a2ep+27 (;=-2.65868e+08;)
          i64.trunc_sat_f32_u
          f32.convert_i64_u
          i64.trunc_sat_f32_u
          i64.extend8_s
          f64.convert_i64_u
          f64.nearest
          local.tee 3
          f64.const nan (;=nan;)
          local.get 3
          local.get 3
          f64.eq
          select
          i32.trunc_sat_f64_s
          v128.const i32x4 0xae4df091 0x02abe8ac 0xc1c69f9a 0x2c82d254
          i16x8.all_true
          global.get 0
          f64.convert_i32_s
          table.size 0
          i64.extend_i32_s
          loop (result f64)  ;; label = @4
            global.get 6
            i32.eqz
            if  ;; label = @5
              unreachable
            end
            global.get 6
            i32.const 1
            i32.sub
            global.set 6
            ref.null extern
            br 2 (;@2;)
            elem.drop 0
            block  ;; label = @5
            end
            block (result f32)  ;; label = @5
              ref.null extern
              v128.const i32x4 0x1da541e8 0x2ab4be07 0x39dce7c4 0x4dac17f8
              f32.const 0x1.ce8cb2p-79 (;=2.98916e-24;)
              i32.const -33554433
              data.drop 0
              f32.convert_i32_u
              i64.trunc_f32_u
              call 0
              global.get 0
              f64.convert_i32_u
              data.drop 0
              f64.const 0x1.bdaada49735b8p+337 (;=4.87393e+101;)
              return_call 1
              f32x4.splat
              i32x4.neg
              i8x16.all_true
              global.get 0
              i32.shr_u
              br 4 (;@1;)
              i64.extend_i32_s
              f32.const -0x1.863c3cp+72 (;=-7.19857e+21;)
              i64.trunc_f32_u
              i64x2.splat
              f32x4.sqrt
              local.tee 4
              v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
              local.get 4
              local.get 4
              f32x4.eq
              v128.bitselect
              i32x4.extadd_pairwise_i16x8_u
              v128.not
              i64x2.neg
              i32x4.extadd_pairwise_i16x8_s
              i64x2.bitmask
              i32.extend16_s
              i32.const 1790443527
              data.drop 0
              f32.convert_i32_u
              i64.trunc_f32_s
              call 0
              data.drop 0
              f32.floor
              local.tee 5
              f32.const nan (;=nan;)
              local.get 5
              local.get 5
              f32.eq
              select
              nop
              i32.trunc_f32_s
              i32.extend16_s
              i32.eqz
              i64.extend_i32_u
              i32.const -513
              i32x4.splat
              i64x2.abs
              ref.null extern
              ref.is_null
              i32.extend8_s
              i32x4.splat
              i64x2.neg
              f64x2.trunc
              local.tee 6
              v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
              local.get 6
              local.get 6
              f64x2.eq
              v128.bitselect
              i8x16.max_s
              f64x2.floor
              local.tee 7
              v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
              local.get 7
              local.get 7
              f64x2.eq
              v128.bitselect
              i32.const -513
              i16x8.shr_s
              i32x4.abs
              f64x2.convert_low_i32x4_s
              f32x4.trunc
              local.tee 8
              v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
              local.get 8
              local.get 8
              f32x4.eq
              v128.bitselect
              i16x8.extadd_pairwise_i8x16_u
              f64x2.nearest
              local.tee 9
              v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
              local.get 9
              local.get 9
              f64x2.eq
              v128.bitselect
              i16x8.neg
              f32x4.extract_lane 0
              ref.null func
              global.get 0
              i32.const 67108863
              i32.extend8_s
              global.set 0
              global.set 0
              table.size 0
              i32.eqz
              f64.const -0x1.4e2f2e41f92cfp-628 (;=-1.17195e-189;)
              f64.trunc
              local.tee 10
              f64.const nan (;=nan;)
              local.get 10
              local.get 10
              f64.eq
              select
              br 1 (;@4;)
              block (result f64)  ;; label = @6
                f64.const -nan:0xfffffe0000000 (;=-nan;)
                br 0 (;@6;)
                f64.const 0x1.8c49dadaffcb3p+409 (;=2.04663e+123;)
              end
              i64.reinterpret_f64
              global.get 1
              i64.xor
              global.set 1
              i64.reinterpret_f64
              global.get 1
              i64.xor
              global.set 1
              global.get 2
              i32.xor
              global.set 2
              drop
              i32.reinterpret_f32
              global.get 3
              i32.xor
              global.set 3
              global.get 4
              i64.xor
              global.set 4
              global.get 4
              i64.xor
              global.set 4
              global.get 2
              i32.xor
              global.set 2
              global.get 4
              i64.xor
              global.set 4
              i64.reinterpret_f64
              global.get 1
              i64.xor
              global.set 1
              i64.reinterpret_f64
              global.get 1
              i64.xor
              global.set 1
              i32.reinterpret_f32
              global.get 3
              i32.xor
              global.set 3
              global.get 4
              i64.xor
              global.set 4
              i32.reinterpret_f32
              global.get 3
              i32.xor
              global.set 3
              global.get 5
              v128.xor
              global.set 5
              drop
              f32.const 0x1.222222p-93 (;=1.14437e-28;)
            end
            i32.reinterpret_f32
            global.get 3
            i32.xor
            global.set 3
            drop
            f64.const -0x1.78bfd339ef2bep+930 (;=-1.3357e+280;)
          end
          i64.reinterpret_f64
          global.get 1
          i64.xor
          global.set 1
          global.get 4
          i64.xor
          global.set 4
          i64.reinterpret_f64
          global.get 1
          i64.xor
          global.set 1
          global.get 2
          i32.xor
          global.set 2
          global.get 2
          i32.xor
          global.set 2
          global.get 2
          i32.xor
          global.set 2
          i64.const -7310997831605840583
        end
        global.get 4
        i64.xor
        global.set 4
        global.get 2
        i32.xor
        global.set 2
        global.get 4
        i64.xor
        global.set 4
        f32.const 0x1.bf00fcp-59 (;=3.02902e-18;)
      end
      i32.reinterpret_f32
      global.get 3
      i32.xor
      global.set 3
      global.get 5
      v128.xor
      global.set 5
      global.get 2
      i32.xor
      global.set 2
      global.get 2
      i32.xor
      global.set 2
      i64.reinterpret_f64
      global.get 1
      i64.xor
      global.set 1
    end
    drop
    f32.const -nan:0x7ffff8 (;=-nan;))
  (func (;1;) (type 0) (result f32)
    (local v128 f32 f32 f32 f32 f32 f32)
    global.get 6
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 6
    i32.const 1
    i32.sub
    global.set 6
    data.drop 0
    i64.const 34359738368
    i32.wrap_i64
    i32.extend8_s
    i32.eqz
    if (result v128)  ;; label = @1
      nop
      v128.const i32x4 0x4a31fdc9 0xe0c046a6 0xf03a86e7 0xde297a4b
      i64x2.extend_high_i32x4_s
      i64x2.extend_low_i32x4_u
      i16x8.neg
      data.drop 0
      i16x8.all_true
      i32x4.splat
      i16x8.extend_low_i8x16_s
      i16x8.extend_low_i8x16_s
      f32x4.neg
      i32x4.neg
      f32x4.floor
      local.tee 0
      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
      local.get 0
      local.get 0
      f32x4.eq
      v128.bitselect
      f32x4.convert_i32x4_s
      i32x4.extend_high_i16x8_u
      i32x4.trunc_sat_f32x4_u
      i32x4.extend_high_i16x8_u
      i8x16.abs
      i64x2.extend_low_i32x4_u
      v128.not
      i8x16.all_true
      global.set 0
      i32.const 3
      f64.convert_i32_s
      f64.abs
      i64.trunc_sat_f64_u
      loop (result f32)  ;; label = @2
        global.get 6
        i32.eqz
        if  ;; label = @3
          unreachable
        end
        global.get 6
        i32.const 1
        i32.sub
        global.set 6
        call 1
        v128.const i32x4 0x0e0671d2 0x18ef905e 0xe7f18835 0x8a79a1b4
        i8x16.bitmask
        i32.extend16_s
        f32.reinterpret_i32
        f32.abs
        f32.const 0x1.e172fep+2 (;=7.52264;)
        f32x4.splat
        i64.const 1073741824
        data.drop 0
        br 0 (;@2;)
        i64.eqz
        i64.extend_i32_u
        br 0 (;@2;)
        call 1
        table.size 0
        f32.const 0x1.p-147 (;=5.60519e-45;)
        i32.trunc_sat_f32_u
        i32.div_u
        i32.extend8_s
        f64.const 0x1.60389f66f63d1p+367 (;=4.13603e+110;)
        i32.trunc_sat_f64_s
        i32.sub
        return_call 0
        block (result f32)  ;; label = @3
          block  ;; label = @4
            return_call 1
            table.size 0
            ref.null func
            call 1
            i64.trunc_sat_f32_s
            i64.ctz
            i64.clz
            i64.extend32_s
            i32.const -67108865
            f64.convert_i32_s
            table.size 0
            i64.extend_i32_u
            f32.convert_i64_s
            i32.const -335913302
            i32.extend8_s
            br_table 0 (;@4;) 2 (;@2;) 2 (;@2;)
            i32.trunc_f32_s
            i32.clz
            global.get 0
            i32.mul
            call 1
            f32.sqrt
            local.tee 1
            f32.const nan (;=nan;)
            local.get 1
            local.get 1
            f32.eq
            select
            call 0
            f32.trunc
            local.tee 2
            f32.const nan (;=nan;)
            local.get 2
            local.get 2
            f32.eq
            select
            f32.ge
            f32.const 0x1.537c4ep+58 (;=3.82227e+17;)
            global.get 0
            ref.null extern
            i64.const 1048575
            call 1
            i64.trunc_f32_s
            i64.ne
            i64.extend_i32_u
            f32.convert_i64_s
            elem.drop 0
            f32.floor
            local.tee 3
            f32.const nan (;=nan;)
            local.get 3
            local.get 3
            f32.eq
            select
            table.size 0
            f32.const 0x1.dc02d6p+79 (;=1.12395e+24;)
            f32.floor
            local.tee 4
            f32.const nan (;=nan;)
            local.get 4
            local.get 4
            f32.eq
            select
            f64.const -0x1.fffffffffffffp+960 (;=-1.94906e+289;)
            i64.trunc_f64_s
            block (result v128)  ;; label = @5
              ref.null extern
              table.size 0
              i64.const -4398046511104
              loop  ;; label = @6
                global.get 6
                i32.eqz
                if  ;; label = @7
                  unreachable
                end
                global.get 6
                i32.const 1
                i32.sub
                global.set 6
                elem.drop 0
                br 0 (;@6;)
                v128.const i32x4 0x8e98bbf3 0x76fbe91b 0xf0e35e5b 0xf1c68502
                f64.const 0x1.ffp-1043 (;=2.11785e-314;)
                table.size 0
                br_table 0 (;@6;) 2 (;@4;) 4 (;@2;) 0 (;@6;)
                global.get 0
                global.set 0
                i64.const -5628335318327371883
                i64.extend8_s
                call 0
                i32.trunc_f32_u
                f64.const 0x1p-767 (;=1.28823e-231;)
                table.size 0
                i32.clz
                br_if 4 (;@2;)
                global.get 0
                f32.convert_i32_u
                f32.sqrt
                local.tee 5
                f32.const nan (;=nan;)
                local.get 5
                local.get 5
                f32.eq
                select
                f32.abs
                f32.abs
                f32.floor
                local.tee 6
                f32.const nan (;=nan;)
                local.get 6
                local.get 6
                f32.eq
                select
                f64.const -0x1.791ce6a0c2b67p+787 (;=-1.19905e+237;)
                i32.trunc_sat_f64_s
                i32.extend16_s
                f32.reinterpret_i32
                i64.trunc_f32_u
                f64.reinterpret_i64
                elem.drop 0
                block (result f32)  ;; label = @7
                  block (result v128)  ;; label = @8
                    loop  ;; label = @9
                      global.get 6
                      i32.eqz
                      if  ;; label = @10
                        unreachable
                      end
                      global.get 6
                      i32.const 1
                      i32.sub
                      global.set 6
                      i32.const -1073741824
                      f64.convert_i32_u
                      f32.const 0x1.445c88p-116 (;=1.52514e-35;)
                      i32.const -1024
                      i64.extend_i32_s
                      f64.reinterpret_i64
                      f64.const -0x1.e8963f2ff55b9p+580 (;=-7.55265e+174;)
                      return_call 0
                      f32.abs
                      f32.const 0x1.d44f74p-3 (;=0.228667;)
                      global.get 0
                      select
                      i32.trunc_sat_f32_u
                      return_call 1
                      elem.drop 0
                      i32.trunc_sat_f32_s
                      i32.gt_u
                      f32.convert_i32_u
                      f32.neg
                      block  ;; label = @10
                        i32.const 1528716856
                        global.get 2
                        i32.xor
                        global.set 2
                      end
                      i32.reinterpret_f32
                      global.get 3
                      i32.xor
                      global.set 3
                      i64.reinterpret_f64
                      global.get 1
                      i64.xor
                      global.set 1
                      i64.reinterpret_f64
                      global.get 1
                      i64.xor
                      global.set 1
                      i32.reinterpret_f32
                      global.get 3
                      i32.xor
                      global.set 3
                      i64.reinterpret_f64
                      global.get 1
                      i64.xor
                      global.set 1
                    end
                    v128.const i32x4 0x40fb2c75 0x9a0328d7 0x3fc58ea5 0x72e233a9
                  end
                  global.get 5
                  v128.xor
                  global.set 5
                  f32.const -nan:0x7fc000 (;=-nan;)
                end
                i32.reinterpret_f32
                global.get 3
                i32.xor
                global.set 3
                i64.reinterpret_f64
                global.get 1
                i64.xor
                global.set 1
                i32.reinterpret_f32
                global.get 3
                i32.xor
                global.set 3
                i64.reinterpret_f64
                global.get 1
                i64.xor
                global.set 1
                global.get 2
                i32.xor
                global.set 2
                global.get 4
                i64.xor
                global.set 4
                i64.reinterpret_f64
                global.get 1
                i64.xor
                global.set 1
                global.get 5
                v128.xor
                global.set 5
              end
              global.get 4
              i64.xor
              global.set 4
              global.get 2
              i32.xor
              global.set 2
              drop
              v128.const i32x4 0x71ca9f8c 0x3b568db4 0xe5725ff9 0x9f2abead
            end
            global.get 5
            v128.xor
            global.set 5
            global.get 4
            i64.xor
            global.set 4
            i32.reinterpret_f32
            global.get 3
            i32.xor
            global.set 3
            global.get 2
            i32.xor
            global.set 2
            i32.reinterpret_f32
            global.get 3
            i32.xor
            global.set 3
            drop
            global.get 2
            i32.xor
            global.set 2
            i32.reinterpret_f32
            global.get 3
            i32.xor
            global.set 3
            global.get 2
            i32.xor
            global.set 2
            global.get 2
            i32.xor
            global.set 2
            i64.reinterpret_f64
            global.get 1
            i64.xor
            global.set 1
            drop
            drop
            global.get 2
            i32.xor
            global.set 2
            i32.reinterpret_f32
            global.get 3
            i32.xor
            global.set 3
          end
          f32.const -0x1.654f24p+87 (;=-2.1598e+26;)
        end
        i32.reinterpret_f32
        global.get 3
        i32.xor
        global.set 3
        i32.reinterpret_f32
        global.get 3
        i32.xor
        global.set 3
        global.get 2
        i32.xor
        global.set 2
        i32.reinterpret_f32
        global.get 3
        i32.xor
        global.set 3
        global.get 4
        i64.xor
        global.set 4
        global.get 5
        v128.xor
        global.set 5
        i32.reinterpret_f32
        global.get 3
        i32.xor
        global.set 3
      end
      i32.reinterpret_f32
      global.get 3
      i32.xor
      global.set 3
      global.get 4
      i64.xor
      global.set 4
      v128.const i32x4 0xd455f630 0x4aefaa3e 0xbdafc00c 0xfa32b1e1
    else
      v128.const i32x4 0x0518a5aa 0xad9d42a8 0xb7c4496b 0x18435feb
    end
    global.get 5
    v128.xor
    global.set 5
    f32.const -0x1.3efea6p+127 (;=-2.12008e+38;))
  (table (;0;) 4 externref)
  (global (;1;) (mut i64) (i64.const 0))
  (global (;2;) (mut i32) (i32.const 0))
  (global (;3;) (mut i32) (i32.const 0))
  (global (;4;) (mut i64) (i64.const 0))
  (global (;5;) (mut v128) (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
  (global (;6;) (mut i32) (i32.const 5000))
  (export "R\5c8" (func 0))
  (export "" (func 1))
  (export "2" (table 0))
  (export "3" (global 0))
  (export "4" (global 1))
  (export "5" (global 2))
  (export "6" (global 3))
  (export "7" (global 4))
  (export "8" (global 5))
  (elem (;0;) externref)
  (data (;0;) "\88"))
