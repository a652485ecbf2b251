(module
  (type (;0;) (func (param f32) (result funcref)))
  (type (;1;) (func (param f64 f32 i64) (result f64 i32 v128 f32)))
  (import "" "S" (func (;0;) (type 0)))
  (func (;1;) (type 0) (param f32) (result funcref)
    global.get 5
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    local.get 0
    f32.abs
    i32.reinterpret_f32
    global.get 0
    i32.xor
    global.set 0
    ref.null func)
  (func (;2;) (type 1) (param f64 f32 i64) (result f64 i32 v128 f32)
    (local i64 f32)
    global.get 5
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    block (result v128)  ;; label = @1
      memory.size
      v128.load64_splat offset=42173
      i64x2.extract_lane 1
      i64.popcnt
      i64.const -3926523317434643541
      i64.or
      i32.wrap_i64
      i64.load offset=39182 align=1
      f32.convert_i64_u
      ref.null func
      i32.const -262144
      f32.load offset=21831 align=2
      i64.trunc_sat_f32_u
      memory.size
      block (result i32)  ;; label = @2
        data.drop 0
        memory.size
        v128.load32x2_s offset=60420 align=4
        i32x4.all_true
        f32.convert_i32_u
        i64.trunc_f32_s
        f32.const -0x1.c5c292p+94 (;=-3.5108e+28;)
        i64.trunc_f32_s
        i64.lt_s
        i32.clz
        i64.load32_s offset=53718
        i64.extend32_s
        data.drop 0
        f32.const 0x1.ffffp-133 (;=1.8367e-40;)
        f32.ceil
        local.tee 4
        f32.const nan (;=nan;)
        local.get 4
        local.get 4
        f32.eq
        select
        i64.trunc_sat_f32_s
        i32.const 2143289344
        i32.load8_s offset=26237
        f32.const -0x1.20ed3ap-14 (;=-6.88855e-05;)
        local.set 1
        i64.load32_u offset=51124 align=1
        memory.size
        v128.load16x4_s offset=29934 align=4
        i32x4.extract_lane 3
        if  ;; label = @3
          data.drop 0
          local.get 2
          i64.extend8_s
          i64.eqz
          v128.load8x8_u offset=61531 align=1
          elem.drop 0
          i16x8.extadd_pairwise_i8x16_u
          i32x4.extadd_pairwise_i16x8_u
          i32x4.trunc_sat_f32x4_s
          local.get 3
          f64.const 0x1.p-1073 (;=9.88131e-324;)
          i64.reinterpret_f64
          global.get 1
          i64.xor
          global.set 1
          global.get 2
          i64.xor
          global.set 2
          global.get 3
          v128.xor
          global.set 3
        end
        global.get 2
        i64.xor
        global.set 2
        global.get 2
        i64.xor
        global.set 2
        global.get 2
        i64.xor
        global.set 2
        i32.const -214402280
      end
      global.get 4
      i32.xor
      global.set 4
      global.get 4
      i32.xor
      global.set 4
      global.get 2
      i64.xor
      global.set 2
      drop
      i32.reinterpret_f32
      global.get 0
      i32.xor
      global.set 0
      v128.const i32x4 0x3603d24e 0x4a184002 0x11a501af 0x05817810
    end
    global.get 3
    v128.xor
    global.set 3
    f64.const -0x1.7ea91190692f8p+80 (;=-1.80706e+24;)
    i32.const 1393748248
    v128.const i32x4 0x0000003f 0x00000000 0xffffffff 0xfffeffff
    f32.const -0x1.dee138p-98 (;=-5.90265e-30;))
  (func (;3;) (type 0) (param f32) (result funcref)
    (local i32 f64 i32 f32 f32 f32 f32 f64 f64 f32 f32 f32)
    global.get 5
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    f32.const -0x1.670118p-74 (;=-7.42403e-23;)
    f32.nearest
    local.tee 4
    f32.const nan (;=nan;)
    local.get 4
    local.get 4
    f32.eq
    select
    i32.trunc_f32_u
    loop (result f64)  ;; label = @1
      global.get 5
      i32.eqz
      if  ;; label = @2
        unreachable
      end
      global.get 5
      i32.const 1
      i32.sub
      global.set 5
      ref.null func
      i64.const 511
      i32.const -171930753
      i64.load8_u offset=31942
      i32.wrap_i64
      br_if 0 (;@1;)
      i32.wrap_i64
      f32.load offset=49721
      f32.ceil
      local.tee 5
      f32.const nan (;=nan;)
      local.get 5
      local.get 5
      f32.eq
      select
      f32.trunc
      local.tee 6
      f32.const nan (;=nan;)
      local.get 6
      local.get 6
      f32.eq
      select
      i64.trunc_sat_f32_u
      f32.const -0x1.5887ap+21 (;=-2.82239e+06;)
      memory.size
      v128.load64_splat offset=26774
      f32x4.convert_i32x4_u
      br 0 (;@1;)
      i32x4.abs
      i32.const 65538
      v128.load32x2_s offset=60229 align=2
      i16x8.gt_s
      f32x4.abs
      data.drop 1
      i64x2.extend_high_i32x4_s
      i32x4.bitmask
      i32.eqz
      if (result externref)  ;; label = @2
        memory.size
        i32.load16_u offset=6466
        local.set 1
        block  ;; label = @3
          f32.const 0x1.fff8p-136 (;=2.29575e-41;)
          local.tee 0
          i64.trunc_f32_s
          f32.convert_i64_u
          f32.ceil
          local.tee 7
          f32.const nan (;=nan;)
          local.get 7
          local.get 7
          f32.eq
          select
          f32.neg
          v128.const i32x4 0xb874cff6 0xd8ead322 0x0baaf5ec 0xd3bc9473
          i16x8.extract_lane_u 0
          i64.load offset=41949 align=2
          f64.const 0x1.p-1040 (;=8.48798e-314;)
          f32.demote_f64
          nop
          i32.const 251796546
          i64.load8_u offset=20812
          i64.extend8_s
          data.drop 0
          i64x2.splat
          v128.not
          block  ;; label = @4
            i64.const 2047858080191264806
            memory.size
            memory.size
            v128.load32x2_s offset=57608 align=2
            i32x4.extend_low_i16x8_u
            f32x4.demote_f64x2_zero
            i32x4.extract_lane 3
            i32.eq
            i32.const -16777217
            local.tee 1
            br_if 1 (;@3;)
            i32.clz
            br_if 3 (;@1;)
            elem.drop 1
            f64.reinterpret_i64
            i32.const -536870913
            i32.const 65536
            v128.load32_zero offset=58360 align=2
            i32x4.extadd_pairwise_i16x8_s
            local.get 0
            i32.trunc_f32_u
            f64.convert_i32_u
            i64.trunc_f64_u
            block  ;; label = @5
              block (result f32)  ;; label = @6
                ref.null extern
                local.get 2
                i64.trunc_f64_s
                i64x2.splat
                i64x2.extend_high_i32x4_s
                f64x2.convert_low_i32x4_s
                i16x8.extract_lane_u 1
                if  ;; label = @7
                  br 4 (;@3;)
                  memory.size
                  f64.const 0x1.0002p-1058 (;=3.23801e-319;)
                  f64.ceil
                  local.tee 8
                  f64.const nan (;=nan;)
                  local.get 8
                  local.get 8
                  f64.eq
                  select
                  i32.trunc_sat_f64_s
                  f64.load offset=64835 align=4
                  i32.trunc_sat_f64_s
                  f64.convert_i32_s
                  f64.sqrt
                  local.tee 9
                  f64.const nan (;=nan;)
                  local.get 9
                  local.get 9
                  f64.eq
                  select
                  i64.trunc_sat_f64_s
                  i64.store16 offset=4671
                else
                  memory.size
                  f32.const 0x1.fffffp-129 (;=2.93873e-39;)
                  data.drop 1
                  f32.ceil
                  local.tee 10
                  f32.const nan (;=nan;)
                  local.get 10
                  local.get 10
                  f32.eq
                  select
                  elem.drop 2
                  i64.trunc_f32_u
                  f64.convert_i64_u
                  i64.trunc_f64_s
                  i64.store32 offset=10936 align=2
                  loop (result f64)  ;; label = @8
                    global.get 5
                    i32.eqz
                    if  ;; label = @9
                      unreachable
                    end
                    global.get 5
                    i32.const 1
                    i32.sub
                    global.set 5
                    local.get 1
                    i64.const 72057594037927935
                    f64.convert_i64_u
                    f64.const 0x1.ffffffffffcp-1032 (;=4.34585e-311;)
                    block  ;; label = @9
                    end
                    i64.trunc_f64_s
                    block (result i64)  ;; label = @9
                      f32.const -0x1.38c7ecp-9 (;=-0.00238633;)
                      f32.ceil
                      local.tee 11
                      f32.const nan (;=nan;)
                      local.get 11
                      local.get 11
                      f32.eq
                      select
                      f32.nearest
                      local.tee 12
                      f32.const nan (;=nan;)
                      local.get 12
                      local.get 12
                      f32.eq
                      select
                      v128.const i32x4 0x1ba3844e 0x5f26c8ab 0xe2e169e4 0xb0ee5dc3
                      i8x16.bitmask
                      i32.clz
                      v128.load32x2_u offset=39329
                      i16x8.extadd_pairwise_i8x16_s
                      i16x8.bitmask
                      i64.const -4850376798678024192
                      i64.clz
                      data.drop 1
                      i64x2.splat
                      i64x2.extend_low_i32x4_u
                      i16x8.extadd_pairwise_i8x16_s
                      v128.const i32x4 0xd47b71b7 0x89131fb6 0x09f5f86c 0x2cf5271b
                      i16x8.extend_low_i8x16_u
                      i32x4.max_u
                      i64x2.bitmask
                      local.set 3
                      f32.load offset=4829 align=2
                      br 5 (;@4;)
                      return_call 1
                      i32.const 1232221148
                      i32.clz
                      if  ;; label = @10
                        i32.const 95226143
                        elem.drop 2
                        i32.load offset=1568
                        loop (result i32)  ;; label = @11
                          global.get 5
                          i32.eqz
                          if  ;; label = @12
                            unreachable
                          end
                          global.get 5
                          i32.const 1
                          i32.sub
                          global.set 5
                          i32.const 3
                        end
                        global.get 4
                        i32.xor
                        global.set 4
                        global.get 4
                        i32.xor
                        global.set 4
                      end
                      drop
                      i32.reinterpret_f32
                      global.get 0
                      i32.xor
                      global.set 0
                      i64.const 6368301744377274119
                    end
                    global.get 2
                    i64.xor
                    global.set 2
                    global.get 2
                    i64.xor
                    global.set 2
                    i64.reinterpret_f64
                    global.get 1
                    i64.xor
                    global.set 1
                    global.get 4
                    i32.xor
                    global.set 4
                    f64.const -0x1.8c507bea6ab5p-278 (;=-3.18758e-84;)
                  end
                  i64.reinterpret_f64
                  global.get 1
                  i64.xor
                  global.set 1
                end
                drop
                f32.const -0x1.e0123cp+79 (;=-1.13354e+24;)
              end
              i32.reinterpret_f32
              global.get 0
              i32.xor
              global.set 0
            end
            global.get 2
            i64.xor
            global.set 2
            global.get 3
            v128.xor
            global.set 3
            global.get 4
            i32.xor
            global.set 4
            i64.reinterpret_f64
            global.get 1
            i64.xor
            global.set 1
          end
          global.get 3
          v128.xor
          global.set 3
          i32.reinterpret_f32
          global.get 0
          i32.xor
          global.set 0
          global.get 2
          i64.xor
          global.set 2
          i32.reinterpret_f32
          global.get 0
          i32.xor
          global.set 0
        end
        ref.null extern
      else
        ref.null extern
      end
      drop
      i32.reinterpret_f32
      global.get 0
      i32.xor
      global.set 0
      global.get 2
      i64.xor
      global.set 2
      drop
      f64.const -0x1.035e50451bb1p-8 (;=-0.00395765;)
    end
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1
    global.get 4
    i32.xor
    global.set 4
    ref.null func)
  (func (;4;) (type 0) (param f32) (result funcref)
    (local f32 v128)
    global.get 5
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    f32.const 0x1.e5380cp-47 (;=1.34675e-14;)
    f32.sqrt
    local.tee 1
    f32.const nan (;=nan;)
    local.get 1
    local.get 1
    f32.eq
    select
    block (param f32) (result funcref)  ;; label = @1
      i64.trunc_sat_f32_u
      i64.eqz
      i32.load offset=1698565
      i32.const -808638831
      v128.load32x2_s offset=12119
      i64x2.abs
      i8x16.abs
      i8x16.extract_lane_s 1
      i64.load8_u offset=26890
      i64.eqz
      ref.null extern
      f64.const 0x1.p-1059 (;=1.61895e-319;)
      i32.trunc_sat_f64_u
      i32.load offset=63673 align=2
      i64.const 553668410315393135
      data.drop 1
      i64.extend8_s
      memory.size
      i32.eqz
      i16x8.splat
      i32x4.abs
      i32x4.extend_high_i16x8_u
      f32x4.floor
      local.tee 2
      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
      local.get 2
      local.get 2
      f32x4.eq
      v128.bitselect
      i32x4.trunc_sat_f64x2_u_zero
      i64x2.extend_low_i32x4_u
      i16x8.all_true
      i8x16.splat
      i32x4.extract_lane 1
      f32.convert_i32_s
      i32.reinterpret_f32
      global.get 0
      i32.xor
      global.set 0
      global.get 2
      i64.xor
      global.set 2
      global.get 4
      i32.xor
      global.set 4
      drop
      global.get 4
      i32.xor
      global.set 4
      global.get 4
      i32.xor
      global.set 4
      ref.null func
    end)
  (func (;5;) (type 0) (param f32) (result funcref)
    (local f64 f32 f32 v128 v128 f32 f32 v128 f32 f32 f64 v128)
    global.get 5
    i32.eqz
    if  ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    data.drop 1
    data.drop 0
    memory.size
    i32.ctz
    i64.load16_s offset=28114 align=1
    i64.popcnt
    f64.const -0x1.fda27bc310dc4p-680 (;=-3.96846e-205;)
    f32.const -nan:0x7fff80 (;=-nan;)
    local.get 1
    ref.null extern
    v128.const i32x4 0xf9382cff 0x1e186aeb 0xe45579b5 0x26395721
    i8x16.all_true
    i32.load offset=30317 align=1
    i64.const -131073
    f32.convert_i64_u
    local.tee 0
    f32.floor
    local.tee 2
    f32.const nan (;=nan;)
    local.get 2
    local.get 2
    f32.eq
    select
    f32.const 0x1.fffffep-112 (;=3.85186e-34;)
    memory.size
    i64.const -4294967296
    i64.store16 offset=31057 align=1
    f32.sqrt
    local.tee 3
    f32.const nan (;=nan;)
    local.get 3
    local.get 3
    f32.eq
    select
    i32.reinterpret_f32
    f32.const 0x1.p-129 (;=1.46937e-39;)
    i32.trunc_f32_s
    i32.eq
    if (param f32) (result funcref)  ;; label = @1
      i32.trunc_f32_s
      i32.load16_u offset=43132
      i32.load offset=19951
      i32.popcnt
      i32.load offset=56599 align=2
      i64.const 8680470952494703707
      i64.extend16_s
      block (result f64)  ;; label = @2
        elem.drop 1
        ref.null func
        v128.const i32x4 0xc4c42a86 0x729cba93 0xba86360d 0x4dc5a189
        i32x4.extend_high_i16x8_u
        i16x8.extend_high_i8x16_s
        f32x4.demote_f64x2_zero
        v128.not
        f64x2.extract_lane 0
        i64.trunc_f64_s
        f64.reinterpret_i64
        block (result v128)  ;; label = @3
          elem.drop 0
          memory.size
          local.get 1
          i32.trunc_sat_f64_s
          i32x4.splat
          i32x4.extend_high_i16x8_u
          v128.load8_lane offset=22210 10
          f64x2.trunc
          local.tee 4
          v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
          local.get 4
          local.get 4
          f64x2.eq
          v128.bitselect
          i64x2.abs
          f32x4.ceil
          local.tee 5
          v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
          local.get 5
          local.get 5
          f32x4.eq
          v128.bitselect
          local.get 1
          memory.size
          i64.const 3211268
          v128.const i32x4 0xdb009580 0x69284512 0xda91e1b8 0x53ddc6fa
          i8x16.neg
          i32x4.abs
          f64x2.neg
          i32x4.extadd_pairwise_i16x8_s
          br 0 (;@3;)
          i64.eqz
          i32.clz
          local.get 0
          i32.trunc_f32_u
          i32.ge_s
          i32.and
          f32.reinterpret_i32
          loop (param f32) (result funcref)  ;; label = @4
            global.get 5
            i32.eqz
            if  ;; label = @5
              unreachable
            end
            global.get 5
            i32.const 1
            i32.sub
            global.set 5
            loop (param f32) (result funcref)  ;; label = @5
              global.get 5
              i32.eqz
              if  ;; label = @6
                unreachable
              end
              global.get 5
              i32.const 1
              i32.sub
              global.set 5
              i64.trunc_sat_f32_s
              i32.wrap_i64
              i64.load32_u offset=30567 align=2
              f32.convert_i64_u
              data.drop 0
              f32.const 0x1.p-130 (;=7.34684e-40;)
              f32.min
              local.tee 6
              f32.const nan (;=nan;)
              local.get 6
              local.get 6
              f32.eq
              select
              i32.reinterpret_f32
              nop
              i32.clz
              f32.load offset=2045717 align=2
              f32.ceil
              local.tee 7
              f32.const nan (;=nan;)
              local.get 7
              local.get 7
              f32.eq
              select
              i64.trunc_f32_s
              i64.clz
              i64.eqz
              v128.load8x8_u offset=13449 align=1
              v128.const i32x4 0xe0af046b 0x83b6b5e6 0xfb6727f2 0x7580f171
              i16x8.q15mulr_sat_s
              i16x8.extract_lane_s 4
              i64.load32_s offset=15454 align=1
              f32.convert_i64_s
              i32.reinterpret_f32
              i32.load offset=5529
              i16x8.splat
              f32x4.sqrt
              local.tee 8
              v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
              local.get 8
              local.get 8
              f32x4.eq
              v128.bitselect
              i16x8.neg
              i32x4.extend_high_i16x8_s
              f32.const 0x1.p-134 (;=4.59177e-41;)
              return_call 3
              local.get 0
              f32.floor
              local.tee 9
              f32.const nan (;=nan;)
              local.get 9
              local.get 9
              f32.eq
              select
              data.drop 1
              i32.trunc_f32_u
              i8x16.splat
              i64.const 33554432
              f64.const 0x1.3793904b0a45fp-802 (;=4.56319e-242;)
              i64.const -5395751453893401433
              i32.wrap_i64
              i64.load8_u offset=18886
              f32.const -0x1.718ac8p+97 (;=-2.28735e+29;)
              f32.sqrt
              local.tee 10
              f32.const nan (;=nan;)
              local.get 10
              local.get 10
              f32.eq
              select
              return_call 3
              loop (result i64)  ;; label = @6
                global.get 5
                i32.eqz
                if  ;; label = @7
                  unreachable
                end
                global.get 5
                i32.const 1
                i32.sub
                global.set 5
                br 0 (;@6;)
                i64.const 2139095040
                i32.const 1805570373
                i32.load8_u offset=51160
                i64.extend_i32_u
                block  ;; label = @7
                  i32.const 215938834
                  local.get 0
                  f64.const 0x1.1111111111111p-750 (;=1.80108e-226;)
                  f64.floor
                  local.tee 11
                  f64.const nan (;=nan;)
                  local.get 11
                  local.get 11
                  f64.eq
                  select
                  i64.trunc_f64_s
                  local.get 1
                  data.drop 1
                  i32.trunc_sat_f64_u
                  br_table 0 (;@7;) 1 (;@6;) 0 (;@7;)
                  f64.convert_i64_u
                  memory.size
                  i32.popcnt
                  v128.load64_zero offset=7680 align=2
                  f32x4.trunc
                  local.tee 12
                  v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
                  local.get 12
                  local.get 12
                  f32x4.eq
                  v128.bitselect
                  global.get 3
                  v128.xor
                  global.set 3
                  i64.reinterpret_f64
                  global.get 1
                  i64.xor
                  global.set 1
                  i32.reinterpret_f32
                  global.get 0
                  i32.xor
                  global.set 0
                  global.get 4
                  i32.xor
                  global.set 4
                end
                global.get 2
                i64.xor
                global.set 2
              end
              global.get 2
              i64.xor
              global.set 2
              drop
              global.get 2
              i64.xor
              global.set 2
              i64.reinterpret_f64
              global.get 1
              i64.xor
              global.set 1
              global.get 2
              i64.xor
              global.set 2
              global.get 3
              v128.xor
              global.set 3
              drop
              global.get 3
              v128.xor
              global.set 3
              ref.null func
            end
          end
          drop
          i64.reinterpret_f64
          global.get 1
          i64.xor
          global.set 1
        end
        global.get 3
        v128.xor
        global.set 3
        i64.reinterpret_f64
        global.get 1
        i64.xor
        global.set 1
        drop
        f64.const 0x1.cff301506d1fdp+330 (;=3.96396e+99;)
      end
      i64.reinterpret_f64
      global.get 1
      i64.xor
      global.set 1
      global.get 2
      i64.xor
      global.set 2
      global.get 4
      i32.xor
      global.set 4
      ref.null func
    else
      i32.reinterpret_f32
      global.get 0
      i32.xor
      global.set 0
      ref.null func
    end
    drop
    global.get 4
    i32.xor
    global.set 4
    drop
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1
    i32.reinterpret_f32
    global.get 0
    i32.xor
    global.set 0
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1
    global.get 2
    i64.xor
    global.set 2
    ref.null func)
  (memory (;0;) 1 49)
  (global (;0;) (mut i32) (i32.const 0))
  (global (;1;) (mut i64) (i64.const 0))
  (global (;2;) (mut i64) (i64.const 0))
  (global (;3;) (mut v128) (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
  (global (;4;) (mut i32) (i32.const 0))
  (global (;5;) (mut i32) (i32.const 5000))
  (export "" (func 0))
  (export "1" (func 1))
  (export "2" (func 2))
  (export "3" (func 3))
  (export "4" (func 4))
  (export "5" (func 5))
  (export "6" (memory 0))
  (export "7" (global 0))
  (export "@[@" (global 1))
  (export "9" (global 2))
  (export "10" (global 3))
  (export "fU" (global 4))
  (elem (;0;) externref)
  (elem (;1;) func)
  (elem (;2;) externref)
  (elem (;3;) declare func)
  (elem (;4;) func)
  (data (;0;) (i32.const 7993) "+")
  (data (;1;) "O"))
