(module
  (type (;0;) (func (param i32)))
  (func (;0;) (type 0) (param i32)
    (local f64 f32 v128 f64 f64 v128 v128 v128 v128 v128)
    global.get 6
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 6
    i32.const 1
    i32.sub
    global.set 6
    ref.func 0
    table.size 0
    f32.convert_i32_u
    i32.trunc_f32_s
    table.grow 0
    f32.convert_i32_u
    v128.const i32x4 0x219e9eb6 0x26c4d510 0x364b95a5 0xd6f028ae
    i64x2.neg
    i8x16.bitmask
    call 0
    i32.trunc_f32_u
    i32.popcnt
    i32x4.splat
    i32x4.extend_low_i16x8_s
    i32x4.extend_low_i16x8_u
    block (result i64)  ;; label = @1
      local.get 0
      i64.const 34359738368
      br 1 (;@0;)
      i64.ctz
      table.size 0
      if (result i32)  ;; label = @2
        loop  ;; label = @3
          global.get 6
          i32.eqz
          if  ;; label = @4
            unreachable
          end
          global.get 6
          i32.const 1
          i32.sub
          global.set 6
          ref.null func
          i32.const 1551163227
          i32.extend16_s
          local.tee 0
          f32.convert_i32_s
          i64.trunc_f32_s
          f32.convert_i64_u
          v128.const i32x4 0xb5a2932c 0x46a9e2b5 0x91a8bd9c 0xd4179c34
          f64.const -nan:0xfffffffffffef (;=-nan;)
          i32.trunc_f64_s
          i32x4.splat
          i32x4.ge_s
          local.get 0
          call 0
          i64.const 7505741163362841874
          i32.wrap_i64
          f32.convert_i32_u
          f32.trunc
          local.tee 2
          f32.const nan (;=nan;)
          local.get 2
          local.get 2
          f32.eq
          select
          ref.func 0
          global.get 0
          i64.const 8739200544288683283
          i64x2.splat
          i16x8.extadd_pairwise_i8x16_u
          i32x4.trunc_sat_f32x4_u
          i64x2.neg
          f32x4.nearest
          local.tee 3
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 3
          local.get 3
          f32x4.eq
          v128.bitselect
          i8x16.abs
          f64x2.convert_low_i32x4_s
          i8x16.neg
          f64x2.convert_low_i32x4_s
          f64x2.neg
          i64x2.all_true
          ref.null extern
          ref.func 0
          loop  ;; label = @4
            global.get 6
            i32.eqz
            if  ;; label = @5
              unreachable
            end
            global.get 6
            i32.const 1
            i32.sub
            global.set 6
            f64.const -nan:0xe000000000000 (;=-nan;)
            i64.trunc_f64_u
            f32.convert_i64_u
            global.get 0
            loop  ;; label = @5
              global.get 6
              i32.eqz
              if  ;; label = @6
                unreachable
              end
              global.get 6
              i32.const 1
              i32.sub
              global.set 6
              block (result i32)  ;; label = @6
                ref.func 0
                ref.func 0
                f64.const -0x1p+1023 (;=-8.98847e+307;)
                i64.trunc_f64_u
                i64.const 2143289344
                f64.const 0x1.fffffffffffffp-512 (;=1.49167e-154;)
                i64.trunc_f64_s
                local.get 0
                i32.extend8_s
                table.get 0
                f64.const 0x1.8fd14a06f4615p-80 (;=1.29188e-24;)
                i64.trunc_sat_f64_s
                f64.const -0x1.efdd59459c388p-595 (;=-1.49374e-179;)
                i32.trunc_f64_u
                i8x16.splat
                f32x4.convert_i32x4_s
                i32x4.all_true
                i64.extend_i32_s
                f64.convert_i64_s
                f64.sqrt
                local.tee 4
                f64.const nan (;=nan;)
                local.get 4
                local.get 4
                f64.eq
                select
                local.set 1
                i64.const -6707763793122759274
                table.size 0
                i32.popcnt
                f32.convert_i32_s
                i32.trunc_sat_f32_u
                i32.extend8_s
                ref.null extern
                global.get 0
                ref.func 0
                f64.const 0x1.883701f3ccdffp-985 (;=4.68531e-297;)
                f64.nearest
                local.tee 5
                f64.const nan (;=nan;)
                local.get 5
                local.get 5
                f64.eq
                select
                i32.const -1170336729
                f64.convert_i32_s
                br 2 (;@4;)
                f32.const -0x1.8d2564p-75 (;=-4.10639e-23;)
                f32x4.splat
                i64x2.extend_high_i32x4_u
                i16x8.extract_lane_u 6
                f64.const 0x1.2ee9d23b8215fp+150 (;=1.6888e+45;)
                i32.trunc_sat_f64_u
                f32.reinterpret_i32
                table.size 0
                block (param i32)  ;; label = @7
                  i64.extend_i32_s
                  table.size 0
                  f32.convert_i32_s
                  nop
                  i64.trunc_sat_f32_u
                  block (result f64)  ;; label = @8
                    br 4 (;@4;)
                    block  ;; label = @9
                      global.get 0
                      table.size 0
                      i8x16.splat
                      i32.const 4096
                      i32x4.splat
                      f64x2.trunc
                      local.tee 6
                      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
                      local.get 6
                      local.get 6
                      f64x2.eq
                      v128.bitselect
                      i8x16.extract_lane_s 7
                      local.set 0
                      i16x8.extract_lane_s 3
                      br 3 (;@6;)
                      ref.null extern
                      v128.const i32x4 0x38c8f858 0xbc89e430 0x3da2e100 0x75a4db99
                      i32x4.neg
                      f64x2.floor
                      local.tee 7
                      v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
                      local.get 7
                      local.get 7
                      f64x2.eq
                      v128.bitselect
                      f32x4.sqrt
                      local.tee 8
                      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
                      local.get 8
                      local.get 8
                      f32x4.eq
                      v128.bitselect
                      v128.const i32x4 0x67eb3e0d 0x359c515c 0x46be494c 0x0ace9aa1
                      i16x8.extmul_low_i8x16_u
                      i32x4.extend_low_i16x8_s
                      f32x4.nearest
                      local.tee 9
                      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
                      local.get 9
                      local.get 9
                      f32x4.eq
                      v128.bitselect
                      i16x8.extend_low_i8x16_u
                      i32x4.abs
                      i32x4.extend_high_i16x8_u
                      i32x4.neg
                      i32x4.trunc_sat_f32x4_u
                      i16x8.extend_low_i8x16_u
                      global.get 0
                      ref.null extern
                      f32.const 0x1.fffffep-112 (;=3.85186e-34;)
                      i32.trunc_f32_u
                      i32.popcnt
                      i32x4.splat
                      i32x4.extend_high_i16x8_u
                      i32x4.extend_high_i16x8_s
                      v128.not
                      i64x2.extend_high_i32x4_s
                      f32x4.nearest
                      local.tee 10
                      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
                      local.get 10
                      local.get 10
                      f32x4.eq
                      v128.bitselect
                      global.get 1
                      v128.xor
                      global.set 1
                      drop
                      drop
                      global.get 1
                      v128.xor
                      global.set 1
                      drop
                      drop
                    end
                    f64.const 0x1.e8a7fbe1a6429p+624 (;=1.32886e+188;)
                  end
                  i64.reinterpret_f64
                  global.get 2
                  i64.xor
                  global.set 2
                  global.get 3
                  i64.xor
                  global.set 3
                  global.get 3
                  i64.xor
                  global.set 3
                end
                i32.reinterpret_f32
                global.get 4
                i32.xor
                global.set 4
                global.get 5
                i32.xor
                global.set 5
                i64.reinterpret_f64
                global.get 2
                i64.xor
                global.set 2
                i64.reinterpret_f64
                global.get 2
                i64.xor
                global.set 2
                drop
                drop
                drop
                global.get 5
                i32.xor
                global.set 5
                global.get 3
                i64.xor
                global.set 3
                global.get 3
                i64.xor
                global.set 3
                drop
                global.get 3
                i64.xor
                global.set 3
                global.get 3
                i64.xor
                global.set 3
                global.get 3
                i64.xor
                global.set 3
                drop
                drop
                i32.const 2047
              end
              global.get 5
              i32.xor
              global.set 5
            end
            drop
            i32.reinterpret_f32
            global.get 4
            i32.xor
            global.set 4
          end
          drop
          drop
          global.get 5
          i32.xor
          global.set 5
          drop
          drop
          i32.reinterpret_f32
          global.get 4
          i32.xor
          global.set 4
          global.get 1
          v128.xor
          global.set 1
          i32.reinterpret_f32
          global.get 4
          i32.xor
          global.set 4
          drop
        end
        i32.const 344493793
      else
        i32.const -944049953
      end
      global.get 5
      i32.xor
      global.set 5
      global.get 3
      i64.xor
      global.set 3
      global.get 5
      i32.xor
      global.set 5
      i64.const 3816417242640936015
    end
    global.get 3
    i64.xor
    global.set 3
    global.get 1
    v128.xor
    global.set 1)
  (table (;0;) 411 funcref)
  (global (;0;) (mut funcref) (ref.func 0))
  (global (;1;) (mut v128) (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
  (global (;2;) (mut i64) (i64.const 0))
  (global (;3;) (mut i64) (i64.const 0))
  (global (;4;) (mut i32) (i32.const 0))
  (global (;5;) (mut i32) (i32.const 0))
  (global (;6;) (mut i32) (i32.const 5000))
  (export "" (func 0))
  (export "1" (table 0))
  (export "2" (global 0))
  (export "\0d" (global 2))
  (export "4" (global 3))
  (export "b'\1a" (global 4))
  (export "6" (global 5)))
