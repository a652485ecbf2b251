(module
  (type (;0;) (func))
  (import "" "\09" (func (;0;) (type 0)))
  (func (;1;) (type 0)
    call 4
    block (result f32)  ;; label = @1
      call 2
      f32.const 0x1.ca2336p-29 (;=3.33339e-09;)
    end
    i32.reinterpret_f32
    global.get 0
    i32.xor
    global.set 0)
  (func (;2;) (type 0)
    (local f64)
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    f64.const 0x1.ffffffp-1050 (;=1.65781e-316;)
    f64.const nan (;=nan;)
    local.get 0
    local.get 0
    f64.eq
    select
    i64.reinterpret_f64
    global.get 1
    i64.xor
    global.set 1)
  (func (;3;) (type 0)
    (local f32 externref v128 v128 f32 f32 f64 v128 f64)
    return_call 0
    block  ;; label = @1
      ref.null func
      i64.const 1723368229188714759
      loop (result i32)  ;; label = @2
        global.get 5
        if  ;; label = @3
        end
        global.get 5
        i32.const 1
        i32.sub
        global.set 5
        i64.const -4884106706563118108
        f64.convert_i64_u
        ref.null extern
        f32.const 0x1p-111 (;=3.85186e-34;)
        i32.trunc_sat_f32_u
        f64.const 0x1.fffffffffff8p-1029 (;=3.47668e-310;)
        f64.const nan (;=nan;)
        local.get 6
        local.get 6
        f64.eq
        select
        f64.const 0x1.3996335408a95p-974 (;=7.67188e-294;)
        i64.const 536870911
        i64.const -274877906945
        i64.and
        loop  ;; label = @3
          global.get 5
          if  ;; label = @4
          end
          global.get 5
          i32.const 1
          i32.sub
          ref.null extern
          ref.is_null
          i32.const 256
          i32.eq
          i32.shr_u
          block  ;; label = @4
            loop  ;; label = @5
              loop  ;; label = @6
                global.get 5
                if  ;; label = @7
                  unreachable
                  if  ;; label = @8
                    v128.const i32x4 0x7bc3f37f 0xfdf4356a 0x12a71836 0x09c7a23b
                    i32x4.extract_lane 0
                    i64.const 5510981321042413487
                    loop  ;; label = @9
                      global.get 5
                      i32.const 1
                      i32.sub
                      global.set 5
                    end
                    global.get 2
                    i64.xor
                    global.set 2
                    global.get 3
                    i32.xor
                    global.set 3
                  end
                end
              end
            end
          end
          global.get 3
          i32.xor
          global.set 3
        end
        global.get 2
        i64.xor
        global.set 2
        i64.reinterpret_f64
        global.get 1
        i64.xor
        global.set 1
        i64.reinterpret_f64
        global.get 1
        i64.xor
        global.set 1
        global.get 3
        i32.xor
        global.set 3
        drop
        i64.reinterpret_f64
        global.get 1
        i64.xor
        global.set 1
        i32.const 2139095040
      end
      global.get 3
      i32.xor
      global.set 3
      global.get 2
      i64.xor
      global.set 2
      drop
    end
    global.set 1)
  (func (;4;) (type 0)
    (local v128 v128 f32 f32 v128 v128 f64 v128 v128)
    loop  ;; label = @1
      return_call 0
      block (result i32)  ;; label = @2
        ref.null extern
        i32.const 255
        i64.extend_i32_s
        ref.null func
        v128.const i32x4 0x85ec91e7 0xd416b465 0xf7af6ad8 0x8a349883
        v128.const i32x4 0xcdc9ee53 0x6f194c22 0x34de2716 0x79494e9b
        i16x8.extract_lane_s 5
        i32.const 2048
        block  ;; label = @3
          f64.const 0x1.p-1038 (;=3.39519e-313;)
          i64.trunc_f64_u
          i32.const 1431655765
          i64.extend_i32_s
          i64.gt_s
          f64.convert_i32_s
          i32.trunc_f64_s
          f32.const -0x1.b52e76p+63 (;=-1.57511e+19;)
          f32.const nan (;=nan;)
          local.get 2
          local.get 2
          f32.eq
          select
          f64.const 0x1.b61529705fdd8p+145 (;=7.63248e+43;)
          i64.trunc_f64_u
          f32.convert_i64_s
          i32.reinterpret_f32
          block  ;; label = @4
            block  ;; label = @5
              block (result i32)  ;; label = @6
                v128.const i32x4 0xf243095f 0xa9e7c27b 0xe2703c4e 0xd680e1b3
                i64x2.bitmask
                if  ;; label = @7
                  block (result funcref)  ;; label = @8
                    f32.const 0x1.709182p+125 (;=6.12389e+37;)
                    f32.const nan (;=nan;)
                    local.get 3
                    local.get 3
                    f32.eq
                    select
                    loop  ;; label = @9
                      loop  ;; label = @10
                        loop  ;; label = @11
                          global.get 5
                          if (result f64)  ;; label = @12
                            v128.const i32x4 0x4192b13a 0x21775576 0x82c0521e 0x727c60fb
                            v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
                            local.get 4
                            local.get 4
                            f64x2.eq
                            v128.bitselect
                            loop  ;; label = @13
                              block (result i32)  ;; label = @14
                                i64.const -65537
                                f64.reinterpret_i64
                                block  ;; label = @15
                                  i32.const 2143289344
                                  loop  ;; label = @16
                                    global.get 5
                                    i32.const 1
                                    i32.sub
                                    global.set 5
                                    loop (result f32)  ;; label = @17
                                      v128.const i32x4 0x7feecb89 0x7f640e30 0xd3d81dc0 0xf9a57838
                                      v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
                                      local.get 5
                                      local.get 5
                                      f32x4.eq
                                      v128.bitselect
                                      f32x4.extract_lane 0
                                      block (result f32)  ;; label = @18
                                        f64.const -0x1p+1009 (;=-5.48612e+303;)
                                        block  ;; label = @19
                                          block  ;; label = @20
                                          end
                                        end
                                        i64.reinterpret_f64
                                        global.get 1
                                        i64.xor
                                        global.set 1
                                        f32.const -0x1.d576dcp+121 (;=-4.8752e+36;)
                                      end
                                      i32.reinterpret_f32
                                      global.get 0
                                      i32.xor
                                      global.set 0
                                    end
                                    i32.reinterpret_f32
                                    global.get 0
                                    i32.xor
                                    global.set 0
                                  end
                                  drop
                                end
                                i64.reinterpret_f64
                                global.get 1
                                i64.xor
                                global.set 1
                                i32.const -32769
                              end
                              drop
                            end
                            global.get 4
                            v128.xor
                            global.set 4
                            f64.const -0x1.00e63a4c36ee3p+146 (;=-8.95164e+43;)
                          else
                            f64.const -0x1.63df040480c92p-589 (;=-6.86097e-178;)
                          end
                          i64.reinterpret_f64
                          global.get 1
                          i64.xor
                          global.set 1
                        end
                      end
                    end
                    i32.reinterpret_f32
                    global.get 0
                    i32.xor
                    global.set 0
                    ref.null func
                  end
                  drop
                end
                i32.const 8388608
              end
              global.get 3
              i32.xor
              global.set 3
            end
          end
          global.get 3
          i32.xor
          global.set 3
          i32.reinterpret_f32
          global.get 0
          i32.xor
          global.set 0
          global.get 3
          i32.xor
          global.set 3
        end
        global.get 3
        i32.xor
        global.set 3
        global.get 3
        i32.xor
        global.set 3
        global.get 4
        v128.xor
        global.set 4
        drop
        global.get 2
        i64.xor
        global.set 2
        drop
        i32.const 8388608
      end
      drop
    end)
  (func (;5;) (type 0)
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    i64.const -4589280327957330578
    i64x2.splat
    v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
    v128.xor
    global.set 4)
  (global (;0;) (mut i32) (i32.const 0))
  (global (;1;) (mut i64) (i64.const 0))
  (global (;2;) (mut i64) (i64.const 0))
  (global (;3;) (mut i32) (i32.const 0))
  (global (;4;) (mut v128) (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
  (global (;5;) (mut i32) (i32.const 5000))
  (export "1" (func 1))
  (data (;0;) ""))